"""The audit trail: every staff read and change is logged, admins can query it, nobody can alter it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from api.clock import utcnow
from api.models import AuditEntry
from api.security import NOT_AUTHENTICATED, WRONG_ROLE
from tests.api.factories import SERVICE, staff_headers, submit

INTAKES = "/api/v1/intakes"
AUDIT = "/api/v1/audit"
READER = "lezer@meldpunt.example"
ADMIN = "beheer@meldpunt.example"


@pytest.fixture
def reader(db: Session) -> dict[str, str]:
    return staff_headers(db, "intake", email=READER)


@pytest.fixture
def admin(db: Session) -> dict[str, str]:
    return staff_headers(db, "admin", email=ADMIN)


def new_intake(client: TestClient) -> str:
    body, response = submit(client)
    assert response.status_code == 201
    return str(body["id"])


def entries(db: Session) -> list[tuple[str, str, uuid.UUID | None]]:
    rows = db.scalars(select(AuditEntry).order_by(AuditEntry.id))
    return [(e.staff_email, e.action, e.intake_id) for e in rows]


def audit_page(client: TestClient, headers: dict[str, str], **params: object) -> dict[str, object]:
    response = client.get(AUDIT, params=params, headers=headers)
    assert response.status_code == 200, response.text
    page: dict[str, object] = response.json()
    return page


def actions(page: dict[str, object]) -> list[tuple[str, str, str | None]]:
    items = page["items"]
    assert isinstance(items, list)
    return [(i["staff_email"], i["action"], i["intake_id"]) for i in items]


# --- what is recorded -------------------------------------------------------------------------


def test_submission_by_the_assistant_is_not_a_staff_action(client: TestClient, db: Session) -> None:
    new_intake(client)
    assert entries(db) == []


def test_reading_an_intake_is_recorded(client: TestClient, db: Session, reader: dict[str, str]) -> None:
    intake_id = new_intake(client)
    client.get(f"{INTAKES}/{intake_id}", headers=reader)
    assert entries(db) == [(READER, "read_intake", uuid.UUID(intake_id))]


def test_every_read_is_recorded_again(client: TestClient, db: Session, reader: dict[str, str]) -> None:
    intake_id = new_intake(client)
    client.get(f"{INTAKES}/{intake_id}", headers=reader)
    client.get(f"{INTAKES}/{intake_id}", headers=reader)
    assert entries(db) == [(READER, "read_intake", uuid.UUID(intake_id))] * 2


def test_listing_is_recorded_with_its_filters(
    client: TestClient, db: Session, reader: dict[str, str]
) -> None:
    client.get(INTAKES, params={"category": "pesten", "page": 2}, headers=reader)
    entry = db.scalars(select(AuditEntry)).one()
    assert (entry.staff_email, entry.action, entry.intake_id) == (READER, "list_intakes", None)
    assert entry.detail == {"filters": {"category": "pesten"}, "page": 2}


def test_change_is_recorded_with_the_changed_fields(
    client: TestClient, db: Session, reader: dict[str, str]
) -> None:
    intake_id = new_intake(client)
    client.patch(f"{INTAKES}/{intake_id}", json={"outcome": "gegrond", "notes": "n"}, headers=reader)
    entry = db.scalars(select(AuditEntry)).one()
    assert (entry.staff_email, entry.action, entry.intake_id) == (
        READER,
        "update_intake",
        uuid.UUID(intake_id),
    )
    assert entry.detail == {"fields": ["notes", "outcome"]}


def test_entry_carries_the_staff_id_and_time(client: TestClient, db: Session, reader: dict[str, str]) -> None:
    before = utcnow()
    client.get(INTAKES, headers=reader)
    entry = db.scalars(select(AuditEntry)).one()
    staff_id = db.scalar(text("SELECT id FROM staff WHERE email = :e"), {"e": READER})
    assert entry.staff_id == staff_id
    assert before <= entry.at <= utcnow()


def test_refused_request_is_not_recorded(client: TestClient, db: Session) -> None:
    intake_id = new_intake(client)
    assert client.get(f"{INTAKES}/{intake_id}", headers=SERVICE).status_code == 403
    assert client.get(f"{INTAKES}/{intake_id}").status_code == 401
    assert entries(db) == []


# --- GET /audit -------------------------------------------------------------------------------


def test_audit_lists_newest_first(client: TestClient, admin: dict[str, str], reader: dict[str, str]) -> None:
    intake_id = new_intake(client)
    client.get(f"{INTAKES}/{intake_id}", headers=reader)
    client.get(INTAKES, headers=reader)
    client.patch(f"{INTAKES}/{intake_id}", json={"status": "in_behandeling"}, headers=reader)
    page = audit_page(client, admin)
    assert actions(page) == [
        (READER, "update_intake", intake_id),
        (READER, "list_intakes", None),
        (READER, "read_intake", intake_id),
    ]
    assert (page["total"], page["page"], page["page_size"]) == (3, 1, 50)


def test_audit_filters_with_a_nul_character_are_422(client: TestClient, admin: dict[str, str]) -> None:
    for name in ("staff_email", "action"):
        response = client.get(AUDIT, params={name: "a\x00b"}, headers=admin)
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["query", name]


def test_reading_the_audit_log_is_itself_recorded(client: TestClient, admin: dict[str, str]) -> None:
    audit_page(client, admin)
    assert actions(audit_page(client, admin)) == [(ADMIN, "read_audit", None)]


def test_audit_filters_on_staff_email(
    client: TestClient, db: Session, admin: dict[str, str], reader: dict[str, str]
) -> None:
    other = staff_headers(db, "intake", email="ander@meldpunt.example")
    client.get(INTAKES, headers=reader)
    client.get(INTAKES, headers=other)
    page = audit_page(client, admin, staff_email="  Ander@Meldpunt.example ")
    assert actions(page) == [("ander@meldpunt.example", "list_intakes", None)]


def test_audit_filters_on_action(client: TestClient, admin: dict[str, str], reader: dict[str, str]) -> None:
    intake_id = new_intake(client)
    client.get(f"{INTAKES}/{intake_id}", headers=reader)
    client.get(INTAKES, headers=reader)
    assert actions(audit_page(client, admin, action="read_intake")) == [(READER, "read_intake", intake_id)]


def test_audit_filters_on_intake(client: TestClient, admin: dict[str, str], reader: dict[str, str]) -> None:
    first, second = new_intake(client), new_intake(client)
    client.get(f"{INTAKES}/{first}", headers=reader)
    client.get(f"{INTAKES}/{second}", headers=reader)
    assert actions(audit_page(client, admin, intake_id=second)) == [(READER, "read_intake", second)]


def test_audit_filters_on_since(
    client: TestClient, db: Session, admin: dict[str, str], reader: dict[str, str]
) -> None:
    db.add(AuditEntry(at=datetime(2025, 1, 1, tzinfo=UTC), staff_email=READER, action="list_intakes"))
    db.commit()
    client.get(INTAKES, headers=reader)
    page = audit_page(client, admin, since="2025-01-02")
    assert (actions(page), page["total"]) == ([(READER, "list_intakes", None)], 1)


def test_audit_pages(client: TestClient, admin: dict[str, str], reader: dict[str, str]) -> None:
    for _ in range(3):
        client.get(INTAKES, headers=reader)
    page = audit_page(client, admin, page=2, page_size=2)
    assert (len(actions(page)), page["total"]) == (1, 3)


def test_audit_with_non_uuid_intake_is_422(client: TestClient, admin: dict[str, str]) -> None:
    response = client.get(AUDIT, params={"intake_id": "abc"}, headers=admin)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "intake_id"]


def test_audit_for_intake_role_is_403(client: TestClient, reader: dict[str, str]) -> None:
    response = client.get(AUDIT, headers=reader)
    assert response.status_code == 403
    assert response.json()["detail"] == WRONG_ROLE


def test_audit_for_service_token_is_403(client: TestClient) -> None:
    assert client.get(AUDIT, headers=SERVICE).status_code == 403


def test_audit_without_token_is_401(client: TestClient) -> None:
    response = client.get(AUDIT)
    assert response.status_code == 401
    assert response.json()["detail"] == NOT_AUTHENTICATED


# --- append-only --------------------------------------------------------------------------------


@pytest.fixture
def one_entry(client: TestClient, db: Session, reader: dict[str, str]) -> None:
    client.get(INTAKES, headers=reader)
    assert entries(db) == [(READER, "list_intakes", None)]


@pytest.mark.usefixtures("one_entry")
def test_audit_log_refuses_update(db: Session) -> None:
    with pytest.raises(DBAPIError, match="append-only"), db.begin_nested():
        db.execute(text("UPDATE audit_log SET staff_email = 'iemand@anders.example'"))
    assert entries(db) == [(READER, "list_intakes", None)]


@pytest.mark.usefixtures("one_entry")
def test_audit_log_refuses_delete(db: Session) -> None:
    with pytest.raises(DBAPIError, match="append-only"), db.begin_nested():
        db.execute(text("DELETE FROM audit_log"))
    assert entries(db) == [(READER, "list_intakes", None)]


@pytest.mark.usefixtures("one_entry")
def test_audit_log_refuses_orm_delete(db: Session) -> None:
    entry = db.scalars(select(AuditEntry)).one()
    with pytest.raises(DBAPIError, match="append-only"), db.begin_nested():
        db.delete(entry)
        db.flush()
    db.expire_all()
    assert entries(db) == [(READER, "list_intakes", None)]
