"""Short answers as people type them: yes and no, and a category named in words.

Plain Python, shared by the NLU (bot/components/answers.py: a low-confidence "jazeker" is still a
yes) and the action server (the form reads a yes or no in the light of the question it asked).
"""

from __future__ import annotations

import re

# Yes and no as people type them, Dutch and English, with typos and words around them ("ja, bij BZK",
# "klopt wel ongeveer", "nee hoor"). A message that starts with one of these answers a yes/no question,
# whatever intent the NLU gave it; the rest of the message may say more ("nee, bij de gemeente").
YES = re.compile(
    r"^\W*(?:ja+h?|jawel|jazeker|jaja|jep|jup|jes|jo|yes+|yep|yup|yeah|ya|yea|klopt|klop|dat klopt|"
    r"precies|zeker|zeker weten|inderdaad|correct|juist|helemaal|absoluut|sure|right|exactly|"
    r"that'?s right|that'?s correct|true|ok[eé]?|okay|prima|goed zo|dat is (?:het|zo)|idd)\b(?!\s+niet\b)",
    re.IGNORECASE,
)
NO = re.compile(
    r"^\W*(?:nee+|neen|neuh|nope|no+|nah|nein|niet echt|niet helemaal|niet precies|klopt niet|"
    r"dat klopt niet|helemaal niet|zeker niet|not really|not quite|not exactly|that'?s not (?:right|it)|"
    r"incorrect|wrong|fout|niet waar)\b",
    re.IGNORECASE,
)


def yes_no(text: str, intent: str = "") -> bool | None:
    """True for a yes, False for a no, None for neither: the words first, then the NLU's intent."""
    if NO.match(text or ""):
        return False
    if YES.match(text or ""):
        return True
    if intent == "affirm":
        return True
    if intent == "deny":
        return False
    return None


# A category named in words, to correct the assistant's reading: "nee, het was eigenlijk meer
# intimidatie", "eerder pesten", "not really, more threats". Sexual harassment before intimidation.
CATEGORY_WORDS = (
    ("seksuele_intimidatie",
     r"seksuele intimidatie|sexual harassment|seksu\w*|sexual\w*|aangerand|aanranding|"
     r"grensoverschrijd\w*|#metoo"),
    ("discriminatie", r"discrimin\w*|racis\w*|ongelijk\w* behandel\w*|uitgesloten om"),
    ("misstand", r"misstand\w*|fraude\w*|frauderen|integriteit\w*|corrupt\w*|omkop\w*|diefstal|datalek\w*|"
                 r"fraud|bribe\w*|brib\w*|wrongdoing|misconduct"),
    ("agressie_geweld", r"agressi\w*|aggress\w*|geweld\w*|violen\w*|mishandel\w*|geslagen|geduwd|"
                        r"uitgescholden|scheld\w*|schreeuw\w*|shout\w*|yell\w*"),
    ("intimidatie", r"intimid\w*|bedreig\w*|dreig\w*|threat\w*|onder druk|machtsmisbruik|bang gemaakt"),
    ("pesten", r"pest\w*|gepest|bully\w*|bullied|buitengesloten|treiter\w*|genegeerd|uitgelachen"),
)  # fmt: skip
_CATEGORY = re.compile(
    "|".join(f"(?P<{name}>\\b(?:{words}))" for name, words in CATEGORY_WORDS), re.IGNORECASE
)
_NEGATED = re.compile(r"(?:\bgeen|\bniet|\bnot|\bno|\bnot really)\s+(?:\w+\s+){0,1}$", re.IGNORECASE)


def category_named(text: str, current: str | None = None) -> str | None:
    """The category the words name, leaving out what they deny ("geen pesten maar ...") and, when
    another is named too, the reading being corrected."""
    named: list[str] = []
    for match in _CATEGORY.finditer(text or ""):
        if _NEGATED.search(text[max(0, match.start() - 20) : match.start()]):
            continue
        name = match.lastgroup
        if name and name not in named:
            named.append(name)
    if current in named and len(named) > 1:
        named.remove(current)
    return named[-1] if named else None
