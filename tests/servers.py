"""The real processes for end-to-end tests: the Meldpunt API, the action server and Rasa.

Standard library only, so that both environments import it: the assistant's tests run in
.venv-bot (Python 3.10), the browser tests in .venv-api (Python 3.11). Each process is started
from its own environment's binaries, on a free loopback port, with its output in a log file:

* the API: `.venv-api/bin/uvicorn api.asgi:app` in a temporary directory, with fresh secrets from
  `python -m api.cli new-env`, a temporary SQLite database migrated with alembic, and staff
  accounts made with `python -m api.cli create-staff`; the repository's .env cannot mix in;
* the action server: `.venv-bot/bin/python -m actions.server`, pointed at that API, with a
  temporary outbox, a retry loop polling every second and short timeouts;
* Rasa: `.venv-bot/bin/rasa run` with the trained model (models/meldpunt.tar.gz, `make train`).

    with start_stack(tmp) as stack:
        stack.api_url, stack.rasa_url, stack.staff_get("/intakes")
        stack.api.restart()   # stopped and started again on the same port

A server that does not answer its health check in time, or stops while starting, raises
`ServerError` with the last lines of its log.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, datetime, timezone, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "models" / "meldpunt.tar.gz"
API_BIN = ROOT / ".venv-api" / "bin"
BOT_BIN = ROOT / ".venv-bot" / "bin"
HOST = "127.0.0.1"
# Secrets that `python -m api.cli new-env` writes and the processes need.
SECRET_NAMES = (
    "MELDPUNT_SERVICE_TOKEN",
    "MELDPUNT_ENCRYPTION_KEY",
    "MELDPUNT_RECEIPT_HASH_KEY",
    "MELDPUNT_JWT_SECRET",
)
DEFAULT_STAFF = (("admin@example.org", "admin"),)


class ServerError(RuntimeError):
    """A server did not start, with the tail of its log in the message."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def free_ports(count: int) -> list[int]:
    """Ports free on the loopback, all different (bound at once, then let go)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind((HOST, 0))
        return [int(sock.getsockname()[1]) for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without settings of the API, the handover or the assistant's
    endpoints (the Makefile exports some), plus `extra`."""
    dropped = ("DATABASE_URL", "STAFF_PASSWORD", "ACTION_ENDPOINT_URL", "RASA_TOKEN")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("MELDPUNT_", "HANDOVER_")) and k not in dropped
    }
    return {
        **env,
        "PYTHONPATH": str(ROOT),
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        **extra,
    }


AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@contextmanager
def days_during(zone: tzinfo = AMSTERDAM) -> Iterator[set[date]]:
    """The dates in `zone` while the block runs: one, or two when it crosses midnight.

    The real servers read the real clock; a test that expects "today" from them accepts either
    day of a block that crossed midnight, instead of failing once a night.
    """
    days = {datetime.now(timezone.utc).astimezone(zone).date()}
    yield days
    days.add(datetime.now(timezone.utc).astimezone(zone).date())


def http_get(url: str, timeout: float = 2.0) -> int:
    """The status of a GET, or 0 when nothing answered."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
    except (OSError, ValueError):
        return 0


def run_checked(command: Sequence[str], *, cwd: Path, env: Mapping[str, str], timeout: float = 120) -> str:
    result = subprocess.run(
        list(command), cwd=cwd, env=dict(env), capture_output=True, text=True, timeout=timeout
    )
    if result.returncode != 0:
        raise ServerError(
            f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
        )
    return result.stdout


class Server:
    """One server process: started, checked for health, stopped, and started again on its port."""

    def __init__(
        self,
        name: str,
        command: Sequence[str],
        *,
        port: int,
        health: str,
        cwd: Path,
        env: Mapping[str, str],
        log: Path,
        start_timeout: float = 240,
    ) -> None:
        self.name = name
        self.command = list(command)
        self.port = port
        self.health = health
        self.cwd = cwd
        self.env = dict(env)
        self.log = log
        self.start_timeout = start_timeout
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> None:
        if self.running():
            raise ServerError(f"{self.name} is running already")
        with open(self.log, "ab") as log:
            log.write(f"\n===== starting {self.name}: {' '.join(self.command)} =====\n".encode())
            log.flush()
            # Its own process group, so that stop() also ends whatever it started.
            self.process = subprocess.Popen(
                self.command,
                cwd=self.cwd,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )

    def wait_up(self, seconds: float | None = None) -> None:
        seconds = self.start_timeout if seconds is None else seconds
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if not self.running():
                code = None if self.process is None else self.process.returncode
                raise ServerError(f"{self.name} stopped while starting (exit {code}):\n{self.tail()}")
            if http_get(self.health) == 200:
                return
            time.sleep(0.3)
        raise ServerError(f"{self.name} did not answer {self.health} within {seconds:.0f} s:\n{self.tail()}")

    def stop(self, timeout: float = 20) -> None:
        process = self.process
        if process is None or process.poll() is not None:
            return
        self._signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self._signal(signal.SIGKILL)
            process.wait(timeout=10)

    def _signal(self, sig: signal.Signals) -> None:
        assert self.process is not None
        with suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, sig)

    def restart(self, seconds: float | None = None) -> None:
        """Stop and start again on the same port, and wait until it answers."""
        self.stop()
        self.start()
        self.wait_up(seconds)

    def tail(self, lines: int = 40) -> str:
        try:
            text = self.log.read_text(errors="replace")
        except OSError:
            return f"(no log at {self.log})"
        return f"--- last lines of {self.log} ---\n" + "\n".join(text.splitlines()[-lines:])


@dataclass
class Staff:
    email: str
    role: str
    password: str


@dataclass
class Stack:
    """The processes of one test run, and the staff's view through the API."""

    tmp: Path
    servers: list[Server]
    api: Server | None = None
    actions: Server | None = None
    rasa: Server | None = None
    env: dict[str, str] = field(default_factory=dict)  # the secrets and settings the API runs with
    staff: dict[str, Staff] = field(default_factory=dict)  # by role
    rasa_token: str | None = None
    _tokens: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def api_url(self) -> str:
        assert self.api is not None, "this stack has no API"
        return self.api.url

    @property
    def rasa_url(self) -> str:
        assert self.rasa is not None, "this stack has no Rasa server"
        return self.rasa.url

    @property
    def api_db(self) -> Path:
        return self.tmp / "meldpunt.db"

    @property
    def outbox(self) -> Path:
        return self.tmp / "outbox.db"

    @property
    def service_token(self) -> str:
        return self.env["MELDPUNT_SERVICE_TOKEN"]

    def start(self) -> None:
        """Start every server at once (Rasa takes longest), then wait for each."""
        try:
            for server in self.servers:
                server.start()
            for server in self.servers:
                server.wait_up()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        for server in reversed(self.servers):
            server.stop()

    def logs(self, lines: int = 25) -> str:
        return "\n".join(server.tail(lines) for server in self.servers)

    # -- the staff's view, through the API

    def staff_token(self, role: str = "admin") -> str:
        if role not in self._tokens:
            account = self.staff[role]
            body = urllib.parse.urlencode({"username": account.email, "password": account.password})
            status, data = self._request("POST", "/api/v1/auth/token", body.encode(), form=True)
            if status != 200:
                raise AssertionError(f"staff login as {account.email} failed: {status} {data}")
            self._tokens[role] = str(data["access_token"])
        return self._tokens[role]

    def staff_get(self, path: str, role: str = "admin", **params: Any) -> Any:
        """GET /api/v1{path} as staff of the role; asserts a 200 and returns the JSON."""
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        status, data = self._request("GET", f"/api/v1{path}{query}", token=self.staff_token(role))
        if status != 200:
            raise AssertionError(f"GET {path} {params}: {status} {data}")
        return data

    def total(self, **filters: Any) -> int:
        """How many intakes the staff API lists with these filters."""
        return int(self.staff_get("/intakes", page_size=1, **filters)["total"])

    def detail(self, intake_id: str) -> dict[str, Any]:
        return dict(self.staff_get(f"/intakes/{intake_id}"))

    def find(self, description: str, **filters: Any) -> dict[str, Any]:
        """The newest intake matching the filters whose description starts with the given text."""
        items = self.staff_get("/intakes", page_size=20, sort="received_at", order="desc", **filters)["items"]
        for item in items:
            detail = self.detail(item["id"])
            if str(detail.get("description") or "").startswith(description):
                return detail
        raise AssertionError(f"no intake with filters {filters} starts with {description!r}; listed: {items}")

    # -- behind the scenes: the API's database (read it only while the API is stopped) and the outbox

    def stored_intakes(self) -> int:
        with sqlite3.connect(self.api_db) as conn:
            return int(conn.execute("SELECT count(*) FROM intakes").fetchone()[0])

    def outbox_rows(self) -> dict[str, dict[str, Any]]:
        if not self.outbox.exists():
            return {}
        with sqlite3.connect(self.outbox) as conn:
            conn.row_factory = sqlite3.Row
            rows = conn.execute("SELECT * FROM outbox").fetchall()
        return {row["intake_id"]: dict(row) for row in rows}

    def _request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        *,
        token: str | None = None,
        form: bool = False,
    ) -> tuple[int, Any]:
        request = urllib.request.Request(f"{self.api_url}{path}", data=body, method=method)
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        if form:
            request.add_header("Content-Type", "application/x-www-form-urlencoded")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, raw = int(response.status), response.read()
        except urllib.error.HTTPError as exc:
            status, raw = int(exc.code), exc.read()
        try:
            return status, json.loads(raw or b"null")
        except ValueError:
            return status, raw.decode(errors="replace")


def new_secrets(tmp: Path) -> dict[str, str]:
    """Fresh secrets, written by `python -m api.cli new-env` into tmp/.env and read back."""
    path = tmp / ".env"
    if not path.exists():
        run_checked(
            [str(API_BIN / "python"), "-m", "api.cli", "new-env", "--path", str(path)],
            cwd=tmp,
            env=clean_env(),
        )
    values = {}
    for line in path.read_text().splitlines():
        key, sep, value = line.partition("=")
        if sep and not key.lstrip().startswith("#"):
            values[key.strip()] = value.strip()
    missing = [name for name in SECRET_NAMES if not values.get(name)]
    if missing:
        raise ServerError(f"new-env wrote no {', '.join(missing)} into {path}")
    return {name: values[name] for name in (*SECRET_NAMES, "RASA_TOKEN") if values.get(name)}


def check_built(*, api: bool, bot: bool, model: Path = MODEL) -> None:
    """Fails with what to run when an environment or the model is missing."""
    if api and not (API_BIN / "uvicorn").exists():
        raise ServerError(f"{API_BIN} is missing: run `make setup-api` first")
    if bot and not (BOT_BIN / "rasa").exists():
        raise ServerError(f"{BOT_BIN} is missing: run `make setup-bot` first")
    if bot and not model.exists():
        raise ServerError(f"{model} is missing: run `make train` first")


def build_stack(
    tmp: Path,
    *,
    api: bool = True,
    actions: bool = True,
    rasa: bool = True,
    staff: Sequence[tuple[str, str]] = DEFAULT_STAFF,
    rasa_token: str | None = None,
    model: Path = MODEL,
    api_env: Mapping[str, str] | None = None,
    actions_env: Mapping[str, str] | None = None,
) -> Stack:
    """The servers of a stack, not started yet (see `start_stack`). With an API, it gets fresh secrets,
    a migrated database and the `staff` accounts ((email, role) pairs), and the action server hands
    over to it; with Rasa too, the API's MELDPUNT_ASSISTANT_URL points at Rasa."""
    check_built(api=api, bot=actions or rasa, model=model)
    tmp.mkdir(parents=True, exist_ok=True)
    api_port, actions_port, rasa_port = free_port(), free_port(), free_port()
    stack = Stack(tmp=tmp, servers=[], rasa_token=rasa_token)

    if api:
        stack.env = {
            **new_secrets(tmp),
            "DATABASE_URL": f"sqlite:///{tmp / 'meldpunt.db'}",
            "MELDPUNT_LOG_LEVEL": "WARNING",
        }
        if rasa:
            stack.env["MELDPUNT_ASSISTANT_URL"] = f"http://{HOST}:{rasa_port}"
        stack.env.update(api_env or {})
        env = clean_env(**stack.env)
        run_checked(
            [str(API_BIN / "alembic"), "-c", str(ROOT / "api" / "alembic.ini"), "upgrade", "head"],
            cwd=tmp,
            env=env,
        )
        for email, role in staff:
            account = Staff(email, role, "e2e-" + secrets.token_urlsafe(16))
            run_checked(
                [str(API_BIN / "python"), "-m", "api.cli", "create-staff", email, "--role", role],
                cwd=tmp,
                env={**env, "STAFF_PASSWORD": account.password},
            )
            stack.staff.setdefault(role, account)
        stack.api = Server(
            "API",
            [
                str(API_BIN / "uvicorn"),
                "api.asgi:app",
                "--host",
                HOST,
                "--port",
                str(api_port),
                "--no-access-log",
            ],
            port=api_port,
            health=f"http://{HOST}:{api_port}/healthz",
            cwd=tmp,
            env=env,
            log=tmp / "api.log",
            start_timeout=60,
        )
        stack.servers.append(stack.api)

    if actions:
        handover = {
            "HANDOVER_OUTBOX_PATH": str(tmp / "outbox.db"),
            "HANDOVER_RETRY_POLL_SECONDS": "1",
            "HANDOVER_CONNECT_TIMEOUT_SECONDS": "2",
            "HANDOVER_TIMEOUT_SECONDS": "5",
        }
        if api:
            handover["MELDPUNT_API_URL"] = f"http://{HOST}:{api_port}"
            handover["MELDPUNT_SERVICE_TOKEN"] = stack.env["MELDPUNT_SERVICE_TOKEN"]
        stack.actions = Server(
            "action server",
            [
                str(BOT_BIN / "python"),
                "-m",
                "actions.server",
                "--actions",
                "actions",
                "--port",
                str(actions_port),
            ],
            port=actions_port,
            health=f"http://{HOST}:{actions_port}/health",
            cwd=ROOT,
            env=clean_env(**handover, **(actions_env or {})),
            log=tmp / "actions.log",
            start_timeout=120,
        )
        stack.servers.append(stack.actions)

    if rasa:
        auth = ["--auth-token", rasa_token] if rasa_token else []
        stack.rasa = Server(
            "Rasa",
            [
                str(BOT_BIN / "rasa"),
                "run",
                "--model",
                str(model),
                "--enable-api",
                *auth,
                "--endpoints",
                str(ROOT / "bot" / "endpoints.yml"),
                "--credentials",
                str(ROOT / "bot" / "credentials.yml"),
                "--port",
                str(rasa_port),
                "--interface",
                HOST,
            ],  # fmt: skip
            port=rasa_port,
            health=f"http://{HOST}:{rasa_port}/",
            cwd=ROOT,
            env=clean_env(ACTION_ENDPOINT_URL=f"http://{HOST}:{actions_port}/webhook"),
            log=tmp / "rasa.log",
            start_timeout=300,
        )
        stack.servers.append(stack.rasa)
    return stack


@contextmanager
def start_stack(tmp: Path, **options: Any) -> Iterator[Stack]:
    """`build_stack(tmp, **options)`, started; stopped on leaving, whatever happened."""
    stack = build_stack(tmp, **options)
    stack.start()
    try:
        yield stack
    finally:
        stack.stop()
