"""The custom NLU components: language, the crisis detector, ground lexicon."""

from __future__ import annotations

import pytest

from bot.components.grounds import compile_lexicon, find_grounds
from bot.components.language import detect
from bot.components.safety import (
    DANGER,
    SUICIDE,
    TOPIC,
    CrisisDetector,
    CrisisModel,
    chunks,
    crisis_of,
    decide,
)


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
        ("ik wil er eigenlijk gewoon niet meer zijn", "crisis_suicide"),  # filler words in the phrase
        ("soms wil ik niet meer leven", "crisis_suicide"),  # "wil ik": Dutch inversion
        ("kwil echt nie meer leven", "crisis_suicide"),  # chat spelling
        ("k wil niet meer", "crisis_suicide"),
        ("ik wil niet meer naar mijn werk", None),
        ("mijn collega pleegde vorig jaar zelfmoord", None),  # someone else: the model decides
        ("hij zei dat ik beter dood kon zijn", None),  # a quote: the model decides
        ("ik schrok me dood", None),
        ("ik heb genoeg pillen gespaard", "crisis_suicide"),  # the means
        ("ik heb een touw gekocht", "crisis_suicide"),
        ("ik weet welke flat hoog genoeg is", "crisis_suicide"),
        ("dit is mijn laatste bericht", "crisis_suicide"),  # a farewell
        ("zeg tegen mijn team dat het niet hun schuld is", "crisis_suicide"),
        ("'ga toch dood' zei hij. misschien moet ik dat ook maar doen", "crisis_suicide"),  # quote, then own
        ("hij zei dat ik beter dood kon zijn, ik wil dat melden", None),  # a quote, reported
        ("hij zei 'ga dood'. ik denk er over na om een klacht in te dienen", None),
        ("i feel suicidal", "crisis_suicide"),
        ("does the meldpunt have a protocol when someone is suicidal?", None),
        ("hij staat nu met een mes in de gang", "crisis_danger"),
        ("gisteren stond hij met een mes in de kantine", None),  # over
        ("someone is following me from the station", "crisis_danger"),
        ("mijn collega heeft net al haar pillen geslikt", "crisis_danger"),
        ("ik bel 112", None),  # saying what they do, not a new alarm
        ("bel 112!", "crisis_danger"),
        # Other people's words in quotes are not the writer's; the writer's own words in quotes are.
        ("my team lead wrote 'go jump off a bridge' under my proposal", None),
        ("Hij zei tegen me: 'als ik jou was zou ik mezelf van kant maken'. Ik was geschokt", None),
        ('he said "I will end it all, loser" and laughed', None),
        ("ik zei tegen mijn huisarts 'ik wil niet meer leven'", "crisis_suicide"),
        ("'s avonds denk ik: ik wil dood. m'n vrouw weet het niet", "crisis_suicide"),
        ("ze zeggen 'stel je niet aan'. ik wil er niet meer zijn", "crisis_suicide"),
        # Danger in a sentence about the past alone is over; with "nu" it is not.
        ("someone locked me in the copy room as a joke last month. I'm fine", None),
        ("vorige week begon het en nu zit ik opgesloten in het archief", "crisis_danger"),
        ("I'm locked in the archive right now", "crisis_danger"),
        # A book or a film is not the writer's life (the trained signal still reads the message).
        ("I'm reading a novel where the main character decides to end it all", None),
        ("in het boek schrijft de hoofdpersoon afscheidsbrieven aan haar collega's", None),
        ("ik heb de film gezien. ik wil niet meer leven", "crisis_suicide"),
    ],
)
def test_crisis_patterns(text, expected):
    assert crisis_of(text) == expected


THRESHOLDS = {"whole": 4.0, "sentence": 5.0}


def scores(whole=0.0, sentence=float("-inf"), suicide=0.0, danger=0.0, **anywhere):
    return {"whole": whole, "sentence": sentence, SUICIDE: suicide, DANGER: danger, **anywhere}


def test_the_whole_message_or_one_sentence_above_its_threshold_is_a_crisis():
    assert decide("...", scores(whole=4.1, suicide=0.9), THRESHOLDS).signal == SUICIDE
    assert decide("...", scores(whole=3.0, sentence=5.2, suicide=0.9), THRESHOLDS).signal == SUICIDE
    assert decide("...", scores(whole=3.9, sentence=4.9, suicide=0.9), THRESHOLDS).signal is None


def test_danger_comes_first_and_keeps_the_suicide_signal():
    reading = decide("...", scores(whole=6, suicide=0.3, danger=0.6, suicide_anywhere=0.8), THRESHOLDS)
    assert (reading.signal, reading.source, reading.also) == (DANGER, "model", (SUICIDE,))
    # A threat now in one sentence, thoughts of suicide in another: 112 first.
    mixed = scores(whole=6, suicide=0.7, danger=0.2, danger_anywhere=0.6, suicide_anywhere=0.7)
    assert decide("...", mixed, THRESHOLDS).signal == DANGER
    assert decide("...", scores(whole=6, suicide=0.2, danger=0.7), THRESHOLDS).also == ()


def test_the_net_holds_where_the_model_misses():
    reading = decide("ik wil er eigenlijk niet meer zijn", scores(whole=0.5), THRESHOLDS)
    assert (reading.signal, reading.source) == (SUICIDE, "net")
    assert decide("ik ben nu in gevaar", {}, THRESHOLDS).signal == DANGER


def test_a_mention_of_suicide_without_a_signal_is_a_gentle_check_not_an_alarm():
    reading = decide("mijn collega pleegde vorig jaar zelfmoord", scores(whole=1.0), THRESHOLDS)
    assert (reading.signal, reading.check) == (None, True)
    assert decide("ik schrok me dood", scores(whole=1.0), THRESHOLDS).check is False
    assert TOPIC.search("hij zei: ga toch dood") and not TOPIC.search("ik verveel me dood")


def test_a_long_message_is_read_sentence_by_sentence_too():
    story = "Mijn baas schreeuwt elke dag. Niemand doet iets.\nIk heb de pillen al klaarliggen; sorry"
    assert chunks(story) == [
        story,
        "Mijn baas schreeuwt elke dag.",
        "Niemand doet iets.",
        "Ik heb de pillen al klaarliggen",
    ]
    assert chunks("ik wil niet meer") == ["ik wil niet meer"]


TINY = [
    ("ik wil niet meer leven", SUICIDE),
    ("ik heb pillen gespaard om er een eind aan te maken", SUICIDE),
    ("iedereen is beter af zonder mij", SUICIDE),
    ("i want to die", SUICIDE),
    ("hij staat nu met een mes voor mijn deur", DANGER),
    ("help hij slaat me nu", DANGER),
    ("someone is following me right now", DANGER),
    ("mijn collega negeert me", "none"),
    ("mijn baas schreeuwt tegen me", "none"),
    ("ik word gepest op mijn werk", "none"),
    ("my manager shouts at me", "none"),
    ("hij maakte grappen over mijn afkomst", "none"),
    ("mijn collega pleegde vorig jaar zelfmoord", "none"),
]


@pytest.fixture(scope="module")
def tiny_detector():
    texts, labels = zip(*TINY, strict=True)
    model = CrisisModel.fit(list(texts), list(labels), C=10.0, k=2)
    return CrisisDetector({"threshold_whole": 2.0, "threshold_sentence": 3.0}, None, None, model)


def parsed(detector, text, intent="describe_pesten"):
    from rasa.shared.nlu.training_data.message import Message

    message = Message(
        data={
            "text": text,
            "intent": {"name": intent, "confidence": 0.6},
            "intent_ranking": [
                {"name": intent, "confidence": 0.6},
                {"name": "describe_pesten", "confidence": 0.3},
            ],
        }
    )
    detector.process([message])
    return message


def test_the_detector_sets_the_crisis_intent_and_says_why(tiny_detector):
    message = parsed(tiny_detector, "ik wil niet meer leven")
    assert message.get("intent")["name"] == SUICIDE
    crisis = message.get("crisis")
    assert crisis["signal"] == SUICIDE and crisis["source"] == "model" and crisis["scores"]["whole"] >= 2.0
    assert parsed(tiny_detector, "hij staat nu met een mes voor mijn deur").get("intent")["name"] == DANGER


def test_a_crisis_sentence_inside_a_long_story_is_found(tiny_detector):
    story = (
        "Mijn baas schreeuwt al maanden tegen me waar iedereen bij is. Mijn collega's doen niets. "
        "Ik wil niet meer leven. Ik weet niet waarom ik dit nog schrijf."
    )
    assert parsed(tiny_detector, story).get("intent")["name"] == SUICIDE


def test_the_detector_overrules_a_crisis_intent_it_does_not_find(tiny_detector):
    message = parsed(tiny_detector, "mijn baas schreeuwt tegen me", intent="crisis_suicide")
    assert message.get("intent")["name"] == "describe_pesten"
    assert message.get("crisis")["signal"] is None


def test_buttons_are_never_read_as_a_crisis(tiny_detector):
    message = parsed(tiny_detector, "/affirm", intent="affirm")
    assert message.get("intent")["name"] == "affirm" and message.get("crisis") is None


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
