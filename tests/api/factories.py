"""Builders for request bodies and accounts used across the API tests."""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.clock import utcnow
from api.models import Intake, Staff
from api.security import create_access_token, hash_password
from tests.api.conftest import SERVICE_TOKEN

SERVICE = {"Authorization": f"Bearer {SERVICE_TOKEN}"}
PASSWORD = "correct horse battery staple"
_PASSWORD_HASH = hash_password(PASSWORD)  # argon2 is slow on purpose: hash once per run


def receipt_code() -> str:
    """25 digits from a CSPRNG in five groups of five, as the assistant shows them."""
    digits = "".join(secrets.choice("0123456789") for _ in range(25))
    return "-".join(digits[i : i + 5] for i in range(0, 25, 5))


def intake_body(**overrides: Any) -> dict[str, Any]:
    at = utcnow() - timedelta(minutes=5)
    body: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "receipt_code": receipt_code(),
        "created_at": at.isoformat(),
        "language": "nl",
        "channel": "chat",
        "reporter_role": "medewerker",
        "organisation": "Ministerie van BZK",
        "category": "pesten",
        "summary": "Een collega sluit mij al maanden buiten.",
        "description": "Sinds de reorganisatie word ik niet meer uitgenodigd voor overleg.",
        "occurred_period": "sinds de zomer",
        "ongoing": True,
        "involved_relations": ["collega"],
        "witnesses": "Twee teamgenoten hebben het gezien.",
        "steps_taken": "Gesprek met mijn leidinggevende gehad.",
        "desired_route": "klacht_kcoo",
        "contact_preference": "anoniem",
        "consent": True,
        "transcript": [
            {
                "speaker": "assistant",
                "text": "Vertel in je eigen woorden wat er is gebeurd.",
                "at": at.isoformat(),
            },
            {"speaker": "reporter", "text": "Ik word steeds buitengesloten.", "at": at.isoformat()},
        ],
    }
    body.update(overrides)
    return body


def submit(client: TestClient, **overrides: Any) -> tuple[dict[str, Any], Any]:
    body = intake_body(**overrides)
    return body, client.post("/api/v1/intakes", json=body, headers=SERVICE)


def staff_headers(db: Session, role: str = "intake", email: str | None = None) -> dict[str, str]:
    staff = Staff(
        email=email or f"{role}-{uuid.uuid4().hex[:8]}@meldpunt.example",
        role=role,
        password_hash=_PASSWORD_HASH,
        active=True,
    )
    db.add(staff)
    db.commit()
    return {"Authorization": f"Bearer {create_access_token(staff)}"}


def backdate(db: Session, intake_id: str, received_at: datetime) -> None:
    """Pretend an intake came in earlier; deadlines follow, as they would have."""
    from api.deadlines import apply_deadlines

    intake = db.get(Intake, uuid.UUID(intake_id))
    assert intake is not None
    intake.received_at = received_at
    apply_deadlines(intake)
    db.commit()
