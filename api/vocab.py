"""The controlled vocabularies of domain.md. Anything outside them is refused with a 422."""

from __future__ import annotations

from enum import StrEnum


class Category(StrEnum):
    """What the person experienced, in the precedence order of domain.md."""

    seksuele_intimidatie = "seksuele_intimidatie"
    discriminatie = "discriminatie"
    agressie_geweld = "agressie_geweld"
    intimidatie = "intimidatie"
    pesten = "pesten"
    misstand = "misstand"


class Ground(StrEnum):
    """Discrimination grounds (Awgb, art. 1 Grondwet, laws on age, disability and working hours).

    `anders` is a ground the reporter named that is not in the list ("of op welke grond dan ook");
    `onbekend` means the reporter does not know the ground or would rather not say. Discriminatie
    always has a ground, possibly `onbekend`.
    """

    afkomst = "afkomst"
    nationaliteit = "nationaliteit"
    godsdienst = "godsdienst"
    geslacht = "geslacht"
    seksuele_gerichtheid = "seksuele_gerichtheid"
    handicap = "handicap"
    leeftijd = "leeftijd"
    politieke_gezindheid = "politieke_gezindheid"
    burgerlijke_staat = "burgerlijke_staat"
    arbeidsduur = "arbeidsduur"
    anders = "anders"  # any other ground
    onbekend = "onbekend"  # not known or not said: "grond niet genoemd"


class ReporterRole(StrEnum):
    medewerker = "medewerker"
    ex_medewerker = "ex_medewerker"
    extern = "extern"


class SpeakingAs(StrEnum):
    """Who is telling (domain.md "Who is speaking"): the person it happened to, or someone else."""

    rijksmedewerker = "rijksmedewerker"  # also trainee, stagiair, uitzendkracht, ingehuurd
    ex_rijksmedewerker = "ex_rijksmedewerker"
    andere_werkgever = "andere_werkgever"  # gemeente, school, zorg, a zbo, a company
    burger = "burger"  # citizen, client, visitor
    bedrijf = "bedrijf"  # supplier, company
    namens_ander = "namens_ander"  # parent, partner, friend
    getuige = "getuige"  # a colleague who saw it happen to someone else


class OtherParty(StrEnum):
    """Who did it, as their relation to the person it happened to; never a name."""

    collega = "collega"
    leidinggevende = "leidinggevende"
    ondergeschikte = "ondergeschikte"
    burger = "burger"  # citizen, client, visitor: agressie door derden
    andere_organisatie = "andere_organisatie"  # supplier, hired staff of another organisation
    onbekend = "onbekend"  # asked; not known or not said


class Relation(StrEnum):
    """How the people involved relate to the reporter; never their names."""

    collega = "collega"
    leidinggevende = "leidinggevende"
    ondergeschikte = "ondergeschikte"
    burger_of_klant = "burger_of_klant"
    anders = "anders"


class Route(StrEnum):
    """What the person wants to happen with their intake."""

    klacht_kcoo = "klacht_kcoo"
    melding_ic_rijk = "melding_ic_rijk"
    contact_meldpunt = "contact_meldpunt"
    vertrouwenspersoon = "vertrouwenspersoon"
    alleen_registreren = "alleen_registreren"
    anders = "anders"


class ContactPreference(StrEnum):
    anoniem = "anoniem"
    contact = "contact"


class Channel(StrEnum):
    chat = "chat"
    rest = "rest"
    anders = "anders"


class Language(StrEnum):
    nl = "nl"
    en = "en"


class Status(StrEnum):
    nieuw = "nieuw"
    in_behandeling = "in_behandeling"
    doorverwezen = "doorverwezen"
    afgesloten = "afgesloten"


class Committee(StrEnum):
    kcoo = "kcoo"
    ic_rijk = "ic_rijk"
    vertrouwenspersoon = "vertrouwenspersoon"
    anders = "anders"


class Outcome(StrEnum):
    niet_ontvankelijk = "niet_ontvankelijk"
    gegrond = "gegrond"
    deels_gegrond = "deels_gegrond"
    ongegrond = "ongegrond"
    anders_afgedaan = "anders_afgedaan"


class Speaker(StrEnum):
    """Who said a line of the transcript; no sender ids."""

    reporter = "reporter"
    assistant = "assistant"


class StaffRole(StrEnum):
    intake = "intake"
    admin = "admin"


class MessageAuthor(StrEnum):
    staff = "staff"
    reporter = "reporter"
