"""Receipt codes, handover settings and the Meldpunt API client, against a mocked HTTP transport."""

from __future__ import annotations

import ast
import json
import logging
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from actions import receipt
from actions.api_client import Outcome, follow_up, submit_intake
from actions.receipt import new_receipt_code, normalise_receipt_code
from actions.settings import HandoverSettings, SettingsError

API = "http://api.test"
TOKEN = "service-token-for-tests"
CODE = "12345 67890 13579 24680 11223"
SECRET_TEXT = "Mijn leidinggevende zei iets over mijn afkomst"
PAYLOAD: dict[str, Any] = {
    "id": "8f14e45f-ceea-467f-a8d5-6e1b2c3d4e5f",
    "receipt_code": CODE,
    "category": "discriminatie",
    "description": SECRET_TEXT,
    "consent": True,
}
RECEIPT = {"id": PAYLOAD["id"], "status": "nieuw", "deadlines": {"acknowledgement": "2030-01-08T00:00:00Z"}}
SETTINGS = HandoverSettings(api_url=API, service_token=TOKEN)


def _api_receipt_pattern() -> re.Pattern[str]:
    """RECEIPT_PATTERN as api/schemas.py defines it (that module needs pydantic 2, not in this venv)."""
    source = Path(__file__).resolve().parents[2] / "api" / "schemas.py"
    wanted = {"RECEIPT_DIGITS", "RECEIPT_PATTERN"}
    nodes = [
        node
        for node in ast.parse(source.read_text()).body
        if isinstance(node, ast.Assign) and {getattr(t, "id", None) for t in node.targets} & wanted
    ]
    names: dict[str, Any] = {}
    exec(compile(ast.Module(body=nodes, type_ignores=[]), str(source), "exec"), names)
    return re.compile(names["RECEIPT_PATTERN"])


def _client(handler: Callable[[httpx.Request], httpx.Response], seen: list[httpx.Request]) -> httpx.Client:
    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return handler(request)

    return httpx.Client(transport=httpx.MockTransport(record))


def _answer(status: int, body: Any = None, headers: dict[str, str] | None = None) -> Callable[..., Any]:
    return lambda request: httpx.Response(status, json=body, headers=headers)


def _raise(exc: Exception) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc

    return handler


# Receipt codes


def test_new_code_is_five_groups_of_five_digits() -> None:
    assert re.fullmatch(r"[0-9]{5}( [0-9]{5}){4}", new_receipt_code())


def test_new_code_is_accepted_by_the_api_pattern() -> None:
    assert _api_receipt_pattern().fullmatch(new_receipt_code())


def test_new_code_draws_at_least_80_bits_from_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    bounds: list[int] = []
    monkeypatch.setattr(receipt.secrets, "randbelow", lambda n: bounds.append(n) or 0)
    new_receipt_code()
    assert bounds == [10**25]
    assert math.log2(bounds[0]) >= 80


def test_new_code_keeps_leading_zeros(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(receipt.secrets, "randbelow", lambda n: 42)
    assert new_receipt_code() == "00000 00000 00000 00000 00042"


def test_new_codes_differ() -> None:
    assert len({new_receipt_code() for _ in range(1_000)}) == 1_000


@pytest.mark.parametrize(
    "typed",
    [
        CODE,
        "1234567890135792468011223",
        "12345-67890-13579-24680-11223",
        "12345.67890.13579.24680.11223",
        "  12345 67890\u00a013579 24680 11223\n",
        "12345 \u2013 67890 \u2013 13579 \u2013 24680 \u2013 11223",
        "123 4567 890 1357924 680 11 223",
        "Mijn code is 12345-67890-13579-24680-11223, wat is de status?",
    ],
)
def test_typed_and_pasted_codes_are_recognised(typed: str) -> None:
    assert normalise_receipt_code(typed) == CODE


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "hallo",
        "12345 67890 13579 24680 1122",  # 24 digits
        "12345 67890 13579 24680 112234",  # 26 digits
        "12345 67890 13579 24680 11223 4",  # 26: a stray digit is not cut off
        "12345 67890 13579 24680 11223 en 12345 67890 13579 24680 11224",  # which one?
        "12345    67890 13579 24680 11223",  # four spaces: two numbers, not one code
        "１２３４５６７８９０１３５７９２４６８０１１２２３",  # full-width digits are not what the API takes
    ],
)
def test_other_text_is_not_a_code(typed: str) -> None:
    assert normalise_receipt_code(typed) is None


# Settings


def test_settings_defaults_without_environment() -> None:
    settings = HandoverSettings.from_env({})
    assert settings == HandoverSettings(
        api_url="http://127.0.0.1:8000",
        service_token=None,
        outbox_path=Path("var/data/outbox.db"),
        connect_timeout=3.0,
        timeout=10.0,
        retry_poll=5.0,
    )


def test_settings_read_every_variable() -> None:
    env = {
        "MELDPUNT_API_URL": "https://meldpunt.example/",
        "MELDPUNT_SERVICE_TOKEN": TOKEN,
        "HANDOVER_OUTBOX_PATH": "/srv/outbox.db",
        "HANDOVER_CONNECT_TIMEOUT_SECONDS": "1.5",
        "HANDOVER_TIMEOUT_SECONDS": "20",
        "HANDOVER_RETRY_POLL_SECONDS": "30",
    }
    assert HandoverSettings.from_env(env) == HandoverSettings(
        api_url="https://meldpunt.example",
        service_token=TOKEN,
        outbox_path=Path("/srv/outbox.db"),
        connect_timeout=1.5,
        timeout=20.0,
        retry_poll=30.0,
    )


def test_settings_name_an_unreadable_timeout() -> None:
    with pytest.raises(SettingsError, match="HANDOVER_TIMEOUT_SECONDS must be a number of seconds"):
        HandoverSettings.from_env({"HANDOVER_TIMEOUT_SECONDS": "tien"})


def test_missing_token_is_a_clear_error_before_any_request() -> None:
    seen: list[httpx.Request] = []
    with pytest.raises(SettingsError, match="MELDPUNT_SERVICE_TOKEN is not set"):
        submit_intake(PAYLOAD, settings=HandoverSettings(api_url=API), client=_client(_answer(201), seen))
    assert seen == []


# Submitting an intake


def test_submit_posts_the_payload_with_the_service_token() -> None:
    seen: list[httpx.Request] = []
    submit_intake(PAYLOAD, settings=SETTINGS, client=_client(_answer(201, RECEIPT), seen))
    assert len(seen) == 1
    request = seen[0]
    assert (request.method, str(request.url)) == ("POST", "http://api.test/api/v1/intakes")
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.content) == PAYLOAD


def test_201_is_accepted_with_the_api_receipt() -> None:
    result = submit_intake(PAYLOAD, settings=SETTINGS, client=_client(_answer(201, RECEIPT), []))
    assert (result.outcome, result.status_code, result.body) == (Outcome.ACCEPTED, 201, RECEIPT)


def test_200_for_the_same_id_again_is_accepted() -> None:
    result = submit_intake(PAYLOAD, settings=SETTINGS, client=_client(_answer(200, RECEIPT), []))
    assert (result.outcome, result.status_code, result.accepted) == (Outcome.ACCEPTED, 200, True)


@pytest.mark.parametrize("status", [500, 502, 503, 429, 408])
def test_server_errors_and_throttling_are_retryable(status: int) -> None:
    handler = _answer(status, {"detail": "Service Unavailable"})
    result = submit_intake(PAYLOAD, settings=SETTINGS, client=_client(handler, []))
    assert (result.outcome, result.status_code, result.detail) == (
        Outcome.RETRYABLE,
        status,
        "Service Unavailable",
    )


@pytest.mark.parametrize(
    "error",
    [httpx.ReadTimeout("slow"), httpx.ConnectTimeout("slow"), httpx.ConnectError("refused")],
    ids=["read-timeout", "connect-timeout", "connection-refused"],
)
def test_no_answer_is_retryable(error: httpx.TransportError) -> None:
    result = submit_intake(PAYLOAD, settings=SETTINGS, client=_client(_raise(error), []))
    assert (result.outcome, result.status_code, result.detail) == (
        Outcome.RETRYABLE,
        None,
        type(error).__name__,
    )


def test_without_a_client_an_api_that_is_not_there_is_retryable() -> None:
    # No client given: submit_intake makes its own, with the settings' timeouts. Port 9 (discard)
    # has no listener here: the connection is refused.
    settings = HandoverSettings(api_url="http://127.0.0.1:9", service_token=TOKEN, connect_timeout=0.5)
    result = submit_intake(PAYLOAD, settings=settings)
    assert (result.outcome, result.status_code) == (Outcome.RETRYABLE, None)


def test_422_is_rejected_and_logged_with_the_api_detail(caplog: pytest.LogCaptureFixture) -> None:
    detail = [
        {
            "loc": ["body", "description"],
            "msg": "String should have at most 10000 characters",
            "type": "string_too_long",
        }
    ]
    with caplog.at_level(logging.ERROR, logger="actions.api_client"):
        result = submit_intake(
            PAYLOAD, settings=SETTINGS, client=_client(_answer(422, {"detail": detail}), [])
        )
    assert (result.outcome, result.status_code, result.detail) == (
        Outcome.REJECTED,
        422,
        "body.description: String should have at most 10000 characters",
    )
    assert [r.getMessage() for r in caplog.records] == [
        f"Intake {PAYLOAD['id']} REJECTED by the Meldpunt API: "
        "422 body.description: String should have at most 10000 characters"
    ]


def test_rejection_log_holds_no_personal_text(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        submit_intake(PAYLOAD, settings=SETTINGS, client=_client(_answer(409, {"detail": "conflict"}), []))
    assert caplog.records
    assert all(SECRET_TEXT not in r.getMessage() and CODE not in r.getMessage() for r in caplog.records)


# Follow-up


def test_follow_up_sends_the_code_in_the_body_without_the_service_token() -> None:
    seen: list[httpx.Request] = []
    follow_up(
        "12345-67890-13579-24680-11223",
        "Er is nog iets gebeurd",
        settings=SETTINGS,
        client=_client(_answer(200, {}), seen),
    )
    request = seen[0]
    assert (request.method, str(request.url)) == ("POST", "http://api.test/api/v1/follow-up")
    assert "Authorization" not in request.headers
    assert json.loads(request.content) == {"receipt_code": CODE, "message": "Er is nog iets gebeurd"}


def test_follow_up_without_a_message_sends_only_the_code() -> None:
    seen: list[httpx.Request] = []
    follow_up(CODE, settings=SETTINGS, client=_client(_answer(200, {}), seen))
    assert json.loads(seen[0].content) == {"receipt_code": CODE}


def test_follow_up_returns_status_and_messages() -> None:
    view = {"status": "in_behandeling", "messages": [{"author": "meldpunt", "text": "We bellen u."}]}
    result = follow_up(CODE, settings=SETTINGS, client=_client(_answer(200, view), []))
    assert (result.outcome, result.view) == (Outcome.ACCEPTED, view)


def test_follow_up_with_an_unknown_code_is_not_found() -> None:
    result = follow_up(CODE, settings=SETTINGS, client=_client(_answer(404, {"detail": "Unknown"}), []))
    assert (result.outcome, result.status_code, result.view) == (Outcome.NOT_FOUND, 404, None)


def test_follow_up_throttled_is_retryable_with_the_wait() -> None:
    handler = _answer(429, {"detail": "Too many"}, {"Retry-After": "600"})
    result = follow_up(CODE, settings=SETTINGS, client=_client(handler, []))
    assert (result.outcome, result.status_code, result.retry_after) == (Outcome.RETRYABLE, 429, 600)


def test_follow_up_without_an_answer_is_retryable() -> None:
    result = follow_up(CODE, settings=SETTINGS, client=_client(_raise(httpx.ConnectError("refused")), []))
    assert (result.outcome, result.status_code) == (Outcome.RETRYABLE, None)


def test_follow_up_refuses_what_is_not_a_code() -> None:
    seen: list[httpx.Request] = []
    with pytest.raises(ValueError, match="not a receipt code"):
        follow_up("12345", settings=SETTINGS, client=_client(_answer(200, {}), seen))
    assert seen == []


@pytest.mark.parametrize("status", [401, 403])
def test_a_refused_service_token_keeps_the_intake_for_the_retries(
    status: int, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="actions.api_client"):
        result = submit_intake(
            PAYLOAD, settings=SETTINGS, client=_client(_answer(status, {"detail": "no"}), [])
        )
    assert (result.outcome, result.status_code) == (Outcome.RETRYABLE, status)
    assert "MELDPUNT_SERVICE_TOKEN" in caplog.records[0].getMessage()
