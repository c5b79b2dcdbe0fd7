"""Concurrent submissions lose nothing, against a real committed database on each backend.

The rolled-back `db` fixture would hide exactly the races this is about, so each run gets a fresh,
migrated database and the app gets its own sessions. TestClient does not serialise requests: each
call from a thread goes through the shared event loop, and the sync handlers run in its threadpool;
the test measures the overlap to prove it.
"""

from __future__ import annotations

import random
import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from api.db import get_session, make_engine
from api.models import Intake, IntakeEvent
from tests.api.conftest import FreshDatabases, alembic_config
from tests.api.factories import SERVICE, intake_body

THREADS = 16
DISTINCT = 200
RETRIED = 100  # the first RETRIED intakes are sent three times, the copies side by side
COPIES = 3


class SessionGauge:
    """Sessions handed to requests, counting how many are open at once."""

    def __init__(self, factory: sessionmaker[Session]) -> None:
        self.factory = factory
        self.open = 0
        self.peak = 0
        self._lock = threading.Lock()

    def __call__(self) -> Iterator[Session]:
        with self._lock:
            self.open += 1
            self.peak = max(self.peak, self.open)
        try:
            with self.factory() as session:
                yield session
        finally:
            with self._lock:
                self.open -= 1


@pytest.fixture
def committed_engine(databases: FreshDatabases, backend: str) -> Iterator[Engine]:
    url = databases.new(backend)
    command.upgrade(alembic_config(url), "head")
    engine = make_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture
def gauge(committed_engine: Engine) -> SessionGauge:
    return SessionGauge(sessionmaker(bind=committed_engine, expire_on_commit=False))


@pytest.fixture
def real_client(gauge: SessionGauge) -> Iterator[TestClient]:
    from api.main import create_app

    app = create_app()
    app.dependency_overrides[get_session] = gauge
    with TestClient(app) as client:
        yield client


def _requests() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    bodies = [intake_body(summary=f"Melding {i}") for i in range(DISTINCT)]
    sends: list[dict[str, Any]] = []
    for i, body in enumerate(bodies):
        sends.extend([body] * (COPIES if i < RETRIED else 1))
    # Shuffle in blocks so retries of one id still travel together and race each other.
    blocks = [sends[i : i + THREADS] for i in range(0, len(sends), THREADS)]
    random.Random(2025).shuffle(blocks)
    return bodies, [body for block in blocks for body in block]


def test_concurrent_submissions_and_retries_lose_nothing(
    real_client: TestClient, committed_engine: Engine, gauge: SessionGauge
) -> None:
    bodies, sends = _requests()

    def post(body: dict[str, Any]) -> tuple[str, int, str | None]:
        response = real_client.post("/api/v1/intakes", json=body, headers=SERVICE)
        returned = response.json().get("id") if response.status_code < 300 else None
        return body["id"], response.status_code, returned

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        results = list(pool.map(post, sends))

    statuses = Counter(status for _, status, _ in results)
    assert statuses == {201: DISTINCT, 200: len(sends) - DISTINCT}
    assert all(sent == returned for sent, _, returned in results)
    assert gauge.peak > 1, "requests ran one at a time: the test proves nothing"

    with Session(committed_engine) as session:
        stored = Counter(str(i) for i in session.scalars(select(Intake.id)))
        events = session.scalar(select(func.count(IntakeEvent.id)))
    assert stored == Counter(str(uuid.UUID(b["id"])) for b in bodies)
    assert events == DISTINCT  # one "received" event each: a lost race leaves no half-written rows
