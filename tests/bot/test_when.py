"""Dates as people say them; what cannot be read stays in their own words."""

from __future__ import annotations

from datetime import date

import pytest

from actions.when import When, read_when

TODAY = date(2026, 11, 23)  # a Monday


@pytest.mark.parametrize(
    "text, expected",
    [
        ("gisteren", date(2026, 11, 22)),
        ("vandaag op het werk", date(2026, 11, 23)),
        ("eergisteren", date(2026, 11, 21)),
        ("vorige week dinsdag", date(2026, 11, 17)),
        ("afgelopen vrijdag", date(2026, 11, 20)),
        ("last friday", date(2026, 11, 20)),
        ("op donderdag", date(2026, 11, 19)),
        ("twee weken geleden", date(2026, 11, 9)),
        ("3 days ago", date(2026, 11, 20)),
        ("3 maart", date(2026, 3, 3)),
        ("12 december", date(2025, 12, 12)),  # no year: the most recent past one
        ("12 december 2024", date(2024, 12, 12)),
        ("march 3rd", date(2026, 3, 3)),
        ("12-10-2026", date(2026, 10, 12)),
        ("12/10", date(2026, 10, 12)),
        ("2026-09-01", date(2026, 9, 1)),
        ("12.10.2026", date(2026, 10, 12)),
        ("op 3 maart om 9.30", date(2026, 3, 3)),  # 9.30 is a time, not a date
    ],
)
def test_dates_people_write(text, expected):
    assert read_when(text, today=TODAY).occurred_on == expected


@pytest.mark.parametrize(
    "text, ongoing",
    [
        ("sinds de zomer", True),
        ("al maanden", True),
        ("het gaat nog steeds door", True),
        ("for months now", True),
        ("één keer, op de borrel", False),
        ("ergens in het voorjaar", None),
    ],
)
def test_periods_are_kept_in_the_persons_words(text, ongoing):
    assert read_when(text, today=TODAY) == When(occurred_on=None, occurred_period=text, ongoing=ongoing)


def test_a_date_and_still_going_on():
    assert read_when("begon op 3 maart en het gaat nog steeds door", today=TODAY) == When(
        occurred_on=date(2026, 3, 3), occurred_period=None, ongoing=True
    )


def test_impossible_or_future_dates_are_not_guessed():
    assert read_when("31-02-2026", today=TODAY).occurred_on is None
    assert read_when("2027-01-05", today=TODAY) == When(None, "2027-01-05", None)
