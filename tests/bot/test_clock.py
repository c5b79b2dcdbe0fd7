"""Days in a conversation come from Rasa's event stamps, in Dutch time, not from the system clock."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timezone
from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions.clock import answered_on, message_date, moment_of, turn_moment
from actions.intake import ActionAskIntakeConsent, ValidateIntakeForm, build_intake
from tests.bot.conftest import SENT_AT, build_tracker, message
from tests.bot.test_intake import FILLED

# 23:30 UTC on 28 February 2028 is already 29 February (a leap day) in Amsterdam.
LEAP_NIGHT = datetime(2028, 2, 28, 23, 30, tzinfo=timezone.utc)


def set_earlier(tracker: Any, slot: str, value: str, at: datetime) -> None:
    """The slot was set in an earlier turn, at `at`."""
    tracker.events.insert(1, {"event": "slot", "name": slot, "value": value, "timestamp": at.timestamp()})


def test_the_day_is_the_day_in_the_netherlands() -> None:
    tracker = build_tracker(message("gisteren", "inform"), at=LEAP_NIGHT)
    assert message_date(tracker) == date(2028, 2, 29)
    assert turn_moment(tracker) == LEAP_NIGHT


def test_a_slot_is_dated_by_the_event_that_set_it() -> None:
    tracker = build_tracker(message("ja", "affirm"), slots=FILLED, at=SENT_AT)
    set_earlier(tracker, "intake_when", "gisteren", LEAP_NIGHT)
    assert answered_on(tracker, "intake_when") == date(2028, 2, 29)
    assert answered_on(tracker, "intake_department") == date(2026, 11, 23)  # never set: the message's day


def test_without_any_stamp_the_system_clock_answers() -> None:
    tracker = build_tracker(message("ja", "affirm"))
    for event in tracker.events:
        event.pop("timestamp", None)
    before = datetime.now(timezone.utc)
    assert before <= turn_moment(tracker) <= datetime.now(timezone.utc)


def test_broken_stamps_are_no_moment() -> None:
    assert [moment_of(v) for v in (None, True, "x", float("nan"), 1e20)] == [None] * 5
    assert moment_of("1795000000") == datetime(2026, 11, 18, 11, 6, 40, tzinfo=timezone.utc)


def test_gisteren_on_1_march_of_a_leap_year_is_29_february() -> None:
    dispatcher = CollectingDispatcher()
    tracker = build_tracker(message("gisteren", "inform"), at=datetime(2028, 3, 1, 9, tzinfo=timezone.utc))
    validated = asyncio.run(ValidateIntakeForm().validate_intake_when("gisteren", dispatcher, tracker, {}))
    assert validated["intake_when"] == "gisteren"
    assert "29 februari 2028" in dispatcher.messages[0]["text"]


def test_the_summary_and_the_intake_read_gisteren_from_the_day_it_was_typed() -> None:
    """Typed just before midnight, agreed to just after: both still say the day before the typing."""
    typed_at = datetime(2028, 2, 29, 22, 50, tzinfo=timezone.utc)  # 23:50 in Amsterdam, 29 February
    agreed_at = datetime(2028, 2, 29, 23, 10, tzinfo=timezone.utc)  # 00:10 on 1 March
    tracker = build_tracker(
        message("ja", "affirm"), slots={**FILLED, "intake_when": "gisteren"}, at=agreed_at
    )
    tracker.events.insert(
        1, {"event": "slot", "name": "intake_when", "value": "gisteren", "timestamp": typed_at.timestamp()}
    )
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionAskIntakeConsent().run(dispatcher, tracker, {}))
    assert "28 februari 2028" in dispatcher.messages[0]["text"]
    payload = build_intake(
        tracker, intake_id="id", receipt_code="1" * 25, now=agreed_at, include_transcript=False
    )
    assert payload["occurred_on"] == "2028-02-28"
