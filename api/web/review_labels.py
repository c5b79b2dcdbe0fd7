"""Dutch words for the review pages: the vocabularies of api/vocab.py as staff read them, and dates.

The category and ground labels follow the assistant's (actions/texts.py); the figures use the
wording of the letter to parliament of January 2026 (seed 000).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)

CATEGORY = {
    "seksuele_intimidatie": "Seksuele intimidatie",
    "discriminatie": "Discriminatie",
    "agressie_geweld": "Agressie of geweld",
    "intimidatie": "Intimidatie of bedreiging",
    "pesten": "Pesten",
    "misstand": "Misstand of integriteitsschending",
}
GROUND = {
    "afkomst": "Afkomst of huidskleur",
    "nationaliteit": "Nationaliteit",
    "godsdienst": "Godsdienst of levensovertuiging",
    "geslacht": "Geslacht of genderidentiteit",
    "seksuele_gerichtheid": "Seksuele gerichtheid",
    "handicap": "Handicap of chronische ziekte",
    "leeftijd": "Leeftijd",
    "politieke_gezindheid": "Politieke gezindheid",
    "burgerlijke_staat": "Burgerlijke staat",
    "arbeidsduur": "Arbeidsduur of soort contract",
    "anders": "Andere grond",
    "onbekend": "Grond niet genoemd",
}
STATUS = {
    "nieuw": "Nieuw",
    "in_behandeling": "In behandeling",
    "doorverwezen": "Doorverwezen",
    "afgesloten": "Afgesloten",
}
ROUTE = {
    "klacht_kcoo": "Klacht bij de KCOO",
    "melding_ic_rijk": "Melding bij de IC Rijk",
    "contact_meldpunt": "Contact met het Meldpunt",
    "vertrouwenspersoon": "Eerst een vertrouwenspersoon",
    "alleen_registreren": "Alleen vastleggen",
    "anders": "Anders",
}
COMMITTEE = {
    "kcoo": "KCOO",
    "ic_rijk": "IC Rijk",
    "vertrouwenspersoon": "Vertrouwenspersoon",
    "anders": "Anders",
}
OUTCOME = {
    "niet_ontvankelijk": "Niet-ontvankelijk",
    "gegrond": "Gegrond",
    "deels_gegrond": "Deels gegrond",
    "ongegrond": "Ongegrond",
    "anders_afgedaan": "Op andere wijze afgedaan",
}
REPORTER_ROLE = {"medewerker": "Medewerker", "ex_medewerker": "Oud-medewerker", "extern": "Extern"}
RELATION = {
    "collega": "Collega",
    "leidinggevende": "Leidinggevende",
    "ondergeschikte": "Ondergeschikte",
    "burger_of_klant": "Burger of klant",
    "anders": "Anders",
}
SPEAKING_AS = {
    "rijksmedewerker": "Degene zelf, werkt bij het Rijk",
    "ex_rijksmedewerker": "Degene zelf, werkte bij het Rijk",
    "andere_werkgever": "Degene zelf, werkt bij een andere werkgever",
    "burger": "Burger, klant of bezoeker",
    "bedrijf": "Bedrijf of leverancier",
    "namens_ander": "Iemand namens degene (ouder, partner, vriend)",
    "getuige": "Een collega die het zag gebeuren",
}
OTHER_PARTY = {
    "collega": "Collega",
    "leidinggevende": "Leidinggevende",
    "ondergeschikte": "Iemand aan wie de melder leiding geeft",
    "burger": "Burger, klant of bezoeker",
    "andere_organisatie": "Iemand van een andere organisatie",
    "onbekend": "Niet gezegd",
}
CONTACT = {"anoniem": "Anoniem", "contact": "Wil contact"}
CHANNEL = {"chat": "Chat", "rest": "Koppeling", "anders": "Anders"}
LANGUAGE = {"nl": "Nederlands", "en": "Engels"}
AUTHOR = {"staff": "Meldpunt", "reporter": "Melder"}
SPEAKER = {"reporter": "Melder", "assistant": "Assistent"}
# Who made a change in an intake's history: these three, or the email address of a staff member.
ACTOR = {"assistant": "Assistent", "reporter": "Melder", "system": "Systeem (bewaartermijn)"}
CONTACT_FIELD = {"name": "Naam", "email": "E-mail", "phone": "Telefoon", "other": "Anders"}
HISTORY_ACTION = {
    "received": "Ontvangen van de assistent",
    "updated": "Gewijzigd",
    "reporter_message": "Bericht van de melder",
    "anonymised": "Geanonimiseerd",
}
HISTORY_FIELD = {
    "status": "Status",
    "routed_to": "Doorgestuurd naar",
    "outcome": "Uitkomst",
    "notes": "Notities",
    "deadline_extended": "Termijn verlengd",
    "acknowledged_at": "Ontvangst bevestigd",
    "message_to_reporter": "Bericht aan de melder",
}
AUDIT_ACTION = {
    "list_intakes": "Lijst van intakes bekeken",
    "read_intake": "Intake gelezen",
    "update_intake": "Intake gewijzigd",
    "read_stats": "Cijfers bekeken",
    "export_stats": "Cijfers geëxporteerd",
    "read_audit": "Auditlog bekeken",
    "read_refusals": "Geweigerde overdrachten bekeken",
    "review_login": "Ingelogd",
    "review_logout": "Uitgelogd",
}
SORT = {
    "received_at": "Datum ontvangen",
    "decision_due_at": "Termijn afhandeling",
    "ack_due_at": "Termijn ontvangstbevestiging",
    "category": "Categorie",
    "status": "Status",
    "organisation": "Organisatie",
}
VOCABULARIES: dict[str, dict[str, str]] = {
    "category": CATEGORY,
    "ground": GROUND,
    "status": STATUS,
    "route": ROUTE,
    "committee": COMMITTEE,
    "outcome": OUTCOME,
    "reporter_role": REPORTER_ROLE,
    "relation": RELATION,
    "speaking_as": SPEAKING_AS,
    "other_party": OTHER_PARTY,
    "contact": CONTACT,
    "channel": CHANNEL,
    "language": LANGUAGE,
    "author": AUTHOR,
    "speaker": SPEAKER,
    "actor": ACTOR,
    "contact_field": CONTACT_FIELD,
    "history_action": HISTORY_ACTION,
    "history_field": HISTORY_FIELD,
    "audit_action": AUDIT_ACTION,
    "sort": SORT,
}


def label(value: Any, vocabulary: str) -> str:
    """The Dutch word for a stored value; an unknown value shows as it is stored."""
    if value is None:
        return "—"
    text = str(value)
    return VOCABULARIES[vocabulary].get(text, text)


def local(moment: datetime) -> datetime:
    return moment.astimezone(AMSTERDAM)


def day(value: date | datetime | None) -> str:
    """'13 januari 2026', in Dutch time for a moment."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = local(value)
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def moment(value: datetime | None) -> str:
    """'13 januari 2026, 14:05', in Dutch time."""
    if value is None:
        return "—"
    at = local(value)
    return f"{day(at)}, {at:%H:%M}"


def yes_no(value: bool | None) -> str:
    return "onbekend" if value is None else ("ja" if value else "nee")


def history_value(field: str, value: Any) -> str:
    """A value in the history of an intake, as staff read it."""
    if field == "acknowledged_at" and value is None:
        return "nog niet"
    if value is None or value == "":
        return "leeg"
    if isinstance(value, bool):
        return yes_no(value)
    vocabulary = {"status": "status", "routed_to": "committee", "outcome": "outcome"}.get(field)
    if vocabulary:
        return label(value, vocabulary)
    if field == "acknowledged_at" and isinstance(value, str):
        try:
            return moment(datetime.fromisoformat(value))
        except ValueError:
            return value
    return str(value)
