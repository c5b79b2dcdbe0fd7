"""The list of intakes, with the API's filters, sorting and pagination (api.intakes.list_intakes)."""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select

from api import audit, refusals
from api.clock import utcnow
from api.db import SessionDep
from api.intakes import LIST_SORTS, IntakeFilter, list_intakes
from api.models import Intake
from api.schemas import IntakeSummary
from api.vocab import Category, Ground, Route, Status
from api.web.review_base import ReviewDep, ReviewRoute, render

PAGE_SIZE = 25
MAX_ORGANISATIONS = 1000
BAD_FILTER = "Een filter had een waarde die niet bestaat. Dat filter is niet gebruikt."
OVERDUE = {"true": True, "false": False}
CHOICES: dict[str, type[StrEnum]] = {"category": Category, "ground": Ground, "status": Status, "route": Route}

router = APIRouter(route_class=ReviewRoute)


@dataclass(frozen=True)
class Due:
    what: str
    at: datetime
    late: bool


@dataclass(frozen=True)
class Row:
    intake: IntakeSummary
    due: list[Due]
    opening: str = ""  # the first words of what happened, in the reporter's words

    @property
    def late(self) -> bool:
        return any(d.late for d in self.due)


@dataclass
class ListQuery:
    """The filter form as given: valid values only; `invalid` says whether any were dropped."""

    values: dict[str, str] = field(default_factory=dict)
    sort: str = "received_at"
    order: str = "desc"
    page: int = 1
    invalid: bool = False

    def flt(self) -> IntakeFilter:
        v = self.values
        return IntakeFilter(
            category=v.get("category"),
            ground=v.get("ground"),
            status=v.get("status"),
            organisation=v.get("organisation"),
            route=v.get("route"),
            overdue=OVERDUE.get(v.get("overdue", "")),
        )

    def url(self, page: int) -> str:
        query = {**self.values, "sort": self.sort, "order": self.order, "page": str(page)}
        return f"/review/?{urlencode(query)}"


def parse(request: Request) -> ListQuery:
    params = request.query_params
    q = ListQuery()
    for name, vocabulary in CHOICES.items():
        value = params.get(name) or ""
        if value in {member.value for member in vocabulary}:
            q.values[name] = value
        elif value:
            q.invalid = True
    organisation = (params.get("organisation") or "").strip()
    if organisation and (len(organisation) > 200 or "\x00" in organisation):
        q.invalid = True
    elif organisation:
        q.values["organisation"] = organisation
    overdue = params.get("overdue") or ""
    if overdue in OVERDUE:
        q.values["overdue"] = overdue
    elif overdue:
        q.invalid = True
    sort, order, page = params.get("sort"), params.get("order"), params.get("page") or "1"
    q.sort = sort if sort in LIST_SORTS else q.sort
    q.order = order if order in ("asc", "desc") else q.order
    q.page = int(page) if page.isascii() and page.isdigit() and 1 <= int(page) <= 100_000 else 1
    q.invalid = q.invalid or bool(sort and sort != q.sort) or bool(order and order != q.order)
    return q


def deadlines_due(intake: IntakeSummary, acknowledged: bool) -> list[Due]:
    """What is overdue, or else the next deadline; nothing for a closed intake."""
    if intake.status == Status.afgesloten:
        return []
    d = intake.deadlines
    pending = (
        [] if acknowledged else [Due("Ontvangstbevestiging", d.acknowledgement, d.acknowledgement_overdue)]
    )
    pending.append(Due("Afhandeling", d.decision, d.decision_overdue))
    late = [due for due in pending if due.late]
    return late or [min(pending, key=lambda due: due.at)]


def _acknowledged(db: SessionDep, ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """Which intakes of the page had their receipt acknowledged (the summary leaves this out)."""
    if not ids:
        return set()
    query = select(Intake.id).where(Intake.id.in_(ids), Intake.acknowledged_at.is_not(None))
    return set(db.scalars(query))


OPENING_CHARS = 90


def _openings(db: SessionDep, ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The first words of each listed intake's description, so rows can be told apart."""
    if not ids:
        return {}
    rows = db.execute(select(Intake.id, Intake.description).where(Intake.id.in_(ids)))
    openings = {}
    for intake_id, description in rows:
        text = " ".join(str(description or "").split())
        cut = text if len(text) <= OPENING_CHARS else text[:OPENING_CHARS].rsplit(" ", 1)[0] + " …"
        openings[intake_id] = cut
    return openings


def _organisations(db: SessionDep, chosen: str | None) -> list[str]:
    """The organisations named in stored intakes, once each whatever their case, for the filter."""
    names: dict[str, str] = {}
    for name in db.scalars(select(Intake.organisation).distinct().limit(MAX_ORGANISATIONS)):
        names.setdefault(name.lower(), name)
    if chosen:
        names.setdefault(chosen.lower(), chosen)
    return sorted(names.values(), key=str.lower)


@router.get("/")
def intake_list(request: Request, db: SessionDep, session: ReviewDep) -> Response:
    """The intakes, filtered and sorted; the read is audited like the API's listing."""
    q = parse(request)
    flt = q.flt()
    items, total = list_intakes(
        db, flt, page=q.page, page_size=PAGE_SIZE, sort=q.sort, descending=q.order == "desc"
    )
    acknowledged = _acknowledged(db, [item.id for item in items])
    openings = _openings(db, [item.id for item in items])
    rows = [
        Row(item, deadlines_due(item, item.id in acknowledged), openings.get(item.id, "")) for item in items
    ]
    organisations = _organisations(db, q.values.get("organisation"))
    filters = {k: str(v) for k, v in flt.__dict__.items() if v is not None}
    audit.record(db, staff=session.staff, action="list_intakes", detail={"filters": filters, "page": q.page})
    db.commit()
    pages = max(1, math.ceil(total / PAGE_SIZE))
    return render(
        request,
        "review/list.html",
        session=session,
        title="Intakes",
        current="intakes",
        q=q,
        rows=rows,
        total=total,
        pages=pages,
        previous_url=q.url(q.page - 1) if q.page > 1 else None,
        next_url=q.url(q.page + 1) if q.page < pages else None,
        notice=BAD_FILTER if q.invalid else None,
        refused=refusals.unseen_count(db),
        choices=CHOICES,
        organisations=organisations,
        sorts=list(LIST_SORTS),
        now=utcnow(),
    )
