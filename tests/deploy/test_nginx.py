"""The web front's nginx config, checked by Debian's nginx and run for real.

* `nginx -t` on the config as `make run-scaled` renders it (upstreams on 127.0.0.1), and on the
  config as the compose stack renders it (upstreams by service name), in a mount namespace whose
  /etc/hosts gives those names an address, as compose's network does;
* nginx from that same rendering in front of small stand-ins for two Rasa servers and the API,
  answering on loopback ports: routing, round robin, failover, what headers each upstream gets,
  and that no client address ends up in a log or at the assistant. The client connects from
  127.0.0.2, so its address cannot be confused with the upstreams' 127.0.0.1.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.deploy.conftest import (
    TEMPLATE,
    compose,
    compose_project,
    filled_env,
    load_script,
    need,
    rasa_services,
)

CLIENT = "127.0.0.2"
SPOOFED = "203.0.113.7"  # a documentation address a client claims in forwarding headers
FORWARDING = ("X-Forwarded-For", "X-Real-IP", "Forwarded", "X-Forwarded-Host", "X-Forwarded-Port")
render = load_script("render_nginx")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def scratch() -> Path:
    """A folder nginx's workers (nobody, when the master is root) can reach for their temp files."""
    folder = Path(tempfile.mkdtemp(prefix="meldpunt-nginx-"))
    folder.chmod(0o755)
    return folder


# --------------------------------------------------------------------------------------- nginx -t


def nginx_test(conf: Path, error_log: Path) -> subprocess.CompletedProcess[str]:
    nginx = need("nginx", "nginx")
    return subprocess.run(
        [nginx, "-t", "-p", str(conf.parent), "-c", str(conf), "-e", str(error_log)],
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_the_local_rendering_passes_nginx_t() -> None:
    out = scratch()
    try:
        conf = render.write(
            out,
            listen="127.0.0.1:8080",
            rasa=["127.0.0.1:5005", "127.0.0.1:5006"],
            api="127.0.0.1:8000",
            access_log=str(out / "access.log"),
            error_log=str(out / "error.log"),
        )
        result = nginx_test(conf, out / "error.log")
        assert result.returncode == 0, result.stderr
        assert "test is successful" in result.stderr
    finally:
        shutil.rmtree(out, ignore_errors=True)


def test_the_compose_rendering_passes_nginx_t(tmp_path: Path) -> None:
    """What the nginx image renders from compose's environment, tested with compose's host names."""
    resolved = compose(compose_project(tmp_path / "project", filled_env()), "config")
    assert resolved.returncode == 0, resolved.stderr
    config = yaml.safe_load(resolved.stdout)
    env = config["services"]["web"]["environment"]
    values = {key: str(value) for key, value in env.items() if key.startswith(render.PREFIX)}
    out = scratch()
    try:
        site = out / "default.conf"
        site.write_text(render.render(TEMPLATE.read_text(encoding="utf-8"), values), encoding="utf-8")
        # The image's main config includes conf.d/*.conf inside http {}; this one includes the site.
        conf = out / "nginx.conf"
        conf.write_text(
            f"pid {out}/nginx.pid;\nevents {{}}\nhttp {{\n    include {site};\n}}\n", encoding="utf-8"
        )
        names = sorted({"api", *rasa_services(config)})
        hosts = out / "hosts"
        hosts.write_text(f"127.0.0.1 localhost {' '.join(names)}\n", encoding="utf-8")
        nginx = need("nginx", "nginx")
        unshare = need("unshare", "nginx")
        inner = f"mount --bind {hosts} /etc/hosts && {nginx} -t -p {out} -c {conf} -e {out}/error.log"
        namespace = ["--mount"] if os.geteuid() == 0 else ["--map-root-user", "--mount"]
        result = subprocess.run(
            [unshare, *namespace, "sh", "-c", inner], capture_output=True, text=True, timeout=30
        )
        assert result.returncode == 0, result.stderr
        assert "test is successful" in result.stderr
    finally:
        shutil.rmtree(out, ignore_errors=True)


# ----------------------------------------------------------------------------- nginx, run for real


@dataclass
class Seen:
    upstream: str
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Upstream:
    """A stand-in for a Rasa server or the API: answers with its name, records what it got."""

    name: str
    seen: list[Seen]
    drop: bool = False  # close the connection after reading the request, as a server that dies
    server: ThreadingHTTPServer = field(init=False)

    def __post_init__(self) -> None:
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def handle_any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                upstream.seen.append(
                    Seen(upstream.name, self.command, self.path, dict(self.headers.items()), body)
                )
                if upstream.drop:
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                answer = json.dumps([{"text": upstream.name}]).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            do_GET = do_POST = do_PUT = do_DELETE = handle_any  # noqa: N815

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class Front:
    port: int
    folder: Path
    seen: list[Seen]
    rasa: list[Upstream]
    api: Upstream

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30, source_address=(CLIENT, 0))
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            conn.close()

    def chat(self, message: str = "hallo", headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        body = json.dumps({"sender": "deploy-test-conversation", "message": message}).encode()
        status, _, answer = self.request(
            "POST", "/webhooks/chat/webhook", body, {"Content-Type": "application/json", **(headers or {})}
        )
        return status, answer

    def logs(self) -> str:
        return "".join(
            (self.folder / name).read_text(encoding="utf-8", errors="replace")
            for name in ("access.log", "error.log")
            if (self.folder / name).exists()
        )


@contextmanager
def start_front(rasa: list[Upstream], api: Upstream, seen: list[Seen]) -> Iterator[Front]:
    nginx = need("nginx", "nginx")
    folder = scratch()
    port = free_port()
    conf = render.write(
        folder,
        listen=f"127.0.0.1:{port}",
        rasa=[r.address for r in rasa],
        api=api.address,
        access_log=str(folder / "access.log"),
        error_log=str(folder / "error.log"),
    )
    process = subprocess.Popen(
        [nginx, "-p", str(folder), "-c", str(conf), "-e", str(folder / "error.log"), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.05)
        yield Front(port, folder, seen, rasa, api)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        for upstream in (*rasa, api):
            upstream.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def front() -> Iterator[Front]:
    seen: list[Seen] = []
    rasa = [Upstream("rasa-a", seen), Upstream("rasa-b", seen)]
    with start_front(rasa, Upstream("api", seen), seen) as running:
        yield running


def served_by(front: Front, count: int) -> list[str]:
    return [seen.upstream for seen in front.seen[-count:]]


def test_chat_messages_go_to_every_rasa_server_in_turn(front: Front) -> None:
    before = len(front.seen)
    answers = [front.chat() for _ in range(6)]
    assert [status for status, _ in answers] == [200] * 6
    names = [json.loads(body)[0]["text"] for _, body in answers]
    assert [seen.upstream for seen in front.seen[before:]] == names
    assert set(names) == {"rasa-a", "rasa-b"}
    assert all(a != b for a, b in zip(names, names[1:], strict=False)), names
    assert all(
        seen.path == "/webhooks/chat/webhook" and seen.method == "POST" for seen in front.seen[before:]
    )


def test_the_assistant_gets_no_client_address(front: Front) -> None:
    spoofed = {name: SPOOFED for name in FORWARDING}
    spoofed["Forwarded"] = f"for={SPOOFED}"
    status, _ = front.chat(headers=spoofed)
    assert status == 200
    seen = front.seen[-1]
    assert seen.upstream.startswith("rasa")
    lowered = {key.lower() for key in seen.headers}
    assert not lowered & {name.lower() for name in FORWARDING}, seen.headers
    assert not any(CLIENT in value or SPOOFED in value for value in seen.headers.values()), seen.headers
    assert json.loads(seen.body) == {"sender": "deploy-test-conversation", "message": "hallo"}


def test_the_api_gets_the_address_nginx_saw_never_the_claimed_one(front: Front) -> None:
    status, _, _ = front.request("GET", "/chat/", headers={"X-Forwarded-For": SPOOFED, "X-Real-IP": SPOOFED})
    assert status == 200
    seen = front.seen[-1]
    assert seen.upstream == "api"
    assert seen.headers["X-Forwarded-For"] == CLIENT
    assert seen.headers["X-Forwarded-Proto"] == "http"
    # The Host the browser used, port included: the review pages compare it with the Origin.
    assert seen.headers["Host"] == f"127.0.0.1:{front.port}"
    assert "X-Real-IP" not in seen.headers


@pytest.mark.parametrize(
    "path",
    [
        "/chat",
        "/chat/",
        "/chat/?embed=1",
        "/chat/widget.js",
        "/chat/demo",
        "/static/chat/chat.css",
        "/review",
        "/review/intakes",
        "/api/v1/openapi.json",
        "/healthz",
    ],
)
def test_the_pages_and_the_api_go_to_the_api(front: Front, path: str) -> None:
    status, _, body = front.request("GET", path)
    assert (status, json.loads(body)[0]["text"]) == (200, "api")
    assert front.seen[-1].path == path


@pytest.mark.parametrize(
    "method, path",
    [
        ("POST", "/webhooks/rest/webhook"),  # Rasa's REST channel: only the chat channel is public
        ("GET", "/webhooks/chat/"),
        ("POST", "/model/parse"),  # Rasa's HTTP API
        ("GET", "/conversations/someone/tracker"),
        ("GET", "/status"),
        ("GET", "/chatter"),
        ("GET", "/reviews"),
        ("GET", "/.env"),
    ],
)
def test_nothing_else_is_reachable(front: Front, method: str, path: str) -> None:
    before = len(front.seen)
    status, _, _ = front.request(method, path, body=b"{}" if method == "POST" else None)
    assert status == 404
    assert len(front.seen) == before


def test_the_chat_webhook_takes_only_post(front: Front) -> None:
    before = len(front.seen)
    status, _, _ = front.request("GET", "/webhooks/chat/webhook")
    assert status == 403
    assert len(front.seen) == before


def test_message_bodies_over_64k_are_refused_and_smaller_ones_pass(front: Front) -> None:
    status, _ = front.chat("x" * 70_000)
    assert status == 413
    status, _ = front.chat("x" * 30_000)  # buffered through a temp file: the assistant refuses it itself
    assert status == 200
    assert len(front.seen[-1].body) > 30_000


def test_the_root_sends_people_to_the_chat(front: Front) -> None:
    status, headers, _ = front.request("GET", "/")
    assert status == 302
    assert headers["Location"] == "/chat/"


def test_no_client_address_in_the_logs(front: Front) -> None:
    front.chat(headers={"X-Forwarded-For": SPOOFED})
    front.request("GET", "/nothing-here")
    front.request("GET", "/webhooks/chat/webhook")
    logs = front.logs()
    assert "upstream=" in logs  # the access log is written ...
    assert CLIENT not in logs and SPOOFED not in logs  # ... without addresses
    assert "deploy-test-conversation" not in logs  # nor what was said, nor who said it


def test_a_rasa_server_that_is_down_is_skipped() -> None:
    seen: list[Seen] = []
    alive, dead = Upstream("rasa-alive", seen), Upstream("rasa-dead", seen)
    dead.stop()  # its port now refuses connections
    with start_front([alive, dead], Upstream("api", seen), seen) as front:
        answers = [front.chat() for _ in range(4)]
        assert [status for status, _ in answers] == [200] * 4
        assert {json.loads(body)[0]["text"] for _, body in answers} == {"rasa-alive"}
        assert "upstream=" in front.logs() and dead.address in front.logs()


def test_a_message_whose_server_dies_while_answering_goes_to_the_next() -> None:
    seen: list[Seen] = []
    dying, alive = Upstream("rasa-dying", seen, drop=True), Upstream("rasa-alive", seen)
    with start_front([dying, alive], Upstream("api", seen), seen) as front:
        answers = [front.chat(f"message {n}") for n in range(2)]
        assert [status for status, _ in answers] == [200, 200]
        assert {json.loads(body)[0]["text"] for _, body in answers} == {"rasa-alive"}
        # The dying server had a message (nginx had sent it) and the next one answered it.
        received = [(s.upstream, json.loads(s.body)["message"]) for s in seen]
        dropped = [message for upstream, message in received if upstream == "rasa-dying"]
        assert dropped and all(("rasa-alive", message) in received for message in dropped), received
