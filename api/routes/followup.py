from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, status

from api.db import SessionDep
from api.followup import TOO_MANY_TRIES, UNKNOWN_CODE, add_reporter_message, find_by_code, view_of
from api.schemas import FollowUpRequest, FollowUpView

router = APIRouter(prefix="/follow-up", tags=["follow-up"])


@router.post(
    "",
    responses={
        404: {"description": UNKNOWN_CODE},
        429: {"description": TOO_MANY_TRIES},
    },
)
def follow_up(body: FollowUpRequest, request: Request, session: SessionDep) -> FollowUpView:
    """Reporter follow-up with the receipt code: status, messages, and optionally new information."""
    limiter = request.app.state.followup_limiter
    client = request.client.host if request.client else "unknown"
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
