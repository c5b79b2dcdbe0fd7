"""A fresh, migrated database for the command line, which finds its database through DATABASE_URL.

The CLI opens its own sessions (api.db.get_sessionmaker), outside the rolled-back test transaction,
so each CLI test gets a database of its own, on the same backend as the rest of the run.
Import the fixture under its function name: `from tests.api.cli_fixtures import cli_database_fixture`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic import command

from api.config import get_settings
from api.db import get_engine, get_sessionmaker
from tests.api.conftest import FreshDatabases, alembic_config


def _forget_cached_database() -> None:
    if get_engine.cache_info().currsize:
        get_engine().dispose()
    get_sessionmaker.cache_clear()
    get_engine.cache_clear()
    get_settings.cache_clear()


@pytest.fixture(name="cli_database")
def cli_database_fixture(
    backend: str, databases: FreshDatabases, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """DATABASE_URL points at a new migrated database while the test runs; the caches follow it."""
    url = databases.new(backend)
    command.upgrade(alembic_config(url), "head")
    monkeypatch.setenv("DATABASE_URL", url)
    _forget_cached_database()
    yield url
    # monkeypatch restores DATABASE_URL after this; the next get_settings() reads it afresh.
    _forget_cached_database()
