"""GET /stats: the figures behind the KCOO half-year table (seed 000) and the annual reports."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.clock import utcnow
from api.models import AuditEntry
from api.routes.stats import PERIOD_CONFLICT
from api.security import WRONG_ROLE
from api.stats import PERIOD_FORMAT
from tests.api.factories import SERVICE, backdate, staff_headers, submit

URL = "/api/v1/stats"
H2_START = datetime(2025, 7, 1, tzinfo=UTC)

# Seed 000: "In de periode 30 juni 2025 tot 1 januari 2026 zijn er 34 klachten bij de KCOO ingediend,
# waarvan er 13 gingen over intimidatie (algemeen), 8 over pesten, 7 over discriminatie op grond van
# huidskleur, afkomst, etniciteit of godsdienst, 3 over seksuele intimidatie, 1 over verbaal geweld,
# 1 over discriminatie op grond van handicap en 1 over discriminatie op grond van leeftijd."
KCOO_H2_2025: list[tuple[str, str | None, int]] = [
    ("intimidatie", None, 13),
    ("pesten", None, 8),
    ("discriminatie", "afkomst", 5),
    ("discriminatie", "godsdienst", 2),
    ("seksuele_intimidatie", None, 3),
    ("agressie_geweld", None, 1),
    ("discriminatie", "handicap", 1),
    ("discriminatie", "leeftijd", 1),
]
# "3 niet-ontvankelijk, 2 gegrond verklaard en 2 (deels) gegrond verklaard"
KCOO_OUTCOMES = ["niet_ontvankelijk"] * 3 + ["gegrond"] * 2 + ["deels_gegrond"] * 2


def _intake(client: TestClient, db: Session, received: datetime, **overrides: Any) -> str:
    body, response = submit(client, **overrides)
    assert response.status_code == 201, response.text
    backdate(db, body["id"], received)
    return str(body["id"])


def _seed_kcoo_half_year(client: TestClient, db: Session, staff: dict[str, str]) -> None:
    """The 34 complaints of seed 000, with IC Rijk reports and other periods around them."""
    kinds = [(c, g) for c, g, n in KCOO_H2_2025 for _ in range(n)]
    # Spread over the half year; the first and last exactly on its edges.
    moments = [H2_START + timedelta(days=5 * i, hours=9) for i in range(len(kinds) - 2)]
    moments = [H2_START, *moments, datetime(2025, 12, 31, 23, 59, 59, tzinfo=UTC)]
    ids = [
        _intake(client, db, at, category=c, discrimination_ground=g)
        for (c, g), at in zip(kinds, moments, strict=True)
    ]
    for intake_id, outcome in zip(ids, KCOO_OUTCOMES, strict=False):
        response = client.patch(
            f"/api/v1/intakes/{intake_id}", json={"outcome": outcome, "status": "afgesloten"}, headers=staff
        )
        assert response.status_code == 200
    # Noise: IC Rijk reports in the period, a complaint routed to IC Rijk, and other periods.
    for day in (3, 40, 120):
        _intake(
            client,
            db,
            H2_START + timedelta(days=day),
            category="misstand",
            desired_route="melding_ic_rijk",
        )
    routed = _intake(client, db, H2_START + timedelta(days=10), category="intimidatie")
    client.patch(f"/api/v1/intakes/{routed}", json={"routed_to": "ic_rijk"}, headers=staff)
    _intake(client, db, datetime(2025, 6, 29, 12, tzinfo=UTC), category="pesten")
    _intake(client, db, datetime(2026, 1, 1, 0, 0, tzinfo=UTC), category="intimidatie")
    _intake(
        client,
        db,
        datetime(2026, 3, 1, tzinfo=UTC),
        category="discriminatie",
        discrimination_ground="afkomst",
    )


def _kcoo_figures(client: TestClient, db: Session) -> dict[str, Any]:
    staff = staff_headers(db)
    _seed_kcoo_half_year(client, db, staff)
    response = client.get(URL, params={"period": "2025-H2", "committee": "kcoo"}, headers=staff)
    assert response.status_code == 200
    return dict(response.json())


def _counts(cells: list[dict[str, Any]]) -> list[tuple[str | None, int | None]]:
    return [(c["key"], c["count"]) for c in cells]


def test_kcoo_half_year_total_is_34(client: TestClient, db: Session) -> None:
    fig = _kcoo_figures(client, db)
    assert (fig["received_from"], fig["received_to"], fig["total"]) == ("2025-07-01", "2025-12-31", 34)


def test_kcoo_half_year_by_category(client: TestClient, db: Session) -> None:
    assert _counts(_kcoo_figures(client, db)["by_category"]) == [
        ("agressie_geweld", 1),
        ("discriminatie", 9),
        ("intimidatie", 13),
        ("pesten", 8),
        ("seksuele_intimidatie", 3),
    ]


def test_kcoo_half_year_by_category_and_ground(client: TestClient, db: Session) -> None:
    cells = _kcoo_figures(client, db)["by_category_ground"]
    assert {(c["key"], c["ground"]): c["count"] for c in cells} == {
        (category, ground): n for category, ground, n in KCOO_H2_2025
    }
    assert len(cells) == len(KCOO_H2_2025)


def test_kcoo_half_year_by_outcome(client: TestClient, db: Session) -> None:
    assert _counts(_kcoo_figures(client, db)["by_outcome"]) == [
        ("deels_gegrond", 2),
        ("gegrond", 2),
        ("niet_ontvankelijk", 3),
        (None, 27),
    ]


def test_ic_rijk_half_year_counts_misstanden_and_routed_complaints(client: TestClient, db: Session) -> None:
    staff = staff_headers(db)
    _seed_kcoo_half_year(client, db, staff)
    fig = client.get(URL, params={"period": "2025-H2", "committee": "ic_rijk"}, headers=staff).json()
    assert _counts(fig["by_category"]) == [("intimidatie", 1), ("misstand", 3)]


@pytest.mark.parametrize(
    ("period", "first", "last"),
    [
        ("2025", "2025-01-01", "2025-12-31"),
        ("2025-H1", "2025-01-01", "2025-06-30"),
        ("2025-H2", "2025-07-01", "2025-12-31"),
        ("2025-Q3", "2025-07-01", "2025-09-30"),
        ("2025-07", "2025-07-01", "2025-07-31"),
        ("2024-02", "2024-02-01", "2024-02-29"),
    ],
)
def test_period_sets_the_inclusive_bounds(
    client: TestClient, db: Session, period: str, first: str, last: str
) -> None:
    fig = client.get(URL, params={"period": period}, headers=staff_headers(db)).json()
    assert (fig["received_from"], fig["received_to"]) == (first, last)


def test_period_counts_only_intakes_received_in_it(client: TestClient, db: Session) -> None:
    staff = staff_headers(db)
    for at in ("2025-06-30T23:59:59", "2025-07-01T00:00:00", "2025-09-30T23:59:59", "2025-10-01T00:00:00"):
        _intake(client, db, datetime.fromisoformat(at).replace(tzinfo=UTC))
    assert client.get(URL, params={"period": "2025-Q3"}, headers=staff).json()["total"] == 2


@pytest.mark.parametrize("period", ["2025-H3", "2025-Q5", "2025-13", "2025-00", "juli", "25", "2025-7"])
def test_bad_period_is_422(client: TestClient, db: Session, period: str) -> None:
    response = client.get(URL, params={"period": period}, headers=staff_headers(db))
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"loc": ["query", "period"], "msg": PERIOD_FORMAT, "type": "value_error"}
    ]


def test_overlong_period_is_422(client: TestClient, db: Session) -> None:
    response = client.get(URL, params={"period": "2025-07-01-x"}, headers=staff_headers(db))
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "string_too_long"


def test_period_with_received_from_is_422(client: TestClient, db: Session) -> None:
    params = {"period": "2025-H2", "received_from": "2025-06-30"}
    response = client.get(URL, params=params, headers=staff_headers(db))
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == PERIOD_CONFLICT


def test_received_from_and_to_give_the_letters_period(client: TestClient, db: Session) -> None:
    staff = staff_headers(db)
    for at in ("2025-06-29T12:00:00", "2025-06-30T08:00:00", "2025-12-31T23:00:00", "2026-01-01T00:00:00"):
        _intake(client, db, datetime.fromisoformat(at).replace(tzinfo=UTC))
    params = {"received_from": "2025-06-30", "received_to": "2025-12-31"}
    assert client.get(URL, params=params, headers=staff).json()["total"] == 2


def test_unknown_committee_is_422(client: TestClient, db: Session) -> None:
    response = client.get(URL, params={"committee": "raad_van_state"}, headers=staff_headers(db))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "committee"]


def test_organisation_filter_ignores_case(client: TestClient, db: Session) -> None:
    staff = staff_headers(db)
    now = utcnow()
    _intake(client, db, now, organisation="Belastingdienst")
    _intake(client, db, now, organisation="Belastingdienst")
    _intake(client, db, now, organisation="Ministerie van BZK")
    fig = client.get(URL, params={"organisation": "belastingdienst"}, headers=staff).json()
    assert (fig["total"], _counts(fig["by_organisation"])) == (2, [("Belastingdienst", 2)])


def test_organisation_filter_with_a_nul_character_is_422(client: TestClient, db: Session) -> None:
    response = client.get(URL, params={"organisation": "Belasting\x00dienst"}, headers=staff_headers(db))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "organisation"]


def test_by_route(client: TestClient, db: Session) -> None:
    staff = staff_headers(db)
    now = utcnow()
    _intake(client, db, now, desired_route="klacht_kcoo")
    _intake(client, db, now, desired_route="klacht_kcoo")
    _intake(client, db, now, category="misstand", desired_route="melding_ic_rijk")
    _intake(client, db, now, desired_route="vertrouwenspersoon")
    fig = client.get(URL, headers=staff).json()
    assert _counts(fig["by_route"]) == [("klacht_kcoo", 2), ("melding_ic_rijk", 1), ("vertrouwenspersoon", 1)]


def _grounds_with_onbekend(client: TestClient, db: Session) -> None:
    now = utcnow()
    for ground, n in (("afkomst", 2), ("anders", 1), ("onbekend", 3)):
        for _ in range(n):
            _intake(client, db, now, category="discriminatie", discrimination_ground=ground)
    _intake(client, db, now, category="pesten")


def test_ground_onbekend_is_counted_apart_from_anders(client: TestClient, db: Session) -> None:
    staff = staff_headers(db)
    _grounds_with_onbekend(client, db)
    fig = client.get(URL, headers=staff).json()
    assert _counts(fig["by_ground"]) == [("afkomst", 2), ("anders", 1), ("onbekend", 3)]
    assert [(c["key"], c["ground"], c["count"]) for c in fig["by_category_ground"]] == [
        ("discriminatie", "afkomst", 2),
        ("discriminatie", "anders", 1),
        ("discriminatie", "onbekend", 3),
        ("pesten", None, 1),
    ]
    assert _counts(fig["by_category"]) == [("discriminatie", 6), ("pesten", 1)]


def test_csv_lists_ground_onbekend(client: TestClient, db: Session) -> None:
    staff = staff_headers(db)
    _grounds_with_onbekend(client, db)
    lines = client.get(URL, params={"format": "csv"}, headers=staff).text.splitlines()
    assert "categorie en grond,Discriminatie,Grond niet genoemd,3" in lines
    assert "discriminatiegrond,Grond niet genoemd,,3" in lines
    exported = client.get(URL, params={"format": "csv", "export": "true"}, headers=staff).text
    assert "categorie en grond,Discriminatie,Grond niet genoemd,<5" in exported.splitlines()


def test_overdue_counts(client: TestClient, db: Session) -> None:
    staff = staff_headers(db)
    now = utcnow()
    _intake(client, db, now - timedelta(days=8))  # acknowledgement late only
    _intake(client, db, now - timedelta(days=80))  # both late
    acknowledged = _intake(client, db, now - timedelta(days=80))  # decision late only
    closed = _intake(client, db, now - timedelta(days=80))  # closed: never late
    _intake(client, db, now)  # on time
    client.patch(f"/api/v1/intakes/{acknowledged}", json={"acknowledged": True}, headers=staff)
    client.patch(f"/api/v1/intakes/{closed}", json={"status": "afgesloten"}, headers=staff)
    fig = client.get(URL, headers=staff).json()
    assert (fig["overdue_acknowledgement"], fig["overdue_decision"]) == (2, 2)


def _small_and_large(client: TestClient, db: Session) -> None:
    now = utcnow()
    for _ in range(5):
        _intake(client, db, now, category="pesten")
    for _ in range(2):
        _intake(client, db, now, category="intimidatie")


def test_export_suppresses_cells_below_the_minimum(client: TestClient, db: Session) -> None:
    staff = staff_headers(db)
    _small_and_large(client, db)
    fig = client.get(URL, params={"export": "true"}, headers=staff).json()
    assert (fig["export"], fig["min_cell"], fig["total"]) == (True, 5, 7)
    assert fig["by_category"] == [
        {"key": "intimidatie", "ground": None, "count": None, "suppressed": True},
        {"key": "pesten", "ground": None, "count": 5, "suppressed": False},
    ]


def test_export_suppresses_a_small_total(client: TestClient, db: Session) -> None:
    staff = staff_headers(db)
    _intake(client, db, utcnow())
    fig = client.get(URL, params={"export": "true"}, headers=staff).json()
    assert fig["total"] is None


def test_internal_view_shows_small_cells(client: TestClient, db: Session) -> None:
    staff = staff_headers(db)
    _small_and_large(client, db)
    fig = client.get(URL, headers=staff).json()
    assert fig["by_category"] == [
        {"key": "intimidatie", "ground": None, "count": 2, "suppressed": False},
        {"key": "pesten", "ground": None, "count": 5, "suppressed": False},
    ]


def test_csv_export_has_a_header_and_marks_suppressed_cells(client: TestClient, db: Session) -> None:
    staff = staff_headers(db)
    _small_and_large(client, db)
    response = client.get(URL, params={"export": "true", "format": "csv"}, headers=staff)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    lines = response.text.splitlines()
    assert lines[0] == "dimensie,waarde,grond,aantal"
    assert lines[1] == "totaal,,,7"
    assert "categorie,Intimidatie of bedreiging,,<5" in lines
    assert "categorie,Pesten,,5" in lines


def test_csv_internal_shows_small_cells(client: TestClient, db: Session) -> None:
    staff = staff_headers(db)
    _small_and_large(client, db)
    lines = client.get(URL, params={"format": "csv"}, headers=staff).text.splitlines()
    assert "categorie,Intimidatie of bedreiging,,2" in lines
    assert not any(line.endswith("<5") for line in lines)


def test_csv_is_offered_as_a_download(client: TestClient, db: Session) -> None:
    params = {"period": "2025-H2", "format": "csv"}
    response = client.get(URL, params=params, headers=staff_headers(db))
    assert response.headers["content-disposition"] == (
        'attachment; filename="meldpunt-cijfers-2025-07-01-2025-12-31.csv"'
    )


@pytest.mark.parametrize(("export", "action"), [("false", "read_stats"), ("true", "export_stats")])
def test_request_is_audited(client: TestClient, db: Session, export: str, action: str) -> None:
    email = f"analist-{uuid.uuid4().hex[:6]}@meldpunt.example"
    client.get(URL, params={"period": "2025-H2", "export": export}, headers=staff_headers(db, email=email))
    entries = db.scalars(select(AuditEntry).where(AuditEntry.staff_email == email)).all()
    assert [(e.action, e.detail["period"]) for e in entries] == [(action, "2025-H2")]  # type: ignore[index]


def test_no_token_is_401(client: TestClient) -> None:
    assert client.get(URL).status_code == 401


def test_service_token_is_403(client: TestClient) -> None:
    response = client.get(URL, headers=SERVICE)
    assert (response.status_code, response.json()["detail"]) == (403, WRONG_ROLE)


def test_the_csv_uses_the_words_of_the_review_pages(client: TestClient, db: Session) -> None:
    submit(client, category="pesten", desired_route="klacht_kcoo")
    lines = client.get(URL, params={"format": "csv"}, headers=staff_headers(db)).text.splitlines()
    assert "gewenste route,Klacht bij de KCOO,,1" in lines
    assert "status,Nieuw,,1" in lines
    body = "\n".join(lines[1:])
    assert "klacht_kcoo" not in body and "category" not in body and "_" not in body


def test_an_export_names_only_organisations_from_the_closed_list(client: TestClient, db: Session) -> None:
    typed = '=HYPERLINK("x") bij de afdeling van Jansen'
    for _ in range(5):
        submit(client, organisation="Belastingdienst")
        submit(client, organisation=typed)
    headers = staff_headers(db)
    exported = client.get(URL, params={"export": "true", "format": "csv"}, headers=headers).text
    assert "organisatie,Belastingdienst,,5" in exported and "organisatie,Andere organisatie,,5" in exported
    assert "Jansen" not in exported and "HYPERLINK" not in exported
    figures = client.get(URL, params={"export": "true"}, headers=headers).json()
    assert {c["key"] for c in figures["by_organisation"]} == {"Belastingdienst", "Andere organisatie"}
    internal = client.get(URL, params={"format": "csv"}, headers=headers).text
    assert "'=HYPERLINK" in internal  # inside the Meldpunt the typed name stays, never as a formula
