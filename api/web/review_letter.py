"""The figures shaped like the letter to parliament of 13 January 2026 (seed 000), and their chart.

The letter counts the KCOO's complaints of a half year per subject, largest first, in its own words
("13 over intimidatie (algemeen), 8 over pesten, 7 over discriminatie op grond van huidskleur,
afkomst, etniciteit of godsdienst, ..."), then what the KCOO decided ("3 niet-ontvankelijk, 2 gegrond,
2 (deels) gegrond"; the rest "nog in behandeling of op andere wijze afgedaan"). The rows below add up
`api.stats.figures`' category-and-ground cells to exactly those subjects.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from api.stats import Figures
from api.vocab import Committee
from api.web.review_labels import MONTHS

# (subject as the letter words it, category, grounds or None for every ground), in the letter's order.
SUBJECTS: tuple[tuple[str, str, tuple[str | None, ...] | None], ...] = (
    ("Intimidatie (algemeen)", "intimidatie", None),
    ("Pesten", "pesten", None),
    (
        "Discriminatie op grond van huidskleur, afkomst, etniciteit of godsdienst",
        "discriminatie",
        ("afkomst", "godsdienst"),
    ),
    ("Seksuele intimidatie", "seksuele_intimidatie", None),
    ("Agressie of geweld (ook verbaal geweld)", "agressie_geweld", None),
    ("Discriminatie op grond van handicap", "discriminatie", ("handicap",)),
    ("Discriminatie op grond van leeftijd", "discriminatie", ("leeftijd",)),
    ("Discriminatie op grond van nationaliteit", "discriminatie", ("nationaliteit",)),
    ("Discriminatie op grond van geslacht of genderidentiteit", "discriminatie", ("geslacht",)),
    ("Discriminatie op grond van seksuele gerichtheid", "discriminatie", ("seksuele_gerichtheid",)),
    ("Discriminatie op grond van politieke gezindheid", "discriminatie", ("politieke_gezindheid",)),
    ("Discriminatie op grond van burgerlijke staat", "discriminatie", ("burgerlijke_staat",)),
    ("Discriminatie op grond van arbeidsduur of soort contract", "discriminatie", ("arbeidsduur",)),
    ("Discriminatie op een andere grond", "discriminatie", ("anders",)),
    ("Discriminatie, grond niet genoemd", "discriminatie", ("onbekend", None)),
    ("Misstand of integriteitsschending", "misstand", None),
)
# What the letter names of the outcomes, in its order; the rest is one row.
OUTCOMES = (
    ("niet_ontvankelijk", "Niet-ontvankelijk"),
    ("gegrond", "Gegrond verklaard"),
    ("deels_gegrond", "Deels gegrond verklaard"),
    ("ongegrond", "Ongegrond verklaard"),
)
OTHER_OUTCOMES = "Nog in behandeling of op andere wijze afgedaan"
WHAT = {
    Committee.kcoo: "Klachten bij de KCOO",
    Committee.ic_rijk: "Meldingen bij de IC Rijk",
    Committee.vertrouwenspersoon: "Intakes doorgestuurd naar een vertrouwenspersoon",
    Committee.anders: "Intakes met een andere route",
}
ALL = "Klachten en meldingen bij het Meldpunt"


@dataclass(frozen=True)
class Line:
    label: str
    count: int


def subjects(fig: Figures) -> list[Line]:
    """The letter's rows with a count above zero, largest first (ties in the letter's order)."""
    counts = [
        Line(
            label,
            sum(
                cell.count or 0
                for cell in fig.by_category_ground
                if cell.key == category and (grounds is None or cell.ground in grounds)
            ),
        )
        for label, category, grounds in SUBJECTS
    ]
    return sorted((line for line in counts if line.count), key=lambda line: -line.count)


def outcomes(fig: Figures) -> list[Line]:
    named = {cell.key: cell.count or 0 for cell in fig.by_outcome}
    lines = [Line(label, named.get(key, 0)) for key, label in OUTCOMES]
    return [*lines, Line(OTHER_OUTCOMES, (fig.total or 0) - sum(line.count for line in lines))]


def long_date(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def caption(fig: Figures) -> str:
    """'Klachten bij de KCOO, 1 juli 2025 tot en met 31 december 2025'."""
    what = WHAT.get(fig.committee, ALL) if fig.committee else ALL
    if fig.received_from and fig.received_to:
        return f"{what}, {long_date(fig.received_from)} tot en met {long_date(fig.received_to)}"
    return what


# --- the chart: one bar per row, its label above it; the width follows the page (viewBox) -------

CHART_WIDTH = 640
ROW_HEIGHT = 46
BAR_HEIGHT = 16
VALUE_SPACE = 48  # room after the longest bar for its number


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    label_y: int
    bar_y: int
    width: int
    value_x: int
    value_y: int


def bars(lines: list[Line]) -> tuple[list[Bar], int]:
    """The bars of the chart and its height."""
    top = max((line.count for line in lines), default=0) or 1
    result = []
    for i, line in enumerate(lines):
        y = i * ROW_HEIGHT
        width = max(2, round((CHART_WIDTH - VALUE_SPACE) * line.count / top))
        result.append(Bar(line.label, line.count, y + 16, y + 22, width, width + 8, y + 22 + BAR_HEIGHT - 3))
    return result, len(lines) * ROW_HEIGHT
