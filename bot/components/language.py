"""Detect whether a message is Dutch, English or another language.

The result is added as an entity `language` (`nl` or `en`), which fills the slot of the same name,
or `other_language` (the detected code) for a message clearly in neither. Short replies ("ok",
"ja", "yes", an emoji) carry no reliable signal and add nothing, so they never flip the language.
langdetect is random by design; a fixed seed makes it deterministic.
"""

from __future__ import annotations

import re
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

WORD = re.compile(r"[^\W\d_]+", re.UNICODE)

# Frequent function words: a cheap, robust second opinion next to langdetect, which confuses
# informal Dutch with Afrikaans or German and short English with Dutch now and then.
DUTCH_WORDS = frozenset(
    [
        "ik",
        "je",
        "jij",
        "u",
        "de",
        "het",
        "een",
        "en",
        "van",
        "mijn",
        "mn",
        "m'n",
        "is",
        "niet",
        "dat",
        "die",
        "op",
        "met",
        "voor",
        "zijn",
        "maar",
        "ze",
        "hij",
        "zij",
        "wordt",
        "word",
        "werd",
        "er",
        "ook",
        "al",
        "nog",
        "wel",
        "heeft",
        "heb",
        "hebben",
        "was",
        "waren",
        "bij",
        "naar",
        "om",
        "te",
        "dan",
        "als",
        "wat",
        "hoe",
        "waarom",
        "wie",
        "mij",
        "me",
        "ons",
        "onze",
        "jullie",
        "hun",
        "haar",
        "hem",
        "zich",
        "zo",
        "nu",
        "geen",
        "niks",
        "iets",
        "iemand",
        "collega",
        "collega's",
        "leidinggevende",
        "werk",
        "mee",
        "door",
        "over",
        "uit",
        "tegen",
        "steeds",
        "altijd",
        "weer",
        "omdat",
        "want",
        "dus",
        "denk",
        "weet",
        "kan",
        "kunnen",
        "moet",
        "moeten",
        "wil",
        "wilt",
        "willen",
        "doen",
        "gedaan",
        "gezegd",
        "zegt",
    ]
)
ENGLISH_WORDS = frozenset(
    [
        "i",
        "you",
        "he",
        "she",
        "it",
        "we",
        "they",
        "the",
        "a",
        "an",
        "and",
        "of",
        "my",
        "is",
        "not",
        "that",
        "this",
        "on",
        "with",
        "for",
        "are",
        "but",
        "was",
        "were",
        "has",
        "have",
        "had",
        "been",
        "be",
        "at",
        "to",
        "from",
        "by",
        "about",
        "what",
        "how",
        "why",
        "who",
        "me",
        "us",
        "our",
        "your",
        "their",
        "him",
        "her",
        "them",
        "no",
        "nothing",
        "something",
        "someone",
        "colleague",
        "colleagues",
        "manager",
        "work",
        "always",
        "again",
        "because",
        "so",
        "think",
        "know",
        "can",
        "could",
        "should",
        "would",
        "will",
        "want",
        "do",
        "did",
        "does",
        "said",
        "says",
        "keeps",
        "keep",
        "being",
        "i'm",
        "don't",
        "didn't",
        "it's",
        "doesn't",
        "can't",
    ]
)
# Greetings that are English only ("hi" and "hallo" are just as Dutch).
ENGLISH_GREETINGS = frozenset(
    ["hello", "hello there", "hi there", "hey there", "good morning", "good afternoon", "good evening"]
)
# langdetect codes that are Dutch for our purposes.
DUTCH_CODES = frozenset(["nl", "af"])


# E-mail addresses, web addresses and numbers say nothing about the language ("Fatima, fatima@example.org"
# would read as Indonesian): they are left out before counting words or asking langdetect.
NOT_LANGUAGE = re.compile(r"\S+@\S+|https?://\S+|www\.\S+|\+?[0-9][0-9 ()./-]*")


def words_of(text: str) -> list[str]:
    return [w.lower() for w in WORD.findall(text.replace("’", "'"))]


def detect(text: str, *, min_words: int = 4, min_probability: float = 0.9) -> str | None:
    """'nl', 'en', another language code, or None when the text is too short to tell."""
    text = NOT_LANGUAGE.sub(" ", text)
    words = words_of(text)
    joined = " ".join(words)
    if joined in ENGLISH_GREETINGS:
        return "en"
    if len(words) < min_words:
        return None
    dutch = sum(w in DUTCH_WORDS for w in words)
    english = sum(w in ENGLISH_WORDS for w in words)
    # Clear majority of function words decides; mixed messages fall through to langdetect.
    if dutch >= 2 and dutch >= 2 * english:
        return "nl"
    if english >= 2 and english >= 2 * dutch:
        return "en"
    code, probability = _langdetect(text)
    if code in DUTCH_CODES:
        return "nl"
    if code == "en":
        return "en"
    if probability >= min_probability and max(dutch, english) <= 1:
        return code
    return None


def _langdetect(text: str) -> tuple[str | None, float]:
    from langdetect import DetectorFactory, detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0
    try:
        best = detect_langs(text)[0]
    except LangDetectException:
        return None, 0.0
    return best.lang, best.prob


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class LanguageDetector(GraphComponent, EntityExtractorMixin):
    """Adds entity `language` (nl/en) or `other_language` to messages that say enough."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"min_words": 4, "min_probability": 0.9}

    def __init__(self, config: dict[str, Any]) -> None:
        self._config = {**self.get_default_config(), **config}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LanguageDetector:
        return cls(config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith("/"):  # a button payload, not something the person wrote
                continue
            code = detect(
                text,
                min_words=self._config["min_words"],
                min_probability=self._config["min_probability"],
            )
            if code is None:
                continue
            entity = "language" if code in ("nl", "en") else "other_language"
            found = {
                "entity": entity,
                "value": code,
                "start": 0,
                "end": len(text),
                "confidence": 1.0,
                "extractor": self.__class__.__name__,
            }
            message.set(ENTITIES, [*message.get(ENTITIES, []), found], add_to_output=True)
        return messages
