"""The conversation test set (tests/dialogues/*.yml) over the REST channel of the real servers.

Whole conversations, typed answers only, written apart from the training data. What is measured
and why: tests/dialogues/runner.py. `make dialogue-report` writes the same figures, per speaker, into
docs/nlu-report.md.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from actions.situation import SPEAKERS
from tests.dialogues.runner import Result, load, report, run_dialogue, slot_problems
from tests.servers import Stack, start_stack

TOKEN = "dialogues-token"
# The share of conversations that must end with the right slots. The target is 0.95 (issue: "The
# conversation understands what people type"); this floor is what the model reaches today, so a
# change that makes it worse fails here. Raise it as the model improves.
RIGHT_SLOTS_FLOOR = 0.85  # measured 2026-12-05: 80 of 90 (0.89)


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Result]]:
    with start_stack(tmp_path_factory.mktemp("dialogues"), api=True, rasa_token=TOKEN) as stack:
        yield run_all(stack)


def run_all(stack: Stack) -> list[Result]:
    results = [run_dialogue(d, stack.rasa_url, TOKEN) for d in load()]
    print(report(results))
    for result in results:
        if not result.ok:
            print(result.render())
    return results


def test_the_set_is_large_and_covers_every_speaker():
    dialogues = load()
    assert len(dialogues) >= 80
    speakers = {d.get("expect", {}).get("speaker") for d in dialogues}
    assert set(SPEAKERS) <= speakers
    assert any(d.get("expect", {}).get("language") == "en" for d in dialogues)
    assert any(d.get("expect", {}).get("crisis") for d in dialogues)
    for dialogue in dialogues:
        answers = [
            a for v in (dialogue.get("answers") or {}).values() for a in (v if isinstance(v, list) else [v])
        ]
        assert not any(str(a).startswith("/") for a in answers), (
            f"{dialogue['id']}: a button payload, not typed"
        )


def test_no_plain_yes_or_no_gets_the_fallback(results):
    missed = [f"{r.id} {f}" for r in results for f in r.yes_no_fallbacks]
    assert not missed, "a plain yes or no got 'Sorry, dat begreep ik niet':\n" + "\n".join(missed)


def test_every_crisis_moment_gets_the_crisis_answer(results):
    missed = [
        r.id
        for r in results
        if r.dialogue.get("expect", {}).get("crisis") and "no crisis answer (113/112)" in r.problems
    ]
    assert not missed, f"no 113/112 in {missed}"


def test_most_conversations_end_with_the_right_slots(results):
    right = sum(1 for r in results if not slot_problems(r))
    share = right / len(results)
    wrong = "\n".join(f"{r.id}: {'; '.join(slot_problems(r))}" for r in results if slot_problems(r))
    assert share >= RIGHT_SLOTS_FLOOR, f"{right}/{len(results)} right ({share:.0%}):\n{wrong}"
