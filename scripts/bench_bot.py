"""Benchmark of the assistant: per-turn latency, memory and training time -> docs/benchmarks.md.

Starts the real action server and Rasa server (the trained model in models/) on loopback ports and
plays scripted conversations over the REST channel: one conversation at a time, then 10 at once.
Latency is measured by the client per turn (one POST to /webhooks/rest/webhook, all replies
included). Memory is the resident set (VmRSS, and its peak VmHWM) of the Rasa server process.
Training time is a full `rasa train --force` into a temporary folder. The baseline is Rasa's own
starter bot (`rasa init`, trained in the same run, about a minute), driven by the same client one
conversation at a time: the assistant's p50 and p95 per turn are reported as a ratio to it.

Usage: PYTHONPATH=. .venv-bot/bin/python scripts/bench_bot.py --output docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchdoc import write_section  # noqa: E402

from tests.servers import HOST, Server, free_port, start_stack  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RASA = str(Path(sys.executable).with_name("rasa"))
TARGET_P95_MS = 150.0
TARGET_RSS_MB = 1536.0

# One scripted conversation per category, as people type them: opening, story, confirm, role, place.
CONVERSATIONS = [
    [
        "hoi",
        "mijn collega's negeren me al weken en lachen als ik iets zeg in het werkoverleg",
        "ja klopt",
        "/inform_employee",
        "Belastingdienst",
    ],
    [
        "hallo",
        "mijn leidinggevende dreigt mijn contract niet te verlengen als ik niet stop met klagen over de werkdruk",
        "ja",
        "/inform_employee",
        "ministerie van BZK",
    ],
    [
        "hello",
        "a colleague keeps commenting on my body and sent me a message asking me out again after I said no",
        "yes",
        "/inform_employee",
        "ministry of finance",
    ],
    [
        "goedemorgen",
        "een burger aan de balie schreeuwde tegen me en gooide een stoel om, ik ben erg geschrokken",
        "ja dat klopt",
        "/inform_employee",
        "DUO",
    ],
    [
        "hoi",
        "op mijn afdeling maken ze steeds grappen over mijn hoofddoek en ik word nooit gevraagd voor projecten",
        "ja",
        "/inform_ex_employee",
        "Rijkswaterstaat",
    ],
    [
        "hoi",
        "ik zie dat mijn afdelingshoofd opdrachten gunt aan het bedrijf van zijn zwager zonder aanbesteding",
        "ja",
        "/inform_employee",
        "ministerie van VWS",
    ],
]


# Rasa's own starter bot (`rasa init`): its stories, as its users would type them. The baseline for
# what a turn costs in Rasa itself, measured in the same run by the same client.
STARTER_CONVERSATIONS = [
    ["hi", "I am sad", "yes", "great, thanks", "bye"],
    ["hello", "not good", "no", "are you a bot?", "goodbye"],
    ["hey", "I am great", "perfect", "bye"],
]
TARGET_RATIO_P50 = 2.0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


def memory_mb(pid: int) -> tuple[float, float]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return fields["VmRSS"], fields["VmHWM"]


@contextmanager
def servers(model: Path, logs: Path) -> Iterator[tuple[str, int]]:
    """The action server and Rasa (tests/servers.py); Rasa's URL and process id."""
    with start_stack(logs, api=False, model=model) as stack:
        assert stack.rasa is not None and stack.rasa.process is not None
        yield stack.rasa_url, stack.rasa.process.pid


def play(base: str, turns: list[str], latencies: list[float], errors: list[str]) -> None:
    sender = f"bench-{uuid.uuid4().hex}"
    with requests.Session() as session:
        for text in turns:
            started = time.perf_counter()
            try:
                response = session.post(
                    f"{base}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60
                )
                ok = response.ok and bool(response.json())
            except requests.RequestException as exc:
                ok = False
                errors.append(type(exc).__name__)
            latencies.append((time.perf_counter() - started) * 1000)
            if not ok:
                errors.append(f"no answer to {text!r}")


def run_level(base: str, concurrency: int, rounds: int) -> tuple[list[float], list[str], float]:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def worker(offset: int) -> None:
        mine: list[float] = []
        my_errors: list[str] = []
        for r in range(rounds):
            play(base, CONVERSATIONS[(offset + r) % len(CONVERSATIONS)], mine, my_errors)
        with lock:
            latencies.extend(mine)
            errors.extend(my_errors)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors, time.perf_counter() - started


def starter_bot(tmp: Path) -> Path:
    """`rasa init` into tmp/starter: the starter project, trained (a minute or two)."""
    folder = tmp / "starter"
    folder.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
    subprocess.run(
        [RASA, "init", "--no-prompt", "--quiet", "--init-dir", str(folder)],
        cwd=tmp, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    return folder


@contextmanager
def starter_server(folder: Path) -> Iterator[str]:
    port = free_port()
    server = Server(
        "starter bot",
        [RASA, "run", "--model", "models", "--port", str(port), "--interface", HOST, "--quiet"],
        port=port,
        health=f"http://{HOST}:{port}/",
        cwd=folder,
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"},
        log=folder / "starter.log",
    )
    server.start()
    try:
        server.wait_up()
        yield server.url
    finally:
        server.stop()


def starter_latencies(base: str, rounds: int) -> tuple[list[float], list[str]]:
    latencies: list[float] = []
    errors: list[str] = []
    for turns in STARTER_CONVERSATIONS:  # warm-up
        play(base, turns, [], [])
    for r in range(rounds):
        play(base, STARTER_CONVERSATIONS[r % len(STARTER_CONVERSATIONS)], latencies, errors)
    return latencies, errors


def training_seconds(out: Path) -> float:
    started = time.monotonic()
    subprocess.run(
        [RASA, "train", "--force", "--quiet", "--config", "bot/config.yml", "--domain", "bot/domain",
         "--data", "data", "--out", str(out), "--fixed-model-name", "bench"],  # fmt: skip
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false"},
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    return time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", default=str(ROOT / "models" / "meldpunt.tar.gz"))
    parser.add_argument("--rounds", type=int, default=12, help="conversations per client and level")
    parser.add_argument("--skip-training", action="store_true", help="do not measure training time")
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"))
    args = parser.parse_args()
    load_start = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        trained = None if args.skip_training else training_seconds(Path(tmp))
        print("training:", "skipped" if trained is None else f"{trained:.0f} s", flush=True)
        with servers(Path(args.model), Path(tmp)) as (base, pid):
            run_level(base, 1, 1)  # warm-up: first use of every code path
            idle_rss, _ = memory_mb(pid)
            results = {}
            for concurrency in (1, 10):
                results[concurrency] = run_level(base, concurrency, args.rounds if concurrency == 1 else 3)
                lat = results[concurrency][0]
                print(f"{concurrency} conversation(s): {len(lat)} turns, p50 {percentile(lat, 0.5):.0f} ms, "
                      f"p95 {percentile(lat, 0.95):.0f} ms", flush=True)  # fmt: skip
            rss, peak = memory_mb(pid)
        print("starter bot: rasa init and training...", flush=True)
        with starter_server(starter_bot(Path(tmp))) as starter_base:
            starter, starter_errors = starter_latencies(starter_base, args.rounds)
        print(f"starter bot: {len(starter)} turns, p50 {percentile(starter, 0.5):.0f} ms, "
              f"p95 {percentile(starter, 0.95):.0f} ms", flush=True)  # fmt: skip
    p95_one = percentile(results[1][0], 0.95)
    ratio_p50 = percentile(results[1][0], 0.5) / percentile(starter, 0.5)
    ratio_p95 = p95_one / percentile(starter, 0.95)
    lines = [
        "## Assistant",
        "",
        f"Measured {date.today().isoformat()} with `make bench-bot` (`scripts/bench_bot.py`). Machine: "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}; 1-minute load average "
        f"{load_start:.1f} at the start, {os.getloadavg()[0]:.1f} at the end.",
        "",
        "How: the real Rasa server and action server on loopback ports, the trained model; scripted "
        "conversations of 5 turns (opening, description, confirmation, role, organisation; one per "
        "category, Dutch and English) over the REST channel. A turn is one POST with all its replies, "
        "timed by the client, which shares the CPUs with both servers. Memory is the Rasa server's "
        "resident set.",
        "",
        "### Targets",
        "",
        "| target | result | |",
        "|---|---:|---|",
        f"| p95 per turn < {TARGET_P95_MS:.0f} ms at 1 conversation | {p95_one:.0f} ms | "
        f"{'met' if p95_one < TARGET_P95_MS else '**not met**'} |",
        f"| resident memory < 1.5 GB | {peak:.0f} MB peak | {'met' if peak < TARGET_RSS_MB else '**not met**'} |",
        f"| p50 per turn at most {TARGET_RATIO_P50:.0f} x Rasa's starter bot | {ratio_p50:.1f} x | "
        f"{'met' if ratio_p50 <= TARGET_RATIO_P50 else '**not met**'} |",
        "",
        "| concurrent conversations | turns | errors | turns per second | p50 | p95 |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for concurrency, (lat, errors, seconds) in results.items():
        lines.append(
            f"| {concurrency} | {len(lat)} | {len(errors)} | {len(lat) / seconds:.1f} | "
            f"{statistics.median(lat):.0f} ms | {percentile(lat, 0.95):.0f} ms |"
        )
    lines += [
        "",
        f"Rasa's starter bot (`rasa init`, trained in the same run; {len(starter)} turns of its own "
        f"stories, one conversation at a time, same client, {len(starter_errors)} errors): "
        f"p50 {percentile(starter, 0.5):.0f} ms, p95 {percentile(starter, 0.95):.0f} ms. The assistant "
        f"per turn: {ratio_p50:.1f} x at p50, {ratio_p95:.1f} x at p95.",
        "",
        f"Rasa server memory: {idle_rss:.0f} MB after warm-up, {rss:.0f} MB after the runs, {peak:.0f} MB peak.",
        "",
        "Training (`rasa train --force`, NLU and dialogue): "
        + (
            "not measured in this run."
            if trained is None
            else f"{trained / 60:.1f} minutes (target: at most 10)."
        ),
    ]
    write_section(Path(args.output), "bench-bot", "\n".join(lines))
    print(f"Wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
