"""Staff login (OAuth2 password flow, JWT bearer tokens) and the assistant's service credential."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer, OAuth2PasswordBearer
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.clock import utcnow
from api.config import get_settings
from api.db import SessionDep
from api.models import Staff
from api.vocab import StaffRole

NOT_AUTHENTICATED = "Not authenticated"
BAD_CREDENTIALS = "Incorrect email or password"
WRONG_ROLE = "Your account may not do this"
SERVICE_ONLY = "Only the assistant's service credential may submit intakes"
MISSING_JWT_SECRET = "MELDPUNT_JWT_SECRET is not set: run `make env` or see .env.example"
JWT_ALGORITHM = "HS256"

_hasher = PasswordHasher()
# Verifying against a dummy hash for unknown emails keeps login timing the same for both.
_DUMMY_HASH = _hasher.hash("dummy password for timing")

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)
service_scheme = HTTPBearer(
    auto_error=False, scheme_name="ServiceToken", description="MELDPUNT_SERVICE_TOKEN"
)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def authenticate(session: Session, *, email: str, password: str) -> Staff | None:
    email = email.strip().lower()
    # No account has a NUL in its email, and PostgreSQL cannot even compare text holding one.
    staff = None if "\x00" in email else session.scalar(select(Staff).where(Staff.email == email))
    if staff is None or not staff.active:
        verify_password(password, _DUMMY_HASH)
        return None
    return staff if verify_password(password, staff.password_hash) else None


def _jwt_secret() -> str:
    secret = get_settings().jwt_secret
    if secret is None:
        raise RuntimeError(MISSING_JWT_SECRET)
    return secret.get_secret_value()


def create_access_token(staff: Staff) -> str:
    now = utcnow()
    minutes = get_settings().access_token_minutes
    claims = {
        "sub": str(staff.id),
        "role": staff.role,
        "iat": now,
        "exp": now + timedelta(minutes=minutes),
    }
    return jwt.encode(claims, _jwt_secret(), algorithm=JWT_ALGORITHM)


def decode_access_token(token: str) -> dict[str, Any]:
    """The claims of a valid, unexpired token; raises jwt.PyJWTError otherwise.

    The signature is checked by PyJWT; expiry against the API's clock (api/clock.py), the one clock
    every other deadline reads, rather than PyJWT's own reading of the system time.
    """
    claims: dict[str, Any] = jwt.decode(
        token,
        _jwt_secret(),
        algorithms=[JWT_ALGORITHM],
        options={"require": ["exp", "sub"], "verify_exp": False, "verify_iat": False},
    )
    expires = claims["exp"]
    if not isinstance(expires, int | float) or isinstance(expires, bool):
        raise jwt.DecodeError("exp must be a number")
    if utcnow().timestamp() >= expires:
        raise jwt.ExpiredSignatureError("Signature has expired")
    return claims


def _unauthorized() -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, NOT_AUTHENTICATED, headers={"WWW-Authenticate": "Bearer"}
    )


def is_service_token(token: str) -> bool:
    expected = get_settings().service_token
    return expected is not None and hmac.compare_digest(token.encode(), expected.get_secret_value().encode())


@dataclass(frozen=True)
class CurrentStaff:
    id: int
    email: str
    role: StaffRole


def current_staff(session: SessionDep, token: Annotated[str | None, Depends(oauth2_scheme)]) -> CurrentStaff:
    """Any active staff account; the service credential is authenticated but not staff (403)."""
    if not token:
        raise _unauthorized()
    if is_service_token(token):
        raise HTTPException(status.HTTP_403_FORBIDDEN, WRONG_ROLE)
    try:
        claims = decode_access_token(token)
        staff_id = int(claims["sub"])
    except (jwt.PyJWTError, ValueError, TypeError):
        raise _unauthorized() from None
    staff = session.get(Staff, staff_id)
    if staff is None or not staff.active:
        raise _unauthorized()
    return CurrentStaff(id=staff.id, email=staff.email, role=StaffRole(staff.role))


StaffDep = Annotated[CurrentStaff, Depends(current_staff)]


def current_admin(staff: StaffDep) -> CurrentStaff:
    if staff.role != StaffRole.admin:
        raise HTTPException(status.HTTP_403_FORBIDDEN, WRONG_ROLE)
    return staff


AdminDep = Annotated[CurrentStaff, Depends(current_admin)]


async def require_service(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(service_scheme)],
) -> None:
    """Only the assistant's service credential; a staff token is authenticated but refused (403).

    async, because it never waits on anything: a plain def would cost a trip through the threadpool
    on every submission.
    """
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise _unauthorized()
    if is_service_token(credentials.credentials):
        return
    try:
        decode_access_token(credentials.credentials)
    except jwt.PyJWTError:
        raise _unauthorized() from None
    raise HTTPException(status.HTTP_403_FORBIDDEN, SERVICE_ONLY)
