"""Reading short answers that are not content: "nee hoor, dank je", "niets meer", "that's all".

Such an answer to "Wil je nog iets toevoegen?" or "Wil je nog meer vertellen?" is an answer, never
text added to the story or sent to the Meldpunt as a message.
"""

from __future__ import annotations

import re

# At least one word that says "nothing (more)", and no word beyond these and the fillers.
NOTHING_MARKERS = frozenset(
    [
        "nee",
        "neen",
        "nope",
        "no",
        "niets",
        "niks",
        "nothing",
        "geen",
        "alles",
        "all",
        "genoeg",
        "enough",
        "was",
    ]
)
NOTHING_FILLERS = frozenset(
    [
        "hoor",
        "dank",
        "je",
        "u",
        "wel",
        "bedankt",
        "thanks",
        "thank",
        "you",
        "meer",
        "verder",
        "toe",
        "te",
        "voegen",
        "dat",
        "het",
        "t",
        "is",
        "that's",
        "thats",
        "it",
        "else",
        "to",
        "add",
        "more",
        "ok",
        "oke",
        "oké",
        "prima",
        "goed",
        "zo",
        "sorry",
        "hoe",
        "dan",
        "ook",
        "voor",
        "nu",
        "for",
        "now",
        "dit",
        "this",
    ]
)


def says_nothing(text: str) -> bool:
    """ "nee hoor, dank je", "niets meer", "that's all": only words of having nothing to add."""
    words = re.findall(r"[a-zà-ÿ']+", text.lower())
    return (
        bool(words)
        and any(w in NOTHING_MARKERS for w in words)
        and all(w in NOTHING_MARKERS or w in NOTHING_FILLERS for w in words)
    )


# Yes/no and categories in words live with the NLU, which reads them too.
from bot.answers import category_named, yes_no  # noqa: E402

__all__ = ["category_named", "says_nothing", "yes_no"]
