"""Figures per period: the counts behind the KCOO half-year table and the annual reports.

Exports that leave the Meldpunt suppress small cells, so that no one can be singled out.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from api.clock import utcnow
from api.intakes import IntakeFilter, ack_late_clause, decision_late_clause, filtered
from api.models import Intake
from api.organisations import known_organisation
from api.vocab import Category, Committee
from api.web import review_labels

PERIOD_FORMAT = "use YYYY, YYYY-H1/H2, YYYY-Q1..Q4 or YYYY-MM"
# ASCII digits only; with the range checks below, PERIOD_PATTERN (which leaves out the padding
# that parse_period strips) describes it for the spec.
_PERIOD = re.compile(r"([0-9]{4})(?:-(H[12]|Q[1-4]|[0-9]{2}))?")
# What parse_period accepts, for the OpenAPI spec: years 1900-9998, H1-H2, Q1-Q4 or months 01-12.
PERIOD_PATTERN = (
    r"^(19[0-9]{2}|[2-8][0-9]{3}|9[0-8][0-9]{2}|99[0-8][0-9])"
    r"(-([Hh][12]|[Qq][1-4]|0[1-9]|1[0-2]))?$"
)

DIMENSIONS: dict[str, Any] = {
    "category": Intake.category,
    "ground": Intake.discrimination_ground,
    "route": Intake.desired_route,
    "outcome": Intake.outcome,
    "status": Intake.status,
    "organisation": Intake.organisation,
}
# The dimensions in the order the figures query groups them; category and ground come first.
GROUPED = ("category", "ground", "route", "outcome", "status", "organisation")


def committee_expr() -> ColumnElement[str]:
    """Where staff routed it (a vertrouwenspersoon too), else the committee its category goes to.

    Unlike the deadlines, which always follow KCOO or IC Rijk, the figures count an intake routed
    elsewhere under that route, so the KCOO table holds only what went to the KCOO.
    """
    return case(
        (Intake.routed_to.is_not(None), Intake.routed_to),
        (Intake.category == Category.misstand.value, Committee.ic_rijk.value),
        else_=Committee.kcoo.value,
    )


def parse_period(text: str) -> tuple[date, date]:
    """'2025-H2' -> (2025-07-01, 2025-12-31); inclusive bounds."""
    match = _PERIOD.fullmatch(text.strip().upper())
    if not match:
        raise ValueError(PERIOD_FORMAT)
    year, part = int(match[1]), match[2]
    if part is None:
        first, months = 1, 12
    elif part.startswith("H"):
        first, months = (1 if part == "H1" else 7), 6
    elif part.startswith("Q"):
        first, months = 3 * (int(part[1]) - 1) + 1, 3
    else:
        first, months = int(part), 1
        if not 1 <= first <= 12:
            raise ValueError(PERIOD_FORMAT)
    if not 1900 <= year <= 9998:
        raise ValueError(PERIOD_FORMAT)
    start = date(year, first, 1)
    end_month = first + months
    end = date(year + (end_month > 12), (end_month - 1) % 12 + 1, 1) - timedelta(days=1)
    return start, end


class Cell(BaseModel):
    key: str | None
    ground: str | None = None
    count: int | None
    suppressed: bool = False


class Figures(BaseModel):
    received_from: date | None
    received_to: date | None
    committee: Committee | None
    organisation: str | None
    total: int | None
    by_category: list[Cell]
    by_category_ground: list[Cell]
    by_ground: list[Cell]
    by_route: list[Cell]
    by_outcome: list[Cell]
    by_status: list[Cell]
    by_organisation: list[Cell]
    overdue_acknowledgement: int | None
    overdue_decision: int | None
    export: bool
    min_cell: int


@dataclass(frozen=True)
class StatsQuery:
    received_from: date | None
    received_to: date | None
    committee: Committee | None
    organisation: str | None
    export: bool
    min_cell: int


def figures(session: Session, q: StatsQuery) -> Figures:
    """Every count of the period from one query.

    The rows are grouped by all dimensions at once (a few thousand groups at most, bounded by the
    vocabularies and the organisations) and added up per dimension here: one pass over the period's
    intakes instead of one per dimension, with the same counts.
    """
    now = utcnow()
    flt = IntakeFilter(organisation=q.organisation, received_from=q.received_from, received_to=q.received_to)

    def cell(key: str | None, count: int, ground: str | None = None) -> Cell:
        if q.export and 0 < count < q.min_cell:
            return Cell(key=key, ground=ground, count=None, suppressed=True)
        return Cell(key=key, ground=ground, count=count)

    def _small(count: int) -> int | None:
        return cell(None, count).count

    columns = [DIMENSIONS[name] for name in GROUPED]
    query: Any = select(
        *columns,
        func.count(),  # not count(id): the figures index below holds every column but the id
        func.sum(case((ack_late_clause(now), 1), else_=0)),
        func.sum(case((decision_late_clause(now), 1), else_=0)),
    ).group_by(*columns)
    query = filtered(query, flt, now=now)
    if q.committee:
        query = query.where(committee_expr() == q.committee.value)

    counts: dict[str, Counter[str | None]] = {name: Counter() for name in GROUPED}
    pairs: Counter[tuple[str, str | None]] = Counter()
    total = late_ack = late_decision = 0
    for row in session.execute(query):
        keys: tuple[Any, ...] = tuple(row[: len(GROUPED)])
        n, ack, decision = (int(value or 0) for value in tuple(row)[len(GROUPED) :])
        for name, key in zip(GROUPED, keys, strict=True):
            counts[name][key] += n
        pairs[(keys[0], keys[1])] += n
        total += n
        late_ack += ack
        late_decision += decision

    if q.export:
        # Figures that leave the Meldpunt name organisations from the closed list only: what a
        # reporter typed as organisation is free text and never leaves (api/organisations.py).
        closed: Counter[str | None] = Counter()
        for typed, n in counts["organisation"].items():
            closed[known_organisation(typed)] += n
        counts["organisation"] = closed

    def grouped(name: str) -> list[Cell]:
        return sorted((cell(k, n) for k, n in counts[name].items()), key=_key_order)

    return Figures(
        received_from=q.received_from,
        received_to=q.received_to,
        committee=q.committee,
        organisation=q.organisation,
        total=_small(total),
        by_category=grouped("category"),
        by_category_ground=[
            cell(c, n, g)
            for (c, g), n in sorted(pairs.items(), key=lambda p: (p[0][0], p[0][1] is None, p[0][1] or ""))
        ],
        by_ground=[c for c in grouped("ground") if c.key is not None],
        by_route=grouped("route"),
        by_outcome=grouped("outcome"),
        by_status=grouped("status"),
        by_organisation=grouped("organisation"),
        overdue_acknowledgement=_small(late_ack),
        overdue_decision=_small(late_decision),
        export=q.export,
        min_cell=q.min_cell,
    )


def _key_order(c: Cell) -> tuple[bool, str]:
    return (c.key is None, c.key or "")


# The CSV's dimensions and values in the words of the review pages (api/web/review_labels.py).
CSV_DIMENSIONS = {
    "category": ("categorie", "category"),
    "category_ground": ("categorie en grond", "category"),
    "ground": ("discriminatiegrond", "ground"),
    "route": ("gewenste route", "route"),
    "outcome": ("uitkomst", "outcome"),
    "status": ("status", "status"),
    "organisation": ("organisatie", None),
}


def to_csv(fig: Figures) -> str:
    """One row per cell: dimension, value, ground, count ('<N' where suppressed), in Dutch words."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["dimensie", "waarde", "grond", "aantal"])

    def shown(count: int | None) -> str:
        return f"<{fig.min_cell}" if count is None else str(count)

    def word(value: str | None, vocabulary: str | None) -> str:
        if value is None:
            return "niet ingevuld" if vocabulary == "outcome" else ""
        return review_labels.label(value, vocabulary) if vocabulary else spreadsheet_safe(value)

    writer.writerow(["totaal", "", "", shown(fig.total)])
    for name, (dimension, vocabulary) in CSV_DIMENSIONS.items():
        for c in getattr(fig, f"by_{name}"):
            ground = word(c.ground, "ground") if c.ground else ""
            writer.writerow([dimension, word(c.key, vocabulary), ground, shown(c.count)])
    writer.writerow(["te laat: ontvangstbevestiging", "", "", shown(fig.overdue_acknowledgement)])
    writer.writerow(["te laat: afhandeling", "", "", shown(fig.overdue_decision)])
    return out.getvalue()


def spreadsheet_safe(text: str) -> str:
    """Text a spreadsheet would read as a formula (= + - @ at the start) is kept as text."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
