from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict

from api import audit
from api.db import SessionDep
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
    flt = audit.AuditFilter(staff_email=staff_email, action=action, intake_id=intake_id, since=since)
    rows, total = audit.list_entries(session, flt, page=page, page_size=page_size)
    result = AuditPage(
        items=[AuditRead.model_validate(r) for r in rows],
        total=total,
        page=page,
        page_size=page_size,
    )
    audit.record(session, staff=admin, action="read_audit")
    session.commit()
    return result
