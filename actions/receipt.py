"""Receipt codes: the one thing a person keeps to follow up on an intake.

Made here from `secrets`; recognised in what people type by bot/receipt_code.py, which the NLU
uses too.
"""

from __future__ import annotations

import secrets

from bot.receipt_code import DIGITS, grouped, normalise_receipt_code

__all__ = ["DIGITS", "new_receipt_code", "normalise_receipt_code"]


def new_receipt_code() -> str:
    """A fresh code such as '04817 55120 93346 71002 58839' (leading zeros are kept)."""
    return grouped(f"{secrets.randbelow(10**DIGITS):0{DIGITS}d}")
