"""The chat page (/chat/) and its widget in Chromium, against the real API, action server and Rasa.

The page's contract: `<html lang>` follows the conversation; `#messages` (role=log) holds
`li.msg.bot` / `li.msg.user` with a `lang`; the assistant's buttons are `button.choice` in the last
bot message; the composer is `#composer` with `textarea#message-input` (its limit in
`data-max-length`) and `button#send`; `#typing` shows while waiting; `#composer-error` (role=alert)
says what is wrong; a message that could not be sent is `li.msg.user.failed` with `button.retry`;
`button#quick-exit` ("Snel weg") leaves; state lives in sessionStorage `meldpunt.chat` only, and
there are no cookies. The page talks to the assistant through POST /webhooks/chat/webhook.

Screenshots of each state go to var/test-artifacts/web/.
"""

from __future__ import annotations

import http.server
import re
import threading
from collections.abc import Iterator

import pytest
from playwright.sync_api import BrowserContext, Page, Route, expect

from tests.web.conftest import EXIT_URL, WebStack
from tests.web.helpers import (
    CODE,
    REPLY_TIMEOUT_MS,
    ChatPage,
    axe,
    screenshot,
    send_intake,
    tab_to,
    to_options,
    to_summary,
    zoomed,
)

WEBHOOK = "**/webhooks/chat/webhook"
STORAGE_KEY = "meldpunt.chat"
DESCRIPTION = (
    "Mijn collega's sluiten me al maanden buiten. Ze negeren me in de kantine, lachen me uit in de "
    "groepsapp en nodigen me nooit uit als ze samen gaan lunchen."
)


def storage(page: Page) -> str | None:
    return page.evaluate("(key) => window.sessionStorage.getItem(key)", STORAGE_KEY)


# ------------------------------------------------------------------------------- a) a whole intake


def test_a_whole_intake_by_typing_and_clicking(chat: ChatPage, web: WebStack) -> None:
    page = chat.page
    before = web.stack.total()
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.locator("#messages")).to_have_attribute("role", "log")
    expect(page.locator("#messages")).to_have_attribute("aria-live", "polite")
    screenshot(page, "chat-01-opening")

    to_options(chat, DESCRIPTION, "Rijkswaterstaat")
    assert "Een klacht indienen" in chat.choices(), f"no button for a complaint\n{chat}"
    screenshot(page, "chat-02-options")
    text = chat.click("Een klacht indienen")
    assert "Ik stel je nu een paar vragen" in text, f"the intake did not start\n{chat}"

    to_summary(chat)  # skip or say no to every question, stay anonymous
    screenshot(page, "chat-03-summary")

    code = send_intake(chat, web.stack.logs)
    screenshot(page, "chat-04-receipt-code")

    # Every message carries its language; the buttons of earlier messages can no longer be used.
    langs = page.locator("#messages li.msg").evaluate_all("(items) => items.map((li) => li.lang)")
    assert langs and set(langs) == {"nl"}, f"messages' lang attributes: {langs}"
    stale = page.locator("#messages li.msg.bot:not(:last-child) button.choice:enabled")
    assert stale.count() == 0, f"{stale.count()} buttons of earlier messages still work"

    # The staff see it, as the intake role sees the list and the admin the detail.
    assert web.stack.total() == before + 1, f"no new intake at the Meldpunt\n{web.stack.logs()}"
    listed = web.stack.staff_get("/intakes", role="intake", page_size=5, sort="received_at", order="desc")
    assert listed["total"] == before + 1
    detail = web.stack.find(DESCRIPTION, category="pesten", organisation="Rijkswaterstaat")
    assert (detail["channel"], detail["consent"], detail["contact_preference"]) == ("chat", True, "anoniem")
    said = [line["text"] for line in detail["transcript"] if line["speaker"] == "reporter"]
    assert said[-1] == "Ja, versturen", f"the transcript has the buttons' titles: {said}"
    assert not [s for s in said if s.startswith("/")], f"payloads in the transcript: {said}"

    assert not page.context.cookies(), "the chat set a cookie"
    saved = storage(page)
    assert saved and code.replace(" ", "") in saved.replace(" ", ""), (
        "the conversation is not kept in the tab"
    )


# ---------------------------------------------------------------------------------- b) "Snel weg"


def test_quick_exit_leaves_and_forgets(chat: ChatPage, web: WebStack) -> None:
    page = chat.page
    secret = "Mijn leidinggevende schreeuwt tegen me waar iedereen bij is."
    chat.say(secret)
    assert storage(page), "nothing in sessionStorage during the conversation"
    exit_button = page.locator("button#quick-exit")
    expect(exit_button).to_have_text("Snel weg")
    exit_button.click()
    page.wait_for_url(EXIT_URL)
    assert page.url == EXIT_URL

    chat.open()
    expect(chat.bot_messages.first).to_be_visible(timeout=REPLY_TIMEOUT_MS)  # a fresh opening
    assert secret not in page.content(), "the old conversation is shown again"
    assert chat.user_messages.count() == 0, "messages of the old conversation are shown"
    saved = storage(page) or ""
    assert secret not in saved, f"sessionStorage still holds the old conversation: {saved[:200]}"
    assert page.evaluate("() => Object.keys(window.sessionStorage)") in ([], [STORAGE_KEY])


def test_quick_exit_cannot_be_undone_with_back(chat: ChatPage) -> None:
    page = chat.page
    secret = "Een collega zat ongevraagd aan me bij het koffieapparaat."
    chat.say(secret)
    page.locator("button#quick-exit").click()
    page.wait_for_url(EXIT_URL)
    page.go_back(wait_until="load")  # the exit replaced the chat in the history: back leads before it
    if page.url.startswith(chat.base):  # back on the chat page: once it has opened, a new conversation
        expect(chat.bot_messages.first).to_be_visible(timeout=REPLY_TIMEOUT_MS)
        assert secret not in (storage(page) or ""), "Back finds the conversation in sessionStorage"
    assert secret not in page.content(), f"Back brings the conversation back ({page.url})"


# ----------------------------------------------------------------------------------- c) keyboard


def test_keyboard_only(chat: ChatPage) -> None:
    page = chat.page
    chat.wait_for_answer(0)
    tab_to(page, "textarea#message-input")
    page.keyboard.type("hallo")
    before = chat.bot_messages.count()
    page.keyboard.press("Enter")
    chat.wait_for_answer(before)
    expect(chat.user_messages.last).to_contain_text("hallo")

    page.keyboard.type("Mijn collega's negeren me al weken en lachen me uit als ik iets zeg.")
    before = chat.bot_messages.count()
    page.keyboard.press("Enter")
    chat.wait_for_answer(before)
    assert "Ja, dat klopt" in chat.choices(), f"no buttons to confirm\n{chat}"

    tab_to(page, "#messages li.msg.bot:last-child button.choice", title="Ja, dat klopt")
    screenshot(page, "chat-keyboard-focus-on-choice", full_page=False)
    before = chat.bot_messages.count()
    page.keyboard.press("Enter")
    chat.wait_for_answer(before)
    expect(chat.user_messages.last).to_contain_text("Ja, dat klopt")

    assert "Ja, ik werk bij het Rijk" in chat.choices(), f"no question about the role\n{chat.choices()}"
    tab_to(page, "#messages li.msg.bot:last-child button.choice", title="Ja, ik werk bij het Rijk")
    before = chat.bot_messages.count()
    page.keyboard.press(" ")
    chat.wait_for_answer(before)
    expect(chat.user_messages.last).to_contain_text("Ja, ik werk bij het Rijk")
    assert "Bij welke organisatie" in chat.bot_text(2)

    # Shift+Enter is a new line, not a send.
    tab_to(page, "textarea#message-input")
    count = chat.user_messages.count()
    page.keyboard.type("eerste regel")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("tweede regel")
    assert chat.input.input_value() == "eerste regel\ntweede regel"
    assert chat.user_messages.count() == count


def test_a_focused_choice_is_not_hidden(chat: ChatPage) -> None:
    """WCAG 2.2, 2.4.11: what has the keyboard focus is not hidden behind the composer."""
    chat.say("hallo")
    chat.say("Mijn collega's negeren me al weken en lachen me uit als ik iets zeg.")
    assert chat.page.evaluate("document.documentElement.scrollHeight > innerHeight"), "no scrolling yet"
    chat.input.focus()
    tab_to(chat.page, "#messages li.msg.bot:last-child button.choice", unobscured=True)


def test_each_answer_comes_into_view(chat: ChatPage) -> None:
    """After each turn the person sees the start of the answer, not hidden behind the header or the
    composer; when the answer is taller than the room between them, its question (the last bubble)
    is in view, and the answer's start directly above it."""
    page = chat.page
    turns = [
        ("say", "hallo"),
        ("say", "Mijn collega's negeren me al weken en lachen me uit als ik iets zeg."),
        ("click", "Ja, dat klopt"),
        ("click", "Ja, ik werk bij het Rijk"),
        ("say", "Belastingdienst"),
    ]
    probe = """(el) => { const r = el.getBoundingClientRect();
        const header = document.querySelector('.site-header');
        const stuck = getComputedStyle(header).position === 'sticky';
        const top = stuck ? header.getBoundingClientRect().bottom : 0;
        const composer = document.querySelector('#composer');
        const bottom = getComputedStyle(composer).position === 'sticky'
            ? composer.getBoundingClientRect().top : innerHeight;
        const x = r.left + 8, y = Math.max(r.top, top) + 8;
        const hit = document.elementFromPoint(x, y);
        const own = hit && (hit === el || el.contains(hit));
        return {own: own, by: own ? null : (hit ? hit.outerHTML.slice(0, 80) : 'nothing'),
                startShown: r.top >= top - 1, room: bottom - top, top: r.top}; }"""
    for how, text in turns:
        before = chat.bot_messages.count()
        if how == "say":
            chat.say(text)
        else:
            chat.click(text)
        first, last = chat.bot_messages.nth(before), chat.last_bot
        expect(first).to_be_in_viewport()
        expect(last).to_be_in_viewport()
        seen = page.evaluate(probe, first.element_handle())
        assert seen["own"], f"the answer to {text!r} is hidden by {seen['by']}\n{chat}"
        if not seen["startShown"]:
            height = page.evaluate(
                "([a, b]) => b.getBoundingClientRect().bottom - a.getBoundingClientRect().top",
                [first.element_handle(), last.element_handle()],
            )
            assert height > seen["room"], f"the start of the answer to {text!r} is scrolled away\n{chat}"
        question = page.evaluate(probe, last.element_handle())
        assert question["own"], f"the question after {text!r} is hidden by {question['by']}\n{chat}"
    screenshot(page, "chat-answer-in-view", full_page=False)


# ------------------------------------------------------------------------------ d) too long a message


def test_a_too_long_message_is_refused_and_not_sent(chat: ChatPage) -> None:
    page = chat.page
    chat.wait_for_answer(0)
    limit = int(chat.input.get_attribute("data-max-length") or 2000)
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url) if "/webhooks/chat/webhook" in r.url else None)
    count = chat.user_messages.count()
    chat.input.fill("a" * (limit + 1))
    page.locator("button#send").click()
    error = page.locator("#composer-error")
    expect(error).to_have_attribute("role", "alert")
    expect(error).to_be_visible()
    expect(error).to_contain_text(str(limit))
    assert chat.user_messages.count() == count, "the too-long message is shown as sent"
    assert len(chat.input.input_value()) == limit + 1, "the text was taken out of the field"
    screenshot(page, "chat-too-long")
    axe(page, "the chat page with a too-long message")

    # At the limit it goes. Its request is the barrier: a request for the too-long message would
    # have been made before it, so exactly one request means the too-long one never left.
    with page.expect_request(lambda r: "/webhooks/chat/webhook" in r.url, timeout=REPLY_TIMEOUT_MS):
        chat.say("a" * limit, key="")
    expect(error).to_be_empty()
    assert len(sent) == 1, f"the too-long message was sent too: {len(sent)} requests"
    assert chat.user_messages.count() == count + 1


# --------------------------------------------------------------------------- e) the network fails


def test_a_message_that_fails_can_be_sent_again(chat: ChatPage, context: BrowserContext) -> None:
    page = chat.page
    chat.wait_for_answer(0)

    def abort(route: Route) -> None:
        route.abort()

    page.route(WEBHOOK, abort)
    chat.input.fill("hallo")
    page.locator("button#send").click()
    failed = page.locator("#messages li.msg.user.failed")
    expect(failed).to_have_count(1)
    expect(failed).to_contain_text("hallo")
    retry = failed.locator("button.retry")
    expect(retry).to_be_visible()
    screenshot(page, "chat-failed-message")
    axe(page, "the chat page with a failed message")

    page.unroute(WEBHOOK, abort)
    before = chat.bot_messages.count()
    retry.click()
    chat.wait_for_answer(before)
    expect(failed).to_have_count(0)
    expect(chat.user_messages.last).to_contain_text("hallo")
    assert "Vertel in je eigen woorden" in chat.bot_text(3), f"no answer after the retry\n{chat}"


# ------------------------------------------------------------------------------------- f) English


def test_an_english_conversation_turns_the_page_english(chat: ChatPage) -> None:
    page = chat.page
    send = page.locator("button#send")
    expect(send).to_have_text("Verstuur")
    chat.say("my manager keeps making comments about my body and sends me messages at night")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(send).to_have_text(re.compile("send", re.I))
    expect(page.locator("button#quick-exit")).not_to_have_text("Snel weg")
    assert "It sounds like" in chat.bot_text(2), f"no English answer\n{chat}"
    expect(chat.bot_messages.last).to_have_attribute("lang", "en")
    assert "Yes, that's right" in chat.choices(), f"no English buttons\n{chat}"
    chat.click("Yes, that's right")
    assert "Yes, I work for the Rijk" in chat.choices(), f"{chat}"
    expect(page.locator("html")).to_have_attribute("lang", "en")
    screenshot(page, "chat-english")
    axe(page, "the chat page in English")


# -------------------------------------------------------------------------------- g) accessibility


def test_axe_finds_no_serious_violations(chat: ChatPage) -> None:
    page = chat.page
    chat.wait_for_answer(0)
    axe(page, "the chat page at the start")
    chat.say("hallo")
    chat.say("Mijn collega's negeren me al weken en lachen me uit als ik iets zeg.")
    chat.click("Ja, dat klopt")
    axe(page, "the chat page after a few turns, with buttons")


# ------------------------------------------------------------------------------------- h) 200% zoom


@pytest.mark.parametrize("context_options", [zoomed(640), zoomed(320)], ids=["200pct", "400pct"])
def test_zoomed_page_reflows(chat: ChatPage, context_options: dict[str, object]) -> None:
    page = chat.page
    width = context_options["viewport"]["width"]  # type: ignore[index]

    def check(when: str) -> None:
        sizes = page.evaluate(
            "() => { const root = document.documentElement;"
            " return {scroll: root.scrollWidth, client: root.clientWidth}; }"
        )
        assert sizes["scroll"] <= sizes["client"], f"horizontal scrolling at {width} px {when}: {sizes}"
        if width < 640:  # 256 px high: the composer may be below, but all of it within reach
            page.locator("#composer").scroll_into_view_if_needed()
        expect(page.locator("#composer")).to_be_in_viewport(ratio=1)
        expect(page.locator("button#send")).to_be_in_viewport(ratio=1)

    chat.wait_for_answer(0)
    check("at the start")
    chat.say("hallo")
    chat.say("Mijn collega's negeren me al weken en lachen me uit als ik iets zeg.")
    chat.say("https://voorbeeld.example.org/" + "heel-lang-woord" * 12)  # one unbreakable word
    check("after a few turns")
    screenshot(page, f"chat-zoom-{width}px")


# ------------------------------------------------------------------------------------- i) a crisis

CRISIS = (
    "Mijn leidinggevende kleineert me al maanden waar iedereen bij is. Ik kan het niet meer. "
    "Ik heb de pillen al in huis en denk er steeds vaker aan om er een eind aan te maken."
)


def test_a_crisis_gets_tappable_numbers_and_the_conversation_waits_for_the_person(chat: ChatPage) -> None:
    page = chat.page
    answer = chat.say(CRISIS)
    assert "Denk je aan zelfmoord?" in answer, chat
    assert "Het klinkt alsof" not in answer, f"the turn went on after the crisis answer\n{chat}"
    turn = page.locator("#messages li.msg.bot").filter(has_text="Zelfmoordpreventie").last
    for href in ("tel:113", "tel:08000113", "tel:112", "https://113.nl"):
        expect(turn.locator(f'a[href="{href}"]').first).to_be_visible()
    assert chat.choices() == ["Ik neem contact op met 113", "Hier verder praten"], chat
    expect(turn.locator('a[href="tel:113"]').first).to_be_in_viewport()
    screenshot(page, "chat-crisis-1-answer")
    axe(page, "the chat page after a crisis answer")

    answer = chat.say("ja")  # to "contact 113 now?": the assistant stays, and does not go on
    assert "Goed dat je dat doet" in answer and "Het klinkt alsof" not in answer, chat
    expect(chat.last_bot.locator('a[href="tel:08000113"]')).to_have_count(1)

    answer = chat.click("Hier verder praten")  # now it picks up where it was: the story is kept
    assert "we gaan verder" in answer and "Het klinkt alsof" in answer, chat
    screenshot(page, "chat-crisis-2-going-on")


# -------------------------------------------------------------------------------------- j) the widget


class HostPage(http.server.BaseHTTPRequestHandler):
    """An intranet page of another origin, carrying the widget's one tag."""

    html = b""

    def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(self.html)))
        self.end_headers()
        self.wfile.write(self.html)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture
def host_page(web: WebStack) -> Iterator[str]:
    page = f"""<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>Intranet</title>
<script src="{web.base}/chat/widget.js" defer></script></head>
<body><main><h1>Intranet van het Rijk</h1><p>Nieuws van de afdeling.</p></main></body></html>"""
    handler = type("Handler", (HostPage,), {"html": page.encode()})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", web.embed_port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"{web.embed_origin}/"
    finally:
        server.shutdown()
        server.server_close()


def test_the_widget_opens_the_chat_in_a_frame(page: Page, host_page: str) -> None:
    page.goto(host_page)
    opener = page.locator("button#meldpunt-widget-open")
    expect(opener).to_be_visible()
    expect(page.locator("iframe#meldpunt-widget-frame")).to_have_count(0)
    screenshot(page, "widget-1-closed", full_page=False)
    axe(page, "the host page with the widget closed")

    opener.click()
    frame_element = page.locator("iframe#meldpunt-widget-frame")
    expect(frame_element).to_be_visible()
    frame = page.frame_locator("iframe#meldpunt-widget-frame")
    expect(frame.locator("textarea#message-input")).to_be_visible()
    expect(frame.locator("#messages li.msg.bot").first).to_be_visible(timeout=REPLY_TIMEOUT_MS)
    screenshot(page, "widget-2-open", full_page=False)

    bot = frame.locator("#messages li.msg.bot")
    before = bot.count()
    frame.locator("textarea#message-input").fill("hallo")
    frame.locator("textarea#message-input").press("Enter")
    expect(frame.locator("#messages li.msg.user")).to_contain_text(["hallo"])
    expect(bot.nth(before)).to_be_visible(timeout=REPLY_TIMEOUT_MS)
    expect(frame.locator("#typing")).to_be_hidden()
    expect(bot.nth(before)).to_be_in_viewport()
    screenshot(page, "widget-3-conversation", full_page=False)

    # In the frame too, a crisis answer's numbers are links a phone can call.
    before = bot.count()
    frame.locator("textarea#message-input").fill("ik wil er eigenlijk niet meer zijn")
    frame.locator("textarea#message-input").press("Enter")
    expect(bot.nth(before)).to_be_visible(timeout=REPLY_TIMEOUT_MS)
    expect(frame.locator('#messages li.msg.bot a[href="tel:113"]').first).to_be_visible()
    expect(frame.locator('#messages li.msg.bot a[href="tel:08000113"]').first).to_be_visible()
    axe(page, "the host page with the widget open")

    # In the widget "Snel weg" sits in its own bar, not in the frame; it leaves the host page too.
    expect(frame.locator("button#quick-exit")).to_be_hidden()
    page.locator("button#meldpunt-widget-exit").click()
    page.wait_for_url(EXIT_URL)


# ------------------------------------------------------------------- j) typed answers, on a phone

PHONE = {"locale": "nl-NL", "viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
TYPED_JOURNEY = [
    "hallo",
    "Mijn collega's sluiten me al maanden buiten. Ze negeren me in de kantine en lachen me uit in "
    "de groepsapp.",
    "ja",
    "ja",  # to "Werk je bij het Rijk?"
    "Rijkswaterstaat",
    "ik wil graag anoniem contact met het meldpunt",
]
TYPED_ANSWERS = {
    "Wil je nog meer vertellen": "nee dit is genoeg",
    "Wanneer is het gebeurd": "al sinds de zomer ongeveer, de laatste keer was vorige week dinsdag",
    "Gebeurt het nu nog steeds": "ja",
    "Bij welke afdeling": "sla over",
    "betrokken": "nee",
    "Heeft iemand anders het gezien": "nee",
    "Heb je al iets gedaan": "nog niks",
    "Hoe wil je verder": "anoniem",
}


def in_view_checks(page: Page, chat: ChatPage, turn: str, bubbles_before: int) -> None:
    expect(page.locator("button#quick-exit")).to_be_in_viewport()
    expect(chat.last_bot).to_be_in_viewport()
    new = chat.bot_messages.count() - bubbles_before
    assert new <= 2, f"{new} bubbles for one turn after {turn!r}\n{chat}"


@pytest.mark.parametrize("context_options", [PHONE], ids=["phone-390x844"])
def test_typed_answers_on_a_phone_reach_the_meldpunt_and_the_code_works(
    chat: ChatPage, web: WebStack
) -> None:
    """The whole journey typed, as on a phone: "Snel weg" and the question stay in view every turn,
    a turn is at most two bubbles, and the code the person gets works in follow-up."""
    page = chat.page
    for turn in TYPED_JOURNEY:
        before = chat.bot_messages.count()
        if turn.startswith("[click] "):
            chat.click(turn.removeprefix("[click] "))
        else:
            chat.say(turn)
        in_view_checks(page, chat, turn, before)
    for _ in range(12):
        text = chat.bot_text(1)  # the question: the last bubble of the turn
        if "Mag ik dit versturen?" in text:
            break
        answer = next((a for q, a in TYPED_ANSWERS.items() if q in text), None)
        assert answer, f"an unexpected question\n{chat}"
        before = chat.bot_messages.count()
        chat.say(answer)
        in_view_checks(page, chat, answer, before)
    else:
        raise AssertionError(f"no summary\n{chat}")
    summary = chat.bot_text(2)  # the summary, and the question whether to send it
    assert "Wat je wilt: Contact met het Meldpunt" in summary, f"{chat}"
    assert "nee dit is genoeg" not in summary, f"a typed 'no' became part of the story\n{chat}"
    assert 'Wanneer: "al sinds de zomer ongeveer, de laatste keer was vorige week dinsdag" (' in summary, (
        f"the person's words for when are not in the summary\n{chat}"
    )
    assert "Gebeurt het nog: ja" in summary and "Afdeling: (overgeslagen)" in summary, f"{chat}"
    screenshot(page, "chat-phone-summary", full_page=False)
    text = chat.say("ja, versturen")
    assert "Je melding is verstuurd naar het Meldpunt" in text, f"not sent\n{chat}\n{web.stack.logs()}"
    code = CODE.search(text)
    assert code, f"no code\n{chat}"
    screenshot(page, "chat-phone-code", full_page=False)

    # A new conversation: the code gives the status; "nee hoor, dank je" is not sent as a message.
    chat.page.evaluate("() => window.sessionStorage.clear()")
    chat.open()
    status = chat.say(code[0])
    assert "ontvangen, nog niet in behandeling" in status, f"the code does not work\n{chat}"
    chat.say("nee hoor, dank je")
    detail = web.stack.find("Mijn collega's sluiten me al maanden buiten")
    assert detail["desired_route"] == "contact_meldpunt" and detail["messages"] == []


@pytest.mark.parametrize("context_options", [PHONE], ids=["phone-390x844"])
def test_the_widget_keeps_quick_exit_and_the_question_in_view_on_a_phone(page: Page, host_page: str) -> None:
    page.goto(host_page)
    page.locator("button#meldpunt-widget-open").click()
    frame = page.frame_locator("iframe#meldpunt-widget-frame")
    bot = frame.locator("#messages li.msg.bot")
    expect(bot.first).to_be_visible(timeout=REPLY_TIMEOUT_MS)
    expect(page.locator("button#meldpunt-widget-exit")).to_be_in_viewport()
    turns = [
        "hallo",
        "Mijn leidinggevende schreeuwt steeds tegen me waar iedereen bij is en noemt me dom.",
        "ja",
        "wat is een vertrouwenspersoon",
        "wat doet de KCOO",
        "wat is het meldpunt",
        "wat gebeurt er met mijn gegevens",
        "wat is een klacht",
        "wat is RABA",
        "wat is de IC Rijk",
    ]
    for turn in turns:
        before = bot.count()
        frame.locator("textarea#message-input").fill(turn)
        frame.locator("textarea#message-input").press("Enter")
        expect(bot.nth(before)).to_be_visible(timeout=REPLY_TIMEOUT_MS)
        expect(frame.locator("#typing")).to_be_hidden()
        assert bot.count() - before <= 2, f"more than two bubbles after {turn!r}"
        expect(page.locator("button#meldpunt-widget-exit")).to_be_in_viewport()
        expect(bot.last).to_be_in_viewport()
    screenshot(page, "widget-phone-ten-turns", full_page=False)
    page.locator("button#meldpunt-widget-exit").click()
    page.wait_for_url(EXIT_URL)
