"""Reading "when did it happen" the way people say it, in Dutch or English.

"vorige week dinsdag", "gisteren", "3 maart", "twee weken geleden" become a date; "sinds de zomer",
"al maanden", "nog steeds" mean it still goes on. What cannot be read as a date is kept as the
person's own words (occurred_period), never thrown away and never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

WEEKDAYS = {
    **dict.fromkeys(["maandag", "ma", "monday", "mon"], 0),
    **dict.fromkeys(["dinsdag", "di", "tuesday", "tue"], 1),
    **dict.fromkeys(["woensdag", "wo", "wednesday", "wed"], 2),
    **dict.fromkeys(["donderdag", "do", "thursday", "thu"], 3),
    **dict.fromkeys(["vrijdag", "vr", "friday", "fri"], 4),
    **dict.fromkeys(["zaterdag", "za", "saturday", "sat"], 5),
    **dict.fromkeys(["zondag", "zo", "sunday", "sun"], 6),
}
MONTHS = {
    **dict.fromkeys(["januari", "jan", "january"], 1),
    **dict.fromkeys(["februari", "feb", "february"], 2),
    **dict.fromkeys(["maart", "mrt", "march", "mar"], 3),
    **dict.fromkeys(["april", "apr"], 4),
    **dict.fromkeys(["mei", "may"], 5),
    **dict.fromkeys(["juni", "jun", "june"], 6),
    **dict.fromkeys(["juli", "jul", "july"], 7),
    **dict.fromkeys(["augustus", "aug", "august"], 8),
    **dict.fromkeys(["september", "sep", "sept"], 9),
    **dict.fromkeys(["oktober", "okt", "october", "oct"], 10),
    **dict.fromkeys(["november", "nov"], 11),
    **dict.fromkeys(["december", "dec"], 12),
}
NUMBERS = {
    "een": 1, "één": 1, "a": 1, "an": 1, "one": 1, "twee": 2, "two": 2, "drie": 3, "three": 3,
    "vier": 4, "four": 4, "vijf": 5, "five": 5, "zes": 6, "six": 6,
}  # fmt: skip
UNITS = {
    **dict.fromkeys(["dag", "dagen", "day", "days"], 1),
    **dict.fromkeys(["week", "weken", "weeks"], 7),
}
ONGOING = re.compile(
    r"\b(sinds|al (maanden|weken|jaren|een tijd|lang)|nog steeds|nog altijd|gaat (nog )?door|elke (dag|week)|"
    r"steeds weer|since|for (months|weeks|years)|still|ongoing|every (day|week)|keeps? happening)\b",
    re.IGNORECASE,
)
STOPPED = re.compile(
    r"\b(eenmalig|één keer|een keer|is gestopt|niet meer|once|only once|has stopped)\b", re.I
)
ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
# 12-10, 12/10/2026, 12.10.2026; "om 9.30" is a time, so dots only with a year.
NUMERIC = re.compile(r"\b(\d{1,2})(?:[-/](\d{1,2})(?:[-/](\d{2,4}))?|\.(\d{1,2})\.(\d{2,4}))\b")
DAY_MONTH = re.compile(r"\b(\d{1,2})\s+([a-z]+)\.?(?:\s+(\d{4}))?\b", re.IGNORECASE)
MONTH_DAY = re.compile(r"\b([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?\b", re.IGNORECASE)
AGO = re.compile(r"\b(\d+|[a-zéë]+)\s+(dag|dagen|week|weken|day|days|weeks)\s+(geleden|ago)\b", re.I)
LAST_WEEKDAY = re.compile(r"\b(vorige week|afgelopen|vorige|last|past)\s+([a-z]+)\b", re.IGNORECASE)
PLAIN_WEEKDAY = re.compile(r"\b(op\s+|on\s+)?([a-z]+dag|monday|tuesday|wednesday|thursday|friday)\b", re.I)
MAX_PERIOD_CHARS = 200


@dataclass(frozen=True)
class When:
    occurred_on: date | None
    occurred_period: str | None
    ongoing: bool | None


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _not_future(found: date | None, today: date) -> date | None:
    """A day and month without a year are the most recent past one ("3 maart" in November)."""
    if found is not None and found > today:
        return _safe_date(found.year - 1, found.month, found.day)
    return found


def _year(text: str | None, today: date) -> int | None:
    if not text:
        return None
    year = int(text)
    return year + 2000 if year < 100 else year


def exact_date(text: str, today: date) -> date | None:
    lowered = text.lower()
    if re.search(r"\b(vandaag|today|vanochtend|vanmorgen|vanmiddag|this morning)\b", lowered):
        return today
    if re.search(r"\beergisteren\b|\bday before yesterday\b", lowered):
        return today - timedelta(days=2)
    if re.search(r"\b(gisteren|yesterday|gisteravond|last night)\b", lowered):
        return today - timedelta(days=1)
    if m := ISO.search(lowered):
        return _safe_date(int(m[1]), int(m[2]), int(m[3]))
    for m in NUMERIC.finditer(lowered):  # day first, as the Dutch write it
        month, year = (m[2], _year(m[3], today)) if m[2] else (m[4], _year(m[5], today))
        found = _safe_date(year or today.year, int(month), int(m[1]))
        if found is not None:
            return found if year else _not_future(found, today)
    m = AGO.search(lowered)
    amount = (int(m[1]) if m[1].isdigit() else NUMBERS.get(m[1])) if m else None
    if m and amount is not None:
        return today - timedelta(days=amount * UNITS[m[2]])
    m = LAST_WEEKDAY.search(lowered)
    if m and m[2] in WEEKDAYS:
        weekday = WEEKDAYS[m[2]]
        if m[1] == "vorige week":  # the given day in the week before this one
            return today - timedelta(days=today.weekday() + 7 - weekday)
        return today - timedelta(days=(today.weekday() - weekday - 1) % 7 + 1)
    for pattern, day_group, month_group in ((DAY_MONTH, 1, 2), (MONTH_DAY, 2, 1)):
        for m in pattern.finditer(lowered):
            if m[month_group] not in MONTHS:
                continue
            year = _year(m[3], today)
            found = _safe_date(year or today.year, MONTHS[m[month_group]], int(m[day_group]))
            if found is not None:
                return found if year else _not_future(found, today)
    m = PLAIN_WEEKDAY.search(lowered)
    if m and m[2] in WEEKDAYS:  # "dinsdag", "op maandag": the most recent one
        return today - timedelta(days=(today.weekday() - WEEKDAYS[m[2]] - 1) % 7 + 1)
    return None


def read_when(text: str, *, today: date) -> When:
    """A date when one can be read, the person's words otherwise, and whether it still goes on."""
    words = " ".join(text.split())[:MAX_PERIOD_CHARS]
    ongoing = True if ONGOING.search(words) else (False if STOPPED.search(words) else None)
    found = exact_date(words, today)
    if found is not None and found > today:
        found = None  # a date in the future is not when something happened: keep the words
    return When(occurred_on=found, occurred_period=None if found else words or None, ongoing=ongoing)
