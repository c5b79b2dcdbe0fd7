"""Rasa's SQL tracker store, with one fix so that PostgreSQL may restart under a running Rasa server.

deploy/rasa/endpoints.yml names this class as the tracker store of every Rasa server of the stack.
It is Rasa 3.6's own SQLTrackerStore (same tables, same queries, same settings) whose database
engine checks a pooled connection before using it (SQLAlchemy's `pool_pre_ping`).

Rasa creates its engine without that check. When PostgreSQL restarts (a failover, an upgrade, a
crash), every connection in a Rasa server's pool is dead, and the next use of each fails: Rasa
then reads no conversation (and starts it afresh) or saves none. With the check, a dead connection
is replaced by a new one before the query, and a conversation goes on where it was once PostgreSQL
is back (seen here: `make bench-scale`, PostgreSQL stopped for 10 s under load).

Imported by Rasa from the repository root (PYTHONPATH), as `deploy.rasa.tracker_store`.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs


class PrePingSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore whose pooled connections are checked before use (see the module)."""

    engine: sa.engine.Engine

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Rasa's own start: its engine, waiting for the database, creating the table when missing.
        super().__init__(*args, **kwargs)
        rasa_engine = self.engine
        self.engine = sa.create_engine(
            rasa_engine.url, pool_pre_ping=True, **create_engine_kwargs(rasa_engine.url)
        )
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        rasa_engine.dispose()
