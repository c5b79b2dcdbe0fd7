"""Helpers to build trackers the way Rasa sends them to the action server.

Time: Rasa stamps every event, and the actions read "today" from those stamps (actions/clock.py).
A built tracker's events are stamped at SENT_AT, a Monday, whatever the day the tests run; a
test that needs another day passes `at=`.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest
from rasa_sdk import Tracker

DEFAULT_SLOTS: dict[str, Any] = {
    "language": "nl",
    "description": None,
    "category": None,
    "category_confirmed": None,
    "category_rejected": None,
    "discrimination_ground": None,
    "ground_asked": None,
    "reporter_role": None,
    "speaking_as": None,
    "other_party": None,
    "role_denied": None,
    "organisation": None,
    "under_kcoo": None,
    "desired_route": None,
    "options_given": None,
    "options_for": None,
    "requested_slot": None,
}


def message(
    text: str,
    intent: str,
    *,
    confidence: float = 0.9,
    ranking: list[tuple[str, float]] | None = None,
    entities: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    ranking = ranking or [(intent, confidence)]
    return {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking],
        "entities": entities or [],
    }


# Monday 23 November 2026, 15:00 in Amsterdam: "vorige week dinsdag" is 17 November.
SENT_AT = datetime(2026, 11, 23, 14, 0, tzinfo=timezone.utc)


def build_tracker(
    latest: dict[str, Any],
    *,
    slots: dict[str, Any] | None = None,
    candidates: dict[str, Any] | None = None,
    earlier: dict[str, Any] | None = None,
    form: str | None = None,
    at: datetime = SENT_AT,
) -> Tracker:
    """A tracker whose last events are the user message and then the slot candidates.

    `earlier` are slot values set before the message (as SlotSet events), `slots` the current values.
    Every event is stamped as Rasa stamps them: the user message at `at`, the others a second apart.
    """
    stamp = at.timestamp()
    events: list[dict[str, Any]] = [{"event": "action", "name": "action_listen", "timestamp": stamp - 2}]
    events += [
        {"event": "slot", "name": k, "value": v, "timestamp": stamp - 1} for k, v in (earlier or {}).items()
    ]
    events.append({"event": "user", "text": latest["text"], "parse_data": latest, "timestamp": stamp})
    events.append({"event": "action", "name": "action_extract_slots", "timestamp": stamp + 1})
    events += [
        {"event": "slot", "name": k, "value": v, "timestamp": stamp + 1}
        for k, v in (candidates or {}).items()
    ]
    current = {**DEFAULT_SLOTS, **(earlier or {}), **(slots or {}), **(candidates or {})}
    return Tracker(
        sender_id="test",
        slots=current,
        latest_message=latest,
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": form} if form else {},
        latest_action_name="action_extract_slots",
    )


@pytest.fixture
def domain() -> dict[str, Any]:
    return {"slots": {name: {} for name in DEFAULT_SLOTS}, "forms": {}}
