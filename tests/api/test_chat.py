"""The chat page, the widget script and the relay to the assistant.

The relay is tested against a small HTTP server standing in for the assistant's chat channel, which
records exactly what reaches it; the real assistant is behind the same relay in tests/web.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.config import get_settings
from api.web.chat import ASSISTANT_UNAVAILABLE
from tests.servers import free_port

SENDER = "0123456789abcdef0123456789abcdef"


class Assistant(ThreadingHTTPServer):
    """Answers like bot/channels.py; `status` and `answer` set what it says next."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.received: list[tuple[dict[str, str], dict[str, Any]]] = []
        self.status = 200
        self.answer: Any = [{"recipient_id": SENDER, "text": "Hoi!", "lang": "nl"}]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class Handler(BaseHTTPRequestHandler):
    server: Assistant

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        length = int(self.headers.get("Content-Length", 0))
        body = json.loads(self.rfile.read(length))
        self.server.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
        payload = json.dumps(self.server.answer).encode()
        self.send_response(self.server.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def assistant() -> Iterator[Assistant]:
    server = Assistant()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def chat_client(monkeypatch: pytest.MonkeyPatch, assistant_url: str, **env: str) -> TestClient:
    monkeypatch.setenv("MELDPUNT_ASSISTANT_URL", assistant_url)
    monkeypatch.setenv("MELDPUNT_CHAT_MAX_MESSAGE_CHARS", "50")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    from api.main import create_app

    return TestClient(create_app())


@pytest.fixture
def web(monkeypatch: pytest.MonkeyPatch, assistant: Assistant) -> Iterator[TestClient]:
    with chat_client(monkeypatch, assistant.url) as client:
        yield client
    get_settings.cache_clear()


def test_the_chat_page_is_dutch_anonymous_and_self_contained(web: TestClient) -> None:
    page = web.get("/chat/")
    assert page.status_code == 200
    assert '<html lang="nl">' in page.text
    assert 'id="quick-exit"' in page.text and ">Snel weg<" in page.text
    assert 'data-max-length="50"' in page.text
    assert "set-cookie" not in page.headers
    policy = page.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "frame-ancestors 'self';" in policy
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["referrer-policy"] == "no-referrer"
    # Nothing is loaded from elsewhere: every src and href is a path here, an anchor or inline data.
    assert all(
        url.startswith(("/", "#", "data:")) for url in re.findall(r'(?:src|href)="([^"]*)"', page.text)
    )


def test_chat_without_slash_redirects(web: TestClient) -> None:
    answer = web.get("/chat", follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (308, "/chat/")


def test_every_asset_of_the_page_is_served_here(web: TestClient) -> None:
    for path, kind in [
        ("/static/base.css", "text/css"),
        ("/static/chat/chat.css", "text/css"),
        ("/static/chat/chat.js", "javascript"),
        ("/chat/widget.js", "javascript"),
    ]:
        answer = web.get(path)
        assert answer.status_code == 200, path
        assert kind in answer.headers["content-type"], path


def test_the_widget_may_be_embedded_by_configured_origins_only(
    monkeypatch: pytest.MonkeyPatch, assistant: Assistant
) -> None:
    origins = "https://intranet.example.org, javascript:alert(1) https://portaal.example.org"
    with chat_client(monkeypatch, assistant.url, MELDPUNT_CHAT_EMBED_ORIGINS=origins) as client:
        policy = client.get("/chat/?embed=1").headers["content-security-policy"]
    get_settings.cache_clear()
    assert "frame-ancestors 'self' https://intranet.example.org https://portaal.example.org;" in policy


def test_a_message_is_relayed_with_its_sender_and_text_only(web: TestClient, assistant: Assistant) -> None:
    answer = web.post(
        "/webhooks/chat/webhook",
        json={"sender": SENDER, "message": "hallo", "metadata": {"ip": "10.0.0.1"}, "input_channel": "x"},
        headers={"X-Forwarded-For": "10.9.8.7", "Cookie": "a=b"},
    )
    assert answer.status_code == 200
    assert answer.json() == [{"recipient_id": SENDER, "text": "Hoi!", "lang": "nl"}]
    headers, body = assistant.received[0]
    assert body == {"sender": SENDER, "message": "hallo"}
    assert "x-forwarded-for" not in headers and "cookie" not in headers
    assert "10.9.8.7" not in json.dumps(headers)


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"sender": SENDER, "message": "x" * 51}, "too_long"),
        ({"sender": SENDER, "message": "   "}, "empty"),
        ({"sender": SENDER}, "empty"),
        ({"sender": "short", "message": "hallo"}, "bad_sender"),
        ({"sender": "../../etc/passwd-0123456789", "message": "hallo"}, "bad_sender"),
        (["not", "an", "object"], "bad_request"),
    ],
)
def test_a_bad_message_is_refused_before_the_assistant(
    web: TestClient, assistant: Assistant, body: Any, error: str
) -> None:
    answer = web.post("/webhooks/chat/webhook", json=body)
    assert answer.status_code == 422
    assert answer.json()["error"] == error
    assert assistant.received == []


def test_a_message_at_the_limit_goes_through(web: TestClient, assistant: Assistant) -> None:
    assert web.post("/webhooks/chat/webhook", json={"sender": SENDER, "message": "x" * 50}).status_code == 200


def test_an_unreadable_body_is_refused(web: TestClient) -> None:
    answer = web.post(
        "/webhooks/chat/webhook", content=b"{nope", headers={"Content-Type": "application/json"}
    )
    assert (answer.status_code, answer.json()["error"]) == (422, "bad_request")


def test_the_assistants_own_refusal_is_passed_on(web: TestClient, assistant: Assistant) -> None:
    assistant.status, assistant.answer = 422, {"error": "too_long", "detail": "longer than 40"}
    answer = web.post("/webhooks/chat/webhook", json={"sender": SENDER, "message": "hallo"})
    assert (answer.status_code, answer.json()) == (422, {"error": "too_long", "detail": "longer than 40"})


@pytest.mark.parametrize(
    ("status", "answer"), [(500, {"error": "assistant_error"}), (200, {"not": "a list"})]
)
def test_a_failing_assistant_is_a_503_to_retry(
    web: TestClient, assistant: Assistant, status: int, answer: Any
) -> None:
    assistant.status, assistant.answer = status, answer
    reply = web.post("/webhooks/chat/webhook", json={"sender": SENDER, "message": "hallo"})
    assert reply.status_code == 503
    assert reply.json() == {"error": "assistant_unavailable", "detail": ASSISTANT_UNAVAILABLE}
    assert reply.headers["retry-after"] == "5"


def test_an_unreachable_assistant_is_a_503_to_retry(monkeypatch: pytest.MonkeyPatch) -> None:
    with chat_client(monkeypatch, f"http://127.0.0.1:{free_port()}") as client:
        reply = client.post("/webhooks/chat/webhook", json={"sender": SENDER, "message": "hallo"})
    get_settings.cache_clear()
    assert (reply.status_code, reply.json()["error"]) == (503, "assistant_unavailable")


def test_the_demo_page_carries_the_widget(web: TestClient) -> None:
    page = web.get("/chat/demo")
    assert page.status_code == 200
    assert '<script src="/chat/widget.js" defer></script>' in page.text
