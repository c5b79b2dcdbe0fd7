"""The audit trail: every staff read of an intake and every change, by whom and when."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

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
