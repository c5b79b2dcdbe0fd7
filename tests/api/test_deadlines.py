"""Unit tests: deadlines, the KCOO scope of organisations, and period parsing. No database needed."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from api.deadlines import (
    ACKNOWLEDGEMENT,
    add_months,
    apply_deadlines,
    committee_for,
    deadlines_of,
    decision_due,
)
from api.models import Intake
from api.organisations import falls_under_kcoo
from api.stats import PERIOD_FORMAT, parse_period
from api.vocab import Committee

RECEIVED = datetime(2025, 9, 1, 10, 30, tzinfo=UTC)


def _at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 10, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (_at(2025, 1, 31), 1, _at(2025, 2, 28)),
        (_at(2024, 1, 31), 1, _at(2024, 2, 29)),
        (_at(2025, 3, 31), 1, _at(2025, 4, 30)),
        (_at(2025, 1, 15), 3, _at(2025, 4, 15)),
        (_at(2025, 11, 30), 3, _at(2026, 2, 28)),
        (_at(2025, 12, 15), 1, _at(2026, 1, 15)),
        (_at(2025, 10, 31), 3, _at(2026, 1, 31)),
        (_at(2025, 6, 1), 24, _at(2027, 6, 1)),
        (_at(2025, 6, 1), 0, _at(2025, 6, 1)),
    ],
)
def test_add_months(start: datetime, months: int, expected: datetime) -> None:
    assert add_months(start, months) == expected


def test_add_months_keeps_time_and_zone() -> None:
    result = add_months(datetime(2025, 1, 31, 23, 59, 58, tzinfo=UTC), 1)
    assert (result.time().isoformat(), result.tzinfo) == ("23:59:58", UTC)


@pytest.mark.parametrize(
    ("category", "routed_to", "expected"),
    [
        ("pesten", None, Committee.kcoo),
        ("discriminatie", None, Committee.kcoo),
        ("misstand", None, Committee.ic_rijk),
        ("pesten", "ic_rijk", Committee.ic_rijk),
        ("misstand", "kcoo", Committee.kcoo),
        # Routed elsewhere: the category still decides whose deadline applies.
        ("misstand", "vertrouwenspersoon", Committee.ic_rijk),
        ("intimidatie", "anders", Committee.kcoo),
    ],
)
def test_committee_for(category: str, routed_to: str | None, expected: Committee) -> None:
    assert committee_for(category=category, routed_to=routed_to) == expected


def test_kcoo_decision_due_after_ten_weeks() -> None:
    due = decision_due(received_at=RECEIVED, committee=Committee.kcoo, extended=False)
    assert due == RECEIVED + timedelta(weeks=10)


def test_kcoo_decision_due_after_fourteen_weeks_when_extended() -> None:
    due = decision_due(received_at=RECEIVED, committee=Committee.kcoo, extended=True)
    assert due == RECEIVED + timedelta(weeks=14)


def test_ic_rijk_feedback_due_after_three_calendar_months() -> None:
    due = decision_due(received_at=_at(2025, 11, 30), committee=Committee.ic_rijk, extended=False)
    assert due == _at(2026, 2, 28)


def test_ic_rijk_feedback_is_not_extended() -> None:
    due = decision_due(received_at=RECEIVED, committee=Committee.ic_rijk, extended=True)
    assert due == _at(2025, 12, 1)


def _intake(*, category: str = "pesten", status: str = "nieuw", **fields: object) -> Intake:
    intake = Intake(category=category, status=status, received_at=RECEIVED, deadline_extended=False, **fields)
    apply_deadlines(intake)
    return intake


def _flags(intake: Intake, now: datetime) -> tuple[bool, bool]:
    d = deadlines_of(intake, now=now)
    return d.acknowledgement_overdue, d.decision_overdue


def test_apply_deadlines_stores_both_due_dates() -> None:
    intake = _intake()
    assert (intake.ack_due_at, intake.decision_due_at) == (
        RECEIVED + ACKNOWLEDGEMENT,
        RECEIVED + timedelta(weeks=10),
    )


def test_apply_deadlines_follows_the_extension() -> None:
    intake = _intake()
    intake.deadline_extended = True
    apply_deadlines(intake)
    assert intake.decision_due_at == RECEIVED + timedelta(weeks=14)


def test_nothing_overdue_on_the_due_moment_itself() -> None:
    assert _flags(_intake(), RECEIVED + timedelta(days=7)) == (False, False)


def test_acknowledgement_overdue_after_seven_days() -> None:
    assert _flags(_intake(), RECEIVED + timedelta(days=7, seconds=1)) == (True, False)


def test_both_overdue_after_ten_weeks() -> None:
    assert _flags(_intake(), RECEIVED + timedelta(weeks=10, seconds=1)) == (True, True)


def test_acknowledged_intake_is_not_acknowledgement_overdue() -> None:
    intake = _intake(acknowledged_at=RECEIVED + timedelta(days=2))
    assert _flags(intake, RECEIVED + timedelta(weeks=11)) == (False, True)


def test_closed_intake_is_never_overdue() -> None:
    assert _flags(_intake(status="afgesloten"), RECEIVED + timedelta(days=400)) == (False, False)


def test_extended_intake_is_not_decision_overdue_before_fourteen_weeks() -> None:
    intake = _intake(acknowledged_at=RECEIVED)
    intake.deadline_extended = True
    apply_deadlines(intake)
    assert _flags(intake, RECEIVED + timedelta(weeks=12)) == (False, False)


def test_deadlines_name_the_committee() -> None:
    intake = _intake(category="misstand")
    assert deadlines_of(intake, now=RECEIVED).committee == Committee.ic_rijk


# Organisations inside and outside the rijksbrede KCOO (seed 001)


@pytest.mark.parametrize(
    ("organisation", "expected"),
    [
        ("Ministerie van Defensie", False),
        ("Koninklijke Marechaussee", False),
        ("Ministerie van Buitenlandse Zaken", False),
        ("Ambassade in Berlijn", False),
        ("Raad voor de Rechtspraak", False),
        ("Rechtbank Den Haag", False),
        ("UWV", False),
        ("Kadaster", False),
        ("Belastingdienst", True),
        ("Ministerie van BZK", True),
        ("ministerie van binnenlandse zaken", True),
        ("  Rijkswaterstaat  ", True),
        ("DUO", True),
        ("Ministerie van Justitie en Veiligheid", None),
        ("DJI", None),
        ("Bakkerij Jansen", None),
        ("", None),
        # as people who write English name them
        ("Ministry of Foreign Affairs", False),
        ("the embassy in Rome", False),
        ("Ministry of Defence", False),
        ("the judiciary", False),
        ("Ministry of Finance", True),
        ("Tax and Customs Administration", True),
        ("Ministry of Justice and Security", None),
        ("the police", None),
    ],
)
def test_falls_under_kcoo(organisation: str, expected: bool | None) -> None:
    assert falls_under_kcoo(organisation) is expected


# Periods of the figures


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025", (date(2025, 1, 1), date(2025, 12, 31))),
        ("2025-H1", (date(2025, 1, 1), date(2025, 6, 30))),
        ("2025-H2", (date(2025, 7, 1), date(2025, 12, 31))),
        ("2025-h2", (date(2025, 7, 1), date(2025, 12, 31))),
        (" 2025-Q3 ", (date(2025, 7, 1), date(2025, 9, 30))),
        ("2025-Q1", (date(2025, 1, 1), date(2025, 3, 31))),
        ("2025-Q4", (date(2025, 10, 1), date(2025, 12, 31))),
        ("2024-02", (date(2024, 2, 1), date(2024, 2, 29))),
        ("2025-02", (date(2025, 2, 1), date(2025, 2, 28))),
        ("2025-12", (date(2025, 12, 1), date(2025, 12, 31))),
        ("1900", (date(1900, 1, 1), date(1900, 12, 31))),
        ("9998-12", (date(9998, 12, 1), date(9998, 12, 31))),
    ],
)
def test_parse_period(text: str, expected: tuple[date, date]) -> None:
    assert parse_period(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "25",
        "2025-",
        "2025-H3",
        "2025-H0",
        "2025-Q0",
        "2025-Q5",
        "2025-00",
        "2025-13",
        "2025-7",
        "2025-07-01",
        "1899",
        "9999",
        "juli 2025",
        "2025/H2",
    ],
)
def test_parse_period_refuses(text: str) -> None:
    with pytest.raises(ValueError, match=re.escape(PERIOD_FORMAT)):
        parse_period(text)
