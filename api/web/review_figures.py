"""The figures page: counts of a period by subject and ground (api.stats.figures), chart and CSV."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api import audit
from api.clock import utcnow
from api.config import get_settings
from api.db import SessionDep
from api.stats import Figures, StatsQuery, figures, parse_period, to_csv
from api.vocab import Committee
from api.web import review_letter
from api.web.review_base import ErrorPage, ReviewDep, ReviewRoute, render
from api.web.review_labels import MONTHS
from api.web.sessions import ReviewSession

BAD_PERIOD = "Deze periode bestaat niet. Kies een periode uit de lijst. Je ziet nu het huidige halfjaar."
BAD_CSV = "Deze cijfers bestaan niet: de periode of de commissie in het adres klopt niet."
BAD_COMMITTEE = "Deze commissie bestaat niet. Je ziet nu de cijfers van alle commissies samen."
FIRST_YEAR = 2025  # the Meldpunt opened in the middle of 2025
QUARTERS = ("eerste", "tweede", "derde", "vierde")

router = APIRouter(route_class=ReviewRoute)


@dataclass(frozen=True)
class Choice:
    period: str
    committee: Committee | None
    start: date
    end: date
    errors: tuple[str, ...]


def current_half_year(today: date) -> str:
    return f"{today.year}-H{1 if today.month <= 6 else 2}"


def period_options(selected_year: int, today: date) -> list[tuple[int, list[tuple[str, str]]]]:
    """Per year, newest first: the year, its halves, quarters and months, as (value, label)."""
    years = range(max(today.year, selected_year), min(FIRST_YEAR, selected_year) - 1, -1)
    result = []
    for year in years:
        options = [(f"{year}", f"{year}, heel het jaar")]
        options += [(f"{year}-H1", f"{year}, eerste halfjaar")]
        options += [(f"{year}-H2", f"{year}, tweede halfjaar")]
        options += [(f"{year}-Q{q}", f"{year}, {QUARTERS[q - 1]} kwartaal") for q in range(1, 5)]
        options += [(f"{year}-{m:02d}", f"{MONTHS[m - 1]} {year}") for m in range(1, 13)]
        result.append((year, options))
    return result


def choose(period: str | None, committee: str | None) -> Choice:
    """The period and committee asked for; a value that does not exist falls back, with a message."""
    errors: list[str] = []
    text = (period or "").strip().upper() or current_half_year(utcnow().date())
    try:
        start, end = parse_period(text)
    except ValueError:
        errors.append(BAD_PERIOD)
        text = current_half_year(utcnow().date())
        start, end = parse_period(text)
    chosen = None
    if committee:
        if committee in {c.value for c in Committee}:
            chosen = Committee(committee)
        else:
            errors.append(BAD_COMMITTEE)
    return Choice(text, chosen, start, end, tuple(errors))


def _figures(db: SessionDep, session: ReviewSession, choice: Choice, *, export: bool, format: str) -> Figures:
    """The API's figures for this choice; audited as GET /api/v1/stats audits them."""
    settings = get_settings()
    query = StatsQuery(
        received_from=choice.start,
        received_to=choice.end,
        committee=choice.committee,
        organisation=None,
        export=export,
        min_cell=settings.stats_min_cell,
    )
    result = figures(db, query)
    audit.record(
        db,
        staff=session.staff,
        action="export_stats" if export else "read_stats",
        detail={"period": choice.period, "from": str(choice.start), "to": str(choice.end), "format": format},
    )
    db.commit()
    return result


def csv_query(choice: Choice, *, export: bool = False) -> str:
    parts = [f"period={choice.period}"]
    if choice.committee:
        parts.append(f"committee={choice.committee.value}")
    if export:
        parts.append("export=true")
    return "&".join(parts)


@router.get("/cijfers")
def figures_page(
    request: Request,
    db: SessionDep,
    session: ReviewDep,
    period: str | None = None,
    committee: str | None = None,
) -> Response:
    """Counts of a period, in the shape of the KCOO's half-year letter, as a table and a chart."""
    choice = choose(period, committee)
    fig = _figures(db, session, choice, export=False, format="html")
    lines = review_letter.subjects(fig)
    bars, height = review_letter.bars(lines)
    return render(
        request,
        "review/figures.html",
        session=session,
        status_code=422 if choice.errors else 200,
        title=f"Cijfers {choice.period}",
        current="cijfers",
        choice=choice,
        fig=fig,
        caption=review_letter.caption(fig),
        lines=lines,
        outcomes=review_letter.outcomes(fig),
        grounds=[cell for cell in fig.by_ground if cell.count],
        bars=bars,
        chart_height=height,
        chart_width=review_letter.CHART_WIDTH,
        years=period_options(choice.start.year, utcnow().date()),
        committees=list(Committee),
        csv_url=f"/review/cijfers.csv?{csv_query(choice)}",
        export_url=f"/review/cijfers.csv?{csv_query(choice, export=True)}",
    )


@router.get("/cijfers.csv")
def figures_csv(
    db: SessionDep,
    session: ReviewDep,
    period: str | None = None,
    committee: str | None = None,
    export: bool = False,
) -> Response:
    """The same figures as CSV (api.stats.to_csv); export=true hides small cells, as the API does."""
    choice = choose(period, committee)
    if choice.errors:
        raise ErrorPage(400, BAD_CSV, session)
    fig = _figures(db, session, choice, export=export, format="csv")
    name = f"meldpunt-cijfers-{choice.start}-{choice.end}.csv"
    return Response(
        to_csv(fig),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
