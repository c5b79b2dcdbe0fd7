"""The durable outbox: stored before sending, retried with backoff, delivered exactly once."""

from __future__ import annotations

import logging
import os
import stat
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from actions.api_client import Outcome, SubmitResult
from actions.outbox import HANDOVER_GRACE, Outbox, handover, start_retry_thread

T0 = 1_800_000_000.0
ID = "8f14e45f-ceea-467f-a8d5-6e1b2c3d4e5f"
PAYLOAD: dict[str, Any] = {
    "id": ID,
    "receipt_code": "12345 67890 13579 24680 11223",
    "description": "Wat er gebeurde",
}
ACCEPTED = SubmitResult(Outcome.ACCEPTED, 201, "", {"id": ID})
DOWN = SubmitResult(Outcome.RETRYABLE, 503, "Service Unavailable")
REJECTED = SubmitResult(Outcome.REJECTED, 422, "body.category: Input should be 'discriminatie'")


class FakeApi:
    """Answers in order (the last one repeats) and records every payload it was sent."""

    def __init__(self, *answers: SubmitResult) -> None:
        self.answers = list(answers)
        self.sent: list[dict[str, Any]] = []

    def __call__(self, payload: dict[str, Any]) -> SubmitResult:
        self.sent.append(payload)
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]


@pytest.fixture
def outbox(tmp_path: Path) -> Outbox:
    return Outbox(tmp_path / "data" / "outbox.db", rng=lambda: 0.0)


def test_a_stored_intake_survives_reopening_the_file(tmp_path: Path) -> None:
    Outbox(tmp_path / "outbox.db").put(ID, PAYLOAD, now=T0)
    item = Outbox(tmp_path / "outbox.db").get(ID)
    assert item is not None
    assert (item.payload, item.state, item.attempts, item.next_attempt_at) == (PAYLOAD, "pending", 0, T0)


def test_the_file_is_private_and_in_wal_mode(outbox: Outbox) -> None:
    import sqlite3

    assert stat.S_IMODE(os.stat(outbox.path).st_mode) == 0o600
    with sqlite3.connect(outbox.path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_put_is_idempotent_on_the_intake_id(outbox: Outbox) -> None:
    assert outbox.put(ID, PAYLOAD, now=T0) is True
    assert outbox.put(ID, {**PAYLOAD, "description": "changed"}, now=T0 + 1) is False
    item = outbox.get(ID)
    assert item is not None and item.payload == PAYLOAD
    assert [i.intake_id for i in outbox.due(T0 + 10)] == [ID]


def test_an_intake_is_due_only_from_its_next_attempt(outbox: Outbox) -> None:
    outbox.put(ID, PAYLOAD, now=T0, delay=60)
    assert outbox.due(T0 + 59.9) == []
    assert [i.intake_id for i in outbox.due(T0 + 60)] == [ID]


def test_backoff_doubles_from_5_seconds_to_a_15_minute_cap(outbox: Outbox) -> None:
    outbox.put(ID, PAYLOAD, now=T0)
    now, waits = T0, []
    for _ in range(11):
        next_at = outbox.mark_failed(ID, now, "503")
        assert next_at is not None
        waits.append(next_at - now)
        now = next_at
    assert waits == [5, 10, 20, 40, 80, 160, 320, 640, 900, 900, 900]
    item = outbox.get(ID)
    assert item is not None and (item.attempts, item.last_error) == (11, "503")


def test_jitter_shortens_a_wait_by_at_most_a_fifth(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.db", rng=lambda: 1.0)
    assert [outbox.backoff(n) for n in (1, 2, 9, 20)] == [4.0, 8.0, 720.0, 720.0]


def test_jitter_comes_from_the_injected_random(tmp_path: Path) -> None:
    draws = iter([0.5, 0.25])
    outbox = Outbox(tmp_path / "outbox.db", rng=lambda: next(draws))
    assert [outbox.backoff(1), outbox.backoff(3)] == [4.5, 19.0]


def test_a_delivered_intake_is_not_sent_again(outbox: Outbox) -> None:
    api = FakeApi(ACCEPTED)
    outbox.put(ID, PAYLOAD, now=T0)
    assert outbox.deliver_due(api, T0) == {"sent": 1, "failed": 0, "rejected": 0}
    assert outbox.deliver_due(api, T0 + 86_400) == {"sent": 0, "failed": 0, "rejected": 0}
    assert api.sent == [PAYLOAD]


def test_delivery_erases_the_payload_and_keeps_the_id(outbox: Outbox) -> None:
    outbox.put(ID, PAYLOAD, now=T0)
    outbox.deliver_due(FakeApi(ACCEPTED), T0)
    item = outbox.get(ID)
    assert item is not None and (item.state, item.payload, item.last_error) == ("sent", None, None)
    assert outbox.put(ID, PAYLOAD, now=T0 + 1) is False


def test_after_a_failure_the_retry_delivers_once(outbox: Outbox) -> None:
    api = FakeApi(DOWN, ACCEPTED)
    outbox.put(ID, PAYLOAD, now=T0)
    assert outbox.deliver_due(api, T0) == {"sent": 0, "failed": 1, "rejected": 0}
    assert outbox.deliver_due(api, T0 + 4.9) == {"sent": 0, "failed": 0, "rejected": 0}
    assert outbox.deliver_due(api, T0 + 5) == {"sent": 1, "failed": 0, "rejected": 0}
    assert outbox.deliver_due(api, T0 + 10_000) == {"sent": 0, "failed": 0, "rejected": 0}
    assert api.sent == [PAYLOAD, PAYLOAD]


def test_a_rejected_intake_is_kept_and_not_retried(outbox: Outbox, caplog: pytest.LogCaptureFixture) -> None:
    api = FakeApi(REJECTED)
    outbox.put(ID, PAYLOAD, now=T0)
    with caplog.at_level(logging.ERROR, logger="actions.outbox"):
        assert outbox.deliver_due(api, T0) == {"sent": 0, "failed": 0, "rejected": 1}
    assert outbox.deliver_due(api, T0 + 86_400) == {"sent": 0, "failed": 0, "rejected": 0}
    item = outbox.get(ID)
    assert item is not None
    assert (item.state, item.payload, item.last_error) == ("rejected", PAYLOAD, f"422 {REJECTED.detail}")
    assert api.sent == [PAYLOAD]
    assert [r.getMessage() for r in caplog.records] == [
        f"Intake {ID} REJECTED and kept in the outbox {outbox.path}: 422 {REJECTED.detail}"
    ]


def test_a_requeued_rejected_intake_is_due_again(outbox: Outbox) -> None:
    outbox.put(ID, PAYLOAD, now=T0)
    outbox.mark_rejected(ID, "401 Not authenticated")
    assert outbox.requeue(ID, now=T0 + 100) is True
    assert [(i.intake_id, i.attempts) for i in outbox.due(T0 + 100)] == [(ID, 0)]


def test_a_failure_after_delivery_changes_nothing(outbox: Outbox) -> None:
    outbox.put(ID, PAYLOAD, now=T0)
    outbox.mark_sent(ID, now=T0)
    assert outbox.mark_failed(ID, T0, "timeout") is None
    item = outbox.get(ID)
    assert item is not None and item.state == "sent"


def test_a_submit_that_raises_keeps_the_intake_for_a_retry(outbox: Outbox) -> None:
    def broken(payload: dict[str, Any]) -> SubmitResult:
        raise RuntimeError("MELDPUNT_SERVICE_TOKEN is not set")

    outbox.put(ID, PAYLOAD, now=T0)
    assert outbox.deliver_due(broken, T0) == {"sent": 0, "failed": 1, "rejected": 0}
    item = outbox.get(ID)
    assert item is not None
    assert (item.state, item.payload, item.next_attempt_at, item.last_error) == (
        "pending",
        PAYLOAD,
        T0 + 5,
        "- RuntimeError",
    )


# handover(): what a dialogue action will call


def test_handover_stores_the_intake_before_sending_it(outbox: Outbox) -> None:
    stored_before: list[bool] = []

    def api(payload: dict[str, Any]) -> SubmitResult:
        stored_before.append(outbox.get(ID) is not None)
        return ACCEPTED

    handover(PAYLOAD, outbox=outbox, submit=api, clock=lambda: T0)
    assert stored_before == [True]


def test_handover_delivered_now(outbox: Outbox) -> None:
    result = handover(PAYLOAD, outbox=outbox, submit=FakeApi(ACCEPTED), clock=lambda: T0)
    assert (result.delivered, result.outcome, result.receipt) == (True, Outcome.ACCEPTED, {"id": ID})
    item = outbox.get(ID)
    assert item is not None and item.state == "sent"


def test_handover_with_the_api_down_queues_the_intake(outbox: Outbox) -> None:
    result = handover(PAYLOAD, outbox=outbox, submit=FakeApi(DOWN), clock=lambda: T0)
    assert (result.delivered, result.outcome, result.receipt) == (False, Outcome.RETRYABLE, None)
    assert [(i.intake_id, i.attempts, i.next_attempt_at) for i in outbox.due(T0 + 5)] == [(ID, 1, T0 + 5)]


def test_the_retry_loop_leaves_a_handover_in_progress_alone(outbox: Outbox) -> None:
    # handover() stores the intake due only after HANDOVER_GRACE: its own try comes first.
    seen_due: list[list[str]] = []

    def api(payload: dict[str, Any]) -> SubmitResult:
        seen_due.append([i.intake_id for i in outbox.due(T0 + HANDOVER_GRACE - 1)])
        return ACCEPTED

    handover(PAYLOAD, outbox=outbox, submit=api, clock=lambda: T0)
    assert seen_due == [[]]


def test_the_same_intake_handed_over_again_is_not_sent_again(outbox: Outbox) -> None:
    api = FakeApi(ACCEPTED)
    handover(PAYLOAD, outbox=outbox, submit=api, clock=lambda: T0)
    again = handover(PAYLOAD, outbox=outbox, submit=api, clock=lambda: T0 + 1)
    assert (again.delivered, again.outcome) == (True, Outcome.ACCEPTED)
    assert api.sent == [PAYLOAD]


def test_a_rejected_intake_handed_over_again_is_not_sent_again(outbox: Outbox) -> None:
    api = FakeApi(REJECTED)
    handover(PAYLOAD, outbox=outbox, submit=api, clock=lambda: T0)
    again = handover(PAYLOAD, outbox=outbox, submit=api, clock=lambda: T0 + 1)
    assert (again.delivered, again.outcome) == (False, Outcome.REJECTED)
    assert api.sent == [PAYLOAD]


# The background retry loop


def test_the_retry_thread_delivers_a_queued_intake_and_stops(outbox: Outbox) -> None:
    api = FakeApi(ACCEPTED)
    outbox.put(ID, PAYLOAD, now=T0)
    thread, stop = start_retry_thread(outbox, api, interval=0.01, clock=lambda: T0)
    deadline = time.monotonic() + 5
    while not api.sent and time.monotonic() < deadline:
        time.sleep(0.01)
    stop.set()
    thread.join(timeout=5)
    assert not thread.is_alive()
    assert api.sent == [PAYLOAD]
    item = outbox.get(ID)
    assert item is not None and item.state == "sent"


def test_the_retry_loop_survives_a_failing_round(outbox: Outbox, monkeypatch: pytest.MonkeyPatch) -> None:
    rounds: list[float] = []

    def flaky(submit: Any, now: float) -> dict[str, int]:
        rounds.append(now)
        if len(rounds) == 1:
            raise OSError("disk I/O error")
        stop.set()
        return {}

    monkeypatch.setattr(outbox, "deliver_due", flaky)
    thread, stop = start_retry_thread(outbox, FakeApi(ACCEPTED), interval=0.01, clock=lambda: T0)
    thread.join(timeout=5)
    assert not thread.is_alive()
    assert rounds == [T0, T0]


def test_puts_from_many_threads_store_each_intake_once(outbox: Outbox) -> None:
    ids = [f"00000000-0000-4000-8000-{n:012d}" for n in range(20)]
    results: list[bool] = []
    lock = threading.Lock()

    def put_all() -> None:
        for intake_id in ids:
            stored = outbox.put(intake_id, {**PAYLOAD, "id": intake_id}, now=T0)
            with lock:
                results.append(stored)

    threads = [threading.Thread(target=put_all) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count(True) == 20
    assert sorted(i.intake_id for i in outbox.due(T0)) == ids
