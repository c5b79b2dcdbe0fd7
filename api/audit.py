"""The audit trail: every staff read of an intake and every change, by whom and when."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.intakes import start_of
from api.models import AuditEntry
from api.security import CurrentStaff


def record(
    session: Session,
    *,
    staff: CurrentStaff,
    action: str,
    intake_id: uuid.UUID | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Add an entry to the session; it is committed with the work it records."""
    session.add(
        AuditEntry(
            staff_id=staff.id,
            staff_email=staff.email,
            action=action,
            intake_id=intake_id,
            detail=detail,
        )
    )


@dataclass(frozen=True)
class AuditFilter:
    staff_email: str | None = None
    action: str | None = None
    intake_id: uuid.UUID | None = None
    since: date | None = None  # inclusive: from the start of that day (UTC)


def list_entries(
    session: Session, flt: AuditFilter, *, page: int, page_size: int
) -> tuple[list[AuditEntry], int]:
    """One page of the trail, newest first, and how many entries match in all."""
    query = select(AuditEntry)
    if flt.staff_email:
        query = query.where(AuditEntry.staff_email == flt.staff_email.strip().lower())
    if flt.action:
        query = query.where(AuditEntry.action == flt.action)
    if flt.intake_id:
        query = query.where(AuditEntry.intake_id == flt.intake_id)
    if flt.since:
        query = query.where(AuditEntry.at >= start_of(flt.since))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(AuditEntry.id.desc()).offset((page - 1) * page_size).limit(page_size)
    ).all()
    return list(rows), total
