"""The chat page's channel: Rasa's REST channel, stricter, and telling the page the language.

`POST /webhooks/chat/webhook` with `{"sender": "<random id>", "message": "..."}` answers, like the
REST channel, with the list of the assistant's messages; each carries `"lang"` (`nl` or `en`, the
conversation's language slot after this turn), so the page can switch its own words and mark every
message's language for screen readers.

What differs from the REST channel, on purpose:
* the sender id must look like the page's random id, and the message must be text of at most
  MELDPUNT_CHAT_MAX_MESSAGE_CHARS characters (default 2000): anything else gets a 422 naming why;
* nothing else the client sends is kept: no metadata, no input channel of its choosing, and no
  streaming. Rasa's REST channel stores client metadata in the tracker; this one never does.
* on a failure the message text is not logged (it may hold what the person told);
* a conversation that cannot be read or saved (its database is down) gets a 500, which the page
  offers to send again, never a fresh start: see `fail_loudly`.
"""

from __future__ import annotations

import logging
import os
import re
from asyncio import CancelledError
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.tracker_store import FailSafeTrackerStore, TrackerStore
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

log = logging.getLogger(__name__)

DEFAULT_MAX_CHARS = 2000
SENDER = re.compile(r"[A-Za-z0-9_-]{16,64}")
LANGUAGES = ("nl", "en")


def max_message_chars() -> int:
    try:
        return max(1, int(os.environ.get("MELDPUNT_CHAT_MAX_MESSAGE_CHARS", DEFAULT_MAX_CHARS)))
    except ValueError:
        return DEFAULT_MAX_CHARS


def refusal(body: Any, limit: int) -> dict[str, str] | None:
    """Why a request body is refused ({"error": code, "detail": text}), or None when it is fine."""
    if not isinstance(body, dict):
        return {"error": "bad_request", "detail": "expected a JSON object with sender and message"}
    sender, message = body.get("sender"), body.get("message")
    if not isinstance(sender, str) or not SENDER.fullmatch(sender):
        return {"error": "bad_sender", "detail": "sender must be 16 to 64 letters, digits, - or _"}
    if not isinstance(message, str) or not message.strip():
        return {"error": "empty", "detail": "message must be non-empty text"}
    if len(message) > limit:
        return {"error": "too_long", "detail": f"message is longer than {limit} characters"}
    return None


def _raise(error: Exception) -> None:
    raise error


def fail_loudly(tracker_store: TrackerStore | None) -> None:
    """Make the agent's tracker store pass its errors on instead of hiding them.

    Rasa wraps every tracker store in a FailSafeTrackerStore: when a conversation cannot be read, it
    starts the conversation afresh, and when it cannot be saved, it keeps it in this server's memory.
    Either way the person gets an answer (a greeting in the middle of an intake) and the message is
    lost from the shared tracker store, and the next message, on whichever server, no longer fits.
    With the error passed on, the turn fails (500 here) and nothing is half done: the page offers
    to send the message again. The wrapper's own hook for errors is used; Rasa sets none.
    """
    if isinstance(tracker_store, FailSafeTrackerStore) and tracker_store._on_tracker_store_error is None:
        tracker_store._on_tracker_store_error = _raise


class ChatInput(RestInput):
    """The REST channel for the chat page and widget (see the module docstring)."""

    @classmethod
    def name(cls) -> str:
        return "chat"

    def get_metadata(self, request: Request) -> dict[str, Any] | None:
        return None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        chat = Blueprint("chat_webhook", __name__)
        limit = max_message_chars()

        @chat.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @chat.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                body = request.json
            except Exception:  # sanic raises its own error type for bad JSON
                body = None
            if problem := refusal(body, limit):
                return response.json(problem, status=422)
            sender, text = body["sender"], body["message"].strip()
            collector = CollectingOutputChannel()
            fail_loudly(getattr(getattr(request.app.ctx, "agent", None), "tracker_store", None))
            try:
                await on_new_message(UserMessage(text, collector, sender, input_channel=self.name()))
            except CancelledError:
                log.error("chat: handling a message timed out")
            except Exception:
                log.exception("chat: handling a message failed")
                return response.json({"error": "assistant_error", "detail": "try again"}, status=500)
            language = await conversation_language(request, sender)
            return response.json([{**message, "lang": language} for message in collector.messages])

        return chat


async def conversation_language(request: Request, sender: str) -> str:
    """The language slot after this turn; Dutch when it cannot be read."""
    try:
        tracker = await request.app.ctx.agent.tracker_store.retrieve(sender)
    except Exception:
        log.exception("chat: reading the conversation's language failed")
        return LANGUAGES[0]
    language = tracker.get_slot("language") if tracker else None
    return language if language in LANGUAGES else LANGUAGES[0]
