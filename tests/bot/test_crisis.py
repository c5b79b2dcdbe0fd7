"""The crisis answer and what follows it: the turn ends with 113 or 112, the conversation waits, and
goes on where it was only when the person says so. Also the gentle line for a mention of suicide."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.crisis import ActionCrisis, ActionCrisisFollowUp, ActionCrisisResume
from actions.messages import text_of
from actions.slot_validation import ValidateSlotMappings
from tests.bot.conftest import build_tracker, message

PAUSED = {"crisis_paused": True, "crisis_resume": "experience_form", "crisis_offered": False}


def run(action: Any, tracker: Any) -> tuple[list[Any], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    return events, dispatcher.messages


def texts(messages: list[dict[str, Any]]) -> list[str]:
    return [m["text"] for m in messages]


def crisis_message(text: str, intent: str = "crisis_suicide", **crisis: Any) -> dict[str, Any]:
    latest = message(text, intent, confidence=1.0, ranking=[(intent, 0.5), ("describe_pesten", 0.45)])
    latest["crisis"] = {"signal": intent, "source": "model", "check": False, "also": [], **crisis}
    return latest


def test_113_and_then_only_the_question_whether_to_contact_113_or_go_on() -> None:
    tracker = build_tracker(crisis_message("ik word al maanden gepest en ik wil niet meer leven"))
    events, messages = run(ActionCrisis(), tracker)
    assert texts(messages) == [
        text_of("crisis_suicide", "nl")["text"],
        text_of("crisis_choice", "nl")["text"],
    ]
    answer = messages[0]["text"]
    assert "113" in answer and "0800-0113" in answer and "113.nl" in answer and "112" in answer
    assert "Denk je aan zelfmoord?" in answer  # asked directly, as 113 advises
    assert [b["payload"] for b in messages[-1]["buttons"]] == ["/contact_113", "/continue_chat"]
    assert SlotSet("category", "pesten") in events  # the story in the same message is kept
    assert events[-4:] == [
        SlotSet("crisis_paused", True),
        SlotSet("crisis_resume", "experience_form"),
        SlotSet("crisis_offered", False),
        SlotSet("crisis_signal", "suicide"),
    ]


def test_danger_gets_112_first_and_113_too_when_both_are_there() -> None:
    latest = crisis_message(
        "hij staat beneden en ik wil niet meer leven", "crisis_danger", also=["crisis_suicide"]
    )
    _, messages = run(ActionCrisis(), build_tracker(latest))
    assert texts(messages) == [
        text_of("crisis_danger", "nl")["text"],
        text_of("crisis_danger_and_113", "nl")["text"],
        text_of("crisis_choice_danger", "nl")["text"],
    ]
    assert "112" in messages[0]["text"] and "113" not in messages[0]["text"]
    _, only_danger = run(ActionCrisis(), build_tracker(crisis_message("hij volgt me nu", "crisis_danger")))
    assert len(only_danger) == 2 and "112" in only_danger[0]["text"]


@pytest.mark.parametrize("form", ["experience_form", "intake_form", "follow_up_form"])
def test_a_running_form_is_paused_and_remembered(form: str) -> None:
    tracker = build_tracker(crisis_message("ik wil dood"), slots={"category": "pesten"}, form=form)
    events, _ = run(ActionCrisis(), tracker)
    assert SlotSet("crisis_resume", form) in events
    assert ActiveLoop(None) in events


def test_after_the_options_the_conversation_goes_back_to_them() -> None:
    tracker = build_tracker(
        crisis_message("ik wil dood"), slots={"category": "pesten", "options_given": True}
    )
    events, _ = run(ActionCrisis(), tracker)
    assert SlotSet("crisis_resume", "options") in events
    assert not [e for e in events if e.get("event") == "active_loop"]


def test_a_second_crisis_message_keeps_where_to_go_on() -> None:
    slots = {**PAUSED, "crisis_resume": "intake_form", "category": "pesten"}
    events, _ = run(ActionCrisis(), build_tracker(crisis_message("ik heb de pillen al"), slots=slots))
    assert SlotSet("crisis_resume", "intake_form") in events


@pytest.mark.parametrize(
    "intent, offered, signal, said, offered_after",
    [
        ("contact_113", False, "suicide", "crisis_contact", True),
        ("affirm", False, "suicide", "crisis_contact", True),  # "ja" to "contact 113 now?"
        ("deny", False, "suicide", "crisis_offer_here", True),  # "nee": shall we go on here?
        ("deny", True, "suicide", "crisis_waiting", True),
        ("nlu_fallback", False, "suicide", "crisis_still_here", False),
        ("greet", True, "suicide", "crisis_still_here", True),
        ("affirm", False, "danger", "crisis_safe", True),  # "ja" to "let me know when you are safe"
        ("contact_113", False, "danger", "crisis_contact_danger", True),
        ("deny", False, "danger", "crisis_still_here_danger", False),  # not safe yet: still waiting
        ("contact_113", True, "suicide", "crisis_contact", True),
        ("unsure", False, "danger", "crisis_still_here_danger", False),
    ],
)
def test_while_waiting_the_assistant_stays_with_the_person(
    intent: str, offered: bool, signal: str, said: str, offered_after: bool
) -> None:
    slots = {**PAUSED, "crisis_offered": offered, "crisis_signal": signal}
    events, messages = run(ActionCrisisFollowUp(), build_tracker(message("...", intent), slots=slots))
    assert texts(messages) == [text_of(said, "nl")["text"]]
    assert events == [SlotSet("crisis_offered", offered_after)]
    assert not any(e.get("event") == "active_loop" for e in events)  # nothing goes on by itself


def test_every_waiting_answer_names_a_way_to_help_or_to_go_on() -> None:
    for name in ("crisis_contact", "crisis_offer_here", "crisis_waiting", "crisis_still_here"):
        for language in ("nl", "en"):
            assert "113" in text_of(name, language)["text"], (name, language)
    for name in ("crisis_still_here_danger", "crisis_waiting"):
        assert "112" in text_of(name, "nl")["text"]


def test_going_on_forgets_the_pause_and_says_so() -> None:
    tracker = build_tracker(message("verder", "continue_chat"), slots=PAUSED)
    events, messages = run(ActionCrisisResume(), tracker)
    assert texts(messages) == [text_of("crisis_go_on", "nl")["text"]]
    assert events == [
        SlotSet("crisis_paused", None),
        SlotSet("crisis_resume", None),
        SlotSet("crisis_offered", None),
        SlotSet("crisis_signal", None),
    ]


def test_telling_more_goes_on_without_a_word_in_between() -> None:
    tracker = build_tracker(message("mijn baas schreeuwt elke dag", "describe_agressie_geweld"), slots=PAUSED)
    _, messages = run(ActionCrisisResume(), tracker)
    assert messages == []  # the form answers the story itself


def test_going_on_after_the_options_offers_the_next_steps_again() -> None:
    slots = {**PAUSED, "crisis_resume": "options", "category": "pesten", "under_kcoo": "ja"}
    _, messages = run(ActionCrisisResume(), build_tracker(message("verder", "continue_chat"), slots=slots))
    assert messages[0]["text"] == text_of("crisis_go_on", "nl")["text"]
    assert messages[1]["text"] == text_of("ask_next_step", "nl")["text"]
    assert "/start_intake" in str(messages[1]["buttons"])


def gentle(text: str, intent: str = "describe_pesten", check: bool = True, **slots: Any) -> list[str]:
    latest = message(text, intent)
    latest["crisis"] = {"signal": None, "source": None, "check": check, "also": [], "scores": {}}
    _, messages = run(ValidateSlotMappings(), build_tracker(latest, slots=slots))
    return texts(messages)


def test_a_mention_of_suicide_gets_one_gentle_line_once() -> None:
    line = text_of("crisis_check", "nl")["text"]
    assert gentle("mijn collega pleegde vorig jaar zelfmoord en sindsdien pest mijn baas me") == [line]
    assert "Als je zelf" in line and "113" in line
    assert gentle("en nu weer", crisis_checked=True) == []
    assert gentle("mijn baas pest me", check=False) == []
    assert gentle("ik wil dood", intent="crisis_suicide") == []  # the crisis answer says it all
