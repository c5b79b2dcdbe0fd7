"""Texts the actions compose (the static ones are responses in bot/domain/): labels and the
sentence that names what the assistant heard, in Dutch (B1) and English."""

from __future__ import annotations

from bot.vocab import CATEGORIES

UNWANTED_BEHAVIOUR = frozenset(CATEGORIES) - {"misstand"}

# "Het klinkt alsof je ..." : what the assistant heard, per category.
HEARD = {
    "nl": {
        "pesten": "Het klinkt alsof je op je werk gepest wordt: steeds weer buitengesloten, genegeerd of belachelijk gemaakt.",
        "intimidatie": "Het klinkt alsof je intimidatie hebt meegemaakt: iemand zet je onder druk of maakt je bang.",
        "seksuele_intimidatie": "Het klinkt alsof je seksuele intimidatie hebt meegemaakt.",
        "agressie_geweld": "Het klinkt alsof je agressie of geweld hebt meegemaakt.",
        "discriminatie": "Het klinkt alsof je gediscrimineerd wordt{ground}.",
        "misstand": "Het klinkt alsof je een mogelijke misstand of integriteitsschending hebt gezien.",
    },
    "en": {
        "pesten": "It sounds like you are being bullied at work: left out, ignored or made fun of, again and again.",
        "intimidatie": "It sounds like you have experienced intimidation: someone is pressuring you or making you afraid.",
        "seksuele_intimidatie": "It sounds like you have experienced sexual harassment.",
        "agressie_geweld": "It sounds like you have experienced aggression or violence.",
        "discriminatie": "It sounds like you are being discriminated against{ground}.",
        "misstand": "It sounds like you have seen a possible misstand or integrity violation.",
    },
}
# The same, for someone who saw it happen to a colleague (getuige) or speaks for someone else.
HEARD_ABOUT = {
    "nl": {
        "pesten": "Het klinkt alsof {who} op het werk gepest wordt: steeds weer buitengesloten, genegeerd of belachelijk gemaakt.",
        "intimidatie": "Het klinkt alsof {who} intimidatie meemaakt: iemand zet diegene onder druk of maakt diegene bang.",
        "seksuele_intimidatie": "Het klinkt alsof {who} seksuele intimidatie meemaakt.",
        "agressie_geweld": "Het klinkt alsof {who} agressie of geweld heeft meegemaakt.",
        "discriminatie": "Het klinkt alsof {who} gediscrimineerd wordt{ground}.",
        "misstand": "Het klinkt alsof je een mogelijke misstand of integriteitsschending hebt gezien.",
    },
    "en": {
        "pesten": "It sounds like {who} is being bullied at work: left out, ignored or made fun of, again and again.",
        "intimidatie": "It sounds like {who} is experiencing intimidation: someone is pressuring them or making them afraid.",
        "seksuele_intimidatie": "It sounds like {who} is experiencing sexual harassment.",
        "agressie_geweld": "It sounds like {who} has experienced aggression or violence.",
        "discriminatie": "It sounds like {who} is being discriminated against{ground}.",
        "misstand": "It sounds like you have seen a possible misstand or integrity violation.",
    },
}
WHO = {
    "nl": {"getuige": "je ziet dat een collega", "namens_ander": "de persoon over wie je vertelt"},
    "en": {"getuige": "you see that a colleague", "namens_ander": "the person you are telling me about"},
}
THEIR_GROUND = {
    "nl": {"je geloof": "diens geloof", "je ": "diens "},
    "en": {"your ": "their "},
}
GROUND_PHRASE = {
    "nl": {
        "afkomst": " vanwege je afkomst of huidskleur",
        "nationaliteit": " vanwege je nationaliteit",
        "godsdienst": " vanwege je geloof of levensovertuiging",
        "geslacht": " vanwege je geslacht of genderidentiteit",
        "seksuele_gerichtheid": " vanwege je seksuele gerichtheid",
        "handicap": " vanwege een handicap of chronische ziekte",
        "leeftijd": " vanwege je leeftijd",
        "politieke_gezindheid": " vanwege je politieke mening",
        "burgerlijke_staat": " vanwege je burgerlijke staat",
        "arbeidsduur": " vanwege je contract of werktijden",
        "anders": "",
    },
    "en": {
        "afkomst": " because of your descent or skin colour",
        "nationaliteit": " because of your nationality",
        "godsdienst": " because of your religion or belief",
        "geslacht": " because of your sex or gender identity",
        "seksuele_gerichtheid": " because of your sexual orientation",
        "handicap": " because of a disability or chronic illness",
        "leeftijd": " because of your age",
        "politieke_gezindheid": " because of your political opinion",
        "burgerlijke_staat": " because of your marital status",
        "arbeidsduur": " because of your contract or working hours",
        "anders": "",
    },
}
CATEGORY_BUTTON = {
    "nl": {
        "pesten": "Pesten",
        "intimidatie": "Intimidatie of bedreiging",
        "seksuele_intimidatie": "Seksuele intimidatie",
        "agressie_geweld": "Agressie of geweld",
        "discriminatie": "Discriminatie",
        "misstand": "Een misstand of integriteitsschending",
    },
    "en": {
        "pesten": "Bullying",
        "intimidatie": "Intimidation or threats",
        "seksuele_intimidatie": "Sexual harassment",
        "agressie_geweld": "Aggression or violence",
        "discriminatie": "Discrimination",
        "misstand": "A misstand or integrity violation",
    },
}
CONFIRM = {
    "nl": {"question": "Klopt dat?", "yes": "Ja, dat klopt", "no": "Nee, het is iets anders"},
    "en": {"question": "Is that right?", "yes": "Yes, that's right", "no": "No, it is something else"},
}
CHOOSE_CATEGORY = {
    "nl": "Wat past het beste bij wat je hebt meegemaakt? Kies er een, of zeg het in je eigen woorden.",
    "en": "What fits best with what you experienced? Choose one, or say it in your own words.",
}
NEXT_STEP_BUTTONS = {
    "nl": {
        "klacht_kcoo": "Een klacht indienen",
        "melding_ic_rijk": "Een melding doen",
        "contact_meldpunt": "Contact met het Meldpunt",
        "alleen_registreren": "Alleen laten vastleggen",
        "vertrouwenspersoon": "Eerst praten met een vertrouwenspersoon",
        "informeel": "Zelf een gesprek aangaan",
        "nadenken": "Ik denk er nog over na",
    },
    "en": {
        "klacht_kcoo": "File a complaint",
        "melding_ic_rijk": "Make a report",
        "contact_meldpunt": "Contact the Meldpunt",
        "alleen_registreren": "Only have it recorded",
        "vertrouwenspersoon": "First talk to a vertrouwenspersoon",
        "informeel": "Have a conversation myself",
        "nadenken": "I'll think about it",
    },
}
UNKNOWN_ORGANISATION = "onbekend"


def language_of(slot_value: object) -> str:
    return "en" if slot_value == "en" else "nl"


def heard(category: str, ground: str | None, language: str, speaker: str | None = None) -> str:
    """ "Het klinkt alsof je ...": what the assistant heard, said to fit who is speaking."""
    phrase = GROUND_PHRASE[language].get(ground or "anders", "")
    if speaker in WHO[language]:
        for mine, theirs in THEIR_GROUND[language].items():
            phrase = phrase.replace(mine, theirs)
        sentence = HEARD_ABOUT[language][category].format(who=WHO[language][speaker], ground="{ground}")
        if speaker == "getuige" and language == "nl":
            # "je ziet dat een collega ... gepest wordt": the verb goes to the end in a Dutch clause.
            sentence = sentence.replace("op het werk gepest wordt:", "op het werk wordt gepest:")
    else:
        sentence = HEARD[language][category]
    return sentence.format(ground=phrase) if category == "discriminatie" else sentence
