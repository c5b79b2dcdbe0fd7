from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select

from api import audit
from api.db import SessionDep
from api.intakes import start_of
from api.models import AuditEntry
from api.schemas import NUL_FREE, IsoDate
from api.security import AdminDep

router = APIRouter(prefix="/audit", tags=["audit"])


class AuditRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: datetime
    staff_id: int | None
    staff_email: str
    action: str
    intake_id: uuid.UUID | None
    detail: dict[str, Any] | None


class AuditPage(BaseModel):
    items: list[AuditRead]
    total: int
    page: int
    page_size: int


@router.get("", responses={401: {"description": "Not authenticated"}, 403: {"description": "Admins only"}})
def read_audit(
    session: SessionDep,
    admin: AdminDep,
    staff_email: Annotated[str | None, Query(max_length=254, pattern=NUL_FREE)] = None,
    action: Annotated[str | None, Query(max_length=32, pattern=NUL_FREE)] = None,
    intake_id: uuid.UUID | None = None,
    since: IsoDate | None = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> AuditPage:
    """The audit trail (admins): who read or changed which intake, and when. Newest first."""
    query = select(AuditEntry)
    if staff_email:
        query = query.where(AuditEntry.staff_email == staff_email.strip().lower())
    if action:
        query = query.where(AuditEntry.action == action)
    if intake_id:
        query = query.where(AuditEntry.intake_id == intake_id)
    if since:
        query = query.where(AuditEntry.at >= start_of(since))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(AuditEntry.id.desc()).offset((page - 1) * page_size).limit(page_size)
    ).all()
    result = AuditPage(
        items=[AuditRead.model_validate(r) for r in rows],
        total=total,
        page=page,
        page_size=page_size,
    )
    audit.record(session, staff=admin, action="read_audit")
    session.commit()
    return result
