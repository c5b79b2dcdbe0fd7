"""Retention: intakes closed longer than the period are anonymised, the figures stay."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.cli import main as cli
from api.clock import utcnow
from api.config import get_settings
from api.db import get_sessionmaker
from api.followup import UNKNOWN_CODE
from api.intakes import create_intake
from api.models import Intake, IntakeEvent, Message
from api.retention import REMOVED, run_retention
from api.schemas import IntakeCreate
from tests.api.cli_fixtures import cli_database_fixture  # noqa: F401  (pytest fixture)
from tests.api.factories import intake_body, staff_headers, submit

INTAKES = "/api/v1/intakes"
FOLLOW_UP = "/api/v1/follow-up"
DAYS = 30


@pytest.fixture
def staff(db: Session) -> dict[str, str]:
    return staff_headers(db, "intake", email="behandelaar@meldpunt.example")


def closed_intake(
    client: TestClient, db: Session, staff: dict[str, str], *, days_ago: int, **overrides: Any
) -> dict[str, Any]:
    """A full intake with messages both ways, closed `days_ago` days ago; returns the submitted body."""
    fields: dict[str, Any] = {
        "category": "discriminatie",
        "discrimination_ground": "godsdienst",
        "organisation": "Belastingdienst",
        "department": "Team Inning",
        "occurred_on": "2025-05-01",
        "contact_preference": "contact",
        "contact_details": {"name": "A. Melder", "email": "melder@example.org", "phone": "+31 6 12345678"},
        **overrides,
    }
    body, response = submit(client, **fields)
    assert response.status_code == 201
    followed = client.post(FOLLOW_UP, json={"receipt_code": body["receipt_code"], "message": "Nog iets."})
    assert followed.status_code == 200
    changed = client.patch(
        f"{INTAKES}/{body['id']}",
        json={
            "message_to_reporter": "We hebben je melding ontvangen.",
            "notes": "Gesprek met de melder gevoerd.",
            "status": "afgesloten",
            "outcome": "gegrond",
        },
        headers=staff,
    )
    assert changed.status_code == 200
    set_closed_at(db, body["id"], days_ago=days_ago)
    return body


def set_closed_at(db: Session, intake_id: str, *, days_ago: int) -> None:
    intake = db.get(Intake, uuid.UUID(intake_id))
    assert intake is not None
    intake.closed_at = utcnow() - timedelta(days=days_ago)
    db.commit()


def stored(db: Session, intake_id: str) -> Intake:
    db.expire_all()  # read what the database holds, not what the session remembers
    intake = db.get(Intake, uuid.UUID(intake_id))
    assert intake is not None
    return intake


def test_returns_the_number_of_intakes_anonymised(
    client: TestClient, db: Session, staff: dict[str, str]
) -> None:
    closed_intake(client, db, staff, days_ago=DAYS + 1)
    closed_intake(client, db, staff, days_ago=DAYS + 100)
    assert run_retention(db, days=DAYS) == 2


def test_free_text_transcript_and_contact_details_are_removed(
    client: TestClient, db: Session, staff: dict[str, str]
) -> None:
    body = closed_intake(client, db, staff, days_ago=DAYS + 1)
    run_retention(db, days=DAYS)
    intake = stored(db, body["id"])
    assert (intake.summary, intake.description) == (REMOVED, REMOVED)
    assert intake.transcript == []
    assert intake.contact_details is None
    gone = ("department", "occurred_on", "occurred_period", "witnesses", "steps_taken", "notes")
    assert {name: getattr(intake, name) for name in gone} == dict.fromkeys(gone)
    assert intake.anonymised_at is not None


def test_staff_see_the_anonymised_intake(client: TestClient, db: Session, staff: dict[str, str]) -> None:
    body = closed_intake(client, db, staff, days_ago=DAYS + 1)
    run_retention(db, days=DAYS)
    db.expire_all()
    detail = client.get(f"{INTAKES}/{body['id']}", headers=staff).json()
    assert (detail["summary"], detail["transcript"], detail["contact_details"]) == (REMOVED, [], None)
    assert detail["anonymised_at"] is not None


def test_message_texts_are_removed(client: TestClient, db: Session, staff: dict[str, str]) -> None:
    body = closed_intake(client, db, staff, days_ago=DAYS + 1)
    run_retention(db, days=DAYS)
    db.expire_all()
    rows = db.scalars(select(Message).where(Message.intake_id == uuid.UUID(body["id"])).order_by(Message.id))
    assert [(m.author, m.text) for m in rows] == [("reporter", None), ("staff", None)]


def test_history_keeps_who_and_when_but_not_what(
    client: TestClient, db: Session, staff: dict[str, str]
) -> None:
    body = closed_intake(client, db, staff, days_ago=DAYS + 1)
    run_retention(db, days=DAYS)
    db.expire_all()
    events = db.scalars(
        select(IntakeEvent).where(IntakeEvent.intake_id == uuid.UUID(body["id"])).order_by(IntakeEvent.id)
    )
    assert [(e.actor, e.action, e.changes) for e in events] == [
        ("assistant", "received", None),
        ("reporter", "reporter_message", None),
        ("behandelaar@meldpunt.example", "updated", None),
        ("system", "anonymised", None),
    ]


def test_receipt_code_no_longer_works(client: TestClient, db: Session, staff: dict[str, str]) -> None:
    body = closed_intake(client, db, staff, days_ago=DAYS + 1)
    run_retention(db, days=DAYS)
    response = client.post(FOLLOW_UP, json={"receipt_code": body["receipt_code"]})
    assert response.status_code == 404
    assert response.json()["detail"] == UNKNOWN_CODE
    assert stored(db, body["id"]).receipt_hash is None


def test_countable_fields_are_kept(client: TestClient, db: Session, staff: dict[str, str]) -> None:
    body = closed_intake(client, db, staff, days_ago=DAYS + 1)
    before = stored(db, body["id"])
    kept = (
        "category",
        "discrimination_ground",
        "outcome",
        "organisation",
        "under_kcoo",
        "desired_route",
        "status",
        "received_at",
        "closed_at",
    )
    expected = {name: getattr(before, name) for name in kept}
    run_retention(db, days=DAYS)
    after = stored(db, body["id"])
    assert {name: getattr(after, name) for name in kept} == expected
    assert (after.category, after.discrimination_ground, after.outcome) == (
        "discriminatie",
        "godsdienst",
        "gegrond",
    )


def test_figures_are_unchanged(client: TestClient, db: Session, staff: dict[str, str]) -> None:
    closed_intake(client, db, staff, days_ago=DAYS + 1)
    closed_intake(client, db, staff, days_ago=DAYS + 1, category="pesten", discrimination_ground=None)
    submit(client, category="misstand", desired_route="melding_ic_rijk", organisation="DUO")
    before = client.get("/api/v1/stats", headers=staff)
    assert before.status_code == 200
    assert before.json()["total"] == 3
    assert run_retention(db, days=DAYS) == 2
    db.expire_all()
    assert client.get("/api/v1/stats", headers=staff).json() == before.json()


def test_open_intake_is_untouched(client: TestClient, db: Session, staff: dict[str, str]) -> None:
    body, _ = submit(client)
    intake = stored(db, body["id"])
    intake.received_at = utcnow() - timedelta(days=DAYS * 10)  # old, but never closed
    db.commit()
    assert run_retention(db, days=DAYS) == 0
    after = stored(db, body["id"])
    assert (after.summary, after.anonymised_at) == (body["summary"], None)
    assert client.post(FOLLOW_UP, json={"receipt_code": body["receipt_code"]}).status_code == 200


def test_recently_closed_intake_is_untouched(client: TestClient, db: Session, staff: dict[str, str]) -> None:
    body = closed_intake(client, db, staff, days_ago=DAYS - 1)
    assert run_retention(db, days=DAYS) == 0
    after = stored(db, body["id"])
    assert (after.summary, after.contact_details, after.anonymised_at) == (
        body["summary"],
        body["contact_details"],
        None,
    )


def test_only_intakes_past_the_period_are_anonymised(
    client: TestClient, db: Session, staff: dict[str, str]
) -> None:
    old = closed_intake(client, db, staff, days_ago=DAYS + 1)
    recent = closed_intake(client, db, staff, days_ago=DAYS - 1)
    run_retention(db, days=DAYS)
    assert (stored(db, old["id"]).summary, stored(db, recent["id"]).summary) == (REMOVED, recent["summary"])


def test_dry_run_counts_but_changes_nothing(client: TestClient, db: Session, staff: dict[str, str]) -> None:
    body = closed_intake(client, db, staff, days_ago=DAYS + 1)
    assert run_retention(db, days=DAYS, dry_run=True) == 1
    after = stored(db, body["id"])
    assert (after.summary, [line["text"] for line in after.transcript], after.anonymised_at) == (
        body["summary"],
        [line["text"] for line in body["transcript"]],
        None,
    )
    assert client.post(FOLLOW_UP, json={"receipt_code": body["receipt_code"]}).status_code == 200


def test_second_run_finds_nothing_new(client: TestClient, db: Session, staff: dict[str, str]) -> None:
    closed_intake(client, db, staff, days_ago=DAYS + 1)
    run_retention(db, days=DAYS)
    assert run_retention(db, days=DAYS) == 0


# --- the retention command --------------------------------------------------------------------


def add_closed(*, days_ago: int) -> uuid.UUID:
    """An intake in the CLI's database, closed `days_ago` days ago."""
    with get_sessionmaker()() as session:
        intake, _ = create_intake(session, IntakeCreate.model_validate(intake_body()))
        intake.status = "afgesloten"
        intake.closed_at = utcnow() - timedelta(days=days_ago)
        session.commit()
        return intake.id


def summary_in_cli_database(intake_id: uuid.UUID) -> str:
    with get_sessionmaker()() as session:
        intake = session.get(Intake, intake_id)
        assert intake is not None
        return intake.summary


def test_cli_dry_run_prints_the_count_and_changes_nothing(
    cli_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    old = add_closed(days_ago=DAYS + 1)
    add_closed(days_ago=DAYS - 1)
    assert cli(["retention", "--days", str(DAYS), "--dry-run"]) == 0
    assert capsys.readouterr().out == f"1 intakes closed more than {DAYS} days ago would be anonymised.\n"
    assert summary_in_cli_database(old) == intake_body()["summary"]


def test_cli_anonymises(cli_database: str, capsys: pytest.CaptureFixture[str]) -> None:
    old = add_closed(days_ago=DAYS + 1)
    assert cli(["retention", "--days", str(DAYS)]) == 0
    assert capsys.readouterr().out == f"1 intakes closed more than {DAYS} days ago were anonymised.\n"
    assert summary_in_cli_database(old) == REMOVED


def test_cli_default_period_comes_from_the_settings(
    cli_database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MELDPUNT_RETENTION_DAYS", "400")
    get_settings.cache_clear()
    add_closed(days_ago=401)
    add_closed(days_ago=399)
    cli(["retention", "--dry-run"])
    assert capsys.readouterr().out == "1 intakes closed more than 400 days ago would be anonymised.\n"


def test_cli_refuses_a_non_numeric_period(cli_database: str) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli(["retention", "--days", "twee jaar"])
    assert exit_.value.code == 2
