"""What every review page shares: templates, security headers, login and CSRF checks, error pages.

Every route of the review routers uses `ReviewRoute`, which puts the security headers on each
response and turns the review's own exceptions into Dutch pages (a redirect to the login page, a
403 or a 404) instead of the API's JSON errors.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode, urlsplit

from fastapi import Depends, Form, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from api.db import SessionDep
from api.web import review_labels
from api.web.sessions import COOKIE, ReviewSession, load_session, tokens_match

TEMPLATES = Path(__file__).resolve().parent / "templates"
HOME = "/review/"
LOGIN = "/review/login"
LOGOUT = "/review/logout"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    # same-origin, not no-referrer: under no-referrer browsers send `Origin: null` with every form,
    # and the origin check below would refuse the staff's own forms. Nothing leaks to other sites.
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    # Nearly every page shows personal data; none of them may be kept by a browser or proxy.
    "Cache-Control": "no-store",
}
CSRF_REFUSED = "Dit formulier is geweigerd omdat het niet van deze website lijkt te komen."
ADMINS_ONLY = "Deze pagina is alleen voor beheerders."
NOT_FOUND = "Deze pagina bestaat niet."
INTAKE_NOT_FOUND = "Deze intake bestaat niet (meer)."
BAD_REQUEST = "De pagina kon niet worden getoond, omdat het adres een waarde bevat die niet klopt."

ENV = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=True,  # every value is escaped: transcripts and notes are text, never markup
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
ENV.filters.update(
    label=review_labels.label,
    day=review_labels.day,
    moment=review_labels.moment,
    yes_no=review_labels.yes_no,
)
ENV.globals.update(history_value=review_labels.history_value, labels=review_labels)


def render(
    request: Request,
    template: str,
    *,
    session: ReviewSession | None,
    status_code: int = 200,
    flash: str | None = None,
    **context: Any,
) -> HTMLResponse:
    page = ENV.get_template(template).render(
        request=request,
        session=session,
        flash=flash or (session.flash if session else None),
        current=context.pop("current", None),
        **context,
    )
    return HTMLResponse(page, status_code=status_code)


class ReviewError(Exception):
    """Shown to the person as a page of its own."""

    def response(self, request: Request) -> Response:
        raise NotImplementedError


class LoginRequired(ReviewError):
    def __init__(self, next_url: str, *, expired: bool) -> None:
        self.next_url, self.expired = next_url, expired

    def response(self, request: Request) -> Response:
        query = {"next": self.next_url, **({"reden": "verlopen"} if self.expired else {})}
        return RedirectResponse(f"{LOGIN}?{urlencode(query)}", status_code=303)


class ErrorPage(ReviewError):
    def __init__(self, status_code: int, message: str, session: ReviewSession | None = None) -> None:
        self.status_code, self.message, self.session = status_code, message, session

    def response(self, request: Request) -> Response:
        titles = {403: "Geen toegang", 404: "Niet gevonden"}
        template = "review/csrf.html" if self.message == CSRF_REFUSED else "review/error.html"
        return render(
            request,
            template,
            session=self.session,
            status_code=self.status_code,
            title=titles.get(self.status_code, "Er ging iets mis"),
            message=self.message,
        )


class ReviewRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def review_handler(request: Request) -> Response:
            try:
                response = await handler(request)
            except ReviewError as exc:
                response = exc.response(request)
            except RequestValidationError:
                response = ErrorPage(400, BAD_REQUEST).response(request)
            response.headers.update(SECURITY_HEADERS)
            return response

        return review_handler


def safe_next(value: str | None) -> str:
    """Where to go after logging in: only a path of the review pages on this site."""
    if not value or not (value == "/review" or value.startswith("/review/")):
        return HOME
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or "\\" in value or not value.isprintable() or " " in value:
        return HOME
    # A form that was sent after the session ended: its address is no page to return to.
    return HOME if parts.path in (LOGIN, LOGOUT) else value


def next_of(request: Request) -> str:
    if request.method == "GET" and request.url.query:
        return f"{request.url.path}?{request.url.query}"
    return request.url.path


def review_session(request: Request, db: SessionDep) -> ReviewSession:
    """The logged-in staff member; without a valid session, to the login page."""
    session = load_session(db, request.cookies.get(COOKIE))
    if session is None:
        raise LoginRequired(next_of(request), expired=COOKIE in request.cookies)
    return session


ReviewDep = Annotated[ReviewSession, Depends(review_session)]


def admin_session(session: ReviewDep) -> ReviewSession:
    if not session.is_admin:
        raise ErrorPage(403, ADMINS_ONLY, session)
    return session


AdminDep = Annotated[ReviewSession, Depends(admin_session)]


def own_origin(request: Request) -> str:
    return f"{request.url.scheme}://{request.url.netloc}".lower()


def check_origin(request: Request, session: ReviewSession | None = None) -> None:
    """Refuse a form sent from another site: its Origin, when the browser names one, is ours."""
    origin = request.headers.get("origin")
    if origin is not None and origin.lower() != own_origin(request):
        raise ErrorPage(403, CSRF_REFUSED, session)


def checked_form(
    request: Request, session: ReviewDep, csrf_token: Annotated[str | None, Form()] = None
) -> ReviewSession:
    """A POST of a logged-in session, with its synchronizer token and from our own origin."""
    check_origin(request, session)
    if not tokens_match(csrf_token, session.csrf_token):
        raise ErrorPage(403, CSRF_REFUSED, session)
    return session


CheckedDep = Annotated[ReviewSession, Depends(checked_form)]


def is_https(request: Request) -> bool:
    return request.url.scheme == "https"
