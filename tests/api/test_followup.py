"""POST /follow-up: anonymous follow-up by receipt code, and the limit on wrong codes."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.followup import TOO_MANY_TRIES, UNKNOWN_CODE, FailureLimiter, limit_key
from api.schemas import RECEIPT_FORMAT_ERROR
from tests.api.conftest import SERVICE_TOKEN
from tests.api.factories import SERVICE, receipt_code, staff_headers, submit

URL = "/api/v1/follow-up"
MAX_FAILURES = 5  # MELDPUNT_FOLLOWUP_MAX_FAILURES in conftest.ENV


def _stored(client: TestClient) -> tuple[dict[str, Any], dict[str, Any]]:
    body, response = submit(client)
    assert response.status_code == 201
    return body, response.json()


def _wrong(code: str) -> str:
    """The same code with its last digit changed: a typo, not a random guess."""
    return code[:-1] + str((int(code[-1]) + 1) % 10)


def _messages(view: dict[str, Any]) -> list[tuple[str, str]]:
    return [(m["author"], m["text"]) for m in view["messages"]]


@pytest.mark.parametrize(
    "spelling",
    [
        pytest.param(lambda c: c, id="dashes"),
        pytest.param(lambda c: c.replace("-", " "), id="spaces"),
        pytest.param(lambda c: c.replace("-", ""), id="digits-only"),
    ],
)
def test_right_code_in_any_spelling_shows_the_intake(client: TestClient, spelling: Any) -> None:
    body, receipt = _stored(client)
    response = client.post(URL, json={"receipt_code": spelling(body["receipt_code"])})
    assert response.status_code == 200
    assert response.json() == {
        "status": "nieuw",
        "received_at": receipt["received_at"],
        "category": "pesten",
        "deadlines": receipt["deadlines"],
        "messages": [],
    }


def test_staff_message_to_reporter_shows_up(client: TestClient, db: Session) -> None:
    body, receipt = _stored(client)
    text = "Wij hebben je melding ontvangen en nemen binnen een week contact op."
    patch = client.patch(
        f"/api/v1/intakes/{receipt['id']}", json={"message_to_reporter": text}, headers=staff_headers(db)
    )
    assert patch.status_code == 200
    view = client.post(URL, json={"receipt_code": body["receipt_code"]}).json()
    assert _messages(view) == [("staff", text)]


def test_staff_status_change_shows_up(client: TestClient, db: Session) -> None:
    body, receipt = _stored(client)
    client.patch(
        f"/api/v1/intakes/{receipt['id']}", json={"status": "in_behandeling"}, headers=staff_headers(db)
    )
    view = client.post(URL, json={"receipt_code": body["receipt_code"]}).json()
    assert view["status"] == "in_behandeling"


def test_reporter_message_is_returned(client: TestClient) -> None:
    body, _ = _stored(client)
    text = "Ik wil nog toevoegen dat het gisteren weer gebeurde."
    response = client.post(URL, json={"receipt_code": body["receipt_code"], "message": text})
    assert response.status_code == 200
    assert _messages(response.json()) == [("reporter", text)]


def test_reporter_message_is_stored_and_visible_to_staff(client: TestClient, db: Session) -> None:
    body, receipt = _stored(client)
    text = "Ik wil nog toevoegen dat het gisteren weer gebeurde."
    client.post(URL, json={"receipt_code": body["receipt_code"], "message": text})
    detail = client.get(f"/api/v1/intakes/{receipt['id']}", headers=staff_headers(db)).json()
    assert _messages(detail) == [("reporter", text)]


def test_reporter_message_is_kept_in_history(client: TestClient, db: Session) -> None:
    body, receipt = _stored(client)
    client.post(URL, json={"receipt_code": body["receipt_code"], "message": "Nog iets."})
    detail = client.get(f"/api/v1/intakes/{receipt['id']}", headers=staff_headers(db)).json()
    assert [(h["actor"], h["action"]) for h in detail["history"]] == [
        ("assistant", "received"),
        ("reporter", "reporter_message"),
    ]


def test_reading_without_message_changes_nothing(client: TestClient, db: Session) -> None:
    body, receipt = _stored(client)
    client.post(URL, json={"receipt_code": body["receipt_code"]})
    detail = client.get(f"/api/v1/intakes/{receipt['id']}", headers=staff_headers(db)).json()
    assert (detail["messages"], [h["action"] for h in detail["history"]]) == ([], ["received"])


def test_wrong_code_answers_exactly_like_unknown_code(client: TestClient) -> None:
    body, _ = _stored(client)
    wrong = client.post(URL, json={"receipt_code": _wrong(body["receipt_code"])})
    unknown = client.post(URL, json={"receipt_code": receipt_code()})
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.content == unknown.content
    assert dict(wrong.headers) == dict(unknown.headers)
    assert wrong.json() == {"detail": UNKNOWN_CODE}


def test_wrong_code_with_message_stores_nothing(client: TestClient, db: Session) -> None:
    body, receipt = _stored(client)
    client.post(URL, json={"receipt_code": _wrong(body["receipt_code"]), "message": "Hallo?"})
    detail = client.get(f"/api/v1/intakes/{receipt['id']}", headers=staff_headers(db)).json()
    assert detail["messages"] == []


def test_too_many_wrong_codes_give_429_even_with_the_right_code(client: TestClient) -> None:
    body, _ = _stored(client)
    for _ in range(MAX_FAILURES):
        assert client.post(URL, json={"receipt_code": receipt_code()}).status_code == 404
    response = client.post(URL, json={"receipt_code": body["receipt_code"]})
    assert response.status_code == 429
    assert response.json() == {"detail": TOO_MANY_TRIES}
    assert 890 <= int(response.headers["Retry-After"]) <= 900  # the 900 s window of the first failure


def test_one_wrong_code_below_the_limit_still_lets_the_right_code_in(client: TestClient) -> None:
    body, _ = _stored(client)
    for _ in range(MAX_FAILURES - 1):
        client.post(URL, json={"receipt_code": receipt_code()})
    assert client.post(URL, json={"receipt_code": body["receipt_code"]}).status_code == 200


def test_right_codes_do_not_count_as_failures(client: TestClient) -> None:
    body, _ = _stored(client)
    statuses = {client.post(URL, json={"receipt_code": body["receipt_code"]}).status_code for _ in range(8)}
    assert statuses == {200}


def test_limit_is_per_client(client: TestClient, app: Any) -> None:
    body, _ = _stored(client)
    for _ in range(MAX_FAILURES):
        client.post(URL, json={"receipt_code": receipt_code()})
    other = TestClient(app, client=("192.0.2.7", 40000))
    assert other.post(URL, json={"receipt_code": body["receipt_code"]}).status_code == 200


# Per conversation: the assistant's action server sends every reporter's follow-up from one address.

CONVERSATION_A = "conv-A_0123456789abcdef"
CONVERSATION_B = "conv-B_0123456789abcdef"


def _via_assistant(conversation: str, token: str = SERVICE_TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "X-Conversation-Key": conversation}


def _fail(client: TestClient, times: int, headers: dict[str, str] | None = None) -> None:
    for _ in range(times):
        response = client.post(URL, json={"receipt_code": receipt_code()}, headers=headers)
        assert response.status_code == 404


def test_limit_is_per_conversation_with_the_service_token(client: TestClient) -> None:
    body, _ = _stored(client)
    right = {"receipt_code": body["receipt_code"]}
    _fail(client, MAX_FAILURES, _via_assistant(CONVERSATION_A))
    blocked = client.post(URL, json=right, headers=_via_assistant(CONVERSATION_A))
    assert blocked.status_code == 429
    assert blocked.json() == {"detail": TOO_MANY_TRIES}
    assert 890 <= int(blocked.headers["Retry-After"]) <= 900
    # The same address, another conversation: not blocked.
    assert client.post(URL, json=right, headers=_via_assistant(CONVERSATION_B)).status_code == 200


def test_conversation_failures_do_not_count_against_the_address(client: TestClient) -> None:
    body, _ = _stored(client)
    _fail(client, MAX_FAILURES, _via_assistant(CONVERSATION_A))
    assert client.post(URL, json={"receipt_code": body["receipt_code"]}).status_code == 200


def test_header_name_is_case_insensitive(client: TestClient) -> None:
    body, _ = _stored(client)
    lower = {"authorization": f"bearer {SERVICE_TOKEN}", "x-conversation-key": CONVERSATION_A}
    _fail(client, MAX_FAILURES, lower)
    right = {"receipt_code": body["receipt_code"]}
    assert client.post(URL, json=right, headers=_via_assistant(CONVERSATION_A)).status_code == 429
    assert client.post(URL, json=right, headers=_via_assistant(CONVERSATION_B)).status_code == 200


@pytest.mark.parametrize(
    "auth",
    [
        pytest.param({}, id="no-token"),
        pytest.param({"Authorization": "Bearer not-the-service-token"}, id="wrong-token"),
        pytest.param({"Authorization": f"Basic {SERVICE_TOKEN}"}, id="not-bearer"),
        pytest.param({"Authorization": SERVICE_TOKEN}, id="no-scheme"),
    ],
)
def test_without_the_service_token_the_conversation_key_is_ignored(
    client: TestClient, auth: dict[str, str]
) -> None:
    body, _ = _stored(client)
    for i in range(MAX_FAILURES):  # a new key each time: it does not help
        headers = {**auth, "X-Conversation-Key": f"attacker-key-{i:04d}"}
        response = client.post(URL, json={"receipt_code": receipt_code()}, headers=headers)
        assert response.status_code == 404  # a wrong credential is no error for follow-up
    fresh = {**auth, "X-Conversation-Key": "attacker-key-fresh"}
    right = {"receipt_code": body["receipt_code"]}
    assert client.post(URL, json=right, headers=fresh).status_code == 429
    assert client.post(URL, json=right).status_code == 429  # the address itself is blocked


def test_staff_token_does_not_count_as_the_service_token(client: TestClient, db: Session) -> None:
    body, _ = _stored(client)
    staff = staff_headers(db)
    for i in range(MAX_FAILURES):
        headers = {**staff, "X-Conversation-Key": f"staff-key-{i:04d}"}
        assert client.post(URL, json={"receipt_code": receipt_code()}, headers=headers).status_code == 404
    assert client.post(URL, json={"receipt_code": body["receipt_code"]}).status_code == 429


def test_wrong_token_with_conversation_key_still_answers(client: TestClient) -> None:
    body, _ = _stored(client)
    headers = _via_assistant(CONVERSATION_A, token="not-the-service-token")
    response = client.post(URL, json={"receipt_code": body["receipt_code"]}, headers=headers)
    assert response.status_code == 200
    assert response.json()["status"] == "nieuw"


@pytest.mark.parametrize(
    "key",
    [
        pytest.param("", id="empty"),
        pytest.param("short07", id="7-characters"),
        pytest.param("k" * 129, id="129-characters"),
        pytest.param("conv A 123456", id="space"),
        pytest.param("conv.A.123456", id="dot"),
        pytest.param("conv:A:123456", id="colon"),
        pytest.param("gespr\u00e9k-123456", id="non-ascii"),
    ],
)
def test_malformed_conversation_key_falls_back_to_the_address(client: TestClient, key: str) -> None:
    body, _ = _stored(client)
    headers = {**SERVICE, "X-Conversation-Key": key.encode()}  # bytes: httpx sends str as ASCII only
    for _ in range(MAX_FAILURES):
        response = client.post(URL, json={"receipt_code": receipt_code()}, headers=headers)
        assert response.status_code == 404
    assert client.post(URL, json={"receipt_code": body["receipt_code"]}).status_code == 429


def test_service_token_without_conversation_key_counts_the_address(client: TestClient) -> None:
    body, _ = _stored(client)
    _fail(client, MAX_FAILURES, SERVICE)
    assert client.post(URL, json={"receipt_code": body["receipt_code"]}).status_code == 429


def test_overall_limit_binds_conversations_too(client: TestClient, app: Any) -> None:
    app.state.followup_limiter = FailureLimiter(per_client=MAX_FAILURES, overall=7, window_seconds=900)
    body, _ = _stored(client)
    right = {"receipt_code": body["receipt_code"]}
    _fail(client, 4, _via_assistant(CONVERSATION_A))
    _fail(client, 3, _via_assistant(CONVERSATION_B))  # 7 in all, each conversation below its limit
    fresh = client.post(URL, json=right, headers=_via_assistant("conv-C_0123456789abcdef"))
    assert fresh.status_code == 429
    assert 890 <= int(fresh.headers["Retry-After"]) <= 900
    assert client.post(URL, json=right).status_code == 429
    other = TestClient(app, client=("192.0.2.7", 40000))
    assert other.post(URL, json=right).status_code == 429


def test_conversation_key_is_in_the_spec_as_an_optional_header(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    operation = spec["paths"]["/api/v1/follow-up"]["post"]
    [header] = [p for p in operation["parameters"] if p["in"] == "header"]
    assert (header["name"], header["required"]) == ("X-Conversation-Key", False)
    assert "service token" in header["description"]
    assert "security" not in operation  # follow-up itself needs no credential


@pytest.mark.parametrize(
    "code",
    [
        pytest.param("12345-67890-abcde-12345-67890", id="letters"),
        pytest.param("12345-67890", id="too-short"),
        pytest.param("12345-67890-12345-67890-123456", id="too-long"),
        pytest.param("", id="empty"),
    ],
)
def test_malformed_code_is_422(client: TestClient, code: str) -> None:
    response = client.post(URL, json={"receipt_code": code})
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "receipt_code"]
    assert error["msg"] == f"Value error, {RECEIPT_FORMAT_ERROR}"


def test_missing_code_is_422(client: TestClient) -> None:
    response = client.post(URL, json={"message": "Hallo"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "receipt_code"]


def test_message_beyond_limit_is_422(client: TestClient) -> None:
    body, _ = _stored(client)
    response = client.post(URL, json={"receipt_code": body["receipt_code"], "message": "x" * 4001})
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "string_too_long"


def test_unknown_field_is_422(client: TestClient) -> None:
    body, _ = _stored(client)
    response = client.post(URL, json={"receipt_code": body["receipt_code"], "intake_id": "x"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "extra_forbidden"


def test_code_in_the_path_is_never_accepted(client: TestClient) -> None:
    body, _ = _stored(client)
    assert client.get(f"{URL}/{body['receipt_code']}").status_code == 404
    assert client.post(f"{URL}/{body['receipt_code']}", json={}).status_code == 404


def test_code_in_the_query_string_is_never_accepted(client: TestClient) -> None:
    body, _ = _stored(client)
    assert client.get(URL, params={"receipt_code": body["receipt_code"]}).status_code == 405
    response = client.post(URL, params={"receipt_code": body["receipt_code"]})
    assert response.status_code == 422


# FailureLimiter on its own


class Ticks:
    """A monotonic clock that moves only when the test says so."""

    def __init__(self) -> None:
        self.seconds = 1000.0

    def __call__(self) -> float:
        return self.seconds


def test_limiter_allows_a_client_below_its_limit() -> None:
    limiter = FailureLimiter(per_client=3, overall=100, window_seconds=60, clock=Ticks())
    limiter.fail("a")
    limiter.fail("a")
    assert limiter.retry_after("a") is None


def test_limiter_blocks_a_client_at_its_limit_for_the_window() -> None:
    limiter = FailureLimiter(per_client=3, overall=100, window_seconds=60, clock=Ticks())
    for _ in range(3):
        limiter.fail("a")
    assert limiter.retry_after("a") == 60


def test_limiter_keeps_other_clients_apart() -> None:
    limiter = FailureLimiter(per_client=3, overall=100, window_seconds=60, clock=Ticks())
    for _ in range(3):
        limiter.fail("a")
    assert limiter.retry_after("b") is None


def test_limiter_blocks_everyone_at_the_overall_limit() -> None:
    limiter = FailureLimiter(per_client=10, overall=3, window_seconds=60, clock=Ticks())
    for client in ("a", "b", "c"):
        limiter.fail(client)
    assert limiter.retry_after("d") == 60


def test_limiter_forgets_failures_after_the_window() -> None:
    ticks = Ticks()
    limiter = FailureLimiter(per_client=2, overall=2, window_seconds=60, clock=ticks)
    limiter.fail("a")
    ticks.seconds += 10
    limiter.fail("a")
    assert limiter.retry_after("a") == 50  # until the first failure leaves the window
    ticks.seconds += 49.5
    assert limiter.retry_after("a") == 1  # never "0": a client told to wait waits at least a second
    ticks.seconds += 0.5
    assert limiter.retry_after("a") is None  # one failure left in the window, under the limit


def test_limiter_keys_clients_by_hash() -> None:
    assert FailureLimiter.key("192.0.2.7") == FailureLimiter.key("192.0.2.7")
    assert FailureLimiter.key("192.0.2.7") != FailureLimiter.key("192.0.2.8")
    assert "192.0.2.7" not in FailureLimiter.key("192.0.2.7")


# limit_key on its own


def test_limit_key_is_the_conversation_with_the_service_token() -> None:
    key = "0123456789abcdef"
    assert limit_key("192.0.2.7", f"Bearer {SERVICE_TOKEN}", key) == f"conversation:{key}"
    assert limit_key("192.0.2.7", f"bearer {SERVICE_TOKEN}", key) == f"conversation:{key}"


@pytest.mark.parametrize(
    "authorization, key",
    [
        pytest.param(None, "0123456789abcdef", id="no-token"),
        pytest.param("Bearer wrong", "0123456789abcdef", id="wrong-token"),
        pytest.param(f"Bearer {SERVICE_TOKEN}", None, id="no-key"),
        pytest.param(f"Bearer {SERVICE_TOKEN}", "abc_-12", id="too-short"),
        pytest.param(f"Bearer {SERVICE_TOKEN}", "a" * 129, id="too-long"),
        pytest.param(f"Bearer {SERVICE_TOKEN}", "0123456789abcdef\n", id="newline"),
    ],
)
def test_limit_key_falls_back_to_the_address(authorization: str | None, key: str | None) -> None:
    assert limit_key("192.0.2.7", authorization, key) == "address:192.0.2.7"


def test_limit_key_bounds_are_inclusive() -> None:
    auth = f"Bearer {SERVICE_TOKEN}"
    assert limit_key("192.0.2.7", auth, "a" * 8) == "conversation:" + "a" * 8
    assert limit_key("192.0.2.7", auth, "Az09_-" * 21 + "xy") == "conversation:" + "Az09_-" * 21 + "xy"


def test_address_and_conversation_keys_never_collide() -> None:
    assert limit_key("conversation:0123456789abcdef", None, None) != limit_key(
        "192.0.2.7", f"Bearer {SERVICE_TOKEN}", "0123456789abcdef"
    )


def test_limiter_keeps_only_a_hash_of_the_conversation_key() -> None:
    limiter = FailureLimiter(per_client=3, overall=100, window_seconds=60, clock=Ticks())
    limiter.fail("conversation:secret-conversation-key")
    assert all("secret" not in k for k in limiter._by_client)
