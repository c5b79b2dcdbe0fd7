"""The chat channel's checks (bot/channels.py); tests/bot/test_rest_e2e.py runs it inside Rasa."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from bot.channels import DEFAULT_MAX_CHARS, fail_loudly, max_message_chars, refusal

SENDER = "0123456789abcdef0123456789abcdef"


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"sender": SENDER, "message": "x" * 11}, "too_long"),
        ({"sender": SENDER, "message": " \n "}, "empty"),
        ({"sender": SENDER, "message": 42}, "empty"),
        ({"sender": "x" * 15, "message": "hallo"}, "bad_sender"),
        ({"sender": "x" * 65, "message": "hallo"}, "bad_sender"),
        ({"sender": "abc def ghi jkl mno", "message": "hallo"}, "bad_sender"),
        ({"message": "hallo"}, "bad_sender"),
        (None, "bad_request"),
        ("hallo", "bad_request"),
    ],
)
def test_what_the_channel_refuses(body: Any, error: str) -> None:
    problem = refusal(body, 10)
    assert problem is not None and problem["error"] == error


def test_a_message_at_the_limit_is_fine() -> None:
    assert refusal({"sender": SENDER, "message": "x" * 10}, 10) is None


def test_the_limit_comes_from_the_shared_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MELDPUNT_CHAT_MAX_MESSAGE_CHARS", "300")
    assert max_message_chars() == 300
    monkeypatch.setenv("MELDPUNT_CHAT_MAX_MESSAGE_CHARS", "lots")
    assert max_message_chars() == DEFAULT_MAX_CHARS
    monkeypatch.delenv("MELDPUNT_CHAT_MAX_MESSAGE_CHARS")
    assert max_message_chars() == DEFAULT_MAX_CHARS == 2000


class DatabaseDown(InMemoryTrackerStore):
    """A tracker store whose database does not answer."""

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        raise ConnectionRefusedError("the database is down")

    async def save(self, tracker: DialogueStateTracker) -> None:
        raise ConnectionRefusedError("the database is down")


def test_a_tracker_store_that_fails_fails_the_turn() -> None:
    store = FailSafeTrackerStore(DatabaseDown(Domain.empty()))
    tracker = DialogueStateTracker(SENDER, [])
    # Rasa's wrapper hides the failure: no conversation (so a fresh one), saved in memory only.
    assert asyncio.run(store.retrieve(SENDER)) is None
    asyncio.run(store.save(tracker))
    fail_loudly(store)
    fail_loudly(store)  # every message calls it: once is enough, twice is harmless
    with pytest.raises(ConnectionRefusedError):
        asyncio.run(store.retrieve(SENDER))
    with pytest.raises(ConnectionRefusedError):
        asyncio.run(store.save(tracker))
    fail_loudly(None)  # no agent loaded yet
