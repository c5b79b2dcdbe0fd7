"""The transcript keeps who said what and when, and nothing else."""

from __future__ import annotations

from actions.transcript import CUT, MAX_CHARS, MAX_LINES, transcript_of

T0 = 1_795_000_000.0  # 2026-11-18T11:06:40+00:00


def user(text: str, at: float, **extra: object) -> dict[str, object]:
    return {
        "event": "user",
        "text": text,
        "timestamp": at,
        "input_channel": "rest",
        "message_id": "abc123",
        "metadata": {"ip": "10.1.2.3", "sender": "someone"},
        "parse_data": {"intent": {"name": "describe_pesten"}},
        **extra,
    }


def bot(text: str | None, at: float, buttons: list[dict[str, str]] | None = None) -> dict[str, object]:
    return {"event": "bot", "text": text, "timestamp": at, "data": {"buttons": buttons or []}, "metadata": {}}


def test_who_said_what_and_when_only():
    events = [
        {"event": "action", "name": "action_listen", "timestamp": T0},
        user("hoi", T0 + 1),
        bot("Vertel in je eigen woorden wat er is gebeurd.", T0 + 2),
        {"event": "slot", "name": "category", "value": "pesten", "timestamp": T0 + 3},
        user("mijn collega's negeren me", T0 + 4),
    ]
    assert transcript_of(events) == [
        {"speaker": "reporter", "text": "hoi", "at": "2026-11-18T11:06:41+00:00"},
        {
            "speaker": "assistant",
            "text": "Vertel in je eigen woorden wat er is gebeurd.",
            "at": "2026-11-18T11:06:42+00:00",
        },
        {"speaker": "reporter", "text": "mijn collega's negeren me", "at": "2026-11-18T11:06:44+00:00"},
    ]


def test_a_button_press_is_written_as_the_title_that_was_shown():
    buttons = [{"title": "Ja, dat klopt", "payload": "/affirm"}, {"title": "Nee", "payload": "/deny"}]
    events = [bot("Klopt dat?", T0, buttons), user("/affirm", T0 + 1)]
    assert [line["text"] for line in transcript_of(events)] == ["Klopt dat?", "Ja, dat klopt"]


def test_the_chat_pages_own_opening_is_left_out():
    events = [user("/greet", T0), bot("Hoi, ik ben de Meldpunt-assistent.", T0 + 1), user("hallo", T0 + 2)]
    assert [line["text"] for line in transcript_of(events)] == ["Hoi, ik ben de Meldpunt-assistent.", "hallo"]


def test_messages_without_text_are_left_out():
    events = [bot(None, T0, [{"title": "A", "payload": "/a"}]), user("   ", T0 + 1), user("ok", T0 + 2)]
    assert transcript_of(events) == [{"speaker": "reporter", "text": "ok", "at": "2026-11-18T11:06:42+00:00"}]


def test_limits_of_the_api_are_kept():
    long_text = "x" * (MAX_CHARS + 50)
    line = transcript_of([user(long_text, T0)])[0]
    assert len(line["text"]) == MAX_CHARS and line["text"].endswith(CUT)
    many = [user(f"bericht {i}", T0 + i) for i in range(MAX_LINES + 5)]
    lines = transcript_of(many)
    assert len(lines) == MAX_LINES
    assert lines[0]["text"] == "bericht 5"
