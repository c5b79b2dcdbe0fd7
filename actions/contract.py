"""Checks an intake against the contract the Meldpunt API enforces, before anything is sent.

`api/intake_create.schema.json` is the JSON Schema of the API's `IntakeCreate`, written by
`python -m api.contract` and held equal to the model by tests/api/test_contract.py. The action
server checks the intake it is about to show as a summary, and again before the handover, so an
intake the person consents to is one the API accepts: a code the person gets always works.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

CONTRACT_PATH = Path(__file__).resolve().parents[1] / "api" / "intake_create.schema.json"


@lru_cache(maxsize=1)
def validator() -> Draft202012Validator:
    schema = json.loads(CONTRACT_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def contract_problems(payload: dict[str, Any]) -> dict[str, str]:
    """Field -> what is wrong with it, for every way the payload breaks the contract ({} if none)."""
    problems: dict[str, str] = {}
    for error in sorted(validator().iter_errors(payload), key=lambda e: list(e.absolute_path)):
        field = str(error.absolute_path[0]) if error.absolute_path else _field_of(error)
        problems.setdefault(field, error.message[:200])
    return problems


def _field_of(error: Any) -> str:
    """The field a whole-object error is about (a required property, an if/then rule)."""
    for sub in error.context or []:
        if sub.absolute_path:
            return str(sub.absolute_path[0])
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = [name for name in error.validator_value if name not in error.instance]
        if missing:
            return str(missing[0])
    return "(intake)"
