"""Review pages: one intake (escaped text, audited reads) and changing it, also after a conflict."""

from __future__ import annotations

import re
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.models import AuditEntry, Intake, IntakeEvent, Staff
from api.web.review_base import INTAKE_NOT_FOUND
from api.web.review_intake_form import CONFLICT, MESSAGE_SENT, SAVED
from api.web.review_labels import local
from tests.api.conftest import now
from tests.api.factories import staff_headers
from tests.api.review_support import csrf_of, logged_in, new_intake, version_of

HOME = "/review/"


@pytest.fixture
def staff(client: TestClient, db: Session) -> Staff:
    return logged_in(client, db, email="behandelaar@meldpunt.example")


def page_of(client: TestClient, intake_id: str) -> str:
    response = client.get(f"/review/intakes/{intake_id}")
    assert response.status_code == 200, response.text
    return response.text


def form_of(page: str, **fields: str) -> dict[str, str]:
    """The change form as shown (status nieuw, nothing else filled in), with `fields` changed."""
    form = {"csrf_token": csrf_of(page), "version": version_of(page), "status": "nieuw"}
    return {**form, **fields}


def selected(page: str, select_id: str) -> str:
    block = page.split(f'<select id="{select_id}"', 1)[1].split("</select>", 1)[0]
    match = re.search(r'<option value="([^"]*)" selected>', block)
    assert match, f"nothing selected in #{select_id}"
    return match[1]


def textarea(page: str, textarea_id: str) -> str:
    match = re.search(rf'<textarea id="{textarea_id}"[^>]*>(.*?)</textarea>', page, re.S)
    assert match
    return match[1]


# --- the intake page --------------------------------------------------------------------------


def test_the_transcript_is_a_conversation_with_speakers(client: TestClient, staff: Staff) -> None:
    page = page_of(client, new_intake(client))
    transcript = page.split('<ol id="transcript"', 1)[1].split("</ol>", 1)[0]
    turns = re.findall(r'<li class="turn (user|bot)">\s*<span class="speaker">(\w+)</span>', transcript)
    assert turns == [("bot", "Assistent"), ("user", "Melder")]


def test_who_is_telling_and_who_did_it_are_shown_in_dutch(client: TestClient, staff: Staff) -> None:
    page = page_of(client, new_intake(client, speaking_as="getuige", other_party="burger"))
    assert "<dt>Wie vertelt</dt><dd>Een collega die het zag gebeuren</dd>" in page
    assert "<dt>Wie deed het</dt><dd>Burger, klant of bezoeker</dd>" in page
    older = page_of(client, new_intake(client))  # handed over before these fields existed
    assert '<dt>Wie vertelt</dt><dd><span class="muted">Niet bekend</span></dd>' in older


def test_html_in_a_transcript_is_shown_as_text(client: TestClient, staff: Staff) -> None:
    transcript = [{"speaker": "reporter", "text": "<script>alert(1)</script>", "at": now().isoformat()}]
    page = page_of(client, new_intake(client, transcript=transcript))
    assert '<p class="prose">&lt;script&gt;alert(1)&lt;/script&gt;</p>' in page
    assert "<script>" not in page


def test_html_in_the_summary_is_shown_as_text(client: TestClient, staff: Staff) -> None:
    intake_id = new_intake(client, summary='<img src=x onerror="alert(1)">')
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in page_of(client, intake_id)
    assert "<img" not in client.get(HOME).text


def test_reading_an_intake_is_audited_like_the_api(client: TestClient, db: Session, staff: Staff) -> None:
    intake_id = new_intake(client)
    page_of(client, intake_id)
    entries = db.scalars(
        select(AuditEntry).where(AuditEntry.staff_id == staff.id, AuditEntry.action == "read_intake")
    )
    assert [(e.intake_id, e.detail) for e in entries] == [(uuid.UUID(intake_id), None)]


@pytest.mark.parametrize("intake_id", [str(uuid.UUID(int=7)), "geen-nummer"])
def test_an_unknown_intake_is_a_dutch_404(client: TestClient, staff: Staff, intake_id: str) -> None:
    response = client.get(f"/review/intakes/{intake_id}")
    assert (response.status_code, INTAKE_NOT_FOUND in response.text) == (404, True)


def test_the_page_has_its_own_title(client: TestClient, staff: Staff) -> None:
    page = page_of(client, new_intake(client))
    assert f"<title>Intake van {local(now()):%d-%m-%Y} – Meldpunt intake</title>" in page


# --- changing an intake -----------------------------------------------------------------------


def test_a_status_change_is_saved_and_said(client: TestClient, db: Session, staff: Staff) -> None:
    intake_id = new_intake(client)
    form = form_of(page_of(client, intake_id), status="in_behandeling")
    response = client.post(f"/review/intakes/{intake_id}", data=form)
    assert response.url.path == f"/review/intakes/{intake_id}"
    assert f'<div id="flash" role="status" class="flash"><p>{SAVED}</p></div>' in response.text
    assert selected(response.text, "status") == "in_behandeling"


def test_a_status_change_is_in_the_history(client: TestClient, db: Session, staff: Staff) -> None:
    intake_id = new_intake(client)
    page = client.post(
        f"/review/intakes/{intake_id}", data=form_of(page_of(client, intake_id), status="afgesloten")
    )
    history = page.text.split('<table id="history"', 1)[1]
    assert "<li>Status: Nieuw → Afgesloten</li>" in history
    event = db.scalars(select(IntakeEvent).where(IntakeEvent.action == "updated")).one()
    assert (event.actor, sorted(event.changes or {})) == (staff.email, ["acknowledged_at", "status"])


def test_a_change_is_audited_like_the_api(client: TestClient, db: Session, staff: Staff) -> None:
    intake_id = new_intake(client)
    client.post(f"/review/intakes/{intake_id}", data=form_of(page_of(client, intake_id), status="afgesloten"))
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "update_intake")).one()
    assert (entry.staff_id, entry.detail) == (staff.id, {"fields": ["acknowledged_at", "status"]})


def test_a_message_to_the_reporter_is_sent(client: TestClient, db: Session, staff: Staff) -> None:
    intake_id = new_intake(client)
    form = form_of(page_of(client, intake_id), message_to_reporter="We nemen contact op.")
    page = client.post(f"/review/intakes/{intake_id}", data=form).text
    assert f"<p>{MESSAGE_SENT}</p>" in page
    assert '<p class="prose">We nemen contact op.</p>' in page.split('<ol id="messages"', 1)[1]


def test_unticking_the_acknowledgement_undoes_it(client: TestClient, db: Session, staff: Staff) -> None:
    intake_id = new_intake(client)
    client.post(f"/review/intakes/{intake_id}", data=form_of(page_of(client, intake_id), acknowledged="ja"))
    client.post(f"/review/intakes/{intake_id}", data=form_of(page_of(client, intake_id)))
    intake = db.get(Intake, uuid.UUID(intake_id))
    assert intake is not None
    db.refresh(intake)
    assert intake.acknowledged_at is None


def test_a_change_without_the_csrf_token_is_refused(client: TestClient, db: Session, staff: Staff) -> None:
    intake_id = new_intake(client)
    form = form_of(page_of(client, intake_id), status="afgesloten")
    del form["csrf_token"]
    assert client.post(f"/review/intakes/{intake_id}", data=form).status_code == 403
    assert db.scalars(select(IntakeEvent).where(IntakeEvent.action == "updated")).all() == []


def test_a_too_long_message_is_refused_and_kept(client: TestClient, db: Session, staff: Staff) -> None:
    intake_id = new_intake(client)
    text = "x" * 4001
    form = form_of(page_of(client, intake_id), message_to_reporter=text, notes="mijn notitie")
    response = client.post(f"/review/intakes/{intake_id}", data=form)
    assert response.status_code == 422
    assert "Het bericht is te lang: gebruik maximaal 4.000 tekens." in response.text
    assert (textarea(response.text, "message_to_reporter"), textarea(response.text, "notes")) == (
        text,
        "mijn notitie",
    )
    assert db.scalars(select(IntakeEvent).where(IntakeEvent.action == "updated")).all() == []


# --- a change by someone else in the meantime -------------------------------------------------


@pytest.fixture
def stale(client: TestClient, db: Session, staff: Staff) -> tuple[str, str]:
    """An intake and its page, after which someone else changed the status through the API."""
    intake_id = new_intake(client)
    page = page_of(client, intake_id)
    other = staff_headers(db, email="collega@meldpunt.example")
    response = client.patch(f"/api/v1/intakes/{intake_id}", json={"status": "doorverwezen"}, headers=other)
    assert response.status_code == 200
    return intake_id, page


def test_a_conflict_saves_nothing_and_says_so(
    client: TestClient, db: Session, stale: tuple[str, str]
) -> None:
    intake_id, page = stale
    response = client.post(f"/review/intakes/{intake_id}", data=form_of(page, notes="mijn notitie"))
    assert (response.status_code, f"<p>{CONFLICT}</p>" in response.text) == (409, True)
    intake = db.get(Intake, uuid.UUID(intake_id))
    assert intake is not None and intake.notes is None


def test_a_conflict_keeps_what_was_typed(client: TestClient, stale: tuple[str, str]) -> None:
    intake_id, page = stale
    form = form_of(page, notes="mijn notitie", message_to_reporter="Ik bel je morgen.")
    response = client.post(f"/review/intakes/{intake_id}", data=form)
    typed = (textarea(response.text, "notes"), textarea(response.text, "message_to_reporter"))
    assert typed == ("mijn notitie", "Ik bel je morgen.")


def test_a_conflict_keeps_the_other_persons_change(client: TestClient, stale: tuple[str, str]) -> None:
    intake_id, page = stale
    response = client.post(f"/review/intakes/{intake_id}", data=form_of(page, notes="mijn notitie"))
    assert selected(response.text, "status") == "doorverwezen"
    assert (
        "collega@meldpunt.example" in response.text.split('id="conflict-changes"', 1)[1].split("</ul>", 1)[0]
    )


def test_a_conflict_on_the_same_field_shows_my_choice(client: TestClient, stale: tuple[str, str]) -> None:
    intake_id, page = stale
    response = client.post(f"/review/intakes/{intake_id}", data=form_of(page, status="afgesloten"))
    assert selected(response.text, "status") == "afgesloten"
    assert "Jullie hebben allebei iets anders gekozen bij: <strong>Status</strong>." in response.text


def test_saving_again_after_a_conflict_works(client: TestClient, db: Session, stale: tuple[str, str]) -> None:
    intake_id, page = stale
    again = client.post(f"/review/intakes/{intake_id}", data=form_of(page, notes="mijn notitie"))
    form = {"csrf_token": csrf_of(again.text), "version": version_of(again.text), "status": "doorverwezen"}
    response = client.post(f"/review/intakes/{intake_id}", data={**form, "notes": "mijn notitie"})
    assert (response.status_code, f"<p>{SAVED}</p>" in response.text) == (200, True)
    intake = db.get(Intake, uuid.UUID(intake_id))
    assert intake is not None
    db.refresh(intake)
    assert (intake.status, intake.notes) == ("doorverwezen", "mijn notitie")
