"""The action server as Rasa meets it under load (actions/server.py), started for real."""

from __future__ import annotations

import socket
import time
from pathlib import Path

from tests.servers import HOST, start_stack


def test_a_connection_that_waits_before_its_request_still_gets_an_answer(tmp_path: Path) -> None:
    # Rasa opens a connection for an action call and writes the request when its event loop gets to
    # it, seconds later when it is busy; Sanic's default closed such a connection after 5 s.
    with start_stack(tmp_path, api=False, rasa=False) as stack:
        assert stack.actions is not None
        with socket.create_connection((HOST, stack.actions.port), timeout=10) as connection:
            time.sleep(7)
            connection.sendall(f"GET /health HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode())
            answer = connection.recv(200)
    assert answer.startswith(b"HTTP/1.1 200"), answer
