"""Review pages: login, logout and sessions (idle and absolute expiry, a deactivated account)."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.clock import utcnow
from api.config import get_settings
from api.models import AuditEntry, StaffSession
from api.web.review import BAD_LOGIN, EXPIRED, LOGGED_OUT
from api.web.sessions import COOKIE
from tests.api.factories import PASSWORD
from tests.api.review_support import LOGIN, csrf_of, logged_in, login, make_staff

HOME = "/review/"


def sessions_of(db: Session, staff_id: int) -> list[StaffSession]:
    db.expire_all()
    return list(db.scalars(select(StaffSession).where(StaffSession.staff_id == staff_id)))


def only_session(db: Session, staff_id: int) -> StaffSession:
    rows = sessions_of(db, staff_id)
    assert len(rows) == 1
    return rows[0]


def cookie_attributes(response: Any) -> set[str]:
    """The attributes of the session cookie's Set-Cookie header, lower case."""
    (header,) = [h for h in response.headers.get_list("set-cookie") if h.startswith(f"{COOKIE}=")]
    return {part.strip().lower() for part in header.split(";")[1:]}


def logout_form(client: TestClient) -> dict[str, str]:
    return {"csrf_token": csrf_of(client.get(HOME).text)}


# --- no page without login --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "next_url"),
    [
        ("/review/?status=nieuw", "%2Freview%2F%3Fstatus%3Dnieuw"),
        (f"/review/intakes/{uuid.UUID(int=1)}", f"%2Freview%2Fintakes%2F{uuid.UUID(int=1)}"),
        ("/review/cijfers", "%2Freview%2Fcijfers"),
        ("/review/cijfers.csv", "%2Freview%2Fcijfers.csv"),
        ("/review/audit", "%2Freview%2Faudit"),
        ("/review/bestaat-niet", "%2Freview%2Fbestaat-niet"),
    ],
)
def test_pages_redirect_to_login_without_a_session(client: TestClient, path: str, next_url: str) -> None:
    response = client.get(path, follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, f"{LOGIN}?next={next_url}")


def test_a_post_without_a_session_changes_nothing_and_goes_to_login(client: TestClient) -> None:
    response = client.post(f"/review/intakes/{uuid.UUID(int=1)}", data={"status": "afgesloten"})
    assert response.url.path == LOGIN
    assert 'id="login-form"' in response.text


def test_login_page_has_the_form_and_its_fields(client: TestClient) -> None:
    page = client.get(LOGIN).text
    assert 'id="login-form"' in page
    assert '<label for="email">E-mailadres</label>' in page
    assert '<label for="password">Wachtwoord</label>' in page


# --- login ------------------------------------------------------------------------------------


def test_login_goes_to_the_page_asked_for(client: TestClient, db: Session) -> None:
    staff = make_staff(db)
    response = login(client, staff.email, next_url="/review/cijfers?period=2025-H2")
    assert (response.status_code, response.headers["location"]) == (303, "/review/cijfers?period=2025-H2")


def test_login_sets_a_strict_http_only_cookie_for_the_review_pages(client: TestClient, db: Session) -> None:
    staff = make_staff(db)
    assert cookie_attributes(login(client, staff.email)) == {"httponly", "path=/review", "samesite=strict"}


def test_the_cookie_is_secure_over_https(app: Any, db: Session) -> None:
    staff = make_staff(db)
    with TestClient(app, base_url="https://testserver") as client:
        attributes = cookie_attributes(login(client, staff.email))
    assert attributes == {"httponly", "path=/review", "samesite=strict", "secure"}


def test_the_table_keeps_only_a_hash_of_the_token(client: TestClient, db: Session) -> None:
    staff = make_staff(db)
    token = login(client, staff.email).cookies[COOKIE]
    assert only_session(db, staff.id).token_hash == hashlib.sha256(token.encode()).hexdigest()


@pytest.mark.parametrize("password", ["wrong password", ""])
def test_wrong_password_shows_an_error_and_starts_no_session(
    client: TestClient, db: Session, password: str
) -> None:
    staff = make_staff(db)
    response = login(client, staff.email, password)
    assert (response.status_code, BAD_LOGIN in response.text) == (200, True)
    assert COOKIE not in response.cookies
    assert sessions_of(db, staff.id) == []


def test_unknown_email_gets_the_same_error(client: TestClient) -> None:
    response = login(client, "niemand@meldpunt.example")
    assert (response.status_code, BAD_LOGIN in response.text) == (200, True)


def test_a_deactivated_account_cannot_log_in(client: TestClient, db: Session) -> None:
    staff = make_staff(db, active=False)
    assert BAD_LOGIN in login(client, staff.email).text


def test_login_replaces_the_session_the_browser_had(client: TestClient, db: Session) -> None:
    staff = make_staff(db)
    first = login(client, staff.email).cookies[COOKIE]
    client.cookies.clear()
    form = {"email": staff.email, "password": PASSWORD, "csrf_token": csrf_of(client.get(LOGIN).text)}
    client.cookies.set(COOKIE, first, path="/review")  # the browser still holds the earlier session
    second = client.post(LOGIN, data=form, follow_redirects=False).cookies[COOKIE]
    assert first != second
    assert only_session(db, staff.id).token_hash == hashlib.sha256(second.encode()).hexdigest()


def test_a_planted_session_cookie_is_not_adopted(client: TestClient, db: Session) -> None:
    staff = make_staff(db)
    client.cookies.set(COOKIE, "chosen-by-an-attacker", path="/review")
    assert login(client, staff.email).cookies[COOKIE] != "chosen-by-an-attacker"


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/review/",
        "//evil.example/review/",
        "/\\evil.example",
        "/api/v1/intakes",
        "/reviewer",
        "/review/logout",
    ],
)
def test_next_outside_the_review_pages_is_ignored(client: TestClient, db: Session, next_url: str) -> None:
    staff = make_staff(db)
    assert login(client, staff.email, next_url=next_url).headers["location"] == HOME


def test_a_logged_in_visit_to_the_login_page_goes_on(client: TestClient, db: Session) -> None:
    logged_in(client, db)
    response = client.get(LOGIN, params={"next": "/review/cijfers"}, follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/review/cijfers")


# --- logout -----------------------------------------------------------------------------------


def test_logout_deletes_the_session(client: TestClient, db: Session) -> None:
    staff = logged_in(client, db)
    response = client.post("/review/logout", data=logout_form(client), follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, f"{LOGIN}?uitgelogd=1")
    assert sessions_of(db, staff.id) == []


def test_the_login_page_says_you_logged_out(client: TestClient, db: Session) -> None:
    logged_in(client, db)
    page = client.post("/review/logout", data=logout_form(client))
    assert f'<div id="flash" role="status" class="flash"><p>{LOGGED_OUT}</p></div>' in page.text


def test_the_old_cookie_is_worthless_after_logout(client: TestClient, db: Session) -> None:
    staff = make_staff(db)
    token = login(client, staff.email).cookies[COOKIE]
    client.post("/review/logout", data=logout_form(client))
    client.cookies.set(COOKIE, token, path="/review")
    assert client.get(HOME, follow_redirects=False).status_code == 303


def test_login_and_logout_are_audited(client: TestClient, db: Session) -> None:
    staff = make_staff(db)
    login(client, staff.email)
    form = logout_form(client)
    client.post("/review/logout", data=form, follow_redirects=False)
    entries = db.scalars(select(AuditEntry).where(AuditEntry.staff_id == staff.id).order_by(AuditEntry.id))
    assert [e.action for e in entries] == ["review_login", "list_intakes", "review_logout"]


# --- session expiry ---------------------------------------------------------------------------


def test_an_idle_session_ends(client: TestClient, db: Session) -> None:
    staff = logged_in(client, db)
    row = only_session(db, staff.id)
    row.last_seen_at = utcnow() - timedelta(minutes=get_settings().review_idle_minutes)
    db.commit()
    response = client.get(HOME, follow_redirects=False)
    assert response.headers["location"] == f"{LOGIN}?next=%2Freview%2F&reden=verlopen"
    assert sessions_of(db, staff.id) == []


def test_a_session_used_within_the_idle_time_goes_on(client: TestClient, db: Session) -> None:
    staff = logged_in(client, db)
    row = only_session(db, staff.id)
    row.last_seen_at = utcnow() - timedelta(minutes=get_settings().review_idle_minutes - 1)
    db.commit()
    assert client.get(HOME, follow_redirects=False).status_code == 200


def test_each_request_restarts_the_idle_time(client: TestClient, db: Session) -> None:
    staff = logged_in(client, db)
    earlier = utcnow() - timedelta(minutes=10)
    row = only_session(db, staff.id)
    row.last_seen_at = earlier
    db.commit()
    client.get(HOME)
    assert only_session(db, staff.id).last_seen_at > earlier + timedelta(minutes=9)


def test_a_session_ends_at_its_absolute_lifetime_even_when_busy(client: TestClient, db: Session) -> None:
    staff = logged_in(client, db)
    row = only_session(db, staff.id)
    assert row.expires_at - row.created_at == timedelta(hours=get_settings().review_session_hours)
    row.created_at -= timedelta(hours=8)
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.commit()
    assert client.get(HOME, follow_redirects=False).status_code == 303


def test_the_login_page_says_the_session_expired(client: TestClient) -> None:
    page = client.get(LOGIN, params={"next": HOME, "reden": "verlopen"}).text
    assert f"<p>{EXPIRED}</p>" in page


@pytest.fixture
def idle_five_minutes(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("MELDPUNT_REVIEW_IDLE_MINUTES", "5")
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


def test_the_idle_time_is_a_setting(client: TestClient, db: Session, idle_five_minutes: None) -> None:
    staff = logged_in(client, db)
    row = only_session(db, staff.id)
    row.last_seen_at = utcnow() - timedelta(minutes=6)
    db.commit()
    assert client.get(HOME, follow_redirects=False).status_code == 303


def test_a_deactivated_accounts_session_stops_working(client: TestClient, db: Session) -> None:
    staff = logged_in(client, db)
    staff.active = False
    db.commit()
    assert client.get(HOME, follow_redirects=False).status_code == 303
    assert sessions_of(db, staff.id) == []
