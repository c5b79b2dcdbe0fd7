"""A short typed answer the classifier was unsure of is still a yes, a no or a category.

"jazeker", "klopt wel ongeveer", "nope", "nee, bij de gemeente" or "eerder intimidatie, hij dreigt"
can rank below the fallback threshold. Then the message is read by its words (bot/answers.py):
affirm, deny, or correct_category, so the question that was asked gets its answer instead of "Sorry,
dat begreep ik niet". Only for short messages the classifier gave up on; the crisis detector runs
after this component and still wins.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe

from bot.answers import category_named, yes_no
from bot.components.override import IntentOverride

MAX_WORDS = 12


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class ShortAnswerReader(IntentOverride):
    def intent_for(self, text: str, current: str | None) -> str | None:
        if current != "nlu_fallback" or len(text.split()) > MAX_WORDS:
            return None
        answer = yes_no(text)
        if answer is not None:
            return "affirm" if answer else "deny"
        return "correct_category" if category_named(text) else None
