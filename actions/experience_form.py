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

from actions.messages import say
from actions.texts import CATEGORIES, CATEGORY_BUTTON, CHOOSE_CATEGORY, CONFIRM, heard, language_of

FORM = "experience_form"


def intent_of(tracker: Tracker) -> str:
    return str((tracker.latest_message.get("intent") or {}).get("name") or "")


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
        return [slot for slot in domain_slots if slot not in skip]

    # Extraction may only set the form's own slots (rasa_sdk drops others); the validate_ methods
    # add the companion flags.
    async def extract_category_confirmed(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if not requested(tracker, "category_confirmed"):
            return {}
        intent = intent_of(tracker)
        if intent == "affirm":
            return {"category_confirmed": True}
        if intent in ("deny", "unsure"):
            return {"category_confirmed": None}
        return {}

    async def validate_category_confirmed(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None and intent_of(tracker) in ("deny", "unsure"):
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
        intent = intent_of(tracker)
        if intent == "inform_organisation":  # "bij de Belastingdienst"
            return {"reporter_role": "medewerker"}
        # "ja", "jazeker", "klopt", "yes" to "Werk je bij het Rijk?" is an employee. A "nee" is not
        # read yet: someone who works elsewhere (a gemeente, a school) is not an outsider
        # complaining about a civil servant, and needs other advice than the external route.
        if intent == "affirm":
            return {"reporter_role": "medewerker"}
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
            text=f"{heard(category, ground, language)} {words['question']}",
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


class ActionAskOrganisation(AskAction):
    slot = "organisation"

    def message_name(self, tracker: Tracker) -> str:
        return (
            "ask_organisation_ex"
            if tracker.get_slot("reporter_role") == "ex_medewerker"
            else "ask_organisation"
        )
