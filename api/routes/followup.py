from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Request, status

from api.db import SessionDep
from api.followup import (
    CONVERSATION_KEY_HEADER,
    TOO_MANY_TRIES,
    UNKNOWN_CODE,
    add_reporter_message,
    find_by_code,
    limit_key,
    view_of,
)
from api.schemas import FollowUpRequest, FollowUpView

router = APIRouter(prefix="/follow-up", tags=["follow-up"])

CONVERSATION_KEY_DESCRIPTION = (
    "For the assistant's action server only, together with its service token "
    "(`Authorization: Bearer $MELDPUNT_SERVICE_TOKEN`): an opaque key per conversation, 8 to 128 "
    "characters of `A-Z a-z 0-9 _ -`. The limit on wrong codes then counts per conversation instead "
    "of per address. Without the service token, or when malformed, the header is ignored (no error)."
)


@router.post(
    "",
    responses={
        404: {"description": UNKNOWN_CODE},
        429: {"description": TOO_MANY_TRIES},
    },
)
def follow_up(
    body: FollowUpRequest,
    request: Request,
    session: SessionDep,
    conversation_key: Annotated[
        str | None, Header(alias=CONVERSATION_KEY_HEADER, description=CONVERSATION_KEY_DESCRIPTION)
    ] = None,
) -> FollowUpView:
    """Reporter follow-up with the receipt code: status, messages, and optionally new information.

    Needs no credential. After too many wrong codes a client gets 429 with `Retry-After`: a client is
    its address, or, for the assistant (service token and `X-Conversation-Key`), one conversation.
    A limit on wrong codes from all clients together applies to every request.
    """
    limiter = request.app.state.followup_limiter
    client = limit_key(
        request.client.host if request.client else None,
        request.headers.get("authorization"),
        conversation_key,
    )
    wait = limiter.retry_after(client)
    if wait is not None:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS, TOO_MANY_TRIES, headers={"Retry-After": str(wait)}
        )
    intake = find_by_code(session, body.receipt_code)
    if intake is None:
        limiter.fail(client)
        raise HTTPException(status.HTTP_404_NOT_FOUND, UNKNOWN_CODE)
    if body.message:
        add_reporter_message(session, intake, body.message)
        session.commit()
    return view_of(intake)
