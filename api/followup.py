"""Anonymous follow-up by receipt code, with a limit on wrong guesses.

The limiter lives in memory: it keys on a hash of the client address, which is never stored or
logged. With several API processes each keeps its own count; the code's 83 bits carry the real
protection, the limiter only keeps guessing noisy and slow.

Follow-up through the chat comes from the action server's one address, for every reporter at once.
So the action server, when it sends its service token, may name the conversation in the
X-Conversation-Key header, and the per-client count keys on that conversation instead (hashed
like the address, never stored or logged). Without the service token the header is ignored: a
caller cannot choose its own key to escape the limit. The limit for all clients together binds
every request alike.
"""

from __future__ import annotations

import hashlib
import math
import re
import threading
import time
from collections import deque
from collections.abc import Callable

from fastapi.security.utils import get_authorization_scheme_param
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from api.clock import utcnow
from api.crypto import receipt_hash
from api.deadlines import deadlines_of
from api.models import Intake, IntakeEvent, Message
from api.schemas import FollowUpView, MessageRead
from api.security import is_service_token
from api.vocab import Category, MessageAuthor, Status

UNKNOWN_CODE = "Deze code kennen we niet. Controleer de cijfers. / We do not know this code."
TOO_MANY_TRIES = "Te veel pogingen. Probeer het later opnieuw. / Too many attempts, try again later."
CONVERSATION_KEY_HEADER = "X-Conversation-Key"
CONVERSATION_KEY_PATTERN = r"[A-Za-z0-9_-]{8,128}"
_CONVERSATION_KEY = re.compile(CONVERSATION_KEY_PATTERN)


def limit_key(host: str | None, authorization: str | None, conversation_key: str | None) -> str:
    """Whom the per-client limit counts: the conversation the assistant names, else the address.

    The conversation counts only with the assistant's service token and a well-formed key;
    anything else (no token, a wrong one, a malformed key) falls back to the address, silently:
    follow-up needs no credential, so a wrong one is no error here.
    """
    if conversation_key is not None and _CONVERSATION_KEY.fullmatch(conversation_key):
        scheme, token = get_authorization_scheme_param(authorization)
        if scheme.lower() == "bearer" and token and is_service_token(token):
            return "conversation:" + conversation_key
    return "address:" + (host or "unknown")


class FailureLimiter:
    """Sliding window of wrong codes, per client and for all clients together."""

    def __init__(
        self,
        *,
        per_client: int,
        overall: int,
        window_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_client, self.overall, self.window = per_client, overall, window_seconds
        self._clock = clock
        self._by_client: dict[str, deque[float]] = {}
        self._all: deque[float] = deque()
        self._lock = threading.Lock()

    @staticmethod
    def key(client: str) -> str:
        return hashlib.sha256(client.encode()).hexdigest()[:16]

    def _prune(self, now: float) -> None:
        while self._all and self._all[0] <= now - self.window:
            self._all.popleft()
        for key in list(self._by_client):
            times = self._by_client[key]
            while times and times[0] <= now - self.window:
                times.popleft()
            if not times:
                del self._by_client[key]

    def retry_after(self, client: str) -> int | None:
        """Seconds until this client may try again, or None when it may try now."""
        now = self._clock()
        with self._lock:
            self._prune(now)
            times = self._by_client.get(self.key(client))
            if times and len(times) >= self.per_client:
                return max(1, math.ceil(times[0] + self.window - now))
            if len(self._all) >= self.overall:
                return max(1, math.ceil(self._all[0] + self.window - now))
        return None

    def fail(self, client: str) -> None:
        now = self._clock()
        with self._lock:
            self._by_client.setdefault(self.key(client), deque()).append(now)
            self._all.append(now)


def find_by_code(session: Session, code: str) -> Intake | None:
    query = (
        select(Intake).where(Intake.receipt_hash == receipt_hash(code)).options(selectinload(Intake.messages))
    )
    return session.scalar(query)


def add_reporter_message(session: Session, intake: Intake, text: str) -> None:
    now = utcnow()
    intake.messages.append(Message(author=MessageAuthor.reporter, text=text, created_at=now))
    intake.events.append(IntakeEvent(at=now, actor="reporter", action="reporter_message", changes=None))
    intake.updated_at = now
    intake.unread_from_reporter = True


def view_of(intake: Intake) -> FollowUpView:
    return FollowUpView(
        status=Status(intake.status),
        received_at=intake.received_at,
        category=Category(intake.category),
        deadlines=deadlines_of(intake, now=utcnow()),
        messages=[MessageRead.model_validate(m) for m in intake.messages],
    )
