"""Rasa checks every answer of the action server against a JSON schema, with `jsonschema.validate`.
That function first checks the schema itself against the JSON Schema meta-schema, on every call: with
jsonschema 4.17 (draft 2020-12, dynamic references) about 10 to 40 ms per action call, most of a
turn's time (measured with cProfile on the Rasa server: 75 % of a turn). The schema never changes,
so the validator is compiled and the schema checked once; every answer is still validated, and an
invalid one is still refused with Rasa's own message.

`install()` runs when this package is imported, which every Rasa process that loads the assistant's
model does (the pipeline's components live here).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jsonschema import ValidationError
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@lru_cache(maxsize=1)
def response_validator() -> Validator:
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    """`RemoteAction._validate_action_result`, with the validator compiled once."""
    try:
        response_validator().validate(result)
        return True
    except ValidationError as e:
        e.message += (
            ". Failed to validate Action server response from API, make sure your response from the "
            "Action endpoint is valid. For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise e


def install() -> None:
    RemoteAction._validate_action_result = validate_action_result
