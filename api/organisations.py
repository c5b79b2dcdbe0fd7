"""Which organisations fall under the rijksbrede KCOO (domain.md, seed 001).

Outside it for now: Defensie, Buitenlandse Zaken, parts of Justitie en Veiligheid, the Raad voor de
Rechtspraak and zbo's with their own legal personality. The assistant usually sends its own reading;
this is the fallback when it sends none. Parts of JenV cannot be told apart by name: unknown (None).
"""

from __future__ import annotations

import re

OUTSIDE = (
    r"\bdefensie\b",
    r"\bmindef\b",
    r"\bkoninklijke (land|lucht)macht\b",
    r"\bmarine\b",
    r"\bmarechaussee\b",
    r"\bkmar\b",
    r"\bbuitenlandse zaken\b",
    r"\bbuza\b",
    r"\bambassade\b",
    r"\brechtspraak\b",
    r"\brechtbank\b",
    r"\bgerechtshof\b",
    r"\bzbo\b",
    # zbo's with their own legal personality
    r"\bcbs\b",
    r"\bkadaster\b",
    r"\buwv\b",
    r"\bsvb\b",
    # The same in English, as people who write English name them.
    r"\bforeign affairs\b",
    r"\bforeign (office|ministry)\b",
    r"\bembassy\b",
    r"\bconsulate\b",
    r"\bdefen[cs]e\b",
    r"\barmed forces\b",
    r"\b(army|navy|air force)\b",
    r"\bmilitary police\b",
    r"\bjudiciary\b",
    r"\bcourt of (appeal|justice)\b",
    r"\bdistrict court\b",
    r"\bstatistics netherlands\b",
)
UNCERTAIN = (
    r"\bjustitie\b",
    r"\bjenv\b",
    r"\bj&v\b",
    r"\bdji\b",
    r"\bpolitie\b",
    r"\bom\b",
    r"\bjustice\b",
    r"\bpolice\b",
    r"\bprison",
    r"\bpublic prosecut",
)
INSIDE = (
    r"\bministerie\b",
    r"\bbzk\b",
    r"\bfinanci[eë]n\b",
    r"\bbelastingdienst\b",
    r"\bocw\b",
    r"\bvws\b",
    r"\bszw\b",
    r"\bi&w\b",
    r"\bienw\b",
    r"\brijkswaterstaat\b",
    r"\bez\b",
    r"\bezk\b",
    r"\blvvn?\b",
    r"\bkgg\b",
    r"\baz\b",
    r"\balgemene zaken\b",
    r"\bduo\b",
    r"\bnvwa\b",
    r"\bilt\b",
    r"\brvo\b",
    r"\brijksvastgoedbedrijf\b",
    r"\blogius\b",
    r"\bp-direkt\b",
    r"\bssc-ict\b",
    r"\bdouane\b",
    r"\btoeslagen\b",
    r"\brivm\b",
    r"\bknmi\b",
    r"\brijksoverheid\b",
    r"\bbinnenlandse zaken\b",
    r"\bsociale zaken\b",
    r"\binfrastructuur\b",
    r"\bministry\b",
    r"\btax (and customs )?administration\b",
    r"\bcustoms\b",
    r"\binterior\b",
    r"\bgeneral affairs\b",
    r"\bsocial affairs\b",
    r"\beconomic affairs\b",
    r"\bcentral government\b",
)


def _any_of(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """One regex that matches where any of the patterns does (searched once, not once per pattern)."""
    return re.compile("|".join(f"(?:{p})" for p in patterns))


_OUTSIDE, _UNCERTAIN, _INSIDE = _any_of(OUTSIDE), _any_of(UNCERTAIN), _any_of(INSIDE)


def falls_under_kcoo(organisation: str) -> bool | None:
    """True, False, or None where the name alone cannot tell."""
    text = organisation.strip().lower()
    if _OUTSIDE.search(text):
        return False
    if _UNCERTAIN.search(text):
        return None
    return True if _INSIDE.search(text) else None
