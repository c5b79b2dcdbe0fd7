"""Reading a description: which category, which ground, and is it a description at all.

The NLU returns a full intent ranking. When the assistant has asked for a description, the best
`describe_*` intent in that ranking is the category, even when another intent (a vague "ik weet
niet of dit telt...") ranks first. The ground comes from the `discrimination_ground` entities.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.vocab import CATEGORIES, GROUNDS

DESCRIBE = "describe_"
LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
# Below this share of the ranking on description intents, a short message is not read as a
# description (it is a question, a greeting, "ok", ...). Long messages always count.
MIN_DESCRIBE_MASS = 0.3
LONG_MESSAGE_WORDS = 12
MAX_DESCRIPTION_CHARS = 20_000


@dataclass(frozen=True)
class Reading:
    category: str | None
    confidence: float
    describe_mass: float
    ground: str | None


def read_message(message: dict[str, Any]) -> Reading:
    ranking = message.get("intent_ranking") or []
    scores = {
        item["name"][len(DESCRIBE) :]: float(item.get("confidence") or 0.0)
        for item in ranking
        if str(item.get("name", "")).startswith(DESCRIBE)
    }
    scores = {k: v for k, v in scores.items() if k in CATEGORIES}
    intent = (message.get("intent") or {}).get("name") or ""
    if intent.startswith(DESCRIBE) and intent[len(DESCRIBE) :] in CATEGORIES and not scores:
        scores = {intent[len(DESCRIBE) :]: float((message.get("intent") or {}).get("confidence") or 1.0)}
    category = max(scores, key=lambda k: scores[k]) if scores else None
    return Reading(
        category=category,
        confidence=scores.get(category, 0.0) if category else 0.0,
        describe_mass=sum(scores.values()),
        ground=ground_of(message),
    )


# Words that name a ground only in context ("een man schreeuwde", "die oude printer"): on their own
# they never set a ground; the trained GroundClassifier reads them in context.
WEAK_GROUND_WORDS = frozenset(
    ["man", "mannen", "vrouw", "vrouwen", "oud", "oude", "ouder", "jong", "jonge", "jongen", "meisje",
     "dame", "heer", "meneer", "mevrouw", "kind", "zwanger", "getrouwd", "alleen", "nieuw", "nieuwe",
     "man's", "woman", "women", "men", "old", "young", "girl", "boy", "lady", "guy"]
)  # fmt: skip


def ground_of(message: dict[str, Any]) -> str | None:
    """The ground named in the message: the trained GroundClassifier's reading first; without one,
    the first word of the lexicon or the entity model that names a ground by itself."""
    entities = [e for e in message.get("entities") or [] if e.get("entity") == "discrimination_ground"]
    for entity in entities:
        if entity.get("extractor") == "GroundClassifier" and entity.get("value") in GROUNDS:
            return str(entity["value"])
    entities.sort(key=lambda e: (e.get("start") or 0, e.get("extractor") != "GroundLexicon"))
    text = str(message.get("text") or "")
    for entity in entities:
        value = entity.get("value")
        words = text[entity.get("start") or 0 : entity.get("end") or 0].lower().strip()
        if value in GROUNDS and words not in WEAK_GROUND_WORDS:
            return str(value)
    return None


def has_letters(text: str) -> bool:
    return bool(LETTER.search(text or ""))


def reads_as_description(text: str, message: dict[str, Any], reading: Reading) -> bool:
    """Whether a message sent in answer to "what happened?" is a description."""
    if not has_letters(text) or reading.category is None:
        return False
    intent = (message.get("intent") or {}).get("name") or ""
    if intent.startswith(DESCRIBE):
        return True
    return reading.describe_mass >= MIN_DESCRIBE_MASS or len(text.split()) >= LONG_MESSAGE_WORDS


def other_language(message: dict[str, Any]) -> bool:
    return any(e.get("entity") == "other_language" for e in message.get("entities") or [])


def joined(previous: str | None, new: str) -> str:
    """The description so far with the new words added (a correction or more detail)."""
    new = new.strip()
    if not previous:
        return new
    if new in previous:
        return previous
    return f"{previous}\n\n{new}"[-MAX_DESCRIPTION_CHARS:]
