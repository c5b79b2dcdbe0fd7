"""The durable outbox: an intake the person consented to send is never lost.

The intake is written to SQLite before any network I/O, then handed over; when the API is down,
slow or overloaded it stays and is retried with backoff until the API accepts it. The API is
idempotent on the intake id, so a retry after a lost answer stores it once. A rejected intake
(4xx: a bug on our side) is kept and never retried automatically: a person looks at it.

After acceptance the payload is erased and only the id kept: the Meldpunt holds the intake now,
and the id alone keeps a later `put` of the same intake from sending it again.
"""

from __future__ import annotations

import json
import logging
import os
import random
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from actions.api_client import Outcome, SubmitResult

logger = logging.getLogger(__name__)

BASE_DELAY = 5.0  # seconds before the first retry, doubling after every failure
MAX_DELAY = 15 * 60.0
JITTER = 0.2  # each delay is shortened by up to this share, so retries of many intakes spread out
# The handover's own first try has this long before the retry loop may pick the intake up: the
# loop only takes over when that try never reported back (the action server stopped mid-way).
HANDOVER_GRACE = 60.0
PENDING, SENT, REJECTED = "pending", "sent", "rejected"

SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    intake_id TEXT PRIMARY KEY,
    payload TEXT,
    state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'rejected')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL,
    created_at REAL NOT NULL,
    sent_at REAL,
    last_error TEXT
)
"""

Submit = Callable[[dict[str, Any]], SubmitResult]


@dataclass(frozen=True)
class Item:
    intake_id: str
    payload: dict[str, Any] | None  # None once sent
    state: str
    attempts: int
    next_attempt_at: float
    last_error: str | None


class Outbox:
    """One SQLite file; one connection per call, so any thread of the action server may use it."""

    def __init__(self, path: str | os.PathLike[str], *, rng: Callable[[], float] = random.random) -> None:
        self.path = Path(path)
        self._rng = rng
        self._lock = threading.Lock()  # one writer at a time within the process
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            conn.execute(SCHEMA)
        os.chmod(self.path, 0o600)  # personal data; SQLite gives the -wal file the same mode

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, timeout=10.0)) as conn:
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")  # a stored intake survives a power cut
            with conn:  # one transaction: committed on success, rolled back on error
                yield conn

    def put(self, intake_id: str, payload: dict[str, Any], *, now: float, delay: float = 0.0) -> bool:
        """Store an intake, due at now + delay. False when this id was already stored (nothing changes)."""
        with self._lock, self._connect() as conn:
            cursor = conn.execute(
                "INSERT OR IGNORE INTO outbox (intake_id, payload, state, next_attempt_at, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (intake_id, json.dumps(payload, ensure_ascii=False), PENDING, now + delay, now),
            )
            return cursor.rowcount == 1

    def get(self, intake_id: str) -> Item | None:
        with self._connect() as conn:
            row = conn.execute("SELECT * FROM outbox WHERE intake_id = ?", (intake_id,)).fetchone()
        return None if row is None else _item(row)

    def due(self, now: float, limit: int = 100) -> list[Item]:
        """Pending intakes whose next attempt is due, oldest first."""
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT * FROM outbox WHERE state = ? AND next_attempt_at <= ?"
                " ORDER BY next_attempt_at, created_at LIMIT ?",
                (PENDING, now, limit),
            ).fetchall()
        return [_item(row) for row in rows]

    def mark_sent(self, intake_id: str, *, now: float) -> None:
        with self._lock, self._connect() as conn:
            conn.execute(
                "UPDATE outbox SET state = ?, payload = NULL, sent_at = ?, last_error = NULL"
                " WHERE intake_id = ?",
                (SENT, now, intake_id),
            )

    def backoff(self, attempts: int) -> float:
        """Seconds to wait after the given number of failed attempts (1 or more)."""
        nominal = min(MAX_DELAY, BASE_DELAY * 2 ** min(attempts - 1, 30))
        return nominal * (1.0 - JITTER * self._rng())

    def mark_failed(self, intake_id: str, now: float, error: str) -> float | None:
        """Count a failed attempt and schedule the next; returns when it is due (None if not pending)."""
        with self._lock, self._connect() as conn:
            row = conn.execute(
                "SELECT attempts FROM outbox WHERE intake_id = ? AND state = ?", (intake_id, PENDING)
            ).fetchone()
            if row is None:  # already sent (by another try) or rejected: a failure changes nothing
                return None
            attempts = row["attempts"] + 1
            next_at = now + self.backoff(attempts)
            conn.execute(
                "UPDATE outbox SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE intake_id = ?",
                (attempts, next_at, error, intake_id),
            )
        return next_at

    def mark_rejected(self, intake_id: str, error: str) -> None:
        """Keep the intake, out of the retries: the API will refuse it again until we fix the bug."""
        with self._lock, self._connect() as conn:
            conn.execute(
                "UPDATE outbox SET state = ?, attempts = attempts + 1, last_error = ?"
                " WHERE intake_id = ? AND state = ?",
                (REJECTED, error, intake_id, PENDING),
            )
        logger.error("Intake %s REJECTED and kept in the outbox %s: %s", intake_id, self.path, error)

    def forget_rejected(self, intake_id: str) -> None:
        """Drop a rejected intake's content, keeping the row (id, error) as a trace."""
        with self._lock, self._connect() as conn:
            conn.execute(
                "UPDATE outbox SET payload = NULL WHERE intake_id = ? AND state = ?", (intake_id, REJECTED)
            )

    def requeue(self, intake_id: str, *, now: float) -> bool:
        """Put a rejected intake back in the retries, once the cause is fixed (by hand)."""
        with self._lock, self._connect() as conn:
            cursor = conn.execute(
                "UPDATE outbox SET state = ?, attempts = 0, next_attempt_at = ?"
                " WHERE intake_id = ? AND state = ? AND payload IS NOT NULL",
                (PENDING, now, intake_id, REJECTED),
            )
            return cursor.rowcount == 1

    def deliver_due(self, submit: Submit, now: float) -> dict[str, int]:
        """Try every due intake once; how many were sent, failed and rejected."""
        counts = {SENT: 0, "failed": 0, REJECTED: 0}
        for item in self.due(now):
            assert item.payload is not None  # pending items always have theirs
            result = _try(submit, item.payload)
            _record(self, item.intake_id, result, now)
            counts[{Outcome.ACCEPTED: SENT, Outcome.REJECTED: REJECTED}.get(result.outcome, "failed")] += 1
        return counts


def _item(row: sqlite3.Row) -> Item:
    payload = None if row["payload"] is None else json.loads(row["payload"])
    return Item(
        row["intake_id"], payload, row["state"], row["attempts"], row["next_attempt_at"], row["last_error"]
    )


def _try(submit: Submit, payload: dict[str, Any]) -> SubmitResult:
    try:
        return submit(payload)
    except Exception as exc:  # a missing token or a bug in the client must not lose the intake
        logger.exception("Handing over intake %s failed unexpectedly", payload.get("id"))
        return SubmitResult(Outcome.RETRYABLE, None, type(exc).__name__)


def _record(outbox: Outbox, intake_id: str, result: SubmitResult, now: float) -> None:
    error = f"{result.status_code or '-'} {result.detail}".strip()
    if result.outcome is Outcome.ACCEPTED:
        outbox.mark_sent(intake_id, now=now)
    elif result.outcome is Outcome.REJECTED:
        outbox.mark_rejected(intake_id, error)
    else:
        outbox.mark_failed(intake_id, now, error)


@dataclass(frozen=True)
class Handover:
    """What the dialogue tells the person. Their receipt code holds in every case."""

    delivered: bool  # the Meldpunt has it now; else it waits in the outbox (queued or rejected)
    outcome: Outcome
    receipt: dict[str, Any] | None = None  # the API's answer (deadlines) when delivered now


def handover(
    payload: dict[str, Any], *, outbox: Outbox, submit: Submit, clock: Callable[[], float] = time.time
) -> Handover:
    """Store the intake durably first, then try to hand it over once."""
    intake_id = str(payload["id"])
    if not outbox.put(intake_id, payload, now=clock(), delay=HANDOVER_GRACE):
        known = outbox.get(intake_id)
        if known is not None and known.state == SENT:  # the same intake again: never sent twice
            return Handover(True, Outcome.ACCEPTED)
        if known is not None and known.state == REJECTED:  # kept for a person, not retried
            return Handover(False, Outcome.REJECTED)
    result = _try(submit, payload)
    _record(outbox, intake_id, result, clock())
    return Handover(result.accepted, result.outcome, result.body)


def run_retry_loop(
    outbox: Outbox,
    submit: Submit,
    stop: threading.Event,
    *,
    interval: float,
    clock: Callable[[], float] = time.time,
) -> None:
    """Deliver due intakes every `interval` seconds until `stop` is set."""
    while not stop.is_set():
        try:
            outbox.deliver_due(submit, clock())
        except Exception:  # a locked or full disk: log, and try again next round
            logger.exception("The outbox retry round failed")
        stop.wait(interval)


def start_retry_thread(
    outbox: Outbox, submit: Submit, *, interval: float, clock: Callable[[], float] = time.time
) -> tuple[threading.Thread, threading.Event]:
    """The retry loop in a daemon thread; set the returned event to stop it."""
    stop = threading.Event()
    thread = threading.Thread(
        target=run_retry_loop,
        args=(outbox, submit, stop),
        kwargs={"interval": interval, "clock": clock},
        name="handover-outbox",
        daemon=True,
    )
    thread.start()
    return thread, stop
