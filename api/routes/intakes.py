from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Response, status

from api import audit
from api.clock import utcnow
from api.db import SessionDep
from api.deadlines import deadlines_of
from api.intakes import (
    LIST_SORTS,
    Conflict,
    IntakeFilter,
    create_intake,
    detail_of,
    get_intake,
    list_intakes,
    update_intake,
)
from api.schemas import (
    NUL_FREE,
    IntakeCreate,
    IntakeDetail,
    IntakePage,
    IntakeReceipt,
    IntakeUpdate,
    IsoDate,
)
from api.security import StaffDep, require_service
from api.vocab import Category, Committee, Ground, Route, Status

router = APIRouter(prefix="/intakes", tags=["intakes"])
NOT_FOUND = "Intake not found"
AUTH_RESPONSES: dict[int | str, dict[str, str]] = {
    401: {"description": "Not authenticated"},
    403: {"description": "Not allowed for this credential"},
}


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(require_service)],
    responses={
        **AUTH_RESPONSES,
        200: {"model": IntakeReceipt, "description": "Already stored: the same id again"},
        409: {"description": "The id or receipt code belongs to another intake"},
    },
)
def submit(data: IntakeCreate, session: SessionDep, response: Response) -> IntakeReceipt:
    """Hand over an intake (assistant's service credential only); idempotent on `id`."""
    try:
        intake, created = create_intake(session, data)
    except Conflict as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from None
    if not created:
        response.status_code = status.HTTP_200_OK
    return IntakeReceipt(
        id=intake.id,
        received_at=intake.received_at,
        status=Status(intake.status),
        deadlines=deadlines_of(intake, now=utcnow()),
    )


@router.get("", responses=AUTH_RESPONSES)
def list_(
    session: SessionDep,
    staff: StaffDep,
    category: Category | None = None,
    ground: Ground | None = None,
    status_: Annotated[Status | None, Query(alias="status")] = None,
    organisation: Annotated[str | None, Query(max_length=200, pattern=NUL_FREE)] = None,
    route: Route | None = None,
    routed_to: Committee | None = None,
    overdue: bool | None = None,
    received_from: IsoDate | None = None,
    received_to: IsoDate | None = None,
    sort: Literal[tuple(LIST_SORTS)] = "received_at",  # type: ignore[valid-type]
    order: Literal["asc", "desc"] = "desc",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 25,
) -> IntakePage:
    """List intakes with filters (received dates inclusive) and pagination."""
    flt = IntakeFilter(
        category=category,
        ground=ground,
        status=status_,
        organisation=organisation,
        route=route,
        routed_to=routed_to,
        overdue=overdue,
        received_from=received_from,
        received_to=received_to,
    )
    items, total = list_intakes(
        session, flt, page=page, page_size=page_size, sort=sort, descending=order == "desc"
    )
    filters = {k: str(v) for k, v in flt.__dict__.items() if v is not None}
    audit.record(session, staff=staff, action="list_intakes", detail={"filters": filters, "page": page})
    session.commit()
    return IntakePage(items=items, total=total, page=page, page_size=page_size)


@router.get("/{intake_id}", responses={**AUTH_RESPONSES, 404: {"description": NOT_FOUND}})
def read(intake_id: uuid.UUID, session: SessionDep, staff: StaffDep) -> IntakeDetail:
    """One intake with its transcript, messages and history; the read is audited."""
    intake = get_intake(session, intake_id)
    if intake is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, NOT_FOUND)
    detail = detail_of(intake, now=utcnow())
    intake.unread_from_reporter = False  # opened: the reporter's message is seen
    audit.record(session, staff=staff, action="read_intake", intake_id=intake_id)
    session.commit()
    return detail


@router.patch("/{intake_id}", responses={**AUTH_RESPONSES, 404: {"description": NOT_FOUND}})
def change(intake_id: uuid.UUID, body: IntakeUpdate, session: SessionDep, staff: StaffDep) -> IntakeDetail:
    """Change status, routing, outcome, notes, deadlines or send a message to the reporter."""
    intake = get_intake(session, intake_id)
    if intake is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, NOT_FOUND)
    changes = update_intake(session, intake, body, actor=staff.email)
    audit.record(
        session,
        staff=staff,
        action="update_intake",
        intake_id=intake_id,
        detail={"fields": sorted(changes)},
    )
    session.commit()
    return detail_of(intake, now=utcnow())
