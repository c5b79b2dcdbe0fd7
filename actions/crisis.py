"""The crisis answer, and staying with the person after it.

A message with thoughts of suicide gets 113 (112 first when there is danger now) and the turn ends
there: nothing about categories or forms follows. The form that was running is paused, not lost.
The assistant asks whether the person wants to contact 113 now or go on here, and goes on only when
they say so ("verder", the button, or simply telling more); then it picks up where it was.

Slots: `crisis_paused` (the conversation waits for the person), `crisis_resume` (where to go on:
experience_form, intake_form, follow_up_form, or options), `crisis_offered` (the assistant asked
"shall we go on here?", so a plain "ja" means go on; before that, "ja" answers "contact 113 now?").
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.messages import say
from actions.options import next_step_routes, route_button
from actions.slot_validation import description_events
from actions.texts import language_of
from bot.vocab import CRISIS_INTENTS

FORMS = ("experience_form", "intake_form", "follow_up_form")
RESUME_TARGETS = (*FORMS, "options")
GO_ON = frozenset(
    [
        "continue_chat",
        "describe_pesten",
        "describe_intimidatie",
        "describe_seksuele_intimidatie",
        "describe_agressie_geweld",
        "describe_discriminatie",
        "describe_misstand",
    ]
)


def latest_intent(tracker: Tracker) -> str | None:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def resume_target(tracker: Tracker) -> str:
    """Where the conversation goes on after the pause: the form that ran, else the options, else
    the questions about what happened."""
    if tracker.get_slot("crisis_paused") and tracker.get_slot("crisis_resume") in RESUME_TARGETS:
        return str(tracker.get_slot("crisis_resume"))  # a second crisis message keeps the first place
    loop = (tracker.active_loop or {}).get("name")
    if loop in FORMS:
        return str(loop)
    return "options" if tracker.get_slot("options_given") else "experience_form"


def pause_events(tracker: Tracker, signal: str) -> list[EventType]:
    events: list[EventType] = [
        SlotSet("crisis_paused", True),
        SlotSet("crisis_resume", resume_target(tracker)),
        SlotSet("crisis_offered", False),
        SlotSet("crisis_signal", signal),
    ]
    if (tracker.active_loop or {}).get("name"):
        events.append(ActiveLoop(None))
    return events


def resume_events() -> list[EventType]:
    return [
        SlotSet("crisis_paused", None),
        SlotSet("crisis_resume", None),
        SlotSet("crisis_offered", None),
        SlotSet("crisis_signal", None),
    ]


def also_suicide(message: dict[str, Any]) -> bool:
    """Danger now and thoughts of suicide in one message: 112 first, then 113 too."""
    return CRISIS_INTENTS[0] in ((message.get("crisis") or {}).get("also") or [])


class ActionCrisis(Action):
    """113 or 112 first, and the turn ends with it. A description in the same message is kept, so
    the person need not repeat it when they go on."""

    def name(self) -> str:
        return "action_crisis"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        message = tracker.latest_message or {}
        danger = latest_intent(tracker) == "crisis_danger"
        events: list[EventType] = []
        if not tracker.get_slot("category"):
            # Quietly: a crisis message that is no description is not "unclear".
            candidate = description_events(CollectingDispatcher(), tracker, message)
            if len(candidate) > 1:
                events += candidate
        if danger:
            say(dispatcher, tracker, "crisis_danger")
            if also_suicide(message):
                say(dispatcher, tracker, "crisis_danger_and_113")
            say(dispatcher, tracker, "crisis_choice_danger")
        else:
            say(dispatcher, tracker, "crisis_suicide")
            say(dispatcher, tracker, "crisis_choice")
        return [*events, *pause_events(tracker, "danger" if danger else "suicide")]


class ActionCrisisFollowUp(Action):
    """While the conversation waits after a crisis answer: whatever the person says, the assistant
    stays with them and does not go on with the intake until they ask for it."""

    def name(self) -> str:
        return "action_crisis_follow_up"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        intent = latest_intent(tracker)
        offered = bool(tracker.get_slot("crisis_offered"))
        danger = tracker.get_slot("crisis_signal") == "danger"
        # Each answer below is one rule in data/rules/crisis.yml, and each sets `crisis_offered`
        # (whether "ja" now means: go on here) as that rule says, also where it stays the same.
        if intent == "contact_113":
            say(dispatcher, tracker, "crisis_contact_danger" if danger else "crisis_contact")
            return [SlotSet("crisis_offered", True)]
        if intent == "affirm" and not offered:
            # "ja" to "contact 113 now?", or to "let me know when you are safe"
            say(dispatcher, tracker, "crisis_safe" if danger else "crisis_contact")
            return [SlotSet("crisis_offered", True)]
        if intent == "deny" and not offered:
            # "nee" to "contact 113 now?" (shall we go on here?); to "let me know when you are safe": not yet
            say(dispatcher, tracker, "crisis_still_here_danger" if danger else "crisis_offer_here")
            return [SlotSet("crisis_offered", not danger)]
        if intent == "deny":
            say(dispatcher, tracker, "crisis_waiting")
            return [SlotSet("crisis_offered", True)]
        say(dispatcher, tracker, "crisis_still_here_danger" if danger else "crisis_still_here")
        return [SlotSet("crisis_offered", offered)]


class ActionCrisisResume(Action):
    """The person wants to go on here: pick up where the conversation was."""

    def name(self) -> str:
        return "action_crisis_resume"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        target = tracker.get_slot("crisis_resume")
        if latest_intent(tracker) not in GO_ON - {"continue_chat"}:
            say(dispatcher, tracker, "crisis_go_on")
        if target == "options":
            self.ask_next_step(dispatcher, tracker)
        return resume_events()

    @staticmethod
    def ask_next_step(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
        category = tracker.get_slot("category")
        if category is None or tracker.get_slot("reporter_role") == "extern":
            say(dispatcher, tracker, "crisis_go_on_question")
            return
        language = language_of(tracker.get_slot("language"))
        routes: list[Any] = next_step_routes(
            category, tracker.get_slot("under_kcoo"), tracker.get_slot("other_party")
        )
        say(dispatcher, tracker, "ask_next_step", buttons=[route_button(r, language) for r in routes])
