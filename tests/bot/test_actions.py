"""Actions run on trackers built in code; the exact events and messages are compared."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk.events import AllSlotsReset, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.control import ActionExplainTerm, ActionStartOver, ActionStop
from actions.experience_form import (
    ActionAskCategoryConfirmed,
    ActionAskDescription,
    ActionAskOrganisation,
    ValidateExperienceForm,
)
from actions.messages import catalogue, text_of
from actions.options import ActionChooseRoute, ActionExplainOptions, next_step_routes, option_responses
from actions.organisations import kcoo_status
from actions.slot_validation import ValidateSlotMappings
from tests.bot.conftest import build_tracker, message

STORY = "mijn collega's negeren me al maanden en lachen me uit als ik iets zeg in het overleg"


def run(action: Any, tracker: Any, domain: dict[str, Any]) -> tuple[list[Any], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, domain))
    return events, dispatcher.messages


def texts(messages: list[dict[str, Any]]) -> list[str]:
    return [m["text"] for m in messages]


def test_a_description_sets_category_and_resets_the_confirmation(domain):
    latest = message(
        STORY, "describe_pesten", ranking=[("describe_pesten", 0.8), ("describe_intimidatie", 0.1)]
    )
    tracker = build_tracker(latest, candidates={"description": STORY})
    events, messages = run(ValidateSlotMappings(), tracker, domain)
    assert events == [
        SlotSet("description", STORY),
        SlotSet("category", "pesten"),
        SlotSet("discrimination_ground", None),
        SlotSet("category_confirmed", None),
        SlotSet("category_rejected", None),
        SlotSet("ground_asked", None),
        SlotSet("other_party", "collega"),  # "mijn collega's": who did it (actions/situation.py)
    ]
    assert messages == []


def test_the_best_description_intent_counts_even_when_another_intent_ranks_first(domain):
    text = "ik weet niet of dit telt maar mijn leidinggevende dreigt steeds mijn contract niet te verlengen"
    latest = message(
        text,
        "unsure",
        confidence=0.4,
        ranking=[("unsure", 0.4), ("describe_intimidatie", 0.35), ("describe_pesten", 0.1)],
    )
    tracker = build_tracker(latest, candidates={"description": text}, form="experience_form")
    events, _ = run(ValidateSlotMappings(), tracker, domain)
    assert SlotSet("category", "intimidatie") in events


def test_a_discrimination_ground_in_the_description_is_kept(domain):
    text = "ze maken steeds grappen over mijn hoofddoek"
    ground = {
        "entity": "discrimination_ground",
        "value": "godsdienst",
        "start": 36,
        "end": 45,
        "extractor": "GroundLexicon",
    }
    latest = message(text, "describe_discriminatie", entities=[ground])
    tracker = build_tracker(latest, candidates={"description": text, "discrimination_ground": "godsdienst"})
    events, _ = run(ValidateSlotMappings(), tracker, domain)
    assert SlotSet("category", "discriminatie") in events
    assert SlotSet("discrimination_ground", "godsdienst") in events


def test_a_ground_word_outside_discriminatie_is_dropped(domain):
    text = "mijn oudere collega schreeuwt tegen me en gooide een map naar mijn hoofd"
    ground = {"entity": "discrimination_ground", "value": "leeftijd", "start": 6, "end": 12}
    latest = message(text, "describe_agressie_geweld", entities=[ground])
    tracker = build_tracker(latest, candidates={"description": text, "discrimination_ground": "leeftijd"})
    events, _ = run(ValidateSlotMappings(), tracker, domain)
    assert SlotSet("category", "agressie_geweld") in events
    assert SlotSet("discrimination_ground", None) in events


def test_emoji_only_is_not_a_description_and_nothing_is_lost(domain):
    latest = message(
        "😢😢", "nlu_fallback", confidence=0.2, ranking=[("nlu_fallback", 0.3), ("describe_pesten", 0.1)]
    )
    tracker = build_tracker(latest, candidates={"description": "😢😢"}, earlier={"description": None})
    events, messages = run(ValidateSlotMappings(), tracker, domain)
    assert events == [SlotSet("description", None)]
    assert texts(messages) == [text_of("description_unclear", "nl")["text"]]


def test_more_words_are_added_to_the_description(domain):
    extra = "en gisteren zei hij dat ik beter ontslag kon nemen, waar iedereen bij was"
    latest = message(extra, "describe_intimidatie")
    tracker = build_tracker(latest, candidates={"description": extra}, earlier={"description": STORY})
    events, _ = run(ValidateSlotMappings(), tracker, domain)
    assert events[0] == SlotSet("description", f"{STORY}\n\n{extra}")


def test_another_language_gets_the_bilingual_note(domain):
    text = "Mein Kollege beleidigt mich jeden Tag vor allen anderen im Büro"
    latest = message(text, "describe_pesten", entities=[{"entity": "other_language", "value": "de"}])
    tracker = build_tracker(latest, candidates={"description": text})
    events, messages = run(ValidateSlotMappings(), tracker, domain)
    assert events == [SlotSet("description", None)]
    assert texts(messages) == [text_of("other_language", "nl")["text"]]


def test_a_correction_with_a_button_confirms_the_new_category(domain):
    latest = message('/correct_category{"category": "pesten"}', "correct_category")
    tracker = build_tracker(latest, candidates={"category": "pesten"}, earlier={"category": "intimidatie"})
    events, _ = run(ValidateSlotMappings(), tracker, domain)
    assert events == [
        SlotSet("category_confirmed", True),
        SlotSet("category_rejected", None),
        SlotSet("discrimination_ground", None),
    ]


def test_an_organisation_outside_the_kcoo(domain):
    latest = message("ik werk bij defensie", "inform_organisation")
    tracker = build_tracker(latest, candidates={"organisation": "defensie"})
    events, _ = run(ValidateSlotMappings(), tracker, domain)
    assert events == [SlotSet("organisation", "defensie"), SlotSet("under_kcoo", "nee")]


def test_kcoo_status_of_names():
    assert kcoo_status("Belastingdienst") == "ja"
    assert kcoo_status("Ministerie van Buitenlandse Zaken") == "nee"
    assert kcoo_status("DJI") == "onbekend"
    assert kcoo_status("een gemeente") == "onbekend"


def test_required_slots_depend_on_category_and_role(domain):
    form = ValidateExperienceForm()
    all_slots = [
        "description",
        "category_confirmed",
        "discrimination_ground",
        "reporter_role",
        "organisation",
    ]
    latest = message("ja", "affirm")

    def required(**slots: Any) -> list[str]:
        tracker = build_tracker(latest, slots=slots, form="experience_form")
        return asyncio.run(form.required_slots(list(all_slots), CollectingDispatcher(), tracker, domain))

    assert required(category="pesten") == [
        "description",
        "category_confirmed",
        "reporter_role",
        "organisation",
    ]
    assert required(category="discriminatie") == all_slots
    assert required(category="discriminatie", ground_asked=True) == [
        "description",
        "category_confirmed",
        "reporter_role",
        "organisation",
    ]
    assert required(category="misstand", reporter_role="extern") == [
        "description",
        "category_confirmed",
        "reporter_role",
    ]


def test_affirm_confirms_and_deny_asks_for_the_category(domain):
    form = ValidateExperienceForm()
    domain = {
        **domain,
        "forms": {"experience_form": {"required_slots": ["description", "category_confirmed"]}},
    }
    slots = {"description": STORY, "category": "pesten", "requested_slot": "category_confirmed"}
    yes = build_tracker(message("ja klopt", "affirm"), slots=slots, form="experience_form")
    no = build_tracker(message("nee", "deny"), slots=slots, form="experience_form")
    assert run(form, yes, domain)[0] == [SlotSet("category_confirmed", True)]
    assert run(form, no, domain)[0] == [
        SlotSet("category_confirmed", None),
        SlotSet("category_rejected", True),
    ]


def test_not_knowing_the_ground_is_fine(domain):
    form = ValidateExperienceForm()
    required = ["description", "category_confirmed", "discrimination_ground"]
    domain = {**domain, "forms": {"experience_form": {"required_slots": required}}}
    slots = {
        "description": STORY,
        "category": "discriminatie",
        "requested_slot": "discrimination_ground",
        "category_confirmed": True,
    }
    unsure = build_tracker(message("weet ik niet", "unsure"), slots=slots, form="experience_form")
    # Without a ground to ask, every required slot is filled: the form is told to stop asking.
    assert run(form, unsure, domain)[0] == [
        SlotSet("discrimination_ground", None),
        SlotSet("ground_asked", True),
        SlotSet("requested_slot", None),
    ]
    own_words = build_tracker(
        message("omdat ik mantelzorger ben", "inform_ground"), slots=slots, form="experience_form"
    )
    assert run(form, own_words, domain)[0] == [
        SlotSet("discrimination_ground", "anders"),
        SlotSet("ground_asked", True),
        SlotSet("requested_slot", None),
    ]


def test_the_confirmation_names_what_was_heard_with_buttons(domain):
    tracker = build_tracker(
        message(STORY, "describe_discriminatie"),
        slots={"category": "discriminatie", "discrimination_ground": "leeftijd"},
    )
    events, messages = run(ActionAskCategoryConfirmed(), tracker, domain)
    assert events == []
    assert messages[0]["text"] == "Het klinkt alsof je gediscrimineerd wordt vanwege je leeftijd. Klopt dat?"
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/affirm", "/deny"]


def test_after_a_no_every_category_is_offered_in_english(domain):
    tracker = build_tracker(
        message("no", "deny"), slots={"category": "pesten", "category_rejected": True, "language": "en"}
    )
    _, messages = run(ActionAskCategoryConfirmed(), tracker, domain)
    assert messages[0]["text"].startswith("What fits best")
    assert [b["title"] for b in messages[0]["buttons"]] == [
        "Bullying",
        "Intimidation or threats",
        "Sexual harassment",
        "Aggression or violence",
        "Discrimination",
        "A misstand or integrity violation",
    ]


def test_ex_employees_are_asked_where_they_worked(domain):
    tracker = build_tracker(
        message("ik werkte er", "inform_ex_employee"), slots={"reporter_role": "ex_medewerker"}
    )
    _, messages = run(ActionAskOrganisation(), tracker, domain)
    assert texts(messages) == [text_of("ask_organisation_ex", "nl")["text"]]


def test_options_fit_category_role_and_organisation():
    assert option_responses("pesten", "medewerker", "ja") == [
        "options_intro",
        "options_informal",
        "options_kcoo",
    ]
    assert option_responses("agressie_geweld", "medewerker", "onbekend") == [
        "options_intro",
        "options_informal",
        "options_kcoo",
        "options_kcoo_unsure",
        "options_aangifte",
    ]
    assert option_responses("discriminatie", "ex_medewerker", "nee") == [
        "options_intro",
        "options_informal",
        "options_own_procedure",
        "options_crm",
        "options_ex_employee",
    ]
    assert option_responses("misstand", "medewerker", "ja") == [
        "options_intro",
        "options_informal_misstand",
        "options_ic_rijk",
        "options_hvk",
    ]
    assert option_responses("pesten", "extern", None) == ["external_route"]
    assert next_step_routes("misstand", "ja")[0] == "melding_ic_rijk"
    assert "klacht_kcoo" not in next_step_routes("pesten", "nee")


def test_explaining_options_ends_with_the_next_step_buttons(domain):
    tracker = build_tracker(
        message("bij BZK", "inform_organisation"),
        slots={"category": "pesten", "reporter_role": "medewerker", "under_kcoo": "ja", "language": "en"},
    )
    events, messages = run(ActionExplainOptions(), tracker, domain)
    assert events == [
        SlotSet("options_given", True),
        SlotSet("options_for", "pesten|None|medewerker|None|None|ja|en"),
    ]
    assert texts(messages)[:3] == [
        text_of(n, "en")["text"] for n in option_responses("pesten", "medewerker", "ja")
    ]
    assert [b["payload"] for b in messages[-1]["buttons"]] == [
        '/start_intake{"route": "klacht_kcoo"}',
        '/start_intake{"route": "contact_meldpunt"}',
        '/start_intake{"route": "alleen_registreren"}',
        '/choose_route{"route": "vertrouwenspersoon"}',
        '/choose_route{"route": "nadenken"}',
    ]


def test_choosing_the_vertrouwenspersoon(domain):
    tracker = build_tracker(
        message("eerst een vertrouwenspersoon", "choose_route"), slots={"desired_route": "vertrouwenspersoon"}
    )
    _, messages = run(ActionChooseRoute(), tracker, domain)
    assert texts(messages) == [text_of("route_vertrouwenspersoon", "nl")["text"]]


def test_stop_and_start_over_forget_all_but_the_language(domain):
    tracker = build_tracker(message("stop", "stop"), slots={"category": "pesten", "language": "en"})
    events, messages = run(ActionStop(), tracker, domain)
    assert events == [AllSlotsReset(), SlotSet("language", "en")]
    assert texts(messages) == [text_of("stop", "en")["text"]]
    events, _ = run(ActionStartOver(), tracker, domain)
    assert events == [AllSlotsReset(), SlotSet("language", "en")]


def test_terms_are_explained_each_once(domain):
    entities = [
        {"entity": "term", "value": "kcoo"},
        {"entity": "term", "value": "vertrouwenspersoon"},
        {"entity": "term", "value": "kcoo"},
    ]
    tracker = build_tracker(message("wat is de kcoo en een vp", "ask_term", entities=entities))
    _, messages = run(ActionExplainTerm(), tracker, domain)
    assert texts(messages) == [
        text_of("term_kcoo", "nl")["text"],
        text_of("term_vertrouwenspersoon", "nl")["text"],
    ]


def test_every_message_has_dutch_and_english():
    for name, variants in catalogue().items():
        assert set(variants) == {"nl", "en"}, name


def test_options_are_not_repeated_for_the_same_situation_unless_asked(domain):
    slots = {
        "category": "pesten",
        "reporter_role": "medewerker",
        "under_kcoo": "ja",
        "options_given": True,
        "options_for": "pesten|None|medewerker|None|None|ja|nl",
    }
    again = build_tracker(message("ik wil niet meer leven", "crisis_suicide"), slots=slots)
    assert run(ActionExplainOptions(), again, domain) == ([], [])
    asked = build_tracker(message("wat kan ik doen", "ask_options"), slots=slots)
    _, messages = run(ActionExplainOptions(), asked, domain)
    assert len(messages) == 4


def test_saying_where_you_work_first_is_not_called_unclear(domain):
    latest = message(
        "ik werk bij de belastingdienst", "inform_organisation", ranking=[("inform_organisation", 0.9)]
    )
    tracker = build_tracker(latest, candidates={"description": "ik werk bij de belastingdienst"})
    events, messages = run(ValidateSlotMappings(), tracker, domain)
    assert (events, messages) == ([SlotSet("description", None)], [])


def test_a_long_first_message_that_asks_for_options_is_read_as_the_story(domain):
    text = "mijn teamleider zegt steeds dat ik dom ben en eruit vlieg als ik fouten maak, wat kan ik doen?"
    latest = message(
        text, "ask_options", confidence=0.5, ranking=[("ask_options", 0.5), ("describe_intimidatie", 0.3)]
    )
    tracker = build_tracker(latest, candidates={"description": text})
    events, _ = run(ValidateSlotMappings(), tracker, domain)
    assert SlotSet("category", "intimidatie") in events


def test_asking_for_the_options_first_explains_why_the_story_comes_first(domain):
    tracker = build_tracker(message("wat kan ik doen", "ask_options"), form="experience_form")
    _, messages = run(ActionAskDescription(), tracker, domain)
    assert texts(messages) == [text_of("ask_description_for_options", "nl")["text"]]


def test_a_term_named_in_the_question_without_an_entity_is_explained(domain):
    question = "kan ik aangifte doen zonder dat hij mijn huisadres krijgt? en wat doet het IC Rijk"
    tracker = build_tracker(message(question, "ask_term"))
    _, messages = run(ActionExplainTerm(), tracker, domain)
    assert texts(messages) == [text_of("term_aangifte", "nl")["text"], text_of("term_ic_rijk", "nl")["text"]]
    assert "adres van je werk" in texts(messages)[0]
    tracker = build_tracker(message("wat betekent dat woord?", "ask_term"))
    _, messages = run(ActionExplainTerm(), tracker, domain)
    assert texts(messages) == [text_of("term_unknown", "nl")["text"]]
