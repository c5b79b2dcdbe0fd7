"""Who is speaking, and who did it (domain.md "Who is speaking, and who did it").

Read from the person's own words, so that the assistant asks only what the story has not said:
"als ondernemer", "mijn zoon loopt stage bij ...", "ik werk bij de gemeente", "een burger aan de
balie", "ik zag dat een collega ...". Plain patterns, not a trained model: the phrases are few and
fixed, and a wrong guess here is cheap (the role question still follows where nothing is certain).

speaker      rijksmedewerker, ex_rijksmedewerker, andere_werkgever, burger, bedrijf, namens_ander,
             getuige
other_party  collega, leidinggevende, ondergeschikte, burger, andere_organisatie, onbekend (asked,
             not known)
reporter_role (the contract slot) is the work relation of the person it happened to: medewerker,
             ex_medewerker or extern.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from api.organisations import INSIDE, OUTSIDE, UNCERTAIN

SPEAKERS = (
    "rijksmedewerker",
    "ex_rijksmedewerker",
    "andere_werkgever",
    "burger",
    "bedrijf",
    "namens_ander",
    "getuige",
)
UNKNOWN_PARTY = "onbekend"  # asked, and they do not know or would rather not say
OTHER_PARTIES = ("collega", "leidinggevende", "ondergeschikte", "burger", "andere_organisatie", UNKNOWN_PARTY)
ROLE_OF_SPEAKER = {
    "rijksmedewerker": "medewerker",
    "ex_rijksmedewerker": "ex_medewerker",
    "andere_werkgever": "extern",
    "burger": "extern",
    "bedrijf": "extern",
}
SPEAKER_OF_ROLE = {"medewerker": "rijksmedewerker", "ex_medewerker": "ex_rijksmedewerker"}
# Speakers whose own role is not the role that counts: the question is about the other person.
FOR_SOMEONE_ELSE = frozenset(["namens_ander", "getuige"])


def _rx(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


# zbo's with their own legal personality are another employer (domain.md), even though the KCOO
# list names them as outside its scope.
ZBO = _rx(r"\buwv\b", r"\bsvb\b", r"\bcbs\b", r"\bkadaster\b", r"\bzbo\b")
# Short names that are also ordinary words ("om", "ez") and organisations outside the Rijk (the police)
# are left out when a name is looked for in running text.
AMBIGUOUS = frozenset([r"\bom\b", r"\bez\b", r"\baz\b", r"\bpolitie\b", r"\bpolice\b", r"\bjustice\b"])
RIJK = _rx(
    *(p for p in (*INSIDE, *UNCERTAIN, *OUTSIDE) if p not in AMBIGUOUS),
    r"\bhet rijk\b",
    r"\brijks\w+",
    r"\bind\b",
    r"\bdji\b",
    r"\bcentral government\b",
    r"\bthe dutch government\b",
    r"\btax office\b",
    r"\bpi\b",
    r"\bpenitentiaire inrichting\b",
    r"\bgevangenis\b",
    r"\brws\b",
    r"\blnv\b",
    r"\bcjib\b",
    r"\bnfi\b",
    r"\bdictu\b",
)
ELSEWHERE = _rx(
    r"\bgemeente\w*",
    r"\bprovincie\w*",
    r"\bwaterschap\w*",
    r"\bschool\b",
    r"\bbasisschool\b",
    r"\bmbo\b",
    r"\bhogeschool\b",
    r"\buniversiteit\b",
    r"\bziekenhuis\w*",
    r"\bzorg\w*",
    r"\bverpleeghuis\b",
    r"\bthuiszorg\b",
    r"\bbedrijf\b",
    r"\bwinkel\b",
    r"\bsupermarkt\b",
    r"\bfabriek\b",
    r"\bwoningcorporatie\b",
    r"\bggd\b",
    r"\bkinderopvang\b",
    r"\bcr[eè]che\b",
    r"\bmunicipality\b",
    r"\bcouncil\b",
    r"\bhospital\b",
    r"\bcompany\b",
    r"\bcare home\b",
    r"\ba shop\b",
    r"\buniversity\b",
    r"\bpolitie\b",
    r"\bpolice\b",
    ZBO.pattern,
)
# "ik werk bij ...", "I work at ...": the words after it say for whom.
WORKS_AT = _rx(
    r"\bik (?:werk|wer|werkt|zit|ben)\s+(?:[\w'-]+\s+){0,5}?(?:bij|op|voor)\b",
    r"\bik (?:werk|ben werkzaam) in\b",
    r"\bik ben (?:[\w'-]+\s+){1,3}in (?:het|de|een)\b",
    r"\bik loop (?:\w+\s+){0,2}stage\s+(?:bij|op|in)\b",
    r"\b(?:mijn|m'n|onze|my|our) (?:\w+\s+)?(?:werk|werkgever|afdeling|baan|stage|teamleider|leidinggevende|"
    r"manager|baas|collega'?s|team|boss|colleagues|employer|department|job|internship)\s+(?:bij|op|at|is)\b",
    r"\bbij ons op (?:de|het)\b",
    r"\bi(?:'m| am| work| worked)\s+(?:[\w'-]+\s+){0,6}?(?:at|for)\b",
    r"\bmy (?:job|employer|internship|department) (?:at|is)\b",
)
RIJK_SELF = _rx(r"\bik ben (?:een |nu )?rijks(?:trainee|ambtenaar|medewerker)\b", r"\brijkstrainee\b")
EX = _rx(
    r"\bik werkte\b",
    r"\bik heb .{0,40}\bgewerkt\b",
    r"\bvroeger\b.{0,30}\bwerk",
    r"\boud-?(?:medewerker|collega)\b",
    r"\bex-?(?:medewerker|werknemer|collega)\b",
    r"\b(?:werk|ben) (?:\w+\s+)?niet meer (?:bij|in dienst|werkzaam)",
    r"\bsinds ik (?:weg|ontslagen)\b",
    r"\b(?:bij|at) (?:\S+\s+){1,4}(?:vertrokken|weggegaan|gestopt|ontslagen)\b",
    r"\bna mijn ontslag\b",
    r"\bben (?:weg|vertrokken|ontslagen)\b",
    r"\bi used to work\b",
    r"\bi (?:have )?left\b",
    r"\bformer (?:employee|colleague)\b",
    r"\bi worked (?:at|for)\b",
    r"\bno longer (?:work|employed)\b",
)
RELATIVE_NL = (
    r"(?:zoon|dochter|man|vrouw|partner|vriend|vriendin|moeder|vader|broer|zus|zoontje|dochtertje|neef|"
    r"nicht|kind|schoonzoon|schoondochter|echtgeno(?:ot|te)|vrouwtje|mannetje)"
)
RELATIVE_EN = (
    r"(?:son|daughter|husband|wife|partner|boyfriend|girlfriend|friend|mother|father|brother|sister)"
)
# The relative is the one it happened to: "mijn zoon werkt ... en wordt ...", not "bij mijn broer".
ON_BEHALF = _rx(
    rf"(?<!\bbij )(?<!\bmet )(?<!\bvan )(?<!\bvoor )\b(?:mijn|m'n|onze) {RELATIVE_NL}\b"
    r"(?:\s*\([^)]*\))?(?:,? \w+,?)?\s+"
    r"(?:werkt|is|wordt|werd|loopt|heeft|had|kreeg|krijgt|zit|durft|vertelde|vertelt|kan|moet|was|kwam|komt)\b",
    r"\bik ben (?:de |zijn |haar |hun )?(?:moeder|vader|partner|vriend|vriendin|zus|broer|man|vrouw|ouder)\b",
    r"\bnamens\b",
    r"\bvoor (?:een vriend|een vriendin|iemand anders)\b",
    rf"\b(?:zorgen (?:om|over)|bezorgd (?:om|over)) (?:mijn|m'n) {RELATIVE_NL}\b",
    r"\b(?:asking )?for a friend\b",
    rf"\bworried about my {RELATIVE_EN}\b",
    rf"(?<!\bwith )(?<!\bfor )(?<!\babout )\bmy {RELATIVE_EN}\b(?!'s)\s+(?:\w+\s+)?"
    r"(?:works|is|was|has|had|got|gets|told|came|interns|started)\b",
    r"\bon behalf of\b",
    r"\bi am (?:his|her|their) (?:mother|father|parent|partner|wife|husband|friend)\b",
)
WITNESS = _rx(
    r"\bik (?:zag|zie|hoorde|hoor|merk|merkte|heb (?:gezien|gehoord|gemerkt))\b.{0,40}"
    r"\b(?:hoe|dat) (?:een |mijn |onze |die )?(?:collega|stagiair|medewerker|nieuwe)\w*\b",
    r"\b(?:een|mijn|onze) collega\w* (?:wordt|werd|is|krijgt|kreeg)\b(?! (?:ik|mij|me)\b)",
    r"\bik ben (?:gewoon |maar )?(?:een |haar |zijn )?collega van (?:haar|hem)\b",
    r"\bgetuige\b",
    r"\bniet over mij\b",
    r"\bniet om mij\b",
    r"\bhet gaat om een collega\b",
    r"\bi (?:saw|see|witnessed|heard|noticed)\b.{0,40}\b(?:a|my|our) colleague\b",
    r"\b(?:a|my) colleague (?:is|was|gets|got) being\b",
    r"\bnot about me\b",
)
CITIZEN = _rx(
    r"\bals (?:burger|klant|bezoeker|aanvrager|belastingbetaler|ouder|student|client|cli[eë]nt)\b",
    r"\bik (?:belde|bel|ging|kwam|was)\b.{0,40}\b(?:over mijn|aan de balie|aan het loket|voor mijn "
    r"(?:aanvraag|aanslag|toeslag|uitkering|vergunning|paspoort|verblijfs\w+|studiefinanciering))",
    r"\bmijn (?:aanslag|aanvraag|toeslag\w*|uitkering|studiefinanciering|verblijfsvergunning|"
    r"belastingaangifte|studieschuld|bezwaar)\b",
    r"\bik ben (?:gewoon )?(?:een )?(?:burger|klant|bezoeker)\b",
    r"\bik (?:kwam|was|stond|ging|moest)\b.{0,20}\b(?:aan|bij|naar) (?:de|het) (?:balie|loket)\b",
    r"\bop bezoek\b",
    r"\buit de rij gehaald\b",
    r"\bde (?:douanier|douane|marechaussee|bewaarder|controleur|inspecteur|behandelaar)\b"
    r"(?=.{0,120}\b(?:mij|me|ik|mijn)\b)",
    r"\bik (?:kreeg|ontving|heb) (?:een )?"
    r"(?:brief|beschikking|aanslag|boete|naheffing|terugvordering)\w* van\b",
    r"\bmet pech\b",
    r"\b(?:een|die|de) (?:\w+ )?(?:ambtenaar|medewerker|beambte|inspecteur|weginspecteur|controleur|"
    r"bewaarder|douanier|baliemedewerk(?:er|ster)|medewerkster|behandelaar|agent) "
    r"(?:van|bij) (?:de|het|\w+)\b"
    r"(?=.{0,80}\b(?:mij|me|ik|mijn)\b)",
    r"\bklacht over (?:een|de|die) (?:ambtenaar|medewerker)\b",
    r"\bas a (?:citizen|customer|visitor|client)\b",
    r"\bi(?:'m| am) (?:just )?a (?:citizen|member of the public)\b",
    r"\bmy (?:tax (?:return|assessment)|application|benefit|visa|residence permit)\b",
    r"\bcomplain about (?:a|the|one) (?:civil servant|official|employee)\b",
)
COMPANY = _rx(
    r"\bals (?:ondernemer|leverancier|zzp'?er|zelfstandige|aannemer|eigenaar)\b",
    r"\b(?:mijn|ons) (?:bedrijf|onderneming|bedrijfje|zaak|winkel|restaurant|bureau)\b",
    r"\bik ben (?:een )?(?:ondernemer|leverancier|zzp'?er|zelfstandige|aannemer)\b",
    r"\b(?:wij|we) leveren\b",
    r"\bwij zijn een (?:\S+\s+){0,2}\S*bedrijf\w*",
    r"\bik heb (?:een |mijn )?(?:eigen )?\S*bedrijf\w*",
    r"\bwe are a (?:\S+\s+){0,2}(?:company|firm|business)\b",
    r"\bonze offerte\b",
    r"\bas a (?:supplier|contractor|business owner|freelancer|company)\b",
    r"\bmy (?:company|business|firm)\b",
)

# Who did it. "door mijn leidinggevende" names the one who did it most surely.
PARTY_WORDS = {
    "leidinggevende": (
        r"leidinggevenden?",
        r"baas",
        r"manager",
        r"teamleider",
        r"teamleidster",
        r"afdelingshoofd",
        r"hoofd van (?:de|mijn|onze) afdeling",
        r"chef",
        r"directeur",
        r"stagebegeleider",
        r"begeleider",
        r"teamcoach",
        r"unitmanager",
        r"\w*-?manager",
        r"supervisor",
        r"boss",
        r"line manager",
        r"team ?lead(?:er)?",
        r"(?:ons|mijn|m'n|onze) hoofd",
        r"afdelingsmanager",
        r"mt-lid",
        r"directie",
        r"head of (?:department|unit)",
        r"director",
    ),
    "ondergeschikte": (
        r"medewerker van mij",
        r"iemand (?:uit|van) mijn team",
        r"een van mijn medewerkers",
        r"mijn medewerkers?",
        r"iemand aan wie ik leiding geef",
        r"iemand die ik aanstuur",
        r"(?:one of )?my (?:team members?|staff|direct reports?|reports)",
        r"someone i manage",
    ),
    "burger": (
        r"burgers?",
        r"klant(?:en)?",
        r"bezoekers?",
        r"cli[eë]nt(?:en)?",
        r"bellers?",
        r"aanvragers?",
        r"gedetineerden?",
        r"asielzoekers?",
        r"iemand aan de balie",
        r"aan het loket",
        r"aan de balie",
        r"citizens?",
        r"customers?",
        r"visitors?",
        r"members? of the public",
        r"callers?",
        r"inmates?",
        r"(?:een|die|de) (?:man|vrouw|meneer|mevrouw|persoon|jongen|klant) aan de (?:lijn|telefoon|balie)",
        r"automobilist\w*",
        r"weggebruikers?",
        r"reizigers?",
        r"passagiers?",
        r"(?:a|the) (?:man|woman|guy|person) (?:on the phone|at the desk|at the counter)",
        r"applicants?",
        r"pati[eë]nt(?:en)?",
        r"leerlingen?",
        r"(?:vader|moeder|ouders?) van een (?:leerling|kind|cli[eë]nt|pati[eë]nt)",
        r"students?",
        r"patients?",
        r"pupils?",
    ),
    "andere_organisatie": (
        r"leverancier\w*",
        r"ingehuurde?",
        r"inhuurkracht",
        r"extern(?:e)? (?:adviseur|inhuur|kracht|partij)",
        r"beveiliger\w* van",
        r"schoonma\w+",
        r"van een extern\w* \S*bedrijf",
        r"extern\w* \S*bedrijf",
        r"aannemer\w*",
        r"iemand van (?:een ander|een andere|het) "
        r"(?:bedrijf|organisatie|ministerie)",
        r"iemand van buiten",
        r"contractor\w*",
        r"suppliers?",
        r"consultants?",
        r"someone from another (?:company|organisation|organization)",
    ),
    "collega": (
        r"collega'?s?",
        r"teamgeno(?:ot|ten)",
        r"kamergeno(?:ot|ten)",
        r"co-?workers?",
        r"colleagues?",
    ),
}
PARTY = {party: _rx(*(rf"\b{w}\b" for w in words)) for party, words in PARTY_WORDS.items()}
AGENT = re.compile(
    r"\b(?:door|van|by|from)\s+(?:mijn|m'n|onze|ons|een|de|het|haar|zijn|hun|my|our|a|the|her|his)\s+"
    r"(?:eigen\s+|nieuwe\s+|new\s+|own\s+)?",
    re.IGNORECASE,
)
# A leader who says it themselves: "ik ben teamleider en een medewerker van mij ..."
I_LEAD = _rx(
    r"\bik (?:ben|werk als) (?:\w+\s+){0,5}(?:leidinggevende|teamleider|manager|chef|afdelingshoofd)\b",
    r"\bi am (?:a |the )?(?:manager|team lead(?:er)?|supervisor)\b",
    r"\bmijn team\b(?=.{0,40}\bmedewerker)",
)


SELF = re.compile(
    r"(?:\bik ben|\bik werk als|\bi'?m|\bi am|\bwork(?:ing)? as|\bhired as|\bals)\s+"
    r"(?:(?!en\b|and\b|maar\b|but\b)[\w'-]+\s+){0,4}$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Situation:
    speaker: str | None = None
    other_party: str | None = None
    reporter_role: str | None = None
    organisation: str | None = None  # the Rijk organisation, as the story names it


PHRASE_END = re.compile(
    r"[.,;:!?()\n]|\s(?:en|and|maar|but|sinds|since|als|as|waar|where|omdat|because)\s", re.I
)
LEADING_ARTICLE = re.compile(r"^(?:de|het|een|the|a|an)\s+", re.I)


def name_in(window: str) -> str:
    """The organisation's name at the start of `window`: up to the end of the phrase, 8 words at most."""
    end = PHRASE_END.search(window)
    words = (window[: end.start()] if end else window).split()[:8]
    return LEADING_ARTICLE.sub("", " ".join(words)).strip()


def employer_named(text: str, pattern: re.Pattern[str] = WORKS_AT) -> tuple[str | None, str | None]:
    """('rijk' or 'elders', the name as written) for the employer right after "ik werk bij"."""
    for match in pattern.finditer(text):
        phrase = name_in(text[match.end() : match.end() + 80])
        kind = employer_of(phrase)
        if kind:
            return kind, organisation_in(phrase)
    return None, None


ORGANISATION = _rx(ZBO.pattern, RIJK.pattern, ELSEWHERE.pattern)
# "ministerie van BZK", "rijksdienst voor het cultureel erfgoed", "ministry of finance": the words after.
NAME_TAIL = re.compile(
    r"\s+(?:van|voor|of|for)(?:\s+(?!(?:gewerkt|zegt|is|was|in|at|until|tot)\b)[\w&'-]+){1,4}", re.I
)


def organisation_in(phrase: str) -> str:
    """The organisation's name in "de belastingdienst zegt steeds ...": "belastingdienst"."""
    found = ORGANISATION.search(phrase)
    if not found:
        return phrase
    tail = NAME_TAIL.match(phrase, found.end())
    return phrase[found.start() : tail.end() if tail else found.end()]


def employer_after(text: str) -> str | None:
    """'rijk' or 'elders' for the employer named right after "ik werk bij", or None."""
    return employer_named(text)[0]


def employer_of(text: str) -> str | None:
    """'rijk' or 'elders' for a short answer about where someone works ("bij de gemeente")."""
    if ZBO.search(text):
        return "elders"
    if RIJK.search(text):
        return "rijk"
    if ELSEWHERE.search(text):
        return "elders"
    return None


# "onze manager heeft een collega van mij uitgescholden": a colleague is the one it happened to ...
_A_COLLEAGUE = re.compile(
    r"\b(?:een|mijn|onze|m'?n|mn) (?:collega|stagiair|medewerker|teamgenoot)\w*(?: van (?:mij|me|ons))?\b"
    r"|\b(?:a|my|one of my) (?:colleague|co-?worker|team ?mate|intern)s?(?: of mine)?\b",
    re.IGNORECASE,
)
# ... and the writer is nowhere the one it happened to (no "me", "mij", "mijn ...", "ik word").
_SELF_AS_TARGET = re.compile(
    r"\b(?:me|mij|mijn|m'?n|mn|myself|my|mine|we|wij|ons|us)\b|\b(?:en|and) (?:ik|i)\b"
    r"|\bik (?:word|werd|ben|voel)\b|\bi (?:am|was|get|got|feel)\b",
    re.IGNORECASE,
)


def about_a_colleague_only(text: str) -> bool:
    """A story about what happened to a colleague, in which the writer is only there: a witness
    without "ik zag" ("iedereen zag het, ik ook")."""
    if not _A_COLLEAGUE.search(text):
        return False
    return not _SELF_AS_TARGET.search(_A_COLLEAGUE.sub(" ", text))


def read_speaker(text: str) -> str | None:
    """Who is speaking, where the story says it; None where it does not."""
    if ON_BEHALF.search(text) and not re.search(
        r"\b(?:ik|i)\b.{0,30}\bmijn (?:zoon|dochter)\b.{0,20}\bthuis\b", text, re.I
    ):
        return "namens_ander"
    if WITNESS.search(text) or about_a_colleague_only(text):
        return "getuige"
    employer = employer_after(text)
    if employer == "elders":
        return "andere_werkgever"
    if EX.search(text):
        return "ex_rijksmedewerker"
    if employer == "rijk" or RIJK_SELF.search(text):
        return "rijksmedewerker"
    if COMPANY.search(text):
        return "bedrijf"
    if CITIZEN.search(text) or called_an_organisation(text):
        return "burger"
    return None


CALLED = re.compile(
    r"\bik (?:heb )?(?:gebeld|belde|gemaild|mailde|geschreven|schreef|was) (?:met|naar|bij) ", re.IGNORECASE
)


def called_an_organisation(text: str) -> bool:
    """ "ik heb gebeld met dienst toeslagen": someone outside who contacted a Rijk organisation."""
    return any(RIJK.search(text[m.end() : m.end() + 40]) for m in CALLED.finditer(text))


def read_other_party(text: str, speaker: str | None = None) -> str | None:
    """Who did it, where the story says it: "door X" first, then the first one named."""
    lowered = text.lower()
    for agent in AGENT.finditer(lowered):
        after = lowered[agent.end() : agent.end() + 40]
        for party, pattern in PARTY.items():
            hit = pattern.match(after)
            if hit:
                return party
    if (
        I_LEAD.search(lowered)
        and PARTY["ondergeschikte"].search(lowered)
        or (I_LEAD.search(lowered) and re.search(r"\b(?:een|mijn) medewerker\b", lowered))
    ):
        return "ondergeschikte"
    hits: list[tuple[int, str]] = []
    for party, pattern in PARTY.items():
        for hit in pattern.finditer(lowered):
            if SELF.search(lowered[max(0, hit.start() - 40) : hit.start()]):
                continue  # "ik ben teamleider", "I'm hired as an external consultant": the speaker
            hits.append((hit.start(), party))
            break
    hits.sort()
    if speaker == "getuige" and len(hits) > 1 and hits[0][1] == "collega":
        # "ik zag dat een collega door ... werd": the first colleague is the one it happened to.
        hits = hits[1:]
    if speaker in ("burger", "bedrijf"):
        return None  # they complain about a civil servant; the civil servant is who did it
    return hits[0][1] if hits else None


def read_situation(text: str, category: str | None = None) -> Situation:
    speaker = read_speaker(text)
    if speaker == "getuige" and category == "misstand":
        # Someone who saw fraud is the one reporting it; "witness" is for what happens to a colleague.
        employer = employer_after(text)
        speaker = {"rijk": "rijksmedewerker", "elders": "andere_werkgever"}.get(employer or "")
        if speaker is None and EX.search(text):
            speaker = "ex_rijksmedewerker"
    role = ROLE_OF_SPEAKER.get(speaker or "")
    kind, organisation = employer_named(text)
    if speaker == "namens_ander":
        kind, organisation = employer_named(text, PERSON_WORKS)
    if speaker in FOR_SOMEONE_ELSE:
        role = {"rijk": "medewerker", "elders": "extern"}.get(kind or "")
        if speaker == "getuige" and role is None and RIJK.search(text):
            role = "medewerker"
    if speaker in ("rijksmedewerker", "ex_rijksmedewerker") and kind != "rijk":
        kind, organisation = employer_named(text, AT_ORGANISATION)
    organisation = organisation if role in ("medewerker", "ex_medewerker") and kind == "rijk" else None
    if organisation and organisation.lower() in VAGUE_NAMES:
        organisation = None  # "een ministerie": which one decides the KCOO's scope, so it is asked
    return Situation(
        speaker=speaker,
        other_party=read_other_party(text, speaker),
        reporter_role=role,
        organisation=organisation,
    )


VAGUE_NAMES = frozenset(["ministerie", "ministry", "het rijk", "rijk", "rijksoverheid", "the ministry"])
# "bij LNV", "at the ministry of finance": where a rijksmedewerker's story names the organisation.
AT_ORGANISATION = re.compile(r"\b(?:bij|op|voor|at|for)\b", re.IGNORECASE)


PERSON_WORKS = re.compile(
    r"\b(?:werkt|zit|loopt (?:\w+\s+)?stage|is (?:stagiai?re?|trainee|in dienst|werkzaam|ambtenaar)|"
    r"works|is an intern|is interning)\b\s*(?:\S+\s+){0,3}?(?:bij|op|in|voor|at|for)\b",
    re.IGNORECASE,
)


# Answers to "Werk je bij het Rijk?" beyond a plain yes or no.
WAS_THERE = _rx(
    r"\bvroeger\b",
    r"\bwerkte\b",
    r"\b(?:werk|ben|zit) (?:er |daar |hier )?niet meer\b",
    r"\bniet meer (?:bij|in dienst|werkzaam)\b",
    r"\bcontract\b.{0,40}\b(?:afgelopen|be[eë]indigd|gestopt|niet verlengd|ended)\b",
    r"\bex\b",
    r"\boud-?medewerker\b",
    r"\bused to\b",
    r"\bformerly\b",
    r"\bnot anymore\b",
    r"\bno longer\b",
    r"\bi left\b",
)
CITIZEN_ANSWER = _rx(
    r"\bburger\b",
    r"\bklant\b",
    r"\bbezoeker\b",
    r"\bparticulier\b",
    r"\bcitizen\b",
    r"\bcustomer\b",
    r"\bvisitor\b",
    r"\bgewoon iemand\b",
    r"\bprivate person\b",
)
COMPANY_ANSWER = _rx(
    r"\bondernemer\b",
    r"\bleverancier\b",
    r"\bzzp",
    r"\bzelfstandige\b",
    r"\bmijn bedrijf\b",
    r"\beigen bedrijf\b",
    r"\bsupplier\b",
    r"\bcontractor\b",
    r"\bmy (?:own )?company\b",
    r"\bbusiness owner\b",
    r"\bfreelance",
)
STAFF_ANSWER = _rx(
    r"\bstagiai?re?\b",
    r"\btrainee\b",
    r"\buitzendkracht\b",
    r"\bingehuurd\b",
    r"\bgedetacheerd\b",
    r"\bintern\b",
    r"\bambtenaar\b",
    r"\bcivil servant\b",
)


def read_role_answer(text: str, intent: str, other_party: str | None) -> Situation | None:
    """What an answer to "Werk je bij het Rijk?" says, read in the light of that question."""
    lowered = text.lower()
    if COMPANY_ANSWER.search(lowered):
        return Situation(speaker="bedrijf", reporter_role="extern")
    if CITIZEN_ANSWER.search(lowered):
        return Situation(speaker="burger", reporter_role="extern")
    if WAS_THERE.search(lowered) or intent == "inform_ex_employee":
        return Situation(speaker="ex_rijksmedewerker", reporter_role="ex_medewerker")
    employer = employer_of(lowered)
    if employer == "elders":
        return Situation(speaker="andere_werkgever", reporter_role="extern")
    if employer == "rijk" or STAFF_ANSWER.search(lowered):
        return Situation(speaker="rijksmedewerker", reporter_role="medewerker")
    if intent in ("affirm", "inform_employee", "inform_organisation"):
        return Situation(speaker="rijksmedewerker", reporter_role="medewerker")
    if intent == "deny" or intent == "inform_external":
        # Not at the Rijk. Someone whose story is about colleagues or a boss works elsewhere; someone
        # with a story about a civil servant is a citizen (the external route fits them).
        if other_party in ("collega", "leidinggevende", "ondergeschikte", "andere_organisatie", "burger"):
            return Situation(speaker="andere_werkgever", reporter_role="extern")
        return Situation(speaker="burger", reporter_role="extern")
    return None


SELF_CORRECTION = re.compile(r"\b(?:nee wacht|wacht|eigenlijk niet|sorry|i mean|actually|no wait)\b", re.I)


def read_other_party_answer(text: str) -> str | None:
    """An answer to "Wie deed het?": the party named, also in one word ("collega", "mijn baas"). After
    "nee wacht" or "eigenlijk niet" what follows is what they meant."""
    corrections = list(SELF_CORRECTION.finditer(text))
    if corrections:
        meant = read_other_party(text[corrections[-1].end() :])
        if meant:
            return meant
    return read_other_party(text) or (
        "ondergeschikte" if re.search(r"\bleiding aan\b|\bi manage\b|\bi lead\b", text, re.I) else None
    )
