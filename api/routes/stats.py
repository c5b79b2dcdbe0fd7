from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Response

from api import audit
from api.config import get_settings
from api.db import SessionDep
from api.schemas import NUL_FREE, IsoDate
from api.security import StaffDep
from api.stats import PERIOD_PATTERN, Figures, StatsQuery, figures, parse_period, to_csv
from api.vocab import Committee

router = APIRouter(prefix="/stats", tags=["figures"])
PERIOD_CONFLICT = "give either period or received_from/received_to, not both"


@router.get(
    "",
    responses={
        200: {
            "content": {"text/csv": {}},
            "description": "Figures as JSON, or CSV with format=csv",
        },
        401: {"description": "Not authenticated"},
        403: {"description": "Not allowed for this credential"},
    },
)
def get_figures(
    session: SessionDep,
    staff: StaffDep,
    period: Annotated[
        str | None,
        Query(
            max_length=10,
            description="2025, 2025-H2, 2025-Q3 or 2025-07",
            json_schema_extra={"pattern": PERIOD_PATTERN},
        ),
    ] = None,
    received_from: IsoDate | None = None,
    received_to: IsoDate | None = None,
    committee: Committee | None = None,
    organisation: Annotated[str | None, Query(max_length=200, pattern=NUL_FREE)] = None,
    export: Annotated[
        bool, Query(description="For use outside the Meldpunt: small cells are suppressed")
    ] = False,
    format: Literal["json", "csv"] = "json",
) -> Figures:
    """Counts per period by category, ground, route, outcome, status and organisation; overdue counts."""
    if period is not None:
        if received_from or received_to:
            raise HTTPException(
                422, [{"loc": ["query", "period"], "msg": PERIOD_CONFLICT, "type": "value_error"}]
            )
        try:
            received_from, received_to = parse_period(period)
        except ValueError as exc:
            raise HTTPException(
                422, [{"loc": ["query", "period"], "msg": str(exc), "type": "value_error"}]
            ) from None
    query = StatsQuery(
        received_from=received_from,
        received_to=received_to,
        committee=committee,
        organisation=organisation,
        export=export,
        min_cell=get_settings().stats_min_cell,
    )
    result = figures(session, query)
    audit.record(
        session,
        staff=staff,
        action="export_stats" if export else "read_stats",
        detail={
            "period": period,
            "from": str(received_from),
            "to": str(received_to),
            "format": format,
        },
    )
    session.commit()
    if format == "csv":
        name = f"meldpunt-cijfers-{received_from or 'begin'}-{received_to or 'nu'}.csv"
        return Response(  # type: ignore[return-value]
            to_csv(result),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    return result
