"""End to end through the handover: the real Rasa server, the action server and the Meldpunt API.

Three processes on free ports, started by tests/servers.py and shared by one module-scoped fixture:

* the API (`uvicorn api.asgi:app` from .venv-api) on a temporary SQLite database migrated with
  alembic, with fresh secrets from `python -m api.cli new-env` and a staff admin made with
  `python -m api.cli create-staff`;
* the action server (`python -m actions.server`), pointed at that API with a temporary outbox,
  a retry loop polling every second and short timeouts;
* the Rasa server with the trained model (models/meldpunt.tar.gz, `make train`).

A person talks over the REST channel; what arrived is checked through the staff API, as the
Meldpunt's staff would see it. The API can be stopped and started again on the same port, to
show that an intake given while the Meldpunt is down arrives later, once.

The API runs in a temporary directory, so the repository's .env cannot mix into its settings.
The tests run in file order (1, 3, 4, 5, 2, 6): the checks of the wording come last, so that with
`-x` a wording problem does not hide whether intakes arrive.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest
import requests
from rasa_sdk import Tracker

from actions.api_client import Outcome
from actions.handover import Runtime
from actions.intake import build_intake
from actions.receipt import new_receipt_code
from actions.settings import HandoverSettings
from tests.servers import Stack, days_during, start_stack

RASA_TOKEN = "handover-e2e-token"

CODE = re.compile(r"\b\d{5}[ -]?\d{5}[ -]?\d{5}[ -]?\d{5}[ -]?\d{5}\b")
RELATIONS = ("collega", "leidinggevende", "ondergeschikte", "burger_of_klant", "anders")
MONTHS_NL = [
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
]  # fmt: skip


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The API with an admin, the action server handing over to it, and Rasa (tests/servers.py)."""
    with start_stack(tmp_path_factory.mktemp("handover"), rasa_token=RASA_TOKEN) as stack:
        yield stack


# ------------------------------------------------------------------------------------ conversation


Replies = list[dict[str, Any]]


class Chat:
    """One person over the REST channel. Every exchange is printed (pytest shows it on a failure)
    and kept, so assertion messages can show the conversation so far."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.sender = f"e2e-{uuid.uuid4().hex}"
        self.turns: list[tuple[str, Replies]] = []

    def say(self, text: str) -> Replies:
        response = requests.post(
            f"{self.stack.rasa_url}/webhooks/rest/webhook",
            json={"sender": self.sender, "message": text},
            timeout=60,
        )
        assert response.status_code == 200, f"{response.status_code} {response.text}\n{self}"
        replies: Replies = response.json()
        self.turns.append((text, replies))
        print(self.render_turn(text, replies))
        assert replies, f"no answer to {text!r}\n{self}"
        return replies

    @staticmethod
    def render_turn(text: str, replies: Replies) -> str:
        lines = [f"  PERSON: {text}"]
        for reply in replies:
            lines.append("  BOT:    " + str(reply.get("text", "")).replace("\n", "\n          "))
            if reply.get("buttons"):
                lines.append(
                    "          ["
                    + " | ".join(f"{b['title']} -> {b['payload']}" for b in reply["buttons"])
                    + "]"
                )
        return "\n".join(lines)

    def __str__(self) -> str:
        body = "\n".join(self.render_turn(text, replies) for text, replies in self.turns)
        return f"--- conversation {self.sender} so far ---\n{body}"


def joined(replies: Replies) -> str:
    return "\n".join(str(r.get("text", "")) for r in replies)


def payloads(replies: Replies) -> list[str]:
    return [b["payload"] for r in replies for b in r.get("buttons") or []]


def code_in(replies: Replies, chat: Chat) -> str:
    found = CODE.search(joined(replies))
    assert found, f"no 25-digit receipt code in the answer\n{chat}"
    digits = re.sub(r"\D", "", found[0])
    assert len(digits) == 25, f"{found[0]!r} is not 25 digits\n{chat}"
    return found[0]


# The intake's questions, by a phrase of the bot's text (checked in this order, last message first).
QUESTIONS = (
    ("consent", "Dit stuur ik naar het Meldpunt"),
    ("contact_details", "Hoe kan het Meldpunt je bereiken"),
    ("contact", "Hoe wil je verder"),
    ("steps", "Heb je al iets gedaan"),
    ("witnesses", "Heeft iemand anders het gezien"),
    ("relations", "bij betrokken"),
    ("department", "Bij welke afdeling"),
    ("ongoing", "Gebeurt het nu nog steeds"),
    ("when", "Wanneer is het gebeurd"),
    ("more", "Wil je nog meer vertellen"),
)
Answer = str | Callable[[Replies], str]
SHORT_ANSWERS: dict[str, Answer] = {  # skip what can be skipped, anonymous
    "more": "/skip",
    "when": "/skip",
    "ongoing": "/skip",
    "department": "/skip",
    "relations": "/skip",
    "witnesses": "/skip",
    "steps": "/skip",
    "contact": "/deny",
}


def question_in(replies: Replies, phrases: tuple[tuple[str, str], ...] = QUESTIONS) -> str | None:
    for reply in reversed(replies):
        text = str(reply.get("text", ""))
        for key, phrase in phrases:
            if phrase in text:
                return key
    return None


def walk_intake(chat: Chat, replies: Replies, answers: dict[str, Answer]) -> tuple[list[str], Replies]:
    """Answers the intake's questions as they come, up to the summary; the questions asked, in order,
    and the replies that end with the summary."""
    asked: list[str] = []
    for _ in range(15):
        key = question_in(replies)
        assert key is not None, f"no intake question recognised in the last answer\n{chat}"
        if key == "consent":
            return asked, replies
        assert key not in asked, f"the question {key!r} came twice\n{chat}"
        assert key in answers, f"unexpected question {key!r}\n{chat}"
        asked.append(key)
        answer = answers[key]
        replies = chat.say(answer(replies) if callable(answer) else answer)
    raise AssertionError(f"no summary after 15 answers\n{chat}")


def to_options(chat: Chat, description: str, organisation: str, *, greet: bool = False) -> Replies:
    """From the first message to the options: describe, confirm, employee, organisation."""
    if greet:
        opening = joined(chat.say("hallo"))
        assert "Vertel in je eigen woorden" in opening, f"no open question after the greeting\n{chat}"
    replies = chat.say(description)
    assert payloads(replies)[-2:] == ["/affirm", "/deny"], f"no category to confirm\n{chat}"
    replies = chat.say("/affirm")
    ground_buttons = [p for p in payloads(replies) if p.startswith("/inform_ground")]
    if ground_buttons:  # discriminatie without a ground in the description
        choice = '/inform_ground{"discrimination_ground": "godsdienst"}'
        assert choice in ground_buttons, f"no button for the ground godsdienst\n{chat}"
        replies = chat.say(choice)
    assert "/inform_employee" in payloads(replies), f"no question about the role\n{chat}"
    replies = chat.say("/inform_employee")
    assert "Bij welke organisatie" in joined(replies), f"no question about the organisation\n{chat}"
    return chat.say(organisation)


def start_intake(chat: Chat, options: Replies, route: str) -> Replies:
    """Press the button of the route in the options' last message."""
    buttons = payloads(options[-1:])
    payload = f'/start_intake{{"route": "{route}"}}'
    assert payload in buttons, f"no {route} button in the options' last message\n{chat}"
    replies = chat.say(payload)
    assert "Ik stel je nu een paar vragen" in joined(replies), f"the intake did not start\n{chat}"
    return replies


def short_intake(
    stack: Stack, description: str, organisation: str, answers: dict[str, Answer] | None = None
) -> tuple[Chat, Replies]:
    """A quick conversation up to the summary (pesten, a complaint, questions skipped)."""
    chat = Chat(stack)
    options = to_options(chat, description, organisation)
    replies = start_intake(chat, options, "klacht_kcoo")
    _, replies = walk_intake(chat, replies, {**SHORT_ANSWERS, **(answers or {})})
    return chat, replies


def long_nl(day: date) -> str:
    return f"{day.day} {MONTHS_NL[day.month - 1]} {day.year}"


def last_week_tuesday(today: date) -> date:
    """ "vorige week dinsdag": the Tuesday of the week (Monday to Sunday) before this one."""
    return today - timedelta(days=today.weekday()) - timedelta(days=7) + timedelta(days=1)


def mismatches(actual: dict[str, Any], expected: dict[str, Any]) -> list[str]:
    return [
        f"  {name}: expected {want!r}, got {actual.get(name)!r}"
        for name, want in expected.items()
        if actual.get(name) != want
    ]


# ------------------------------------------------------------------------ 1. a whole intake per category


@dataclass(frozen=True)
class Case:
    category: str
    description: str
    organisation: str
    route: str
    mentioned: tuple[str, ...]  # relations the description names (the intake does not ask them again)
    ground: str | None = None


CASES = [
    Case(
        "pesten",
        "Mijn collega's sluiten me al maanden buiten. Ze negeren me in de kantine, lachen me uit in de "
        "groepsapp en nodigen me nooit uit als ze samen gaan lunchen.",
        "Rijkswaterstaat",
        "klacht_kcoo",
        ("collega",),
    ),
    Case(
        "intimidatie",
        "Mijn leidinggevende dreigt steeds dat hij mijn contract niet verlengt als ik niet in het weekend "
        "doorwerk. Hij komt dan heel dicht bij me staan en zegt dat ik maar beter kan oppassen.",
        "Belastingdienst",
        "klacht_kcoo",
        ("leidinggevende",),
    ),
    Case(
        "seksuele_intimidatie",
        "Een collega maakt steeds opmerkingen over mijn lichaam, stuurt me 's avonds berichtjes met "
        "seksuele grappen en zat laatst bij het koffieapparaat ongevraagd aan mijn billen.",
        "DUO",
        "klacht_kcoo",
        ("collega",),
    ),
    Case(
        "agressie_geweld",
        "Een bezoeker werd woedend aan de balie, sloeg met zijn vuist op de tafel en duwde mij daarna "
        "hard tegen de muur.",
        "NVWA",
        # Aggression by a visitor: the employer's care, not a KCOO complaint (domain.md); the
        # Meldpunt can still be contacted.
        "contact_meldpunt",
        ("burger_of_klant",),
    ),
    Case(
        "discriminatie",
        "Mijn leidinggevende zegt dat ik met mijn hoofddoek niet aan de receptie mag werken en hij geeft "
        "de leuke projecten altijd aan anderen. Ik voel me gediscrimineerd om mijn geloof.",
        "RIVM",
        "klacht_kcoo",
        ("leidinggevende",),
        ground="godsdienst",
    ),
    Case(
        "misstand",
        "Mijn afdelingshoofd laat facturen van het bedrijf van zijn zwager goedkeuren zonder "
        "aanbesteding, en ik zie dat sommige bedragen twee keer worden betaald.",
        "KNMI",
        "melding_ic_rijk",
        ("leidinggevende",),
    ),
]
MORE = "Het gebeurt meestal op de gang bij de lift, en ik slaap er inmiddels slecht van."
WITNESSES = "Twee mensen van mijn team hebben het gezien."
STEPS = "Ik heb alles opgeschreven in een notitieboekje, met de data erbij."


@pytest.mark.parametrize("case", CASES, ids=[c.category for c in CASES])
def test_a_whole_intake_reaches_the_meldpunt(stack: Stack, case: Case) -> None:
    chat = Chat(stack)
    options = to_options(chat, case.description, case.organisation, greet=True)
    replies = start_intake(chat, options, case.route)

    picked: list[str] = []

    def relation(replies: Replies) -> str:
        offered = re.findall(r'/inform_relation\{"relation": "(\w+)"\}', " ".join(payloads(replies)))
        choice = next(r for r in ("collega", "leidinggevende") if r in offered)
        picked.append(choice)
        return f'/inform_relation{{"relation": "{choice}"}}'

    answers: dict[str, Answer] = {
        "more": MORE,
        "when": "vorige week dinsdag",
        "ongoing": "/affirm",
        "department": "/skip",
        "relations": relation,
        "witnesses": WITNESSES,
        "steps": STEPS,
        "contact": "/deny",
    }
    with days_during() as days:  # "vorige week dinsdag" is read from the day it is typed, in Dutch time
        asked, replies = walk_intake(chat, replies, answers)
    assert sorted(asked) == sorted(answers), f"asked {asked}, expected every one of {sorted(answers)}\n{chat}"
    when_turn = next(r for text, r in chat.turns if text == "vorige week dinsdag")
    noted = {last_week_tuesday(today): f"Ik noteer: {long_nl(last_week_tuesday(today))}." for today in days}
    shown = [day for day, text in noted.items() if text in joined(when_turn)]
    assert shown, f"expected {' or '.join(noted.values())} after the date\n{chat}"
    expected_day = shown[0]

    summary = next(
        r["text"] for r in reversed(replies) if "Dit stuur ik naar het Meldpunt" in r.get("text", "")
    )
    assert "/affirm" in payloads(replies), f"no button to send\n{chat}"
    replies = chat.say("/affirm")
    text = joined(replies)
    assert "Je melding is verstuurd naar het Meldpunt" in text, f"not sent at once\n{chat}\n{stack.logs()}"
    code = code_in(replies, chat)

    detail = stack.find(case.description, category=case.category, organisation=case.organisation)
    relations = [r for r in RELATIONS if r in (*case.mentioned, *picked)]
    expected = {
        "category": case.category,
        "discrimination_ground": case.ground,
        "reporter_role": "medewerker",
        "speaking_as": "rijksmedewerker",
        # Who did it, read from the description (the first relation it names).
        "other_party": {"burger_of_klant": "burger"}.get(case.mentioned[0], case.mentioned[0]),
        "organisation": case.organisation,
        "under_kcoo": True,
        "desired_route": case.route,
        "contact_preference": "anoniem",
        "department": None,  # skipped
        "occurred_on": expected_day.isoformat(),
        "occurred_period": "vorige week dinsdag",  # the person's words, next to the date
        "ongoing": True,
        "involved_relations": relations,
        "witnesses": WITNESSES,
        "steps_taken": STEPS,
        "language": "nl",
        "channel": "chat",
        "consent": True,
        "status": "nieuw",
        "description": f"{case.description}\n\n{MORE}",
    }
    wrong = mismatches(detail, expected)
    assert not wrong, "the staff API shows other values:\n" + "\n".join(wrong) + f"\n{chat}"
    assert not detail["contact_details"], (
        f"contact details of an anonymous intake: {detail['contact_details']}"
    )
    assert "(overgeslagen)" in str(detail["summary"]), (
        f"the skipped question is not in the summary: {detail['summary']}"
    )

    transcript = detail["transcript"]
    lines = [(line["speaker"], line["text"]) for line in transcript]
    assert lines and lines[0] == ("reporter", "hallo"), f"the transcript starts with {lines[:1]}\n{chat}"
    assert ("reporter", case.description) in lines, f"the description is not in the transcript: {lines}"
    assert ("assistant", summary.strip()) in lines, f"the summary shown is not in the transcript: {lines}"
    said = [t for s, t in lines if s == "reporter"]
    assert not [t for t in said if t.startswith("/")], f"button payloads instead of their titles: {said}"
    assert said[-1] == "Ja, versturen", f"the consent is not the last thing the person said: {said}"
    dumped = json.dumps(detail, ensure_ascii=False)
    assert chat.sender not in dumped and chat.sender.removeprefix("e2e-") not in dumped, (
        "the sender id reached the API"
    )

    # The person comes back later with the code, in a new conversation.
    later = Chat(stack)
    status = joined(later.say(code))
    assert "Je melding van" in status and "ontvangen, nog niet in behandeling" in status, (
        f"no status for the code\n{later}\n{stack.logs()}"
    )


# ----------------------------------------------------------------------------- 3. consent refused


def test_refused_consent_sends_nothing(stack: Stack) -> None:
    before, outbox_before = stack.total(), set(stack.outbox_rows())
    description = "Een collega scheldt me steeds uit en maakt me belachelijk waar iedereen bij is."
    chat, replies = short_intake(stack, description, "Logius")
    replies = chat.say("/deny")
    text = joined(replies)
    assert "ik verstuur niets" in text and "niets naar het Meldpunt gegaan" in text, f"{chat}"
    assert not CODE.search(text), f"a receipt code without consent\n{chat}"
    assert stack.total() == before, f"an intake arrived without consent\n{chat}"
    assert set(stack.outbox_rows()) == outbox_before, f"something was stored in the outbox\n{chat}"


# ------------------------------------------------------------------------------------ 4. API down


def test_an_intake_given_while_the_api_is_down_arrives_once(stack: Stack) -> None:
    before, outbox_before = stack.total(), set(stack.outbox_rows())
    description = "Mijn collega's negeren me al maanden en roddelen achter mijn rug over mij."
    chat, replies = short_intake(stack, description, "Rijksvastgoedbedrijf")
    try:
        stack.api.stop()
        replies = chat.say("/affirm")
        text = joined(replies)
        assert "veilig bewaard" in text, f"the person is not told it is stored safely\n{chat}\n{stack.logs()}"
        code = code_in(replies, chat)
        new = set(stack.outbox_rows()) - outbox_before
        assert len(new) == 1, f"expected one new outbox row, got {new}\n{stack.logs()}"
        (intake_id,) = new
        row = stack.outbox_rows()[intake_id]
        assert row["state"] == "pending" and row["payload"], f"outbox row while the API is down: {row}"
        assert stack.stored_intakes() == before, "the API's database changed while the API was down"
    finally:
        stack.api.start()
        stack.api.wait_up(60)

    restarted = time.monotonic()
    deadline = restarted + 30
    while stack.total() < before + 1 and time.monotonic() < deadline:
        time.sleep(0.5)
    print(f"the intake arrived {time.monotonic() - restarted:.1f} s after the API came back")
    assert stack.total() == before + 1, (
        f"the intake did not arrive within 30 s\n{stack.outbox_rows().get(intake_id)}\n{stack.logs()}"
    )
    while stack.outbox_rows()[intake_id]["state"] != "sent" and time.monotonic() < deadline + 10:
        time.sleep(0.5)
    time.sleep(2.5)  # two more rounds of the retry loop: it must not send it again
    row = stack.outbox_rows()[intake_id]
    assert row["state"] == "sent" and row["payload"] is None, f"outbox row after delivery: {row}"
    assert stack.total() == before + 1, "the intake arrived more than once"
    detail = stack.detail(intake_id)
    assert detail["description"] == description and detail["organisation"] == "Rijksvastgoedbedrijf"
    # The code the person got belongs to the intake that arrived.
    response = requests.post(f"{stack.api_url}/api/v1/follow-up", json={"receipt_code": code}, timeout=30)
    assert response.status_code == 200, f"follow-up with the code: {response.status_code} {response.text}"


# ------------------------------------------------------------------------------ 5. the same intake twice


def intake_payload(description: str) -> dict[str, Any]:
    """An intake as ActionHandover builds it, from a tracker with the intake's slots filled."""
    now = time.time()
    tracker = Tracker(
        sender_id=f"e2e-{uuid.uuid4().hex}",
        slots={
            "language": "nl",
            "description": description,
            "category": "intimidatie",
            "reporter_role": "medewerker",
            "organisation": "Rijkswaterstaat",
            "under_kcoo": "ja",
            "desired_route": "klacht_kcoo",
            "intake_when": "gisteren",
            "intake_ongoing": "ja",
            "intake_relations": "leidinggevende",
            "intake_contact": "anoniem",
        },
        latest_message={},
        events=[
            {"event": "user", "text": description, "timestamp": now - 2},
            {
                "event": "bot",
                "text": "Het klinkt alsof je intimidatie hebt meegemaakt.",
                "timestamp": now - 1,
            },
        ],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name=None,
    )
    return build_intake(
        tracker,
        intake_id=str(uuid.uuid4()),
        receipt_code=new_receipt_code(),
        now=datetime.now(timezone.utc),
        include_transcript=True,
    )


def handover_runtime(stack: Stack, outbox: str) -> Runtime:
    """A Runtime as the action server makes one, on its own outbox, pointed at the test API."""
    settings = HandoverSettings(
        api_url=stack.api_url,
        service_token=stack.service_token,
        outbox_path=stack.tmp / outbox,
        connect_timeout=2.0,
        timeout=5.0,
    )
    return Runtime.from_settings(settings)


def test_the_same_intake_twice_is_stored_once(stack: Stack) -> None:
    description = "Mijn leidinggevende schreeuwt tegen me en dreigt me te laten overplaatsen als ik klaag."
    payload = intake_payload(description)
    before = stack.total()
    first = handover_runtime(stack, "twice-a.db")
    assert first.hand_over(payload).delivered
    assert first.hand_over(payload).delivered  # the outbox knows it was sent
    # Another outbox (its state lost, or another action server): the API itself is idempotent.
    assert handover_runtime(stack, "twice-b.db").hand_over(payload).delivered
    again = first.submit(payload)
    assert (again.outcome, again.status_code) == (Outcome.ACCEPTED, 200), again
    assert stack.total() == before + 1, "the same intake was stored more than once"
    detail = stack.detail(payload["id"])
    assert (detail["category"], detail["description"]) == ("intimidatie", description)
    assert [line["speaker"] for line in detail["transcript"]] == ["reporter", "assistant"]


# ------------------------------------------------------------------------------- 2. a named contact


def test_a_named_contact_without_the_conversation(stack: Stack) -> None:
    description = (
        "Mijn collega's lachen me al weken uit tijdens het overleg en doen alsof ik lucht ben "
        "als ik iets zeg."
    )
    chat, replies = short_intake(
        stack,
        description,
        "Douane",
        {"contact": "/affirm", "contact_details": "Fatima Bakker, fatima@example.org"},
    )
    summary = next(r["text"] for r in reversed(replies) if "Dit stuur ik" in r.get("text", ""))
    assert "Fatima Bakker, fatima@example.org" in summary, f"the contact is not in the summary\n{chat}"
    without = '/affirm{"include_transcript": "nee"}'
    assert without in payloads(replies), f"no button to send without the conversation\n{chat}"
    replies = chat.say(without)
    assert "Je melding is verstuurd" in joined(replies), f"not sent\n{chat}\n{stack.logs()}"
    code_in(replies, chat)

    detail = stack.find(description, organisation="Douane")
    assert detail["contact_preference"] == "contact", f"{detail['contact_preference']}\n{chat}"
    details = {k: v for k, v in (detail["contact_details"] or {}).items() if v}
    assert details == {"name": "Fatima Bakker", "email": "fatima@example.org"}, f"{details}\n{chat}"
    assert detail["transcript"] == [], f"the transcript went along: {detail['transcript']}"
    assert json.dumps(detail).find(chat.sender) == -1
    # A name and an e-mail address are not a message in another language.
    details_turn = next(r for text, r in chat.turns if text == "Fatima Bakker, fatima@example.org")
    assert "Ik spreek alleen Nederlands en Engels" not in joined(details_turn), (
        f"the contact details were taken for another language\n{chat}"
    )


# ------------------------------------------------------------------- 6. the follow-up status reads well


def test_the_follow_up_status_gives_readable_dates(stack: Stack) -> None:
    payload = intake_payload("Mijn leidinggevende kleineert me steeds in het bijzijn van het hele team.")
    chat = Chat(stack)
    with days_during() as days:  # the day it was received, in Dutch time
        assert handover_runtime(stack, "follow-up.db").hand_over(payload).delivered
    text = joined(chat.say(payload["receipt_code"]))
    assert "ontvangen, nog niet in behandeling" in text, f"no status for the code\n{chat}\n{stack.logs()}"
    received = [f"Je melding van {long_nl(day)}:" for day in sorted(days)]
    timestamps = re.findall(r"\d{4}-\d\d-\d\dT[0-9:.]+(?:Z|[+-]\d\d:\d\d)?", text)
    assert not timestamps and any(r in text for r in received), (
        f"the status shows raw timestamps {timestamps} instead of dates such as {received[0]!r}\n{chat}"
    )


# ------------------------------------------------------- 7. every way to consent gives a working code

# The questions in English, by a phrase of the bot's text (the Dutch ones are in QUESTIONS).
QUESTIONS_EN = (
    ("consent", "This is what I will send to the Meldpunt"),
    ("route", "What would you like the Meldpunt to do"),
    ("contact_details", "How can the Meldpunt reach you"),
    ("contact", "How would you like to continue"),
    ("steps", "Have you done anything yet"),
    ("witnesses", "Did anyone else see"),
    ("relations", "involved"),
    ("department", "In which department"),
    ("ongoing", "Is it still going on"),
    ("when", "When did it happen"),
    ("more", "Would you like to tell more"),
)
TYPED_NL: dict[str, str] = {
    "more": "nee dit is genoeg",
    "when": "al sinds de zomer ongeveer, de laatste keer was vorige week dinsdag",
    "ongoing": "ja",
    "department": "sla over",
    "relations": "nee",
    "witnesses": "nee",
    "steps": "nog niks eigenlijk",
    "contact": "anoniem",
    "contact_details": "Jan de Vries, jan.devries@example.org",
}
TYPED_EN: dict[str, str] = {
    "more": "no that's all",
    "when": "last month",
    "ongoing": "yes",
    "department": "skip",
    "relations": "no",
    "witnesses": "no",
    "steps": "nothing yet",
    "contact": "anonymous",
    "contact_details": "Jane Doe, jane.doe@example.org",
}


@dataclass(frozen=True)
class Journey:
    name: str
    language: str
    description: str
    organisation: str
    choice: str  # what the person types (or presses) at "Wat wil je nu doen?"
    route: str  # the route the intake must arrive with
    contact: bool  # gives contact details
    typed_consent: bool
    under_kcoo: bool | None = True


JOURNEYS = [
    Journey(
        "typed-anonymous-contact",
        "nl",
        "Mijn collega's sluiten me al maanden buiten. Ze negeren me in de kantine en lachen me uit in de "
        "groepsapp.",
        "Rijkswaterstaat",
        "ik wil graag anoniem contact met het meldpunt",
        "contact_meldpunt",
        contact=False,
        typed_consent=True,
    ),
    Journey(
        "typed-complaint-with-details",
        "nl",
        "Mijn leidinggevende dreigt steeds dat hij mijn contract niet verlengt als ik niet in het weekend "
        "doorwerk. Hij komt dan heel dicht bij me staan en zegt dat ik maar beter kan oppassen.",
        "Belastingdienst",
        "ik wil een officiële klacht indienen",
        "klacht_kcoo",
        contact=True,
        typed_consent=True,
    ),
    Journey(
        "typed-record-only",
        "nl",
        "Een collega maakt steeds opmerkingen over mijn lichaam en raakt me aan terwijl ik dat niet wil.",
        "Ministerie van Financiën",
        "alleen laten vastleggen graag",
        "alleen_registreren",
        contact=False,
        typed_consent=False,
    ),
    Journey(
        "button-report-misstand",
        "nl",
        "Ik zie dat mijn afdelingshoofd facturen goedkeurt van een bedrijf van zijn zwager, zonder "
        "aanbesteding. Het gaat om grote bedragen.",
        "Rijksvastgoedbedrijf",
        '/start_intake{"route": "melding_ic_rijk"}',
        "melding_ic_rijk",
        contact=True,
        typed_consent=False,
    ),
    Journey(
        "english-complaint-outside-the-kcoo",
        "en",
        "My manager keeps shouting at me in meetings and calls me stupid in front of everyone.",
        "Ministry of Foreign Affairs",
        "I would like to file a formal complaint",
        "contact_meldpunt",  # outside the KCOO: its own procedure, the Meldpunt can still be contacted
        contact=False,
        typed_consent=True,
        under_kcoo=False,
    ),
    Journey(
        "english-contact-with-details",
        "en",
        "A colleague keeps making jokes about my headscarf and says people like me do not belong here.",
        "Belastingdienst",
        "I'd like to get in touch with the Meldpunt",
        "contact_meldpunt",
        contact=True,
        typed_consent=True,
    ),
]


def question_of(replies: Replies, language: str) -> str | None:
    phrases = QUESTIONS_EN if language == "en" else (("route", "Wat wil je dat het Meldpunt"), *QUESTIONS)
    return question_in(replies, phrases)


@pytest.mark.parametrize("journey", JOURNEYS, ids=[j.name for j in JOURNEYS])
def test_every_way_to_consent_ends_in_an_intake_staff_open_and_a_code_that_works(
    stack: Stack, journey: Journey
) -> None:
    english = journey.language == "en"
    chat = Chat(stack)
    replies = chat.say(journey.description)
    assert payloads(replies)[-2:] == ["/affirm", "/deny"], f"no category to confirm\n{chat}"
    replies = chat.say("yes" if english else "ja")
    ground_buttons = [p for p in payloads(replies) if p.startswith("/inform_ground")]
    if ground_buttons:
        replies = chat.say(ground_buttons[0])
    assert "/inform_employee" in payloads(replies), f"no question about the role\n{chat}"
    replies = chat.say("yes" if english else "ja")  # typed, not the button
    assert "organisation" in joined(replies) or "organisatie" in joined(replies), f"role not read\n{chat}"
    replies = chat.say(journey.organisation)
    assert any(p.startswith("/start_intake") for p in payloads(replies[-1:])), f"no next step\n{chat}"
    replies = chat.say(journey.choice)

    typed = dict(TYPED_EN if english else TYPED_NL)
    if journey.contact:
        typed["contact"] = "yes" if english else "ja, dat mag"
    for _ in range(15):
        key = question_of(replies, journey.language)
        assert key is not None, f"no intake question recognised\n{chat}\n{stack.logs()}"
        if key == "consent":
            break
        assert key != "route", f"the route was asked, though it was chosen\n{chat}"
        replies = chat.say(typed[key])
    else:
        raise AssertionError(f"no summary after 15 answers\n{chat}")
    summary = joined(replies)
    label = "What you want" if english else "Wat je wilt"
    shown = re.search(rf"- {label}: (.*)", summary)
    assert shown and shown[1].strip() and "(" not in shown[1], f"no route in the summary\n{chat}"

    if journey.typed_consent:
        replies = chat.say("yes, send it" if english else "ja, versturen")
    else:
        replies = chat.say("/affirm")
    code = code_in(replies, chat)
    sent = "has been sent to the Meldpunt" if english else "Je melding is verstuurd naar het Meldpunt"
    assert sent in joined(replies), f"not sent at once\n{chat}\n{stack.logs()}"

    detail = stack.find(journey.description[:40])
    assert detail["desired_route"] == journey.route, f"route {detail['desired_route']}\n{chat}"
    assert detail["language"] == journey.language
    assert detail["under_kcoo"] is journey.under_kcoo, f"under_kcoo {detail['under_kcoo']}\n{chat}"
    assert detail["contact_preference"] == ("contact" if journey.contact else "anoniem"), f"{chat}"
    if journey.contact:
        assert "@example.org" in json.dumps(detail["contact_details"]), f"{detail['contact_details']}"
    assert "nee dit is genoeg" not in detail["description"], "a typed 'no' became part of the story"
    assert not stack.staff_get("/handover-refusals"), "the API refused an intake"

    # Later, with the code: the status; "nothing to add" is an answer, not a message.
    later = Chat(stack)
    status = joined(later.say(code))
    # A code alone says nothing of the language: the status may come in Dutch.
    assert "received" in status or "ontvangen" in status, f"no status for the code\n{later}"
    later.say("no thanks" if english else "nee hoor, dank je")
    assert stack.detail(detail["id"])["messages"] == [], f"a 'no' was sent as a message\n{later}"


def test_a_follow_up_message_goes_only_after_the_person_confirms_it(stack: Stack) -> None:
    payload = intake_payload(
        "Een collega schreeuwt tegen me als ik een fout maak, ook waar klanten bij zijn."
    )
    assert handover_runtime(stack, "confirm.db").hand_over(payload).delivered
    chat = Chat(stack)
    chat.say(payload["receipt_code"])
    news = "Het is gisteren weer gebeurd, nu in het bijzijn van mijn teamleider."
    replies = chat.say(news)
    assert f'"{news}"' in joined(replies) and "Klopt dat?" in joined(replies), f"not shown back\n{chat}"
    assert stack.detail(payload["id"])["messages"] == [], "sent before the person confirmed it"
    replies = chat.say("ja")
    assert "doorgegeven" in joined(replies), f"not confirmed as sent\n{chat}"
    messages = stack.detail(payload["id"])["messages"]
    assert [(m["author"], m["text"]) for m in messages] == [("reporter", news)]


def test_a_mistyped_code_gets_one_more_try_and_then_a_way_out(stack: Stack) -> None:
    chat = Chat(stack)
    chat.say("ik wil weten hoe het met mijn melding staat")
    first = joined(chat.say("12345 6789"))
    assert "25 cijfers" in first, f"{chat}"
    second = joined(chat.say("1234 5678 90"))
    assert "Vraag het Meldpunt" in second, f"no way out after two tries\n{chat}"
    after = joined(chat.say("hallo"))
    assert "Dat lijkt geen code" not in after, f"still in the code loop\n{chat}"


def test_what_it_was_and_what_you_want_can_be_changed_from_the_summary(stack: Stack) -> None:
    description = "Een collega maakt al weken grapjes over mijn hoofddoek en zegt dat ik hier niet hoor."
    chat, replies = short_intake(stack, description, "Rijkswaterstaat")
    replies = chat.say("/change_answer")
    assert '/change_answer{"intake_field": "kind"}' in payloads(replies), f"'Soort' cannot be changed\n{chat}"
    assert '/change_answer{"intake_field": "route"}' in payloads(replies), (
        f"'Wat je wilt' cannot be changed\n{chat}"
    )
    replies = chat.say('/change_answer{"intake_field": "kind"}')
    replies = chat.say('/correct_category{"category": "intimidatie"}')
    assert "Wat wil je dat het Meldpunt" in joined(replies), f"the route is not asked again\n{chat}"
    replies = chat.say("alleen vastleggen graag")
    assert "Wat je wilt: Alleen laten vastleggen" in joined(replies), f"the typed route is not read\n{chat}"
    code_in(chat.say("ja, versturen"), chat)
    detail = stack.find(description)
    assert (detail["category"], detail["desired_route"]) == ("intimidatie", "alleen_registreren"), f"{chat}"
