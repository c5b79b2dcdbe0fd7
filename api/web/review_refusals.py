"""Intakes the API refused (api/refusals.py): the page staff reach from the alert on the list."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api import audit, refusals
from api.db import SessionDep
from api.web.review_base import ReviewDep, ReviewRoute, render

router = APIRouter(route_class=ReviewRoute)
FIELD_NAMES = {
    "desired_route": "gewenste route",
    "category": "categorie",
    "discrimination_ground": "discriminatiegrond",
    "contact_details": "contactgegevens",
    "contact_preference": "contactvoorkeur",
    "organisation": "organisatie",
    "description": "beschrijving",
    "summary": "samenvatting",
    "receipt_code": "ontvangstcode",
    "transcript": "gespreksverslag",
}


def fields_of(errors: list[dict[str, object]]) -> str:
    names = []
    for error in errors:
        loc = [str(part) for part in error.get("loc") or [] if part != "body"]  # type: ignore[attr-defined]
        name = loc[0] if loc else "(hele intake)"
        names.append(FIELD_NAMES.get(name, name))
    return ", ".join(dict.fromkeys(names))


@router.get("/overdrachten")
def refusal_list(request: Request, db: SessionDep, session: ReviewDep) -> Response:
    """What was refused and when; opening the page clears the alert on the list."""
    rows = [(r, fields_of(r.errors), r.seen_at is None) for r in refusals.list_refusals(db)]
    refusals.mark_seen(db)
    audit.record(db, staff=session.staff, action="read_refusals")
    db.commit()
    return render(
        request, "review/refusals.html", session=session, title="Geweigerde overdrachten", rows=rows
    )
