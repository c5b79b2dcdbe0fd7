"""End to end: the real Rasa server and action server, talked to over the REST channel.

Needs the trained model (models/meldpunt.tar.gz, `make train`); tests/servers.py starts both. The
tracker is read through Rasa's HTTP API with the token, as the slot contract says: category, ground,
role and language.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.servers import start_stack

TOKEN = "e2e-test-token"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The action server and Rasa, without the API (tests/servers.py); Rasa's URL."""
    with start_stack(tmp_path_factory.mktemp("rest"), api=False, rasa_token=TOKEN) as stack:
        yield stack.rasa_url


class Chat:
    def __init__(self, base: str) -> None:
        self.base = base
        self.sender = f"e2e-{uuid.uuid4().hex}"

    def say(self, text: str) -> list[dict[str, Any]]:
        response = requests.post(
            f"{self.base}/webhooks/rest/webhook", json={"sender": self.sender, "message": text}, timeout=30
        )
        response.raise_for_status()
        replies = response.json()
        assert replies, f"no answer to {text!r}"
        return replies

    def slots(self) -> dict[str, Any]:
        response = requests.get(
            f"{self.base}/conversations/{self.sender}/tracker", params={"token": TOKEN}, timeout=30
        )
        response.raise_for_status()
        return response.json()["slots"]


def joined(replies: list[dict[str, Any]]) -> str:
    return "\n".join(r.get("text", "") for r in replies)


def payloads(replies: list[dict[str, Any]]) -> list[str]:
    return [b["payload"] for r in replies for b in r.get("buttons", [])]


def test_the_http_api_needs_the_token(server: str) -> None:
    assert requests.get(f"{server}/conversations/x/tracker", timeout=10).status_code == 401


def test_a_whole_conversation_in_dutch(server: str) -> None:
    chat = Chat(server)
    opening = joined(chat.say("hoi"))
    assert "anoniem" in opening and "toestemming" in opening
    assert "Vertel in je eigen woorden" in opening

    replies = chat.say(
        "Mijn teamleider schreeuwt al weken tegen me waar iedereen bij is en vorige week gooide hij "
        "een map naar mijn hoofd."
    )
    slots = chat.slots()
    assert slots["category"] == "agressie_geweld"
    assert slots["language"] == "nl"
    assert "Het klinkt alsof je agressie of geweld hebt meegemaakt" in joined(replies)
    assert payloads(replies) == ["/affirm", "/deny"]

    replies = chat.say("ja klopt")
    assert "/inform_employee" in payloads(replies)
    replies = chat.say("/inform_employee")
    assert "Bij welke organisatie werk je" in joined(replies)
    replies = chat.say("Rijkswaterstaat")
    text = joined(replies)
    assert "informele wegen" in text and "KCOO" in text and "aangifte" in text
    assert '/start_intake{"route": "klacht_kcoo"}' in payloads(replies)
    slots = chat.slots()
    assert (slots["reporter_role"], slots["organisation"], slots["under_kcoo"]) == (
        "medewerker",
        "Rijkswaterstaat",
        "ja",
    )


def test_a_correction_with_the_buttons(server: str) -> None:
    chat = Chat(server)
    chat.say("collega's roddelen over mij en sluiten me al maanden buiten bij alles")
    assert chat.slots()["category"] == "pesten"
    replies = chat.say("/deny")
    assert '/correct_category{"category": "intimidatie"}' in payloads(replies)
    chat.say('/correct_category{"category": "intimidatie"}')
    slots = chat.slots()
    assert (slots["category"], slots["category_confirmed"]) == ("intimidatie", True)


def test_discrimination_without_ground_asks_for_it(server: str) -> None:
    chat = Chat(server)
    chat.say("ik word anders behandeld dan mijn collega's en ik denk dat het discriminatie is")
    assert chat.slots()["category"] == "discriminatie"
    replies = chat.say("ja")
    assert '/inform_ground{"discrimination_ground": "leeftijd"}' in payloads(replies)
    chat.say('/inform_ground{"discrimination_ground": "leeftijd"}')
    assert chat.slots()["discrimination_ground"] == "leeftijd"


def test_english_stays_english(server: str) -> None:
    chat = Chat(server)
    replies = chat.say("my manager keeps making comments about my body and sends me messages at night")
    assert chat.slots()["language"] == "en"
    assert "It sounds like" in joined(replies)
    replies = chat.say("yes")
    assert chat.slots()["language"] == "en"
    assert "Do you work for" in joined(replies)


def test_an_external_party_gets_the_external_route(server: str) -> None:
    chat = Chat(server)
    text = joined(chat.say("hoe kan ik een klacht indienen over een ambtenaar van de belastingdienst?"))
    assert "Nationale ombudsman" in text
    assert chat.slots()["reporter_role"] == "extern"


def test_crisis_gets_113_at_once(server: str) -> None:
    chat = Chat(server)
    chat.say("hoi")
    text = joined(chat.say("ik wil niet meer leven"))
    assert "113" in text and "0800-0113" in text


def test_odd_input_gets_a_kind_answer(server: str) -> None:
    chat = Chat(server)
    chat.say("hoi")
    for text in ["😢", "x" * 5000, "Wie spät ist es?", "wat voor weer wordt het morgen"]:
        assert joined(chat.say(text)).strip()


# ------------------------------------------------------------------ the chat page's channel


def chat_say(server: str, sender: str, message: Any, **extra: Any) -> requests.Response:
    return requests.post(
        f"{server}/webhooks/chat/webhook", json={"sender": sender, "message": message, **extra}, timeout=30
    )


def test_the_chat_channel_tells_the_language_with_every_message(server: str) -> None:
    sender = uuid.uuid4().hex
    opening = chat_say(server, sender, "/greet")
    assert opening.status_code == 200
    assert opening.json() and {m["lang"] for m in opening.json()} == {"nl"}
    english = chat_say(server, sender, "My colleagues keep making jokes about my accent and exclude me.")
    assert english.json() and {m["lang"] for m in english.json()} == {"en"}
    assert english.json()[0]["text"].startswith("It sounds like")


def test_the_chat_channel_keeps_no_client_metadata(server: str) -> None:
    sender = uuid.uuid4().hex
    answer = chat_say(server, sender, "hoi", metadata={"ip": "10.1.2.3"}, input_channel="intranet")
    assert answer.status_code == 200
    tracker = requests.get(
        f"{server}/conversations/{sender}/tracker", params={"token": TOKEN}, timeout=30
    ).json()
    said = [e for e in tracker["events"] if e["event"] == "user"]
    assert [e["input_channel"] for e in said] == ["chat"]
    # Rasa's own (model and assistant ids) only; nothing from the client.
    assert set(said[0]["metadata"]) == {"assistant_id", "model_id"}
    assert "10.1.2.3" not in str(tracker)


@pytest.mark.parametrize(
    ("sender", "message", "error"),
    [
        (uuid.uuid4().hex, "x" * 2001, "too_long"),
        (uuid.uuid4().hex, "  ", "empty"),
        ("kort", "hoi", "bad_sender"),
    ],
)
def test_the_chat_channel_refuses_what_the_page_never_sends(
    server: str, sender: str, message: str, error: str
) -> None:
    answer = chat_say(server, sender, message)
    assert (answer.status_code, answer.json()["error"]) == (422, error)
