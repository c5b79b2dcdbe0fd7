"""Fixtures: every API test runs on SQLite and on a real PostgreSQL server.

Each backend gets a fresh database migrated with `alembic upgrade head` (so the migrations are
tested too); each test runs inside a transaction that is rolled back afterwards.

Time: every test reads the API's clock (api/clock.py) as a `TestClock` that starts at the same
instant, TEST_START, whatever the day the suite runs, and then ticks with the real time so that
order and durations stay real. A test moves it with `clock.advance(...)` or `clock.set(...)`.
"""

from __future__ import annotations

import os
import secrets
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.config import Config
from cryptography.fernet import Fernet
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from api.clock import use_clock, utcnow
from api.config import get_settings
from api.db import get_session, make_engine, normalise_url

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_TEST_PG = "postgresql://postgres@127.0.0.1:5432/test"
SERVICE_TOKEN = "test-service-token-" + secrets.token_hex(8)
ENV = {
    "MELDPUNT_SERVICE_TOKEN": SERVICE_TOKEN,
    "MELDPUNT_ENCRYPTION_KEY": Fernet.generate_key().decode(),
    "MELDPUNT_RECEIPT_HASH_KEY": secrets.token_hex(16),
    "MELDPUNT_JWT_SECRET": secrets.token_hex(16),
    "MELDPUNT_STATS_MIN_CELL": "5",
    "MELDPUNT_FOLLOWUP_MAX_FAILURES": "5",
}


@pytest.fixture(scope="session", autouse=True)
def settings_env() -> Iterator[None]:
    old = {k: os.environ.get(k) for k in ENV}
    os.environ.update(ENV)
    get_settings.cache_clear()
    yield
    for key, value in old.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    get_settings.cache_clear()


def alembic_config(url: str) -> Config:
    cfg = Config(str(ROOT / "api" / "alembic.ini"))
    cfg.attributes["url"] = url
    cfg.attributes["configure_logger"] = False
    return cfg


class FreshDatabases:
    """Creates throwaway databases: a SQLite file, or a new database on the test PostgreSQL server."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.pg_admin_url = normalise_url(os.environ.get("TEST_DATABASE_URL", DEFAULT_TEST_PG))
        self.created: list[str] = []

    def new(self, backend: str) -> str:
        name = f"meldpunt_test_{uuid.uuid4().hex[:12]}"
        if backend == "sqlite":
            return f"sqlite:///{self.tmp / (name + '.db')}"
        admin = self._admin()
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        self.created.append(name)
        return make_url(self.pg_admin_url).set(database=name).render_as_string(hide_password=False)

    def _admin(self) -> Engine:
        try:
            engine = create_engine(self.pg_admin_url, isolation_level="AUTOCOMMIT")
            engine.connect().close()
        except Exception as exc:  # the PostgreSQL tests must never skip silently
            pytest.fail(
                f"PostgreSQL at TEST_DATABASE_URL={self.pg_admin_url} does not answer ({exc}); "
                "run `make postgres`",
                pytrace=False,
            )
        return engine

    def drop_all(self) -> None:
        if not self.created:
            return
        admin = self._admin()
        with admin.connect() as conn:
            for name in self.created:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FreshDatabases]:
    dbs = FreshDatabases(tmp_path_factory.mktemp("db"))
    yield dbs
    dbs.drop_all()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def engine(backend: str, databases: FreshDatabases, settings_env: None) -> Iterator[Engine]:
    url = databases.new(backend)
    command.upgrade(alembic_config(url), "head")
    engine = make_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture
def db(engine: Engine) -> Iterator[Session]:
    """A session whose commits are savepoints inside one transaction rolled back after the test."""
    connection = engine.connect()
    outer = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    yield session
    session.close()
    outer.rollback()
    connection.close()


@pytest.fixture
def app(db: Session) -> Any:
    from api.main import create_app

    application = create_app()

    def override() -> Iterator[Session]:
        yield db

    application.dependency_overrides[get_session] = override
    return application


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


# A Tuesday morning, well inside a half-year, a quarter and a month, and far from today.
TEST_START = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)


class TestClock:
    """Starts at a fixed instant and runs on with the real (monotonic) time from there."""

    __test__ = False  # not a test class, despite its name

    def __init__(self, start: datetime = TEST_START) -> None:
        self.set(start)

    def __call__(self) -> datetime:
        return self._at + timedelta(seconds=time.monotonic() - self._since)

    def set(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("a test clock needs an aware datetime")
        self._at, self._since = moment, time.monotonic()

    def advance(self, delta: timedelta) -> None:
        self.set(self() + delta)


@pytest.fixture(autouse=True)
def clock() -> Iterator[TestClock]:
    """The API's clock for this test (autouse: no test reads the real date)."""
    test_clock = TestClock()
    with use_clock(test_clock):
        yield test_clock


def now() -> datetime:
    """Now, as the API sees it in this test."""
    return utcnow()
