"""Review pages: the intake list, with the API's filters, sorting, pages and overdue marking."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.models import AuditEntry, Staff
from api.web.review_list import BAD_FILTER
from tests.api.conftest import now
from tests.api.factories import backdate, staff_headers
from tests.api.review_support import logged_in, new_intake

HOME = "/review/"
_ROW = re.compile(r'<tr class="intake( overdue)?" id="intake-([0-9a-f-]{36})">')


@pytest.fixture
def staff(client: TestClient, db: Session) -> Staff:
    return logged_in(client, db, email="behandelaar@meldpunt.example")


def rows(client: TestClient, **params: Any) -> list[str]:
    """The ids of the listed intakes, in order."""
    response = client.get(HOME, params=params)
    assert response.status_code == 200, response.text
    return [match[2] for match in _ROW.finditer(response.text)]


# --- the list ---------------------------------------------------------------------------------


def test_the_list_links_every_intake_to_its_page(client: TestClient, staff: Staff) -> None:
    intake_id = new_intake(client)
    page = client.get(HOME).text
    assert f'<a class="intake-link" href="/review/intakes/{intake_id}">' in page


def test_the_list_shows_the_newest_first(client: TestClient, db: Session, staff: Staff) -> None:
    older, newer = new_intake(client), new_intake(client)
    backdate(db, older, now() - timedelta(days=1))
    assert rows(client) == [newer, older]


def test_the_list_sorts_as_asked(client: TestClient, db: Session, staff: Staff) -> None:
    older, newer = new_intake(client), new_intake(client)
    backdate(db, older, now() - timedelta(days=1))
    assert rows(client, sort="received_at", order="asc") == [older, newer]


@pytest.mark.parametrize(
    ("params", "match", "other"),
    [
        ({"category": "misstand"}, {"category": "misstand", "desired_route": "melding_ic_rijk"}, {}),
        (
            {"ground": "leeftijd"},
            {"category": "discriminatie", "discrimination_ground": "leeftijd"},
            {"category": "discriminatie", "discrimination_ground": "afkomst"},
        ),
        ({"route": "vertrouwenspersoon"}, {"desired_route": "vertrouwenspersoon"}, {}),
        ({"organisation": "belastingdienst"}, {"organisation": "Belastingdienst"}, {}),
    ],
)
def test_the_list_filters_like_the_api(
    client: TestClient, staff: Staff, params: dict[str, str], match: dict[str, str], other: dict[str, str]
) -> None:
    new_intake(client, **other)
    wanted = new_intake(client, **match)
    assert rows(client, **params) == [wanted]


def test_the_list_filters_on_status(client: TestClient, db: Session, staff: Staff) -> None:
    new_intake(client)
    busy = new_intake(client)
    patch = client.patch(
        f"/api/v1/intakes/{busy}", json={"status": "in_behandeling"}, headers=staff_headers(db)
    )
    assert patch.status_code == 200
    assert rows(client, status="in_behandeling") == [busy]


def test_the_filter_form_has_the_api_names(client: TestClient, staff: Staff) -> None:
    page = client.get(HOME).text
    form = page.split('<form id="filters"', 1)[1].split("</form>", 1)[0]
    names = re.findall(r'<select id="[^"]+" name="([^"]+)"', form)
    assert names == ["category", "ground", "status", "route", "organisation", "overdue", "sort", "order"]


def test_the_organisation_filter_lists_stored_organisations_once(client: TestClient, staff: Staff) -> None:
    for organisation in ("Belastingdienst", "belastingdienst", "Ministerie van BZK"):
        new_intake(client, organisation=organisation)
    form = client.get(HOME).text.split('name="organisation">', 1)[1].split("</select>", 1)[0]
    assert re.findall(r'<option value="([^"]*)"', form) == ["", "Belastingdienst", "Ministerie van BZK"]


@pytest.fixture
def late_and_on_time(client: TestClient, db: Session, staff: Staff) -> tuple[str, str]:
    late = new_intake(client)
    backdate(db, late, now() - timedelta(days=8))  # the acknowledgement was due a day ago
    return late, new_intake(client)


def test_overdue_intakes_are_marked_with_words(client: TestClient, late_and_on_time: tuple[str, str]) -> None:
    late, on_time = late_and_on_time
    page = client.get(HOME).text
    marked = {match[2]: bool(match[1]) for match in _ROW.finditer(page)}
    assert marked == {late: True, on_time: False}
    row = page.split(f'id="intake-{late}"', 1)[1].split("</tr>", 1)[0]
    assert '<strong class="late-mark">te laat</strong>' in row


def test_the_next_deadline_of_a_fresh_intake_is_the_acknowledgement(
    client: TestClient, late_and_on_time: tuple[str, str]
) -> None:
    _, on_time = late_and_on_time
    row = client.get(HOME).text.split(f'id="intake-{on_time}"', 1)[1].split("</tr>", 1)[0]
    due = re.findall(r'<span class="deadline">([^<]*)</span>', row)
    assert [text.split(":")[0] for text in due] == ["Ontvangstbevestiging"]


@pytest.mark.parametrize(("overdue", "index"), [("true", 0), ("false", 1)])
def test_the_overdue_filter(
    client: TestClient, late_and_on_time: tuple[str, str], overdue: str, index: int
) -> None:
    assert rows(client, overdue=overdue) == [late_and_on_time[index]]


def test_an_unknown_filter_value_is_ignored_and_said(client: TestClient, staff: Staff) -> None:
    intake_id = new_intake(client)
    response = client.get(HOME, params={"category": "bestaat_niet"})
    assert BAD_FILTER in response.text
    assert rows(client, category="bestaat_niet") == [intake_id]


def test_the_list_pages_by_25(client: TestClient, staff: Staff) -> None:
    ids = [new_intake(client) for _ in range(26)]
    first, second = client.get(HOME).text, client.get(HOME, params={"page": 2}).text
    assert "26 intakes gevonden, pagina 1 van 2." in first
    assert 'href="/review/?sort=received_at&amp;order=desc&amp;page=2" rel="next"' in first
    assert [m[2] for m in _ROW.finditer(second)] == [ids[0]]


def test_listing_is_audited_like_the_api(client: TestClient, db: Session, staff: Staff) -> None:
    client.get(HOME, params={"category": "pesten", "overdue": "true"})
    entry = db.scalars(
        select(AuditEntry).where(AuditEntry.staff_id == staff.id, AuditEntry.action == "list_intakes")
    )
    assert [e.detail for e in entry] == [{"filters": {"category": "pesten", "overdue": "True"}, "page": 1}]


def test_the_audit_link_is_for_admins_only(client: TestClient, staff: Staff) -> None:
    assert 'href="/review/audit"' not in client.get(HOME).text


# --- telling intakes apart ----------------------------------------------------------------------


def test_each_row_shows_the_first_words_of_what_happened(client: TestClient, staff: Staff) -> None:
    first = "Mijn teamleider schreeuwt elke ochtend tegen mij in het overleg, waar iedereen bij is, en daarna"
    new_intake(client, description=first + " lacht hij erom met de anderen.")
    new_intake(client, description="Een klant aan de balie dreigde mij te slaan.")
    page = client.get(HOME).text
    assert "Een klant aan de balie dreigde mij te slaan." in page
    assert (
        "Mijn teamleider schreeuwt elke ochtend tegen mij in het overleg, waar iedereen bij is, en …" in page
    )
    assert "lacht hij erom" not in page  # only the first words


def test_a_new_message_from_the_reporter_is_marked_until_the_intake_is_opened(
    client: TestClient, db: Session, staff: Staff
) -> None:
    from tests.api.factories import submit

    body, response = submit(client)
    assert response.status_code == 201
    intake_id = body["id"]
    other = new_intake(client)

    def marked() -> list[str]:
        html = client.get(HOME).text
        found = []
        for intake in (intake_id, other):
            row = html.split(f'id="intake-{intake}"')[1].split("</tr>")[0]
            if "Nieuw bericht van de melder" in row:
                found.append(intake)
        return found

    assert marked() == []
    added = client.post(
        "/api/v1/follow-up", json={"receipt_code": body["receipt_code"], "message": "Het is weer gebeurd."}
    )
    assert added.status_code == 200, added.text
    assert marked() == [intake_id]
    listed = client.get("/api/v1/intakes", headers=staff_headers(db)).json()["items"]
    assert {i["id"]: i["unread_from_reporter"] for i in listed} == {intake_id: True, other: False}
    assert client.get(f"/review/intakes/{intake_id}").status_code == 200
    assert marked() == []
