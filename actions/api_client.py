"""Talking to the Meldpunt API: handing over an intake, and follow-up with a receipt code.

Every answer is sorted into what the caller must do next: an accepted intake may leave the outbox,
a retryable one stays and is tried again later (the API is down, slow, overloaded), a rejected
one is a bug on our side (the API refuses what we built) and is kept for a person to look at.
Logs name the intake id, the status and the API's detail, never the reporter's text: the API's
422 detail gives the field and the reason only, not the value.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import Enum
from typing import Any

import httpx

from actions.receipt import normalise_receipt_code
from actions.settings import HandoverSettings

logger = logging.getLogger(__name__)

INTAKES_PATH = "/api/v1/intakes"
FOLLOW_UP_PATH = "/api/v1/follow-up"
CONVERSATION_HEADER = "X-Conversation-Key"
# 408 and 429 say "not now", not "never": tried again like a 5xx.
RETRY_STATUSES = {408, 429}
AUTH_STATUSES = {401, 403}
MAX_DETAIL_CHARS = 500


class Outcome(str, Enum):
    ACCEPTED = "accepted"
    RETRYABLE = "retryable"
    REJECTED = "rejected"
    NOT_FOUND = "not_found"  # follow-up only: no intake has this code


@dataclass(frozen=True)
class SubmitResult:
    outcome: Outcome
    status_code: int | None  # None when no answer came (connection error, timeout)
    detail: str = ""  # why, for logs and the outbox; never personal text
    body: dict[str, Any] | None = None  # the API's answer when accepted (receipt, deadlines)

    @property
    def accepted(self) -> bool:
        return self.outcome is Outcome.ACCEPTED


@dataclass(frozen=True)
class FollowUpResult:
    outcome: Outcome
    status_code: int | None
    view: dict[str, Any] | None = None  # status, received_at, category, deadlines, messages
    retry_after: int | None = None  # seconds, when the API says how long to wait (429)


def _detail(response: httpx.Response) -> str:
    """The API's `detail`: for a 422 each field and reason (`loc: msg`), else its text."""
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        detail = None
    if isinstance(detail, list):
        text = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', []))}: {e.get('msg', '')}"
            for e in detail
            if isinstance(e, dict)
        )
    else:
        text = str(detail) if detail is not None else response.reason_phrase
    return text[:MAX_DETAIL_CHARS]


def _json(response: httpx.Response) -> dict[str, Any] | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _retryable(status: int) -> bool:
    return status >= 500 or status in RETRY_STATUSES


def _post(
    url: str,
    body: dict[str, Any],
    headers: dict[str, str],
    settings: HandoverSettings,
    client: httpx.Client | None,
) -> httpx.Response:
    if client is not None:
        return client.post(url, json=body, headers=headers)
    timeout = httpx.Timeout(settings.timeout, connect=settings.connect_timeout)
    with httpx.Client(timeout=timeout) as own:
        return own.post(url, json=body, headers=headers)


def submit_intake(
    payload: dict[str, Any], *, settings: HandoverSettings, client: httpx.Client | None = None
) -> SubmitResult:
    """POST the intake (an IntakeCreate body) with the service token. Raises SettingsError without one."""
    headers = {"Authorization": f"Bearer {settings.token()}"}
    intake_id = payload.get("id")
    try:
        response = _post(settings.api_url + INTAKES_PATH, payload, headers, settings, client)
    except httpx.TransportError as exc:  # connection refused, DNS, timeouts, broken responses
        logger.warning("Intake %s not handed over, will retry: %s", intake_id, type(exc).__name__)
        return SubmitResult(Outcome.RETRYABLE, None, type(exc).__name__)
    status = response.status_code
    if status in (200, 201):  # 200: this id was already stored, by an earlier try that timed out
        return SubmitResult(Outcome.ACCEPTED, status, "", _json(response))
    detail = _detail(response)
    if _retryable(status):
        logger.warning("Intake %s not handed over, will retry: %s %s", intake_id, status, detail)
        return SubmitResult(Outcome.RETRYABLE, status, detail)
    if status in AUTH_STATUSES:
        # A wrong or missing service token: the intake itself is fine, and fixing the token (not the
        # intake) makes it go through. Kept for the retries, and loudly logged so someone fixes it.
        logger.error(
            "Intake %s not handed over: the Meldpunt API refused the service token (%s). "
            "Check MELDPUNT_SERVICE_TOKEN; the intake waits in the outbox.",
            intake_id,
            status,
        )
        return SubmitResult(Outcome.RETRYABLE, status, detail)
    # The API refuses what we built: a bug on our side, never fixed by retrying.
    logger.error("Intake %s REJECTED by the Meldpunt API: %s %s", intake_id, status, detail)
    return SubmitResult(Outcome.REJECTED, status, detail)


def follow_up(
    receipt_code: str,
    message: str | None = None,
    *,
    settings: HandoverSettings,
    client: httpx.Client | None = None,
    conversation_key: str | None = None,
) -> FollowUpResult:
    """Status and messages for a receipt code, adding the person's message when given.

    The code goes in the body only (never in a URL, where logs would keep it). Follow-up is the
    reporter's own right and the code is the credential; when a `conversation_key` is given (the
    chat), the service token and the key go along so that the API counts wrong codes per
    conversation instead of for the action server's one address.
    Raises ValueError when `receipt_code` is not a code (check with normalise_receipt_code first).
    """
    code = normalise_receipt_code(receipt_code)
    if code is None:
        raise ValueError("not a receipt code")
    body: dict[str, Any] = {"receipt_code": code}
    if message:
        body["message"] = message
    headers: dict[str, str] = {}
    if conversation_key and settings.service_token:
        headers = {"Authorization": f"Bearer {settings.service_token}", CONVERSATION_HEADER: conversation_key}
    try:
        response = _post(settings.api_url + FOLLOW_UP_PATH, body, headers, settings, client)
    except httpx.TransportError as exc:
        logger.warning("Follow-up failed, the API did not answer: %s", type(exc).__name__)
        return FollowUpResult(Outcome.RETRYABLE, None)
    status = response.status_code
    if status == 200:
        return FollowUpResult(Outcome.ACCEPTED, status, view=_json(response))
    if status == 404:
        return FollowUpResult(Outcome.NOT_FOUND, status)
    if _retryable(status):
        wait = response.headers.get("Retry-After", "")
        logger.warning("Follow-up failed: %s %s", status, _detail(response))
        return FollowUpResult(Outcome.RETRYABLE, status, retry_after=int(wait) if wait.isdigit() else None)
    logger.error("Follow-up REJECTED by the Meldpunt API: %s %s", status, _detail(response))
    return FollowUpResult(Outcome.REJECTED, status)
