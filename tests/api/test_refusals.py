"""An intake the API refuses is recorded for staff (when, which fields), never its content."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.models import AuditEntry, HandoverRefusal
from tests.api.factories import SERVICE, intake_body, staff_headers
from tests.api.review_support import logged_in, table

SECRET_STORY = "Mijn teamleider Jansen schreeuwt elke dag tegen mij."


def refused(client: TestClient, **overrides: object) -> dict[str, object]:
    body = intake_body(
        description=SECRET_STORY, desired_route="anoniem contact met het meldpunt", **overrides
    )
    response = client.post("/api/v1/intakes", json=body, headers=SERVICE)
    assert response.status_code == 422, response.text
    return body


def test_a_refused_handover_is_recorded_with_the_fields_and_without_the_content(
    client: TestClient, db: Session
) -> None:
    body = refused(client)
    rows = list(db.scalars(select(HandoverRefusal)))
    assert len(rows) == 1
    assert rows[0].intake_id == uuid.UUID(str(body["id"]))
    assert rows[0].errors == [{"loc": ["body", "desired_route"], "type": "enum"}]
    assert rows[0].seen_at is None
    stored = repr([(r.errors, r.intake_id) for r in rows])
    assert "anoniem contact" not in stored and "Jansen" not in stored


def test_the_same_intake_refused_again_is_one_record(client: TestClient, db: Session) -> None:
    body = refused(client)
    response = client.post("/api/v1/intakes", json=body, headers=SERVICE)
    assert response.status_code == 422
    assert len(list(db.scalars(select(HandoverRefusal)))) == 1


def test_only_the_assistants_own_credential_leaves_a_record(client: TestClient, db: Session) -> None:
    body = intake_body(desired_route="iets")
    assert client.post("/api/v1/intakes", json=body).status_code == 401
    assert (
        client.post(
            "/api/v1/intakes", content=b"{broken", headers={"Content-Type": "application/json"}
        ).status_code
        == 422
    )
    assert client.get("/api/v1/intakes", params={"route": "iets"}, headers=SERVICE).status_code in (403, 422)
    assert list(db.scalars(select(HandoverRefusal))) == []


def test_staff_read_refusals_through_the_api_and_the_read_is_audited(client: TestClient, db: Session) -> None:
    body = refused(client)
    headers = staff_headers(db)
    response = client.get("/api/v1/handover-refusals", headers=headers)
    assert response.status_code == 200
    [item] = response.json()
    assert item["intake_id"] == body["id"]
    assert item["errors"] == [{"loc": ["body", "desired_route"], "type": "enum"}]
    assert client.get("/api/v1/handover-refusals").status_code == 401
    actions = [e.action for e in db.scalars(select(AuditEntry))]
    assert "read_refusals" in actions


def test_the_review_list_alerts_until_the_refusals_are_opened(client: TestClient, db: Session) -> None:
    logged_in(client, db)
    assert 'id="refusal-alert"' not in client.get("/review/").text
    refused(client)
    refused(client)
    listing = client.get("/review/").text
    assert 'id="refusal-alert"' in listing and "2 overdrachten zijn geweigerd" in listing
    page = client.get("/review/overdrachten")
    assert page.status_code == 200
    rows = table(page.text, "refusals")
    assert len(rows) == 3 and rows[1][2] == "gewenste route" and rows[1][3] == "ja"
    assert SECRET_STORY not in page.text
    assert 'id="refusal-alert"' not in client.get("/review/").text
    assert table(client.get("/review/overdrachten").text, "refusals")[1][3] == "nee"
