"""Which of the Meldpunt's routes a person means, from a button or from what they typed.

The buttons carry the route as an entity. People also type it: "ik wil graag anoniem contact met
het meldpunt", "een officiële klacht", "alleen vastleggen graag", "I want to report it". The
intake needs one of the routes the API knows; what cannot be read is asked again with buttons.
"""

from __future__ import annotations

import re
from typing import Any

from actions.texts import UNWANTED_BEHAVIOUR

# Routes through the Meldpunt: choosing one starts (or, in the intake, sets) the intake's route.
MELDPUNT_ROUTES = ("klacht_kcoo", "melding_ic_rijk", "contact_meldpunt", "alleen_registreren")

_REGISTER = re.compile(
    r"registr|vastleg|vast (laten )?leggen|(alleen|enkel|wel) (laten )?(noteren|opschrijven)|"
    r"on record|record(ed)?\b|just (have it )?(noted|logged)|only (have it )?(noted|logged)",
    re.I,
)
_COMPLAINT = re.compile(r"klacht|klagen|complain|formeel|formele|officie|formal|officially|kcoo", re.I)
_REPORT = re.compile(
    r"\bmeld(en|ing)\b|misstand|ic rijk|integriteitscommissie|\breport|whistle",
    re.I,
)
_CONTACT = re.compile(
    r"contact|gesprek|praten|spreken|bellen|terugbel|meldpunt|advies|talk|speak|call|get in touch|advice",
    re.I,
)
_NOT_THE_MELDPUNT = re.compile(
    r"\b(geen|niet|not|no|don'?t)\b.{0,20}\b(meldpunt|klacht|melding|complaint|report)", re.I
)


def route_entity(message: dict[str, Any]) -> str | None:
    for entity in message.get("entities") or []:
        if entity.get("entity") == "route" and entity.get("value") in MELDPUNT_ROUTES:
            return str(entity["value"])
    return None


def read_route(text: str, category: str | None, under_kcoo: str | None) -> str | None:
    """The Meldpunt route the words ask for, fitting the case; None if they name none."""
    text = text or ""
    if text.startswith("/") or _NOT_THE_MELDPUNT.search(text):
        return None
    if _REGISTER.search(text):
        return "alleen_registreren"
    if _COMPLAINT.search(text):
        # Outside the KCOO's scope the own procedure applies; the Meldpunt can still be contacted.
        return "klacht_kcoo" if category in UNWANTED_BEHAVIOUR and under_kcoo != "nee" else "contact_meldpunt"
    if _REPORT.search(text):
        return "melding_ic_rijk" if category == "misstand" else "contact_meldpunt"
    if _CONTACT.search(text):
        return "contact_meldpunt"
    return None


def fit_route(
    route: str, category: str | None, under_kcoo: str | None, other_party: str | None = None
) -> str:
    """A complaint to the KCOO where the KCOO does not take it (outside its scope, a misstand, or
    aggression by a citizen) becomes contact with the Meldpunt, which can still be contacted."""
    no_kcoo = under_kcoo == "nee" or category not in UNWANTED_BEHAVIOUR or other_party == "burger"
    if route == "klacht_kcoo" and no_kcoo:
        return "contact_meldpunt"
    return route


def default_route(category: str | None, under_kcoo: str | None, other_party: str | None = None) -> str:
    """The route when a person asks for the Meldpunt without naming one."""
    if category == "misstand":
        return "melding_ic_rijk"
    if category in UNWANTED_BEHAVIOUR and under_kcoo != "nee" and other_party != "burger":
        return "klacht_kcoo"
    return "contact_meldpunt"
