"""Server-side sessions of the review pages, and the signed token of the login form.

The cookie carries a random token from `secrets`; the table keeps only its sha256, so reading the
table does not give anyone a session. A session ends after an idle time, at an absolute lifetime,
on logout (the row is deleted) and when the account is deactivated.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from api.clock import utcnow
from api.config import get_settings
from api.models import Staff, StaffSession
from api.security import CurrentStaff
from api.vocab import StaffRole

COOKIE = "meldpunt_review"
# Holds the nonce the login form's token is signed over, until the login succeeds.
LOGIN_COOKIE = "meldpunt_review_login"
COOKIE_PATH = "/review"
LOGIN_FORM_SECONDS = 3600  # a login form older than this must be reloaded


@dataclass(frozen=True)
class ReviewSession:
    """A valid session and the active account behind it."""

    row: StaffSession
    staff: CurrentStaff
    flash: str | None

    @property
    def csrf_token(self) -> str:
        return self.row.csrf_token

    @property
    def is_admin(self) -> bool:
        return self.staff.role == StaffRole.admin


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _limits() -> tuple[timedelta, timedelta]:
    settings = get_settings()
    return timedelta(minutes=settings.review_idle_minutes), timedelta(hours=settings.review_session_hours)


def start_session(db: Session, staff: Staff, *, replaces: str | None) -> str:
    """A new session for a fresh login; returns the cookie's token.

    A token the browser already had is dropped, never reused (no session fixation); sessions that
    ended by themselves are cleared out while we are here.
    """
    now = utcnow()
    idle, lifetime = _limits()
    stale = or_(StaffSession.expires_at <= now, StaffSession.last_seen_at <= now - idle)
    if replaces:
        stale = or_(stale, StaffSession.token_hash == token_hash(replaces))
    db.execute(delete(StaffSession).where(stale))
    token = secrets.token_urlsafe(32)
    db.add(
        StaffSession(
            token_hash=token_hash(token),
            staff_id=staff.id,
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            last_seen_at=now,
            expires_at=now + lifetime,
        )
    )
    return token


def load_session(db: Session, token: str | None) -> ReviewSession | None:
    """The session of this cookie, or None when it is unknown, ended or its account is inactive.

    An ended session is deleted. A valid one counts as seen now (the idle time starts again) and
    hands over its flash message, which is then cleared.
    """
    if not token:
        return None
    row = db.scalar(select(StaffSession).where(StaffSession.token_hash == token_hash(token)))
    if row is None:
        return None
    now = utcnow()
    idle, _ = _limits()
    staff = db.get(Staff, row.staff_id)
    if staff is None or not staff.active or now >= row.expires_at or now - row.last_seen_at >= idle:
        db.delete(row)
        db.commit()
        return None
    flash, row.flash, row.last_seen_at = row.flash, None, now
    db.commit()
    current = CurrentStaff(id=staff.id, email=staff.email, role=StaffRole(staff.role))
    return ReviewSession(row=row, staff=current, flash=flash)


def end_session(db: Session, session: ReviewSession) -> None:
    db.delete(session.row)


def set_flash(session: ReviewSession, message: str) -> None:
    """A message for the next page this session sees; committed with the work it reports."""
    session.row.flash = message[:200]


def tokens_match(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


# --- the login form: no session yet, so a token signed over a nonce in a short-lived cookie ------


def _login_key() -> bytes:
    secret = get_settings().jwt_secret
    if secret is None:
        raise RuntimeError("MELDPUNT_JWT_SECRET is not set: run `make env` or see .env.example")
    # A key of its own, derived from the signing key, so a login token is never a valid JWT signature.
    return hmac.new(secret.get_secret_value().encode(), b"meldpunt review login form", "sha256").digest()


def _login_signature(nonce: str, issued: int) -> str:
    return hmac.new(_login_key(), f"{nonce}:{issued}".encode(), "sha256").hexdigest()


def new_login_nonce() -> str:
    return secrets.token_urlsafe(24)


def login_form_token(nonce: str, *, now: datetime | None = None) -> str:
    issued = int((now or utcnow()).timestamp())
    return f"{issued}.{_login_signature(nonce, issued)}"


def login_form_token_ok(token: str | None, nonce: str | None, *, now: datetime | None = None) -> bool:
    """The form's token was made for this browser's nonce, and not too long ago."""
    if not token or not nonce:
        return False
    issued_text, _, signature = token.partition(".")
    if not (issued_text.isascii() and issued_text.isdigit()):
        return False
    issued = int(issued_text)
    age = (now or utcnow()).timestamp() - issued
    return 0 <= age <= LOGIN_FORM_SECONDS and tokens_match(signature, _login_signature(nonce, issued))
