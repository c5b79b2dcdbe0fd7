"""Encryption at rest for free-text fields, and the keyed hash under which receipt codes are stored."""

from __future__ import annotations

import hashlib
import hmac
import json
import string
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from api.config import get_settings

MISSING_KEY = "MELDPUNT_ENCRYPTION_KEY is not set: run `make env` or see .env.example"
MISSING_RECEIPT_KEY = "MELDPUNT_RECEIPT_HASH_KEY is not set: run `make env` or see .env.example"


@lru_cache(maxsize=4)
def _fernet(keys: str) -> MultiFernet:
    # Several keys, newest first: new values use the first, old values still decrypt.
    return MultiFernet([Fernet(k.strip().encode()) for k in keys.split(",") if k.strip()])


def fernet() -> MultiFernet:
    key = get_settings().encryption_key
    if key is None:
        raise RuntimeError(MISSING_KEY)
    return _fernet(key.get_secret_value())


def encrypt(value: str) -> str:
    return fernet().encrypt(value.encode()).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode("ascii")).decode()
    except InvalidToken as exc:  # a wrong key must never look like empty data
        raise RuntimeError("cannot decrypt a stored field: wrong MELDPUNT_ENCRYPTION_KEY?") from exc


class EncryptedText(TypeDecorator[str]):
    """A text column stored as a Fernet token."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else encrypt(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else decrypt(value)


class EncryptedJSON(TypeDecorator[Any]):
    """Any JSON value, stored as a Fernet token."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else encrypt(json.dumps(value, ensure_ascii=False))

    def process_result_value(self, value: str | None, dialect: Dialect) -> Any:
        return None if value is None else json.loads(decrypt(value))


def normalise_receipt_code(code: str) -> str:
    """Digits only: people read codes aloud and type them with spaces or dashes."""
    return "".join(ch for ch in code if ch in string.digits)


def receipt_hash(code: str) -> str:
    key = get_settings().receipt_hash_key
    if key is None:
        raise RuntimeError(MISSING_RECEIPT_KEY)
    digest = hmac.new(key.get_secret_value().encode(), normalise_receipt_code(code).encode(), hashlib.sha256)
    return digest.hexdigest()
