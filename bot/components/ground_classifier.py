"""The discrimination ground, read by a trained model from the whole message.

People name a ground in ordinary words: "Surinamers", "lesbiennes", "mijn autisme-diagnose", "omdat
ik pas 23 ben", "waar ik echt vandaan kom". A word list misses most of them and fires on words that
say nothing on their own ("man", "vrouw", "oud"). This component learns the ground from the
examples annotated with a `discrimination_ground` entity, against the examples of every other
intent (label "geen"): logistic regression over words, character n-grams (Surinamers ~ surinaams),
the e5 sentence embedding, and the ground lexicon as one more feature. It adds one
`discrimination_ground` entity, spanning the message, when a ground is likely enough; the action
server takes the ground from this component first (actions/classify.py `ground_of`).
"""

from __future__ import annotations

import re
from typing import Any

import joblib
import numpy as np
import scipy.sparse as sp
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from bot.components.grounds import ENTITY, build_lexicon, compile_lexicon, ground_vector
from bot.vocab import GROUNDS

FILE_NAME = "ground_classifier.joblib"
NONE = "geen"
# Intents whose examples name a ground when annotated; their unannotated examples are left out of
# training (they may imply one without saying it).
GROUND_INTENTS = ("describe_discriminatie", "inform_ground")


def _dense(message: Message) -> np.ndarray | None:
    _, sentence = message.get_dense_features(TEXT)
    return None if sentence is None else sentence.features.reshape(-1)


def gold_ground(message: Message) -> str | None:
    for entity in message.get(ENTITIES) or []:
        if entity.get("entity") == ENTITY and entity.get("value") in GROUNDS:
            return str(entity["value"])
    return None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class GroundClassifier(GraphComponent, EntityExtractorMixin):
    """Adds the `discrimination_ground` the message most likely names, if any."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "C": 5.0,
            "dense_weight": 2.0,
            "lexicon_weight": 1.0,
            "threshold": 0.4,  # the ground's probability at least this, and above "geen"
            "random_seed": 1700,
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: dict[str, Any] | None = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._storage = model_storage
        self._resource = resource
        self._model = model
        self._pattern: re.Pattern[str] | None = compile_lexicon(model["lexicon"]) if model else None

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GroundClassifier:
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> GroundClassifier:
        try:
            with model_storage.read_from(resource) as path:
                model = joblib.load(path / FILE_NAME)
        except (ValueError, FileNotFoundError):
            model = None
        return cls(config, model_storage, resource, model)

    def _features(self, texts: list[str], dense: list[np.ndarray | None]) -> sp.csr_matrix:
        assert self._model is not None
        width = self._model["dense_width"]
        rows = [d if d is not None and d.shape[0] == width else np.zeros(width) for d in dense]
        lexicon = self._model["lexicon"]
        words = np.array([ground_vector(t, lexicon, self._pattern) for t in texts])
        return sp.hstack(
            [
                self._model["word"].transform(texts),
                self._model["char"].transform(texts),
                sp.csr_matrix(np.vstack(rows) * self._config["dense_weight"]),
                sp.csr_matrix(words * self._config["lexicon_weight"]),
            ]
        ).tocsr()

    def train(self, training_data: TrainingData) -> Resource:
        texts: list[str] = []
        labels: list[str] = []
        dense: list[np.ndarray | None] = []
        for message in training_data.intent_examples:
            text = message.get(TEXT)
            if not text:
                continue
            ground = gold_ground(message)
            if ground is None and message.get(INTENT) in GROUND_INTENTS:
                continue
            texts.append(text)
            labels.append(ground or NONE)
            dense.append(_dense(message))
        lexicon = build_lexicon(training_data)
        self._pattern = compile_lexicon(lexicon)
        self._model = {
            "word": TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True).fit(texts),
            "char": TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=2).fit(
                texts
            ),
            "dense_width": next((d.shape[0] for d in dense if d is not None), 0),
            "lexicon": lexicon,
        }
        clf = LogisticRegression(
            C=self._config["C"],
            max_iter=3000,
            class_weight="balanced",
            random_state=self._config["random_seed"],
        )
        clf.fit(self._features(texts, dense), labels)
        self._model["clf"] = clf
        with self._storage.write_to(self._resource) as path:
            joblib.dump(self._model, path / FILE_NAME)
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        if self._model is None:
            return messages
        todo = [m for m in messages if m.get(TEXT) and not str(m.get(TEXT)).startswith("/")]
        if not todo:
            return messages
        clf = self._model["clf"]
        rows = clf.predict_proba(self._features([m.get(TEXT) for m in todo], [_dense(m) for m in todo]))
        classes = [str(c) for c in clf.classes_]
        for message, row in zip(todo, rows, strict=True):
            best = int(np.argmax(row))
            if classes[best] == NONE or row[best] < self._config["threshold"]:
                continue
            text = str(message.get(TEXT))
            entity = {
                "entity": ENTITY,
                "value": classes[best],
                "start": 0,
                "end": len(text),
                "confidence": float(row[best]),
                "extractor": self.__class__.__name__,
            }
            message.set(ENTITIES, [*message.get(ENTITIES, []), entity], add_to_output=True)
        return messages
