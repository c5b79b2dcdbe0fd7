"""The custom NLU components: language, crisis patterns, ground lexicon."""

from __future__ import annotations

import pytest

from bot.components.grounds import compile_lexicon, find_grounds
from bot.components.language import detect
from bot.components.safety import crisis_of


@pytest.mark.parametrize(
    "text, expected",
    [
        ("mijn collega's negeren me al maanden en ik weet niet wat ik moet doen", "nl"),
        ("mn teamleider schreeuwt steeds tegen me waar iedereen bij is", "nl"),
        ("my manager keeps shouting at me in front of the whole team", "en"),
        ("I think I'm being bullied at work and I don't know what to do", "en"),
        ("hello", "en"),
        ("ok", None),
        ("ja", None),
        ("yes", None),
        ("hoi", None),
        ("😢", None),
        ("Mein Kollege beleidigt mich jeden Tag vor allen anderen im Büro", "de"),
        ("Mon chef me crie dessus tous les jours devant toute l'équipe", "fr"),
    ],
)
def test_language(text, expected):
    assert detect(text) == expected


def test_language_is_deterministic():
    text = "collega zegt dingen over mij die niet kloppen"
    assert len({detect(text) for _ in range(20)}) == 1


@pytest.mark.parametrize(
    "text, expected",
    [
        ("ik wil niet meer leven", "crisis_suicide"),
        ("ik denk aan zelfmoord", "crisis_suicide"),
        ("ik word gepest en soms wil ik er een eind aan maken", "crisis_suicide"),
        ("I want to end my life", "crisis_suicide"),
        ("sometimes I want to kill myself", "crisis_suicide"),
        ("ik ben nu in gevaar", "crisis_danger"),
        ("hij staat nu voor mijn deur", "crisis_danger"),
        ("mijn collega negeert me", None),
        ("hij dreigde me vorige week te slaan", None),
        ("ik ben dood op van het werk", None),
    ],
)
def test_crisis_patterns(text, expected):
    assert crisis_of(text) == expected


def test_ground_lexicon_prefers_longer_phrases_and_whole_words():
    lexicon = {"hoofddoek": "godsdienst", "zwart": "afkomst", "zwarte piet": "anders", "oud": "leeftijd"}
    pattern = compile_lexicon(lexicon)
    found = find_grounds("grappen over mijn Hoofddoek en over zwarte piet, ik ben oud", lexicon, pattern)
    assert [(f["text"], f["value"]) for f in found] == [
        ("Hoofddoek", "godsdienst"),
        ("zwarte piet", "anders"),
        ("oud", "leeftijd"),
    ]
    assert find_grounds("het oude gebouw", lexicon, pattern) == []


def test_a_receipt_code_in_a_message_becomes_the_follow_up_intent():
    from rasa.shared.nlu.training_data.message import Message

    from bot.components.receipt import ReceiptCodeDetector

    detector = ReceiptCodeDetector()
    pasted = Message(data={"text": "hoi, ik had deze code: 48213-99012-33871-00456-71234"})
    pasted.set("intent", {"name": "greet", "confidence": 0.8})
    phone = Message(data={"text": "bel me op 0612345678"})
    phone.set("intent", {"name": "inform_relation", "confidence": 0.5})
    button = Message(data={"text": '/affirm{"x": "1234512345123451234512345"}'})
    button.set("intent", {"name": "affirm", "confidence": 1.0})
    detector.process([pasted, phone, button])
    assert pasted.get("intent") == {"name": "give_receipt_code", "confidence": 1.0}
    assert phone.get("intent")["name"] == "inform_relation"
    assert button.get("intent")["name"] == "affirm"


def test_addresses_and_numbers_do_not_decide_the_language():
    assert detect("Fatima Bakker, fatima@example.org") is None
    assert detect("mijn naam is Jan, bel me op 06 12345678 of mail jan@example.org") == "nl"
