"""Intakes the API refused: recorded so staff see that a handover failed, without its content.

The assistant checks an intake against the same contract before it shows the summary, so a refusal
means a fault (a version mismatch, a bug). The person is told their report did not arrive and gets
no code; this record is how the Meldpunt learns of it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.clock import utcnow
from api.models import HandoverRefusal

MAX_ERRORS = 50


def intake_id_of(body: Any) -> uuid.UUID | None:
    """The sender's intake id, when the body (parsed JSON, or raw bytes) holds a valid `id`."""
    try:
        data = json.loads(body) if isinstance(body, bytes | str) else body
        return uuid.UUID(str(data["id"])) if isinstance(data, dict) and "id" in data else None
    except (ValueError, TypeError, KeyError):
        return None


def safe_errors(errors: Sequence[Any]) -> list[dict[str, Any]]:
    """Where and what kind: the location and pydantic's error type, never the input or message."""
    return [
        {"loc": [str(part) for part in e.get("loc", ())][:6], "type": str(e.get("type", ""))[:64]}
        for e in list(errors)[:MAX_ERRORS]
    ]


def record_refusal(session: Session, intake_id: uuid.UUID | None, errors: Sequence[Any]) -> None:
    """Keep one row per refused intake (a retry with the same id is not a second refusal)."""
    if intake_id is not None and session.scalar(
        select(HandoverRefusal.id).where(HandoverRefusal.intake_id == intake_id)
    ):
        return
    session.add(HandoverRefusal(intake_id=intake_id, errors=safe_errors(errors), at=utcnow()))
    try:
        session.commit()
    except IntegrityError:  # the same id from a concurrent retry
        session.rollback()


def list_refusals(session: Session, limit: int = 200) -> list[HandoverRefusal]:
    return list(session.scalars(select(HandoverRefusal).order_by(HandoverRefusal.at.desc()).limit(limit)))


def unseen_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).where(HandoverRefusal.seen_at.is_(None))) or 0)


def mark_seen(session: Session) -> None:
    session.execute(update(HandoverRefusal).where(HandoverRefusal.seen_at.is_(None)).values(seen_at=utcnow()))
