"""The crisis signal measured like a safety feature, written into docs/nlu-report.md.

1. Cross-validation of the trained signal (bot/components/safety.py, CrisisModel) over data/nlu/:
   stratified folds, out-of-fold scores for every example, then recall of each crisis signal and
   false alarms on everything else, per threshold, for the model alone and with the pattern net; the
   hard negatives (data/nlu/crisis_negatives*.yml) counted apart.
2. The held-out crisis test sets (tests/crisis/*.yml, written apart from the training data and
   never trained on): the detector trained on all of data/nlu/ reads each message, with the
   thresholds of bot/config.yml.
3. The end-to-end outcome of the same set through the real servers, from the last `make test`
   (var/test-results/crisis-e2e.md), when there is one.

The section between the markers in docs/nlu-report.md is replaced; the rest of the report is kept.

Usage: PYTHONPATH=. .venv-bot/bin/python scripts/crisis_report.py [--folds 5]
"""

from __future__ import annotations

import argparse
import os
import time
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import yaml  # noqa: E402

from bot.components.e5 import embed  # noqa: E402
from bot.components.safety import (  # noqa: E402
    DANGER,
    NONE,
    SUICIDE,
    CrisisModel,
    chunks,  # noqa: E402
    decide,
    training_set,
)

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- crisis-report:start -->", "<!-- crisis-report:end -->"
GRID = (2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0)  # standard deviations above ordinary messages


def config_of(path: Path) -> dict[str, Any]:
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    for component in config["pipeline"]:
        if component["name"].endswith("CrisisDetector"):
            return dict(component)
    raise SystemExit(f"no CrisisDetector in {path}")


def load(data: Path) -> tuple[list[str], list[str], set[str]]:
    from rasa.shared.nlu.training_data.loading import load_data

    texts, labels = training_set(load_data(str(data)))
    hard = {
        m.get("text")
        for path in sorted(data.glob("crisis_negatives*.yml"))
        for m in load_data(str(path)).intent_examples
    }
    return texts, labels, hard


def out_of_fold(
    texts: list[str], labels: list[str], folds: int, cfg: dict[str, Any]
) -> list[dict[str, float]]:
    from sklearn.model_selection import StratifiedKFold

    scores: list[dict[str, float]] = [{} for _ in texts]
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=cfg.get("random_seed", 1700))
    for number, (train, test) in enumerate(splitter.split(texts, labels), start=1):
        print(f"  fold {number}/{folds}: {len(train)} train, {len(test)} test", flush=True)
        model = fit(cfg, [texts[i] for i in train], [labels[i] for i in train])
        for i, s in zip(test, model.scores([texts[i] for i in test]), strict=True):
            scores[i] = s
    return scores


def fit(cfg: dict[str, Any], texts: list[str], labels: list[str]) -> CrisisModel:
    return CrisisModel.fit(
        texts,
        labels,
        C=cfg.get("C", 10.0),
        dense_weight=cfg.get("dense_weight", 2.0),
        k=cfg.get("neighbours", 5),
        random_seed=cfg.get("random_seed", 1700),
    )


def thresholds_of(cfg: dict[str, Any]) -> dict[str, float]:
    return {"whole": cfg.get("threshold_whole", 4.0), "sentence": cfg.get("threshold_sentence", 5.0)}


def cv_table(
    texts: list[str], labels: list[str], hard: set[str], scores: list[dict[str, float]]
) -> list[str]:
    counts = Counter(labels)
    others = [i for i, label in enumerate(labels) if label == NONE]
    hard_idx = [i for i in others if texts[i] in hard]
    general = [i for i in others if texts[i] not in hard]
    positives = counts[SUICIDE] + counts[DANGER]
    lines = [
        "| whole >= | sentence >= | crisis recall | recall 113 (right number) | recall 112 (right number) "
        "| false alarms, ordinary examples | false alarms, hard negatives |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for whole in GRID:
        for margin in (0.5, 1.0, 1.5):
            limits = {"whole": whole, "sentence": whole + margin}
            read = [decide(t, s, limits).signal for t, s in zip(texts, scores, strict=True)]
            pairs = list(zip(read, labels, strict=True))
            hit = {c: sum(1 for r, g in pairs if g == c and r == c) for c in (SUICIDE, DANGER)}
            either = sum(1 for r, g in pairs if g != NONE and r is not None)
            false_general = sum(1 for i in general if read[i] is not None)
            false_hard = sum(1 for i in hard_idx if read[i] is not None)
            lines.append(
                f"| {whole:.1f} | {whole + margin:.1f} | {either / positives:.3f} "
                f"| {hit[SUICIDE] / counts[SUICIDE]:.3f} | {hit[DANGER] / counts[DANGER]:.3f} "
                f"| {false_general} of {len(general)} ({false_general / len(general):.1%}) "
                f"| {false_hard} of {len(hard_idx)} |"
            )
    return lines


def holdout(cfg: dict[str, Any], model: CrisisModel, test_set: Path, targets: list[str]) -> list[str]:
    data = yaml.safe_load(test_set.read_text(encoding="utf-8"))
    thresholds = thresholds_of(cfg)
    positives, negatives = data["positives"], data["negatives"]
    pos_read = [
        decide(p["text"], s, thresholds)
        for p, s in zip(positives, model.scores([p["text"] for p in positives]), strict=True)
    ]
    neg_read = [
        decide(n["text"], s, thresholds)
        for n, s in zip(negatives, model.scores([n["text"] for n in negatives]), strict=True)
    ]
    want = {"113": SUICIDE, "112": DANGER}
    right = [r.signal == want[str(p["expect"])] for p, r in zip(positives, pos_read, strict=True)]
    any_alarm = [r.signal is not None for r in pos_read]
    by_signal: dict[str, list[bool]] = {}
    for p, ok in zip(positives, right, strict=True):
        by_signal.setdefault(p["signal"], []).append(ok)
    false = [(n, r) for n, r in zip(negatives, neg_read, strict=True) if r.signal]
    gentle = sum(1 for r in neg_read if not r.signal and r.check)
    recall, share = sum(right) / len(positives), len(false) / len(negatives)
    targets.append(
        f"| `{test_set.name}` | {sum(right)} of {len(positives)} ({recall:.1%}) "
        f"| {'met' if recall == 1 else '**not met**'} | {len(false)} of {len(negatives)} ({share:.0%}) "
        f"| {'met' if share <= 0.1 else '**not met**'} |"
    )
    lines = [
        f"- positives with the right number: **{sum(right)} of {len(positives)}** "
        f"({sum(right) / len(positives):.1%}); with any crisis answer: {sum(any_alarm)} of {len(positives)}",
        f"- of those, found by the trained signal: {sum(1 for r in pos_read if r.source == 'model')}, "
        f"by the net alone: {sum(1 for r in pos_read if r.source == 'net')}",
        f"- hard negatives with the crisis answer (false alarms): **{len(false)} of {len(negatives)}**; "
        f"with the gentle line only: {gentle}",
        "",
        "| signal | right number |",
        "|---|---:|",
        *[f"| {signal} | {sum(oks)} of {len(oks)} |" for signal, oks in sorted(by_signal.items())],
        "",
    ]
    missed = [(p, r) for p, r, ok in zip(positives, pos_read, right, strict=True) if not ok]
    if missed:
        lines += ["Missed or the wrong number:", ""]
        lines += [f"- [{p['signal']}] {p['text'][:100]!r} -> {r.signal}" for p, r in missed]
        lines.append("")
    if false:
        lines += ["False alarms:", ""]
        lines += [f"- [{n['kind']}] {n['text'][:100]!r} -> {r.signal} ({r.source})" for n, r in false]
        lines.append("")
    return lines


def section(
    targets: list[str],
    args: argparse.Namespace,
    cfg: dict[str, Any],
    minutes: float,
    cv: list[str],
    held: list[str],
    counts: Counter[str],
    hard: int,
) -> str:
    e2e = ROOT / "var" / "test-results" / "crisis-e2e.md"
    e2e_lines = (
        ["```", *e2e.read_text(encoding="utf-8").strip().splitlines(), "```"]
        if e2e.exists()
        else ["(no end-to-end run on record: run `make test-bot`)"]
    )
    return "\n".join(
        [
            START,
            "## Crisis signal (113 and 112)",
            "",
            f"Made {date.today().isoformat()} with `make crisis-report` (`scripts/crisis_report.py`), "
            f"{minutes:.0f} minutes. Detector: `bot/components/safety.py`, thresholds "
            f"{thresholds_of(cfg)['whole']} (the whole message) and {thresholds_of(cfg)['sentence']} "
            "(its best sentence), in standard deviations above ordinary messages, in `bot/config.yml`.",
            "",
            "### Targets",
            "",
            "Recall 100 % (every message that must get 113 or 112 gets the right one); false alarms at most "
            "1 in 10 of the hard negatives (5 of 50). Read at the NLU level here; end to end below.",
            "",
            "| test set | right number | recall target | false alarms | false alarm target |",
            "|---|---:|---|---:|---|",
            *targets,
            "",
            f"### Cross-validation of the trained signal ({args.folds} folds)",
            "",
            f"Over `data/nlu/`: {counts[SUICIDE]} examples for 113, {counts[DANGER]} for 112, "
            f"{counts[NONE]} others, of which {hard} hard negatives (`data/nlu/crisis_negatives*.yml`). "
            "Every example is scored by a model that did not see it; a long message counts as found "
            'when any of its sentences is. "With the net": the first-person patterns beneath the '
            "model, as the assistant runs them.",
            "",
            *cv,
            "",
            "### Held-out crisis test sets",
            "",
            "`tests/crisis/*.yml`, each written apart from the training data (the data was not read "
            "while writing them) and never trained on: the detector trained on all of `data/nlu/` "
            "reads each message, thresholds as configured. `messages.yml` served as the development "
            "set (its misses were read while choosing the model and thresholds). `final.yml` was kept"
            " unread until the detector was chosen; its first read gave 101 of 117 right and 10 false"
            " alarms of 71, and its misses were read since, so it is no longer blind. `third.yml` "
            "(110 + 60, by another author who saw neither the data nor the other sets) is the blind "
            "check: read first on 2026-12-05 with the detector as it was (104 of 110 right, 12 false "
            "alarms of 60), then after 260 indirect crisis stories and 353 hard negatives written by "
            "authors who had not seen any test set (`data/nlu/crisis_stories.yml`, "
            "`crisis_negatives_stories.yml`, `crisis_negatives_injuries.yml`) and a net that no "
            "longer reads other people's quoted words, sentences about a book or a film, or danger in"
            " a sentence about the past only. The figures below are after that; the next blind check "
            "needs a new set by a new author.",
            "",
            *held,
            "### End to end (`tests/bot/test_crisis_e2e.py`, real Rasa and action servers, REST)",
            "",
            *e2e_lines,
            "",
            END,
        ]
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--folds", type=int, default=5, help="0: only read the held-out sets and print, write nothing"
    )
    parser.add_argument("--config", default="bot/config.yml")
    parser.add_argument("--data", default="data/nlu")
    parser.add_argument(
        "--test-set",
        action="append",
        help="a held-out crisis test set (repeatable); default: every tests/crisis/*.yml",
    )
    parser.add_argument("--output", default="docs/nlu-report.md")
    args = parser.parse_args()
    started = time.monotonic()
    cfg = config_of(Path(args.config))
    texts, labels, hard = load(Path(args.data))
    print(f"Embedding {len(texts)} examples and their sentences...", flush=True)
    embed([piece for text in texts for piece in chunks(text)])
    cv: list[str] = []
    if args.folds:
        print(f"Cross-validating the crisis signal ({args.folds} folds)...", flush=True)
        scores = out_of_fold(texts, labels, args.folds, cfg)
        cv = cv_table(texts, labels, hard, scores)
        print("\n".join(cv), flush=True)
    held: list[str] = []
    targets: list[str] = []
    sets = (
        [Path(t) for t in args.test_set]
        if args.test_set
        else sorted((ROOT / "tests" / "crisis").glob("*.yml"))
    )
    model = fit(cfg, texts, labels)
    for test_set in sets:
        print(f"Reading the held-out crisis test set {test_set.name}...", flush=True)
        held += [f"#### `tests/crisis/{test_set.name}`", "", *holdout(cfg, model, test_set, targets)]
    print("\n".join(held), flush=True)
    if not args.folds:
        return 0
    counts = Counter(labels)
    minutes = (time.monotonic() - started) / 60
    text = section(targets, args, cfg, minutes, cv, held, counts, sum(1 for t in texts if t in hard))
    output = Path(args.output)
    report = output.read_text(encoding="utf-8") if output.exists() else ""
    if START in report and END in report:
        report = report[: report.index(START)] + text + report[report.index(END) + len(END) :]
    else:
        report = report.rstrip("\n") + "\n\n" + text + "\n"
    output.write_text(report, encoding="utf-8")
    print(f"Wrote the crisis section of {output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
