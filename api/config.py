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
    # Review pages (/review/): a session ends after this many idle minutes, and at the latest this
    # many hours after login.
    review_idle_minutes: int = Field(default=30, ge=1, le=24 * 60)
    review_session_hours: int = Field(default=8, ge=1, le=24)

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

    # The chat page (/chat/) relays messages to the assistant's chat channel at this address.
    assistant_url: str = "http://127.0.0.1:5005"
    assistant_timeout_seconds: float = Field(default=30.0, gt=0, le=300)
    # Longest message a person may send; the assistant reads the same variable.
    chat_max_message_chars: int = Field(default=2000, ge=1, le=100_000)
    # Where "Snel weg" (quick exit) takes the person: a neutral page, replacing the chat in the history.
    chat_exit_url: str = "https://www.knmi.nl/nederland-nu/weer/verwachtingen"
    # Origins (space or comma separated) of intranet pages allowed to embed the chat widget.
    chat_embed_origins: str = ""


@lru_cache
def get_settings() -> Settings:
    """The settings of this process; tests clear the cache after changing the environment."""
    return Settings()
