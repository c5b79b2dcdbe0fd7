"""Receipt codes: the one thing a person keeps to follow up on an intake.

Made here from `secrets`; recognised in what people type by bot/receipt_code.py, which the NLU
uses too.
"""

from __future__ import annotations

import secrets

from bot.receipt_code import DIGITS, grouped, normalise_receipt_code

__all__ = ["DIGITS", "new_receipt_code", "normalise_receipt_code", "receipt_code_from"]


def new_receipt_code() -> str:
    """A fresh code such as '04817 55120 93346 71002 58839' (leading zeros are kept)."""
    return grouped(f"{secrets.randbelow(10**DIGITS):0{DIGITS}d}")


def receipt_code_from(digest: bytes) -> str:
    """The code a secret keyed hash of at least 32 bytes stands for (the bias of the modulo is nil)."""
    if len(digest) < 32:
        raise ValueError("a receipt code needs a digest of at least 32 bytes")
    return grouped(f"{int.from_bytes(digest, 'big') % 10**DIGITS:0{DIGITS}d}")
