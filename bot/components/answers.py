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
# "ok. ja het klopt, het is pesten" is no question about privacy, whatever the classifier says: a
# message that starts with yes or no and asks nothing answers the question that was asked.
NOT_QUESTIONS_IF_YES_OR_NO = frozenset(
    ["ask_privacy", "ask_term", "ask_human", "ask_options", "out_of_scope", "greet"]
)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class ShortAnswerReader(IntentOverride):
    def intent_for(self, text: str, current: str | None) -> str | None:
        if len(text.split()) > MAX_WORDS:
            return None
        answer = yes_no(text)
        if current in NOT_QUESTIONS_IF_YES_OR_NO and answer is not None and "?" not in text:
            return "affirm" if answer else "deny"
        if current != "nlu_fallback":
            return None
        if answer is not None:
            return "affirm" if answer else "deny"
        return "correct_category" if category_named(text) else None
