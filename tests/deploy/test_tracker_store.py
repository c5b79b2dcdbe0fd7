"""deploy/rasa/tracker_store.py: a conversation goes on after PostgreSQL dropped every connection.

Rasa runs in .venv-bot (Python 3.10), so the check runs there, against the PostgreSQL server at
TEST_DATABASE_URL (`make postgres`), in a database of its own. What a restart of PostgreSQL does
to a running Rasa server is done here without stopping the server: every connection to that
database is ended (pg_terminate_backend) while the tracker stores hold them in their pools. Rasa
3.6's own SQLTrackerStore fails its next read then; the stack's store reads the conversation.
"""

from __future__ import annotations

import json
import os
import secrets
import textwrap

import psycopg
import pytest
from psycopg import sql

from tests.deploy.conftest import run_in_bot

URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")

CHECK = textwrap.dedent(
    """
    import asyncio, json, os, sys
    import psycopg2
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker
    from deploy.rasa.tracker_store import PrePingSQLTrackerStore

    info = json.loads(os.environ["CHECK_DB"])
    domain = Domain.empty()

    def store(cls):
        return cls(domain=domain, dialect="postgresql", host=info["host"], port=info["port"],
                   db=info["dbname"], username=info["user"], password=info.get("password"))

    def end_every_connection():
        with psycopg2.connect(host=info["host"], port=info["port"], dbname="postgres",
                              user=info["user"], password=info.get("password")) as conn:
            with conn.cursor() as cur:
                cur.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                            " WHERE datname = %s AND pid <> pg_backend_pid()", (info["dbname"],))
                return cur.fetchone()[0]

    async def main():
        results = {}
        stores = {"rasa": store(SQLTrackerStore), "stack": store(PrePingSQLTrackerStore)}
        results["pre_ping"] = {name: s.engine.pool._pre_ping for name, s in stores.items()}
        for name, s in stores.items():
            tracker = DialogueStateTracker(f"check-{name}", domain.slots)
            tracker.update(ActionExecuted("action_listen"))
            tracker.update(UserUttered("hallo"))
            tracker.update(BotUttered("Vertel in je eigen woorden"))
            await s.save(tracker)
            assert (await s.retrieve(f"check-{name}")) is not None  # a connection now sits in the pool
        results["ended"] = end_every_connection()
        for name, s in stores.items():
            try:
                tracker = await s.retrieve(f"check-{name}")
                results[name] = [e.text for e in tracker.events if getattr(e, "text", None)]
            except Exception as exc:
                results[name] = type(exc).__name__
        for s in stores.values():
            s.engine.dispose()
        print(json.dumps(results))

    asyncio.run(main())
    """
)


@pytest.fixture
def database() -> dict[str, object]:
    name = f"deploytest_tracker_{secrets.token_hex(4)}"
    try:
        with psycopg.connect(URL, autocommit=True, connect_timeout=5) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL does not answer at {URL} (make postgres): {exc}")
    info = psycopg.conninfo.conninfo_to_dict(URL)
    yield {
        "host": str(info.get("host", "127.0.0.1")),
        "port": int(info.get("port", 5432)),
        "user": str(info.get("user", "postgres")),
        "password": info.get("password"),
        "dbname": name,
    }
    with psycopg.connect(URL, autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def test_a_conversation_is_read_after_postgresql_ended_every_connection(database: dict[str, object]) -> None:
    results = run_in_bot(CHECK, CHECK_DB=json.dumps(database))
    assert results["pre_ping"] == {"rasa": False, "stack": True}, results
    assert results["ended"] >= 2, results  # both stores had a pooled connection
    # Rasa's own store uses the dead pooled connection; the stack's checks it and connects anew.
    assert results["rasa"] == "OperationalError", results
    assert results["stack"] == ["hallo", "Vertel in je eigen woorden"], results
