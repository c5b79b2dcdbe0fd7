"""Storage limitation (AVG art. 5): anonymise intakes closed longer than the retention period.

What stays is what the figures need: category, ground, route, outcome, organisation, status and
dates. Free text, transcript, contact details, messages, notes and the receipt code go.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from api.clock import utcnow
from api.models import Intake, IntakeEvent, Message

REMOVED = "[geanonimiseerd]"


def due_for_retention(session: Session, *, days: int, now: datetime | None = None) -> list[Intake]:
    cutoff = (now or utcnow()) - timedelta(days=days)
    query = select(Intake).where(
        Intake.closed_at.is_not(None), Intake.closed_at < cutoff, Intake.anonymised_at.is_(None)
    )
    return list(session.scalars(query))


def anonymise(session: Session, intake: Intake, *, now: datetime | None = None) -> None:
    now = now or utcnow()
    intake.receipt_hash = None
    intake.summary = REMOVED
    intake.description = REMOVED
    for field in (
        "department",
        "occurred_period",
        "witnesses",
        "steps_taken",
        "notes",
        "contact_details",
    ):
        setattr(intake, field, None)
    intake.occurred_on = None
    intake.transcript = []
    intake.anonymised_at = now
    session.execute(update(Message).where(Message.intake_id == intake.id).values(text=None))
    session.execute(update(IntakeEvent).where(IntakeEvent.intake_id == intake.id).values(changes=None))
    session.add(IntakeEvent(intake_id=intake.id, at=now, actor="system", action="anonymised"))


def run_retention(session: Session, *, days: int, dry_run: bool = False) -> int:
    """Anonymise every intake past the period; returns how many."""
    intakes = due_for_retention(session, days=days)
    if not dry_run:
        for intake in intakes:
            anonymise(session, intake)
        session.commit()
    return len(intakes)
