"""What the person can do at any moment: stop, start over, ask about a term (the crisis answer: crisis.py)."""

from __future__ import annotations

import re

from rasa_sdk import Action, Tracker
from rasa_sdk.events import AllSlotsReset, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.messages import say

TERMS = frozenset(
    [
        "vertrouwenspersoon",
        "kcoo",
        "ic_rijk",
        "raba",
        "klacht",
        "melding",
        "aangifte",
        "meldpunt",
        "bedrijfsmaatschappelijk_werk",
        "bedrijfsarts",
        "integriteitscoordinator",
        "huis_voor_klokkenluiders",
        "college_rechten_mens",
        "nationale_ombudsman",
        "rijksrecherche",
        "geschillencommissie",
        "misstand",
        "awb",
        "klokkenluider",
        "mediation",
    ]
)


def forget_everything(tracker: Tracker) -> list[EventType]:
    """Reset every slot but the language the person writes in, and whether this conversation
    already handed an intake over: that stays true, so a later "stop" does not deny it."""
    events: list[EventType] = [AllSlotsReset(), SlotSet("language", tracker.get_slot("language"))]
    if tracker.get_slot("handed_over"):
        events.append(SlotSet("handed_over", True))
    return events


class ActionStop(Action):
    def name(self) -> str:
        return "action_stop"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        # After a handover "nothing was passed on" would be untrue: the intake went with consent.
        say(dispatcher, tracker, "stop_after_handover" if tracker.get_slot("handed_over") else "stop")
        return forget_everything(tracker)


class ActionStartOver(Action):
    def name(self) -> str:
        return "action_start_over"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        say(dispatcher, tracker, "start_over")
        return forget_everything(tracker)


def terms_named(text: str) -> list[str]:
    """The terms whose own name stands in the text as a word ("aangifte", "KCOO", "IC Rijk")."""
    found = []
    for term in TERMS:
        words = r"[\s-]*".join(re.escape(part) for part in term.split("_"))
        match = re.search(rf"\b{words}\b", text, re.IGNORECASE)
        if match:
            found.append((match.start(), term))
    return [term for _, term in sorted(found)]


class ActionExplainTerm(Action):
    def name(self) -> str:
        return "action_explain_term"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        terms = [
            e.get("value")
            for e in tracker.latest_message.get("entities") or []
            if e.get("entity") == "term" and e.get("value") in TERMS
        ]
        if not terms:  # no entity: a term named in the question's own words ("kan ik aangifte doen ...?")
            terms = terms_named(tracker.latest_message.get("text") or "")
        if not terms:
            say(dispatcher, tracker, "term_unknown")
        for term in dict.fromkeys(terms):  # each term once, in the order asked
            say(dispatcher, tracker, f"term_{term}")
        return []


class ActionGreet(Action):
    """The opening: who the assistant is, that the chat is anonymous and nothing is passed on without
    consent. The form then asks the open question. A greeting after the options were given starts a
    new conversation, so nothing of the earlier one is mixed in."""

    def name(self) -> str:
        return "action_greet"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        say(dispatcher, tracker, "intro")
        return forget_everything(tracker) if tracker.get_slot("options_given") else []
