"""The transcript handed over with an intake: who said what, and when. Nothing else.

Built from the tracker's events. The sender id, channel, message ids, intent predictions and any
metadata stay behind (privacy by design, and the API refuses extra fields). A button press is
written as the button's title the person saw, not as its payload ("/affirm"). The chat page opens
the conversation by sending `/greet` itself; that is not something the person said, so it is left out.
"""

from __future__ import annotations

from typing import Any

from actions.clock import moment_of, system_now

MAX_LINES = 1_000  # the API's limit per intake
MAX_CHARS = 10_000  # the API's limit per line
CUT = " [...]"
PAGE_OPENING = "/greet"  # sent by the chat page when it opens, not typed by the person


def _at(timestamp: Any) -> str:
    return (moment_of(timestamp) or system_now()).isoformat(timespec="seconds")


def _bounded(text: str) -> str:
    return text if len(text) <= MAX_CHARS else text[: MAX_CHARS - len(CUT)] + CUT


def _button_titles(event: dict[str, Any]) -> dict[str, str]:
    buttons = (event.get("data") or {}).get("buttons") or []
    return {str(b.get("payload")): str(b.get("title")) for b in buttons if b.get("payload")}


def transcript_of(events: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Transcript lines (speaker, text, at) in order; the most recent MAX_LINES when longer."""
    lines: list[dict[str, str]] = []
    titles: dict[str, str] = {}
    for event in events:
        kind = event.get("event")
        text = (event.get("text") or "").strip()
        if kind == "bot":
            titles = _button_titles(event) or titles
            if text:
                lines.append(
                    {"speaker": "assistant", "text": _bounded(text), "at": _at(event.get("timestamp"))}
                )
        elif kind == "user" and text and not (text == PAGE_OPENING and text not in titles):
            said = titles.get(text, text)
            lines.append({"speaker": "reporter", "text": _bounded(said), "at": _at(event.get("timestamp"))})
    return lines[-MAX_LINES:]
