"""Staff endpoints: listing with filters and pagination, reading one intake, and changing it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.routes.intakes import NOT_FOUND
from api.schemas import NOTHING_TO_CHANGE
from api.security import NOT_AUTHENTICATED, WRONG_ROLE
from tests.api.conftest import now
from tests.api.factories import SERVICE, backdate, staff_headers, submit

INTAKES = "/api/v1/intakes"
JAN_15 = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)


@pytest.fixture
def staff(db: Session) -> dict[str, str]:
    return staff_headers(db, "intake", email="behandelaar@meldpunt.example")


def new_intake(client: TestClient, **overrides: Any) -> str:
    _, response = submit(client, **overrides)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def listed(client: TestClient, headers: dict[str, str], **params: Any) -> list[str]:
    response = client.get(INTAKES, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def patch(client: TestClient, headers: dict[str, str], intake_id: str, **body: Any) -> dict[str, Any]:
    response = client.patch(f"{INTAKES}/{intake_id}", json=body, headers=headers)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def at(value: str) -> datetime:
    return datetime.fromisoformat(value)


# --- GET /intakes: filters -------------------------------------------------------------------


def test_list_filters_on_category(client: TestClient, staff: dict[str, str]) -> None:
    new_intake(client, category="pesten")
    misstand = new_intake(client, category="misstand", desired_route="melding_ic_rijk")
    assert listed(client, staff, category="misstand") == [misstand]


def test_list_filters_on_ground(client: TestClient, staff: dict[str, str]) -> None:
    new_intake(client, category="discriminatie", discrimination_ground="leeftijd")
    godsdienst = new_intake(client, category="discriminatie", discrimination_ground="godsdienst")
    assert listed(client, staff, ground="godsdienst") == [godsdienst]


def test_list_filters_on_ground_onbekend(client: TestClient, staff: dict[str, str]) -> None:
    new_intake(client, category="discriminatie", discrimination_ground="anders")
    onbekend = new_intake(client, category="discriminatie", discrimination_ground="onbekend")
    assert listed(client, staff, ground="onbekend") == [onbekend]
    detail = client.get(f"{INTAKES}/{onbekend}", headers=staff).json()
    assert (detail["category"], detail["discrimination_ground"]) == ("discriminatie", "onbekend")


def test_list_filters_on_status(client: TestClient, staff: dict[str, str]) -> None:
    new_intake(client)
    busy = new_intake(client)
    patch(client, staff, busy, status="in_behandeling")
    assert listed(client, staff, status="in_behandeling") == [busy]


def test_list_filters_on_organisation_case_insensitively(client: TestClient, staff: dict[str, str]) -> None:
    bzk = new_intake(client, organisation="Ministerie van BZK")
    new_intake(client, organisation="Belastingdienst")
    assert listed(client, staff, organisation="  ministerie VAN bzk ") == [bzk]


def test_list_filter_with_a_nul_character_is_422(client: TestClient, staff: dict[str, str]) -> None:
    response = client.get(INTAKES, params={"organisation": "Belasting\x00dienst"}, headers=staff)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "organisation"]


def test_list_filters_on_desired_route(client: TestClient, staff: dict[str, str]) -> None:
    new_intake(client, desired_route="klacht_kcoo")
    vp = new_intake(client, desired_route="vertrouwenspersoon")
    assert listed(client, staff, route="vertrouwenspersoon") == [vp]


def test_list_filters_on_committee_routed_to(client: TestClient, staff: dict[str, str]) -> None:
    new_intake(client)
    routed = new_intake(client)
    patch(client, staff, routed, routed_to="vertrouwenspersoon")
    assert listed(client, staff, routed_to="vertrouwenspersoon") == [routed]


def test_overdue_true_lists_intakes_past_a_deadline(
    client: TestClient, db: Session, staff: dict[str, str]
) -> None:
    new_intake(client)
    late = new_intake(client)
    backdate(db, late, now() - timedelta(days=30))  # acknowledgement was due 23 days ago
    assert listed(client, staff, overdue="true") == [late]


def test_overdue_false_lists_intakes_within_their_deadlines(
    client: TestClient, db: Session, staff: dict[str, str]
) -> None:
    on_time = new_intake(client)
    late = new_intake(client)
    backdate(db, late, now() - timedelta(days=30))
    assert listed(client, staff, overdue="false") == [on_time]


def test_acknowledged_intake_past_decision_deadline_is_overdue(
    client: TestClient, db: Session, staff: dict[str, str]
) -> None:
    late = new_intake(client)
    patch(client, staff, late, acknowledged=True)
    backdate(db, late, now() - timedelta(weeks=11))
    assert listed(client, staff, overdue="true") == [late]


def test_closed_intake_is_never_overdue(client: TestClient, db: Session, staff: dict[str, str]) -> None:
    closed = new_intake(client)
    backdate(db, closed, now() - timedelta(weeks=20))
    patch(client, staff, closed, status="afgesloten")
    assert listed(client, staff, overdue="true") == []
    assert listed(client, staff, overdue="false") == [closed]


def test_received_period_includes_both_end_days(
    client: TestClient, db: Session, staff: dict[str, str]
) -> None:
    moments = [
        datetime(2025, 2, 28, 23, 59, 59, tzinfo=UTC),
        datetime(2025, 3, 1, 0, 0, tzinfo=UTC),
        datetime(2025, 3, 10, 23, 59, 59, tzinfo=UTC),
        datetime(2025, 3, 11, 0, 0, tzinfo=UTC),
    ]
    ids = []
    for moment in moments:
        ids.append(new_intake(client))
        backdate(db, ids[-1], moment)
    found = listed(
        client, staff, received_from="2025-03-01", received_to="2025-03-10", sort="received_at", order="asc"
    )
    assert found == [ids[1], ids[2]]


def test_filters_combine(client: TestClient, staff: dict[str, str]) -> None:
    both = new_intake(client, category="pesten", organisation="Rijkswaterstaat")
    new_intake(client, category="pesten", organisation="Belastingdienst")
    new_intake(client, category="intimidatie", organisation="Rijkswaterstaat")
    assert listed(client, staff, category="pesten", organisation="rijkswaterstaat") == [both]


# --- GET /intakes: pagination and order -------------------------------------------------------


def five_backdated(client: TestClient, db: Session) -> list[str]:
    """Five intakes received one day apart, oldest first."""
    ids = []
    for day in range(5):
        ids.append(new_intake(client))
        backdate(db, ids[-1], JAN_15 + timedelta(days=day))
    return ids


def test_list_pages_through_all_intakes(client: TestClient, db: Session, staff: dict[str, str]) -> None:
    ids = five_backdated(client, db)
    pages = [
        client.get(INTAKES, params={"page": page, "page_size": 2, "order": "asc"}, headers=staff).json()
        for page in (1, 2, 3)
    ]
    assert [[item["id"] for item in p["items"]] for p in pages] == [ids[0:2], ids[2:4], ids[4:5]]
    assert [(p["page"], p["page_size"], p["total"]) for p in pages] == [(1, 2, 5), (2, 2, 5), (3, 2, 5)]


def test_page_beyond_the_last_is_empty_with_total(
    client: TestClient, db: Session, staff: dict[str, str]
) -> None:
    five_backdated(client, db)
    body = client.get(INTAKES, params={"page": 4, "page_size": 2}, headers=staff).json()
    assert (body["items"], body["total"]) == ([], 5)


def test_list_defaults_to_newest_first(client: TestClient, db: Session, staff: dict[str, str]) -> None:
    ids = five_backdated(client, db)
    assert listed(client, staff) == list(reversed(ids))


def test_list_sorts_on_organisation_ascending(client: TestClient, staff: dict[str, str]) -> None:
    rws = new_intake(client, organisation="Rijkswaterstaat")
    bd = new_intake(client, organisation="Belastingdienst")
    duo = new_intake(client, organisation="DUO")
    assert listed(client, staff, sort="organisation", order="asc") == [bd, duo, rws]


def test_list_sorts_on_decision_deadline(client: TestClient, db: Session, staff: dict[str, str]) -> None:
    kcoo = new_intake(client)  # 10 weeks
    ic_rijk = new_intake(client, category="misstand", desired_route="melding_ic_rijk")  # 3 months
    backdate(db, kcoo, JAN_15)
    backdate(db, ic_rijk, JAN_15)
    assert listed(client, staff, sort="decision_due_at", order="desc") == [ic_rijk, kcoo]


def test_page_size_over_100_is_422(client: TestClient, staff: dict[str, str]) -> None:
    response = client.get(INTAKES, params={"page_size": 101}, headers=staff)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "page_size"]


def test_page_zero_is_422(client: TestClient, staff: dict[str, str]) -> None:
    response = client.get(INTAKES, params={"page": 0}, headers=staff)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "page"]


@pytest.mark.parametrize(
    "name, value",
    [
        ("category", "ruzie"),
        ("ground", "haarkleur"),
        ("status", "open"),
        ("route", "rechter"),
        ("routed_to", "ombudsman"),
        ("overdue", "misschien"),
        ("received_from", "gisteren"),
        ("sort", "summary"),
        ("order", "up"),
    ],
)
def test_unknown_filter_value_is_422_naming_the_parameter(
    client: TestClient, staff: dict[str, str], name: str, value: str
) -> None:
    response = client.get(INTAKES, params={name: value}, headers=staff)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", name]


# --- GET /intakes/{id} ------------------------------------------------------------------------


def test_read_returns_full_detail_with_transcript(client: TestClient, staff: dict[str, str]) -> None:
    body, _ = submit(client, contact_preference="contact", contact_details={"email": "melder@example.org"})
    detail = client.get(f"{INTAKES}/{body['id']}", headers=staff).json()
    for field in ("summary", "description", "witnesses", "steps_taken", "occurred_period", "organisation"):
        assert detail[field] == body[field]
    assert detail["contact_details"] == {"email": "melder@example.org"}
    assert [(line["speaker"], line["text"], at(line["at"])) for line in detail["transcript"]] == [
        (line["speaker"], line["text"], at(line["at"])) for line in body["transcript"]
    ]
    assert (detail["status"], detail["messages"], detail["notes"], detail["closed_at"]) == (
        "nieuw",
        [],
        None,
        None,
    )


def test_read_has_received_event_in_history(client: TestClient, staff: dict[str, str]) -> None:
    intake_id = new_intake(client)
    history = client.get(f"{INTAKES}/{intake_id}", headers=staff).json()["history"]
    assert [(h["actor"], h["action"], h["changes"]) for h in history] == [("assistant", "received", None)]


def test_read_returns_kcoo_deadlines(client: TestClient, db: Session, staff: dict[str, str]) -> None:
    intake_id = new_intake(client)
    backdate(db, intake_id, JAN_15)
    deadlines = client.get(f"{INTAKES}/{intake_id}", headers=staff).json()["deadlines"]
    assert at(deadlines["acknowledgement"]) == datetime(2026, 1, 22, 10, 0, tzinfo=UTC)
    assert at(deadlines["decision"]) == datetime(2026, 3, 26, 10, 0, tzinfo=UTC)  # 10 weeks
    assert deadlines["committee"] == "kcoo"


def test_read_flags_overdue_acknowledgement(client: TestClient, db: Session, staff: dict[str, str]) -> None:
    intake_id = new_intake(client)
    backdate(db, intake_id, now() - timedelta(days=8))
    deadlines = client.get(f"{INTAKES}/{intake_id}", headers=staff).json()["deadlines"]
    assert (deadlines["acknowledgement_overdue"], deadlines["decision_overdue"]) == (True, False)


def test_read_unknown_id_is_404(client: TestClient, staff: dict[str, str]) -> None:
    response = client.get(f"{INTAKES}/{uuid.uuid4()}", headers=staff)
    assert response.status_code == 404
    assert response.json()["detail"] == NOT_FOUND


def test_read_non_uuid_is_422(client: TestClient, staff: dict[str, str]) -> None:
    response = client.get(f"{INTAKES}/not-a-uuid", headers=staff)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["path", "intake_id"]


# --- PATCH /intakes/{id} ----------------------------------------------------------------------


def last_change(detail: dict[str, Any]) -> dict[str, Any]:
    entry = detail["history"][-1]
    assert (entry["actor"], entry["action"]) == ("behandelaar@meldpunt.example", "updated")
    changes: dict[str, Any] = entry["changes"]
    return changes


def test_patch_status_is_kept_in_history(client: TestClient, staff: dict[str, str]) -> None:
    detail = patch(client, staff, new_intake(client), status="in_behandeling")
    assert detail["status"] == "in_behandeling"
    assert last_change(detail)["status"] == ["nieuw", "in_behandeling"]


def test_patch_routed_to_is_kept_in_history(client: TestClient, staff: dict[str, str]) -> None:
    detail = patch(client, staff, new_intake(client), routed_to="vertrouwenspersoon")
    assert detail["routed_to"] == "vertrouwenspersoon"
    assert last_change(detail) == {"routed_to": [None, "vertrouwenspersoon"]}


def test_patch_outcome_is_kept_in_history(client: TestClient, staff: dict[str, str]) -> None:
    detail = patch(client, staff, new_intake(client), outcome="deels_gegrond")
    assert detail["outcome"] == "deels_gegrond"
    assert last_change(detail) == {"outcome": [None, "deels_gegrond"]}


def test_patch_notes_is_kept_in_history(client: TestClient, staff: dict[str, str]) -> None:
    intake_id = new_intake(client)
    patch(client, staff, intake_id, notes="Eerste gesprek gepland.")
    detail = patch(client, staff, intake_id, notes="Gesprek gevoerd.")
    assert detail["notes"] == "Gesprek gevoerd."
    assert last_change(detail) == {"notes": ["Eerste gesprek gepland.", "Gesprek gevoerd."]}


def test_patch_message_to_reporter_adds_a_staff_message(client: TestClient, staff: dict[str, str]) -> None:
    detail = patch(client, staff, new_intake(client), message_to_reporter="We nemen contact op.")
    assert [(m["author"], m["text"]) for m in detail["messages"]] == [("staff", "We nemen contact op.")]
    assert last_change(detail)["message_to_reporter"] == [None, "We nemen contact op."]


def test_patch_message_to_reporter_counts_as_acknowledgement(
    client: TestClient, staff: dict[str, str]
) -> None:
    detail = patch(client, staff, new_intake(client), message_to_reporter="Ontvangen, dank je.")
    old, new = last_change(detail)["acknowledged_at"]
    assert (old, at(new)) == (None, at(detail["acknowledged_at"]))


def test_patch_acknowledged_clears_overdue_acknowledgement(
    client: TestClient, db: Session, staff: dict[str, str]
) -> None:
    intake_id = new_intake(client)
    backdate(db, intake_id, now() - timedelta(days=8))
    before = now()
    detail = patch(client, staff, intake_id, acknowledged=True)
    assert before <= at(detail["acknowledged_at"]) <= now()
    assert detail["deadlines"]["acknowledgement_overdue"] is False
    assert last_change(detail)["acknowledged_at"][0] is None


def test_patch_acknowledged_false_withdraws_acknowledgement(
    client: TestClient, staff: dict[str, str]
) -> None:
    intake_id = new_intake(client)
    acknowledged = patch(client, staff, intake_id, acknowledged=True)["acknowledged_at"]
    detail = patch(client, staff, intake_id, acknowledged=False)
    assert detail["acknowledged_at"] is None
    old, new = last_change(detail)["acknowledged_at"]
    assert (at(old), new) == (at(acknowledged), None)


def test_patch_deadline_extended_adds_four_weeks_to_kcoo_decision(
    client: TestClient, db: Session, staff: dict[str, str]
) -> None:
    intake_id = new_intake(client)
    backdate(db, intake_id, JAN_15)
    detail = patch(client, staff, intake_id, deadline_extended=True)
    assert at(detail["deadlines"]["decision"]) == JAN_15 + timedelta(weeks=14)
    assert detail["deadline_extended"] is True
    assert last_change(detail) == {"deadline_extended": [False, True]}


def test_routing_pesten_to_ic_rijk_switches_to_three_month_deadline(
    client: TestClient, db: Session, staff: dict[str, str]
) -> None:
    intake_id = new_intake(client, category="pesten")
    backdate(db, intake_id, JAN_15)
    detail = patch(client, staff, intake_id, routed_to="ic_rijk")
    assert detail["deadlines"]["committee"] == "ic_rijk"
    assert at(detail["deadlines"]["decision"]) == datetime(2026, 4, 15, 10, 0, tzinfo=UTC)


def test_closing_sets_closed_at(client: TestClient, staff: dict[str, str]) -> None:
    before = now()
    detail = patch(client, staff, new_intake(client), status="afgesloten", outcome="gegrond")
    assert before <= at(detail["closed_at"]) <= now()
    assert last_change(detail)["status"] == ["nieuw", "afgesloten"]


def test_reopening_clears_closed_at(client: TestClient, staff: dict[str, str]) -> None:
    intake_id = new_intake(client)
    patch(client, staff, intake_id, status="afgesloten")
    detail = patch(client, staff, intake_id, status="in_behandeling")
    assert detail["closed_at"] is None


def test_every_patch_adds_its_own_history_entry(client: TestClient, staff: dict[str, str]) -> None:
    intake_id = new_intake(client)
    patch(client, staff, intake_id, routed_to="kcoo")
    detail = patch(client, staff, intake_id, outcome="ongegrond")
    assert [(h["action"], h["changes"]) for h in detail["history"]] == [
        ("received", None),
        ("updated", {"routed_to": [None, "kcoo"]}),
        ("updated", {"outcome": [None, "ongegrond"]}),
    ]


def test_patch_with_unchanged_value_adds_no_history(client: TestClient, staff: dict[str, str]) -> None:
    detail = patch(client, staff, new_intake(client), status="nieuw")
    assert [h["action"] for h in detail["history"]] == ["received"]


def test_patch_history_names_the_staff_member(client: TestClient, db: Session) -> None:
    other = staff_headers(db, "admin", email="coordinator@meldpunt.example")
    detail = patch(client, other, new_intake(client), outcome="gegrond")
    assert detail["history"][-1]["actor"] == "coordinator@meldpunt.example"


def test_patch_empty_body_is_422(client: TestClient, staff: dict[str, str]) -> None:
    response = client.patch(f"{INTAKES}/{new_intake(client)}", json={}, headers=staff)
    assert response.status_code == 422
    assert NOTHING_TO_CHANGE in response.json()["detail"][0]["msg"]


def test_patch_unknown_status_is_422(client: TestClient, staff: dict[str, str]) -> None:
    response = client.patch(f"{INTAKES}/{new_intake(client)}", json={"status": "open"}, headers=staff)
    assert response.status_code == 422
    error = response.json()["detail"][0]
    assert (error["loc"][:2], error["type"]) == (["body", "status"], "enum")


def test_patch_status_null_is_422(client: TestClient, staff: dict[str, str]) -> None:
    response = client.patch(f"{INTAKES}/{new_intake(client)}", json={"status": None}, headers=staff)
    assert response.status_code == 422


def test_patch_unknown_field_is_422(client: TestClient, staff: dict[str, str]) -> None:
    response = client.patch(f"{INTAKES}/{new_intake(client)}", json={"category": "misstand"}, headers=staff)
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "extra_forbidden"


def test_patch_unknown_id_is_404(client: TestClient, staff: dict[str, str]) -> None:
    response = client.patch(f"{INTAKES}/{uuid.uuid4()}", json={"status": "afgesloten"}, headers=staff)
    assert response.status_code == 404
    assert response.json()["detail"] == NOT_FOUND


# --- who may use the staff endpoints ----------------------------------------------------------


def staff_requests(client: TestClient) -> list[tuple[str, str, dict[str, Any] | None]]:
    intake_id = new_intake(client)
    return [
        ("GET", INTAKES, None),
        ("GET", f"{INTAKES}/{intake_id}", None),
        ("PATCH", f"{INTAKES}/{intake_id}", {"status": "afgesloten"}),
    ]


def test_service_token_on_staff_endpoints_is_403(client: TestClient) -> None:
    for method, url, body in staff_requests(client):
        response = client.request(method, url, json=body, headers=SERVICE)
        assert (method, url, response.status_code) == (method, url, 403)
        assert response.json()["detail"] == WRONG_ROLE


def test_staff_endpoints_without_token_are_401(client: TestClient) -> None:
    for method, url, body in staff_requests(client):
        response = client.request(method, url, json=body)
        assert (method, url, response.status_code) == (method, url, 401)
        assert response.json()["detail"] == NOT_AUTHENTICATED


def test_staff_endpoints_with_garbage_token_are_401(client: TestClient) -> None:
    garbage = {"Authorization": "Bearer not.a.jwt"}
    for method, url, body in staff_requests(client):
        response = client.request(method, url, json=body, headers=garbage)
        assert (method, url, response.status_code) == (method, url, 401)
        assert response.json()["detail"] == NOT_AUTHENTICATED
