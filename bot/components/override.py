"""Components that override the classifier's intent when a deterministic pattern matches.

The original ranking stays in `intent_ranking`, so what else the message says can still be read.
Button payloads ("/affirm") are never overridden: the person chose them.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData


class IntentOverride(GraphComponent, IntentClassifier):
    """Subclasses say which intent a text must have, or None to keep the classifier's."""

    def intent_for(self, text: str, current: str | None) -> str | None:
        raise NotImplementedError

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> IntentOverride:
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith("/"):
                continue
            current = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            intent = self.intent_for(text, current)
            if intent and intent != current:
                message.set(
                    INTENT, {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: 1.0}, add_to_output=True
                )
        return messages
