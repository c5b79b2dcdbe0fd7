"""The action server's side of the handover: one outbox and one retry loop per process.

`actions/server.py` starts the retry loop when the action server starts, so intakes that were
waiting in the outbox go out after a restart even if nobody chats. The actions reach the same
outbox through `runtime()`; tests build their own `Runtime` with a mocked transport.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import threading
from dataclasses import dataclass, field
from typing import Any

import httpx

from actions.api_client import FollowUpResult, SubmitResult, follow_up, submit_intake
from actions.outbox import Handover, Outbox, handover, start_retry_thread
from actions.settings import HandoverSettings

logger = logging.getLogger(__name__)


@dataclass
class Runtime:
    settings: HandoverSettings
    outbox: Outbox
    client: httpx.Client | None = None  # tests pass one with a mock transport
    _retry: tuple[threading.Thread, threading.Event] | None = field(default=None, repr=False)

    @classmethod
    def from_settings(cls, settings: HandoverSettings, client: httpx.Client | None = None) -> Runtime:
        return cls(settings, Outbox(settings.outbox_path), client)

    def submit(self, payload: dict[str, Any]) -> SubmitResult:
        return submit_intake(payload, settings=self.settings, client=self.client)

    def hand_over(self, payload: dict[str, Any]) -> Handover:
        """Store durably, then try once; the retry loop does the rest. Blocking: run it in a thread."""
        return handover(payload, outbox=self.outbox, submit=self.submit)

    def forget_rejected(self, intake_id: str) -> None:
        """The person was told a refused intake did not arrive: its content is not kept either."""
        self.outbox.forget_rejected(intake_id)

    def follow_up(self, code: str, message: str | None, conversation: str) -> FollowUpResult:
        return follow_up(
            code,
            message,
            settings=self.settings,
            client=self.client,
            conversation_key=self.conversation_key(conversation),
        )

    def conversation_key(self, conversation: str) -> str:
        """An opaque key per conversation, so the API limits wrong codes per person, not for the whole
        action server. Keyed with the service token: the API cannot turn it back into a sender id."""
        secret = (self.settings.service_token or "meldpunt").encode()
        return hmac.new(secret, conversation.encode(), hashlib.sha256).hexdigest()[:32]

    def start_retrying(self) -> None:
        if self._retry is None:
            self._retry = start_retry_thread(self.outbox, self.submit, interval=self.settings.retry_poll)
            logger.info("Outbox %s: retry loop started", self.settings.outbox_path)

    def stop_retrying(self) -> None:
        if self._retry is not None:
            thread, stop = self._retry
            stop.set()
            thread.join(timeout=5)
            self._retry = None


_runtime: Runtime | None = None
_lock = threading.Lock()


def runtime() -> Runtime:
    """This process's runtime, made from the environment on first use, with its retry loop running."""
    global _runtime
    with _lock:
        if _runtime is None:
            _runtime = Runtime.from_settings(HandoverSettings.from_env())
            _runtime.start_retrying()
        return _runtime


def use_runtime(value: Runtime | None) -> None:
    """Replace this process's runtime (tests; None makes the next `runtime()` read the environment)."""
    global _runtime
    with _lock:
        if _runtime is not None and _runtime is not value:
            _runtime.stop_retrying()
        _runtime = value
