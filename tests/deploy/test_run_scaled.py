"""`make run-scaled` for real: scripts/run-scaled.sh on free ports, its own databases and folders.

One conversation through nginx, its messages alternating between the two Rasa servers and kept
whole in the shared tracker store; one Rasa server killed between two messages, the conversation
going on through the other and the killed one started again; TERM stops every process. Needs the
trained model (`make train`), both environments, PostgreSQL at TEST_DATABASE_URL (its superuser
makes the databases) and Redis on 127.0.0.1:6379. About two minutes, most of it Rasa loading.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from cryptography.fernet import Fernet
from psycopg import sql

from tests.deploy.conftest import ROOT, need
from tests.servers import free_ports

URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
INFO = psycopg.conninfo.conninfo_to_dict(URL)
MODEL = ROOT / "models" / "meldpunt.tar.gz"
READY = "Ctrl-C stops everything."


@dataclass
class Scaled:
    process: subprocess.Popen[str]
    http: int
    rasa: list[int]
    folder: Path
    rasa_db: str
    output: Path

    def say(self, sender: str, message: str) -> list[dict[str, Any]]:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.http}/webhooks/chat/webhook",
            json.dumps({"sender": sender, "message": message}).encode(),
            {"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            assert response.status == 200
            return json.load(response)

    def pid(self, name: str) -> int:
        return int((self.folder / "run" / f"{name}.pid").read_text())

    def access_log(self, at_least: int = 0) -> list[str]:
        """The access log's lines; nginx writes a line just after answering, so wait for them."""
        deadline = time.monotonic() + 5
        while True:
            lines = (self.folder / "log" / "nginx-access.log").read_text().splitlines()
            if len(lines) >= at_least or time.monotonic() > deadline:
                return lines
            time.sleep(0.05)

    def user_messages(self, sender: str) -> list[str]:
        with psycopg.connect(**{**INFO, "dbname": self.rasa_db}) as conn:
            rows = conn.execute(
                "SELECT data FROM events WHERE sender_id = %s AND type_name = 'user' ORDER BY id", (sender,)
            ).fetchall()
        return [json.loads(data)["text"] for (data,) in rows]


def wait_for_output(scaled: Scaled, text: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while text not in scaled.output.read_text():
        if scaled.process.poll() is not None or time.monotonic() > deadline:
            logs = "\n".join(
                f"--- {p.name}\n" + p.read_text(errors="replace")[-2000:]
                for p in sorted((scaled.folder / "log").glob("*.log"))
            )
            pytest.fail(f"run-scaled did not get to {text!r}:\n{scaled.output.read_text()}\n{logs}")
        time.sleep(0.5)


@pytest.fixture(scope="module")
def scaled() -> Iterator[Scaled]:
    for tool in ("nginx", "redis-cli", "psql", "pg_isready"):
        need(tool, "test-deploy")
    if not MODEL.exists():
        pytest.fail("no trained model: run `make train`")
    suffix = secrets.token_hex(4)
    names = {
        "SCALED_API_DB": f"deploytest_api_{suffix}",
        "SCALED_API_DB_USER": f"deploytest_api_{suffix}",
        "SCALED_RASA_DB": f"deploytest_rasa_{suffix}",
        "SCALED_RASA_DB_USER": f"deploytest_rasa_{suffix}",
    }
    folder = Path(tempfile.mkdtemp(prefix="meldpunt-scaled-"))
    folder.chmod(0o755)  # nginx's workers keep their temporary files in it
    http, rasa_a, rasa_b, actions, api = free_ports(5)
    env = {
        **os.environ,
        **names,
        "SCALED_HTTP_PORT": str(http),
        "SCALED_RASA_PORTS": f"{rasa_a} {rasa_b}",
        "SCALED_ACTIONS_PORT": str(actions),
        "SCALED_API_PORT": str(api),
        "SCALED_PG_HOST": str(INFO.get("host", "127.0.0.1")),
        "SCALED_PG_PORT": str(INFO.get("port", "5432")),
        "SCALED_PG_ADMIN_URL": URL,
        "SCALED_LOG_DIR": str(folder / "log"),
        "SCALED_RUN_DIR": str(folder / "run"),
        "SCALED_DATA_DIR": str(folder / "data"),
        "MELDPUNT_SERVICE_TOKEN": secrets.token_urlsafe(32),
        "MELDPUNT_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "MELDPUNT_RECEIPT_HASH_KEY": secrets.token_urlsafe(32),
        "MELDPUNT_JWT_SECRET": secrets.token_urlsafe(32),
        "RASA_TOKEN": secrets.token_urlsafe(32),
    }
    output = folder / "run-scaled.out"
    with output.open("w") as out:
        process = subprocess.Popen(
            [str(ROOT / "scripts" / "run-scaled.sh")],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
    running = Scaled(process, http, [rasa_a, rasa_b], folder, names["SCALED_RASA_DB"], output)
    try:
        wait_for_output(running, READY, 300)
        yield running
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        with psycopg.connect(URL, autocommit=True) as conn:
            for db in ("SCALED_API_DB", "SCALED_RASA_DB"):
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(names[db]))
                )
            for role in ("SCALED_API_DB_USER", "SCALED_RASA_DB_USER"):
                conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(names[role])))
        shutil.rmtree(folder, ignore_errors=True)


def upstreams(lines: list[str]) -> list[str]:
    return [
        re.search(r"upstream=(.+?) upstream_status=", line)[1]
        for line in lines
        if "/webhooks/chat/webhook" in line
    ]  # type: ignore[index]


def test_a_conversation_alternates_between_the_servers_and_survives_one_dying(scaled: Scaled) -> None:
    sender = "deploytest-" + secrets.token_hex(8)
    before = len(scaled.access_log())
    first = [
        "hallo",
        "Mijn collega's sluiten me al maanden buiten en lachen me uit in de groepsapp.",
        "/affirm",
    ]
    answers = [scaled.say(sender, message) for message in first]
    assert "Vertel in je eigen woorden" in " ".join(r.get("text", "") for r in answers[0])
    served = upstreams(scaled.access_log(before + 3)[before:])
    assert len(served) == 3 and set(served) == {f"127.0.0.1:{port}" for port in scaled.rasa}
    assert all(a != b for a, b in zip(served, served[1:], strict=False)), served
    assert scaled.user_messages(sender) == first

    # One Rasa server dies; the conversation goes on through the other.
    victim = scaled.rasa[0]
    os.kill(scaled.pid(f"rasa-{victim}"), signal.SIGKILL)
    then = ["/inform_employee", "Rijkswaterstaat"]
    before = len(scaled.access_log(before + 3))
    answers = [scaled.say(sender, message) for message in then]
    assert all(answers)
    assert scaled.user_messages(sender) == first + then
    served = upstreams(scaled.access_log(before + 2)[before:])
    assert len(served) == 2
    assert all(s.split(", ")[-1] == f"127.0.0.1:{scaled.rasa[1]}" for s in served), served
    wait_for_output(scaled, f"rasa-{victim} stopped", 30)


def test_term_stops_every_process(scaled: Scaled) -> None:
    pids = [int(p.read_text()) for p in (scaled.folder / "run").glob("*.pid")]
    assert len(pids) >= 5
    scaled.process.send_signal(signal.SIGTERM)
    assert scaled.process.wait(timeout=60) == 0
    time.sleep(1)
    alive = [pid for pid in pids if _alive(pid)]
    assert alive == [], alive


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    state = Path(f"/proc/{pid}/stat").read_text().split()[2] if Path(f"/proc/{pid}/stat").exists() else "X"
    return state != "Z"
