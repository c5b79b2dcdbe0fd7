"""Recognises a receipt code in a message, whatever the classifier thought the message was.

A person who comes back with their code should hear the status of their intake, also when they
paste it in a sentence the classifier has never seen ("hoi, ik had deze: 12345-..."). When a code
is found the intent becomes `give_receipt_code`; the original ranking stays in `intent_ranking`.
The crisis guard runs after this one, so a crisis signal in the same message still comes first.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe

from bot.components.override import IntentOverride
from bot.receipt_code import normalise_receipt_code

INTENT_NAME = "give_receipt_code"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class ReceiptCodeDetector(IntentOverride):
    def intent_for(self, text: str, current: str | None) -> str | None:
        return INTENT_NAME if normalise_receipt_code(text) else None
