"""Find the discrimination ground from the words people use for it.

DIET learns to tag ground words in context; this lexicon catches the words it has seen only as
synonyms (the lists in data/nlu/discrimination_ground.yml: "hoofddoek" -> godsdienst, "rolstoel"
-> handicap). It is trained from the synonyms whose value is a ground, so the word list lives in
one place. Longer phrases win over the words inside them.
"""

from __future__ import annotations

import re
from typing import Any

import rasa.shared.utils.io
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.vocab import GROUNDS

ENTITY = "discrimination_ground"
FILE_NAME = "ground_lexicon.json"


def build_lexicon(training_data: TrainingData) -> dict[str, str]:
    """Surface word -> ground, from the entity synonyms whose value is a ground."""
    lexicon = {
        surface.lower(): value
        for surface, value in training_data.entity_synonyms.items()
        if value in GROUNDS and surface.lower() != value
    }
    # The canonical names are words people use too ("leeftijd", "afkomst").
    lexicon.update({g: g for g in GROUNDS if g != "anders"})
    lexicon.update({"seksuele gerichtheid": "seksuele_gerichtheid", "burgerlijke staat": "burgerlijke_staat"})
    return lexicon


def ground_vector(text: str, lexicon: dict[str, str], pattern: re.Pattern[str] | None) -> list[float]:
    """One 0/1 per ground: whether a word for it occurs in the text."""
    found = {hit["value"] for hit in find_grounds(text, lexicon, pattern)}
    return [1.0 if ground in found else 0.0 for ground in GROUNDS]


def compile_lexicon(lexicon: dict[str, str]) -> re.Pattern[str] | None:
    words = sorted(lexicon, key=len, reverse=True)
    if not words:
        return None
    alternatives = "|".join(re.escape(w) for w in words)
    return re.compile(rf"(?<![\w-])({alternatives})(?![\w-])", re.IGNORECASE)


def find_grounds(text: str, lexicon: dict[str, str], pattern: re.Pattern[str] | None) -> list[dict]:
    if pattern is None:
        return []
    found = []
    for match in pattern.finditer(text):
        value = lexicon[match.group(1).lower()]
        found.append({"value": value, "start": match.start(), "end": match.end(), "text": match.group(1)})
    return found


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class GroundLexicon(GraphComponent, EntityExtractorMixin):
    """Adds `discrimination_ground` entities for known ground words (surface word -> ground)."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {}

    def __init__(
        self, model_storage: ModelStorage, resource: Resource, lexicon: dict[str, str] | None = None
    ) -> None:
        self._storage = model_storage
        self._resource = resource
        self.lexicon: dict[str, str] = lexicon or {}
        self._pattern = compile_lexicon(self.lexicon)

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GroundLexicon:
        return cls(model_storage, resource)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> GroundLexicon:
        try:
            with model_storage.read_from(resource) as path:
                lexicon = rasa.shared.utils.io.read_json_file(path / FILE_NAME)
        except (ValueError, FileNotFoundError):
            lexicon = {}
        return cls(model_storage, resource, lexicon)

    def train(self, training_data: TrainingData) -> Resource:
        lexicon = build_lexicon(training_data)
        self.lexicon = lexicon
        self._pattern = compile_lexicon(lexicon)
        with self._storage.write_to(self._resource) as path:
            rasa.shared.utils.io.dump_obj_as_json_to_file(path / FILE_NAME, lexicon)
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith("/"):
                continue
            found = [
                {
                    "entity": ENTITY,
                    "value": hit["value"],
                    "start": hit["start"],
                    "end": hit["end"],
                    "confidence": 1.0,
                    "extractor": self.__class__.__name__,
                }
                for hit in find_grounds(text, self.lexicon, self._pattern)
            ]
            if found:
                message.set(ENTITIES, [*message.get(ENTITIES, []), *found], add_to_output=True)
        return messages
