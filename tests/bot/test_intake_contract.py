"""An intake the person consents to is one the API accepts: the route is read from what they type,
every intake is checked against the API's contract before the summary, and a refusal is told truly."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from rasa_sdk.executor import CollectingDispatcher

from actions import handover as runtime_module
from actions.contract import contract_problems
from actions.handover import Runtime
from actions.intake import (
    ActionAskDesiredRoute,
    ActionHandover,
    ActionStartIntake,
    ValidateIntakeForm,
    build_intake,
    field_in,
)
from actions.outbox import Outbox
from actions.route_choice import read_route
from actions.settings import HandoverSettings
from tests.bot.conftest import build_tracker, message
from tests.bot.test_intake import FILLED

ROOT = Path(__file__).resolve().parents[2]
CATEGORIES = ["pesten", "intimidatie", "seksuele_intimidatie", "agressie_geweld", "discriminatie", "misstand"]
ROUTES = ["klacht_kcoo", "melding_ic_rijk", "contact_meldpunt", "alleen_registreren"]
CONTACTS: list[tuple[str, dict[str, str] | None]] = [
    ("anoniem", None),
    ("contact", {"name": "Jan de Vries", "email": "jan@example.org"}),
    ("contact", {"phone": "06-12345678"}),
]


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def tracker_with(slots: dict[str, Any], latest: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    return build_tracker(latest or message("/affirm", "affirm"), slots={**FILLED, **slots}, **kwargs)


def intake_domain() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "bot" / "domain" / "intake.yml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("category", "route", "language", "contact"),
    [
        (c, r, lang, k)
        for (c, r), lang, k in itertools.product(
            itertools.product(CATEGORIES, ROUTES), ["nl", "en"], range(len(CONTACTS))
        )
    ],
)
def test_every_intake_the_assistant_builds_meets_the_api_contract(
    category: str, route: str, language: str, contact: int
) -> None:
    preference, details = CONTACTS[contact]
    slots = {
        "category": category,
        "discrimination_ground": "godsdienst" if category == "discriminatie" else None,
        "desired_route": route,
        "language": language,
        "intake_contact": preference,
        "intake_contact_details": details,
    }
    payload = build_intake(
        tracker_with(slots),
        intake_id="8a5e1f1c-1d52-4a55-9d0c-2b9f3c6f7e01",
        receipt_code="1" * 25,
        now=__import__("datetime").datetime(2026, 11, 23, 14, tzinfo=__import__("datetime").timezone.utc),
        include_transcript=True,
    )
    assert contract_problems(payload) == {}


def test_the_contract_names_what_the_api_would_refuse() -> None:
    payload = build_intake(
        tracker_with({"desired_route": "anoniem contact met het meldpunt", "category": "pesten"}),
        intake_id="8a5e1f1c-1d52-4a55-9d0c-2b9f3c6f7e01",
        receipt_code="1" * 25,
        now=__import__("datetime").datetime(2026, 11, 23, 14, tzinfo=__import__("datetime").timezone.utc),
        include_transcript=False,
    )
    assert set(contract_problems(payload)) == {"desired_route"}
    assert "discrimination_ground" in contract_problems({**payload, "discrimination_ground": "afkomst"})
    assert "contact_details" in contract_problems({**payload, "contact_preference": "contact"})


@pytest.mark.parametrize(
    ("typed", "category", "under_kcoo", "route"),
    [
        ("ik wil graag anoniem contact met het meldpunt", "pesten", "ja", "contact_meldpunt"),
        ("ik wil een officiële klacht indienen", "pesten", "ja", "klacht_kcoo"),
        ("een klacht graag", "pesten", "nee", "contact_meldpunt"),  # outside the KCOO: its own procedure
        ("I would like to file a formal complaint", "intimidatie", "onbekend", "klacht_kcoo"),
        ("alleen laten vastleggen", "discriminatie", "ja", "alleen_registreren"),
        ("just have it on record please", "pesten", "ja", "alleen_registreren"),
        ("ik wil een melding doen van de fraude", "misstand", None, "melding_ic_rijk"),
        ("graag een gesprek met iemand van het meldpunt", "misstand", None, "contact_meldpunt"),
        ("ik wil het melden", "pesten", "ja", "contact_meldpunt"),
        ("hmm weet ik nog niet", "pesten", "ja", None),
        ("toch geen klacht", "pesten", "ja", None),
    ],
)
def test_a_typed_route_is_read(typed: str, category: str, under_kcoo: str | None, route: str | None) -> None:
    assert read_route(typed, category, under_kcoo) == route


def validate_route(
    text: str, intent: str, slots: dict[str, Any], entities: list[dict[str, Any]] | None = None
):
    tracker = tracker_with(
        {**slots, "requested_slot": "desired_route"},
        message(text, intent, entities=entities),
        form="intake_form",
    )
    dispatcher = CollectingDispatcher()
    result = run(ValidateIntakeForm().validate_desired_route(text, dispatcher, tracker, {}))
    return result, [m["text"] for m in dispatcher.messages]


def test_the_route_question_reads_buttons_and_typed_answers_and_asks_again_otherwise() -> None:
    slots = {"category": "pesten", "under_kcoo": "ja", "desired_route": None}
    entity = [{"entity": "route", "value": "alleen_registreren"}]
    assert validate_route("/start_intake", "start_intake", slots, entity)[0] == {
        "desired_route": "alleen_registreren"
    }
    assert validate_route("een klacht bij de KCOO", "nlu_fallback", slots)[0] == {
        "desired_route": "klacht_kcoo"
    }
    result, said = validate_route("pfff", "nlu_fallback", slots)
    assert result == {"desired_route": None} and "knoppen" in said[0]


def test_the_route_question_offers_the_routes_that_fit_the_case() -> None:
    dispatcher = CollectingDispatcher()
    tracker = tracker_with({"category": "misstand", "under_kcoo": "nee"})
    run(ActionAskDesiredRoute().run(dispatcher, tracker, {}))
    payloads = [b["payload"] for b in dispatcher.messages[0]["buttons"]]
    assert payloads == [
        '/start_intake{"route": "melding_ic_rijk"}',
        '/start_intake{"route": "contact_meldpunt"}',
        '/start_intake{"route": "alleen_registreren"}',
    ]


def test_a_typed_choice_at_the_options_starts_the_intake_with_a_valid_route() -> None:
    typed = message("ik wil graag anoniem contact met het meldpunt", "start_intake")
    tracker = tracker_with(
        {"category": "pesten", "under_kcoo": "ja", "desired_route": "anoniem contact"}, typed
    )
    events = run(ActionStartIntake().run(CollectingDispatcher(), tracker, {}))
    routes = [e["value"] for e in events if e.get("name") == "desired_route"]
    assert routes[-1] == "contact_meldpunt"


def test_before_the_summary_a_route_the_api_would_refuse_is_asked_again() -> None:
    answered = {name: value for name, value in FILLED.items()}
    answered.update({"intake_consent": None, "desired_route": "anoniem contact", "category": "pesten"})
    tracker = tracker_with(answered, message("/skip", "skip"), form="intake_form")
    tracker.slots["requested_slot"] = "intake_contact"
    dispatcher = CollectingDispatcher()
    form = ValidateIntakeForm()
    events = run(form.get_validation_events(dispatcher, tracker, intake_domain()))
    assert {"event": "slot", "name": "desired_route", "value": None, "timestamp": None} in events
    assert "mis ik nog iets" in dispatcher.messages[0]["text"]
    tracker.add_slots(events)
    assert run(form.next_requested_slot(dispatcher, tracker, intake_domain()))["value"] == "desired_route"


def test_a_valid_intake_goes_to_the_summary_without_questions() -> None:
    tracker = tracker_with(
        {"intake_consent": None, "category": "pesten"}, message("/skip", "skip"), form="intake_form"
    )
    dispatcher = CollectingDispatcher()
    events = run(ValidateIntakeForm().get_validation_events(dispatcher, tracker, intake_domain()))
    assert not [e for e in events if e.get("value") is None and e.get("name") != "requested_slot"]
    assert dispatcher.messages == []


def test_what_you_want_can_be_changed_from_the_summary() -> None:
    assert field_in(message("ik wil aanpassen wat ik wil", "change_answer")) == "route"
    chosen = message("x", "change_answer", entities=[{"entity": "intake_field", "value": "route"}])
    assert field_in(chosen) == "route"
    tracker = tracker_with(
        {"intake_changing": True, "requested_slot": "intake_consent"}, chosen, form="intake_form"
    )
    result = run(ValidateIntakeForm().validate_intake_consent("x", CollectingDispatcher(), tracker, {}))
    assert result["desired_route"] is None and result["intake_changing"] is None


class RefusingApi:
    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        detail = [{"loc": ["body", "desired_route"], "msg": "Input should be ...", "type": "enum"}]
        return httpx.Response(422, json={"detail": detail})


@pytest.fixture
def refusing(tmp_path: Path) -> Iterator[tuple[RefusingApi, Runtime]]:
    fake = RefusingApi()
    settings = HandoverSettings(api_url="http://api.test", service_token="t", outbox_path=tmp_path / "o.db")
    runtime = Runtime(
        settings, Outbox(settings.outbox_path), httpx.Client(transport=httpx.MockTransport(fake))
    )
    runtime_module.use_runtime(runtime)
    yield fake, runtime
    runtime_module.use_runtime(None)


def test_a_refused_intake_is_told_truly_and_gives_no_code(refusing: tuple[RefusingApi, Runtime]) -> None:
    fake, runtime = refusing
    dispatcher = CollectingDispatcher()
    events = run(ActionHandover().run(dispatcher, tracker_with({"category": "pesten"}), {}))
    texts = " ".join(m["text"] for m in dispatcher.messages)
    assert len(fake.requests) == 1
    body = json.loads(fake.requests[0].content)
    assert body["receipt_code"] not in texts and "geen code" in texts and "niet aangekomen" in texts
    assert "veilig bewaard" not in texts
    assert not any(e.get("name") == "handed_over" for e in events)
    item = runtime.outbox.get(body["id"])
    assert item is not None and item.state == "rejected" and item.payload is None  # nothing kept


def test_stop_after_a_handover_says_what_was_handed_over_also_the_second_time() -> None:
    from actions.control import ActionStop

    tracker = build_tracker(message("stop", "stop"), slots={"handed_over": True})
    dispatcher = CollectingDispatcher()
    events = run(ActionStop().run(dispatcher, tracker, {}))
    assert "met je code kun je het volgen" in dispatcher.messages[0]["text"]
    assert {"event": "slot", "name": "handed_over", "value": True, "timestamp": None} in events
    again = build_tracker(message("stop", "stop"), slots={"handed_over": True})
    second = CollectingDispatcher()
    run(ActionStop().run(second, again, {}))
    assert "Er is niets doorgegeven" not in second.messages[0]["text"]


def test_the_persons_words_for_when_stay_next_to_the_date_read_from_them() -> None:
    words = "al sinds de zomer ongeveer, de laatste keer was vorige week dinsdag"
    tracker = tracker_with({"intake_when": words, "category": "pesten", "intake_consent": None})
    payload = build_intake(
        tracker,
        intake_id="8a5e1f1c-1d52-4a55-9d0c-2b9f3c6f7e01",
        receipt_code="1" * 25,
        now=__import__("datetime").datetime(2026, 11, 23, 14, tzinfo=__import__("datetime").timezone.utc),
        include_transcript=False,
    )
    assert payload["occurred_on"] == "2026-11-17" and payload["occurred_period"] == words
    from actions.intake import ActionAskIntakeConsent

    dispatcher = CollectingDispatcher()
    run(ActionAskIntakeConsent().run(dispatcher, tracker, {}))
    assert f'"{words}" (17 november 2026)' in dispatcher.messages[0]["text"]


def test_a_typed_correction_of_the_date_is_taken_as_the_new_answer() -> None:
    typed = message("de datum klopt niet, het was 3 november", "change_answer")
    tracker = tracker_with(
        {"intake_changing": True, "requested_slot": "intake_consent"}, typed, form="intake_form"
    )
    result = run(
        ValidateIntakeForm().validate_intake_consent(typed["text"], CollectingDispatcher(), tracker, {})
    )
    assert result == {
        "intake_consent": None,
        "intake_changing": None,
        "intake_when": "de datum klopt niet, het was 3 november",
    }


def test_a_complaint_outside_the_kcoo_stays_contact_with_the_meldpunt_through_the_form() -> None:
    slots = {"category": "intimidatie", "under_kcoo": "nee", "desired_route": None}
    entity = [{"entity": "route", "value": "klacht_kcoo"}]
    # The start of the intake set contact_meldpunt; the button's entity must not undo that.
    tracker = tracker_with(
        {**slots, "requested_slot": None},
        message("/start_intake", "start_intake", entities=entity),
        form="intake_form",
    )
    result = run(
        ValidateIntakeForm().validate_desired_route("contact_meldpunt", CollectingDispatcher(), tracker, {})
    )
    assert result == {"desired_route": "contact_meldpunt"}
    assert validate_route("een formele klacht", "nlu_fallback", slots)[0] == {
        "desired_route": "contact_meldpunt"
    }


def test_the_summary_keeps_the_persons_words_next_to_what_was_read() -> None:
    from actions.intake import ActionAskIntakeConsent

    typed = "mijn teamleider en soms ook een klant aan de balie"
    tracker = tracker_with(
        {"intake_relations": "leidinggevende,burger_of_klant", "category": "pesten", "intake_consent": None},
        message(typed, "inform_relation"),
    )
    user = next(i for i, event in enumerate(tracker.events) if event["event"] == "user")
    tracker.events.insert(
        user + 2, {"event": "slot", "name": "intake_relations", "value": "leidinggevende,burger_of_klant"}
    )
    dispatcher = CollectingDispatcher()
    run(ActionAskIntakeConsent().run(dispatcher, tracker, {}))
    assert f'je leidinggevende en een burger of klant ("{typed}")' in dispatcher.messages[0]["text"]


@pytest.mark.parametrize(
    ("typed", "slot", "value"),
    [
        ("de afdeling was eigenlijk Team Noord", "intake_department", "eigenlijk Team Noord"),
        ("getuigen: twee collega's van het team", "intake_witnesses", "twee collega's van het team"),
        (
            "wat ik gedaan heb moet zijn: gepraat met de vertrouwenspersoon",
            "intake_steps",
            "gepraat met de vertrouwenspersoon",
        ),
    ],
)
def test_a_typed_correction_is_taken_as_the_new_answer(typed: str, slot: str, value: str) -> None:
    chosen = message(typed, "change_answer")
    tracker = tracker_with(
        {"intake_changing": True, "requested_slot": "intake_consent"}, chosen, form="intake_form"
    )
    result = run(ValidateIntakeForm().validate_intake_consent(typed, CollectingDispatcher(), tracker, {}))
    assert result == {"intake_consent": None, "intake_changing": None, slot: value}


def test_naming_only_the_field_asks_its_question_again() -> None:
    chosen = message("ik wil de afdeling aanpassen", "change_answer")
    tracker = tracker_with(
        {"intake_changing": True, "requested_slot": "intake_consent"}, chosen, form="intake_form"
    )
    result = run(
        ValidateIntakeForm().validate_intake_consent(chosen["text"], CollectingDispatcher(), tracker, {})
    )
    assert result == {"intake_consent": None, "intake_changing": None, "intake_department": None}


@pytest.mark.parametrize("typed", ["ja", "jazeker", "klopt", "yes"])
def test_yes_to_do_you_work_for_the_rijk_is_an_employee(typed: str) -> None:
    tracker = tracker_with(
        {"reporter_role": None, "requested_slot": "reporter_role"},
        message(typed, "affirm"),
        form="experience_form",
    )
    from actions.experience_form import ValidateExperienceForm

    result = run(ValidateExperienceForm().extract_reporter_role(CollectingDispatcher(), tracker, {}))
    assert result == {"reporter_role": "medewerker"}
