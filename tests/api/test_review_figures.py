"""Review pages: the figures (the KCOO letter's half-year table, chart, CSV) and the audit log."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.clock import utcnow
from api.models import AuditEntry, Staff
from api.web.review_audit import BAD_INTAKE
from api.web.review_base import ADMINS_ONLY
from api.web.review_figures import BAD_PERIOD, current_half_year
from api.web.review_labels import AUDIT_ACTION
from tests.api.conftest import TestClock
from tests.api.factories import staff_headers
from tests.api.review_support import logged_in, new_intake, table
from tests.api.test_stats import _seed_kcoo_half_year

FIGURES = "/review/cijfers"
H2 = {"period": "2025-H2", "committee": "kcoo"}
# Seed 000, in its order and words: "13 gingen over intimidatie (algemeen), 8 over pesten, 7 over
# discriminatie op grond van huidskleur, afkomst, etniciteit of godsdienst, 3 over seksuele intimidatie,
# 1 over verbaal geweld, 1 over discriminatie op grond van handicap en 1 over discriminatie op grond
# van leeftijd."
LETTER = [
    ["Onderwerp", "Aantal"],
    ["Intimidatie (algemeen)", "13"],
    ["Pesten", "8"],
    ["Discriminatie op grond van huidskleur, afkomst, etniciteit of godsdienst", "7"],
    ["Seksuele intimidatie", "3"],
    ["Agressie of geweld (ook verbaal geweld)", "1"],
    ["Discriminatie op grond van handicap", "1"],
    ["Discriminatie op grond van leeftijd", "1"],
    ["Totaal", "34"],
]


@pytest.fixture
def seeded(client: TestClient, db: Session) -> dict[str, str]:
    """The 34 KCOO complaints of the second half of 2025 and the intakes around them; API headers."""
    headers = staff_headers(db)
    _seed_kcoo_half_year(client, db, headers)
    return headers


@pytest.fixture
def staff(client: TestClient, db: Session) -> Staff:
    return logged_in(client, db)


def figures_page(client: TestClient, **params: str) -> str:
    response = client.get(FIGURES, params=params)
    assert response.status_code == 200, response.text
    return response.text


def api_figures(client: TestClient, headers: dict[str, str], **params: str) -> dict[str, Any]:
    response = client.get("/api/v1/stats", params=params, headers=headers)
    assert response.status_code == 200
    return dict(response.json())


def test_the_half_year_table_is_the_letters(client: TestClient, seeded: dict[str, str], staff: Staff) -> None:
    assert table(figures_page(client, **H2), "figures-table") == LETTER


def test_the_table_adds_up_to_the_api_figures(
    client: TestClient, seeded: dict[str, str], staff: Staff
) -> None:
    """Every category of GET /api/v1/stats, for all committees together, is in the page's rows."""
    fig = api_figures(client, seeded, period="2025-H2")
    rows = dict(map(tuple, table(figures_page(client, period="2025-H2"), "figures-table")[1:]))
    per_category = {cell["key"]: cell["count"] for cell in fig["by_category"]}
    discrimination = sum(int(n) for label, n in rows.items() if label.startswith("Discriminatie"))
    assert (
        int(rows["Intimidatie (algemeen)"]),
        int(rows["Pesten"]),
        int(rows["Misstand of integriteitsschending"]),
        discrimination,
        int(rows["Totaal"]),
    ) == (
        per_category["intimidatie"],
        per_category["pesten"],
        per_category["misstand"],
        per_category["discriminatie"],
        fig["total"],
    )


def test_the_outcomes_are_the_letters(client: TestClient, seeded: dict[str, str], staff: Staff) -> None:
    assert table(figures_page(client, **H2), "outcomes-table")[1:] == [
        ["Niet-ontvankelijk", "3"],
        ["Gegrond verklaard", "2"],
        ["Deels gegrond verklaard", "2"],
        ["Ongegrond verklaard", "0"],
        ["Nog in behandeling of op andere wijze afgedaan", "27"],
    ]


def test_the_grounds_table_is_the_apis(client: TestClient, seeded: dict[str, str], staff: Staff) -> None:
    fig = api_figures(client, seeded, **H2)
    rows = table(figures_page(client, **H2), "grounds-table")[1:]
    labels = {"afkomst": "Afkomst of huidskleur", "godsdienst": "Godsdienst of levensovertuiging"}
    labels |= {"handicap": "Handicap of chronische ziekte", "leeftijd": "Leeftijd"}
    assert rows == [[labels[cell["key"]], str(cell["count"])] for cell in fig["by_ground"]]


def test_the_caption_names_the_committee_and_period(client: TestClient, staff: Staff) -> None:
    page = figures_page(client, **H2)
    assert (
        '<h2 id="subjects-title">Klachten bij de KCOO, 1 juli 2025 tot en met 31 december 2025</h2>' in page
    )


def test_the_chart_is_an_accessible_image_of_the_table(
    client: TestClient, seeded: dict[str, str], staff: Staff
) -> None:
    svg = figures_page(client, **H2).split('<svg id="figures-chart"', 1)[1].split("</svg>", 1)[0]
    assert 'role="img" aria-labelledby="chart-title chart-desc"' in svg
    values = re.findall(r'<text class="bar-value"[^>]*>(\d+)</text>', svg)
    assert values == [row[1] for row in LETTER[1:-1]]
    assert "Intimidatie (algemeen): 13; Pesten: 8;" in svg.split('<desc id="chart-desc">', 1)[1]


def test_an_empty_period_has_no_chart(client: TestClient, staff: Staff) -> None:
    page = figures_page(client, period="2001")
    assert ('id="figures-chart"' in page, table(page, "figures-table")[-1]) == (False, ["Totaal", "0"])


def test_the_period_defaults_to_this_half_year(client: TestClient, staff: Staff) -> None:
    assert f'<option value="{current_half_year(utcnow().date())}" selected>' in figures_page(client)


@pytest.mark.parametrize(
    "moment, half_year",
    [
        (datetime(2028, 2, 29, 12, 0, tzinfo=UTC), "2028-H1"),
        (datetime(2026, 6, 30, 23, 59, tzinfo=UTC), "2026-H1"),
        (datetime(2026, 7, 1, 0, 0, tzinfo=UTC), "2026-H2"),
        (datetime(2027, 1, 1, 0, 0, tzinfo=UTC), "2027-H1"),
    ],
)
def test_the_default_half_year_follows_the_clock(
    client: TestClient, db: Session, clock: TestClock, moment: datetime, half_year: str
) -> None:
    clock.set(moment)
    logged_in(client, db)
    assert f'<option value="{half_year}" selected>' in figures_page(client)


def test_a_period_that_does_not_exist_is_said(client: TestClient, staff: Staff) -> None:
    response = client.get(FIGURES, params={"period": "2025-H3"})
    assert (response.status_code, BAD_PERIOD in response.text) == (422, True)


def test_reading_figures_is_audited_like_the_api(client: TestClient, db: Session, staff: Staff) -> None:
    figures_page(client, **H2)
    entry = db.scalars(
        select(AuditEntry).where(AuditEntry.staff_id == staff.id, AuditEntry.action == "read_stats")
    )
    assert [e.detail for e in entry] == [
        {"period": "2025-H2", "from": "2025-07-01", "to": "2025-12-31", "format": "html"}
    ]


# --- CSV --------------------------------------------------------------------------------------


def test_the_csv_link_keeps_the_choice(client: TestClient, staff: Staff) -> None:
    page = figures_page(client, **H2)
    assert '<a id="csv-link" href="/review/cijfers.csv?period=2025-H2&amp;committee=kcoo" download>' in page


def test_the_csv_is_the_apis(client: TestClient, seeded: dict[str, str], staff: Staff) -> None:
    ours = client.get("/review/cijfers.csv", params=H2)
    theirs = client.get("/api/v1/stats", params={**H2, "format": "csv"}, headers=seeded)
    assert (ours.status_code, ours.text) == (200, theirs.text)
    assert ours.headers["content-disposition"] == theirs.headers["content-disposition"]


def test_the_export_csv_hides_small_cells(client: TestClient, seeded: dict[str, str], staff: Staff) -> None:
    lines = client.get("/review/cijfers.csv", params={**H2, "export": "true"}).text.splitlines()
    small, large = "categorie,Seksuele intimidatie,,<5", "categorie,Intimidatie of bedreiging,,13"
    assert (small in lines, large in lines) == (True, True)


def test_a_csv_of_a_period_that_does_not_exist_is_refused(client: TestClient, staff: Staff) -> None:
    assert client.get("/review/cijfers.csv", params={"period": "juli"}).status_code == 400


# --- the audit log ----------------------------------------------------------------------------


def test_the_audit_log_is_for_admins_only(client: TestClient, staff: Staff) -> None:
    response = client.get("/review/audit")
    assert (response.status_code, ADMINS_ONLY in response.text) == (403, True)


def test_an_admin_sees_the_audit_log(client: TestClient, db: Session) -> None:
    admin = logged_in(client, db, role="admin")
    rows = table(client.get("/review/audit").text, "audit-table")
    assert rows[0] == ["Wanneer", "Medewerker", "Handeling", "Intake", "Details"]
    assert [row[1:3] for row in rows[1:]] == [[admin.email, "Ingelogd"]]


def test_the_audit_log_filters_like_the_api(client: TestClient, db: Session) -> None:
    admin = logged_in(client, db, role="admin")
    intake_id = new_intake(client)
    client.get(f"/review/intakes/{intake_id}")
    client.get(FIGURES)
    rows = table(client.get("/review/audit", params={"intake_id": intake_id}).text, "audit-table")
    assert [row[1:4] for row in rows[1:]] == [[admin.email, "Intake gelezen", f"Intake {intake_id[:8]}…"]]


def test_the_audit_page_lists_what_the_api_lists(client: TestClient, db: Session) -> None:
    logged_in(client, db, role="admin")
    client.get(FIGURES)
    rows = table(client.get("/review/audit").text, "audit-table")[1:]
    api = client.get("/api/v1/audit", headers=staff_headers(db, "admin")).json()
    # The API's newest entry is the page's own read, recorded after the page was made.
    assert [(row[1], row[2]) for row in rows] == [
        (item["staff_email"], AUDIT_ACTION[item["action"]]) for item in api["items"][1:]
    ]


def test_reading_the_audit_log_is_audited(client: TestClient, db: Session) -> None:
    admin = logged_in(client, db, role="admin")
    client.get("/review/audit")
    actions = db.scalars(
        select(AuditEntry.action).where(AuditEntry.staff_id == admin.id).order_by(AuditEntry.id)
    )
    assert list(actions) == ["review_login", "read_audit"]


def test_a_wrong_intake_number_in_the_filter_is_said(client: TestClient, db: Session) -> None:
    logged_in(client, db, role="admin")
    response = client.get("/review/audit", params={"intake_id": "12345"})
    assert (response.status_code, BAD_INTAKE in response.text) == (422, True)


def test_the_audit_link_is_in_the_admins_menu(client: TestClient, db: Session) -> None:
    logged_in(client, db, role="admin")
    assert '<li><a href="/review/audit">Audit</a></li>' in client.get("/review/").text


def test_the_audit_log_pages_by_50(client: TestClient, db: Session) -> None:
    logged_in(client, db, role="admin")
    for _ in range(50):
        client.get(FIGURES)
    page = client.get("/review/audit").text
    assert "51 regels gevonden, pagina 1 van 2." in page
    assert (len(table(page, "audit-table")), 'href="/review/audit?page=2" rel="next"' in page) == (51, True)


def test_an_intake_without_entries_shows_none(client: TestClient, db: Session) -> None:
    logged_in(client, db, role="admin")
    unknown = uuid.UUID(int=5)
    response = client.get("/review/audit", params={"intake_id": str(unknown)})
    assert "Er zijn geen regels die bij deze filters passen." in response.text
