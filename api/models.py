"""Tables. Free text, transcripts and contact details are encrypted at rest (see crypto.py)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Uuid, false, func
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from api.clock import utcnow
from api.crypto import EncryptedJSON, EncryptedText
from api.db import Base


class UTCDateTime(TypeDecorator[datetime]):
    """Always UTC and timezone-aware, also on SQLite, which drops the offset."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Staff(Base):
    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Intake(Base):
    __tablename__ = "intakes"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    receipt_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)  # indexed first in ix_intakes_figures
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    language: Mapped[str] = mapped_column(String(2))
    channel: Mapped[str] = mapped_column(String(16))
    reporter_role: Mapped[str] = mapped_column(String(16))
    speaking_as: Mapped[str | None] = mapped_column(String(24))
    other_party: Mapped[str | None] = mapped_column(String(24))
    organisation: Mapped[str] = mapped_column(String(200), index=True)
    under_kcoo: Mapped[bool | None] = mapped_column(Boolean)
    department: Mapped[str | None] = mapped_column(EncryptedText)
    category: Mapped[str] = mapped_column(String(32))  # indexed in ix_intakes_category_received
    discrimination_ground: Mapped[str | None] = mapped_column(String(32), index=True)
    summary: Mapped[str] = mapped_column(EncryptedText)
    description: Mapped[str] = mapped_column(EncryptedText)
    occurred_on: Mapped[date | None] = mapped_column(Date)
    occurred_period: Mapped[str | None] = mapped_column(EncryptedText)
    ongoing: Mapped[bool | None] = mapped_column(Boolean)
    involved_relations: Mapped[list[str]] = mapped_column(JSON, default=list)
    witnesses: Mapped[str | None] = mapped_column(EncryptedText)
    steps_taken: Mapped[str | None] = mapped_column(EncryptedText)
    desired_route: Mapped[str] = mapped_column(String(32), index=True)
    contact_preference: Mapped[str] = mapped_column(String(16))
    contact_details: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON)
    consent: Mapped[bool] = mapped_column(Boolean)
    transcript: Mapped[list[dict[str, Any]]] = mapped_column(EncryptedJSON)

    status: Mapped[str] = mapped_column(String(20), index=True, default="nieuw")
    routed_to: Mapped[str | None] = mapped_column(String(20), index=True)
    outcome: Mapped[str | None] = mapped_column(String(32), index=True)
    notes: Mapped[str | None] = mapped_column(EncryptedText)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deadline_extended: Mapped[bool] = mapped_column(Boolean, default=False)
    ack_due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    decision_due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The reporter added a message that no staff member has opened yet (cleared when the intake is read).
    unread_from_reporter: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    messages: Mapped[list[Message]] = relationship(
        back_populates="intake", order_by="Message.id", cascade="all, delete-orphan"
    )
    events: Mapped[list[IntakeEvent]] = relationship(
        back_populates="intake", order_by="IntakeEvent.id", cascade="all, delete-orphan"
    )


# Listing: the overdue filter and its sort key read from the index alone (not from the rows, whose
# encrypted columns come first); a category newest first. See migration 0002.
Index(
    "ix_intakes_status_deadlines",
    Intake.status,
    Intake.received_at,
    Intake.acknowledged_at,
    Intake.ack_due_at,
    Intake.decision_due_at,
    Intake.id,
)
Index("ix_intakes_category_received", Intake.category, Intake.received_at)
# Figures: every column they count, after the received time that bounds a period.
Index(
    "ix_intakes_figures",
    Intake.received_at,
    Intake.category,
    Intake.discrimination_ground,
    Intake.desired_route,
    Intake.outcome,
    Intake.status,
    Intake.organisation,
    Intake.routed_to,
    Intake.acknowledged_at,
    Intake.ack_due_at,
    Intake.decision_due_at,
)
Index("ix_intakes_organisation_lower", func.lower(Intake.organisation))


class Message(Base):
    """A message between the Meldpunt and the reporter, read through the receipt code."""

    __tablename__ = "intake_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    intake_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("intakes.id", ondelete="CASCADE"), index=True)
    author: Mapped[str] = mapped_column(String(16))
    text: Mapped[str | None] = mapped_column(EncryptedText)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    intake: Mapped[Intake] = relationship(back_populates="messages")


class IntakeEvent(Base):
    """One change to an intake: the history staff see on the intake."""

    __tablename__ = "intake_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    intake_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("intakes.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(32))
    # {field: [old, new]}; encrypted because notes and messages can hold personal details.
    changes: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON)

    intake: Mapped[Intake] = relationship(back_populates="events")


class AuditEntry(Base):
    """Append-only: database triggers refuse UPDATE and DELETE (see the first migration)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    staff_id: Mapped[int | None] = mapped_column(Integer)
    staff_email: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(32), index=True)
    # No foreign key: the trail outlives intakes removed by retention.
    intake_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class StaffSession(Base):
    """A login to the review pages. Only a hash of the cookie's token is kept, so a copy of the
    table cannot be used to take over a session."""

    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    # A message for the next page (Post/Redirect/Get): "saved", shown once.
    flash: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class HandoverRefusal(Base):
    """An intake the API refused (422): which fields and why, never what was in them.

    The person was told their report did not arrive and got no code; staff see that it happened on
    the review pages, so a fault in the handover is noticed the day it happens.
    """

    __tablename__ = "handover_refusals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # The id the sender gave, when it could be read: the same refusal twice is one row.
    intake_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, unique=True)
    # [{"loc": [...], "type": "..."}]: field names and error kinds only.
    errors: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
