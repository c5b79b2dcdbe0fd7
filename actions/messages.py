"""The texts the action server sends, from actions/messages/*.yml, in the person's language.

Kept out of the Rasa domain because only actions send them (the domain holds the responses that
rules use). Each entry has `nl` and `en`, a text or a text with buttons.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.texts import language_of

FOLDER = Path(__file__).with_name("messages")


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, Any]]:
    entries: dict[str, dict[str, Any]] = {}
    for path in sorted(FOLDER.glob("*.yml")):
        for name, variants in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
            if name in entries:
                raise ValueError(f"message {name!r} is defined twice (again in {path.name})")
            entries[name] = variants
    return entries


def text_of(name: str, language: str) -> dict[str, Any]:
    variants = catalogue()[name]
    chosen = variants.get(language) or variants["nl"]
    return dict(chosen) if isinstance(chosen, dict) else {"text": chosen}


def say(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    name: str,
    *,
    buttons: list[dict[str, str]] | None = None,
) -> None:
    """Send message `name` in the language of the conversation."""
    message = text_of(name, language_of(tracker.get_slot("language")))
    all_buttons = [*(message.get("buttons") or []), *(buttons or [])]
    dispatcher.utter_message(text=message["text"], buttons=all_buttons or None)
