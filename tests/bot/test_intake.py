"""The intake form, the summary, consent and the handover, with built trackers and a mocked API."""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import handover as runtime_module
from actions.follow_up import ActionAskFollowUpSend, ValidateFollowUpForm
from actions.handover import Runtime
from actions.intake import (
    SKIPPED,
    ActionAskIntakeConsent,
    ActionHandover,
    ValidateIntakeForm,
    build_intake,
    contact_details_of,
    handover_identity,
)
from actions.outbox import Outbox
from actions.settings import HandoverSettings
from tests.bot.conftest import build_tracker, message

TOKEN = "service-token-for-tests"
FILLED: dict[str, Any] = {
    "description": "mijn leidinggevende maakt grappen over mijn afkomst, waar het hele team bij is",
    "category": "discriminatie",
    "category_confirmed": True,
    "discrimination_ground": None,
    "ground_asked": True,
    "reporter_role": "medewerker",
    "organisation": "Belastingdienst",
    "under_kcoo": "ja",
    "desired_route": "klacht_kcoo",
    "intake_more": SKIPPED,
    "intake_when": "vorige week dinsdag",
    "intake_ongoing": "ja",
    "intake_department": SKIPPED,
    "intake_relations": "collega,leidinggevende",
    "intake_witnesses": "twee collega's",
    "intake_steps": "Nog niets",
    "intake_contact": "anoniem",
    "intake_contact_details": None,
    "intake_consent": "ja",
    "include_transcript": True,
}


def run(coro: Any) -> Any:
    return asyncio.run(coro)


class FakeApi:
    """An httpx transport that answers like the Meldpunt API, or fails like it when asked to."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.down = False

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.down:
            raise httpx.ConnectError("refused", request=request)
        if request.url.path.endswith("/follow-up"):
            body = json.loads(request.content)
            if body["receipt_code"].startswith("00000"):
                return httpx.Response(404, json={"detail": "unknown"})
            return httpx.Response(200, json=FOLLOW_UP_VIEW)
        return httpx.Response(201, json={"id": json.loads(request.content)["id"], "status": "nieuw"})

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(r.content) for r in self.requests]


FOLLOW_UP_VIEW = {
    "status": "in_behandeling",
    "received_at": "2026-11-17T10:00:00+00:00",
    "category": "pesten",
    "deadlines": {"acknowledgement": "2026-11-24T10:00:00+00:00", "decision": "2027-01-26T10:00:00+00:00"},
    "messages": [
        {"author": "staff", "text": "We bellen je deze week.", "created_at": "2026-11-20T09:00:00+00:00"}
    ],
}


@pytest.fixture
def api(tmp_path: Path) -> Iterator[FakeApi]:
    fake = FakeApi()
    settings = HandoverSettings(api_url="http://api.test", service_token=TOKEN, outbox_path=tmp_path / "o.db")
    runtime = Runtime(
        settings, Outbox(settings.outbox_path), httpx.Client(transport=httpx.MockTransport(fake))
    )
    runtime_module.use_runtime(runtime)
    yield fake
    runtime_module.use_runtime(None)


def tracker_with(slots: dict[str, Any], latest: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    return build_tracker(latest or message("/affirm", "affirm"), slots={**FILLED, **slots}, **kwargs)


def test_payload_holds_exactly_what_was_agreed() -> None:
    now = datetime(2026, 11, 23, 14, 0, tzinfo=timezone.utc)
    payload = build_intake(
        tracker_with({}), intake_id="id-1", receipt_code="1" * 25, now=now, include_transcript=True
    )
    assert payload["category"] == "discriminatie"
    assert payload["discrimination_ground"] == "onbekend"  # asked, not known: not "anders"
    assert payload["occurred_on"] == "2026-11-17"
    assert payload["occurred_period"] == "vorige week dinsdag"  # the person's words stay
    assert payload["ongoing"] is True
    assert payload["department"] is None  # skipped
    assert payload["involved_relations"] == ["collega", "leidinggevende"]
    assert payload["steps_taken"] == "Nog niets"
    assert payload["contact_preference"] == "anoniem" and payload["contact_details"] is None
    assert payload["under_kcoo"] is True and payload["consent"] is True
    assert payload["desired_route"] == "klacht_kcoo" and payload["channel"] == "chat"
    assert payload["transcript"] and all(
        set(line) == {"speaker", "text", "at"} for line in payload["transcript"]
    )
    assert "test" not in json.dumps(payload["transcript"])  # the sender id never goes along
    assert len(payload["summary"]) <= 1000 and "Discriminatie" in payload["summary"]


def test_words_that_are_no_date_are_kept_and_the_transcript_can_be_left_out() -> None:
    now = datetime(2026, 11, 23, tzinfo=timezone.utc)
    tracker = tracker_with({"intake_when": "sinds de zomer", "intake_ongoing": None, "category": "pesten"})
    payload = build_intake(tracker, intake_id="x", receipt_code="2" * 25, now=now, include_transcript=False)
    assert payload["occurred_on"] is None and payload["occurred_period"] == "sinds de zomer"
    assert payload["ongoing"] is True  # "sinds" says it still goes on
    assert payload["discrimination_ground"] is None and payload["transcript"] == []


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Jan de Vries, jan@example.org", {"name": "Jan de Vries", "email": "jan@example.org"}),
        ("bel me op 06-12345678", {"phone": "06-12345678"}),
        ("mijn naam is Fatima, mail fatima.b@minbzk.nl", {"name": "Fatima", "email": "fatima.b@minbzk.nl"}),
        ("liever via mijn werk", None),
    ],
)
def test_contact_details_are_read_from_one_answer(typed: str, expected: dict[str, str] | None) -> None:
    assert contact_details_of(typed) == expected


def validate(
    slot: str, value: Any, latest: dict[str, Any], slots: dict[str, Any] | None = None
) -> tuple[Any, Any]:
    tracker = tracker_with({**(slots or {}), "requested_slot": slot}, latest, form="intake_form")
    dispatcher = CollectingDispatcher()
    method = getattr(ValidateIntakeForm(), f"validate_{slot}")
    return run(method(value, dispatcher, tracker, {})), dispatcher.messages


def test_when_is_read_and_repeated_kindly_and_says_whether_it_goes_on() -> None:
    result, said = validate(
        "intake_when", "al maanden, sinds de zomer", message("al maanden", "nlu_fallback")
    )
    assert result == {"intake_when": "al maanden, sinds de zomer", "intake_ongoing": "ja"}
    assert said == []
    result, said = validate(
        "intake_when", "vorige week dinsdag", message("vorige week dinsdag", "nlu_fallback")
    )
    assert result == {"intake_when": "vorige week dinsdag"}
    assert said and "november" in said[0]["text"]


def test_every_question_can_be_skipped() -> None:
    for slot in ("intake_when", "intake_department", "intake_witnesses", "intake_steps", "intake_ongoing"):
        result, _ = validate(slot, "/skip", message("/skip", "skip"))
        assert result == {slot: SKIPPED}, slot
    result, _ = validate("intake_department", "sla maar over", message("sla maar over", "deny"))
    assert result == {"intake_department": SKIPPED}


def test_relations_named_in_the_story_are_not_asked_again() -> None:
    result, _ = validate("intake_relations", "/deny", message("/deny", "deny"))
    assert result == {"intake_relations": "leidinggevende"}  # from the description
    entity = {"entity": "relation", "value": "burger_of_klant"}
    result, _ = validate("intake_relations", "x", message("een klant", "inform_relation", entities=[entity]))
    assert result == {"intake_relations": "leidinggevende,burger_of_klant"}


def test_consent_with_and_without_transcript_and_refusal() -> None:
    assert validate("intake_consent", "/affirm", message("/affirm", "affirm"))[0] == {
        "intake_consent": "ja",
        "include_transcript": True,
    }
    leave_out = message("/affirm", "affirm", entities=[{"entity": "include_transcript", "value": "nee"}])
    assert validate("intake_consent", "/affirm", leave_out)[0]["include_transcript"] is False
    assert validate("intake_consent", "/deny", message("/deny", "deny"))[0] == {"intake_consent": "nee"}
    result, said = validate("intake_consent", "hmm", message("hmm", "nlu_fallback"))
    assert result == {"intake_consent": None} and said


def test_changing_an_answer_asks_that_question_again() -> None:
    result, _ = validate("intake_consent", "/change_answer", message("/change_answer", "change_answer"))
    assert result == {"intake_consent": None, "intake_changing": True}
    chosen = message("x", "change_answer", entities=[{"entity": "intake_field", "value": "when"}])
    result, _ = validate("intake_consent", "x", chosen, {"intake_changing": True})
    assert result == {
        "intake_consent": None,
        "intake_changing": None,
        "intake_when": None,
        "intake_ongoing": None,
    }
    typed = message("ik wil de getuigen aanpassen", "change_answer")
    assert validate("intake_consent", "x", typed)[0]["intake_witnesses"] is None


def test_the_summary_shows_every_field_and_asks_before_sending() -> None:
    tracker = tracker_with({"intake_consent": None})
    dispatcher = CollectingDispatcher()
    run(ActionAskIntakeConsent().run(dispatcher, tracker, {}))
    text = dispatcher.messages[0]["text"] + "\n" + dispatcher.messages[1]["text"]
    shown = ["afkomst", "17 november 2026", "Belastingdienst", "(overgeslagen)", "twee collega's"]
    shown += ["een collega en je leidinggevende", "Een klacht indienen", "anoniem", "Mag ik dit versturen?"]
    for part in shown:
        assert part in text, part
    assert not dispatcher.messages[0].get("buttons"), "the question and its buttons come on their own"
    payloads = [b["payload"] for b in dispatcher.messages[1]["buttons"]]
    assert payloads == ["/affirm", '/affirm{"include_transcript": "nee"}', "/change_answer", "/deny"]


def test_handover_with_consent_sends_once_and_gives_the_code(api: FakeApi) -> None:
    dispatcher = CollectingDispatcher()
    events = run(ActionHandover().run(dispatcher, tracker_with({}), {}))
    assert len(api.requests) == 1
    request = api.requests[0]
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    body = api.bodies()[0]
    code = body["receipt_code"]
    texts = [m["text"] for m in dispatcher.messages]
    assert texts[0].startswith("Dank je. Je melding is verstuurd")
    assert code in texts[1] and "7 dagen" in texts[2] and "10 weken" in texts[2]
    assert {"event": "slot", "name": "handed_over", "value": True, "timestamp": None} in events
    assert {"event": "slot", "name": "intake_consent", "value": None, "timestamp": None} in events


def summary_answered(
    sender: str = "test", said_at: float = 1795000000.25, answered_at: float = 1795000012.5
) -> Any:
    """The consent turn's tracker: the summary the assistant showed, then the person's "yes"."""
    tracker = tracker_with({})
    tracker.sender_id = sender
    user = next(i for i, event in enumerate(tracker.events) if event["event"] == "user")
    tracker.events[user]["timestamp"] = answered_at
    summary = {"event": "bot", "text": "Dit stuur ik naar het Meldpunt", "timestamp": said_at}
    tracker.events.insert(user, summary)
    return tracker


def test_a_turn_handled_again_hands_over_the_same_intake_with_the_same_code(api: FakeApi) -> None:
    # The turn ran, and was handled again (its Rasa server died before saving it, or saving failed
    # and the person sent it again): the same conversation up to a "yes" that came later.
    codes = []
    for answered_at in (1795000012.5, 1795000040.0):
        dispatcher = CollectingDispatcher()
        run(ActionHandover().run(dispatcher, summary_answered(answered_at=answered_at), {}))
        assert dispatcher.messages[0]["text"].startswith("Dank je. Je melding is verstuurd")
        codes.append(dispatcher.messages[1]["text"])
    assert codes[0] == codes[1]
    assert len(api.requests) == 1  # the outbox knew it was sent
    body = api.bodies()[0]
    assert body["receipt_code"] in codes[0]
    # Another action server (another outbox) sends the same intake: the API keeps it once (its id).
    intake_id, code = handover_identity(summary_answered(answered_at=1795000099.0), TOKEN)
    assert (intake_id, code) == (body["id"], body["receipt_code"])
    assert "test" not in intake_id and TOKEN not in intake_id


def test_each_intake_has_its_own_id_and_code() -> None:
    same = handover_identity(summary_answered(), TOKEN)
    assert uuid.UUID(same[0]).version == 4 and re.fullmatch(r"\d{5}( \d{5}){4}", same[1])
    others = [
        handover_identity(summary_answered(sender="another-conversation"), TOKEN),
        handover_identity(summary_answered(said_at=1795000500.75), TOKEN),  # a later summary
        handover_identity(summary_answered(), "another-token"),
    ]
    for other in others:
        assert other[0] != same[0] and other[1] != same[1]
    # Nothing to derive them from: random, as before.
    assert handover_identity(summary_answered(), None) != handover_identity(summary_answered(), None)
    assert handover_identity(tracker_with({}), TOKEN) != handover_identity(tracker_with({}), TOKEN)


def test_refused_consent_sends_nothing(api: FakeApi) -> None:
    dispatcher = CollectingDispatcher()
    run(ActionHandover().run(dispatcher, tracker_with({"intake_consent": "nee"}), {}))
    assert api.requests == []
    assert "niets" in dispatcher.messages[0]["text"]


def test_api_down_keeps_the_intake_and_still_gives_the_code(api: FakeApi) -> None:
    api.down = True
    dispatcher = CollectingDispatcher()
    run(
        ActionHandover().run(
            dispatcher, tracker_with({"desired_route": "melding_ic_rijk", "category": "misstand"}), {}
        )
    )
    assert "veilig bewaard" in dispatcher.messages[0]["text"]
    assert "3 maanden" in dispatcher.messages[2]["text"]
    intake_id = api.bodies()[0]["id"]
    item = runtime_module.runtime().outbox.get(intake_id)
    assert item is not None and item.state == "pending" and item.payload == api.bodies()[0]


def follow_up_run(
    api: FakeApi, text: str, slots: dict[str, Any] | None = None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    tracker = build_tracker(message(text, "give_receipt_code"), slots=slots, form="follow_up_form")
    dispatcher = CollectingDispatcher()
    form = ValidateFollowUpForm()
    extracted = run(form.extract_receipt_code(dispatcher, tracker, {}))
    result = run(form.validate_receipt_code(extracted.get("receipt_code"), dispatcher, tracker, {}))
    return result, dispatcher.messages


def test_follow_up_tells_the_status_and_the_meldpunts_message(api: FakeApi) -> None:
    result, said = follow_up_run(api, "mijn code is 12345-67890-12345-67890-12345")
    assert result == {"receipt_code": "12345 67890 12345 67890 12345"}
    texts = " ".join(m["text"] for m in said)
    assert "in behandeling" in texts and "We bellen je deze week." in texts
    request = api.requests[0]
    assert request.headers["X-Conversation-Key"] and len(request.headers["X-Conversation-Key"]) == 32
    assert "test" not in request.headers["X-Conversation-Key"]  # not the sender id


def test_follow_up_with_an_unknown_code_asks_again(api: FakeApi) -> None:
    result, said = follow_up_run(api, "00000 11111 22222 33333 44444")
    assert result == {"receipt_code": None, "receipt_code_tries": 1.0}
    assert "ken ik niet" in said[0]["text"]


def test_after_two_wrong_codes_the_person_gets_a_way_out_not_a_loop(api: FakeApi) -> None:
    result, said = follow_up_run(api, "00000 11111 22222 33333 44444", {"receipt_code_tries": 1.0})
    assert result == {"receipt_code": None, "receipt_code_tries": None, "follow_up_unavailable": True}
    assert "25 cijfers" in said[0]["text"] and "Vraag het Meldpunt" in said[0]["text"]
    # the same for a code that cannot be read at all
    tracker = build_tracker(
        message("12345 678", "give_receipt_code"),
        slots={"requested_slot": "receipt_code", "receipt_code_tries": 1.0},
        form="follow_up_form",
    )
    dispatcher = CollectingDispatcher()
    result = run(ValidateFollowUpForm().extract_receipt_code(dispatcher, tracker, {}))
    assert result["follow_up_unavailable"] is True
    required = run(
        ValidateFollowUpForm().required_slots(
            ["receipt_code"], dispatcher, tracker_after(tracker, result), {}
        )
    )
    assert required == []


def tracker_after(tracker: Any, slots: dict[str, Any]) -> Any:
    tracker.slots.update(slots)
    return tracker


@pytest.mark.parametrize(
    "typed", ["nee hoor, dank je", "nee", "niets meer", "no thanks, that's all", "/deny"]
)
def test_nothing_to_add_is_an_answer_not_a_message(api: FakeApi, typed: str) -> None:
    tracker = build_tracker(
        message(typed, "thank"), slots={"receipt_code": "1" * 25, "requested_slot": "follow_up_message"}
    )
    dispatcher = CollectingDispatcher()
    result = run(ValidateFollowUpForm().validate_follow_up_message(typed, dispatcher, tracker, {}))
    assert result == {"follow_up_message": SKIPPED}
    assert api.requests == [] and dispatcher.messages == []


def test_a_follow_up_message_is_sent_only_after_the_person_confirms_it(api: FakeApi) -> None:
    text = "Nee, maar het is vorige week weer gebeurd."
    slots = {"receipt_code": "1" * 25, "requested_slot": "follow_up_message"}
    tracker = build_tracker(message(text, "deny"), slots=slots, form="follow_up_form")
    dispatcher = CollectingDispatcher()
    result = run(ValidateFollowUpForm().validate_follow_up_message(text, dispatcher, tracker, {}))
    assert result == {"follow_up_message": text} and api.requests == []

    asked = build_tracker(message(text, "deny"), slots={**slots, **result}, form="follow_up_form")
    run(ActionAskFollowUpSend().run(dispatcher, asked, {}))
    assert f'"{text}"' in dispatcher.messages[-1]["text"] and "Klopt dat?" in dispatcher.messages[-1]["text"]

    confirmed = {**slots, **result, "requested_slot": "follow_up_send"}
    no = build_tracker(message("nee", "deny"), slots=confirmed, form="follow_up_form")
    assert run(ValidateFollowUpForm().validate_follow_up_send("nee", dispatcher, no, {})) == {
        "follow_up_send": "nee",
        "follow_up_message": SKIPPED,
    }
    assert api.requests == []

    yes = build_tracker(message("ja, versturen", "affirm"), slots=confirmed, form="follow_up_form")
    assert run(ValidateFollowUpForm().validate_follow_up_send("ja, versturen", dispatcher, yes, {})) == {
        "follow_up_send": "ja",
        "follow_up_message": SKIPPED,
    }
    assert [json.loads(r.content)["message"] for r in api.requests] == [text]
    assert "doorgegeven" in dispatcher.messages[-1]["text"]


def test_stop_while_the_code_is_asked_leaves_the_form_to_the_rules(api: FakeApi) -> None:
    tracker = build_tracker(
        message("stop", "stop"), slots={"requested_slot": "receipt_code"}, form="follow_up_form"
    )
    dispatcher = CollectingDispatcher()
    assert run(ValidateFollowUpForm().extract_receipt_code(dispatcher, tracker, {})) == {}
    assert dispatcher.messages == [] and api.requests == []


def test_api_timestamps_become_days_in_the_netherlands() -> None:
    from actions.follow_up import day_of

    assert day_of("2026-11-23T23:37:21.675757Z", "nl") == "24 november 2026"  # past midnight in Amsterdam
    assert day_of("2026-03-03T10:00:00+00:00", "en") == "3 March 2026"


def test_an_english_conversation_gets_an_english_summary() -> None:
    tracker = tracker_with({"intake_consent": None, "language": "en", "intake_when": "last tuesday"})
    dispatcher = CollectingDispatcher()
    run(ActionAskIntakeConsent().run(dispatcher, tracker, {}))
    text = "\n".join(m["text"] for m in dispatcher.messages)
    assert text.startswith("This is what I will send to the Meldpunt")
    assert "(skipped)" in text and "a colleague and your manager" in text and "May I send this?" in text
    assert [b["title"] for b in dispatcher.messages[1]["buttons"]][0] == "Yes, send"


def test_the_tries_and_the_way_out_survive_the_form_run(api: FakeApi) -> None:
    domain = {
        "forms": {
            "follow_up_form": {"required_slots": ["receipt_code", "follow_up_message", "follow_up_send"]}
        }
    }
    for tries, expected in ((None, {"receipt_code_tries": 1.0}), (1.0, {"follow_up_unavailable": True})):
        tracker = build_tracker(
            message("12345 678", "give_receipt_code"),
            slots={"requested_slot": "receipt_code", "receipt_code_tries": tries},
            form="follow_up_form",
        )
        events = run(ValidateFollowUpForm().run(CollectingDispatcher(), tracker, domain))
        slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
        assert expected.items() <= slots.items(), slots
