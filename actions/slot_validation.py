"""Validation of the slots filled from what the person says, whether or not a form is active.

Rasa runs `action_validate_slot_mappings` right after each message, before anything else, so the
classification contract holds: after the message that describes what happened, `category` (and
for discriminatie `discrimination_ground`) are set.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.classify import joined, other_language, read_message, reads_as_description
from actions.messages import say
from actions.organisations import kcoo_status
from actions.texts import UNKNOWN_ORGANISATION
from bot.vocab import CATEGORIES, CRISIS_INTENTS, GROUNDS

MAX_ORGANISATION_CHARS = 200


def earlier_value(tracker: Tracker, slot: str) -> Any:
    """The slot's value before the current message's slot candidates were set."""
    events = list(tracker.events)
    candidates = len(tracker.slots_to_validate())
    for event in reversed(events[: len(events) - candidates]):
        if event.get("event") == "slot" and event.get("name") == slot:
            return event.get("value")
    return None


def description_events(
    dispatcher: CollectingDispatcher, tracker: Tracker, message: dict[str, Any]
) -> list[EventType]:
    text = (message.get("text") or "").strip()
    previous = earlier_value(tracker, "description")
    reading = read_message(message)
    if other_language(message) or not reads_as_description(text, message, reading):
        intent = (message.get("intent") or {}).get("name")
        asked = tracker.get_slot("requested_slot") == "description"
        if not other_language(message) and (asked or intent in ("nlu_fallback", "unsure")):
            say(dispatcher, tracker, "description_unclear")
        return [SlotSet("description", previous)]
    ground = reading.ground if reading.category == "discriminatie" else None
    return [
        SlotSet("description", joined(previous, text)),
        SlotSet("category", reading.category),
        SlotSet("discrimination_ground", ground),
        SlotSet("category_confirmed", None),
        SlotSet("category_rejected", None),
        SlotSet("ground_asked", None),
    ]


def gentle_check_due(tracker: Tracker, message: dict[str, Any]) -> bool:
    """The message speaks of suicide without a crisis signal (a colleague's suicide last year, a
    quoted insult): once per conversation, one line says 113 is there for the person too."""
    crisis = message.get("crisis") or {}
    intent = (message.get("intent") or {}).get("name")
    return (
        bool(crisis.get("check")) and intent not in CRISIS_INTENTS and not tracker.get_slot("crisis_checked")
    )


class ValidateSlotMappings(Action):
    def name(self) -> str:
        return "action_validate_slot_mappings"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        message = tracker.latest_message or {}
        candidates = tracker.slots_to_validate()
        text = message.get("text") or ""
        events: list[EventType] = []
        if other_language(message) and not text.startswith("/"):
            say(dispatcher, tracker, "other_language")
        if gentle_check_due(tracker, message):
            say(dispatcher, tracker, "crisis_check")
            events.append(SlotSet("crisis_checked", True))
        category = tracker.get_slot("category")
        if "description" in candidates:
            events += description_events(dispatcher, tracker, message)
            category = next((e["value"] for e in events if e["name"] == "category"), category)
        elif "category" in candidates:  # a correction in words or with a button
            category = candidates["category"]
            if category not in CATEGORIES:
                events.append(SlotSet("category", earlier_value(tracker, "category")))
            else:
                events.append(SlotSet("category_confirmed", True))
                events.append(SlotSet("category_rejected", None))
                if category != "discriminatie":  # a ground belongs to discriminatie only
                    events.append(SlotSet("discrimination_ground", None))
        if "discrimination_ground" in candidates and "description" not in candidates:
            ground = candidates["discrimination_ground"]
            keep = ground in GROUNDS and category == "discriminatie"
            events.append(
                SlotSet(
                    "discrimination_ground",
                    ground if keep else earlier_value(tracker, "discrimination_ground"),
                )
            )
        if "organisation" in candidates:
            events += organisation_events(candidates["organisation"], message)
        return events


def organisation_events(value: Any, message: dict[str, Any]) -> list[EventType]:
    intent = (message.get("intent") or {}).get("name")
    name = str(value or "").strip()[:MAX_ORGANISATION_CHARS]
    if intent in ("unsure", "deny") or not name:
        return [SlotSet("organisation", UNKNOWN_ORGANISATION), SlotSet("under_kcoo", "onbekend")]
    return [SlotSet("organisation", name), SlotSet("under_kcoo", kcoo_status(name))]
