"""The assistant's vocabularies (domain.md): categories and discrimination grounds.

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
