"""A safety net for crisis signals that the statistical classifier might rank second.

Thoughts of suicide and acute danger must get 113 or 112 at once, also when they are part of a
long story about something else. These patterns are deliberately narrow (high precision): when one
matches, the intent becomes `crisis_suicide` or `crisis_danger`; the original ranking stays in
`intent_ranking`, so the description in the same message can still be read.
"""

from __future__ import annotations

import re

from rasa.engine.recipes.default_recipe import DefaultV1Recipe

from bot.components.override import IntentOverride

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
class CrisisGuard(IntentOverride):
    """Overrides the intent with a crisis intent when a crisis pattern matches."""

    def intent_for(self, text: str, current: str | None) -> str | None:
        if current in ("crisis_suicide", "crisis_danger"):
            return None
        return crisis_of(text)
