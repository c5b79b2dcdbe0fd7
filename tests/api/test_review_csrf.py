"""Review pages: CSRF tokens and origin checks on every form, and the security headers."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.clock import utcnow
from api.models import StaffSession
from api.web.review_base import CSP, CSRF_REFUSED
from api.web.sessions import LOGIN_COOKIE, login_form_token, login_form_token_ok
from tests.api.factories import PASSWORD
from tests.api.review_support import LOGIN, csrf_of, logged_in, make_staff

HOME = "/review/"


def logout_form(client: TestClient) -> dict[str, str]:
    return {"csrf_token": csrf_of(client.get(HOME).text)}


# --- CSRF -------------------------------------------------------------------------------------


def _session_count(db: Session, staff_id: int) -> int:
    db.expire_all()
    return (
        db.scalar(select(func.count()).select_from(StaffSession).where(StaffSession.staff_id == staff_id))
        or 0
    )


@pytest.mark.parametrize("token", [None, "", "not-the-token"])
def test_a_post_without_the_right_token_is_refused(
    client: TestClient, db: Session, token: str | None
) -> None:
    staff = logged_in(client, db)
    response = client.post("/review/logout", data={} if token is None else {"csrf_token": token})
    assert (response.status_code, CSRF_REFUSED in response.text) == (403, True)
    assert _session_count(db, staff.id) == 1


def test_a_post_from_another_origin_is_refused_even_with_the_token(client: TestClient, db: Session) -> None:
    staff = logged_in(client, db)
    response = client.post(
        "/review/logout", data=logout_form(client), headers={"Origin": "https://evil.example"}
    )
    assert response.status_code == 403
    assert _session_count(db, staff.id) == 1


def test_a_post_from_an_opaque_origin_is_refused(client: TestClient, db: Session) -> None:
    """A sandboxed frame or a data: page sends `Origin: null`; our own pages send their origin."""
    staff = logged_in(client, db)
    response = client.post("/review/logout", data=logout_form(client), headers={"Origin": "null"})
    assert response.status_code == 403
    assert _session_count(db, staff.id) == 1


def test_a_post_from_our_own_origin_is_accepted(client: TestClient, db: Session) -> None:
    logged_in(client, db)
    response = client.post(
        "/review/logout",
        data=logout_form(client),
        headers={"Origin": "http://testserver"},
        follow_redirects=False,
    )
    assert response.status_code == 303


def test_the_refusal_page_explains_in_dutch(client: TestClient, db: Session) -> None:
    logged_in(client, db)
    page = client.post("/review/logout", data={"csrf_token": "x"}).text
    assert "<title>Geen toegang – Meldpunt intake</title>" in page
    assert "Er is niets opgeslagen of veranderd." in page


def test_login_without_the_form_token_is_refused(client: TestClient, db: Session) -> None:
    staff = make_staff(db)
    client.get(LOGIN)
    response = client.post(LOGIN, data={"email": staff.email, "password": "x"})
    assert (response.status_code, CSRF_REFUSED in response.text) == (403, True)


def test_login_from_another_origin_is_refused(client: TestClient, db: Session) -> None:
    staff = make_staff(db)
    token = csrf_of(client.get(LOGIN).text)
    form = {"email": staff.email, "password": PASSWORD, "csrf_token": token}
    response = client.post(LOGIN, data=form, headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    assert _session_count(db, staff.id) == 0


def test_login_with_a_token_made_for_another_browser_is_refused(client: TestClient, db: Session) -> None:
    staff = make_staff(db)
    token = csrf_of(client.get(LOGIN).text)
    client.cookies.set(LOGIN_COOKIE, "another-browsers-nonce", path="/review")
    form = {"email": staff.email, "password": PASSWORD, "csrf_token": token}
    assert client.post(LOGIN, data=form).status_code == 403


def test_a_login_form_token_is_short_lived() -> None:
    issued = utcnow() - timedelta(hours=2)
    token = login_form_token("nonce", now=issued)
    assert (login_form_token_ok(token, "nonce", now=issued), login_form_token_ok(token, "nonce")) == (
        True,
        False,
    )


# --- headers ----------------------------------------------------------------------------------

SECURITY = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "cache-control": "no-store",
}


def _headers(response: Any) -> dict[str, str]:
    return {name: response.headers.get(name) for name in SECURITY}


def test_the_login_page_has_the_security_headers(client: TestClient) -> None:
    assert _headers(client.get(LOGIN)) == SECURITY


def test_a_redirect_to_login_has_the_security_headers(client: TestClient) -> None:
    assert _headers(client.get(HOME, follow_redirects=False)) == SECURITY


@pytest.mark.parametrize("path", [HOME, "/review/cijfers", "/review/audit", "/review/nergens"])
def test_pages_with_personal_data_have_the_security_headers(
    client: TestClient, db: Session, path: str
) -> None:
    logged_in(client, db)
    assert _headers(client.get(path)) == SECURITY


def test_the_csp_is_strict() -> None:
    assert CSP == (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    )


def test_pages_use_no_inline_script_or_style(client: TestClient, db: Session) -> None:
    logged_in(client, db, role="admin")
    for path in (LOGIN, HOME, "/review/cijfers", "/review/audit"):
        page = client.get(path).text
        assert ("<script" in page, "style=" in page, "<style" in page) == (False, False, False), path
