"""Receipt codes as people type or paste them: shared by the NLU (which recognises a code in a
message) and the action server (which makes codes and follows up with them).

25 digits, shown as five groups of five: 10**25 > 2**83, so more than 80 bits, and digits only
because people read codes aloud and type them on a phone. The API accepts exactly this form (and
ignores spaces and dashes), see api/schemas.py.
"""

from __future__ import annotations

import re

DIGITS = 25
GROUP = 5
# Digits with up to three separators between them ("12345 - 67890"), as people type or paste a
# code: spaces (also non-breaking), dashes (also the typographic ones a word processor makes), dots.
_CANDIDATE = re.compile(r"[0-9](?:[\s.\-\u2010-\u2015]{0,3}[0-9])*")


def grouped(digits: str) -> str:
    return " ".join(digits[i : i + GROUP] for i in range(0, len(digits), GROUP))


def normalise_receipt_code(text: str) -> str | None:
    """The code in what a person typed or pasted, in the grouped form; None when there is none.

    The code may stand in a sentence ("mijn code is 12345-..."). A run of digits of another length
    is not a code (never cut or padded), and two codes in one message are ambiguous: None.
    """
    found = []
    for run in _CANDIDATE.findall(text):
        digits = re.sub(r"[^0-9]", "", run)
        if len(digits) == DIGITS:
            found.append(digits)
    return grouped(found[0]) if len(found) == 1 else None
