"""Intakes the API refused (api/refusals.py), for staff: when, and which fields, never content."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

from api import audit
from api import refusals as store
from api.db import SessionDep
from api.security import StaffDep

router = APIRouter(prefix="/handover-refusals", tags=["intakes"])


class RefusalRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: datetime
    intake_id: uuid.UUID | None
    errors: list[dict[str, Any]]
    seen_at: datetime | None


@router.get("", responses={401: {"description": "Not authenticated"}})
def read_refusals(session: SessionDep, staff: StaffDep) -> list[RefusalRead]:
    """Intakes the assistant handed over and the API refused, newest first (at most 200)."""
    rows = [RefusalRead.model_validate(r) for r in store.list_refusals(session)]
    audit.record(session, staff=staff, action="read_refusals")
    session.commit()
    return rows
