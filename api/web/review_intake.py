"""One intake: its fields, the conversation, messages and history, and the form that changes it.

Reading and changing go through the same functions as GET and PATCH /api/v1/intakes/{id}
(api.intakes.detail_of and update_intake) and are audited the same way.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from api import audit
from api.clock import utcnow
from api.db import SessionDep
from api.intakes import detail_of, get_intake, update_intake
from api.models import Intake
from api.vocab import Committee, Outcome, Status
from api.web.review_base import INTAKE_NOT_FOUND, CheckedDep, ErrorPage, ReviewDep, ReviewRoute, render
from api.web.review_intake_form import (
    CONFLICT,
    MESSAGE_SENT,
    SAVED,
    UNCHANGED,
    FormValues,
    errors_of,
    merge,
    parse_version,
    values_at,
)
from api.web.review_labels import local
from api.web.sessions import ReviewSession, set_flash

router = APIRouter(route_class=ReviewRoute)
FormText = Annotated[str | None, Form()]


def _intake_id(text: str, session: ReviewSession) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        raise ErrorPage(404, INTAKE_NOT_FOUND, session) from None


def _load(db: Session, intake_id: uuid.UUID, session: ReviewSession) -> Intake:
    intake = get_intake(db, intake_id)
    if intake is None:
        raise ErrorPage(404, INTAKE_NOT_FOUND, session)
    return intake


def _page(
    request: Request,
    db: Session,
    session: ReviewSession,
    intake: Intake,
    *,
    form: FormValues,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    flash: str | None = None,
    others: list[object] | None = None,
    both_changed: list[str] | None = None,
) -> Response:
    """The intake page; showing it is a read of the intake, audited like the API's GET."""
    detail = detail_of(intake, now=utcnow())
    version = intake.updated_at.isoformat()
    intake.unread_from_reporter = False  # opened: the reporter's message is seen
    audit.record(db, staff=session.staff, action="read_intake", intake_id=intake.id)
    db.commit()
    return render(
        request,
        "review/intake.html",
        session=session,
        status_code=status_code,
        flash=flash,
        title=f"Intake van {local(detail.received_at):%d-%m-%Y}",
        intake=detail,
        version=version,
        form=form,
        errors=errors or {},
        others=others or [],
        both_changed=both_changed or [],
        statuses=list(Status),
        committees=list(Committee),
        outcomes=list(Outcome),
    )


@router.get("/intakes/{intake_id}")
def intake_page(request: Request, db: SessionDep, session: ReviewDep, intake_id: str) -> Response:
    """One intake with its conversation, messages and history; the read is audited."""
    intake = _load(db, _intake_id(intake_id, session), session)
    return _page(request, db, session, intake, form=FormValues.of(intake))


@router.post("/intakes/{intake_id}")
def change_intake(
    request: Request,
    db: SessionDep,
    session: CheckedDep,
    intake_id: str,
    version: FormText = None,
    status: FormText = None,
    routed_to: FormText = None,
    outcome: FormText = None,
    notes: FormText = None,
    acknowledged: FormText = None,
    deadline_extended: FormText = None,
    message_to_reporter: FormText = None,
) -> Response:
    """Change the intake as PATCH /api/v1/intakes/{id} does, unless it changed since the form was shown."""
    key = _intake_id(intake_id, session)
    # Lock the row until the commit (PostgreSQL; SQLite's write transaction already holds the file),
    # so no other change slips in between the version check and the update.
    stored = db.scalar(select(Intake.updated_at).where(Intake.id == key).with_for_update())
    if stored is None:
        raise ErrorPage(404, INTAKE_NOT_FOUND, session)
    mine = FormValues.from_form(
        {
            "status": status,
            "routed_to": routed_to,
            "outcome": outcome,
            "notes": notes,
            "acknowledged": acknowledged,
            "deadline_extended": deadline_extended,
            "message_to_reporter": message_to_reporter,
        }
    )
    intake = _load(db, key, session)
    try:
        change = mine.update()
    except ValidationError as exc:
        return _page(request, db, session, intake, form=mine, status_code=422, errors=errors_of(exc))
    seen_at = parse_version(version)
    if seen_at != stored:
        later = [event for event in intake.events if seen_at is None or event.at > seen_at]
        current = FormValues.of(intake)
        merged = merge(mine, values_at(current, later), current)
        return _page(
            request,
            db,
            session,
            intake,
            form=merged.values,
            status_code=409,
            flash=CONFLICT,
            others=list(later),
            both_changed=merged.both_changed,
        )
    changes = update_intake(db, intake, change, actor=session.staff.email)
    audit.record(
        db, staff=session.staff, action="update_intake", intake_id=key, detail={"fields": sorted(changes)}
    )
    set_flash(session, MESSAGE_SENT if "message_to_reporter" in changes else SAVED if changes else UNCHANGED)
    db.commit()
    return RedirectResponse(f"/review/intakes/{key}", status_code=303)
