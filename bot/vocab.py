"""The assistant's vocabularies (domain.md): categories, discrimination grounds, crisis intents.

One place for the NLU components and the action server; plain Python, so the action server does not
import Rasa for it. The API keeps its own copy as its contract (api/vocab.py), and the slot values
in bot/domain/core.yml list the same words.
"""

from __future__ import annotations

CATEGORIES = (
    "pesten",
    "intimidatie",
    "seksuele_intimidatie",
    "agressie_geweld",
    "discriminatie",
    "misstand",
)
GROUNDS = (
    "afkomst",
    "nationaliteit",
    "godsdienst",
    "geslacht",
    "seksuele_gerichtheid",
    "handicap",
    "leeftijd",
    "politieke_gezindheid",
    "burgerlijke_staat",
    "arbeidsduur",
    "anders",
)
# The intents of a crisis: thoughts of suicide (113) and danger right now (112); bot/components/safety.py.
CRISIS_INTENTS = ("crisis_suicide", "crisis_danger")
