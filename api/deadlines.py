"""Deadlines that follow from the law, computed from the time an intake was received.

- Acknowledgement of receipt within 7 days (Wet bescherming klokkenluiders, EU Directive 2019/1937).
- IC Rijk reports: feedback within 3 months.
- KCOO complaints: handling within 10 weeks where a committee advises, extendable once by 4 (Awb 9:11).
"""

from __future__ import annotations

import calendar
from datetime import datetime, timedelta

from api.models import Intake
from api.schemas import Deadlines
from api.vocab import Category, Committee, Status

ACKNOWLEDGEMENT = timedelta(days=7)
KCOO_HANDLING = timedelta(weeks=10)
KCOO_EXTENSION = timedelta(weeks=4)
IC_RIJK_FEEDBACK_MONTHS = 3


def add_months(moment: datetime, months: int) -> datetime:
    """Calendar months; the 31st becomes the last day of a shorter month."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def committee_for(*, category: str, routed_to: str | None) -> Committee:
    """The committee whose deadline applies: where staff routed it, else by category."""
    if routed_to in (Committee.kcoo, Committee.ic_rijk):
        return Committee(routed_to)
    return Committee.ic_rijk if category == Category.misstand else Committee.kcoo


def decision_due(*, received_at: datetime, committee: Committee, extended: bool) -> datetime:
    if committee == Committee.ic_rijk:
        return add_months(received_at, IC_RIJK_FEEDBACK_MONTHS)
    return received_at + KCOO_HANDLING + (KCOO_EXTENSION if extended else timedelta(0))


def apply_deadlines(intake: Intake) -> None:
    """(Re)compute the stored due dates, which the overdue filter uses."""
    committee = committee_for(category=intake.category, routed_to=intake.routed_to)
    intake.ack_due_at = intake.received_at + ACKNOWLEDGEMENT
    intake.decision_due_at = decision_due(
        received_at=intake.received_at, committee=committee, extended=bool(intake.deadline_extended)
    )


def deadlines_of(intake: Intake, *, now: datetime) -> Deadlines:
    open_ = intake.status != Status.afgesloten
    return Deadlines(
        acknowledgement=intake.ack_due_at,
        decision=intake.decision_due_at,
        committee=committee_for(category=intake.category, routed_to=intake.routed_to),
        acknowledgement_overdue=open_ and intake.acknowledged_at is None and now > intake.ack_due_at,
        decision_overdue=open_ and now > intake.decision_due_at,
    )
