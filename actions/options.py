"""Laying out the options that fit the category, the role and the organisation, and the next step.

Informal routes first, then formal ones (domain.md). The texts are responses in
bot/domain/options.yml; this module only decides which apply.
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.classify import read_message
from actions.messages import say
from actions.route_choice import MELDPUNT_ROUTES  # their buttons start the intake
from actions.texts import NEXT_STEP_BUTTONS, UNWANTED_BEHAVIOUR, language_of

ROUTE_RESPONSES = {
    "vertrouwenspersoon": "route_vertrouwenspersoon",
    "informeel": "route_informeel",
    "nadenken": "route_nadenken",
}


MIN_EXTERNAL_READING = 0.25  # a description category's share of the ranking that counts as said
PERSPECTIVE = {"getuige": "options_witness", "namens_ander": "options_on_behalf"}


def other_employer_responses(category: str | None) -> list[str]:
    """Someone who works elsewhere: their own employer's routes, never the KCOO or the citizens' route."""
    responses = ["options_other_employer"]
    if category == "misstand":
        responses.append("options_other_employer_misstand")
    if category in ("agressie_geweld", "intimidatie", "seksuele_intimidatie"):
        responses.append("options_other_employer_aangifte")
    return responses


def option_responses(
    category: str | None,
    role: str | None,
    under_kcoo: str | None,
    speaker: str | None = None,
    other_party: str | None = None,
) -> list[str]:
    """The responses that lay out the options, in order: informal first, then formal."""
    if speaker == "andere_werkgever" or (role == "extern" and speaker in PERSPECTIVE and category):
        return [
            *([PERSPECTIVE[speaker]] if speaker in PERSPECTIVE else []),
            *other_employer_responses(category),
        ]
    if role == "extern":
        if category == "discriminatie":
            return ["external_route", "external_discrimination"]
        if category == "misstand" and speaker == "bedrijf":  # learnt of it through their work
            return ["external_route", "options_other_employer_misstand"]
        return ["external_route"]
    if category is None:
        return ["options_general"]
    responses = ["options_intro"]
    if speaker in PERSPECTIVE:
        responses.append(PERSPECTIVE[speaker])
    if category == "misstand":
        responses += ["options_informal_misstand", "options_ic_rijk", "options_hvk"]
        if under_kcoo == "nee":
            responses.append("options_own_procedure")
    elif other_party == "burger":  # agressie door derden: the employer's care, not a KCOO complaint
        responses += ["options_informal", "options_third_party"]
        if category == "discriminatie":
            responses.append("options_crm")
    else:
        responses.append("options_informal")
        if under_kcoo == "nee":
            responses.append("options_own_procedure")
        else:
            responses.append("options_kcoo")
            if under_kcoo == "onbekend":
                responses.append("options_kcoo_unsure")
        if category in ("agressie_geweld", "intimidatie", "seksuele_intimidatie"):
            responses.append("options_aangifte")
        if category == "discriminatie":
            responses.append("options_crm")
    if role == "ex_medewerker":
        responses.append("options_ex_employee")
    return responses


def next_step_routes(
    category: str | None, under_kcoo: str | None, other_party: str | None = None
) -> list[str]:
    if category == "misstand":
        formal = ["melding_ic_rijk"]
    elif category in UNWANTED_BEHAVIOUR and under_kcoo != "nee" and other_party != "burger":
        formal = ["klacht_kcoo"]
    else:
        formal = []
    return [*formal, "contact_meldpunt", "alleen_registreren", "vertrouwenspersoon", "nadenken"]


def route_button(route: str, language: str) -> dict[str, str]:
    intent = "start_intake" if route in MELDPUNT_ROUTES else "choose_route"
    return {"title": NEXT_STEP_BUTTONS[language][route], "payload": f'/{intent}{{"route": "{route}"}}'}


def situation_of(tracker: Tracker) -> str:
    """What the options depend on, to tell whether they were already given for this situation."""
    names = (
        "category",
        "discrimination_ground",
        "reporter_role",
        "speaking_as",
        "other_party",
        "under_kcoo",
        "language",
    )
    return "|".join(str(tracker.get_slot(name)) for name in names)


class ActionExplainOptions(Action):
    def name(self) -> str:
        return "action_explain_options"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        category = tracker.get_slot("category")
        role = tracker.get_slot("reporter_role")
        under_kcoo = tracker.get_slot("under_kcoo")
        situation = situation_of(tracker)
        asked = (tracker.latest_message.get("intent") or {}).get("name") == "ask_options"
        if situation == tracker.get_slot("options_for") and not asked:
            # The same situation again (the form re-ran after a crisis message, say): once is enough.
            return []
        speaker = tracker.get_slot("speaking_as")
        other_party = tracker.get_slot("other_party")
        for response in option_responses(category, role, under_kcoo, speaker, other_party):
            say(dispatcher, tracker, response)
        if role == "extern" or category is None:
            return [SlotSet("options_given", role == "extern"), SlotSet("options_for", situation)]
        language = language_of(tracker.get_slot("language"))
        routes = next_step_routes(category, under_kcoo, other_party)
        buttons = [route_button(route, language) for route in routes]
        say(dispatcher, tracker, "ask_next_step", buttons=buttons)
        return [SlotSet("options_given", True), SlotSet("options_for", situation)]


class ActionChooseRoute(Action):
    """What happens after the person chose a route that is not the Meldpunt's (those start the intake)."""

    def name(self) -> str:
        return "action_choose_route"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        route = tracker.get_slot("desired_route")
        if route in MELDPUNT_ROUTES:  # read from words the classifier took for another route
            language = language_of(tracker.get_slot("language"))
            say(dispatcher, tracker, "route_meldpunt", buttons=[route_button(str(route), language)])
        elif route in ROUTE_RESPONSES:
            say(dispatcher, tracker, ROUTE_RESPONSES[route])
        else:
            say(dispatcher, tracker, "ask_next_step")
        return []


class ActionExternalRoute(Action):
    def name(self) -> str:
        return "action_external_route"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        speaker = tracker.get_slot("speaking_as") or "burger"
        category = tracker.get_slot("category")
        if category is None:  # "ik wil klagen over ...": what it was about, if the words say it clearly
            reading = read_message(tracker.latest_message or {})
            category = reading.category if reading.confidence >= MIN_EXTERNAL_READING else None
        # Someone who works elsewhere hears their own employer's routes; a citizen or company the
        # route for complaints about a civil servant (and for discrimination or a misstand, more).
        for response in option_responses(category, "extern", None, speaker):
            say(dispatcher, tracker, response)
        return [
            SlotSet("category", category),
            SlotSet("reporter_role", "extern"),
            SlotSet("speaking_as", speaker),
            SlotSet("options_given", True),
        ]
