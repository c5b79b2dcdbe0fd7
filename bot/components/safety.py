"""A safety net for crisis signals that the statistical classifier might rank second.

Thoughts of suicide and acute danger must get 113 or 112 at once, also when they are part of a
long story about something else. These patterns are deliberately narrow (high precision): when one
matches, the intent becomes `crisis_suicide` or `crisis_danger`; the original ranking stays in
`intent_ranking`, so the description in the same message can still be read.
"""

from __future__ import annotations

import re
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

SUICIDE = re.compile(
    r"zelfmoord|su[iï]ci?d|zelfdoding|"
    r"niet meer (wil(len)? )?leven|wil(de)? (ik )?(niet meer leven|dood)|dood (wil|willen)\b|"
    r"(eind|einde) aan (mijn|m'?n|mn|het|me) (eigen )?leven|er (zelf )?een (eind|einde) aan (maken|te maken|maak)|"
    r"mezelf (iets )?(aan ?doen|van kant maken|ophangen)|van het leven (te )?beroven|"
    r"niet meer wakker (te )?worden|"
    r"kill (my ?self|me)\b|end (my|it all|my own) ?life|end it all|want(ed)? to die|"
    r"take my (own )?life|hurt(ing)? myself|don'?t want to (live|be alive)",
    re.IGNORECASE,
)
DANGER = re.compile(
    r"(ben|zijn|zit|voel me) (nu|op dit moment|nu echt) in (acuut )?gevaar|acuut gevaar|"
    r"(staat|wacht|is) (nu|op dit moment) (voor|bij|buiten) (mijn|de|m'?n) (deur|huis)|"
    r"heeft (nu )?een (mes|wapen|pistool) (bij zich )?en|"
    r"i'?m in danger|in danger right now|(he|she|they) (is|are) (outside|at) my (door|house) (now|right now)",
    re.IGNORECASE,
)
# Said of someone else ("hij zei dat ik zelfmoord moest plegen") it is still worth the 113 line:
# a false alarm costs one kind message, a missed signal costs far more.


def crisis_of(text: str) -> str | None:
    if SUICIDE.search(text):
        return "crisis_suicide"
    if DANGER.search(text):
        return "crisis_danger"
    return None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class CrisisGuard(GraphComponent, IntentClassifier):
    """Overrides the intent with a crisis intent when a crisis pattern matches."""

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
    ) -> CrisisGuard:
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            crisis = None if text.startswith("/") else crisis_of(text)
            current = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            if crisis and current not in ("crisis_suicide", "crisis_danger"):
                message.set(
                    INTENT, {INTENT_NAME_KEY: crisis, PREDICTED_CONFIDENCE_KEY: 1.0}, add_to_output=True
                )
        return messages
