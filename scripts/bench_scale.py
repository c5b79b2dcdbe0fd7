"""Load and fault test of the production stack (`make bench-scale`) -> docs/benchmarks.md.

Starts the scaled topology with scripts/run-scaled.sh on free loopback ports, with its own
databases (dropped at the end), folders (var/log/bench-scale, var/run/bench-scale,
var/data/bench-scale) and fresh secrets, and plays whole conversations, "hallo" to a receipt code,
each with a description of its own, so that its intake can be found:

* A: 50 conversations at once, turn i of conversation k sent straight to Rasa server (i + k) % 2,
  so every message goes to the other server than the one before it;
* B: 50 more through nginx (round robin); halfway through their turns one Rasa server is killed
  (SIGKILL); run-scaled starts it again, as compose's restart policy does;
* C: 50 more through nginx; PostgreSQL (both databases: Rasa's tracker store and the API's) is
  stopped for 10 seconds during the load, while consents are under way. The client sends a turn
  that got a 5xx or no connection again, with backoff (RETRY_DELAYS; counted apart from errors).

The conversations of a phase start RAMP seconds apart, and each person pauses THINK seconds before
each message, so that a fault finds conversations at every step.

After each phase every conversation's tracker is read through Rasa's HTTP API (user messages once,
in order, each answered) and every intake through the staff API (one per conversation); after C the
action server's outbox must drain. Memory is the resident set of each process at the end. The
stack is stopped at the end, also on failure or Ctrl-C, and PostgreSQL is always started again.

Usage: .venv-api/bin/python scripts/bench_scale.py --output docs/benchmarks.md
(PostgreSQL is stopped and started with pg_ctlcluster by default, see --pg-stop and --pg-start.)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import re
import secrets
import shlex
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import httpx
import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT))
from benchdoc import write_section  # noqa: E402

from tests.servers import free_ports, new_secrets  # noqa: E402

RUN_SCALED = ROOT / "scripts" / "run-scaled.sh"
READY = "Ctrl-C stops everything."  # run-scaled.sh's last line once everything answers
LOG_DIR = ROOT / "var" / "log" / "bench-scale"
RUN_DIR = ROOT / "var" / "run" / "bench-scale"
DATA_DIR = ROOT / "var" / "data" / "bench-scale"
ADMIN = "bench-admin@example.org"
TURN_TIMEOUT = 60.0  # beyond nginx's 40 s read timeout for the chat
RETRY_DELAYS = (1.0, 2.0, 4.0, 8.0, 8.0)  # phase C only: a turn is tried at most 6 times
CONSENTS = 3  # phase C: PostgreSQL stops as this many consents await their answer
OUTAGE_SECONDS = 10.0
# Conversation k of a phase starts k * RAMP seconds after the first, so that at any moment of the
# phase (a kill, an outage) conversations are at every step, the handover included.
RAMP = 0.4
# Before each message a person reads the answer and types: a pause drawn from this range (seconds).
THINK = (1.5, 3.0)
DRAIN_TIMEOUT = 120.0

CODE = re.compile(r"\b\d{5}[ -]?\d{5}[ -]?\d{5}[ -]?\d{5}[ -]?\d{5}\b")
MARKER = re.compile(r"kenmerk (bench-[a-z0-9]+-[abcw]\d{3})")
# The intake's questions, by a phrase of the assistant's text (as tests/bot/test_handover_e2e.py).
QUESTIONS = (
    ("consent", "Dit stuur ik naar het Meldpunt"),
    ("contact_details", "Hoe kan het Meldpunt je bereiken"),
    ("contact", "Hoe wil je verder"),
    ("steps", "Heb je al iets gedaan"),
    ("witnesses", "Heeft iemand anders het gezien"),
    ("relations", "bij betrokken"),
    ("department", "Bij welke afdeling"),
    ("ongoing", "Gebeurt het nu nog steeds"),
    ("when", "Wanneer is het gebeurd"),
    ("more", "Wil je nog meer vertellen"),
)
# Skip what can be skipped, stay anonymous.
ANSWERS = {key: "/skip" for key, _ in QUESTIONS if key not in ("consent", "contact_details", "contact")}
ANSWERS["contact"] = "/deny"


@dataclass(frozen=True)
class Case:
    description: str
    organisation: str
    route: str


# One story per category, as tests/bot/test_handover_e2e.py tells them.
CASES = (
    Case(
        "Mijn collega's sluiten me al maanden buiten. Ze negeren me in de kantine en lachen me uit "
        "in de groepsapp.",
        "Rijkswaterstaat",
        "klacht_kcoo",
    ),
    Case(
        "Mijn leidinggevende dreigt steeds dat hij mijn contract niet verlengt als ik niet in het "
        "weekend doorwerk. Hij komt dan heel dicht bij me staan.",
        "Belastingdienst",
        "klacht_kcoo",
    ),
    Case(
        "Een collega maakt steeds opmerkingen over mijn lichaam en stuurt me 's avonds berichtjes "
        "met seksuele grappen.",
        "DUO",
        "klacht_kcoo",
    ),
    Case(
        "Een collega werd woedend in het overleg, sloeg met zijn vuist op de tafel en duwde mij "
        "daarna hard tegen de muur.",
        "NVWA",
        "klacht_kcoo",
    ),
    Case(
        "Mijn afdelingshoofd laat facturen van het bedrijf van zijn zwager goedkeuren zonder "
        "aanbesteding, en sommige bedragen worden twee keer betaald.",
        "KNMI",
        "melding_ic_rijk",
    ),
)

Replies = list[dict[str, Any]]


class ConversationError(Exception):
    """A turn that failed for good, or an answer the conversation cannot go on from."""


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


def joined(replies: Replies) -> str:
    return "\n".join(str(r.get("text", "")) for r in replies)


def payloads(replies: Replies) -> list[str]:
    return [b["payload"] for r in replies for b in r.get("buttons") or []]


def question_in(replies: Replies) -> str | None:
    for reply in reversed(replies):
        text = str(reply.get("text", ""))
        for key, phrase in QUESTIONS:
            if phrase in text:
                return key
    return None


# ------------------------------------------------------------------------------------ the topology


@dataclass
class Topology:
    """scripts/run-scaled.sh running on free ports, and what the bench needs to know of it."""

    process: subprocess.Popen[str]
    http: int
    rasa: list[int]
    actions: int
    api: int
    env: dict[str, str]
    pg_admin_url: str
    databases: dict[str, str]  # SCALED_* name -> database or role name
    output: Path

    @property
    def front(self) -> str:
        return f"http://127.0.0.1:{self.http}"

    def rasa_url(self, port: int) -> str:
        return f"http://127.0.0.1:{port}"

    def pid(self, name: str) -> int:
        return int((RUN_DIR / f"{name}.pid").read_text())

    @property
    def outbox(self) -> Path:
        return DATA_DIR / "outbox.db"

    @property
    def access_log(self) -> Path:
        return LOG_DIR / "nginx-access.log"

    def alive(self) -> bool:
        return self.process.poll() is None


def start_topology(pg_admin_url: str, log: Callable[[str], None]) -> Topology:
    """run-scaled.sh in the background; returns once it printed that everything answers."""
    for folder in (LOG_DIR, RUN_DIR, DATA_DIR):
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.iterdir():
            if old.is_file():
                old.unlink()
    info = psycopg.conninfo.conninfo_to_dict(pg_admin_url)
    suffix = secrets.token_hex(3)
    databases = {
        "SCALED_API_DB": f"benchscale_api_{suffix}",
        "SCALED_API_DB_USER": f"benchscale_api_{suffix}",
        "SCALED_RASA_DB": f"benchscale_rasa_{suffix}",
        "SCALED_RASA_DB_USER": f"benchscale_rasa_{suffix}",
    }
    http, rasa_a, rasa_b, actions, api = free_ports(5)
    # Settings of a `make run` shell (.env) must not mix in: the bench has its own.
    inherited = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("MELDPUNT_", "HANDOVER_", "SCALED_", "RASA_DB_", "RASA_REDIS_"))
        and key not in ("DATABASE_URL", "ACTION_ENDPOINT_URL", "RASA_TOKEN")
    }
    env = {
        **inherited,
        **databases,
        **new_secrets(RUN_DIR),
        "SCALED_HTTP_PORT": str(http),
        "SCALED_RASA_PORTS": f"{rasa_a} {rasa_b}",
        "SCALED_ACTIONS_PORT": str(actions),
        "SCALED_API_PORT": str(api),
        "SCALED_PG_HOST": str(info.get("host") or "127.0.0.1"),
        "SCALED_PG_PORT": str(info.get("port") or "5432"),
        "SCALED_PG_ADMIN_URL": pg_admin_url,
        "SCALED_LOG_DIR": str(LOG_DIR),
        "SCALED_RUN_DIR": str(RUN_DIR),
        "SCALED_DATA_DIR": str(DATA_DIR),
        "MELDPUNT_LOG_LEVEL": "WARNING",
    }
    output = LOG_DIR / "run-scaled.out"
    with output.open("w") as out:
        process = subprocess.Popen(
            [str(RUN_SCALED)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            start_new_session=True,
        )
    topology = Topology(process, http, [rasa_a, rasa_b], actions, api, env, pg_admin_url, databases, output)
    log(f"run-scaled.sh started (pid {process.pid}): nginx :{http}, Rasa :{rasa_a} :{rasa_b}")
    log(f"logs in {LOG_DIR}")
    started = time.monotonic()
    try:
        while READY not in output.read_text():
            if not topology.alive():
                raise RuntimeError(f"run-scaled.sh stopped while starting:\n{output.read_text()[-3000:]}")
            if time.monotonic() - started > 420:
                raise RuntimeError(f"run-scaled.sh did not get ready within 7 minutes; see {LOG_DIR}")
            time.sleep(0.5)
    except BaseException:
        stop_topology(topology, log)
        raise
    log(f"the stack answers after {time.monotonic() - started:.0f} s")
    return topology


def stop_topology(topology: Topology, log: Callable[[str], None]) -> None:
    """TERM to run-scaled.sh (it stops everything it started); the databases dropped."""
    if topology.alive():
        topology.process.send_signal(signal.SIGTERM)
        try:
            topology.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            log("run-scaled.sh did not stop within 60 s: killing its process group")
            os.killpg(topology.process.pid, signal.SIGKILL)
            topology.process.wait(timeout=10)
    try:
        with psycopg.connect(topology.pg_admin_url, autocommit=True, connect_timeout=5) as conn:
            for key in ("SCALED_API_DB", "SCALED_RASA_DB"):
                name = sql.Identifier(topology.databases[key])
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
            for key in ("SCALED_API_DB_USER", "SCALED_RASA_DB_USER"):
                conn.execute(
                    sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(topology.databases[key]))
                )
    except psycopg.Error as exc:
        log(f"could not drop the bench databases: {exc}")


def create_admin(topology: Topology) -> str:
    """A staff admin in the bench's API database (python -m api.cli create-staff); its password."""
    password = "bench-" + secrets.token_urlsafe(16)
    info = psycopg.conninfo.conninfo_to_dict(topology.pg_admin_url)
    db = topology.databases["SCALED_API_DB"]
    url = (
        f"postgresql://{topology.databases['SCALED_API_DB_USER']}@{info.get('host')}:{info.get('port')}/{db}"
    )
    subprocess.run(
        [
            str(ROOT / ".venv-api" / "bin" / "python"),
            "-m",
            "api.cli",
            "create-staff",
            ADMIN,
            "--role",
            "admin",
        ],
        cwd=ROOT,
        env={**topology.env, "DATABASE_URL": url, "STAFF_PASSWORD": password},
        check=True,
        capture_output=True,
        timeout=60,
    )
    return password


# ------------------------------------------------------------------------------------ conversations


@dataclass
class Turn:
    text: str
    started: float  # time.monotonic()
    seconds: float = 0.0
    target: str = ""  # the Rasa server or nginx it was sent to
    attempts: int = 1
    failures: list[str] = field(default_factory=list)  # what each retried attempt got
    last_try: float = 0.0  # time.time() of the last attempt
    ok: bool = False


@dataclass
class Conversation:
    key: str  # in the description, to find the intake
    case: Case
    sender: str = field(default_factory=lambda: "benchscale-" + secrets.token_hex(12))
    turns: list[Turn] = field(default_factory=list)
    code: str | None = None
    queued: bool = False  # the answer said the intake waits in the outbox
    error: str | None = None
    rng: random.Random = field(default_factory=random.Random)

    @property
    def description(self) -> str:
        return f"{self.case.description} Mijn kenmerk {self.key}."


class Client:
    """Sends each turn where the phase says, times it and, in phase C, retries it."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        route: Callable[[Conversation, int], str],
        *,
        retries: Sequence[float] = (),
        progress: Callable[[], None] = lambda: None,
        think: tuple[float, float] = THINK,
        consenting: Callable[[int], None] = lambda change: None,
    ) -> None:
        self.http = http
        self.route = route
        self.retries = tuple(retries)
        self.progress = progress
        self.think = think
        self.consenting = consenting  # +1 as a conversation's consent is sent, -1 once answered

    async def say(self, conversation: Conversation, text: str) -> Replies:
        if conversation.turns:
            await asyncio.sleep(conversation.rng.uniform(*self.think))
        url = self.route(conversation, len(conversation.turns))
        turn = Turn(text, time.monotonic(), target=url)
        conversation.turns.append(turn)
        while True:
            failure = None
            turn.last_try = time.time()
            try:
                response = await self.http.post(
                    f"{url}/webhooks/chat/webhook",
                    json={"sender": conversation.sender, "message": text},
                    timeout=TURN_TIMEOUT,
                )
            except httpx.TransportError as exc:
                failure = type(exc).__name__
            else:
                if response.status_code >= 500:
                    failure = f"HTTP {response.status_code}"
                elif response.status_code != 200:
                    turn.seconds = time.monotonic() - turn.started
                    raise ConversationError(
                        f"turn {text!r}: HTTP {response.status_code} {response.text[:200]}"
                    )
                else:
                    replies: Replies = response.json()
                    turn.seconds = time.monotonic() - turn.started
                    if not replies:
                        raise ConversationError(f"turn {text!r}: an empty answer")
                    turn.ok = True
                    self.progress()
                    return replies
            if turn.attempts > len(self.retries):
                turn.seconds = time.monotonic() - turn.started
                raise ConversationError(f"turn {text!r}: {failure} after {turn.attempts} attempt(s)")
            turn.failures.append(failure)
            await asyncio.sleep(self.retries[turn.attempts - 1])
            turn.attempts += 1


def expect(condition: bool, what: str, replies: Replies) -> None:
    if not condition:
        raise ConversationError(f"{what}; the answer was: {joined(replies)[:300]!r} {payloads(replies)}")


async def converse(client: Client, conversation: Conversation) -> None:
    """From "hallo" to the receipt code; on a failure, the conversation's error says where."""
    say = client.say
    try:
        replies = await say(conversation, "hallo")
        expect("Vertel in je eigen woorden" in joined(replies), "no open question after hallo", replies)
        replies = await say(conversation, conversation.description)
        expect(payloads(replies)[-2:] == ["/affirm", "/deny"], "no category to confirm", replies)
        replies = await say(conversation, "/affirm")
        expect("/inform_employee" in payloads(replies), "no question about the role", replies)
        replies = await say(conversation, "/inform_employee")
        expect("Bij welke organisatie" in joined(replies), "no question about the organisation", replies)
        replies = await say(conversation, conversation.case.organisation)
        start = f'/start_intake{{"route": "{conversation.case.route}"}}'
        expect(start in payloads(replies[-1:]), f"no {conversation.case.route} button", replies)
        replies = await say(conversation, start)
        expect("Ik stel je nu een paar vragen" in joined(replies), "the intake did not start", replies)
        asked: list[str] = []
        while (key := question_in(replies)) != "consent":
            expect(key in ANSWERS and key not in asked, f"unexpected question {key!r} after {asked}", replies)
            asked.append(str(key))
            replies = await say(conversation, ANSWERS[str(key)])
        client.consenting(+1)
        try:
            replies = await say(conversation, "/affirm")
        finally:
            client.consenting(-1)
        text = joined(replies)
        found = CODE.search(text)
        expect(found is not None, "no receipt code after consent", replies)
        assert found is not None
        conversation.code = found[0]
        conversation.queued = "Je melding is verstuurd" not in text
    except ConversationError as exc:
        conversation.error = str(exc)


# ------------------------------------------------------------------------------------------- checks


async def tracker_problems(
    http: httpx.AsyncClient, topology: Topology, conversation: Conversation
) -> str | None:
    """Why the conversation's tracker in the shared store is not whole, or None when it is."""
    for port in topology.rasa:
        try:
            response = await http.get(
                f"{topology.rasa_url(port)}/conversations/{conversation.sender}/tracker",
                params={"token": topology.env["RASA_TOKEN"], "include_events": "ALL"},
                timeout=30,
            )
        except httpx.TransportError:
            continue  # that server is down (phase B): ask the other
        if response.status_code == 200:
            break
    else:
        return "no Rasa server gave the tracker"
    events = response.json().get("events") or []
    said = [t.text for t in conversation.turns if t.ok]
    stored: list[str] = []
    answered: list[bool] = []
    for event in events:
        if event.get("event") == "user":
            stored.append(str(event.get("text")))
            answered.append(False)
        elif event.get("event") == "bot" and answered:
            answered[-1] = True
    if stored != said:
        return f"user messages {len(stored)} stored, {len(said)} answered; first difference at " + str(
            next(
                (i for i, (a, b) in enumerate(zip(stored, said, strict=False)) if a != b),
                min(len(stored), len(said)),
            )
        )
    if not all(answered):
        return f"{answered.count(False)} user message(s) without an answer after them"
    return None


class StaffApi:
    """The staff's view of the intakes, through nginx, as an admin."""

    def __init__(self, http: httpx.AsyncClient, front: str, password: str) -> None:
        self.http, self.front, self.password = http, front, password
        self.token: str | None = None
        self.keys: dict[str, str] = {}  # intake id -> the key in its description

    async def get(self, path: str, **params: Any) -> Any:
        if self.token is None:
            response = await self.http.post(
                f"{self.front}/api/v1/auth/token", data={"username": ADMIN, "password": self.password}
            )
            response.raise_for_status()
            self.token = response.json()["access_token"]
        response = await self.http.get(
            f"{self.front}/api/v1{path}",
            params=params,
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=30,
        )
        response.raise_for_status()
        return response.json()

    async def intakes_by_key(self) -> Counter[str]:
        """How many stored intakes carry each conversation's key in their description."""
        ids: list[str] = []
        page = 1
        while True:
            listing = await self.get("/intakes", page=page, page_size=100, sort="received_at", order="asc")
            ids += [item["id"] for item in listing["items"]]
            if page * 100 >= listing["total"]:
                break
            page += 1
        semaphore = asyncio.Semaphore(8)

        async def key_of(intake_id: str) -> None:
            async with semaphore:
                detail = await self.get(f"/intakes/{intake_id}")
            match = MARKER.search(str(detail.get("description") or ""))
            self.keys[intake_id] = match[1] if match else "(no key)"

        await asyncio.gather(*(key_of(i) for i in ids if i not in self.keys))
        return Counter(self.keys[i] for i in ids)

    def ids_of(self, key: str) -> list[str]:
        return [intake_id for intake_id, k in self.keys.items() if k == key]


def outbox_retried(path: Path) -> list[sqlite3.Row]:
    """Outbox rows of intakes whose handover failed at least once (sent later, or still waiting)."""
    if not path.exists():
        return []
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10) as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute(
            "SELECT intake_id, state, attempts, sent_at FROM outbox WHERE attempts > 0"
        ).fetchall()


def outbox_created(path: Path, intake_ids: Sequence[str]) -> list[float]:
    """When the outbox took these intakes (the handover's first step)."""
    if not intake_ids or not path.exists():
        return []
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10) as conn:
        marks = ", ".join("?" * len(intake_ids))
        rows = conn.execute(f"SELECT created_at FROM outbox WHERE intake_id IN ({marks})", list(intake_ids))
        return [float(created) for (created,) in rows.fetchall()]


def waiting(path: Path) -> list[sqlite3.Row]:
    return [row for row in outbox_retried(path) if row["state"] == "pending"]


def outbox_states(path: Path) -> Counter[str]:
    if not path.exists():
        return Counter()
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10) as conn:
        return Counter(dict(conn.execute("SELECT state, count(*) FROM outbox GROUP BY state").fetchall()))


# ------------------------------------------------------------------------------------------ memory


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def pss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) / 1024
    return 0.0


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def memory(topology: Topology) -> list[tuple[str, float, str]]:
    """(process, MB, how) for each process of the stack."""
    rows: list[tuple[str, float, str]] = []
    for port in topology.rasa:
        rows.append((f"Rasa server :{port}", rss_mb(topology.pid(f"rasa-{port}")), "RSS"))
    rows.append(("action server", rss_mb(topology.pid("actions")), "RSS"))
    rows.append(("Meldpunt API (uvicorn, 1 worker)", rss_mb(topology.pid("api")), "RSS"))
    nginx = topology.pid("nginx")
    rows.append(
        ("nginx (master and worker)", sum(rss_mb(p) for p in (nginx, *children(nginx))), "RSS, summed")
    )
    try:
        redis_pid = int(
            re.search(
                r"process_id:(\d+)",
                subprocess.run(
                    ["redis-cli", "info", "server"], capture_output=True, text=True, timeout=10
                ).stdout,
            )[1]  # fmt: skip
        )
        rows.append(("Redis (the whole server)", rss_mb(redis_pid), "RSS"))
    except (TypeError, OSError, subprocess.SubprocessError):
        pass
    try:
        with psycopg.connect(topology.pg_admin_url, connect_timeout=5) as conn:
            data_dir = conn.execute("SHOW data_directory").fetchone()[0]
        postmaster = int(Path(data_dir, "postmaster.pid").read_text().split()[0])
        processes = (postmaster, *children(postmaster))
        rows.append(
            (
                f"PostgreSQL (the whole server, {len(processes)} processes)",
                sum(pss_mb(p) for p in processes),
                "PSS, summed: shared buffers counted once",
            )  # fmt: skip
        )
    except (psycopg.Error, OSError, ValueError):
        pass
    return rows


# ------------------------------------------------------------------------------------------- phases


@dataclass
class Phase:
    name: str
    title: str
    conversations: list[Conversation]
    seconds: float = 0.0
    trackers_whole: int = 0
    tracker_problems: list[str] = field(default_factory=list)
    intakes_once: int = 0
    intake_problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    routes: Counter[str] = field(default_factory=Counter)
    cpu: CpuMeter | None = None

    @property
    def turns(self) -> list[Turn]:
        return [t for c in self.conversations for t in c.turns]

    @property
    def latencies(self) -> list[float]:
        return [t.seconds * 1000 for t in self.turns if t.ok]

    @property
    def errors(self) -> list[str]:
        return [f"{c.key}: {c.error}" for c in self.conversations if c.error]

    @property
    def retries(self) -> int:
        return sum(t.attempts - 1 for t in self.turns)

    @property
    def done(self) -> int:
        return sum(1 for c in self.conversations if c.code)


def new_conversations(run: str, phase: str, count: int) -> list[Conversation]:
    return [
        Conversation(f"bench-{run}-{phase}{i:03d}", CASES[i % len(CASES)], rng=random.Random(f"{phase}{i}"))
        for i in range(count)
    ]


def cpu_seconds(pid: int) -> float | None:
    """User and system CPU time of a process so far; None when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """CPU time the stack's processes spend during a phase (those running when it starts)."""

    def __init__(self, topology: Topology) -> None:
        names = [f"rasa-{port}" for port in topology.rasa] + ["actions", "api"]
        self.pids = {name: topology.pid(name) for name in names}
        self.first = {name: cpu_seconds(pid) or 0.0 for name, pid in self.pids.items()}
        self.last = dict(self.first)

    def sample(self) -> None:
        for name, pid in self.pids.items():
            seconds = cpu_seconds(pid)
            if seconds is not None:
                self.last[name] = seconds

    def used(self) -> dict[str, float]:
        """CPU seconds by part: the Rasa servers together, the action server, the API."""
        spent = {name: self.last[name] - self.first[name] for name in self.pids}
        return {
            "rasa": sum(v for k, v in spent.items() if k.startswith("rasa-")),
            "actions": spent["actions"],
            "api": spent["api"],
        }


async def play(
    phase: Phase,
    topology: Topology,
    client_for: Callable[[Callable[[], None]], Client],
    during: Callable[[int], Any] | None = None,
) -> None:
    """All the phase's conversations at once; `during(turns_done)` is called after every turn."""
    done = 0
    phase.cpu = meter = CpuMeter(topology)
    sampling = True

    async def sample() -> None:
        while sampling:
            meter.sample()
            await asyncio.sleep(1)

    def progress() -> None:
        nonlocal done
        done += 1
        if during is not None:
            during(done)

    client = client_for(progress)
    started = time.monotonic()

    async def later(index: int, conversation: Conversation) -> None:
        await asyncio.sleep(index * RAMP)
        await converse(client, conversation)

    sampler = asyncio.create_task(sample())
    try:
        await asyncio.gather(*(later(i, c) for i, c in enumerate(phase.conversations)))
    finally:
        sampling = False
        await sampler
    meter.sample()
    phase.seconds = time.monotonic() - started


async def check(phase: Phase, http: httpx.AsyncClient, topology: Topology, staff: StaffApi) -> None:
    """Trackers through Rasa's HTTP API, intakes through the staff API."""
    problems = await asyncio.gather(*(tracker_problems(http, topology, c) for c in phase.conversations))
    for conversation, problem in zip(phase.conversations, problems, strict=True):
        if problem is None:
            phase.trackers_whole += 1
        else:
            phase.tracker_problems.append(f"{conversation.key}: {problem}")
    stored = await staff.intakes_by_key()
    for conversation in phase.conversations:
        count = stored.get(conversation.key, 0)
        if conversation.code and count == 1:
            phase.intakes_once += 1
        elif count != 0 or conversation.code:
            phase.intake_problems.append(
                f"{conversation.key}: {count} intake(s) stored, code given: {bool(conversation.code)}"
            )


def access_lines(path: Path, start: int) -> list[str]:
    lines = path.read_text().splitlines()[start:]
    return [line for line in lines if "/webhooks/chat/webhook" in line]


def upstream(line: str) -> tuple[list[str], list[str], float]:
    """The upstreams nginx tried for a request, their statuses, and the request's time."""
    servers = re.search(r"upstream=(.+?) upstream_status=", line)
    statuses = re.search(r"upstream_status=(.+?) upstream_time=", line)
    request_time = float(line.split()[5])
    return (
        servers[1].split(", ") if servers else [],
        statuses[1].split(", ") if statuses else [],
        request_time,
    )


# --------------------------------------------------------------------------------------------- main


def log_to(stream: Any) -> Callable[[str], None]:
    started = time.monotonic()

    def log(message: str) -> None:
        print(f"[{time.monotonic() - started:6.1f} s] {message}", file=stream, flush=True)

    return log


def pg_ready(url: str) -> bool:
    info = psycopg.conninfo.conninfo_to_dict(url)
    return (
        subprocess.run(
            [
                "pg_isready",
                "-q",
                "-h",
                str(info.get("host") or "127.0.0.1"),
                "-p",
                str(info.get("port") or 5432),
            ],
            timeout=10,
        ).returncode
        == 0
    )


def default_pg_commands() -> tuple[str, str]:
    versions = (
        sorted(p.name for p in Path("/etc/postgresql").glob("*")) if Path("/etc/postgresql").exists() else []
    )
    version = versions[-1] if versions else "15"
    base = f"pg_ctlcluster --skip-systemctl-redirect {version} main"
    return f"{base} stop", f"{base} start"


async def bench(args: argparse.Namespace, topology: Topology, log: Callable[[str], None]) -> dict[str, Any]:
    run = secrets.token_hex(2)
    password = create_admin(topology)
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    async with httpx.AsyncClient(limits=limits) as http:
        staff = StaffApi(http, topology.front, password)
        rasa_urls = [topology.rasa_url(p) for p in topology.rasa]
        result: dict[str, Any] = {"phases": []}

        # Warm-up: one conversation through each Rasa server (first use of every code path).
        warm = Phase("warm-up", "warm-up", [])
        for i, url in enumerate(rasa_urls):
            conversation = Conversation(f"bench-{run}-w{i:03d}", CASES[i])
            await converse(Client(http, lambda c, n, url=url: url, think=(0, 0)), conversation)
            if conversation.error:
                raise RuntimeError(f"the warm-up conversation failed: {conversation.error}")
            warm.conversations.append(conversation)
        log("warm-up: one conversation through each Rasa server")
        turns_per_conversation = sum(len(c.turns) for c in warm.conversations) / len(warm.conversations)
        result["turns_per_conversation"] = turns_per_conversation

        # A: straight to the Rasa servers, alternating.
        a = Phase(
            "A", "alternating between the two Rasa servers", new_conversations(run, "a", args.conversations)
        )
        await play(
            a,
            topology,
            lambda progress: Client(
                http, lambda c, n: rasa_urls[(n + int(c.key[-3:])) % 2], progress=progress
            ),
        )
        await check(a, http, topology, staff)
        alternating = sum(
            all(x.target != y.target for x, y in zip(c.turns, c.turns[1:], strict=False))
            for c in a.conversations
        )
        a.notes.append(
            f"Every message of a conversation went to the other Rasa server than the one before it in "
            f"{alternating} of {len(a.conversations)} conversations."
        )
        a.routes = Counter(t.target.rsplit(":", 1)[1] for t in a.turns)
        result["phases"].append(a)
        log(f"A: {a.done}/{len(a.conversations)} conversations, {len(a.errors)} errors")

        # B: through nginx; one Rasa server killed halfway.
        b = Phase(
            "B", "one Rasa server killed halfway (SIGKILL)", new_conversations(run, "b", args.conversations)
        )
        victim = topology.rasa[0]
        kill_at = int(len(b.conversations) * turns_per_conversation / 2)
        killed: dict[str, float] = {}
        log_start = len(topology.access_log.read_text().splitlines())

        def kill(done: int) -> None:
            if done >= kill_at and not killed:
                pid = topology.pid(f"rasa-{victim}")
                if b.cpu is not None:
                    b.cpu.sample()  # its CPU time up to its death
                os.kill(pid, signal.SIGKILL)
                killed.update(wall=time.time(), mono=time.monotonic(), pid=pid)
                log(f"B: killed Rasa :{victim} (pid {pid}) after {done} turns")

        await play(
            b, topology, lambda progress: Client(http, lambda c, n: topology.front, progress=progress), kill
        )
        in_flight = []
        for line in access_lines(topology.access_log, log_start):
            servers, statuses, seconds = upstream(line)
            b.routes[", ".join(s.rsplit(":", 1)[1] for s in servers)] += 1
            # Passed on from the killed server: refused connections after the kill (at once), and
            # the turns it was answering when it died (nginx's log has whole seconds).
            ended = datetime.fromisoformat(line.split()[0]).timestamp()
            first = servers[0].endswith(f":{victim}") and statuses[0] in ("502", "504")
            if len(servers) > 1 and first and ended - seconds <= killed["wall"] + 1 and seconds > 1:
                in_flight.append(seconds)
        total = int(len(b.conversations) * turns_per_conversation)
        b.notes.append(
            f"Rasa :{victim} was killed after {kill_at} of about {total} turns. Turns it had taken "
            "when it died, which nginx passed on to the other server (`proxy_next_upstream`), which "
            "answered them, after waiting for the dead server's lock on the conversation to expire "
            f"where it held one (`TICKET_LOCK_LIFETIME`, 20 s): {len(in_flight)}, taking "
            + (f"{min(in_flight):.1f} to {max(in_flight):.1f} s in all." if in_flight else "-.")
        )
        await check(b, http, topology, staff)
        result["phases"].append(b)
        result["in_flight"] = in_flight
        log(f"B: {b.done}/{len(b.conversations)} conversations, {len(b.errors)} errors")

        # Wait until run-scaled has started the killed server again.
        back = time.monotonic()
        while True:
            try:
                if (
                    await http.get(f"{topology.rasa_url(victim)}/webhooks/chat/", timeout=2)
                ).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() - back > 300:
                raise RuntimeError(f"Rasa :{victim} did not come back within 5 minutes")
            await asyncio.sleep(1)
        restarted = time.monotonic() - killed["mono"]
        b.notes.append(
            f"run-scaled.sh started the killed server again (as compose's `restart: unless-stopped`); "
            f"it answered again {restarted:.0f} s after the kill, before phase C."
        )
        log(f"Rasa :{victim} answers again, {restarted:.0f} s after the kill")

        # C: through nginx; PostgreSQL stopped for 10 s.
        c = Phase(
            "C",
            f"PostgreSQL stopped for {OUTAGE_SECONDS:.0f} s",
            new_conversations(run, "c", args.conversations),
        )
        stop_at = int(len(c.conversations) * turns_per_conversation * 0.3)
        outage: dict[str, Any] = {}
        log_start = len(topology.access_log.read_text().splitlines())

        async def outage_task() -> None:
            while not outage.get("go"):
                await asyncio.sleep(0.05)
            log(f"C: stopping PostgreSQL: {args.pg_stop}")
            outage["stop"] = time.monotonic()
            await asyncio.to_thread(subprocess.run, shlex.split(args.pg_stop), check=True, timeout=60)
            outage["stopped"] = time.monotonic()
            peak = 0
            while time.monotonic() - outage["stopped"] < OUTAGE_SECONDS:
                peak = max(peak, len(waiting(topology.outbox)))
                await asyncio.sleep(0.5)
            log(f"C: starting PostgreSQL: {args.pg_start}")
            await asyncio.to_thread(subprocess.run, shlex.split(args.pg_start), check=True, timeout=120)
            outage["started"] = time.monotonic()
            outage["back"] = time.time()
            outage["pending_peak"] = max(peak, len(waiting(topology.outbox)))
            log(f"C: PostgreSQL is back ({outage['started'] - outage['stopped']:.1f} s down)")

        turns_done = consents = 0

        def count(done: int) -> None:
            nonlocal turns_done
            turns_done = done

        def go(change: int) -> None:
            # Once 30% of the turns are done, as CONSENTS consents await their answer: handovers
            # are under way when PostgreSQL stops (the tracker store is on the same server, so a
            # consent sent during the outage fails before its handover).
            nonlocal consents
            consents += change
            if turns_done >= stop_at and consents >= CONSENTS and not outage.get("go"):
                outage.update(go=True, at=turns_done)

        task = asyncio.create_task(outage_task())
        try:
            await play(
                c,
                topology,
                lambda progress: Client(
                    http,
                    lambda c_, n: topology.front,
                    retries=RETRY_DELAYS,
                    progress=progress,
                    consenting=go,
                ),
                count,
            )
            if not outage.get("go"):
                raise RuntimeError(f"never {CONSENTS} consents at once: PostgreSQL was not stopped")
            await task
        finally:
            if not task.done():
                task.cancel()
        # The outbox drains: every intake whose handover failed (the API had no database) arrives.
        while (
            outbox_states(topology.outbox).get("pending", 0)
            and time.monotonic() - outage["started"] < DRAIN_TIMEOUT
        ):
            await asyncio.sleep(0.25)
        await asyncio.sleep(2)  # the retry loop's next round must not send anything twice
        states = outbox_states(topology.outbox)
        retried = outbox_retried(topology.outbox)
        arrived = [row["sent_at"] - outage["back"] for row in retried if row["state"] == "sent"]
        drained = not states.get("pending") and not states.get("rejected")
        outage.update(states=states, retried=len(retried), drained=drained, arrived=arrived)
        await check(c, http, topology, staff)
        failed_turns = [t for t in c.turns if t.failures]
        retried_consents = [x for x in c.conversations if x.code and x.turns[-1].failures]
        handed_twice = 0
        for conversation in retried_consents:
            created = outbox_created(topology.outbox, staff.ids_of(conversation.key))
            handed_twice += bool(created) and min(created) < conversation.turns[-1].last_try
        c.notes.append(
            f"PostgreSQL was stopped after {outage['at']} of {len(c.turns)} turns, as {CONSENTS} consents "
            f"awaited their answer, and started again {OUTAGE_SECONDS:g} s after it had stopped; it "
            f"answered again {outage['started'] - outage['stopped']:.1f} s after it had stopped (the start "
            "takes a moment). Turns sent again "
            f"by the client: {len(failed_turns)} ({c.retries} retries: "
            f"{dict(Counter(f for t in failed_turns for f in t.failures))}), every one answered in the end."
        )
        c.notes.append(
            f"Consents among them: {len(retried_consents)}; "
            + (
                f"{handed_twice} of them had been handed over in the try that failed (the turn failed "
                "when its conversation was to be saved) and were handed over again when sent again, with "
                "the same id and receipt code: each stored once."
                if handed_twice
                else "none had been handed over in the try that failed."
            )
        )
        if retried:
            outbox = (
                f"Intakes whose handover failed and that waited in the action server's outbox: "
                f"{len(retried)} (at most {outage['pending_peak']} at once during the outage)"
                + (f"; the last arrived {max(arrived):.1f} s after PostgreSQL came back." if arrived else ".")
            )
        else:
            outbox = (
                "No intake had to wait in the action server's outbox: a consent sent while PostgreSQL "
                "was down failed when its conversation was read, before any handover (the tracker store "
                "is on the same server), and was handed over once sent again."
            )
        c.notes.append(
            f"{outbox} Answers that said the intake was kept safely, to be sent later: "
            f"{sum(1 for x in c.conversations if x.queued)}. Outbox rows by state at the end: {dict(states)}."
        )
        for line in access_lines(topology.access_log, log_start):
            servers, _, _ = upstream(line)
            c.routes[", ".join(s.rsplit(":", 1)[1] for s in servers)] += 1
        result["phases"].append(c)
        result["outage"] = outage
        log(f"C: {c.done}/{len(c.conversations)} conversations, {len(c.errors)} errors, {c.retries} retries")

        # Nothing else stored: every intake in the API belongs to one conversation of the bench.
        stored = await staff.intakes_by_key()
        everyone = {x.key for p in (warm, a, b, c) for x in p.conversations}
        result["stray"] = {k: n for k, n in stored.items() if k not in everyone}
        result["api_health"] = (await http.get(f"{topology.front}/healthz")).status_code
        result["memory"] = memory(topology)
    return result


def report(
    args: argparse.Namespace, result: dict[str, Any], load: tuple[float, float], minutes: float
) -> str:
    phases: list[Phase] = result["phases"]
    outage = result["outage"]

    def met(ok: bool) -> str:
        return "met" if ok else "**not met**"

    def each(cell: Callable[[Phase], str]) -> str:
        return " | ".join(cell(p) for p in phases)

    def whole(p: Phase) -> str:
        return f"{p.trackers_whole}/{len(p.conversations)} {met(p.trackers_whole == len(p.conversations))}"

    def once(p: Phase) -> str:
        return f"{p.intakes_once}/{len(p.conversations)} {met(p.intakes_once == len(p.conversations))}"

    if not outage["drained"]:
        drain = f"left: {dict(outage['states'])} {met(False)}"
    elif outage["arrived"]:
        drain = (
            f"{outage['retried']} waited, the last arrived {max(outage['arrived']):.1f} s after {met(True)}"
        )
    else:
        drain = f"none had to wait, none left {met(True)}"
    think = f"{THINK[0]:g} to {THINK[1]:g} s"
    lines = [
        "## Production stack under load and faults",
        "",
        f"Measured {date.today().isoformat()} with `make bench-scale` (`scripts/bench_scale.py`), "
        f"{minutes:.1f} minutes in all. Machine: {machine()}. 1-minute load average {load[0]:.1f} at "
        f"the start, {load[1]:.1f} at the end (anything else running on the machine shows up in these "
        "figures).",
        "",
        "How: `scripts/run-scaled.sh` (the topology of `docker-compose.yml`: nginx, two Rasa servers "
        "on one PostgreSQL tracker store and the Redis lock store, the action server with its outbox, "
        "the API on PostgreSQL) on free loopback ports, with its own databases, fresh secrets and its "
        "defaults (`TICKET_LOCK_LIFETIME=20`, `SQL_POOL_SIZE=10`, `SQL_MAX_OVERFLOW=10`, the outbox's "
        f"retry loop every 5 s). Each phase plays {args.conversations} conversations at once, started "
        f"{RAMP:g} s apart, from one client process (asyncio and httpx) on the same CPUs. Each goes from "
        '"hallo" to a receipt code: a story with a key of its own, confirm, employee, organisation, '
        "the route, every intake question skipped, anonymous, consent: "
        f"{result['turns_per_conversation']:.0f} turns, each after a pause of {think} (reading and "
        "typing). A turn is one POST to the chat webhook with all its answers, timed by the client "
        "(in phase C from its first try to its answer, waits included). After each phase every "
        "conversation's tracker is read through Rasa's HTTP API (every message sent there once, in "
        "order, each followed by an answer) and every intake through the staff API (one per "
        "conversation, found by its key). One conversation through each Rasa server warms them up.",
        "",
        "- A: turn *i* of conversation *k* goes straight to Rasa server (*i* + *k*) mod 2, so every "
        "message of a conversation is answered by the other server than the one before.",
        "- B: through nginx (round robin); halfway through the turns one Rasa server is killed with "
        "SIGKILL. The client does not retry: nginx passes the turns on.",
        "- C: through nginx; PostgreSQL (Rasa's tracker store and the API's database) is stopped "
        f"(`{args.pg_stop}`) once 30% of the turns are done, as {CONSENTS} conversations await the "
        f"answer to their consent (so that handovers are under way), and started again "
        f"{OUTAGE_SECONDS:g} s later. The "
        f"client sends a turn that got a 5xx or no connection again, at most {len(RETRY_DELAYS)} times, "
        f"after {', '.join(f'{d:g}' for d in RETRY_DELAYS)} s (as a person presses the chat page's "
        '"try again"); a turn that never gets an answer is an error.',
        "",
        "### Targets",
        "",
        "| target | " + each(lambda p: f"{p.name}: {p.title}") + " |",
        "|---|" + "---|" * len(phases),
        "| no errors | " + each(lambda p: f"{len(p.errors)} {met(not p.errors)}") + " |",
        "| every tracker whole | " + each(whole) + " |",
        "| every intake stored exactly once | " + each(once) + " |",
        "| the outbox drains after the outage | " + " | " * (len(phases) - 1) + drain + " |",
        "",
        "| phase | conversations | turns | p50 per turn | p95 | max | errors | retries | whole trackers "
        "| intakes stored once | wall time | CPU per turn: Rasa, actions, API |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for p in phases:
        lat = p.latencies
        cpu = p.cpu.used() if p.cpu else {}
        per_turn = ", ".join(
            f"{cpu.get(k, 0) * 1000 / max(1, len(lat)):.0f}" for k in ("rasa", "actions", "api")
        )
        lines.append(
            f"| {p.name} | {len(p.conversations)} | {len(p.turns)} | {percentile(lat, 0.5):.0f} ms | "
            f"{percentile(lat, 0.95):.0f} ms | {max(lat, default=0):.0f} ms | {len(p.errors)} | "
            f"{p.retries} | {p.trackers_whole} | {p.intakes_once} | {p.seconds:.0f} s | {per_turn} ms |"
        )
    lines += [
        "",
        f"Intakes stored that belong to no conversation of the bench: {len(result['stray'])}. The "
        f"API's health check after the phases: HTTP {result['api_health']}; no process was restarted "
        "but the killed Rasa server.",
    ]
    for p in phases:
        lines += ["", f"**{p.name}**: " + " ".join(p.notes)]
        if p.routes:
            routes = ", ".join(f"{k} {v}" for k, v in sorted(p.routes.items()))
            lines.append(f"Turns by Rasa server (port; two ports: nginx passed the turn on): {routes}.")
        for title, problems in (
            ("Errors", p.errors),
            ("Trackers", p.tracker_problems),
            ("Intakes", p.intake_problems),
        ):
            if problems:
                more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
                lines.append(f"{title}: " + "; ".join(problems[:5]) + more)
    total = sum(mb for _, mb, _ in result["memory"])
    lines += ["", "### Memory at the end", "", "| process | MB | measured as |", "|---|---:|---|"]
    lines += [f"| {name} | {mb:.0f} | {how} |" for name, mb, how in result["memory"]]
    lines += ["", f"In all: {total:.0f} MB."]
    return "\n".join(lines)


def machine() -> str:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")), platform.machine())  # fmt: skip
    mem_gb = int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024

    def version(command: list[str], pattern: str) -> str:
        done = subprocess.run(command, capture_output=True, text=True)
        found = re.search(pattern, done.stdout + done.stderr)
        return found[1] if found else "?"

    postgresql = version(["psql", "--version"], r"(\d+\.\d+)")
    redis = version(["redis-server", "--version"], r"v=(\S+)")
    nginx = version(["nginx", "-v"], r"nginx/(\S+)")
    return (
        f"{os.cpu_count()} CPUs ({cpu}), {mem_gb:.0f} GB; Python {platform.python_version()}, "
        f"PostgreSQL {postgresql}, Redis {redis}, nginx {nginx}"
    )


def interrupted(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    stop, start = default_pg_commands()
    parser.add_argument("--conversations", type=int, default=50, help="conversations per phase")
    parser.add_argument(
        "--pg-admin-url",
        default=os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test").rsplit(
            "/", 1
        )[0]
        + "/postgres",
        help="a role that may create databases (default: TEST_DATABASE_URL's server, database postgres)",
    )
    parser.add_argument("--pg-stop", default=stop, help=f"stops that PostgreSQL server (default: {stop})")
    parser.add_argument("--pg-start", default=start, help=f"starts it again (default: {start})")
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"))
    args = parser.parse_args()
    log = log_to(sys.stdout)
    if not pg_ready(args.pg_admin_url):
        log(f"PostgreSQL does not answer at {args.pg_admin_url}: run `make postgres`")
        return 1
    # TERM (and Ctrl-C) end the bench through the finally blocks below.
    signal.signal(signal.SIGTERM, interrupted)
    started = time.monotonic()
    load_start = os.getloadavg()[0]
    topology = None
    pg_down = False
    try:
        topology = start_topology(args.pg_admin_url, log)
        result = asyncio.run(bench(args, topology, log))
    finally:
        if not pg_ready(args.pg_admin_url):
            log(f"PostgreSQL is down: starting it again ({args.pg_start})")
            subprocess.run(shlex.split(args.pg_start), timeout=120)
        if topology is not None:
            log("stopping the stack")
            stop_topology(topology, log)
        for _ in range(30):
            if pg_ready(args.pg_admin_url):
                log("PostgreSQL answers")
                break
            time.sleep(1)
        else:
            log(f"PostgreSQL DOES NOT ANSWER at {args.pg_admin_url}: start it with {args.pg_start}")
            pg_down = True
    load_end = os.getloadavg()[0]
    minutes = (time.monotonic() - started) / 60
    text = report(args, result, (load_start, load_end), minutes)
    write_section(Path(args.output), "bench-scale", text)
    print(text)
    print(f"Wrote {args.output}")
    phases: list[Phase] = result["phases"]
    ok = all(not p.errors and p.trackers_whole == p.intakes_once == len(p.conversations) for p in phases)
    return 0 if ok and result["outage"]["drained"] and not pg_down else 1


if __name__ == "__main__":
    sys.exit(main())
