"""The API's one clock: receipt, deadlines and "te laat" follow it, on any day, leap days included.

The other tests run on a clock that starts at TEST_START (conftest.py); these move it to the dates
where calendars are hardest: 29 February and the turn of a month and a year.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.clock import use_clock, utcnow
from tests.api.conftest import TEST_START, TestClock
from tests.api.factories import staff_headers, submit

LEAP_DAY = datetime(2028, 2, 29, 10, 0, tzinfo=UTC)


def test_the_tests_clock_starts_at_the_same_instant_and_runs_on(clock: TestClock) -> None:
    first = utcnow()
    assert TEST_START <= first < TEST_START + timedelta(minutes=1)
    assert utcnow() >= first


def test_a_clock_without_a_zone_is_refused() -> None:
    with use_clock(lambda: datetime(2026, 1, 1)), pytest.raises(ValueError):
        utcnow()


def test_use_clock_puts_the_previous_clock_back(clock: TestClock) -> None:
    with use_clock(lambda: LEAP_DAY):
        assert utcnow() == LEAP_DAY
    assert utcnow() < LEAP_DAY


@pytest.fixture
def staff(db: Session, clock: TestClock) -> Iterator[dict[str, str]]:
    clock.set(LEAP_DAY)
    yield staff_headers(db)


def _intake(client: TestClient, headers: dict[str, str], **overrides: str) -> dict[str, str]:
    body, response = submit(client, **overrides)
    assert response.status_code == 201, response.text
    detail = client.get(f"/api/v1/intakes/{body['id']}", headers=headers).json()
    return {"id": str(body["id"]), "received_at": detail["received_at"], **detail["deadlines"]}


@pytest.mark.parametrize(
    "category, route, decision",
    [
        ("pesten", "klacht_kcoo", "2028-05-09T10:00:00Z"),  # 10 weeks
        ("misstand", "melding_ic_rijk", "2028-05-29T10:00:00Z"),  # 3 calendar months
    ],
)
def test_an_intake_received_on_a_leap_day_gets_its_deadlines_from_that_day(
    client: TestClient, staff: dict[str, str], category: str, route: str, decision: str
) -> None:
    intake = _intake(client, staff, category=category, desired_route=route)
    assert intake["received_at"].startswith("2028-02-29T10:00:")
    assert intake["acknowledgement"].startswith("2028-03-07T10:00:")
    assert intake["decision"][:16] == decision[:16]


def test_te_laat_follows_the_clock_across_the_end_of_february(
    client: TestClient, db: Session, staff: dict[str, str], clock: TestClock
) -> None:
    intake = _intake(client, staff)

    def overdue() -> list[str]:
        headers = staff_headers(db)  # signed in now: a token from a week ago has expired
        response = client.get("/api/v1/intakes", params={"overdue": "true"}, headers=headers)
        assert response.status_code == 200
        return [item["id"] for item in response.json()["items"]]

    clock.set(datetime(2028, 3, 7, 9, 59, tzinfo=UTC))  # a minute before the 7 days are up
    assert overdue() == []
    clock.set(datetime(2028, 3, 7, 10, 1, tzinfo=UTC))
    assert overdue() == [intake["id"]]


def test_an_ic_rijk_report_of_30_november_is_due_on_29_february(
    client: TestClient, db: Session, clock: TestClock
) -> None:
    clock.set(datetime(2027, 11, 30, 15, 0, tzinfo=UTC))
    headers = staff_headers(db)
    intake = _intake(client, headers, category="misstand", desired_route="melding_ic_rijk")
    assert intake["decision"].startswith("2028-02-29T15:00:")
