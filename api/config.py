"""Settings, read from the environment (prefix ``MELDPUNT_``) and an optional ``.env`` file."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SQLITE_URL = "sqlite:///./var/data/meldpunt.db"


class Settings(BaseSettings):
    """Every setting of the API; `.env.example` documents each one."""

    model_config = SettingsConfigDict(
        env_prefix="MELDPUNT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    # DATABASE_URL is the conventional name; MELDPUNT_DATABASE_URL works too.
    database_url: str = Field(
        default=DEFAULT_SQLITE_URL,
        validation_alias=AliasChoices("DATABASE_URL", "MELDPUNT_DATABASE_URL"),
    )
    # Bearer token of the assistant's action server: it may submit intakes and nothing else.
    service_token: SecretStr | None = None
    # Fernet key(s) for fields encrypted at rest; comma-separated, newest first, for key rotation.
    encryption_key: SecretStr | None = None
    # Key of the HMAC under which receipt codes are stored (the code itself never is).
    receipt_hash_key: SecretStr | None = None
    # Signing key of staff access tokens.
    jwt_secret: SecretStr | None = None
    access_token_minutes: int = Field(default=60, ge=1, le=24 * 60)

    # Figures: cells below this count are suppressed in exports that leave the Meldpunt.
    stats_min_cell: int = Field(default=5, ge=1)
    # Retention: intakes closed longer than this many days are anonymised.
    retention_days: int = Field(default=730, ge=1)

    # Reporter follow-up: wrong receipt codes allowed per client per window, and for all clients.
    followup_max_failures: int = Field(default=5, ge=1)
    followup_global_max_failures: int = Field(default=200, ge=1)
    followup_window_seconds: int = Field(default=900, ge=1)

    # Requests with a larger body are refused before they are parsed.
    max_body_bytes: int = Field(default=1_000_000, ge=1024)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"


@lru_cache
def get_settings() -> Settings:
    """The settings of this process; tests clear the cache after changing the environment."""
    return Settings()
