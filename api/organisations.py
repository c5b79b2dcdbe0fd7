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


# The closed list of organisations for figures that leave the Meldpunt: an organisation as the
# reporter typed it is free text (and may hold anything they wrote), so an export names only these;
# everything else is counted as OTHER_ORGANISATION. Services before their ministries.
KNOWN = (
    (r"\bbelastingdienst\b|\btax (and customs )?administration\b", "Belastingdienst"),
    (r"\btoeslagen\b", "Dienst Toeslagen"),
    (r"\bdouane\b|\bcustoms\b", "Douane"),
    (r"\brijkswaterstaat\b|\brws\b", "Rijkswaterstaat"),
    (r"\bduo\b", "DUO"),
    (r"\bnvwa\b", "NVWA"),
    (r"\bilt\b", "ILT"),
    (r"\brvo\b", "RVO"),
    (r"\brijksvastgoedbedrijf\b", "Rijksvastgoedbedrijf"),
    (r"\blogius\b", "Logius"),
    (r"\bp-direkt\b", "P-Direkt"),
    (r"\bssc-ict\b", "SSC-ICT"),
    (r"\brivm\b", "RIVM"),
    (r"\bknmi\b", "KNMI"),
    (r"\bind\b", "IND"),
    (r"\bdji\b|\bprison", "DJI"),
    (r"\bmarechaussee\b|\bkmar\b|\bmilitary police\b", "Koninklijke Marechaussee"),
    (r"\bkadaster\b", "Kadaster"),
    (r"\buwv\b", "UWV"),
    (r"\bsvb\b", "SVB"),
    (r"\bcbs\b|\bstatistics netherlands\b", "CBS"),
    (r"\brechtspraak\b|\brechtbank\b|\bgerechtshof\b|\bjudiciary\b|\bcourt\b", "Rechtspraak"),
    (
        r"\bbuitenlandse zaken\b|\bbuza\b|\bambassade\b|\bforeign\b|\bembassy\b|\bconsulate\b",
        "Ministerie van BZ",
    ),
    (
        r"\bdefensie\b|\bmindef\b|\bdefen[cs]e\b|\b(land|lucht)macht\b|\bmarine\b|\barmed forces\b",
        "Ministerie van Defensie",
    ),
    (r"\bjustitie\b|\bjenv\b|\bj&v\b|\bjustice\b", "Ministerie van JenV"),
    (r"\bbzk\b|\bbinnenlandse zaken\b|\binterior\b", "Ministerie van BZK"),
    (r"\bfinanci[eë]n\b|\bfinance\b", "Ministerie van Financiën"),
    (r"\bocw\b|\bonderwijs\b|\beducation\b", "Ministerie van OCW"),
    (r"\bvws\b|\bvolksgezondheid\b|\bhealth\b", "Ministerie van VWS"),
    (r"\bszw\b|\bsociale zaken\b|\bsocial affairs\b", "Ministerie van SZW"),
    (r"\bi&w\b|\bienw\b|\binfrastructu", "Ministerie van IenW"),
    (r"\bezk?\b|\beconomische zaken\b|\beconomic affairs\b", "Ministerie van EZ"),
    (r"\blvvn?\b|\blandbouw\b|\bagricultur", "Ministerie van LVVN"),
    (r"\bkgg\b|\bklimaat\b|\bclimate\b", "Ministerie van KGG"),
    (r"\baz\b|\balgemene zaken\b|\bgeneral affairs\b", "Ministerie van AZ"),
)
OTHER_ORGANISATION = "Andere organisatie"
_KNOWN = tuple((re.compile(pattern), name) for pattern, name in KNOWN)


def known_organisation(organisation: str | None) -> str:
    """The organisation's name from the closed list, or OTHER_ORGANISATION."""
    text = (organisation or "").strip().lower()
    for pattern, name in _KNOWN:
        if pattern.search(text):
            return name
    return OTHER_ORGANISATION
