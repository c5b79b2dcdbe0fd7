"""The chat page, its widget, and the relay of the page's messages to the assistant.

* `GET /chat/`: the page (Dutch by default; the page turns English with the conversation).
* `GET /chat/widget.js`: one tag puts the chat on any intranet page, in an iframe of `/chat/?embed=1`.
* `GET /chat/demo`: an example intranet page with the widget on it.
* `POST /webhooks/chat/webhook`: relays `{"sender", "message"}` to the assistant's chat channel
  (bot/channels.py) and returns its messages. Only those two fields go on: no headers, no address
  of the person, nothing else. The compose stack routes this path straight to the assistant; both
  answer the same way, errors included (`{"error": code, "detail": text}`).

The page sets no cookies and loads nothing from elsewhere; its Content-Security-Policy says so.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import httpx
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from api.config import get_settings

log = logging.getLogger("meldpunt.chat")
WEB = Path(__file__).parent
templates = Jinja2Templates(directory=WEB / "templates")
router = APIRouter(include_in_schema=False)

SENDER = re.compile(r"[A-Za-z0-9_-]{16,64}")
ASSISTANT_UNAVAILABLE = "the assistant cannot be reached right now; try again"
NO_STORE = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


def embed_origins() -> list[str]:
    raw = get_settings().chat_embed_origins
    return [o for o in re.split(r"[\s,]+", raw) if re.fullmatch(r"https?://[A-Za-z0-9.:\[\]-]+", o)]


def page_policy() -> str:
    ancestors = " ".join(["'self'", *embed_origins()])
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"connect-src 'self'; frame-ancestors {ancestors}; form-action 'self'; base-uri 'none'; "
        "object-src 'none'"
    )


def refusal(body: Any, limit: int) -> dict[str, str] | None:
    """Why a message is refused ({"error", "detail"}), as the assistant's chat channel says it."""
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


@router.get("/chat")
def chat_slash() -> RedirectResponse:
    return RedirectResponse("/chat/", status_code=308)


@router.get("/chat/")
def chat_page(request: Request, embed: bool = False) -> Response:
    """The chat page."""
    settings = get_settings()
    context = {
        "embed": embed,
        "max_length": settings.chat_max_message_chars,
        "exit_url": settings.chat_exit_url,
    }
    page = templates.TemplateResponse(request, "chat/index.html", context)
    page.headers.update({**NO_STORE, "Content-Security-Policy": page_policy()})
    return page


@router.get("/chat/demo")
def widget_demo(request: Request) -> Response:
    """An example intranet page carrying the widget."""
    page = templates.TemplateResponse(request, "chat/demo.html", {})
    page.headers.update({**NO_STORE, "Content-Security-Policy": page_policy()})
    return page


@router.get("/chat/widget.js")
def widget_script() -> FileResponse:
    """The widget: `<script src=".../chat/widget.js" defer></script>` on any intranet page."""
    return FileResponse(
        WEB / "static" / "chat" / "widget.js",
        media_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": "public, max-age=300", "Cross-Origin-Resource-Policy": "cross-origin"},
    )


def client(app: FastAPI) -> httpx.AsyncClient:
    """One pooled client per app, made on first use (nothing connects at start-up)."""
    existing: httpx.AsyncClient | None = getattr(app.state, "assistant_client", None)
    if existing is None or existing.is_closed:
        settings = get_settings()
        existing = httpx.AsyncClient(
            base_url=settings.assistant_url.rstrip("/"),
            timeout=httpx.Timeout(settings.assistant_timeout_seconds, connect=5.0),
        )
        app.state.assistant_client = existing
    return existing


async def close_client(app: FastAPI) -> None:
    existing: httpx.AsyncClient | None = getattr(app.state, "assistant_client", None)
    if existing is not None:
        await existing.aclose()


@router.post("/webhooks/chat/webhook")
async def relay(request: Request) -> JSONResponse:
    """Relays a message to the assistant and returns its answer."""
    try:
        body = await request.json()
    except ValueError:
        body = None
    if problem := refusal(body, get_settings().chat_max_message_chars):
        return JSONResponse(problem, status_code=422, headers=NO_STORE)
    forward = {"sender": body["sender"], "message": body["message"]}
    try:
        answer = await client(request.app).post("/webhooks/chat/webhook", json=forward)
    except httpx.HTTPError as exc:
        log.warning("chat relay: assistant unreachable (%s)", exc.__class__.__name__)
        return unavailable()
    try:
        content = answer.json()
    except ValueError:
        content = None
    if answer.status_code == 422 and isinstance(content, dict):
        return JSONResponse(content, status_code=422, headers=NO_STORE)
    if answer.status_code != 200 or not isinstance(content, list):
        log.warning("chat relay: the assistant answered %s", answer.status_code)
        return unavailable()
    return JSONResponse(content, headers=NO_STORE)


def unavailable() -> JSONResponse:
    return JSONResponse(
        {"error": "assistant_unavailable", "detail": ASSISTANT_UNAVAILABLE},
        status_code=503,
        headers={**NO_STORE, "Retry-After": "5"},
    )
