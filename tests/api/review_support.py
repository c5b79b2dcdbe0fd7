"""Helpers for the review page tests: accounts, logging in, the CSRF token and reading tables."""

from __future__ import annotations

import re
import uuid
from html.parser import HTMLParser
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.models import Staff
from tests.api.factories import _PASSWORD_HASH, PASSWORD, submit

LOGIN = "/review/login"
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
_VERSION = re.compile(r'name="version" value="([^"]+)"')


def make_staff(db: Session, role: str = "intake", *, email: str | None = None, active: bool = True) -> Staff:
    staff = Staff(
        email=email or f"{role}-{uuid.uuid4().hex[:8]}@meldpunt.example",
        role=role,
        password_hash=_PASSWORD_HASH,
        active=active,
    )
    db.add(staff)
    db.commit()
    return staff


def csrf_of(html: str) -> str:
    match = _TOKEN.search(html)
    assert match, "no csrf_token field on the page"
    return match[1]


def version_of(html: str) -> str:
    match = _VERSION.search(html)
    assert match, "no version field on the page"
    return match[1]


def login(
    client: TestClient, email: str, password: str = PASSWORD, *, next_url: str | None = None
) -> httpx.Response:
    """Fill in the login form as a browser does; the redirect after it is not followed."""
    page = client.get(LOGIN, params={"next": next_url} if next_url else None)
    form = {"email": email, "password": password, "csrf_token": csrf_of(page.text)}
    if next_url:
        form["next"] = next_url
    return client.post(LOGIN, data=form, follow_redirects=False)


def logged_in(client: TestClient, db: Session, role: str = "intake", **kwargs: Any) -> Staff:
    staff = make_staff(db, role, **kwargs)
    response = login(client, staff.email)
    assert response.status_code == 303, response.text
    return staff


def new_intake(client: TestClient, **overrides: Any) -> str:
    body, response = submit(client, **overrides)
    assert response.status_code == 201, response.text
    return str(body["id"])


class _Tables(HTMLParser):
    """The text of every cell (th and td) per row, of the table with the given id."""

    def __init__(self, table_id: str) -> None:
        super().__init__()
        self.table_id, self.inside, self.depth = table_id, False, 0
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table" and ("id", self.table_id) in attrs:
            self.inside = True
        if not self.inside:
            return
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if not self.inside:
            return
        if tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "table":
            self.inside = False

    def handle_data(self, data: str) -> None:
        if self.inside and self.cell is not None:
            self.cell.append(data)


def table(html: str, table_id: str) -> list[list[str]]:
    parser = _Tables(table_id)
    parser.feed(html)
    assert parser.rows, f"no table #{table_id} on the page"
    return parser.rows
