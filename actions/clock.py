"""When things happened in a conversation, read from the tracker's own event timestamps.

Rasa stamps every event (a message, a slot being set) when it happens. Reading "today" from those
stamps instead of the system clock means a turn handled again later (a retry, another Rasa server)
reads "vorige week dinsdag" the same way, and tests fix the day by stamping their events. Days are
days in the Netherlands: "gisteren" typed at 00:30 in Amsterdam is not two days ago.
Only where a tracker has no stamp at all does the system clock answer.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

from rasa_sdk import Tracker

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def system_now() -> datetime:
    return datetime.now(timezone.utc)


def moment_of(timestamp: Any) -> datetime | None:
    """An event's Unix timestamp as an aware UTC datetime; None when there is none."""
    if timestamp is None or isinstance(timestamp, bool):
        return None
    try:
        return datetime.fromtimestamp(float(timestamp), tz=timezone.utc)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def dutch_day(moment: datetime) -> date:
    return moment.astimezone(AMSTERDAM).date()


def turn_moment(tracker: Tracker) -> datetime:
    """When the person sent the message this turn answers (the last user event)."""
    for event in reversed(tracker.events or []):
        if event.get("event") == "user":
            moment = moment_of(event.get("timestamp"))
            if moment is not None:
                return moment
            break
    return moment_of((tracker.latest_message or {}).get("timestamp")) or system_now()


def message_date(tracker: Tracker) -> date:
    """The day, in the Netherlands, on which the person sent their latest message."""
    return dutch_day(turn_moment(tracker))


def answered_on(tracker: Tracker, slot: str) -> date:
    """The day, in the Netherlands, on which `slot` got its current value.

    So "gisteren" means the same day in the summary, in the intake sent after midnight, and in a
    turn handled again: it is read from the day it was typed, not from the day it is read back.
    """
    for event in reversed(tracker.events or []):
        if event.get("event") == "slot" and event.get("name") == slot:
            moment = moment_of(event.get("timestamp"))
            if moment is not None:
                return dutch_day(moment)
            break
    return message_date(tracker)
