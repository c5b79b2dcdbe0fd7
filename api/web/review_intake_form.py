"""The change form of the intake page: its values, their check through `IntakeUpdate`, and a conflict.

The form carries the intake's `updated_at` as it was when the page was shown. When the intake
changed since (someone else, the API, a message from the reporter), nothing is saved: the form comes
back with the other person's changes underneath and the person's own changes on top, so nothing
typed is lost and nothing of the other person's is overwritten unseen.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from api.models import Intake, IntakeEvent
from api.schemas import IntakeUpdate

CHECKED = "ja"
FIELDS = ("status", "routed_to", "outcome", "notes", "acknowledged", "deadline_extended")
# How each form field is named in the history of an intake.
HISTORY_KEY = {name: name for name in FIELDS} | {"acknowledged": "acknowledged_at"}
ERRORS = {
    "status": "Kies een status uit de lijst.",
    "routed_to": "Kies uit de lijst waarheen de intake is doorgestuurd.",
    "outcome": "Kies een uitkomst uit de lijst.",
    "notes": "De notities zijn te lang: gebruik maximaal 10.000 tekens.",
    "message_to_reporter": "Het bericht is te lang: gebruik maximaal 4.000 tekens.",
}
OTHER_ERROR = "Deze waarde klopt niet."
CONFLICT = (
    "Iemand anders heeft deze intake gewijzigd terwijl jij dit formulier invulde. Jouw wijzigingen "
    "zijn nog niet opgeslagen. Ze staan hieronder in het formulier, samen met de nieuwe gegevens. "
    "Kijk ze na en klik nog een keer op Opslaan."
)
SAVED = "De wijzigingen zijn opgeslagen."
UNCHANGED = "Je hebt niets veranderd. Er is niets opgeslagen."
MESSAGE_SENT = "De wijzigingen zijn opgeslagen en het bericht aan de melder is verstuurd."


@dataclass(frozen=True)
class FormValues:
    status: str
    routed_to: str
    outcome: str
    notes: str
    acknowledged: bool
    deadline_extended: bool
    message_to_reporter: str = ""

    @classmethod
    def of(cls, intake: Intake) -> FormValues:
        return cls(
            status=intake.status,
            routed_to=intake.routed_to or "",
            outcome=intake.outcome or "",
            notes=intake.notes or "",
            acknowledged=intake.acknowledged_at is not None,
            deadline_extended=bool(intake.deadline_extended),
        )

    @classmethod
    def from_form(cls, form: dict[str, str | None]) -> FormValues:
        return cls(
            status=form.get("status") or "",
            routed_to=form.get("routed_to") or "",
            outcome=form.get("outcome") or "",
            # Browsers send textarea line breaks as CRLF; keep the stored text to plain newlines.
            notes=(form.get("notes") or "").replace("\r\n", "\n"),
            acknowledged=form.get("acknowledged") == CHECKED,
            deadline_extended=form.get("deadline_extended") == CHECKED,
            message_to_reporter=(form.get("message_to_reporter") or "").replace("\r\n", "\n"),
        )

    def update(self) -> IntakeUpdate:
        """The change as the API takes it (PATCH /api/v1/intakes/{id}); raises ValidationError."""
        data: dict[str, Any] = {
            "status": self.status or None,
            "routed_to": self.routed_to or None,
            "outcome": self.outcome or None,
            "notes": self.notes if self.notes.strip() else None,
            "acknowledged": self.acknowledged,
            "deadline_extended": self.deadline_extended,
        }
        if self.message_to_reporter.strip():
            data["message_to_reporter"] = self.message_to_reporter
        return IntakeUpdate.model_validate(data)


def errors_of(exc: ValidationError) -> dict[str, str]:
    """{form field: Dutch message} for what `IntakeUpdate` refused."""
    errors: dict[str, str] = {}
    for error in exc.errors():
        loc = error.get("loc") or ("",)
        name = str(loc[0])
        errors.setdefault(name, ERRORS.get(name, OTHER_ERROR))
    return errors


def parse_version(text: str | None) -> datetime | None:
    """The form's `updated_at`; None when it is missing or not a moment with a time zone."""
    try:
        moment = datetime.fromisoformat(text) if text else None
    except ValueError:
        return None
    return moment if moment is not None and moment.tzinfo is not None else None


def _history_value(name: str, value: Any) -> Any:
    if name in ("acknowledged", "deadline_extended"):
        return bool(value)
    return value or ""


def values_at(current: FormValues, later: list[IntakeEvent]) -> FormValues:
    """The values the person saw: the current ones with the later changes undone, newest first."""
    values = asdict(current)
    for event in reversed(later):
        for name in FIELDS:
            change = (event.changes or {}).get(HISTORY_KEY[name])
            if change:
                values[name] = _history_value(name, change[0])
    return FormValues(**values)


@dataclass(frozen=True)
class Merged:
    values: FormValues
    both_changed: list[str]  # fields the person and the other one both changed, differently


def merge(mine: FormValues, seen: FormValues, current: FormValues) -> Merged:
    """The person's changes (what differs from what they saw) on top of the current values."""
    merged: dict[str, Any] = {}
    both: list[str] = []
    for name in FIELDS:
        own, was, now = getattr(mine, name), getattr(seen, name), getattr(current, name)
        merged[name] = own if own != was else now
        if own != was and now != was and own != now:
            both.append(name)
    return Merged(replace(current, **merged, message_to_reporter=mine.message_to_reporter), both)
