"""Storing, listing and changing intakes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, and_, func, insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, defer, make_transient_to_detached, selectinload

from api.clock import utcnow
from api.crypto import receipt_hash
from api.deadlines import apply_deadlines, deadlines_of
from api.models import Intake, IntakeEvent, Message
from api.organisations import falls_under_kcoo
from api.schemas import IntakeCreate, IntakeDetail, IntakeSummary, IntakeUpdate
from api.vocab import MessageAuthor, Status

RECEIPT_CONFLICT = "an intake with this id exists with another receipt code"
RECEIPT_IN_USE = "this receipt code is already in use; generate a new one"

LIST_SORTS = {
    "received_at": Intake.received_at,
    "decision_due_at": Intake.decision_due_at,
    "ack_due_at": Intake.ack_due_at,
    "category": Intake.category,
    "status": Intake.status,
    "organisation": Intake.organisation,
}


class Conflict(Exception):
    pass


INTAKE_COLUMNS = tuple(column.key for column in Intake.__table__.columns)
# Columns that only staff and retention fill in: explicitly empty, so the stored object has no gaps.
NOT_SET_ON_RECEIPT: dict[str, Any] = dict.fromkeys(
    ("routed_to", "outcome", "notes", "acknowledged_at", "closed_at", "anonymised_at")
)
INSERT_INTAKE = insert(Intake.__table__)  # type: ignore[arg-type]
INSERT_EVENT = insert(IntakeEvent.__table__)  # type: ignore[arg-type]


def create_intake(session: Session, data: IntakeCreate) -> tuple[Intake, bool]:
    """Store a new intake; the same id again returns the stored one (created=False).

    The returned intake belongs to the session, as if it had been loaded.

    A new id is the common case, so the rows go straight in: no SELECT first. A retry with the same
    id, or a receipt code already taken, fails on the primary key or the unique receipt hash; only
    then is the stored intake read. The two rows are written with plain INSERTs rather than through
    the ORM's unit of work, which only sorts and bookkeeps here.
    """
    code_hash = receipt_hash(data.receipt_code)
    now = utcnow()
    fields = data.model_dump(exclude={"receipt_code", "contact_details", "transcript"})
    intake = Intake(
        **fields,
        receipt_hash=code_hash,
        received_at=now,
        updated_at=now,
        status=Status.nieuw,
        deadline_extended=False,
        unread_from_reporter=False,
        contact_details=(
            data.contact_details.model_dump(exclude_none=True) if data.contact_details else None
        ),
        transcript=data.model_dump(mode="json", include={"transcript"})["transcript"],
        **NOT_SET_ON_RECEIPT,
    )
    if intake.under_kcoo is None:
        intake.under_kcoo = falls_under_kcoo(data.organisation)
    apply_deadlines(intake)
    row = {name: getattr(intake, name) for name in INTAKE_COLUMNS}
    received = dict(intake_id=intake.id, at=now, actor="assistant", action="received", changes=None)
    try:
        session.execute(INSERT_INTAKE, row)
        session.execute(INSERT_EVENT, received)
        # What was written is what the object holds: the session takes it as if it had loaded it.
        make_transient_to_detached(intake)
        session.add(intake)
        session.commit()
    except IntegrityError:
        # A retry with this id (perhaps a concurrent one that won the race), or the receipt code is taken.
        session.rollback()
        if intake in session:
            session.expunge(intake)
        existing = session.get(Intake, data.id)
        if existing is None:
            raise Conflict(RECEIPT_IN_USE) from None
        return _same_or_conflict(existing, code_hash), False
    return intake, True


def _same_or_conflict(existing: Intake, code_hash: str) -> Intake:
    if existing.receipt_hash != code_hash:
        raise Conflict(RECEIPT_CONFLICT)
    return existing


@dataclass(frozen=True)
class IntakeFilter:
    category: str | None = None
    ground: str | None = None
    status: str | None = None
    organisation: str | None = None
    route: str | None = None
    routed_to: str | None = None
    overdue: bool | None = None
    received_from: date | None = None
    received_to: date | None = None


def start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


# "Not closed" as an IN list rather than `!= afgesloten`, so the database can use the status index.
OPEN_STATUSES = [s.value for s in Status if s != Status.afgesloten]
# Encrypted fields a listing does not show: not loading them saves a decryption per field and row.
NOT_LISTED = (
    Intake.department,
    Intake.description,
    Intake.occurred_period,
    Intake.witnesses,
    Intake.steps_taken,
    Intake.contact_details,
    Intake.transcript,
    Intake.notes,
)


def ack_late_clause(now: datetime) -> Any:
    return and_(
        Intake.status.in_(OPEN_STATUSES),
        Intake.acknowledged_at.is_(None),
        Intake.ack_due_at < now,
    )


def decision_late_clause(now: datetime) -> Any:
    return and_(Intake.status.in_(OPEN_STATUSES), Intake.decision_due_at < now)


def overdue_clause(now: datetime) -> Any:
    """The same definition as the overdue flags of deadlines.deadlines_of, in SQL.

    The open-status test stands once, outside the OR, so the status index is searched once.
    """
    ack_late = and_(Intake.acknowledged_at.is_(None), Intake.ack_due_at < now)
    return and_(Intake.status.in_(OPEN_STATUSES), or_(ack_late, Intake.decision_due_at < now))


def filtered(query: Select[Any], flt: IntakeFilter, *, now: datetime) -> Select[Any]:
    equal = {
        Intake.category: flt.category,
        Intake.discrimination_ground: flt.ground,
        Intake.status: flt.status,
        Intake.desired_route: flt.route,
        Intake.routed_to: flt.routed_to,
    }
    for column, value in equal.items():
        if value is not None:
            query = query.where(column == value)
    if flt.organisation:
        query = query.where(func.lower(Intake.organisation) == flt.organisation.strip().lower())
    if flt.overdue is True:
        query = query.where(overdue_clause(now))
    elif flt.overdue is False:
        query = query.where(~overdue_clause(now))
    if flt.received_from:
        query = query.where(Intake.received_at >= start_of(flt.received_from))
    if flt.received_to:  # inclusive: the whole last day counts
        query = query.where(Intake.received_at < start_of(flt.received_to) + timedelta(days=1))
    return query


def list_intakes(
    session: Session, flt: IntakeFilter, *, page: int, page_size: int, sort: str, descending: bool
) -> tuple[list[IntakeSummary], int]:
    now = utcnow()
    total = session.scalar(filtered(select(func.count()).select_from(Intake), flt, now=now)) or 0
    order = LIST_SORTS[sort]
    ordering = (order.desc() if descending else order.asc(), Intake.id)
    # The page's ids first, then only those rows. Filtering and sorting need a few short columns;
    # reading whole rows for that (on SQLite the encrypted text and transcript come before the
    # deadline columns in each row) costs a read of every matching row, not just the page's.
    page_ids = (
        filtered(select(Intake.id), flt, now=now)
        .order_by(*ordering)
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    query = (
        select(Intake)
        .where(Intake.id.in_(page_ids))
        .options(*(defer(column) for column in NOT_LISTED))
        .order_by(*ordering)
    )
    rows = session.scalars(query).all()
    return [summary_of(row, now=now) for row in rows], total


def summary_of(intake: Intake, *, now: datetime) -> IntakeSummary:
    return IntakeSummary.model_validate(
        {**_columns(intake, IntakeSummary), "deadlines": deadlines_of(intake, now=now)}
    )


def detail_of(intake: Intake, *, now: datetime) -> IntakeDetail:
    return IntakeDetail.model_validate(
        {
            **_columns(intake, IntakeDetail),
            "deadlines": deadlines_of(intake, now=now),
            "messages": intake.messages,
            "history": intake.events,
        }
    )


def _columns(intake: Intake, schema: type[IntakeSummary]) -> dict[str, Any]:
    names = set(schema.model_fields) - {"deadlines", "messages", "history"}
    return {name: getattr(intake, name) for name in names}


def get_intake(session: Session, intake_id: uuid.UUID) -> Intake | None:
    query = (
        select(Intake)
        .where(Intake.id == intake_id)
        .options(selectinload(Intake.messages), selectinload(Intake.events))
    )
    return session.scalar(query)


def update_intake(session: Session, intake: Intake, change: IntakeUpdate, *, actor: str) -> dict[str, Any]:
    """Apply staff changes; returns {field: [old, new]} as kept in the history."""
    now = utcnow()
    changes: dict[str, Any] = {}
    given = change.model_dump(exclude_unset=True)
    for name in ("status", "routed_to", "outcome", "notes", "deadline_extended"):
        if name in given and getattr(intake, name) != given[name]:
            changes[name] = [getattr(intake, name), given[name]]
            setattr(intake, name, given[name])
    acknowledge = (
        given.get("acknowledged") is True
        or ("status" in changes and intake.status != Status.nieuw)
        or bool(given.get("message_to_reporter"))
    )
    if given.get("acknowledged") is False and intake.acknowledged_at is not None:
        changes["acknowledged_at"] = [intake.acknowledged_at.isoformat(), None]
        intake.acknowledged_at = None
    elif acknowledge and intake.acknowledged_at is None:
        changes["acknowledged_at"] = [None, now.isoformat()]
        intake.acknowledged_at = now
    if "status" in changes:
        intake.closed_at = now if intake.status == Status.afgesloten else None
    if given.get("message_to_reporter"):
        intake.messages.append(
            Message(author=MessageAuthor.staff, text=given["message_to_reporter"], created_at=now)
        )
        changes["message_to_reporter"] = [None, given["message_to_reporter"]]
    if changes:
        apply_deadlines(intake)
        intake.updated_at = now
        intake.events.append(IntakeEvent(at=now, actor=actor, action="updated", changes=changes))
    return changes
