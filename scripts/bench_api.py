"""Benchmark of the Meldpunt API on SQLite and PostgreSQL (issue 2), written to docs/benchmarks.md.

For each database: a fresh, migrated database; the real API under uvicorn (one worker) on a free
loopback port; submissions at 1, 8 and 32 concurrent clients; then 100,000 intakes stored and the
latency of listing, reading and the figures, sequentially. Progress goes to stderr.

    .venv-api/bin/python scripts/bench_api.py --output docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import secrets
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from math import ceil
from pathlib import Path
from typing import Any

import httpx
from cryptography.fernet import Fernet
from sqlalchemy import Column, Engine, MetaData, Table, Text, create_engine, func, select, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# The benchmark's own secrets, fresh per run; set before the API settings are first read.
SECRETS = {
    "MELDPUNT_SERVICE_TOKEN": "bench-" + secrets.token_urlsafe(24),
    "MELDPUNT_ENCRYPTION_KEY": Fernet.generate_key().decode(),
    "MELDPUNT_RECEIPT_HASH_KEY": secrets.token_hex(32),
    "MELDPUNT_JWT_SECRET": secrets.token_hex(32),
}
os.environ.update(SECRETS)

from api.config import get_settings  # noqa: E402
from api.crypto import EncryptedJSON, EncryptedText, encrypt, receipt_hash  # noqa: E402
from api.db import make_engine, normalise_url  # noqa: E402
from api.deadlines import ACKNOWLEDGEMENT, committee_for, decision_due  # noqa: E402
from api.models import Intake, IntakeEvent, Staff  # noqa: E402
from api.organisations import falls_under_kcoo  # noqa: E402
from api.security import hash_password  # noqa: E402
from scripts.benchdoc import write_section  # noqa: E402

get_settings.cache_clear()

DEFAULT_TEST_PG = "postgresql://postgres@127.0.0.1:5432/test"
SUBMIT_TARGET_MS = 50.0  # p95 submit at 8 clients
LIST_TARGET_MS = 50.0  # p95 of every listing request at 100,000 intakes
CLIENT_LEVELS = (1, 8, 32)
T0 = time.perf_counter()


def log(message: str) -> None:
    print(f"[bench-api {time.perf_counter() - T0:6.1f}s] {message}", file=sys.stderr, flush=True)


# --- realistic content -------------------------------------------------------------------------

CATEGORIES = {
    "pesten": 28,
    "intimidatie": 22,
    "discriminatie": 15,
    "misstand": 15,
    "seksuele_intimidatie": 12,
    "agressie_geweld": 8,
}
GROUNDS = {
    "afkomst": 30,
    "godsdienst": 15,
    "geslacht": 15,
    "handicap": 10,
    "leeftijd": 10,
    "seksuele_gerichtheid": 6,
    "nationaliteit": 5,
    "arbeidsduur": 3,
    "politieke_gezindheid": 2,
    "burgerlijke_staat": 1,
    "anders": 3,
}
ORGANISATIONS = [
    "Belastingdienst",
    "Ministerie van BZK",
    "Rijkswaterstaat",
    "DUO",
    "Ministerie van Financiën",
    "UWV",
    "Ministerie van Justitie en Veiligheid",
    "Dienst Justitiële Inrichtingen",
    "Ministerie van OCW",
    "Ministerie van VWS",
    "NVWA",
    "RVO",
    "Ministerie van SZW",
    "Ministerie van Defensie",
    "Douane",
    "Toeslagen",
    "Ministerie van IenW",
    "Logius",
    "RIVM",
    "Ministerie van Buitenlandse Zaken",
    "Rijksvastgoedbedrijf",
    "CBS",
    "Kadaster",
    "ILT",
    "Ministerie van EZK",
    "KNMI",
    "SSC-ICT",
    "Ministerie van Algemene Zaken",
]
ORG_WEIGHTS = [1 / (rank + 1) for rank in range(len(ORGANISATIONS))]  # a few large, many small
ORG_KCOO = {org: falls_under_kcoo(org) for org in ORGANISATIONS}
ROUTES = {
    "klacht_kcoo": 40,
    "contact_meldpunt": 20,
    "vertrouwenspersoon": 20,
    "alleen_registreren": 15,
    "anders": 5,
}
OUTCOMES = ["niet_ontvankelijk", "gegrond", "deels_gegrond", "ongegrond", "anders_afgedaan"]
ASSISTANT_LINES = [
    "Vertel in je eigen woorden wat er is gebeurd.",
    "Dank je dat je dit vertelt. Wanneer is dit begonnen?",
    "Gebeurt het nog steeds, of is het voorbij?",
    "Wie waren erbij? Je hoeft geen namen te noemen.",
    "Heb je hier al met iemand over gesproken, bijvoorbeeld je leidinggevende of een vertrouwenspersoon?",
    "Bij welke organisatie werk je? Een onderdeel noemen mag, hoeft niet.",
    "Ik vat samen wat ik heb gehoord. Klopt dit, of wil je iets aanpassen?",
    "Wat zou je willen dat er nu gebeurt? Ik leg de mogelijke routes uit.",
    "Wil je anoniem blijven, of mogen we contact met je opnemen?",
    "Mag ik je melding met deze samenvatting doorsturen naar het Meldpunt?",
]
REPORTER_LINES = [
    "Sinds de reorganisatie word ik niet meer uitgenodigd voor het teamoverleg.",
    "Mijn leidinggevende maakt in het bijzijn van anderen opmerkingen over mijn werk en mijn achtergrond.",
    "Het begon ongeveer een half jaar geleden, na een discussie over de planning.",
    "Ja, het gaat nog steeds door. Vorige week gebeurde het weer tijdens de lunch.",
    "Twee collega's hebben het gezien, maar ze durven er niets van te zeggen.",
    "Ik heb het één keer aangekaart bij mijn teamleider, maar er veranderde niets.",
    "Ik werk bij een uitvoeringsorganisatie, in een team van ongeveer twintig mensen.",
    "Ja, dat klopt zo. Alleen was het niet één keer maar meerdere keren per week.",
    "Ik wil vooral dat het stopt, en ik wil weten wat mijn mogelijkheden zijn.",
    "Ik wil liever anoniem blijven. Ja, je mag het doorsturen.",
]
SUMMARIES = [
    "Een collega sluit de melder al maanden buiten bij overleg en uitjes.",
    "De leidinggevende dreigt met een slechte beoordeling als de melder bezwaar maakt.",
    "Opmerkingen over afkomst en geloof tijdens de lunch, door meerdere collega's.",
    "Vermoeden van belangenverstrengeling bij de gunning van een opdracht.",
    "Ongewenste aanrakingen en berichten met een seksuele ondertoon van een collega.",
    "Een klant heeft de melder aan de balie uitgescholden en geduwd.",
]


def weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def transcript(rng: random.Random, start: datetime, lines: int = 20) -> list[dict[str, str]]:
    turns = []
    for i in range(lines):
        pool = ASSISTANT_LINES if i % 2 == 0 else REPORTER_LINES
        speaker = "assistant" if i % 2 == 0 else "reporter"
        at = start + timedelta(seconds=25 * i + rng.randint(0, 20))
        turns.append({"speaker": speaker, "text": pool[(i // 2) % len(pool)], "at": at.isoformat()})
    return turns


def receipt_code() -> str:
    digits = "".join(secrets.choice("0123456789") for _ in range(25))
    return "-".join(digits[i : i + 5] for i in range(0, 25, 5))


def classification(rng: random.Random) -> dict[str, Any]:
    category = weighted(rng, CATEGORIES)
    return {
        "category": category,
        "discrimination_ground": weighted(rng, GROUNDS) if category == "discriminatie" else None,
        "desired_route": "melding_ic_rijk" if category == "misstand" else weighted(rng, ROUTES),
        "organisation": rng.choices(ORGANISATIONS, weights=ORG_WEIGHTS)[0],
    }


def submission_body(rng: random.Random) -> bytes:
    """A POST /intakes body as the assistant sends it, with a 20-line transcript."""
    at = datetime.now(UTC) - timedelta(minutes=12)
    contact = rng.random() < 0.4
    body = {
        "id": str(uuid.uuid4()),
        "receipt_code": receipt_code(),
        "created_at": (at + timedelta(minutes=10)).isoformat(),
        "language": "nl" if rng.random() < 0.9 else "en",
        "channel": "chat",
        "reporter_role": rng.choices(["medewerker", "ex_medewerker", "extern"], [80, 10, 10])[0],
        **classification(rng),
        "department": "Directie Uitvoering",
        "summary": rng.choice(SUMMARIES),
        "description": " ".join(rng.sample(REPORTER_LINES, 5)),
        "occurred_period": "sinds het voorjaar",
        "ongoing": rng.random() < 0.6,
        "involved_relations": rng.sample(["collega", "leidinggevende", "burger_of_klant"], 1),
        "witnesses": "Twee collega's waren erbij.",
        "steps_taken": "Gesprek met de teamleider gehad.",
        "contact_preference": "contact" if contact else "anoniem",
        "contact_details": {"email": "melder@example.org"} if contact else None,
        "consent": True,
        "transcript": transcript(rng, at),
    }
    return json.dumps(body).encode()


# --- the server under test ---------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def api_server(database_url: str, workdir: Path) -> Iterator[tuple[str, int]]:
    """The real API under uvicorn, one worker; its working dir has no .env, so only our env counts."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MELDPUNT_") and k != "DATABASE_URL"}
    env.update(SECRETS, DATABASE_URL=database_url, PYTHONPATH=str(ROOT), MELDPUNT_LOG_LEVEL="WARNING")
    log_path = workdir / f"uvicorn-{port}.log"
    # The flags `make run` starts the API with (one process, the default), plus a quieter log level.
    cmd = [sys.executable, "-m", "uvicorn", "api.asgi:app", "--host", "127.0.0.1", "--port", str(port)]
    cmd += ["--proxy-headers", "--no-access-log", "--workers", "1", "--log-level", "warning"]
    with open(log_path, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=workdir, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"uvicorn exited ({proc.returncode}):\n{log_path.read_text()[-3000:]}")
            try:
                if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the API did not answer /healthz within 60 s")
            time.sleep(0.2)
        log(f"API up at {base} (pid {proc.pid})")
        yield base, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# --- measuring ---------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile, in the unit of the values."""
    ordered = sorted(values)
    return ordered[max(0, ceil(q * len(ordered)) - 1)]


@dataclass
class Level:
    clients: int
    done: int
    errors: int
    seconds: float
    latencies: list[float]
    server_cpu_ms: float | None = None  # CPU time of the API process per submission

    @property
    def rate(self) -> float:
        return self.done / self.seconds if self.seconds else 0.0


@dataclass
class ReadResult:
    label: str
    latencies: list[float]
    errors: int


@dataclass
class DbResult:
    name: str
    version: str
    levels: list[Level] = field(default_factory=list)
    reads: list[ReadResult] = field(default_factory=list)
    intakes: int = 0
    insert_seconds: float = 0.0


def submit_level(
    base: str, clients: int, bodies: list[bytes], max_seconds: float, server_pid: int | None = None
) -> Level:
    """`clients` threads, each with its own connection, submit until the bodies or the time run out."""
    headers = {"Authorization": f"Bearer {SECRETS['MELDPUNT_SERVICE_TOKEN']}"}
    headers["Content-Type"] = "application/json"
    queue = iter(bodies)
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[str] = []
    barrier = threading.Barrier(clients + 1)
    stop_at = 0.0

    def worker() -> None:
        with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
            client.get("/healthz")  # connect before the clock starts
            barrier.wait()
            while time.perf_counter() < stop_at:
                with lock:
                    body = next(queue, None)
                if body is None:
                    return
                t = time.perf_counter()
                response = client.post("/api/v1/intakes", content=body)
                elapsed = time.perf_counter() - t
                with lock:
                    if response.status_code == 201:
                        latencies.append(elapsed * 1000)
                    else:
                        errors.append(f"{response.status_code} {response.text[:200]}")

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    stop_at = time.perf_counter() + max_seconds + 5
    barrier.wait()
    started, cpu_before = time.perf_counter(), process_cpu(server_pid)
    stop_at = started + max_seconds
    for thread in threads:
        thread.join()
    seconds, cpu_after = time.perf_counter() - started, process_cpu(server_pid)
    if errors:
        log(f"  {len(errors)} failed submissions, first: {errors[0]}")
    level = Level(clients, len(latencies), len(errors), seconds, latencies)
    if cpu_before is not None and cpu_after is not None and latencies:
        level.server_cpu_ms = (cpu_after - cpu_before) * 1000 / (len(latencies) + len(errors))
    return level


def process_cpu(pid: int | None) -> float | None:
    """User + system CPU seconds of a process, from /proc (None where there is no /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed_gets(
    client: httpx.Client, label: str, paths: Callable[[int], str], count: int, max_seconds: float
) -> ReadResult:
    for i in range(3):  # warm up
        client.get(paths(i))
    latencies: list[float] = []
    errors = 0
    stop_at = time.perf_counter() + max_seconds
    for i in range(count):
        if time.perf_counter() > stop_at and len(latencies) >= 10:
            break
        t = time.perf_counter()
        response = client.get(paths(i))
        elapsed = (time.perf_counter() - t) * 1000
        if response.status_code == 200:
            latencies.append(elapsed)
        else:
            errors += 1
            if errors == 1:
                log(f"  {label}: {response.status_code} {response.text[:200]}")
    result = ReadResult(label, latencies, errors)
    log(
        f"  {label}: n={len(latencies)} p50={percentile(latencies, 0.5):.1f} ms "
        f"p95={percentile(latencies, 0.95):.1f} ms"
    )
    return result


# --- 100,000 stored intakes --------------------------------------------------------------------

STATUS_BY_AGE = (  # (max age in days, status weights): old intakes are mostly closed
    (14, {"nieuw": 50, "in_behandeling": 40, "doorverwezen": 10}),
    (120, {"nieuw": 3, "in_behandeling": 45, "doorverwezen": 22, "afgesloten": 30}),
    (10_000, {"in_behandeling": 4, "doorverwezen": 4, "afgesloten": 92}),
)


def plain_table(model_table: Table) -> Table:
    """The same table with encrypted columns as plain Text: the rows arrive encrypted already."""
    columns = [
        Column(
            c.name,
            Text() if isinstance(c.type, EncryptedText | EncryptedJSON) else c.type,
            primary_key=c.primary_key,
        )
        for c in model_table.columns
    ]
    return Table(model_table.name, MetaData(), *columns)


class Encrypted:
    """Pre-encrypted values to draw from. Fernet is most of the cost of storing 100,000 intakes, and
    the API decrypts a reused token exactly as fast as a unique one."""

    def __init__(self, rng: random.Random, size: int = 300) -> None:
        def pool(make: Callable[[], str]) -> list[str]:
            return [encrypt(make()) for _ in range(size)]

        start = datetime.now(UTC) - timedelta(days=365)
        self.department = pool(lambda: "Directie Uitvoering")
        self.summary = pool(lambda: rng.choice(SUMMARIES))
        self.description = pool(lambda: " ".join(rng.sample(REPORTER_LINES, 5)))
        self.period = pool(lambda: "sinds het voorjaar")
        self.witnesses = pool(lambda: "Twee collega's waren erbij.")
        self.steps = pool(lambda: "Gesprek met de teamleider gehad.")
        self.contact = pool(lambda: json.dumps({"email": "melder@example.org"}))
        self.transcript = pool(
            lambda: json.dumps(transcript(rng, start + timedelta(hours=rng.randint(0, 8760))))
        )
        self.notes = pool(lambda: "Intakegesprek gevoerd; melder wil eerst advies.")
        self.status_change = {s: encrypt(json.dumps({"status": ["nieuw", s]})) for s in STATUSES}


STATUSES = ("in_behandeling", "doorverwezen", "afgesloten")


def stored_intake(
    rng: random.Random, now: datetime, enc: Encrypted
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """One intake row as the API would have stored it over two years of use, and its history."""
    received = now - timedelta(seconds=rng.uniform(60, 730 * 86400))
    age_days = (now - received).days
    status = weighted(rng, next(w for limit, w in STATUS_BY_AGE if age_days < limit))
    cls = classification(rng)
    routed_to = None
    if status in ("doorverwezen", "afgesloten") or (status == "in_behandeling" and rng.random() < 0.5):
        if cls["category"] == "misstand":
            routed_to = "ic_rijk"
        elif cls["desired_route"] == "vertrouwenspersoon":
            routed_to = "vertrouwenspersoon"
        else:
            routed_to = "kcoo" if rng.random() < 0.9 else "anders"
    extended = routed_to == "kcoo" and rng.random() < 0.1
    acknowledged = None if status == "nieuw" else received + timedelta(days=rng.uniform(0.2, 9))
    closed = None
    if status == "afgesloten":
        closed = min(received + timedelta(weeks=rng.uniform(3, 16)), now - timedelta(hours=1))
    created = received - timedelta(minutes=rng.randint(1, 30))
    contact = rng.random() < 0.4
    committee = committee_for(category=cls["category"], routed_to=routed_to)
    intake_id = uuid.UUID(int=rng.getrandbits(128), version=4)
    row = {
        "id": intake_id,
        "receipt_hash": receipt_hash(f"{rng.getrandbits(84) % 10**25:025d}"),
        "created_at": created,
        "received_at": received,
        "updated_at": closed or acknowledged or received,
        "language": "nl" if rng.random() < 0.9 else "en",
        "channel": "chat",
        "reporter_role": rng.choices(["medewerker", "ex_medewerker", "extern"], [80, 10, 10])[0],
        **cls,
        "under_kcoo": ORG_KCOO[cls["organisation"]],
        "department": rng.choice(enc.department),
        "summary": rng.choice(enc.summary),
        "description": rng.choice(enc.description),
        "occurred_on": None,
        "occurred_period": rng.choice(enc.period),
        "ongoing": rng.random() < 0.6,
        "involved_relations": ["collega"],
        "witnesses": rng.choice(enc.witnesses),
        "steps_taken": rng.choice(enc.steps),
        "contact_preference": "contact" if contact else "anoniem",
        "contact_details": rng.choice(enc.contact) if contact else None,
        "consent": True,
        "transcript": rng.choice(enc.transcript),
        "status": status,
        "routed_to": routed_to,
        "outcome": rng.choice(OUTCOMES) if status == "afgesloten" else None,
        "notes": None if status == "nieuw" else rng.choice(enc.notes),
        "acknowledged_at": acknowledged,
        "deadline_extended": extended,
        "ack_due_at": received + ACKNOWLEDGEMENT,
        "decision_due_at": decision_due(received_at=received, committee=committee, extended=extended),
        "closed_at": closed,
        "anonymised_at": None,
    }
    events = [{"intake_id": intake_id, "at": received, "actor": "assistant", "action": "received"}]
    if status != "nieuw":
        change = enc.status_change[status]
        at = acknowledged or received
        actor = "intake@meldpunt.example"
        events.append(
            {"intake_id": intake_id, "at": at, "actor": actor, "action": "updated", "changes": change}
        )
    return row, events


def store_intakes(engine: Engine, count: int, rng: random.Random, batch: int = 2000) -> list[uuid.UUID]:
    """Insert `count` encrypted intakes in batches; returns a sample of their ids to read back."""
    intakes, events = plain_table(Intake.__table__), plain_table(IntakeEvent.__table__)  # type: ignore[arg-type]
    now = datetime.now(UTC)
    enc = Encrypted(rng)
    sample: list[uuid.UUID] = []
    for start in range(0, count, batch):
        rows: list[dict[str, Any]] = []
        history: list[dict[str, Any]] = []
        for _ in range(min(batch, count - start)):
            row, row_events = stored_intake(rng, now, enc)
            rows.append(row)
            history.extend({"changes": None, **e} for e in row_events)
        with engine.begin() as conn:
            conn.execute(intakes.insert(), rows)
            conn.execute(events.insert(), history)
        sample.extend(r["id"] for r in rows[:5])
        done = start + len(rows)
        if done % 10_000 < batch or done == count:
            log(f"  stored {done:,}/{count:,} intakes")
    return sample


def staff_token(engine: Engine, base: str) -> str:
    email, password = "bench-admin@meldpunt.example", secrets.token_urlsafe(18)
    with engine.begin() as conn:
        conn.execute(
            Staff.__table__.insert(),  # type: ignore[attr-defined]
            {
                "email": email,
                "password_hash": hash_password(password),
                "role": "admin",
                "active": True,
                "created_at": datetime.now(UTC),
            },
        )
    response = httpx.post(base + "/api/v1/auth/token", data={"username": email, "password": password})
    response.raise_for_status()
    return str(response.json()["access_token"])


# --- one database ------------------------------------------------------------------------------


def alembic_upgrade(url: str) -> None:
    from alembic import command
    from alembic.config import Config

    cfg = Config(str(ROOT / "api" / "alembic.ini"))
    cfg.attributes["url"] = url
    cfg.attributes["configure_logger"] = False
    command.upgrade(cfg, "head")


def run_database(name: str, url: str, version: str, args: argparse.Namespace, workdir: Path) -> DbResult:
    log(f"{name}: migrating a fresh database (alembic upgrade head)")
    alembic_upgrade(url)
    engine = make_engine(url)
    result = DbResult(name, version)
    rng = random.Random(20261122)
    try:
        with api_server(url, workdir) as (base, pid):
            warmup = [submission_body(rng) for _ in range(10)]
            submit_level(base, 1, warmup, 30)
            for clients in CLIENT_LEVELS:
                bodies = [submission_body(rng) for _ in range(args.submissions)]
                log(f"{name}: {len(bodies)} submissions with {clients} concurrent clients")
                level = submit_level(base, clients, bodies, args.submit_seconds, pid)
                result.levels.append(level)
                p50, p95 = percentile(level.latencies, 0.5), percentile(level.latencies, 0.95)
                rate = f"{level.done} in {level.seconds:.1f} s: {level.rate:.0f}/s"
                log(f"  {rate}, p50 {p50:.1f} ms, p95 {p95:.1f} ms")
            with engine.connect() as conn:
                present = conn.scalar(select(func.count()).select_from(Intake.__table__)) or 0
            missing = max(0, args.intakes - present)
            log(f"{name}: storing {missing:,} intakes directly (encrypted) to reach {args.intakes:,}")
            t = time.perf_counter()
            ids = store_intakes(engine, missing, rng)
            if engine.dialect.name == "postgresql":
                # What autovacuum does after this many inserts: statistics and the visibility map.
                with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    conn.execute(text("VACUUM ANALYZE"))
            result.insert_seconds = time.perf_counter() - t
            with engine.connect() as conn:
                result.intakes = conn.scalar(select(func.count()).select_from(Intake.__table__)) or 0
            log(f"  {result.intakes:,} intakes stored ({result.insert_seconds:.0f} s)")
            token = staff_token(engine, base)
            result.reads = read_latencies(base, token, ids, args)
    finally:
        engine.dispose()
    return result


def read_latencies(base: str, token: str, ids: list[uuid.UUID], args: argparse.Namespace) -> list[ReadResult]:
    log(f"reads: {args.reads} sequential requests each")
    ids = random.Random(7).sample(ids, min(len(ids), args.reads))
    requests: list[tuple[str, Callable[[int], str]]] = [
        (PAGES[0], lambda i: "/api/v1/intakes"),
        (PAGES[1], lambda i: "/api/v1/intakes?page=50"),
        (FILTERED[0], lambda i: "/api/v1/intakes?category=discriminatie"),
        (FILTERED[1], lambda i: "/api/v1/intakes?overdue=true"),
        ("GET /intakes/{id}", lambda i: f"/api/v1/intakes/{ids[i % len(ids)]}"),
        ("GET /stats?period=2025", lambda i: "/api/v1/stats?period=2025"),
    ]
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, headers=headers, timeout=120) as client:
        return [timed_gets(client, label, path, args.reads, args.read_seconds) for label, path in requests]


# --- the report --------------------------------------------------------------------------------


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def mark(ok: bool) -> str:
    return "**met**" if ok else "**not met**"


PAGES = ("GET /intakes (page 1 of 25)", "GET /intakes?page=50")
FILTERED = ("GET /intakes?category=discriminatie", "GET /intakes?overdue=true")


def worst_p95(result: DbResult, labels: tuple[str, ...]) -> float:
    return max(percentile(r.latencies, 0.95) for r in result.reads if r.label in labels)


def submit_level_of(result: DbResult, clients: int) -> Level:
    return next(lv for lv in result.levels if lv.clients == clients)


def target_row(label: str, values: list[float], limit: float) -> str:
    return f"| {label} | " + " | ".join(f"{v:.1f} ms {mark(v < limit)}" for v in values) + " |"


def render(
    results: list[DbResult], args: argparse.Namespace, seconds: float, load: tuple[float, float]
) -> str:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    versions = [f"Python {platform.python_version()}", f"SQLite {sqlite3.sqlite_version}"]
    versions += [f"PostgreSQL {r.version}" for r in results if r.name == "PostgreSQL"]
    out = [
        "## Meldpunt API",
        "",
        f"Measured {date.today().isoformat()} with `make bench-api` (`scripts/bench_api.py`), "
        f"{seconds / 60:.1f} minutes in all.",
        f"Machine: {cpus} CPUs ({cpu_model()}); {', '.join(versions)}. "
        f"1-minute load average {load[0]:.1f} at the start, {load[1]:.1f} at the end "
        "(anything else running on the machine shows up in these figures).",
        "",
        "How: per database a fresh database migrated with `alembic upgrade head`, the real API under "
        "uvicorn with one worker on a loopback port, fresh secrets. Submissions are `POST /api/v1/intakes` "
        "with the service token and a realistic body with a 20-line transcript; each client is a thread "
        f"with its own keep-alive connection; up to {args.submissions} submissions or "
        f"{args.submit_seconds:.0f} s per level. Then the database is filled to "
        f"{args.intakes:,} intakes (encrypted like the API stores them, two years of received times, "
        "realistic mix of categories, statuses and organisations), an admin logs in, and each read "
        f"is requested {args.reads} times in a row (at most {args.read_seconds:.0f} s each). Latency is "
        "measured by the client, which shares the CPUs with the server (and PostgreSQL). Listing pages "
        "hold 25 intakes; every staff request also writes its audit entry.",
        "",
        "### Targets",
        "",
        "| Target | " + " | ".join(r.name for r in results) + " |",
        "|---|" + "---|" * len(results),
        target_row(
            f"p95 submit < {SUBMIT_TARGET_MS:.0f} ms at 8 clients",
            [percentile(submit_level_of(r, 8).latencies, 0.95) for r in results],
            SUBMIT_TARGET_MS,
        ),
        target_row(
            f"listing a page < {LIST_TARGET_MS:.0f} ms at {args.intakes:,} intakes (worst p95 of page 1 "
            "and page 50)",
            [worst_p95(r, PAGES) for r in results],
            LIST_TARGET_MS,
        ),
        target_row(
            "the same bar for a filtered page (worst p95 of the category and overdue filters)",
            [worst_p95(r, FILTERED) for r in results],
            LIST_TARGET_MS,
        ),
    ]
    for r in results:
        out += ["", f"### {r.name}", "", "Submissions:", ""]
        out += [
            "| clients | submitted | failed | per second | p50 | p95 | API CPU per submission |",
            "|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for lv in r.levels:
            cpu = "n/a" if lv.server_cpu_ms is None else f"{lv.server_cpu_ms:.1f} ms"
            out.append(
                f"| {lv.clients} | {lv.done} | {lv.errors} | {lv.rate:.0f} | "
                f"{percentile(lv.latencies, 0.5):.1f} ms | {percentile(lv.latencies, 0.95):.1f} ms | {cpu} |"
            )
        eight = submit_level_of(r, 8)
        if eight.rate and percentile(eight.latencies, 0.95) >= SUBMIT_TARGET_MS:
            out += [
                "",
                f"At 8 clients the single worker completes {eight.rate:.0f} submissions/s, so by Little's "
                f"law a submission spends on average 8 / {eight.rate:.0f} = {8000 / eight.rate:.0f} ms in "
                "the system: the submit target needs less CPU per submission (or more workers), not "
                "less waiting.",
            ]
        out += ["", f"Reads with {r.intakes:,} intakes stored (filled in {r.insert_seconds:.0f} s):", ""]
        out += ["| request | n | failed | p50 | p95 |", "|---|---:|---:|---:|---:|"]
        for rd in r.reads:
            out.append(
                f"| `{rd.label}` | {len(rd.latencies)} | {rd.errors} | "
                f"{percentile(rd.latencies, 0.5):.1f} ms | {percentile(rd.latencies, 0.95):.1f} ms |"
            )
    return "\n".join(out)


# --- main --------------------------------------------------------------------------------------


@contextmanager
def postgres_database(admin_url: str) -> Iterator[tuple[str, str]]:
    """A fresh database on the server at TEST_DATABASE_URL, dropped afterwards."""
    admin = create_engine(normalise_url(admin_url), isolation_level="AUTOCOMMIT")
    name = f"meldpunt_bench_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        version = str(conn.scalar(text("SHOW server_version")))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = make_url(normalise_url(admin_url)).set(database=name).render_as_string(hide_password=False)
        yield url, version.split()[0]
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
        log(f"dropped database {name}")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--databases", default="sqlite,postgresql", help="comma-separated")
    parser.add_argument("--intakes", type=int, default=100_000, help="stored before the reads")
    parser.add_argument("--submissions", type=int, default=300, help="per concurrency level")
    parser.add_argument("--submit-seconds", type=float, default=45.0, help="time cap per level")
    parser.add_argument("--reads", type=int, default=100, help="requests per read endpoint")
    parser.add_argument("--read-seconds", type=float, default=30.0, help="time cap per read endpoint")
    args = parser.parse_args()
    load_start = os.getloadavg()[0]
    pg_url = os.environ.get("TEST_DATABASE_URL", DEFAULT_TEST_PG)
    results: list[DbResult] = []
    with tempfile.TemporaryDirectory(prefix="meldpunt-bench-") as tmp:
        workdir = Path(tmp)
        for backend in args.databases.split(","):
            if backend == "sqlite":
                url = f"sqlite:///{workdir / 'bench.db'}"
                results.append(run_database("SQLite", url, sqlite3.sqlite_version, args, workdir))
            elif backend == "postgresql":
                with postgres_database(pg_url) as (url, version):
                    results.append(run_database("PostgreSQL", url, version, args, workdir))
            else:
                parser.error(f"unknown database {backend!r}")
    section = render(results, args, time.perf_counter() - T0, (load_start, os.getloadavg()[0]))
    write_section(args.output, "bench-api", section)
    log(f"wrote {args.output}")
    print(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
