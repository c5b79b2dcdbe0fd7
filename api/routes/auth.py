from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel

from api.db import SessionDep
from api.security import BAD_CREDENTIALS, authenticate, create_access_token

router = APIRouter(prefix="/auth", tags=["auth"])


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"


@router.post("/token", responses={401: {"description": BAD_CREDENTIALS}})
def login(session: SessionDep, form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> Token:
    """Staff login (OAuth2 password flow): form fields `username` (email) and `password`."""
    staff = authenticate(session, email=form.username, password=form.password)
    if staff is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, BAD_CREDENTIALS, headers={"WWW-Authenticate": "Bearer"}
        )
    return Token(access_token=create_access_token(staff))
