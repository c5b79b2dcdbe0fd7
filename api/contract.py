"""The handover contract as a file the assistant's side can read.

The action server runs in another environment (Rasa pins pydantic 1), so it cannot import
`api.schemas`. It checks every intake against `api/intake_create.schema.json`, the JSON Schema of
`IntakeCreate` that this module writes, before it shows the person the summary and again before
the handover. tests/api/test_contract.py fails when the file and the model differ, so the two
sides cannot drift: change the model, run `python -m api.contract`, commit the file.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from api.schemas import IntakeCreate

CONTRACT_PATH = Path(__file__).with_name("intake_create.schema.json")


def intake_contract() -> dict[str, Any]:
    schema = IntakeCreate.model_json_schema(mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def contract_text() -> str:
    return json.dumps(intake_contract(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def main() -> int:
    CONTRACT_PATH.write_text(contract_text(), encoding="utf-8")
    print(f"wrote {CONTRACT_PATH}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
