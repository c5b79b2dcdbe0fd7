"""The review pages for intake staff at /review/: login and logout here, the pages in review_*.py.

Server-rendered, usable without JavaScript; see review_base.py for the checks every page shares.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from api import audit
from api.db import SessionDep
from api.security import CurrentStaff, authenticate
from api.vocab import StaffRole
from api.web import review_audit, review_figures, review_intake, review_list, review_refusals
from api.web.review_base import (
    CSRF_REFUSED,
    LOGIN,
    NOT_FOUND,
    CheckedDep,
    ErrorPage,
    ReviewDep,
    ReviewRoute,
    check_origin,
    is_https,
    render,
    safe_next,
)
from api.web.sessions import (
    COOKIE,
    COOKIE_PATH,
    LOGIN_COOKIE,
    LOGIN_FORM_SECONDS,
    end_session,
    load_session,
    login_form_token,
    login_form_token_ok,
    new_login_nonce,
    start_session,
)

BAD_LOGIN = "Het e-mailadres of het wachtwoord klopt niet. Probeer het opnieuw."
LOGGED_OUT = "Je bent uitgelogd."
EXPIRED = "Je sessie is verlopen. Log opnieuw in om verder te gaan."
MAX_EMAIL, MAX_PASSWORD = 254, 256

router = APIRouter(prefix="/review", route_class=ReviewRoute, include_in_schema=False)


def _login_page(
    request: Request,
    *,
    next_url: str,
    email: str = "",
    error: str | None = None,
    flash: str | None = None,
) -> Response:
    """The login form, with a token signed over this browser's nonce (kept in a short-lived cookie)."""
    nonce = request.cookies.get(LOGIN_COOKIE) or new_login_nonce()
    response = render(
        request,
        "review/login.html",
        session=None,
        title="Inloggen",
        form_token=login_form_token(nonce),
        next_url=next_url,
        email=email,
        error=error,
        flash=flash,
    )
    response.set_cookie(
        LOGIN_COOKIE,
        nonce,
        max_age=LOGIN_FORM_SECONDS,
        path=COOKIE_PATH,
        secure=is_https(request),
        httponly=True,
        samesite="strict",
    )
    return response


@router.get("/login")
def login_form(
    request: Request,
    db: SessionDep,
    next: str | None = None,  # noqa: A002  (the conventional name of the parameter)
    reden: str | None = None,
    uitgelogd: str | None = None,
) -> Response:
    """The login page; someone already logged in goes straight on."""
    if load_session(db, request.cookies.get(COOKIE)) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    flash = EXPIRED if reden == "verlopen" else LOGGED_OUT if uitgelogd else None
    return _login_page(request, next_url=safe_next(next), flash=flash)


@router.post("/login")
def login(
    request: Request,
    db: SessionDep,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf_token: Annotated[str | None, Form()] = None,
    next: Annotated[str | None, Form()] = None,  # noqa: A002
) -> Response:
    """Log in with a staff account of the API; a new session every time (no session fixation)."""
    check_origin(request)
    if not login_form_token_ok(csrf_token, request.cookies.get(LOGIN_COOKIE)):
        raise ErrorPage(403, CSRF_REFUSED)
    next_url = safe_next(next)
    staff = None
    if len(email) <= MAX_EMAIL and len(password) <= MAX_PASSWORD:
        staff = authenticate(db, email=email, password=password)
    if staff is None:
        return _login_page(request, next_url=next_url, email=email[:MAX_EMAIL], error=BAD_LOGIN)
    token = start_session(db, staff, replaces=request.cookies.get(COOKIE))
    current = CurrentStaff(id=staff.id, email=staff.email, role=StaffRole(staff.role))
    audit.record(db, staff=current, action="review_login")
    db.commit()
    response = RedirectResponse(next_url, status_code=303)
    response.set_cookie(
        COOKIE, token, path=COOKIE_PATH, secure=is_https(request), httponly=True, samesite="strict"
    )
    response.delete_cookie(
        LOGIN_COOKIE, path=COOKIE_PATH, secure=is_https(request), httponly=True, samesite="strict"
    )
    return response


@router.post("/logout")
def logout(request: Request, db: SessionDep, session: CheckedDep) -> Response:
    """End the session: its row is deleted, so the cookie is worth nothing any more."""
    end_session(db, session)
    audit.record(db, staff=session.staff, action="review_logout")
    db.commit()
    response = RedirectResponse(f"{LOGIN}?uitgelogd=1", status_code=303)
    response.delete_cookie(
        COOKIE, path=COOKIE_PATH, secure=is_https(request), httponly=True, samesite="strict"
    )
    return response


for module in (review_list, review_intake, review_figures, review_audit, review_refusals):
    router.include_router(module.router)


@router.get("/{path:path}")
def not_found(request: Request, session: ReviewDep, path: str) -> Response:
    """Any other address under /review/: a Dutch 404 page, after the login check like every page."""
    raise ErrorPage(404, NOT_FOUND, session)
