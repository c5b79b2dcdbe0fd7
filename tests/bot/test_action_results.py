"""The action server's answers are validated by a validator compiled once (components/action_results.py)."""

from __future__ import annotations

import jsonschema
import pytest
from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

import bot.components  # noqa: F401  (installs the compiled validator, as loading the model does)
from bot.components.action_results import validate_action_result


def remote() -> RemoteAction:
    return RemoteAction("action_x", EndpointConfig("http://localhost:1/webhook"))


def test_rasa_uses_the_compiled_validator():
    assert RemoteAction._validate_action_result is validate_action_result


def test_valid_answers_pass_and_invalid_ones_are_refused_with_rasas_message():
    action = remote()
    slot = {"event": "slot", "name": "category", "value": "pesten"}
    good = {"events": [slot], "responses": [{"text": "Hoi"}]}
    assert action._validate_action_result(good) is True
    assert action._validate_action_result({"events": [], "responses": []}) is True
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result({"events": [{"event": "slot", "name": 3}], "responses": []})
    with pytest.raises(ValidationError):
        action._validate_action_result({"events": "not a list", "responses": []})


def test_the_schema_is_not_checked_again_on_every_answer(monkeypatch):
    """jsonschema.validate checks the schema against the meta-schema each call (10 to 40 ms); the
    compiled validator does not (speed itself: make bench-bot)."""
    action = remote()
    answer = {"events": [{"event": "slot", "name": "category", "value": "pesten"}], "responses": []}
    action._validate_action_result(answer)
    checks = []
    cls = validator_for(RemoteAction.action_response_format_spec())
    monkeypatch.setattr(cls, "check_schema", classmethod(lambda c, schema, **kw: checks.append(schema)))
    for _ in range(5):
        action._validate_action_result(answer)
    assert checks == []
    jsonschema.validate(answer, RemoteAction.action_response_format_spec())  # what Rasa did before
    assert len(checks) == 1
