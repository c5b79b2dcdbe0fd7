"""The audit trail for admins, through the same query as GET /api/v1/audit (api.audit.list_entries)."""

from __future__ import annotations

import math
import uuid
from datetime import date
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api import audit
from api.db import SessionDep
from api.web.review_base import AdminDep, ReviewRoute, render
from api.web.review_labels import AUDIT_ACTION

PAGE_SIZE = 50
BAD_EMAIL = "Vul een e-mailadres in van hoogstens 254 tekens."
BAD_ACTION = "Kies een handeling uit de lijst."
BAD_INTAKE = "Vul het volledige nummer van een intake in, zoals het in het adres van de intake staat."
BAD_SINCE = "Vul een datum in als jjjj-mm-dd, bijvoorbeeld 2026-01-31."

router = APIRouter(route_class=ReviewRoute)


def parse(request: Request) -> tuple[audit.AuditFilter, dict[str, str], dict[str, str]]:
    """The filter, the values as typed (to show them again) and a message per value that is wrong."""
    params = request.query_params
    typed = {
        name: (params.get(name) or "").strip() for name in ("staff_email", "action", "intake_id", "since")
    }
    errors: dict[str, str] = {}
    email = typed["staff_email"] or None
    if email and (len(email) > 254 or "\x00" in email):
        errors["staff_email"], email = BAD_EMAIL, None
    action = typed["action"] or None
    if action and action not in AUDIT_ACTION:
        errors["action"], action = BAD_ACTION, None
    intake_id = None
    if typed["intake_id"]:
        try:
            intake_id = uuid.UUID(typed["intake_id"])
        except ValueError:
            errors["intake_id"] = BAD_INTAKE
    since = None
    if typed["since"]:
        try:
            since = date.fromisoformat(typed["since"])
        except ValueError:
            errors["since"] = BAD_SINCE
    flt = audit.AuditFilter(staff_email=email, action=action, intake_id=intake_id, since=since)
    return flt, typed, errors


@router.get("/audit")
def audit_page(request: Request, db: SessionDep, session: AdminDep) -> Response:
    """Who read or changed what, newest first (admins only); reading it is audited too."""
    flt, typed, errors = parse(request)
    page_text = request.query_params.get("page") or "1"
    page = int(page_text) if page_text.isascii() and page_text.isdigit() else 1
    page = min(max(page, 1), 100_000)
    rows, total = audit.list_entries(db, flt, page=page, page_size=PAGE_SIZE)
    audit.record(db, staff=session.staff, action="read_audit")
    db.commit()
    pages = max(1, math.ceil(total / PAGE_SIZE))
    kept = {name: value for name, value in typed.items() if value and name not in errors}

    def url(number: int) -> str:
        return f"/review/audit?{urlencode({**kept, 'page': str(number)})}"

    return render(
        request,
        "review/audit.html",
        session=session,
        status_code=422 if errors else 200,
        title="Auditlog",
        current="audit",
        rows=rows,
        total=total,
        page=page,
        pages=pages,
        typed=typed,
        errors=errors,
        actions=AUDIT_ACTION,
        previous_url=url(page - 1) if page > 1 else None,
        next_url=url(page + 1) if page < pages else None,
    )
