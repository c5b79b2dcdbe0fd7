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

from actions.answers import category_named, yes_no
from actions.classify import ground_of, joined, other_language, read_message, reads_as_description
from actions.messages import say
from actions.organisations import kcoo_status
from actions.situation import read_situation
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


def situation_events(tracker: Tracker, text: str, category: str | None = None) -> list[EventType]:
    """Who is speaking and who did it, where the words say so; what is known stays."""
    situation = read_situation(text, category)
    candidates = tracker.slots_to_validate()
    events: list[EventType] = []
    known = {name: earlier_value(tracker, name) for name in ("speaking_as", "other_party", "reporter_role")}
    if situation.speaker and not known["speaking_as"]:
        events.append(SlotSet("speaking_as", situation.speaker))
    if situation.other_party and not known["other_party"]:
        events.append(SlotSet("other_party", situation.other_party))
    if situation.reporter_role and (not known["reporter_role"] or "reporter_role" in candidates):
        # The story's own words win over a role the NLU guessed from this message's intent.
        events.append(SlotSet("reporter_role", situation.reporter_role))
    elif "reporter_role" in candidates and situation.speaker in ("namens_ander", "getuige"):
        events.append(SlotSet("reporter_role", known["reporter_role"]))
    if situation.organisation and not earlier_value(tracker, "organisation"):
        events += organisation_events(situation.organisation, {})
    return events


EXTERNAL_SPEAKERS = ("burger", "bedrijf")
MIN_EXTERNAL_STORY_WORDS = 8


def description_events(
    dispatcher: CollectingDispatcher, tracker: Tracker, message: dict[str, Any]
) -> list[EventType]:
    text = (message.get("text") or "").strip()
    previous = earlier_value(tracker, "description")
    reading = read_message(message)
    situation = situation_events(tracker, joined(previous, text), reading.category)
    external = (
        any(e["name"] == "speaking_as" and e["value"] in EXTERNAL_SPEAKERS for e in situation)
        and len(text.split()) >= MIN_EXTERNAL_STORY_WORDS
    )
    if external and not other_language(message):
        # A citizen's story about a civil servant: the external route fits, whatever its category.
        return [
            SlotSet("description", joined(previous, text)),
            SlotSet("category", reading.category),
            *situation,
        ]
    if other_language(message) or not reads_as_description(text, message, reading):
        intent = (message.get("intent") or {}).get("name")
        asked = tracker.get_slot("requested_slot") == "description"
        if not other_language(message) and (asked or intent in ("nlu_fallback", "unsure")):
            say(dispatcher, tracker, "description_unclear")
        return [SlotSet("description", previous)]
    ground = reading.ground if reading.category == "discriminatie" else None
    if earlier_value(tracker, "category_confirmed") and reading.category == earlier_value(
        tracker, "category"
    ):
        # More of the same story ("vanwege mijn hoofddoek denk ik"): what was confirmed stays.
        events: list[EventType] = [SlotSet("description", joined(previous, text))]
        if ground:
            events += [SlotSet("discrimination_ground", ground), SlotSet("ground_asked", True)]
        return [*events, *situation]
    return [
        SlotSet("description", joined(previous, text)),
        SlotSet("category", reading.category),
        SlotSet("discrimination_ground", ground),
        SlotSet("category_confirmed", None),
        SlotSet("category_rejected", None),
        SlotSet("ground_asked", None),
        *situation,
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
            # Typed words: the trained reading (a bare "man" or "oud" is no ground); a button: its value.
            ground = candidates["discrimination_ground"] if text.startswith("/") else ground_of(message)
            keep = ground in GROUNDS and category == "discriminatie"
            events.append(
                SlotSet(
                    "discrimination_ground",
                    ground if keep else earlier_value(tracker, "discrimination_ground"),
                )
            )
        intent = (message.get("intent") or {}).get("name")
        external = intent in ("external_complaint", "inform_external")
        if external and "description" not in candidates and not text.startswith("/"):
            events += situation_events(tracker, text)
        if "organisation" in candidates:
            events += organisation_events(candidates["organisation"], message)
        return events + correction_events(dispatcher, tracker, message)


# Messages that are not an answer to the question asked: the rules for them must be reached.
NOT_AN_ANSWER = frozenset([*CRISIS_INTENTS, "stop", "start_over", "ask_privacy", "ask_human", "ask_term"])


def correction_events(
    dispatcher: CollectingDispatcher, tracker: Tracker, message: dict[str, Any]
) -> list[EventType]:
    """ "nee, het was eigenlijk meer intimidatie" to "Klopt dat?", or "eerder pesten" to "Wat past
    beter?": the category named in words is the answer, whatever intent the NLU gave the message."""
    text = str(message.get("text") or "")
    intent = (message.get("intent") or {}).get("name")
    asked = tracker.active_loop.get("name") == "experience_form" and (
        tracker.get_slot("requested_slot") == "category_confirmed"
    )
    if not asked or text.startswith("/") or intent in NOT_AN_ANSWER:
        return []
    current = earlier_value(tracker, "category")
    named = category_named(text, current)
    if "?" in text and named and yes_no(text, str(intent)) is None:
        # "is dat dan al seksuele intimidatie?": what it means, then the same question again.
        say(dispatcher, tracker, f"category_explained_{named}")
        return [SlotSet("category_confirmed", None)]
    choosing = bool(tracker.get_slot("category_rejected"))  # "Wat past het beste?": any category named
    if named is None or (named == current and not choosing and yes_no(text, str(intent)) is not False):
        return []  # "ja, pesten klopt": the yes is read by the form
    events: list[EventType] = [
        SlotSet("category", named),
        SlotSet("category_confirmed", True),
        SlotSet("category_rejected", None),
    ]
    if named != "discriminatie":
        events += [SlotSet("discrimination_ground", None)]
    elif named != current:
        events += [SlotSet("discrimination_ground", ground_of(message)), SlotSet("ground_asked", None)]
    return events


def organisation_events(value: Any, message: dict[str, Any]) -> list[EventType]:
    intent = (message.get("intent") or {}).get("name")
    name = str(value or "").strip()[:MAX_ORGANISATION_CHARS]
    if intent in ("unsure", "deny") or not name:
        return [SlotSet("organisation", UNKNOWN_ORGANISATION), SlotSet("under_kcoo", "onbekend")]
    return [SlotSet("organisation", name), SlotSet("under_kcoo", kcoo_status(name))]
