"""The experience form: confirm the category, ask the ground when needed, ask role and organisation.

Which slots are required depends on the answers: the ground only for discriminatie (and only once),
the organisation not for people who do not work at the Rijk.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.answers import yes_no
from actions.messages import say
from actions.situation import (
    FOR_SOMEONE_ELSE,
    OTHER_PARTIES,
    SPEAKER_OF_ROLE,
    SPEAKERS,
    UNKNOWN_PARTY,
    Situation,
    read_other_party_answer,
    read_role_answer,
)
from actions.slot_validation import NOT_AN_ANSWER
from actions.texts import CATEGORIES, CATEGORY_BUTTON, CHOOSE_CATEGORY, CONFIRM, heard, language_of

FORM = "experience_form"


def intent_of(tracker: Tracker) -> str:
    return str((tracker.latest_message.get("intent") or {}).get("name") or "")


def text_of_message(tracker: Tracker) -> str:
    text = str(tracker.latest_message.get("text") or "")
    return "" if text.startswith("/") else text


def entity_value(tracker: Tracker, entity: str) -> Any:
    for item in tracker.latest_message.get("entities") or []:
        if item.get("entity") == entity:
            return item.get("value")
    return None


# People outside the Rijk who complain about a civil servant get the external route: the category,
# the role and who did it change nothing in it, so the form does not ask them.
EXTERNAL_SPEAKERS = frozenset(["burger", "bedrijf"])
# The intake's `relation` entity (inform_relation) in the words of other_party.
RELATION_PARTY = {
    "collega": "collega",
    "leidinggevende": "leidinggevende",
    "ondergeschikte": "ondergeschikte",
    "burger_of_klant": "burger",
}
DENIED = "denied"  # a bare "nee" to "Werk je bij het Rijk?": not a role yet


FORMS = frozenset([FORM, "intake_form"])  # the intake form asks what the experience form did not


def requested(tracker: Tracker, slot: str) -> bool:
    return tracker.active_loop.get("name") in FORMS and tracker.get_slot("requested_slot") == slot


class ValidateExperienceForm(FormValidationAction):
    def name(self) -> str:
        return "validate_experience_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        skip = set()
        if tracker.get_slot("category") != "discriminatie" or tracker.get_slot("ground_asked"):
            skip.add("discrimination_ground")
        if tracker.get_slot("reporter_role") == "extern":
            skip.add("organisation")
        if tracker.get_slot("category") == "misstand":
            skip.add("other_party")
        if tracker.get_slot("speaking_as") in EXTERNAL_SPEAKERS:
            skip |= {"category_confirmed", "discrimination_ground", "other_party"}
        return [slot for slot in domain_slots if slot not in skip]

    # Extraction may only set the form's own slots (rasa_sdk drops others); the validate_ methods
    # add the companion flags.
    async def extract_category_confirmed(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if not requested(tracker, "category_confirmed") or intent_of(tracker) in NOT_AN_ANSWER:
            return {}
        intent = intent_of(tracker)
        if tracker.slots_to_validate().get("category_confirmed"):
            return {}  # "nee, het was eigenlijk intimidatie": the correction set it (slot_validation)
        if intent == "correct_category" and entity_value(tracker, "category"):
            return {}  # a category chosen with a button or named: slot_validation confirms it
        answer = yes_no(text_of_message(tracker), intent)
        if answer is True:
            return {"category_confirmed": True}
        if answer is False or intent == "unsure":
            return {"category_confirmed": None}
        return {}

    async def validate_category_confirmed(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None and (
            intent_of(tracker) == "unsure" or yes_no(text_of_message(tracker), intent_of(tracker)) is False
        ):
            return {"category_confirmed": None, "category_rejected": True}
        return {"category_confirmed": value}

    async def extract_discrimination_ground(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if not requested(tracker, "discrimination_ground") or tracker.slots_to_validate().get(
            "discrimination_ground"
        ):
            return {}
        intent = intent_of(tracker)
        if intent in ("unsure", "deny"):
            # They do not know or would rather not say: fine, go on without a ground.
            return {"discrimination_ground": None}
        if intent == "inform_ground" or intent.startswith("describe_"):
            # A ground in their own words that the lexicon does not know: "any other ground".
            return {"discrimination_ground": "anders"}
        return {}

    async def validate_discrimination_ground(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value or (
            requested(tracker, "discrimination_ground") and intent_of(tracker) in ("unsure", "deny")
        ):
            return {"discrimination_ground": value, "ground_asked": True}
        return {"discrimination_ground": value}

    async def extract_reporter_role(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if not requested(tracker, "reporter_role") or tracker.slots_to_validate().get("reporter_role"):
            return {}
        if intent_of(tracker) in NOT_AN_ANSWER:
            return {}
        situation = self.role_answer(tracker)
        return {"reporter_role": situation.reporter_role} if situation else {}

    @staticmethod
    def role_answer(tracker: Tracker) -> Situation | None:
        """ "ja", "nee, bij de gemeente", "vroeger wel", "ik ben stagiair bij IenW", a button."""
        chosen = entity_value(tracker, "speaking_as")
        if chosen in SPEAKERS:
            return Situation(speaker=chosen, reporter_role="extern")
        intent = intent_of(tracker)
        text = text_of_message(tracker)
        answer = yes_no(text, intent)
        if answer is not None:
            intent = "affirm" if answer else "deny"
        if intent == "deny" and not tracker.get_slot("role_denied") and not tracker.get_slot("other_party"):
            # "nee, bij de gemeente" says where; a bare "nee" leaves it open: ask where they work.
            return read_role_answer(text, "", None) or Situation(reporter_role=DENIED)
        return read_role_answer(text, intent, tracker.get_slot("other_party"))

    async def validate_reporter_role(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        speaker = tracker.get_slot("speaking_as")
        if value == DENIED:
            return {"reporter_role": None, "role_denied": True}
        if value is None:
            return {"reporter_role": None}
        if speaker in FOR_SOMEONE_ELSE:
            return {"reporter_role": value}  # the role of the person it happened to; the speaker stays
        situation = self.role_answer(tracker) if requested(tracker, "reporter_role") else None
        if situation and situation.speaker:
            speaker = situation.speaker
        elif speaker is None:
            speaker = SPEAKER_OF_ROLE.get(value)
        return {"reporter_role": value, "speaking_as": speaker}

    async def extract_other_party(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if not requested(tracker, "other_party") or tracker.slots_to_validate().get("other_party"):
            return {}
        if intent_of(tracker) in NOT_AN_ANSWER:
            return {}
        chosen = entity_value(tracker, "other_party") or RELATION_PARTY.get(entity_value(tracker, "relation"))
        if chosen in OTHER_PARTIES:
            return {"other_party": chosen}
        text = text_of_message(tracker)
        party = read_other_party_answer(text)
        if party:
            return {"other_party": party}
        intent = intent_of(tracker)
        if intent in ("unsure", "deny", "inform_relation") or yes_no(text, intent) is not None:
            return {"other_party": UNKNOWN_PARTY}  # they do not know or would rather not say
        return {}


class ActionAskCategoryConfirmed(Action):
    """Names what the assistant heard and asks to confirm; after a "no", offers every category."""

    def name(self) -> str:
        return "action_ask_category_confirmed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        language = language_of(tracker.get_slot("language"))
        category = tracker.get_slot("category")
        if tracker.get_slot("category_rejected") or category not in CATEGORIES:
            buttons = [
                {
                    "title": CATEGORY_BUTTON[language][c],
                    "payload": f'/correct_category{{"category": "{c}"}}',
                }
                for c in CATEGORIES
            ]
            dispatcher.utter_message(text=CHOOSE_CATEGORY[language], buttons=buttons)
            return []
        words = CONFIRM[language]
        ground = tracker.get_slot("discrimination_ground")
        dispatcher.utter_message(
            text=f"{heard(category, ground, language, tracker.get_slot('speaking_as'))} {words['question']}",
            buttons=[
                {"title": words["yes"], "payload": "/affirm"},
                {"title": words["no"], "payload": "/deny"},
            ],
        )
        return []


class AskAction(Action):
    """Asks for one slot of the form with the message of the same name."""

    slot = ""

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    def message_name(self, tracker: Tracker) -> str:
        return f"ask_{self.slot}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        say(dispatcher, tracker, self.message_name(tracker))
        return []


class ActionAskDescription(AskAction):
    slot = "description"

    def message_name(self, tracker: Tracker) -> str:
        # Asked for the options first: the open question says why it comes first.
        return "ask_description_for_options" if intent_of(tracker) == "ask_options" else "ask_description"


class ActionAskDiscriminationGround(AskAction):
    slot = "discrimination_ground"


class ActionAskReporterRole(AskAction):
    slot = "reporter_role"

    def message_name(self, tracker: Tracker) -> str:
        if tracker.get_slot("speaking_as") in FOR_SOMEONE_ELSE:
            return "ask_reporter_role_other_person"
        if tracker.get_slot("role_denied"):
            return "ask_reporter_role_elsewhere"
        return "ask_reporter_role"


class ActionAskOtherParty(AskAction):
    slot = "other_party"


class ActionAskOrganisation(AskAction):
    slot = "organisation"

    def message_name(self, tracker: Tracker) -> str:
        return (
            "ask_organisation_ex"
            if tracker.get_slot("reporter_role") == "ex_medewerker"
            else "ask_organisation"
        )
