"""Settings of the handover to the Meldpunt API, read from the environment.

Nothing happens at import time: `HandoverSettings.from_env()` reads the variables when the action
server needs them, so tests and the other actions never depend on them. `.env.example` documents
every variable.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_API_URL = "http://127.0.0.1:8000"
DEFAULT_OUTBOX_PATH = "var/data/outbox.db"
MISSING_TOKEN = (
    "MELDPUNT_SERVICE_TOKEN is not set: the action server cannot hand over intakes. "
    "Set the same token as the API's (run `make env` or see .env.example)."
)


class SettingsError(RuntimeError):
    """A handover setting is missing or unreadable; the message names the variable."""


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number of seconds, not {raw!r}") from None
    if value <= 0:
        raise SettingsError(f"{name} must be more than 0 seconds, not {raw!r}")
    return value


@dataclass(frozen=True)
class HandoverSettings:
    api_url: str = DEFAULT_API_URL
    # None when unset: only submitting needs it (follow-up does not), see `token()`.
    service_token: str | None = None
    outbox_path: Path = Path(DEFAULT_OUTBOX_PATH)
    connect_timeout: float = 3.0
    # Per read and write: a person waits for this during the handover, so kept short. A slow API
    # does not lose the intake, it goes to the outbox and is retried.
    timeout: float = 10.0
    # How often the background loop looks for intakes in the outbox that are due again.
    retry_poll: float = 5.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> HandoverSettings:
        env = os.environ if env is None else env
        return cls(
            api_url=(env.get("MELDPUNT_API_URL", "").strip() or DEFAULT_API_URL).rstrip("/"),
            service_token=env.get("MELDPUNT_SERVICE_TOKEN", "").strip() or None,
            outbox_path=Path(env.get("HANDOVER_OUTBOX_PATH", "").strip() or DEFAULT_OUTBOX_PATH),
            connect_timeout=_seconds(env, "HANDOVER_CONNECT_TIMEOUT_SECONDS", cls.connect_timeout),
            timeout=_seconds(env, "HANDOVER_TIMEOUT_SECONDS", cls.timeout),
            retry_poll=_seconds(env, "HANDOVER_RETRY_POLL_SECONDS", cls.retry_poll),
        )

    def token(self) -> str:
        """The service token, or a SettingsError that says how to set it."""
        if not self.service_token:
            raise SettingsError(MISSING_TOKEN)
        return self.service_token
