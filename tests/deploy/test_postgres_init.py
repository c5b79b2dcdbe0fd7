"""deploy/postgres/initdb/: Rasa's tracker store database, as the postgres image makes it on its first
start, run here against the test PostgreSQL server (TEST_DATABASE_URL, a superuser login) the way
the image's entry point runs it: psql over the server's socket or, here, PGHOST.
"""

from __future__ import annotations

import os
import secrets
import subprocess
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import sql

from tests.deploy.conftest import INITDB, need

URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
INFO = psycopg.conninfo.conninfo_to_dict(URL)


@pytest.fixture
def names() -> Iterator[dict[str, str]]:
    suffix = secrets.token_hex(4)
    made = {"RASA_DB_NAME": f"deploytest_rasa_{suffix}", "RASA_DB_USER": f"deploytest_rasa_{suffix}"}
    yield made
    with psycopg.connect(URL, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(made["RASA_DB_NAME"])))
        conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(made["RASA_DB_USER"])))


def run_init(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    need("psql", "postgres")
    base = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PGHOST": str(INFO.get("host", "127.0.0.1")),
        "PGPORT": str(INFO.get("port", "5432")),
        "POSTGRES_USER": str(INFO.get("user", "postgres")),
        "POSTGRES_DB": str(INFO.get("dbname", "postgres")),
        "INITDB_DIR": str(INITDB),
    }
    return subprocess.run(
        ["sh", str(INITDB / "10-rasa-database.sh")],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_makes_rasas_database_and_owner_once(names: dict[str, str]) -> None:
    env = {**names, "RASA_DB_PASSWORD": "a-secret-with-'quotes'"}
    for _ in range(2):  # a second run changes nothing
        result = run_init(env)
        assert result.returncode == 0, result.stderr
    with psycopg.connect(URL) as conn:
        owner = conn.execute(
            "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = %s", (names["RASA_DB_NAME"],)
        ).fetchone()
        role = conn.execute(
            "SELECT rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolpassword IS NOT NULL"
            " FROM pg_authid WHERE rolname = %s",
            (names["RASA_DB_USER"],),
        ).fetchone()
    assert owner == (names["RASA_DB_USER"],)
    # A login that owns its database and may do nothing else on the server.
    assert role == (True, False, False, False, True)
    # Rasa's tracker store makes its table in its own database.
    own = {
        **INFO,
        "user": names["RASA_DB_USER"],
        "dbname": names["RASA_DB_NAME"],
        "password": env["RASA_DB_PASSWORD"],
    }
    with psycopg.connect(**own) as conn:
        conn.execute("CREATE TABLE events (id serial PRIMARY KEY, sender_id text)")


@pytest.mark.parametrize("missing", ["RASA_DB_NAME", "RASA_DB_USER", "RASA_DB_PASSWORD"])
def test_refuses_to_run_without_its_variables(names: dict[str, str], missing: str) -> None:
    env = {**names, "RASA_DB_PASSWORD": "secret", missing: ""}
    result = run_init(env)
    assert result.returncode != 0
    assert f"set {missing}" in result.stderr
