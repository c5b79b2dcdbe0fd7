"""The contract file the action server checks intakes against is the API's own model."""

from __future__ import annotations

import json

from api.contract import CONTRACT_PATH, contract_text, intake_contract


def test_the_committed_contract_is_the_models_schema() -> None:
    assert CONTRACT_PATH.read_text(encoding="utf-8") == contract_text(), (
        "api/intake_create.schema.json differs from IntakeCreate: run `.venv-api/bin/python -m api.contract`"
    )


def test_the_contract_names_every_field_the_api_requires() -> None:
    contract = json.loads(CONTRACT_PATH.read_text(encoding="utf-8"))
    assert contract == intake_contract()
    assert {"desired_route", "category", "receipt_code", "consent"} <= set(contract["required"])
    assert contract["additionalProperties"] is False
