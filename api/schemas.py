"""Request and response bodies. Unknown fields and values outside the vocabularies are a 422."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from typing import Annotated, Self

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    model_validator,
)
from pydantic.json_schema import JsonDict, SkipJsonSchema
from pydantic_core import PydanticCustomError

from api.crypto import normalise_receipt_code
from api.vocab import (
    Category,
    Channel,
    Committee,
    ContactPreference,
    Ground,
    Language,
    MessageAuthor,
    OtherParty,
    Outcome,
    Relation,
    ReporterRole,
    Route,
    Speaker,
    SpeakingAs,
    Status,
)

RECEIPT_DIGITS = 25  # 10**25 > 2**83: more than the 80 bits required
RECEIPT_FORMAT_ERROR = (
    f"a receipt code has exactly {RECEIPT_DIGITS} digits (at most two spaces or dashes between them)"
)
GROUND_REQUIRED = "discrimination_ground is required when category is discriminatie"
GROUND_NOT_ALLOWED = "discrimination_ground is only allowed when category is discriminatie"
CONSENT_REQUIRED = "an intake can only be handed over with the reporter's explicit consent"
CONTACT_NOT_ALLOWED = "contact_details must be empty when contact_preference is anoniem"
CONTACT_REQUIRED = "contact_details need at least one way to reach the reporter"
ISO_FORMAT_ERROR = "give dates as YYYY-MM-DD and times as ISO 8601 (YYYY-MM-DDThh:mm:ss+hh:mm)"
# 25 digits, as read aloud and typed: grouped by spaces or dashes, at most two in a row. Bounded
# so that the spec's pattern and maxLength agree with _check_receipt (and schemathesis can fill them).
RECEIPT_PATTERN = rf"^[ -]{{0,2}}(?:[0-9][ -]{{0,2}}){{{RECEIPT_DIGITS}}}$"
_RECEIPT = re.compile(RECEIPT_PATTERN)
_ISO_START = re.compile(r"[0-9]{4}-")


def _check_receipt(code: str) -> str:
    if not _RECEIPT.fullmatch(code):
        raise ValueError(RECEIPT_FORMAT_ERROR)
    return normalise_receipt_code(code)


def _iso_text(value: object) -> object:
    # pydantic would also read a number ("0", 86400) as Unix time; the spec says ISO 8601 text.
    if isinstance(value, int | float) or (isinstance(value, str) and not _ISO_START.match(value)):
        raise ValueError(ISO_FORMAT_ERROR)
    return value


def _json_bool(value: object) -> object:
    # true or false only, as the spec says: pydantic would also read 0, 1, "yes" and "off".
    if not isinstance(value, bool):
        raise PydanticCustomError("bool_parsing", "Input should be true or false")
    return value


ReceiptCode = Annotated[
    str,
    StringConstraints(max_length=64),
    AfterValidator(_check_receipt),
    Field(json_schema_extra={"pattern": RECEIPT_PATTERN}),
]
IsoDate = Annotated[date, BeforeValidator(_iso_text)]
IsoDateTime = Annotated[AwareDatetime, BeforeValidator(_iso_text)]
JsonBool = Annotated[bool, BeforeValidator(_json_bool)]
# An address as typed: ASCII local part, @, dotted domain. The spec states exactly this pattern
# (EmailStr would also refuse names such as .test that `format: email` allows).
EMAIL_PATTERN = r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$"
Email = Annotated[str, StringConstraints(max_length=254, pattern=EMAIL_PATTERN)]
# For the spec: texts are stripped before min_length applies, so one character must be non-blank
# (the whitespace pydantic strips: Unicode White_Space).
WHITESPACE = r"\t\n\v\f\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NOT_BLANK = Field(json_schema_extra={"pattern": f"[^{WHITESPACE}]"})
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), NOT_BLANK]
# Text stored or compared as plain text (not encrypted): PostgreSQL text cannot hold the NUL
# character, so it is refused up front (a 422 naming the field) on every database alike.
NUL_FREE = r"^[^\x00]*$"
NUL_IN_TEXT = "text cannot contain the NUL character (U+0000)"


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError(NUL_IN_TEXT)
    return value


PlainShortText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(_no_nul),
    Field(json_schema_extra={"pattern": rf"^[^\x00]*[^{WHITESPACE}\x00][^\x00]*$"}),
]
Text1k = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1_000), NOT_BLANK]
Text4k = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4_000), NOT_BLANK]
Text10k = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10_000), NOT_BLANK]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TranscriptLine(Strict):
    """One turn: who said it, what, and when. Sender ids, IPs and channel metadata are refused."""

    speaker: Speaker
    text: Annotated[str, StringConstraints(max_length=10_000)]
    at: IsoDateTime


def _given(name: str, schema: JsonDict) -> JsonDict:
    return {"required": [name], "properties": {name: schema}}


class ContactDetails(Strict):
    # The spec says what _not_empty checks: at least one way to reach the reporter.
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "anyOf": [_given(n, {"type": "string"}) for n in ("name", "email", "phone", "other")]
        },
    )

    name: ShortText | None = None
    email: Email | None = None
    phone: Annotated[str, StringConstraints(pattern=r"^\+?[0-9 ()-]{6,20}$")] | None = None
    other: ShortText | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> Self:
        if not any((self.name, self.email, self.phone, self.other)):
            raise ValueError(CONTACT_REQUIRED)
        return self


class IntakeCreate(Strict):
    """What the assistant hands over, after the reporter saw a summary and consented."""

    # The spec says what _consistent checks: a ground with discriminatie only, details with contact only.
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "allOf": [
                {
                    "if": {"properties": {"category": {"const": Category.discriminatie.value}}},
                    "then": _given("discrimination_ground", {"type": "string"}),
                    "else": {"properties": {"discrimination_ground": {"type": "null"}}},
                },
                {
                    "if": _given("contact_preference", {"const": ContactPreference.contact.value}),
                    "then": _given("contact_details", {"type": "object"}),
                    "else": {"properties": {"contact_details": {"type": "null"}}},
                },
            ]
        },
    )

    id: uuid.UUID = Field(description="Generated by the sender; a retry with the same id is idempotent.")
    receipt_code: ReceiptCode = Field(description="Generated by the sender; only a keyed hash is kept.")
    created_at: IsoDateTime
    language: Language
    channel: Channel = Channel.chat
    reporter_role: ReporterRole
    speaking_as: SpeakingAs | None = Field(
        default=None,
        description=(
            "Who is telling: the person it happened to, a witness or someone on their behalf. "
            "reporter_role is then the work relation of the person it happened to."
        ),
    )
    other_party: OtherParty | None = Field(
        default=None, description="Who did it, as a relation; never a name."
    )
    organisation: PlainShortText
    under_kcoo: JsonBool | None = Field(
        default=None, description="Whether the organisation falls under the rijksbrede KCOO."
    )
    department: ShortText | None = None
    category: Category
    discrimination_ground: Ground | None = Field(
        default=None,
        description=(
            "Required with category discriminatie, refused with any other: the ground; `anders` for a "
            "ground not in the list, `onbekend` when the reporter does not know or would rather not say."
        ),
    )
    summary: Text1k
    description: Text10k
    occurred_on: IsoDate | None = None
    occurred_period: ShortText | None = None
    ongoing: JsonBool | None = None
    involved_relations: list[Relation] = Field(default_factory=list, max_length=5)
    witnesses: Text4k | None = None
    steps_taken: Text4k | None = None
    desired_route: Route
    contact_preference: ContactPreference = ContactPreference.anoniem
    contact_details: ContactDetails | None = None
    consent: JsonBool = Field(json_schema_extra={"const": True})
    transcript: list[TranscriptLine] = Field(default_factory=list, max_length=1_000)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if not self.consent:
            raise ValueError(CONSENT_REQUIRED)
        if self.category == Category.discriminatie and self.discrimination_ground is None:
            raise ValueError(GROUND_REQUIRED)
        if self.category != Category.discriminatie and self.discrimination_ground is not None:
            raise ValueError(GROUND_NOT_ALLOWED)
        if self.contact_preference == ContactPreference.anoniem and self.contact_details:
            raise ValueError(CONTACT_NOT_ALLOWED)
        if self.contact_preference == ContactPreference.contact and not self.contact_details:
            raise ValueError(CONTACT_REQUIRED)
        return self


class Deadlines(BaseModel):
    acknowledgement: datetime = Field(description="Ontvangstbevestiging: 7 days after receipt.")
    decision: datetime = Field(
        description="IC Rijk: feedback within 3 months; KCOO: handling within 10 weeks (+4 if extended)."
    )
    committee: Committee = Field(description="The committee whose deadline applies.")
    acknowledgement_overdue: bool
    decision_overdue: bool


class IntakeReceipt(BaseModel):
    id: uuid.UUID
    received_at: datetime
    status: Status
    deadlines: Deadlines


class IntakeSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    received_at: datetime
    language: Language
    reporter_role: ReporterRole
    organisation: str
    under_kcoo: bool | None
    category: Category
    discrimination_ground: Ground | None
    desired_route: Route
    status: Status
    routed_to: Committee | None
    outcome: Outcome | None
    summary: str | None
    unread_from_reporter: bool = Field(
        default=False, description="The reporter added a message that no staff member has opened yet."
    )
    deadlines: Deadlines


class HistoryEntry(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    at: datetime
    actor: str
    action: str
    changes: dict[str, list[object]] | None


class MessageRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    author: MessageAuthor
    text: str | None
    created_at: datetime


class IntakeDetail(IntakeSummary):
    created_at: datetime
    channel: Channel
    speaking_as: SpeakingAs | None
    other_party: OtherParty | None
    department: str | None
    description: str | None
    occurred_on: date | None
    occurred_period: str | None
    ongoing: bool | None
    involved_relations: list[str]
    witnesses: str | None
    steps_taken: str | None
    contact_preference: ContactPreference
    contact_details: dict[str, str | None] | None
    consent: bool
    transcript: list[TranscriptLine]
    notes: str | None
    acknowledged_at: datetime | None
    deadline_extended: bool
    closed_at: datetime | None
    anonymised_at: datetime | None
    messages: list[MessageRead]
    history: list[HistoryEntry]


class IntakePage(BaseModel):
    items: list[IntakeSummary]
    total: int
    page: int
    page_size: int


NOTHING_TO_CHANGE = "nothing to change: give at least one field"
# null clears routed_to, outcome and notes; these have no empty state.
NOT_NULLABLE = {"status", "acknowledged", "deadline_extended", "message_to_reporter"}


class IntakeUpdate(Strict):
    """Staff changes; every change is kept in the intake's history."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"minProperties": 1})

    status: Status | SkipJsonSchema[None] = None
    routed_to: Committee | None = None
    outcome: Outcome | None = None
    notes: Annotated[str, StringConstraints(max_length=10_000)] | None = None
    acknowledged: JsonBool | SkipJsonSchema[None] = Field(
        default=None, description="Mark the ontvangstbevestiging as sent."
    )
    deadline_extended: JsonBool | SkipJsonSchema[None] = Field(
        default=None, description="KCOO handling extended once by 4 weeks (Awb 9:11)."
    )
    message_to_reporter: Text4k | SkipJsonSchema[None] = None

    @model_validator(mode="after")
    def _something(self) -> Self:
        if not self.model_fields_set:
            raise ValueError(NOTHING_TO_CHANGE)
        for name in sorted(self.model_fields_set & NOT_NULLABLE):
            if getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self


class FollowUpRequest(Strict):
    receipt_code: ReceiptCode
    message: Text4k | None = Field(default=None, description="Extra information from the reporter.")


class FollowUpView(BaseModel):
    status: Status
    received_at: datetime
    category: Category
    deadlines: Deadlines
    messages: list[MessageRead]


class StaffCreate(Strict):
    email: EmailStr
    role: str
    password: Annotated[str, StringConstraints(min_length=12, max_length=256)]
