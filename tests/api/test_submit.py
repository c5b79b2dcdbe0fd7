"""POST /intakes: the assistant's handover."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from api.models import Intake
from api.schemas import (
    CONSENT_REQUIRED,
    GROUND_NOT_ALLOWED,
    GROUND_REQUIRED,
    NUL_IN_TEXT,
    RECEIPT_FORMAT_ERROR,
)
from api.security import SERVICE_ONLY
from tests.api.factories import SERVICE, intake_body, staff_headers, submit


def test_submit_returns_201_with_id_and_deadlines(client: TestClient) -> None:
    body, response = submit(client)
    assert response.status_code == 201
    data = response.json()
    assert data["id"] == body["id"]
    assert data["status"] == "nieuw"
    received = datetime.fromisoformat(data["received_at"])
    deadlines = data["deadlines"]
    assert datetime.fromisoformat(deadlines["acknowledgement"]) - received == timedelta(days=7)
    assert datetime.fromisoformat(deadlines["decision"]) - received == timedelta(weeks=10)
    assert deadlines["committee"] == "kcoo"


def test_misstand_gets_ic_rijk_feedback_deadline_of_three_months(client: TestClient) -> None:
    _, response = submit(client, category="misstand", desired_route="melding_ic_rijk")
    deadlines = response.json()["deadlines"]
    received = datetime.fromisoformat(response.json()["received_at"])
    decision = datetime.fromisoformat(deadlines["decision"])
    assert deadlines["committee"] == "ic_rijk"
    assert (decision.year * 12 + decision.month) - (received.year * 12 + received.month) == 3


def test_same_id_again_returns_stored_intake_without_duplicate(client: TestClient, db: Session) -> None:
    body, first = submit(client)
    second = client.post("/api/v1/intakes", json=body, headers=SERVICE)
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json() == first.json()
    assert db.scalar(select(func.count(Intake.id))) == 1


def test_same_id_with_other_receipt_code_is_a_conflict(client: TestClient) -> None:
    body, _ = submit(client)
    response = client.post("/api/v1/intakes", json=intake_body(id=body["id"]), headers=SERVICE)
    assert response.status_code == 409


def test_reused_receipt_code_for_new_id_is_a_conflict(client: TestClient) -> None:
    body, _ = submit(client)
    response = client.post(
        "/api/v1/intakes", json=intake_body(receipt_code=body["receipt_code"]), headers=SERVICE
    )
    assert response.status_code == 409


def test_submit_without_token_is_401(client: TestClient) -> None:
    response = client.post("/api/v1/intakes", json=intake_body())
    assert response.status_code == 401


def test_submit_with_unknown_token_is_401(client: TestClient) -> None:
    response = client.post("/api/v1/intakes", json=intake_body(), headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401


def test_submit_with_staff_token_is_403(client: TestClient, db: Session) -> None:
    response = client.post("/api/v1/intakes", json=intake_body(), headers=staff_headers(db, "admin"))
    assert response.status_code == 403
    assert response.json()["detail"] == SERVICE_ONLY


def _error_for(response: object, field: str) -> dict[str, object]:
    detail = response.json()["detail"]  # type: ignore[attr-defined]
    matches = [e for e in detail if field in e["loc"]]
    assert matches, detail
    return matches[0]


def test_unknown_category_is_422_naming_the_field(client: TestClient) -> None:
    _, response = submit(client, category="ruzie")
    assert response.status_code == 422
    assert _error_for(response, "category")["type"] == "enum"


def test_unknown_ground_is_422(client: TestClient) -> None:
    _, response = submit(client, category="discriminatie", discrimination_ground="haarkleur")
    assert response.status_code == 422
    assert _error_for(response, "discrimination_ground")["type"] == "enum"


def test_discriminatie_without_ground_is_422(client: TestClient) -> None:
    _, response = submit(client, category="discriminatie")
    assert response.status_code == 422
    assert GROUND_REQUIRED in response.json()["detail"][0]["msg"]


def test_ground_on_other_category_is_422(client: TestClient) -> None:
    _, response = submit(client, category="pesten", discrimination_ground="leeftijd")
    assert response.status_code == 422
    assert GROUND_NOT_ALLOWED in response.json()["detail"][0]["msg"]


def test_discriminatie_with_ground_is_stored(client: TestClient, db: Session) -> None:
    body, response = submit(client, category="discriminatie", discrimination_ground="godsdienst")
    assert response.status_code == 201
    assert db.get(Intake, uuid.UUID(body["id"])).discrimination_ground == "godsdienst"


def test_who_is_telling_and_who_did_it_are_stored(client: TestClient, db: Session) -> None:
    """A mother telling about her son, an intern at a ministry, harassed by his supervisor."""
    body, response = submit(client, speaking_as="namens_ander", other_party="leidinggevende")
    assert response.status_code == 201, response.text
    stored = db.get(Intake, uuid.UUID(body["id"]))
    assert stored is not None
    assert (stored.reporter_role, stored.speaking_as, stored.other_party) == (
        body["reporter_role"],
        "namens_ander",
        "leidinggevende",
    )
    detail = client.get(f"/api/v1/intakes/{body['id']}", headers=staff_headers(db)).json()
    assert (detail["speaking_as"], detail["other_party"]) == ("namens_ander", "leidinggevende")


def test_an_unknown_speaker_or_other_party_is_422(client: TestClient) -> None:
    _, response = submit(client, speaking_as="buurman")
    assert response.status_code == 422
    assert _error_for(response, "speaking_as")["type"] == "enum"
    _, response = submit(client, other_party="Jan de Vries")
    assert response.status_code == 422
    assert _error_for(response, "other_party")["type"] == "enum"


def test_discriminatie_with_ground_onbekend_is_stored(client: TestClient, db: Session) -> None:
    """The reporter does not know the ground, or would rather not say: `onbekend`, not `anders`."""
    body, response = submit(client, category="discriminatie", discrimination_ground="onbekend")
    assert response.status_code == 201, response.text
    stored = db.get(Intake, uuid.UUID(body["id"]))
    assert stored is not None and stored.discrimination_ground == "onbekend"


def test_discriminatie_with_null_ground_is_422(client: TestClient) -> None:
    _, response = submit(client, category="discriminatie", discrimination_ground=None)
    assert response.status_code == 422
    assert GROUND_REQUIRED in response.json()["detail"][0]["msg"]


def test_ground_onbekend_on_other_category_is_422(client: TestClient) -> None:
    _, response = submit(client, category="pesten", discrimination_ground="onbekend")
    assert response.status_code == 422
    assert GROUND_NOT_ALLOWED in response.json()["detail"][0]["msg"]


def test_ground_onbekend_comes_after_anders_in_the_spec(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    grounds = spec["components"]["schemas"]["Ground"]["enum"]
    assert grounds[-2:] == ["anders", "onbekend"]


def test_without_consent_nothing_is_stored(client: TestClient, db: Session) -> None:
    _, response = submit(client, consent=False)
    assert response.status_code == 422
    assert CONSENT_REQUIRED in response.json()["detail"][0]["msg"]
    assert db.scalar(select(func.count(Intake.id))) == 0


def test_sender_metadata_in_transcript_is_refused(client: TestClient) -> None:
    line = {"speaker": "reporter", "text": "hoi", "at": "2026-01-01T10:00:00+00:00", "sender_id": "abc"}
    _, response = submit(client, transcript=[line])
    assert response.status_code == 422
    assert _error_for(response, "sender_id")["type"] == "extra_forbidden"


def test_unknown_top_level_field_is_refused(client: TestClient) -> None:
    _, response = submit(client, ip_address="10.0.0.1")
    assert response.status_code == 422
    assert _error_for(response, "ip_address")["type"] == "extra_forbidden"


def test_text_beyond_limit_is_422(client: TestClient) -> None:
    _, response = submit(client, summary="x" * 1001)
    assert response.status_code == 422
    assert _error_for(response, "summary")["type"] == "string_too_long"


def test_nul_character_in_organisation_is_422_on_every_database(client: TestClient, db: Session) -> None:
    # Stored as plain text, which PostgreSQL cannot hold with a NUL in it: refused, never a 500.
    _, response = submit(client, organisation="Belasting\x00dienst")
    assert response.status_code == 422
    assert NUL_IN_TEXT in _error_for(response, "organisation")["msg"]
    assert db.scalar(select(func.count(Intake.id))) == 0


def test_wrong_type_is_422(client: TestClient) -> None:
    _, response = submit(client, ongoing="misschien")
    assert response.status_code == 422
    assert _error_for(response, "ongoing")["type"] == "bool_parsing"


def test_malformed_json_is_422(client: TestClient) -> None:
    response = client.post(
        "/api/v1/intakes", content=b'{"id": ', headers={**SERVICE, "Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "json_invalid"


def test_oversized_body_is_422_before_parsing(client: TestClient) -> None:
    big = b'{"summary": "' + b"x" * 1_100_000 + b'"}'
    response = client.post(
        "/api/v1/intakes", content=big, headers={**SERVICE, "Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body"]


def test_short_receipt_code_is_422(client: TestClient) -> None:
    _, response = submit(client, receipt_code="1234-5678")
    assert response.status_code == 422
    assert RECEIPT_FORMAT_ERROR in _error_for(response, "receipt_code")["msg"]


def test_anonymous_intake_with_contact_details_is_422(client: TestClient) -> None:
    _, response = submit(client, contact_details={"email": "a@b.nl"})
    assert response.status_code == 422


def test_contact_preference_needs_details(client: TestClient) -> None:
    _, response = submit(client, contact_preference="contact")
    assert response.status_code == 422


def test_contact_details_are_kept_when_given(client: TestClient, db: Session) -> None:
    body, response = submit(
        client, contact_preference="contact", contact_details={"email": "melder@example.org"}
    )
    assert response.status_code == 201
    assert db.get(Intake, uuid.UUID(body["id"])).contact_details == {"email": "melder@example.org"}


def test_organisation_outside_kcoo_is_recognised(client: TestClient, db: Session) -> None:
    body, _ = submit(client, organisation="Ministerie van Defensie")
    assert db.get(Intake, uuid.UUID(body["id"])).under_kcoo is False


def test_senders_reading_of_kcoo_scope_wins(client: TestClient, db: Session) -> None:
    body, _ = submit(client, organisation="Dienst X", under_kcoo=True)
    assert db.get(Intake, uuid.UUID(body["id"])).under_kcoo is True


def test_free_text_and_receipt_code_are_not_stored_in_plain(client: TestClient, db: Session) -> None:
    secret_words = "Sinds de reorganisatie word ik niet meer uitgenodigd"
    body, _ = submit(client, contact_preference="contact", contact_details={"email": "geheim@example.org"})
    row = db.execute(text("SELECT * FROM intakes")).mappings().one()
    raw = " ".join(str(v) for v in row.values())
    digits = body["receipt_code"].replace("-", "")
    for plain in (secret_words, "geheim@example.org", "buitengesloten", digits, "sinds de zomer"):
        assert plain not in raw
    assert row["category"] == "pesten"  # figures stay countable
