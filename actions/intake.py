"""The intake: the questions, the summary, consent, and the handover to the Meldpunt.

Open questions first (anything more to tell), then specifics: when, whether it still goes on,
where, who was involved (by relation, never by name), witnesses, steps already taken, and how the
person wants to be reached. Every question can be skipped, every answer changed from the summary.
Nothing leaves the conversation before the person said yes to the summary.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import re
import uuid
from datetime import date, datetime
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import handover as runtime_module
from actions.answers import says_nothing
from actions.api_client import Outcome
from actions.clock import answered_on, message_date, turn_moment
from actions.contract import contract_problems
from actions.experience_form import AskAction, ValidateExperienceForm, intent_of
from actions.messages import say, text_of
from actions.options import next_step_routes, route_button
from actions.outbox import Handover
from actions.receipt import new_receipt_code, receipt_code_from
from actions.route_choice import (
    MELDPUNT_ROUTES,
    default_route,
    fit_route,
    read_route,
    route_entity,
)
from actions.texts import CATEGORY_BUTTON, NEXT_STEP_BUTTONS, UNKNOWN_ORGANISATION, language_of
from actions.transcript import transcript_of
from actions.when import read_when
from bot.answers import NO as BOT_NO
from bot.answers import YES

logger = logging.getLogger(__name__)

SKIPPED = "__skipped__"  # asked, and the person chose not to answer
INTAKE_SLOTS = (
    "intake_more",
    "intake_when",
    "intake_ongoing",
    "intake_department",
    "intake_relations",
    "intake_witnesses",
    "intake_steps",
    "intake_contact",
    "intake_contact_details",
    "intake_consent",
)
# A description this long already tells the story: the open "anything more?" is not asked.
LONG_DESCRIPTION = 400
MAX_TEXT = 4_000
MAX_SHORT = 200
MAX_DESCRIPTION = 10_000
MAX_SUMMARY = 1_000

RELATIONS = ("collega", "leidinggevende", "ondergeschikte", "burger_of_klant", "anders")
RELATION_WORDS = {
    "leidinggevende": re.compile(
        r"leidinggevende|manager|\bbaas|\bchef\b|teamlei(d|der|dster)|afdelingshoofd|directeur|directrice|"
        r"\bhoofd\b|supervisor|\bboss|\bdg\b|\bsg\b|teamlead|mijn meerdere",
        re.I,
    ),
    "collega": re.compile(r"collega|teamgeno|co-?worker|colleague|\bcollegue", re.I),
    "ondergeschikte": re.compile(
        r"ondergeschikte|medewerker van mij|mijn medewerker|onder mij|mijn stagiai?re?|"
        r"someone i manage|my (report|employee|intern)|subordinate",
        re.I,
    ),
    "burger_of_klant": re.compile(
        r"burger|klant|bezoeker|aanvrager|cli[eë]nt|member of the public|customer|visitor|citizen", re.I
    ),
}
NOBODY = re.compile(r"^\s*(nee|niemand|geen|no|nobody|none|no one)\b", re.I)
SKIP_WORDS = re.compile(
    r"^\s*(sla (dit |deze |maar )?over|overslaan|skip|pass|volgende( vraag)?)\s*[.!]*\s*$", re.I
)
ANONYMOUS = re.compile(r"anoniem|anonymous|alleen (met )?(mijn |de )?code|only (with )?(my |the )?code", re.I)
CONTACT = re.compile(r"contact|gegevens|details|mail|bel|telefoon|phone|call", re.I)
# Yes and no as people type them (bot/answers.py, shared with the NLU); "niet meer" answers "Gebeurt
# het nog steeds?".
NO = re.compile(rf"{BOT_NO.pattern}|^\s*niet meer\b", re.I)
EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
PHONE = re.compile(r"\+?[0-9][0-9 ()-]{5,18}[0-9]")
NAME_NOISE = re.compile(
    r"\b(mijn|naam|is|ik|ben|heet|je|kunt|kan|me|mij|mailen|bellen|bel|op|via|email|e-mail|mail|"
    r"telefoon(nummer)?|nummer|tel|en|of|my|name|is|i'm|i am|you|can|reach|call|email|phone|at|on|or|and)\b",
    re.I,
)
# Which answers "iets aanpassen" can mean, and the slots that are asked again.
FIELDS = {
    # What it was: asked again with every category, then the ground and the route that fit it.
    "kind": (
        "category",
        "category_confirmed",
        "category_rejected",
        "discrimination_ground",
        "ground_asked",
        "desired_route",
    ),
    "more": ("intake_more",),
    "when": ("intake_when", "intake_ongoing"),
    "ongoing": ("intake_ongoing",),
    "organisation": ("organisation", "under_kcoo"),
    "department": ("intake_department",),
    "relations": ("intake_relations",),
    "witnesses": ("intake_witnesses",),
    "steps": ("intake_steps",),
    "route": ("desired_route",),
    "contact": ("intake_contact", "intake_contact_details"),
}
FIELD_WORDS = {
    "kind": r"\bsoort\b|categorie|category|\bkind\b",
    "when": r"datum|wanneer|tijd|date|when|dag\b",
    "ongoing": r"nog steeds|nog bezig|ongoing|still",
    "organisation": r"organisatie|ministerie|organi[sz]ation|ministry",
    "department": r"afdeling|dienst|department|team\b",
    "relations": r"betrokken|wie |involved|who\b",
    "witnesses": r"getuige|witness",
    "steps": r"gedaan|stappen|steps|done",
    "route": r"route|wat (ik|je) wil|klacht|melding|vastleg|registr|what (i|you) want|complaint|record",
    "contact": r"contact|e-?mail|telefoon|nummer|naam|phone|name|anoniem|anonym",
    "more": r"verhaal|beschrijving|toevoeg|story|description|add",
}
# Free-text answers a typed correction can give at once: "de afdeling was Team Noord".
TYPED_CORRECTIONS = {
    "department": ("intake_department", MAX_SHORT),
    "witnesses": ("intake_witnesses", MAX_TEXT),
    "steps": ("intake_steps", MAX_TEXT),
}
YES_NO = {"ja": True, "nee": False}  # the answers kept in ongoing and under_kcoo


def given(value: Any) -> bool:
    return value not in (None, SKIPPED, "")


def clip(text: str, limit: int) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 4].rstrip() + " ..."


def relations_in(text: str) -> list[str]:
    return [name for name, pattern in RELATION_WORDS.items() if pattern.search(text or "")]


# Who did it (the experience form's other_party) as a relation of the intake.
PARTY_RELATION = {
    "collega": "collega",
    "leidinggevende": "leidinggevende",
    "ondergeschikte": "ondergeschikte",
    "burger": "burger_of_klant",
    "andere_organisatie": "anders",
}


def known_relations(tracker: Tracker) -> list[str]:
    """The relations the story and the answer to "Wie deed het?" already named."""
    mentioned = relations_in(tracker.get_slot("description") or "")
    party = PARTY_RELATION.get(str(tracker.get_slot("other_party")))
    return mentioned if party is None or party in mentioned else [party, *mentioned]


def relation_entities(message: dict[str, Any]) -> list[str]:
    return [
        str(e.get("value"))
        for e in message.get("entities") or []
        if e.get("entity") == "relation" and e.get("value") in RELATIONS
    ]


def joined_relations(values: list[str]) -> str:
    return ",".join(r for r in RELATIONS if r in values)


def contact_details_of(text: str) -> dict[str, str] | None:
    """Name, e-mail and phone from one answer; None when there is no e-mail address or phone number."""
    details: dict[str, str] = {}
    rest = text
    if m := EMAIL.search(rest):
        details["email"] = m[0]
        rest = rest.replace(m[0], " ")
    for m in PHONE.finditer(rest):
        digits = re.sub(r"[^0-9]", "", m[0])
        if 8 <= len(digits) <= 15:
            details["phone"] = m[0].strip()
            rest = rest.replace(m[0], " ")
            break
    if not details:
        return None
    words = [
        w for w in re.split(r"[\s,;:.]+", NAME_NOISE.sub(" ", rest)) if w and not any(c.isdigit() for c in w)
    ]
    if 1 <= len(words) <= 5 and all(w[0].isalpha() for w in words):
        details["name"] = clip(" ".join(words), MAX_SHORT)
    return details


def field_in(message: dict[str, Any]) -> str | None:
    for e in message.get("entities") or []:
        if e.get("entity") == "intake_field" and (e.get("value") in FIELDS or e.get("value") == "none"):
            return str(e.get("value"))
    text = message.get("text") or ""
    if text.startswith("/"):
        return None
    # The field named first: in "getuigen: twee collega's van het team" it is the witnesses.
    found = [
        (m.start(), name) for name, pattern in FIELD_WORDS.items() if (m := re.search(pattern, text, re.I))
    ]
    return min(found)[1] if found else None


def correction_in(text: str, field: str) -> str | None:
    """The new answer in a typed correction: what follows "was", "is", "moet zijn" or a colon after
    the field's word ("de afdeling was Team Noord", "getuigen: twee collega's")."""
    word = re.search(FIELD_WORDS[field], text, re.I)
    if word is None:
        return None
    rest = text[word.end() :]
    found = re.search(r"(?:\bwas\b|\bis\b|\bmoet\b(?: zijn\b)?|\bshould be\b|:)\s*:?\s*(.+)$", rest, re.I)
    answer = found[1].strip(" .!") if found else ""
    return answer if len(answer) >= 2 else None


def intake_reset(*, keep_route: bool = False) -> list[EventType]:
    """Forget the intake's answers (after sending, or when the person does not want to send)."""
    return [
        *(SlotSet(slot, None) for slot in INTAKE_SLOTS),
        SlotSet("include_transcript", None),
        SlotSet("intake_changing", None),
        *([] if keep_route else [SlotSet("desired_route", None)]),
    ]


# The contract's fields a person can answer, and the slots that ask them again.
ASKABLE = {
    "desired_route": ("desired_route",),
    "contact_details": ("intake_contact", "intake_contact_details"),
    "contact_preference": ("intake_contact", "intake_contact_details"),
    "discrimination_ground": ("discrimination_ground",),
    "organisation": ("organisation",),
    "department": ("intake_department",),
    "occurred_period": ("intake_when",),
    "witnesses": ("intake_witnesses",),
    "steps_taken": ("intake_steps",),
}


def slots_to_ask_again(tracker: Tracker) -> list[str]:
    """The slots whose answers the API would refuse, checked on the intake as it would be sent."""
    payload = build_intake(
        tracker,
        intake_id=str(uuid.uuid4()),
        receipt_code=new_receipt_code(),
        now=turn_moment(tracker),
        include_transcript=True,
    )
    problems = contract_problems(payload)
    slots: list[str] = []
    for field, problem in problems.items():
        if field in ASKABLE:
            slots += [slot for slot in ASKABLE[field] if slot not in slots]
        else:  # nothing the person can fix: the API will refuse it and staff will see that
            logger.error("The intake breaks the API contract at %s: %s", field, problem)
    return slots


class ValidateIntakeForm(ValidateExperienceForm):
    """Also validates the experience slots, for a person who asks for the Meldpunt right away."""

    def name(self) -> str:
        return "validate_intake_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        slots = await super().required_slots(domain_slots, dispatcher, tracker, domain)
        if tracker.get_slot("reporter_role") == "extern":
            return []  # not for the Meldpunt: action_handover gives the external route
        skip = set()
        if tracker.get_slot("intake_contact") != "contact":
            skip.add("intake_contact_details")
        return [slot for slot in slots if slot not in skip]

    def skipped(self, tracker: Tracker, value: Any) -> bool:
        return intent_of(tracker) == "skip" or bool(SKIP_WORDS.match(str(value or "")))

    def declined(self, tracker: Tracker, value: Any) -> bool:
        """Skipped, "nee", "weet ik niet", or a button meant for another question."""
        return (
            self.skipped(tracker, value)
            or intent_of(tracker) in ("deny", "unsure")
            or str(value).startswith("/")
        )

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Before the summary, the intake is checked against the API's contract: whatever the API
        would refuse and the person can answer is asked again, so consent always leads to a code
        that works."""
        events = await super().get_validation_events(dispatcher, tracker, domain)
        tracker.add_slots(events)
        required = await self.required_slots(self.domain_slots(domain), dispatcher, tracker, domain)
        missing = [slot for slot in required if tracker.slots.get(slot) is None]
        if missing[:1] != ["intake_consent"] or tracker.get_slot("intake_changing"):
            return events
        again = slots_to_ask_again(tracker)
        if again:
            say(dispatcher, tracker, "intake_contract_missing")
            events += [SlotSet(slot, None) for slot in again]
        return events

    async def validate_desired_route(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        message = tracker.latest_message or {}
        category, under_kcoo = tracker.get_slot("category"), tracker.get_slot("under_kcoo")
        route = (value if value in MELDPUNT_ROUTES else None) or route_entity(message)
        route = route or read_route(str(message.get("text") or value or ""), category, under_kcoo)
        if route is None and intent_of(tracker) == "start_intake":
            route = default_route(category, under_kcoo, tracker.get_slot("other_party"))
        if route is None:
            say(dispatcher, tracker, "intake_route_unclear")
            return {"desired_route": None}
        return {"desired_route": fit_route(route, category, under_kcoo, tracker.get_slot("other_party"))}

    async def validate_intake_more(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if self.declined(tracker, value) or says_nothing(str(value or "")):
            return {"intake_more": SKIPPED}
        return {"intake_more": clip(str(value), MAX_TEXT)}

    async def validate_intake_when(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if self.declined(tracker, value):
            return {"intake_when": SKIPPED}
        text = clip(str(value), MAX_SHORT)
        when = read_when(text, today=message_date(tracker))
        result: dict[str, Any] = {"intake_when": text}
        if when.ongoing is not None:
            result["intake_ongoing"] = "ja" if when.ongoing else "nee"
        if when.occurred_on is not None:
            language = language_of(tracker.get_slot("language"))
            dispatcher.utter_message(
                text=text_of("intake_when_read", language)["text"].format(
                    date=long_date(when.occurred_on, language)
                )
            )
        return result

    async def validate_intake_ongoing(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        intent = intent_of(tracker)
        text = str(value or "")
        if self.skipped(tracker, value):
            return {"intake_ongoing": SKIPPED}
        if intent == "affirm" or YES.match(text) or re.search(r"nog steeds|nog altijd|still", text, re.I):
            return {"intake_ongoing": "ja"}
        if intent == "deny" or NO.match(text):
            return {"intake_ongoing": "nee"}
        if intent == "unsure":
            return {"intake_ongoing": "onbekend"}
        say(dispatcher, tracker, "intake_choose_button")
        return {"intake_ongoing": None}

    async def validate_intake_department(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if self.declined(tracker, value):
            return {"intake_department": SKIPPED}
        return {"intake_department": clip(str(value), MAX_SHORT)}

    async def validate_intake_relations(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        mentioned = known_relations(tracker)
        intent = intent_of(tracker)
        text = str(value or "")
        if self.skipped(tracker, value) or intent in ("deny", "unsure") or NOBODY.match(text):
            return {"intake_relations": joined_relations(mentioned) or SKIPPED}
        if intent == "affirm" and not relation_entities(tracker.latest_message):
            say(dispatcher, tracker, "intake_relations_who")
            return {"intake_relations": None}
        found = relation_entities(tracker.latest_message) or relations_in(text) or ["anders"]
        return {"intake_relations": joined_relations(mentioned + found)}

    async def validate_intake_witnesses(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return {"intake_witnesses": self.free_answer(tracker, value, "witnesses")}

    async def validate_intake_steps(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return {"intake_steps": self.free_answer(tracker, value, "steps")}

    def free_answer(self, tracker: Tracker, value: Any, field: str) -> str:
        """A free answer; "nee" and "weet ik niet" are answers too, written out for the Meldpunt."""
        intent = intent_of(tracker)
        language = language_of(tracker.get_slot("language"))
        if self.skipped(tracker, value):
            return SKIPPED
        if intent == "deny" or (intent != "affirm" and NO.match(str(value)) and len(str(value)) < 20):
            return text_of(f"intake_{field}_none", language)["text"]
        if intent == "unsure":
            return text_of("intake_unknown", language)["text"]
        if str(value).startswith("/"):
            return SKIPPED
        return clip(str(value), MAX_TEXT)

    async def validate_intake_contact(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        intent = intent_of(tracker)
        text = str(value or "")
        if self.skipped(tracker, value) or intent == "deny" or ANONYMOUS.search(text):
            return {"intake_contact": "anoniem", "intake_contact_details": None}
        if intent == "affirm" or CONTACT.search(text):
            details = contact_details_of(text)
            if details:  # "ja, mail me op ..." : the details in the same breath
                return {"intake_contact": "contact", "intake_contact_details": details}
            return {"intake_contact": "contact"}
        if details := contact_details_of(text):
            return {"intake_contact": "contact", "intake_contact_details": details}
        say(dispatcher, tracker, "intake_choose_button")
        return {"intake_contact": None}

    async def validate_intake_contact_details(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if isinstance(value, dict):
            return {"intake_contact_details": value}
        intent = intent_of(tracker)
        if self.skipped(tracker, value) or intent == "deny":
            say(dispatcher, tracker, "intake_contact_anonymous_after_all")
            return {"intake_contact_details": None, "intake_contact": "anoniem"}
        details = contact_details_of(str(value or ""))
        if details is None:
            say(dispatcher, tracker, "intake_contact_unreadable")
        return {"intake_contact_details": details}

    async def validate_intake_consent(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        intent = intent_of(tracker)
        message = tracker.latest_message or {}
        if tracker.get_slot("intake_changing") or intent == "change_answer":
            field = field_in(message)
            if field == "none":
                return {"intake_consent": None, "intake_changing": None}
            if field is None:
                return {"intake_consent": None, "intake_changing": True}
            text = str(message.get("text") or "")
            if field == "when" and read_when(text, today=message_date(tracker)).occurred_on:
                # "de datum was eigenlijk 3 november": the correction itself is the new answer.
                return {"intake_consent": None, "intake_changing": None, "intake_when": clip(text, MAX_SHORT)}
            if field in TYPED_CORRECTIONS and (corrected := correction_in(text, field)):
                # "de afdeling was Team Noord": the new answer, not the question again.
                slot, limit = TYPED_CORRECTIONS[field]
                return {"intake_consent": None, "intake_changing": None, slot: clip(corrected, limit)}
            return {
                "intake_consent": None,
                "intake_changing": None,
                **dict.fromkeys(FIELDS[field]),
            }
        if intent == "affirm":
            leave_out = any(
                e.get("entity") == "include_transcript"
                and str(e.get("value")).lower() in ("nee", "no", "false")
                for e in message.get("entities") or []
            )
            return {"intake_consent": "ja", "include_transcript": not leave_out}
        if intent in ("deny", "stop"):
            return {"intake_consent": "nee"}
        say(dispatcher, tracker, "intake_consent_unclear")
        return {"intake_consent": None}


MONTHS = {
    "nl": ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus"]
    + ["september", "oktober", "november", "december"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August"]
    + ["September", "October", "November", "December"],
}


def long_date(day: date, language: str) -> str:
    return f"{day.day} {MONTHS[language][day.month - 1]} {day.year}"


def skip_button(language: str) -> dict[str, str]:
    return {"title": text_of("button_skip", language)["text"], "payload": "/skip"}


class AskIntake(AskAction):
    """An intake question, with "Sla over" under it."""

    with_skip = True

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        language = language_of(tracker.get_slot("language"))
        buttons = [*self.buttons(tracker, language), *([skip_button(language)] if self.with_skip else [])]
        say(dispatcher, tracker, self.message_name(tracker), buttons=buttons)
        return []

    def buttons(self, tracker: Tracker, language: str) -> list[dict[str, str]]:
        return []


def yes_no_buttons(language: str, no_name: str = "button_no") -> list[dict[str, str]]:
    return [
        {"title": text_of("button_yes", language)["text"], "payload": "/affirm"},
        {"title": text_of(no_name, language)["text"], "payload": "/deny"},
    ]


class ActionAskIntakeMore(AskIntake):
    slot = "intake_more"

    def buttons(self, tracker: Tracker, language: str) -> list[dict[str, str]]:
        return [{"title": text_of("button_nothing_more", language)["text"], "payload": "/deny"}]

    with_skip = False


class ActionAskDesiredRoute(AskIntake):
    """Only when the route is missing: changed from the summary, or unreadable."""

    slot = "desired_route"
    with_skip = False

    def buttons(self, tracker: Tracker, language: str) -> list[dict[str, str]]:
        routes = next_step_routes(
            tracker.get_slot("category"), tracker.get_slot("under_kcoo"), tracker.get_slot("other_party")
        )
        return [route_button(route, language) for route in routes if route in MELDPUNT_ROUTES]


class ActionAskIntakeWhen(AskIntake):
    slot = "intake_when"


class ActionAskIntakeOngoing(AskIntake):
    slot = "intake_ongoing"

    def buttons(self, tracker: Tracker, language: str) -> list[dict[str, str]]:
        return [
            *yes_no_buttons(language),
            {"title": text_of("button_dont_know", language)["text"], "payload": "/unsure"},
        ]

    with_skip = False


class ActionAskIntakeDepartment(AskIntake):
    slot = "intake_department"


class ActionAskIntakeRelations(AskIntake):
    slot = "intake_relations"

    def message_name(self, tracker: Tracker) -> str:
        mentioned = known_relations(tracker)
        return "ask_intake_relations_more" if mentioned else "ask_intake_relations"

    def run_text(self, tracker: Tracker, language: str) -> str:
        mentioned = known_relations(tracker)
        text = text_of(self.message_name(tracker), language)["text"]
        return text.format(mentioned=relation_list(mentioned, language))

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        language = language_of(tracker.get_slot("language"))
        mentioned = known_relations(tracker)
        buttons = [
            {
                "title": RELATION_LABELS[language][r],
                "payload": f'/inform_relation{{"relation": "{r}"}}',
            }
            for r in RELATIONS
            if r not in mentioned
        ]
        if mentioned:
            buttons.append({"title": text_of("button_nobody_else", language)["text"], "payload": "/deny"})
        buttons.append(skip_button(language))
        dispatcher.utter_message(text=self.run_text(tracker, language), buttons=buttons)
        return []


class ActionAskIntakeWitnesses(AskIntake):
    slot = "intake_witnesses"

    def buttons(self, tracker: Tracker, language: str) -> list[dict[str, str]]:
        return [{"title": text_of("button_no_witnesses", language)["text"], "payload": "/deny"}]


class ActionAskIntakeSteps(AskIntake):
    slot = "intake_steps"

    def buttons(self, tracker: Tracker, language: str) -> list[dict[str, str]]:
        return [{"title": text_of("button_nothing_yet", language)["text"], "payload": "/deny"}]


class ActionAskIntakeContact(AskIntake):
    slot = "intake_contact"
    with_skip = False

    def message_name(self, tracker: Tracker) -> str:
        # A formal complaint carries a name (Awb 9:4): say so before the person chooses.
        return (
            "ask_intake_contact_kcoo"
            if tracker.get_slot("desired_route") == "klacht_kcoo"
            else "ask_intake_contact"
        )

    def buttons(self, tracker: Tracker, language: str) -> list[dict[str, str]]:
        return [
            {"title": text_of("button_contact_yes", language)["text"], "payload": "/affirm"},
            {"title": text_of("button_contact_anonymous", language)["text"], "payload": "/deny"},
        ]


class ActionAskIntakeContactDetails(AskIntake):
    slot = "intake_contact_details"
    with_skip = False

    def buttons(self, tracker: Tracker, language: str) -> list[dict[str, str]]:
        return [{"title": text_of("button_contact_anonymous", language)["text"], "payload": "/deny"}]


RELATION_LABELS = {
    "nl": {
        "collega": "Een collega",
        "leidinggevende": "Mijn leidinggevende",
        "ondergeschikte": "Iemand die onder mij werkt",
        "burger_of_klant": "Een burger of klant",
        "anders": "Iemand anders",
    },
    "en": {
        "collega": "A colleague",
        "leidinggevende": "My manager",
        "ondergeschikte": "Someone I manage",
        "burger_of_klant": "A citizen or customer",
        "anders": "Someone else",
    },
}
RELATION_SHORT = {
    "nl": {
        "collega": "een collega",
        "leidinggevende": "je leidinggevende",
        "ondergeschikte": "iemand die onder je werkt",
        "burger_of_klant": "een burger of klant",
        "anders": "iemand anders",
    },
    "en": {
        "collega": "a colleague",
        "leidinggevende": "your manager",
        "ondergeschikte": "someone you manage",
        "burger_of_klant": "a citizen or customer",
        "anders": "someone else",
    },
}
GROUND_LABELS = {
    "nl": {
        "afkomst": "afkomst of huidskleur",
        "nationaliteit": "nationaliteit",
        "godsdienst": "geloof of levensovertuiging",
        "geslacht": "geslacht of genderidentiteit",
        "seksuele_gerichtheid": "seksuele gerichtheid",
        "handicap": "handicap of chronische ziekte",
        "leeftijd": "leeftijd",
        "politieke_gezindheid": "politieke mening",
        "burgerlijke_staat": "burgerlijke staat",
        "arbeidsduur": "contract of werktijden",
        "anders": "een andere grond",
        "onbekend": "grond niet genoemd",
    },
    "en": {
        "afkomst": "descent or skin colour",
        "nationaliteit": "nationality",
        "godsdienst": "religion or belief",
        "geslacht": "sex or gender identity",
        "seksuele_gerichtheid": "sexual orientation",
        "handicap": "disability or chronic illness",
        "leeftijd": "age",
        "politieke_gezindheid": "political opinion",
        "burgerlijke_staat": "marital status",
        "arbeidsduur": "contract or working hours",
        "anders": "another ground",
        "onbekend": "ground not given",
    },
}


def relation_list(relations: list[str], language: str) -> str:
    names = [RELATION_SHORT[language][r] for r in relations]
    if len(names) <= 1:
        return "".join(names)
    word = " en " if language == "nl" else " and "
    return ", ".join(names[:-1]) + word + names[-1]


def ground_of(tracker: Tracker) -> str | None:
    if tracker.get_slot("category") != "discriminatie":
        return None
    return tracker.get_slot("discrimination_ground") or "onbekend"


def when_line(tracker: Tracker, language: str) -> str | None:
    raw = tracker.get_slot("intake_when")
    if not given(raw):
        return None
    when = read_when(str(raw), today=answered_on(tracker, "intake_when"))
    # The person's words, and the date read from them: "vorige week dinsdag" (17 november 2026).
    return f'"{raw}" ({long_date(when.occurred_on, language)})' if when.occurred_on else f'"{raw}"'


def contact_line(tracker: Tracker, language: str) -> str:
    details = tracker.get_slot("intake_contact_details")
    if tracker.get_slot("intake_contact") == "contact" and isinstance(details, dict) and details:
        return ", ".join(str(details[k]) for k in ("name", "email", "phone") if details.get(k))
    return text_of("summary_anonymous", language)["text"]


def typed_answer(tracker: Tracker, slot: str) -> str | None:
    """The words the person typed that gave `slot` its current value (None for a button)."""
    events = list(tracker.events or [])
    for index in range(len(events) - 1, -1, -1):
        event = events[index]
        if event.get("event") == "slot" and event.get("name") == slot:
            for earlier in reversed(events[:index]):
                if earlier.get("event") == "user":
                    text = str(earlier.get("text") or "").strip()
                    return None if not text or text.startswith("/") else clip(text, MAX_SHORT)
            return None
    return None


def with_words(read: str, words: str | None) -> str:
    """What the assistant read, and the person's own words when they say more than that."""
    if not words or len(words.split()) <= 2 or words.lower() == read.lower():
        return read  # "ja", "nee hoor", a button: the reading says it all
    return f'{read} ("{words}")'


def summary_lines(tracker: Tracker, language: str) -> list[tuple[str, str]]:
    """(label, value) for every field that will be sent, in the person's language."""
    labels = text_of("summary_labels", language)
    skipped = labels["skipped"]
    category = tracker.get_slot("category")
    kind = CATEGORY_BUTTON[language].get(category, "")
    if ground := ground_of(tracker):
        kind += f" ({GROUND_LABELS[language][ground]})"
    description = str(tracker.get_slot("description") or "")
    if given(tracker.get_slot("intake_more")):
        description += "\n" + str(tracker.get_slot("intake_more"))
    ongoing = tracker.get_slot("intake_ongoing")
    ongoing_text = {"ja": labels["yes"], "nee": labels["no"], "onbekend": labels["unknown"]}.get(
        ongoing, skipped
    )
    ongoing_words = typed_answer(tracker, "intake_ongoing")
    if ongoing_words == tracker.get_slot("intake_when"):
        ongoing_words = None  # read from the answer to "when", which the summary already shows
    relations = [r for r in str(tracker.get_slot("intake_relations") or "").split(",") if r in RELATIONS]
    organisation = tracker.get_slot("organisation") or UNKNOWN_ORGANISATION
    route = tracker.get_slot("desired_route")

    def shown(slot: str) -> str:
        value = tracker.get_slot(slot)
        return str(value) if given(value) else skipped

    return [
        ("story", clip(description, 1_500)),
        ("kind", kind),
        ("when", when_line(tracker, language) or skipped),
        ("ongoing", with_words(ongoing_text, ongoing_words)),
        ("organisation", labels["unknown"] if organisation == UNKNOWN_ORGANISATION else organisation),
        ("department", shown("intake_department")),
        (
            "relations",
            with_words(relation_list(relations, language), typed_answer(tracker, "intake_relations"))
            if relations
            else skipped,
        ),
        ("witnesses", shown("intake_witnesses")),
        ("steps", shown("intake_steps")),
        ("route", NEXT_STEP_BUTTONS[language].get(route, "") if route else skipped),
        ("contact", contact_line(tracker, language)),
    ]


class ActionAskIntakeConsent(Action):
    """The summary and the question whether it may be sent; or which answer to change."""

    def name(self) -> str:
        return "action_ask_intake_consent"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        language = language_of(tracker.get_slot("language"))
        labels = text_of("summary_labels", language)
        if tracker.get_slot("intake_changing"):
            buttons = [
                {"title": labels[field], "payload": f'/change_answer{{"intake_field": "{field}"}}'}
                for field in FIELDS
            ]
            buttons.append({"title": labels["nothing"], "payload": '/change_answer{"intake_field": "none"}'})
            say(dispatcher, tracker, "intake_which_change", buttons=buttons)
            return []
        lines = "\n".join(f"- {labels[key]}: {value}" for key, value in summary_lines(tracker, language))
        intro = text_of("intake_summary", language)["text"]
        # The summary, then the question with its buttons on its own: the question stays in view.
        dispatcher.utter_message(text=f"{intro}\n{lines}")
        dispatcher.utter_message(
            text=text_of("intake_consent_question", language)["text"],
            buttons=[
                {"title": labels["send"], "payload": "/affirm"},
                {
                    "title": labels["send_without_transcript"],
                    "payload": '/affirm{"include_transcript": "nee"}',
                },
                {"title": labels["change"], "payload": "/change_answer"},
                {"title": labels["dont_send"], "payload": "/deny"},
            ],
        )
        return []


def staff_summary(tracker: Tracker) -> str:
    """The summary for the Meldpunt's staff, in Dutch, within the API's 1,000 characters."""
    labels = text_of("summary_labels", "nl")
    lines = summary_lines(tracker, "nl")
    text = "; ".join(f"{labels[k]}: {v}" for k, v in lines if k not in ("story", "contact"))
    return clip(text, MAX_SUMMARY)


def build_intake(
    tracker: Tracker, *, intake_id: str, receipt_code: str, now: datetime, include_transcript: bool
) -> dict[str, Any]:
    """The IntakeCreate body (api/schemas.py) from what the person agreed to send."""
    description = str(tracker.get_slot("description") or "").strip()
    if given(tracker.get_slot("intake_more")):
        description = f"{description}\n\n{tracker.get_slot('intake_more')}".strip()
    when_text = tracker.get_slot("intake_when")
    when = read_when(str(when_text), today=answered_on(tracker, "intake_when")) if given(when_text) else None
    ongoing = YES_NO.get(str(tracker.get_slot("intake_ongoing")))
    if ongoing is None and when is not None:
        ongoing = when.ongoing
    relations = [r for r in str(tracker.get_slot("intake_relations") or "").split(",") if r in RELATIONS]
    details = tracker.get_slot("intake_contact_details")
    contact = tracker.get_slot("intake_contact") == "contact" and isinstance(details, dict) and bool(details)
    organisation = str(tracker.get_slot("organisation") or "").strip() or UNKNOWN_ORGANISATION

    def text(slot: str, limit: int) -> str | None:
        value = tracker.get_slot(slot)
        return clip(str(value), limit) if given(value) else None

    return {
        "id": intake_id,
        "receipt_code": receipt_code,
        "created_at": now.isoformat(timespec="seconds"),
        "language": language_of(tracker.get_slot("language")),
        "channel": "chat",
        "reporter_role": tracker.get_slot("reporter_role") or "medewerker",
        "speaking_as": tracker.get_slot("speaking_as"),
        "other_party": tracker.get_slot("other_party"),
        "organisation": clip(organisation, MAX_SHORT),
        "under_kcoo": YES_NO.get(str(tracker.get_slot("under_kcoo"))),
        "department": text("intake_department", MAX_SHORT),
        "category": tracker.get_slot("category"),
        "discrimination_ground": ground_of(tracker),
        "summary": staff_summary(tracker),
        "description": clip(description or "-", MAX_DESCRIPTION),
        "occurred_on": when.occurred_on.isoformat() if when and when.occurred_on else None,
        # The person's own words always, next to the date read from them (if any).
        "occurred_period": clip(str(when_text), MAX_SHORT) if when is not None else None,
        "ongoing": ongoing,
        "involved_relations": relations,
        "witnesses": text("intake_witnesses", MAX_TEXT),
        "steps_taken": text("intake_steps", MAX_TEXT),
        "desired_route": tracker.get_slot("desired_route") or "contact_meldpunt",
        "contact_preference": "contact" if contact else "anoniem",
        "contact_details": {k: v for k, v in details.items() if v} if contact else None,
        "consent": True,
        "transcript": transcript_of(list(tracker.events)) if include_transcript else [],
    }


class ActionStartIntake(Action):
    """The person wants the Meldpunt involved: say what comes, then the intake form asks."""

    def name(self) -> str:
        return "action_start_intake"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        category, under_kcoo = tracker.get_slot("category"), tracker.get_slot("under_kcoo")
        message = tracker.latest_message or {}
        chosen = tracker.get_slot("desired_route")
        route = (
            route_entity(message)
            or (chosen if chosen in MELDPUNT_ROUTES else None)
            or read_route(str(message.get("text") or ""), category, under_kcoo)
            or default_route(category, under_kcoo, tracker.get_slot("other_party"))
        )
        if route == "klacht_kcoo" and under_kcoo == "nee":
            # Their organisation has its own procedure: the Meldpunt can still be contacted.
            say(dispatcher, tracker, "options_own_procedure")
        route = fit_route(route, category, under_kcoo, tracker.get_slot("other_party"))
        events: list[EventType] = [*intake_reset(keep_route=True), SlotSet("desired_route", route)]
        say(dispatcher, tracker, "route_meldpunt")
        say(dispatcher, tracker, "intake_intro")
        description = str(tracker.get_slot("description") or "")
        if len(description) >= LONG_DESCRIPTION:
            events.append(SlotSet("intake_more", SKIPPED))
        return events


def next_steps(route: str | None, category: str | None, contact: bool, language: str) -> str:
    names = ["next_ack"]
    if route == "klacht_kcoo":
        names.append("next_kcoo" if contact else "next_kcoo_anonymous")
    elif route == "melding_ic_rijk" or category == "misstand":
        names.append("next_ic_rijk")
    elif route == "alleen_registreren":
        names.append("next_register")
    else:
        names.append("next_contact" if contact else "next_contact_anonymous")
    names.append("next_follow_up")
    return "\n".join(text_of(name, language)["text"] for name in names)


def handover_identity(tracker: Tracker, secret: str | None) -> tuple[str, str]:
    """The intake's id and receipt code: the same ones whenever this turn is handled again.

    A turn can be handled twice. A Rasa server that dies mid-turn has its message passed on to
    another (nginx), and a turn that failed (its conversation could not be saved) is sent again by
    the person (the chat page's "try again"). Rasa saves a turn only at its end, so the second time
    the conversation is as it was the first time, up to the person's message. The id and the code
    are keyed hashes (HMAC-SHA256, with the service token as key) of the conversation and of the
    assistant's last message before that message (its time, stored before this turn), so the
    second handover is the same intake with the same code: the outbox and the API (idempotent on
    the id) keep it once, and the code the person gets is the one that works. Without a token (the
    handover waits in the outbox until one is set) or such a message, they are random.
    """
    anchor = _answered_at(tracker)
    if not secret or anchor is None:
        return str(uuid.uuid4()), new_receipt_code()
    key = hmac.new(secret.encode(), b"meldpunt intake identity v1", hashlib.sha256).digest()

    def derived(purpose: str) -> bytes:
        return hmac.new(key, f"{purpose}\n{tracker.sender_id}\n{anchor!r}".encode(), hashlib.sha256).digest()

    return str(uuid.UUID(bytes=derived("id")[:16], version=4)), receipt_code_from(derived("receipt code"))


def _answered_at(tracker: Tracker) -> float | None:
    """When the assistant said the last thing before the person's latest message (the summary)."""
    events = tracker.events or []
    users = [i for i, event in enumerate(events) if event.get("event") == "user"]
    for event in reversed(events[: users[-1]] if users else []):
        if event.get("event") == "bot" and isinstance(event.get("timestamp"), int | float):
            return float(event["timestamp"])
    return None


class ActionHandover(Action):
    """After the summary: send with consent, or say clearly that nothing was sent."""

    def name(self) -> str:
        return "action_handover"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if tracker.get_slot("reporter_role") == "extern":
            say(dispatcher, tracker, "external_route")
            return [*intake_reset(), SlotSet("options_given", True)]
        if tracker.get_slot("intake_consent") != "ja":
            say(dispatcher, tracker, "intake_not_sent")
            return intake_reset()
        language = language_of(tracker.get_slot("language"))
        now = turn_moment(tracker)  # the consent's moment, also when this turn is handled again
        try:
            handover_runtime = runtime_module.runtime()
        except Exception:  # unreadable settings: say so, honestly
            logger.exception("The handover's settings could not be read")
            say(dispatcher, tracker, "intake_failed")
            return []
        intake_id, code = handover_identity(tracker, handover_runtime.settings.service_token)
        payload = build_intake(
            tracker,
            intake_id=intake_id,
            receipt_code=code,
            now=now,
            include_transcript=tracker.get_slot("include_transcript") is not False,
        )
        try:
            result = await asyncio.to_thread(handover_runtime.hand_over, payload)
        except Exception:  # the outbox itself failed (disk full): say so, honestly
            logger.exception("Intake %s could not be stored in the outbox", intake_id)
            say(dispatcher, tracker, "intake_failed")
            return []
        if result.outcome is Outcome.REJECTED and not result.delivered:
            # Refused by the API (a fault on our side; it keeps a record staff see). The truth:
            # it did not arrive, and a code that would not work is not given.
            await asyncio.to_thread(handover_runtime.forget_rejected, intake_id)
            say(dispatcher, tracker, "intake_rejected")
            return [*intake_reset(), SlotSet("options_given", True)]
        say(dispatcher, tracker, intake_message(result))
        dispatcher.utter_message(text=text_of("intake_code", language)["text"].format(code=code))
        contact = payload["contact_preference"] == "contact"
        dispatcher.utter_message(
            text=next_steps(payload["desired_route"], payload["category"], contact, language)
        )
        return [*intake_reset(), SlotSet("handed_over", True)]


def intake_message(result: Handover) -> str:
    return "intake_sent" if result.delivered else "intake_queued"
