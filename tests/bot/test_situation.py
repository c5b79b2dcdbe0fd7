"""Who is speaking and who did it, read from the story and from typed answers (actions/situation.py),
and yes/no read in the light of the question that was asked (actions/answers.py, the experience form).

The sentences are the issue's and domain.md's examples, not the conversation test set's."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import category_named, yes_no
from actions.experience_form import ActionAskCategoryConfirmed, ActionAskReporterRole, ValidateExperienceForm
from actions.options import next_step_routes, option_responses
from actions.situation import read_other_party, read_role_answer, read_situation
from actions.slot_validation import ValidateSlotMappings
from tests.bot.conftest import build_tracker, message


def run(action: Any, tracker: Any, domain: dict[str, Any]) -> tuple[list[Any], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, domain))
    return events, dispatcher.messages


@pytest.mark.parametrize(
    ("text", "speaker", "role"),
    [
        (
            "als ondernemer werd ik tijdens een controle door een inspecteur onder druk gezet",
            "bedrijf",
            "extern",
        ),
        (
            "mijn zoon loopt stage bij een ministerie en wordt door zijn begeleider lastiggevallen",
            "namens_ander",
            "medewerker",
        ),
        (
            "ik werk bij de gemeente en mijn collega maakt steeds grappen over mijn afkomst",
            "andere_werkgever",
            "extern",
        ),
        (
            "ik zag dat een collega door haar leidinggevende werd uitgescholden om haar afkomst",
            "getuige",
            None,
        ),
        (
            "Ik heb een klacht: een medewerker van de Belastingdienst was aan de telefoon heel onbeschoft "
            "tegen mij toen ik over mijn aanslag belde.",
            "burger",
            "extern",
        ),
        (
            "ik werk bij rijkswaterstaat en mijn leidinggevende schreeuwt tegen me",
            "rijksmedewerker",
            "medewerker",
        ),
        ("ik werkte tot vorig jaar bij DUO en werd daar gepest", "ex_rijksmedewerker", "ex_medewerker"),
        (
            "I work at the ministry of finance and my manager keeps shouting at me",
            "rijksmedewerker",
            "medewerker",
        ),
        ("my daughter works at the IND and her colleagues exclude her", "namens_ander", "medewerker"),
        ("mijn collega's negeren me al maanden", None, None),
        # A colleague is the one it happened to, and the writer nowhere: a witness without "ik zag".
        (
            "vanmiddag heeft onze teamleider een collega van mij voor iedereen uitgescholden en hij gooide "
            "een map naar haar hoofd. iedereen zag het en niemand deed iets",
            "getuige",
            None,
        ),
        ("one of my colleagues was groped by our director at the party, everybody saw it", "getuige", None),
        ("mijn collega en ik worden door onze chef steeds uitgelachen", None, None),
        ("een collega van mij heeft mijn laptop doorzocht", None, None),
        ("ik werk bij het UWV en word gepest", "andere_werkgever", "extern"),
    ],
)
def test_who_is_speaking_is_read_from_the_story(text, speaker, role):
    situation = read_situation(text)
    assert (situation.speaker, situation.reporter_role) == (speaker, role)


def test_seeing_fraud_is_reporting_it_not_witnessing():
    text = "ik werk bij het ministerie van EZK en ik zie dat een collega declaraties vervalst"
    assert read_situation(text, "misstand").speaker == "rijksmedewerker"


@pytest.mark.parametrize(
    ("text", "party"),
    [
        ("ik zag dat een collega door haar leidinggevende werd uitgescholden", "leidinggevende"),
        ("een burger aan de balie begon te schreeuwen en gooide een stoel", "burger"),
        ("mijn baas dreigt met mijn contract", "leidinggevende"),
        ("ik ben teamleider en een medewerker van mij bedreigt me", "ondergeschikte"),
        ("een ingehuurde kracht van een extern bureau maakt seksuele opmerkingen", "andere_organisatie"),
        ("twee collega's lachen me steeds uit", "collega"),
        ("a citizen at the desk threatened me", "burger"),
        ("het gaat niet goed met me", None),
    ],
)
def test_who_did_it_is_read_from_the_story(text, party):
    assert read_other_party(text) == party


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("ja", True),
        ("jawel", True),
        ("jazeker", True),
        ("klopt", True),
        ("precies", True),
        ("zeker", True),
        ("yes", True),
        ("yep", True),
        ("ja, bij BZK", True),
        ("klopt wel ongeveer", True),
        ("Jaa", True),
        ("nee", False),
        ("neen", False),
        ("nope", False),
        ("niet echt", False),
        ("nee, bij de gemeente", False),
        ("zeker niet", False),
        ("klopt niet", False),
        ("not really", False),
        ("wat is een vertrouwenspersoon?", None),
        ("ik weet het niet", None),
    ],
)
def test_yes_and_no_as_people_type_them(text, answer):
    assert yes_no(text) is answer


@pytest.mark.parametrize(
    ("text", "intent", "speaker", "role"),
    [
        ("ja", "affirm", "rijksmedewerker", "medewerker"),
        ("jazeker, bij BZK", "inform_organisation", "rijksmedewerker", "medewerker"),
        ("nee, bij de gemeente", "deny", "andere_werkgever", "extern"),
        ("ik werk bij een school", "inform_external", "andere_werkgever", "extern"),
        ("vroeger wel", "inform_ex_employee", "ex_rijksmedewerker", "ex_medewerker"),
        ("ik ben stagiair bij IenW", "inform_employee", "rijksmedewerker", "medewerker"),
        ("nee ik ben gewoon burger", "deny", "burger", "extern"),
        ("nee, ik heb een eigen bedrijf", "deny", "bedrijf", "extern"),
    ],
)
def test_answers_to_the_role_question(text, intent, speaker, role):
    situation = read_role_answer(text, intent, None)
    assert situation is not None
    assert (situation.speaker, situation.reporter_role) == (speaker, role)


ROLE_SLOTS = {
    "description": "x",
    "category": "pesten",
    "category_confirmed": True,
    "requested_slot": "reporter_role",
}
FORM_DOMAIN = {
    "slots": {},
    "forms": {"experience_form": {"required_slots": ["description", "category_confirmed", "reporter_role"]}},
}


def form_events(text: str, intent: str, slots: dict[str, Any], domain: dict[str, Any]) -> list[Any]:
    tracker = build_tracker(message(text, intent), slots=slots, form="experience_form")
    return run(ValidateExperienceForm(), tracker, {**domain, "forms": FORM_DOMAIN["forms"]})[0]


def test_a_plain_yes_to_the_role_question_is_a_rijksmedewerker(domain):
    events = form_events("jazeker", "affirm", ROLE_SLOTS, domain)
    assert SlotSet("reporter_role", "medewerker") in events
    assert SlotSet("speaking_as", "rijksmedewerker") in events


def test_no_with_where_they_work_is_another_employer(domain):
    events = form_events("nee, bij de gemeente", "deny", ROLE_SLOTS, domain)
    assert SlotSet("reporter_role", "extern") in events
    assert SlotSet("speaking_as", "andere_werkgever") in events


def test_a_bare_no_asks_where_they_work_instead_of_falling_back(domain):
    events = form_events("nee", "deny", ROLE_SLOTS, domain)
    assert SlotSet("role_denied", True) in events
    assert SlotSet("reporter_role", None) in events
    tracker = build_tracker(
        message("nee", "deny"), slots={**ROLE_SLOTS, "role_denied": True}, form="experience_form"
    )
    _, messages = run(ActionAskReporterRole(), tracker, domain)
    assert "Waar werk je dan?" in messages[0]["text"]
    # The second "nee" to "Waar werk je dan?": with a story about colleagues, another employer.
    slots = {**ROLE_SLOTS, "role_denied": True, "other_party": "collega"}
    assert SlotSet("speaking_as", "andere_werkgever") in form_events("nee", "deny", slots, domain)


def test_a_yes_in_words_the_nlu_did_not_call_affirm_confirms_the_category(domain):
    slots = {"description": "x", "category": "pesten", "requested_slot": "category_confirmed"}
    events = form_events("klopt wel ongeveer", "unsure", slots, domain)
    assert events[0] == SlotSet("category_confirmed", True)


def test_the_confirmation_fits_the_speaker(domain):
    slots = {"category": "discriminatie", "discrimination_ground": "afkomst", "speaking_as": "getuige"}
    tracker = build_tracker(message("x", "describe_discriminatie"), slots=slots)
    _, messages = run(ActionAskCategoryConfirmed(), tracker, domain)
    assert messages[0]["text"].startswith("Het klinkt alsof je ziet dat een collega gediscrimineerd wordt")
    assert "diens afkomst" in messages[0]["text"]


def test_the_story_sets_who_is_speaking_and_the_role(domain):
    text = "ik werk bij de gemeente en mijn collega maakt steeds grappen over mijn hoofddoek"
    latest = message(text, "describe_discriminatie", ranking=[("describe_discriminatie", 0.9)])
    tracker = build_tracker(latest, candidates={"description": text})
    events, _ = run(ValidateSlotMappings(), tracker, domain)
    assert SlotSet("speaking_as", "andere_werkgever") in events
    assert SlotSet("other_party", "collega") in events
    assert SlotSet("reporter_role", "extern") in events


def test_a_citizens_complaint_in_the_first_message_is_read_as_their_story(domain):
    text = (
        "Ik heb een klacht: een medewerker van de Belastingdienst was aan de telefoon heel onbeschoft tegen "
        "mij toen ik over mijn aanslag belde."
    )
    latest = message(text, "nlu_fallback", ranking=[("nlu_fallback", 0.3), ("describe_agressie_geweld", 0.2)])
    tracker = build_tracker(latest, candidates={"description": text})
    events, messages = run(ValidateSlotMappings(), tracker, domain)
    assert SlotSet("description", text) in events
    assert SlotSet("speaking_as", "burger") in events
    assert not messages  # no "tell me what happened" as if nothing was said


def test_options_fit_who_is_speaking():
    other_employer = option_responses("pesten", "extern", None, "andere_werkgever")
    assert "external_route" not in other_employer and "options_kcoo" not in other_employer
    assert "options_other_employer_misstand" in option_responses(
        "misstand", "extern", None, "andere_werkgever"
    )
    assert "options_witness" in option_responses("pesten", "medewerker", "ja", "getuige")
    assert option_responses("pesten", "extern", None, "burger") == ["external_route"]


def test_the_organisation_named_in_the_story_is_not_asked_again():
    situation = read_situation(
        "ik werk bij de rijksdienst voor het cultureel erfgoed en mijn collega pest me"
    )
    assert situation.organisation == "rijksdienst voor het cultureel erfgoed"
    assert read_situation("ik werk bij een ministerie en mijn baas schreeuwt").organisation is None


@pytest.mark.parametrize(
    ("text", "current", "named"),
    [
        ("nee, het was eigenlijk meer intimidatie", "pesten", "intimidatie"),
        ("het is geen pesten maar discriminatie", "pesten", "discriminatie"),
        ("not really, more threats", "pesten", "intimidatie"),
        ("ja", "pesten", None),
    ],
)
def test_a_category_named_in_words(text, current, named):
    assert category_named(text, current) == named


def test_a_correction_in_words_sets_the_category_and_confirms_it(domain):
    slots = {"description": "x", "category": "pesten", "requested_slot": "category_confirmed"}
    tracker = build_tracker(
        message("nee, het was eigenlijk meer intimidatie", "deny"),
        slots=slots,
        earlier={"category": "pesten"},
        form="experience_form",
    )
    events, _ = run(ValidateSlotMappings(), tracker, domain)
    assert events[-4:] == [
        SlotSet("category", "intimidatie"),
        SlotSet("category_confirmed", True),
        SlotSet("category_rejected", None),
        SlotSet("discrimination_ground", None),
    ]


def test_after_a_no_the_same_category_in_words_is_a_choice(domain):
    slots = {
        "description": "x",
        "category": "pesten",
        "category_rejected": True,
        "requested_slot": "category_confirmed",
    }
    tracker = build_tracker(
        message("pesten eigenlijk, dat negeren was het ergste", "nlu_fallback"),
        slots=slots,
        earlier={"category": "pesten"},
        form="experience_form",
    )
    events, _ = run(ValidateSlotMappings(), tracker, domain)
    assert SlotSet("category_confirmed", True) in events


def test_a_crisis_in_an_answer_is_not_read_as_the_answer(domain):
    slots = {"description": "x", "category": "pesten", "requested_slot": "category_confirmed"}
    tracker = build_tracker(
        message("ja. en eerlijk, ik wil er gewoon niet meer zijn", "crisis_suicide"),
        slots=slots,
        form="experience_form",
    )
    form = ValidateExperienceForm()
    events, _ = run(form, tracker, {**domain, "forms": FORM_DOMAIN["forms"]})
    assert SlotSet("category_confirmed", True) not in events


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("jazeker", "affirm"),
        ("nope", "deny"),
        ("klopt wel ongeveer", "affirm"),
        ("eerder intimidatie", "correct_category"),
    ],
)
def test_short_answers_the_classifier_gave_up_on_are_read_by_their_words(text, intent):
    from bot.components.answers import ShortAnswerReader

    assert ShortAnswerReader().intent_for(text, "nlu_fallback") == intent
    assert ShortAnswerReader().intent_for(text, "describe_pesten") is None
    assert ShortAnswerReader().intent_for(text + " " + "en verder " * 10, "nlu_fallback") is None


def test_aggression_by_a_citizen_gets_the_employers_care_not_a_kcoo_complaint():
    responses = option_responses("agressie_geweld", "medewerker", "ja", "rijksmedewerker", "burger")
    assert "options_third_party" in responses
    assert "options_kcoo" not in responses and "options_aangifte" not in responses
    assert "klacht_kcoo" not in next_step_routes("agressie_geweld", "ja", "burger")
    assert "klacht_kcoo" in next_step_routes("agressie_geweld", "ja", "collega")


def test_a_question_about_the_category_gets_what_it_means_and_the_question_again(domain):
    slots = {"description": "x", "category": "seksuele_intimidatie", "requested_slot": "category_confirmed"}
    tracker = build_tracker(
        message(
            "is dat dan al seksuele intimidatie? het is geen aanranding ofzo", "describe_seksuele_intimidatie"
        ),
        slots=slots,
        earlier={"category": "seksuele_intimidatie"},
        form="experience_form",
    )
    events, messages = run(ValidateSlotMappings(), tracker, domain)
    assert events[-1] == SlotSet("category_confirmed", None)  # asked again, not taken as a yes
    assert "Het hoeft geen aanranding te zijn" in messages[-1]["text"]
