"""Follow-up in the chat: a person types or pastes their receipt code and hears how things stand.

The code is the only credential. The action server asks the API with the code in the body, and a
key per conversation so the API counts wrong codes per person. After the status the person may add
information, which goes to the Meldpunt as a message on their intake.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import handover as runtime_module
from actions.answers import says_nothing
from actions.api_client import Outcome
from actions.clock import AMSTERDAM
from actions.experience_form import intent_of
from actions.intake import MAX_TEXT, NO, SKIPPED, YES, clip, long_date
from actions.messages import say, text_of
from actions.receipt import normalise_receipt_code
from actions.texts import language_of

logger = logging.getLogger(__name__)

FORM = "follow_up_form"
# These leave the form to the rules (stop, crisis, ...): nothing is extracted, so the form gives way.
CONTROL_INTENTS = frozenset(
    ["stop", "start_over", "goodbye", "crisis_suicide", "crisis_danger", "ask_privacy", "ask_human"]
)
MAX_CODE_TRIES = 2
# "Nothing to add" in its common forms: an answer, never a message for the Meldpunt.
NOTHING_INTENTS = frozenset(["deny", "skip", "thank", "goodbye"])
STATUS = {
    "nl": {
        "nieuw": "ontvangen, nog niet in behandeling",
        "in_behandeling": "in behandeling",
        "doorverwezen": "doorverwezen",
        "afgesloten": "afgesloten",
    },
    "en": {
        "nieuw": "received, not yet being handled",
        "in_behandeling": "being handled",
        "doorverwezen": "referred on",
        "afgesloten": "closed",
    },
}


def day_of(value: Any, language: str) -> str:
    """The day in the Netherlands of an API timestamp ("2026-11-23T16:37:21.675Z" on Python 3.10 too)."""
    text = str(value)
    try:
        moment = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    except ValueError:
        return text
    if moment.tzinfo is not None:
        moment = moment.astimezone(AMSTERDAM)
    return long_date(moment.date(), language)


def status_texts(view: dict[str, Any], language: str) -> list[str]:
    """What the person hears: status, the deadlines still ahead, and the Meldpunt's messages."""
    texts = [
        text_of("follow_up_status", language)["text"].format(
            received=day_of(view.get("received_at"), language),
            status=STATUS[language].get(str(view.get("status")), str(view.get("status"))),
        )
    ]
    deadlines = view.get("deadlines") or {}
    if view.get("status") == "nieuw" and deadlines.get("acknowledgement"):
        texts.append(
            text_of("follow_up_ack_due", language)["text"].format(
                date=day_of(deadlines["acknowledgement"], language)
            )
        )
    if view.get("status") != "afgesloten" and deadlines.get("decision"):
        texts.append(
            text_of("follow_up_decision_due", language)["text"].format(
                date=day_of(deadlines["decision"], language)
            )
        )
    messages = [m for m in view.get("messages") or [] if m.get("author") == "staff"]
    for message in messages:
        texts.append(
            text_of("follow_up_message_from_meldpunt", language)["text"].format(
                date=day_of(message.get("created_at"), language), text=message.get("text", "")
            )
        )
    if not messages:
        texts.append(text_of("follow_up_no_messages", language)["text"])
    return texts


class ValidateFollowUpForm(FormValidationAction):
    def name(self) -> str:
        return "validate_follow_up_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        if tracker.get_slot("follow_up_unavailable"):
            return []
        if tracker.get_slot("follow_up_message") == SKIPPED:  # nothing to add: nothing to confirm
            return [slot for slot in domain_slots if slot != "follow_up_send"]
        return domain_slots

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """As rasa-sdk runs a form's validation, but the tries and the way out that extracting a
        code can set are kept too (rasa-sdk keeps only the form's own slots)."""
        extraction = await self.get_extraction_events(dispatcher, tracker, domain)
        tracker.add_slots(extraction)
        validation = await self._extract_validation_events(dispatcher, tracker, domain)
        validated = {event["name"] for event in validation if event.get("event") == "slot"}
        kept = [
            event
            for event in extraction
            if event.get("name") in ("receipt_code_tries", "follow_up_unavailable")
            and event["name"] not in validated
        ]
        return [*validation, *kept]

    async def extract_receipt_code(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot("receipt_code"):
            return {}
        text = (tracker.latest_message or {}).get("text") or ""
        code = normalise_receipt_code(text) if not text.startswith("/") else None
        if code:
            return {"receipt_code": code}
        asked = (
            tracker.get_slot("requested_slot") == "receipt_code" and tracker.active_loop.get("name") == FORM
        )
        if asked and intent_of(tracker) not in CONTROL_INTENTS:
            return self.missed(dispatcher, tracker, "receipt_code_unreadable")
        return {}

    def missed(self, dispatcher: CollectingDispatcher, tracker: Tracker, message: str) -> dict[str, Any]:
        """A code that could not be read or is not known: once more, then a way out (no loop)."""
        tries = int(tracker.get_slot("receipt_code_tries") or 0) + 1
        if tries >= MAX_CODE_TRIES:
            say(dispatcher, tracker, "receipt_code_give_up")
            return {"receipt_code": None, "receipt_code_tries": None, "follow_up_unavailable": True}
        say(dispatcher, tracker, message)
        return {"receipt_code": None, "receipt_code_tries": float(tries)}

    async def validate_receipt_code(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if not value:
            return {"receipt_code": None}
        language = language_of(tracker.get_slot("language"))
        result = await asyncio.to_thread(
            runtime_module.runtime().follow_up, str(value), None, tracker.sender_id
        )
        if result.outcome is Outcome.ACCEPTED and result.view:
            for text in status_texts(result.view, language):
                dispatcher.utter_message(text=text)
            return {"receipt_code": value}
        if result.outcome is Outcome.NOT_FOUND:
            return self.missed(dispatcher, tracker, "receipt_code_unknown")
        if result.status_code == 429:
            minutes = max(1, round((result.retry_after or 900) / 60))
            dispatcher.utter_message(
                text=text_of("follow_up_too_many", language)["text"].format(minutes=minutes)
            )
        else:
            say(dispatcher, tracker, "follow_up_unavailable")
        return {"receipt_code": None, "follow_up_unavailable": True}

    async def validate_follow_up_message(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """What the person wants to add, kept until they confirm it; "nee hoor, dank je" is no message."""
        text = str(value or "").strip()
        short = len(text.split()) <= 3
        if (
            not text
            or text.startswith("/")
            or says_nothing(text)
            or (short and intent_of(tracker) in NOTHING_INTENTS)
        ):
            return {"follow_up_message": SKIPPED}
        return {"follow_up_message": clip(text, MAX_TEXT)}

    async def validate_follow_up_send(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Sent only after a yes to the message shown back."""
        intent = intent_of(tracker)
        text = str(value or "")
        if intent == "deny" or NO.match(text):
            say(dispatcher, tracker, "follow_up_not_sent")
            return {"follow_up_send": "nee", "follow_up_message": SKIPPED}
        if intent != "affirm" and not YES.match(text):
            say(dispatcher, tracker, "follow_up_send_unclear")
            return {"follow_up_send": None}
        code = tracker.get_slot("receipt_code")
        message = str(tracker.get_slot("follow_up_message") or "")
        result = await asyncio.to_thread(
            runtime_module.runtime().follow_up, str(code), message, tracker.sender_id
        )
        say(
            dispatcher,
            tracker,
            "follow_up_added" if result.outcome is Outcome.ACCEPTED else "follow_up_not_added",
        )
        return {"follow_up_send": "ja", "follow_up_message": SKIPPED}


class ActionAskReceiptCode(Action):
    def name(self) -> str:
        return "action_ask_receipt_code"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        say(dispatcher, tracker, "ask_receipt_code")
        return []


class ActionAskFollowUpMessage(Action):
    def name(self) -> str:
        return "action_ask_follow_up_message"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        language = language_of(tracker.get_slot("language"))
        say(
            dispatcher,
            tracker,
            "ask_follow_up_message",
            buttons=[{"title": text_of("button_nothing_to_add", language)["text"], "payload": "/deny"}],
        )
        return []


class ActionAskFollowUpSend(Action):
    """The message shown back before it goes: "Dit stuur ik naar het Meldpunt: ... Klopt dat?"."""

    def name(self) -> str:
        return "action_ask_follow_up_send"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        language = language_of(tracker.get_slot("language"))
        text = text_of("ask_follow_up_send", language)["text"].format(
            text=str(tracker.get_slot("follow_up_message") or "")
        )
        dispatcher.utter_message(
            text=text,
            buttons=[
                {"title": text_of("button_send_message", language)["text"], "payload": "/affirm"},
                {"title": text_of("button_dont_send_message", language)["text"], "payload": "/deny"},
            ],
        )
        return []


class ActionFollowUpDone(Action):
    """Forget the code once the person is done: it is not needed for anything else."""

    def name(self) -> str:
        return "action_follow_up_done"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if not tracker.get_slot("follow_up_unavailable"):
            say(dispatcher, tracker, "follow_up_done")
        return [
            SlotSet("receipt_code", None),
            SlotSet("follow_up_message", None),
            SlotSet("follow_up_send", None),
            SlotSet("receipt_code_tries", None),
            SlotSet("follow_up_unavailable", None),
        ]
