"""Cross-validation of the assistant's NLU, written to docs/nlu-report.md.

For each of k stratified folds the NLU pipeline is trained on the other folds and parses the held-out
examples. Reported, as the assistant uses them:
- category: macro-F1 over the six describe_* intents, read as the dialogue reads a description (the
  best describe_* intent in the ranking) and as a first message is read (the top intent);
- ground: accuracy on held-out examples annotated with a discrimination_ground, for the lexicon, the
  CRF, and the two combined as actions/classify.py combines them;
- all intents: accuracy and macro-F1.
Variants (`--variant name=config.yml`) are cross-validated on the same folds for comparison.

Usage: PYTHONPATH=. .venv-bot/bin/python scripts/nlu_report.py --folds 5 --output docs/nlu-report.md
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import platform
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from actions.classify import DESCRIBE, ground_of, read_message  # noqa: E402
from bot.vocab import CATEGORIES, GROUNDS  # noqa: E402

GROUND_SOURCES = {
    "classifier": lambda e: e.get("extractor") == "GroundClassifier",
    "lexicon": lambda e: e.get("extractor") == "GroundLexicon",
    "crf": lambda e: e.get("extractor") == "CRFEntityExtractor",
    "combined": lambda e: True,
}


@dataclass
class Outcome:
    intent_pairs: list[tuple[str, str]] = field(default_factory=list)
    category_pairs: list[tuple[str, str]] = field(default_factory=list)  # as a description
    first_pairs: list[tuple[str, str]] = field(default_factory=list)  # as a first message
    ground_pairs: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))
    train_seconds: list[float] = field(default_factory=list)


def gold_ground(example: Any) -> str | None:
    for entity in example.get("entities") or []:
        if entity.get("entity") == "discrimination_ground" and entity.get("value") in GROUNDS:
            return str(entity["value"])
    return None


def per_class(pairs: list[tuple[str, str]], labels: list[str]) -> dict[str, tuple[float, float, float, int]]:
    result = {}
    for label in labels:
        tp = sum(1 for g, p in pairs if g == label and p == label)
        fp = sum(1 for g, p in pairs if g != label and p == label)
        fn = sum(1 for g, p in pairs if g == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        result[label] = (precision, recall, f1, tp + fn)
    return result


def macro_f1(pairs: list[tuple[str, str]], labels: list[str]) -> float:
    scores = [f1 for _, _, f1, support in per_class(pairs, labels).values() if support]
    return sum(scores) / len(scores) if scores else 0.0


def accuracy(pairs: list[tuple[str, str]]) -> float:
    return sum(g == p for g, p in pairs) / len(pairs) if pairs else 0.0


async def evaluate_fold(config: Path, train: Any, test: Any, workdir: Path, outcome: Outcome) -> None:
    from rasa.core.agent import Agent
    from rasa.model_training import train_nlu

    data_file = workdir / "train.yml"
    train.persist_nlu(str(data_file))
    started = time.monotonic()
    model = train_nlu(str(config), str(data_file), str(workdir / "models"), fixed_model_name="fold")
    outcome.train_seconds.append(time.monotonic() - started)
    agent = Agent.load(model)
    for example in test.intent_examples:
        text = example.get("text")
        parsed = await agent.parse_message(text)
        gold_intent = example.get("intent")
        outcome.intent_pairs.append((gold_intent, parsed["intent"]["name"]))
        if gold_intent.startswith(DESCRIBE):
            gold = gold_intent[len(DESCRIBE) :]
            outcome.category_pairs.append((gold, read_message(parsed).category or "none"))
            top = parsed["intent"]["name"]
            outcome.first_pairs.append((gold, top[len(DESCRIBE) :] if top.startswith(DESCRIBE) else "none"))
        ground = gold_ground(example)
        if ground and gold_intent in ("describe_discriminatie", "inform_ground"):
            for source, keep in GROUND_SOURCES.items():
                entities = [e for e in parsed.get("entities") or [] if keep(e)]
                predicted = ground_of({"entities": entities, "text": text}) or "none"
                outcome.ground_pairs[source].append((ground, predicted))


def explicit_synonyms(data_path: Path) -> dict[str, str]:
    """The synonyms listed as such (`- synonym:` blocks), not those taken from annotated examples."""
    from rasa.shared.nlu.training_data.loading import load_data

    listed: dict[str, str] = {}
    for path in sorted(Path(data_path).glob("*.yml")):
        if "- synonym:" in path.read_text(encoding="utf-8"):
            part = load_data(str(path))
            if not part.training_examples:
                listed.update(part.entity_synonyms)
    return listed


def fold_synonyms(train: Any, explicit: dict[str, str]) -> dict[str, str]:
    synonyms = dict(explicit)
    for example in train.training_examples:
        text = example.get("text") or ""
        for entity in example.get("entities") or []:
            surface = text[entity["start"] : entity["end"]]
            if str(entity.get("value")) != surface:
                synonyms[surface] = str(entity["value"])
    return synonyms


def cross_validate(config: Path, data_path: Path, folds: int, seed: int) -> Outcome:
    import random

    from rasa.nlu.test import generate_folds
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(data_path))
    explicit = explicit_synonyms(data_path)
    random.seed(seed)
    outcome = Outcome()
    for number, (train, test) in enumerate(generate_folds(folds, data), start=1):
        # Rasa's folds keep the synonyms of all the data, annotations of held-out examples included;
        # the ground lexicon would then know the held-out words. Only the fold's own and the listed.
        train.entity_synonyms = fold_synonyms(train, explicit)
        print(
            f"  fold {number}/{folds}: {len(train.intent_examples)} train, {len(test.intent_examples)} test",
            flush=True,
        )
        with tempfile.TemporaryDirectory() as tmp:
            asyncio.run(evaluate_fold(config, train, test, Path(tmp), outcome))
    return outcome


async def evaluate_holdout(config: Path, data_path: Path, holdout: Path) -> Outcome:
    """Train on all the data, read the held-out descriptions (written apart from data/nlu/)."""
    import yaml
    from rasa.shared.nlu.training_data.loading import load_data

    examples = yaml.safe_load(holdout.read_text(encoding="utf-8"))["examples"]
    outcome = Outcome()
    with tempfile.TemporaryDirectory() as tmp:
        from rasa.core.agent import Agent
        from rasa.model_training import train_nlu

        data_file = Path(tmp) / "train.yml"
        load_data(str(data_path)).persist_nlu(str(data_file))
        started = time.monotonic()
        model = train_nlu(str(config), str(data_file), str(Path(tmp) / "models"), fixed_model_name="all")
        outcome.train_seconds.append(time.monotonic() - started)
        agent = Agent.load(model)
        for example in examples:
            parsed = await agent.parse_message(example["text"])
            gold = example["category"]
            outcome.category_pairs.append((gold, read_message(parsed).category or "none"))
            top = parsed["intent"]["name"]
            outcome.first_pairs.append((gold, top[len(DESCRIBE) :] if top.startswith(DESCRIBE) else "none"))
            if example.get("ground"):
                outcome.ground_pairs["combined"].append((example["ground"], ground_of(parsed) or "none"))
    return outcome


def summary_row(name: str, outcome: Outcome) -> str:
    cats = list(CATEGORIES)
    intents = sorted({g for g, _ in outcome.intent_pairs})
    return (
        f"| {name} | {macro_f1(outcome.category_pairs, cats):.3f} | {macro_f1(outcome.first_pairs, cats):.3f} "
        f"| {accuracy(outcome.ground_pairs['combined']):.3f} | {accuracy(outcome.intent_pairs):.3f} "
        f"| {macro_f1(outcome.intent_pairs, intents):.3f} | {sum(outcome.train_seconds) / len(outcome.train_seconds):.0f} s |"
    )


def class_table(pairs: list[tuple[str, str]], labels: list[str]) -> list[str]:
    lines = ["| class | precision | recall | F1 | support |", "|---|---:|---:|---:|---:|"]
    for label, (p, r, f1, n) in per_class(pairs, labels).items():
        if n:
            lines.append(f"| `{label}` | {p:.3f} | {r:.3f} | {f1:.3f} | {n} |")
    return lines


def confusion(pairs: list[tuple[str, str]], labels: list[str]) -> list[str]:
    counts = Counter(pairs)
    columns = [*labels, "none"]
    lines = ["| gold \\ predicted | " + " | ".join(c.replace("_", " ") for c in columns) + " |"]
    lines.append("|---|" + "---:|" * len(columns))
    for gold in labels:
        lines.append(f"| `{gold}` | " + " | ".join(str(counts[(gold, p)]) for p in columns) + " |")
    return lines


def holdout_lines(holdout: Outcome | None) -> list[str]:
    if holdout is None:
        return []
    cats = list(CATEGORIES)
    return [
        "## Held-out descriptions",
        "",
        "`tests/nlu_holdout/descriptions.yml`: descriptions written by someone who did not see the",
        "training data, labelled by category (and ground) as an intake officer would. The model is",
        "trained on all of `data/nlu/` and never tuned on these; they come closest to how the assistant",
        "is judged.",
        "",
        "| measure | result |",
        "|---|---:|",
        f"| category macro-F1 (as a description) | {macro_f1(holdout.category_pairs, cats):.3f} |",
        f"| category macro-F1 (first message, top intent) | {macro_f1(holdout.first_pairs, cats):.3f} |",
        f"| ground accuracy ({len(holdout.ground_pairs['combined'])} with a clear ground) | "
        f"{accuracy(holdout.ground_pairs['combined']):.3f} |",
        "",
        *class_table(holdout.category_pairs, cats),
        "",
        *confusion(holdout.category_pairs, cats),
        "",
    ]


def report(
    chosen: str, results: dict[str, Outcome], folds: int, minutes: float, holdout: Outcome | None = None
) -> str:
    main = results[chosen]
    cats = list(CATEGORIES)
    grounds = sorted({g for g, _ in main.ground_pairs["combined"]})
    intents = sorted({g for g, _ in main.intent_pairs})
    category_f1 = macro_f1(main.category_pairs, cats)
    ground_acc = accuracy(main.ground_pairs["combined"])
    intent_acc = accuracy(main.intent_pairs)
    lines = [
        "# NLU cross-validation report",
        "",
        f"Made {date.today().isoformat()} with `make nlu-report` (`scripts/nlu_report.py`): {folds}-fold",
        f"stratified cross-validation over `data/nlu/`, {minutes:.0f} minutes on {os.cpu_count()} CPUs,",
        f"Python {platform.python_version()}. Every fold trains the pipeline from scratch on the other folds.",
        "",
        "## Targets",
        "",
        "| target | result | |",
        "|---|---:|---|",
        f"| macro-F1 on category >= 0.95 | {category_f1:.3f} | {'met' if category_f1 >= 0.95 else '**not met**'} |",
        f"| accuracy on ground >= 0.95 | {ground_acc:.3f} | {'met' if ground_acc >= 0.95 else '**not met**'} |",
        f"| accuracy over all intents >= 0.92 | {intent_acc:.3f} | {'met' if intent_acc >= 0.92 else '**not met**'} |",
        "",
        "Whole conversations (at least 95 % end with the right slots, no plain yes or no answered with",
        "the fallback): the section of `make dialogue-report` at the end of this report.",
        "",
        "Category is read as the dialogue reads it after asking what happened: the best `describe_*`",
        'intent in the ranking. "First message" is the stricter reading when someone starts with their',
        "story unasked: the top intent must be the right `describe_*` intent.",
        "Ground: held-out examples of `describe_discriminatie` and `inform_ground` annotated with a ground.",
        "",
        "## Pipelines compared",
        "",
        "| pipeline | category macro-F1 | first message macro-F1 | ground accuracy | intent accuracy | intent macro-F1 | training per fold |",
        "|---|---:|---:|---:|---:|---:|---:|",
        *[
            summary_row(name + (" (chosen)" if name == chosen else ""), outcome)
            for name, outcome in results.items()
        ],
        "",
        "## Ground: lexicon, CRF or both",
        "",
        "| source | accuracy |",
        "|---|---:|",
        *[f"| {source} | {accuracy(pairs):.3f} |" for source, pairs in main.ground_pairs.items()],
        "",
        f"## Category per class ({chosen})",
        "",
        *class_table(main.category_pairs, cats),
        "",
        "Confusion (rows: what the example is; columns: what the assistant read):",
        "",
        *confusion(main.category_pairs, cats),
        "",
        f"## Ground per class ({chosen}, combined)",
        "",
        *class_table(main.ground_pairs["combined"], grounds),
        "",
        *holdout_lines(holdout),
        f"## All intents ({chosen})",
        "",
        *class_table(main.intent_pairs, intents),
        "",
        "Cross-validation measures how well the model generalises within our own data; descriptions",
        "written by other people will score lower. The held-out folds are never tuned on one by one.",
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--config", default="bot/config.yml")
    parser.add_argument("--data", default="data/nlu")
    parser.add_argument(
        "--variant", action="append", default=[], help="name=config.yml, compared on the same folds"
    )
    parser.add_argument("--seed", type=int, default=1700)
    parser.add_argument("--holdout", default="tests/nlu_holdout/descriptions.yml", help="'' to skip")
    parser.add_argument("--output", default="docs/nlu-report.md")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    started = time.monotonic()
    configs = {"bot/config.yml": Path(args.config)}
    for variant in args.variant:
        name, _, path = variant.partition("=")
        configs[name] = Path(path)
    results = {}
    for name, config in configs.items():
        print(f"Cross-validating {name} ({args.folds} folds)...", flush=True)
        results[name] = cross_validate(config, Path(args.data), args.folds, args.seed)
        print("  " + summary_row(name, results[name]), flush=True)
    holdout = None
    if args.holdout:
        print("Reading the held-out descriptions...", flush=True)
        holdout = asyncio.run(evaluate_holdout(Path(args.config), Path(args.data), Path(args.holdout)))
    text = report("bot/config.yml", results, args.folds, (time.monotonic() - started) / 60, holdout)
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    # The crisis and conversation sections are made by scripts/crisis_report.py and
    # tests/dialogues/runner.py (make crisis-report, make dialogue-report): keep them.
    old = output.read_text(encoding="utf-8") if output.exists() else ""
    for name in ("crisis-report", "dialogue-report"):
        start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
        if start in old and end in old:
            text = text.rstrip("\n") + "\n\n" + old[old.index(start) : old.index(end) + len(end)] + "\n"
    output.write_text(text, encoding="utf-8")
    print(f"Wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
