"""The review pages for intake staff (/review/) in Chromium, against the real API, action server and Rasa.

One intake is made through the chat page, once for this module (`reported`): the person types and
clicks as on the chat page, and at the question whether there is more to tell types text with HTML
and script in it. The tests then log in as the `intake` or `admin` account through `#login-form`,
find that intake by filter in `#filters` (`tr.intake`, `a.intake-link`), read `#transcript`
(`li.turn.user` / `li.turn.bot`), change it in `#status-form` (`#status`, `#save`, `#flash`,
`#history`), log out with `#logout`, and look at `/review/cijfers` (`#figures-table`,
`#figures-chart`, `a#csv-link`) and `/review/audit` (`#audit-table`, admins only).

The pages may set their cookies (the session `meldpunt_review` and the login form's nonce) at
/review only, HttpOnly and SameSite=Strict: `cookie_paths` below. Screenshots of each page go to
var/test-artifacts/web/review-*.png.
"""

from __future__ import annotations

import csv
import re
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import timezone

import pytest
from playwright.sync_api import Browser, Page, expect

from api.web.review_labels import STATUS
from tests.servers import Staff, days_during
from tests.web.conftest import CONTEXT_OPTIONS, Watch, WebStack, guarded_context
from tests.web.helpers import (
    ARTIFACTS,
    ChatPage,
    axe,
    focus_is_visible,
    screenshot,
    send_intake,
    tab_to,
    to_options,
    to_summary,
    zoomed,
)

SESSION_COOKIE = "meldpunt_review"
LOGIN_COOKIE = "meldpunt_review_login"
ORGANISATION = "Belastingdienst"  # the chat page's own test reports at Rijkswaterstaat
DESCRIPTION = (
    "Twee collega's pesten me al maanden. Ze sluiten me buiten bij het overleg, lachen me uit in de "
    "groepsapp en praten over me als ik erbij sta."
)
# Typed at "is there more to tell?": markup that must stay text, on the chat page and the review pages.
MARKER = f"kenmerk-{uuid.uuid4().hex[:12]}"
MARKUP = (
    f"Nog iets ({MARKER}): <script>document.title='xss-script'</script> "
    "<img src=x onerror=\"document.title='xss-img'\"> <b>vet</b>"
)


@pytest.fixture
def cookie_paths() -> Collection[str]:
    """The review pages set their cookies at /review, and nowhere else."""
    return ("/review",)


# ----------------------------------------------------------------- the intake, made on the chat page


@dataclass(frozen=True)
class Reported:
    id: str
    code: str  # the receipt code the person got
    # The chat page's messages up to the summary, before it was sent: (user|bot, text).
    conversation: list[tuple[str, str]]
    said: list[str]  # what the person typed or clicked, in order
    chat_markup_text: str  # how the chat page showed the message with the markup
    chat_markup_elements: int  # script and img elements in the chat page's messages


@pytest.fixture(scope="module")
def reported(browser: Browser, web: WebStack) -> Reported:
    """An anonymous complaint about bullying at the Belastingdienst, made through the chat page."""
    with guarded_context(browser, dict(CONTEXT_OPTIONS), Watch()) as context:
        page = context.new_page()
        chat = ChatPage(page, web.base).open()
        try:
            to_options(chat, DESCRIPTION, ORGANISATION)
            chat.click("Een klacht indienen")
            to_summary(chat, typed={"Nee, dit is genoeg": MARKUP})
            items = page.locator("#messages li.msg")
            conversation = [
                (
                    "user" if item.evaluate("(li) => li.classList.contains('user')") else "bot",
                    item.locator(".text").inner_text(),
                )
                for item in items.all()
            ]
            shown = page.locator("#messages li.msg.user", has_text=MARKER)
            chat_markup_text = shown.locator(".text").inner_text()
            chat_markup_elements = page.locator("#messages script, #messages img").count()
            code = send_intake(chat, web.stack.logs)
        except BaseException:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "FAILED-review-intake-on-the-chat-page.png"), full_page=True)
            raise
    detail = web.stack.find(DESCRIPTION, category="pesten", organisation=ORGANISATION)
    assert MARKER in detail["description"], f"the typed text is not in the intake: {detail['description']!r}"
    return Reported(
        id=str(detail["id"]),
        code=code,
        conversation=conversation,
        said=list(chat.said),
        chat_markup_text=chat_markup_text,
        chat_markup_elements=chat_markup_elements,
    )


# --------------------------------------------------------------------------------------- helpers


def staff(web: WebStack, role: str) -> Staff:
    return web.stack.staff[role]


def log_in(page: Page, web: WebStack, role: str, start: str = "/review/") -> Staff:
    """Open a review page, land on the login form, log in there; back on the page asked for."""
    account = staff(web, role)
    page.goto(web.base + start)
    expect(page).to_have_url(re.compile(r"/review/login\?next="))
    form = page.locator("#login-form")
    form.locator("#email").fill(account.email)
    form.locator("#password").fill(account.password)
    form.locator("button[type=submit]").click()
    expect(page.locator("#account-email")).to_have_text(account.email)
    expect(page).to_have_url(web.base + start)
    return account


def intake_url(web: WebStack, reported: Reported) -> str:
    return f"{web.base}/review/intakes/{reported.id}"


def cells(page: Page, rows: str) -> list[list[str]]:
    """The text of each cell (th and td) of each row matching the selector, its white space collapsed."""
    texts = page.locator(rows).evaluate_all(
        "(rows) => rows.map((tr) => Array.from(tr.cells, (c) => c.innerText))"
    )
    return [[" ".join(text.split()) for text in row] for row in texts]


def turns_in_a_row(turns: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The assistant's messages in a row joined as paragraphs of one; the person's one by one."""
    joined: list[tuple[str, str]] = []
    for kind, text in turns:
        if kind == "bot" and joined and joined[-1][0] == "bot":
            joined[-1] = ("bot", f"{joined[-1][1]}\n\n{text}")
        else:
            joined.append((kind, text))
    return joined


def cookie(page: Page, name: str) -> dict[str, object] | None:
    found = [c for c in page.context.cookies() if c["name"] == name]
    return dict(found[0]) if found else None


def no_horizontal_scroll(page: Page, where: str) -> None:
    sizes = page.evaluate(
        "() => { const root = document.documentElement;"
        " return {scroll: root.scrollWidth, client: root.clientWidth}; }"
    )
    assert sizes["scroll"] <= sizes["client"], f"the whole page scrolls sideways on {where}: {sizes}"


# ---------------------------------------------------------------------------------- login, logout


def test_without_login_every_page_sends_to_the_login_page(
    page: Page, web: WebStack, reported: Reported
) -> None:
    for path in ("/review/", f"/review/intakes/{reported.id}", "/review/cijfers", "/review/audit"):
        page.goto(web.base + path)
        expect(page).to_have_url(re.compile(r"/review/login\?next="))
        expect(page.locator("h1")).to_have_text("Inloggen")
        expect(page.locator("#login-form")).to_be_visible()
        expect(page.locator("#account-email, .review-nav, tr.intake, #transcript")).to_have_count(0)
        assert MARKER not in page.content(), f"{path} shows the intake without a login"
        assert ORGANISATION not in page.content(), f"{path} shows data without a login"
    nonce = cookie(page, LOGIN_COOKIE)
    assert nonce and (nonce["path"], nonce["httpOnly"], nonce["sameSite"]) == ("/review", True, "Strict"), (
        nonce
    )
    assert cookie(page, SESSION_COOKIE) is None
    screenshot(page, "review-01-login")
    axe(page, "the login page")


def test_login_with_the_keyboard_only(page: Page, web: WebStack) -> None:
    account = staff(web, "intake")
    page.goto(f"{web.base}/review/login")
    tab_to(page, "#email")
    page.keyboard.type(account.email)
    page.keyboard.press("Tab")
    visible, described = focus_is_visible(page)
    assert page.evaluate("document.activeElement.id") == "password", described
    assert visible, f"the focus is not visible on {described}"
    page.keyboard.type(account.password)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{web.base}/review/")
    expect(page.locator("#account-email")).to_have_text(account.email)
    session = cookie(page, SESSION_COOKIE)
    assert session and (session["path"], session["httpOnly"], session["sameSite"]) == (
        "/review",
        True,
        "Strict",
    )
    assert cookie(page, LOGIN_COOKIE) is None, "the login form's nonce stays after the login"


def test_logout_ends_the_session(page: Page, web: WebStack) -> None:
    log_in(page, web, "intake")
    session = cookie(page, SESSION_COOKIE)
    assert session
    page.locator("#logout").click()
    expect(page).to_have_url(f"{web.base}/review/login?uitgelogd=1")
    expect(page.locator("#flash")).to_have_text("Je bent uitgelogd.")
    assert cookie(page, SESSION_COOKIE) is None
    screenshot(page, "review-08-logged-out")

    page.go_back()  # the list again, asked anew (no-store): the login page
    expect(page).to_have_url(re.compile(r"/review/login\?next="))
    expect(page.locator("#account-email, tr.intake")).to_have_count(0)
    page.goto(f"{web.base}/review/")
    expect(page).to_have_url(f"{web.base}/review/login?next=%2Freview%2F")
    expect(page.locator("tr.intake")).to_have_count(0)

    # The old cookie is worth nothing: its session is gone on the server.
    page.context.add_cookies([session])  # type: ignore[list-item]
    page.goto(f"{web.base}/review/")
    expect(page).to_have_url(f"{web.base}/review/login?next=%2Freview%2F&reden=verlopen")
    expect(page.locator("#flash")).to_have_text("Je sessie is verlopen. Log opnieuw in om verder te gaan.")
    expect(page.locator("#account-email, tr.intake")).to_have_count(0)


# ------------------------------------------------------------------------------- list and intake


def test_find_the_intake_by_filter(page: Page, web: WebStack, reported: Reported) -> None:
    log_in(page, web, "intake")
    filters = page.locator("#filters")
    filters.locator("#f-category").select_option("pesten")
    filters.locator("#f-organisation").select_option(ORGANISATION)
    filters.locator("#f-overdue").select_option("false")
    filters.get_by_role("button", name="Toon intakes").click()
    expect(page).to_have_url(
        re.compile(r"/review/\?.*category=pesten.*organisation=Belastingdienst.*overdue=false")
    )
    expect(page.locator("#result-count")).to_have_text("1 intake gevonden.")
    rows = page.locator("tr.intake")
    expect(rows).to_have_count(1)
    expect(rows).to_have_id(f"intake-{reported.id}")
    row = cells(page, "tr.intake")[0]
    assert row[1].startswith(" ".join(DESCRIPTION.split()[:8])), f"not the first words of the story: {row}"
    now = web.stack.detail(reported.id)  # as it is now: another test may have changed its status
    assert row[2:6] == ["Pesten", ORGANISATION, STATUS[now["status"]], "Klacht bij de KCOO"], row
    due = "Afhandeling: " if now["acknowledged_at"] else "Ontvangstbevestiging: "
    assert row[6].startswith(due) and "te laat" not in row[6], row
    expect(page.locator("tr.intake.overdue")).to_have_count(0)
    screenshot(page, "review-02-list")
    axe(page, "the list of intakes, with results")

    # The same filters with only overdue intakes: not this one.
    filters.locator("#f-overdue").select_option("true")
    filters.get_by_role("button", name="Toon intakes").click()
    expect(page.locator("#result-count")).to_have_text("0 intakes gevonden.")
    expect(page.locator("tr.intake")).to_have_count(0)
    page.go_back()

    page.locator(f"#intake-{reported.id} a.intake-link").click()
    expect(page).to_have_url(intake_url(web, reported))
    expect(page.locator("h1")).to_have_text("Intake: Pesten")
    expect(page.locator("#intake-fields")).to_contain_text(DESCRIPTION)


def test_the_transcript_is_the_conversation(page: Page, web: WebStack, reported: Reported) -> None:
    log_in(page, web, "intake", start=f"/review/intakes/{reported.id}")
    turns = page.locator("#transcript li.turn")
    shown = turns.evaluate_all(
        "(items) => items.map((li) => [li.classList.contains('user') ? 'user' : 'bot',"
        " li.querySelector('.speaker').innerText, li.querySelector('.prose').innerText])"
    )
    speakers = {"user": "Melder", "bot": "Assistent"}
    assert all(speaker == speakers[kind] for kind, speaker, _ in shown), shown
    # Everything the chat page showed up to the summary, then the person's "yes" to it. Rasa's REST
    # channel hands over a text of several paragraphs without buttons as one message per paragraph,
    # so the assistant's turns in a row are compared as one.
    expected = turns_in_a_row([*reported.conversation, ("user", "Ja, versturen")])
    assert turns_in_a_row([(kind, text) for kind, _, text in shown]) == expected
    said = page.locator("#transcript li.turn.user .prose").all_inner_texts()
    assert said == reported.said, "the transcript's lines of the person are not what was typed and clicked"
    assert not [line for line in said if line.startswith("/")], f"payloads in the transcript: {said}"
    screenshot(page, "review-03-intake")
    axe(page, "the intake page")


def test_markup_in_the_transcript_is_text(
    page: Page, web: WebStack, reported: Reported, watch: Watch
) -> None:
    # On the chat page, where it was typed: text, no element.
    assert reported.chat_markup_text == MARKUP
    assert reported.chat_markup_elements == 0
    log_in(page, web, "intake", start=f"/review/intakes/{reported.id}")
    line = page.locator("#transcript li.turn.user .prose", has_text=MARKER)
    expect(line).to_have_count(1)
    expect(line).to_have_text(MARKUP)
    expect(line).to_be_visible()
    expect(page.locator("#intake-fields")).to_contain_text(MARKUP)
    expect(page.locator("main script, main img, #transcript b, #intake-fields b")).to_have_count(0)
    assert page.title().startswith("Intake van "), f"a script ran: the title is {page.title()!r}"
    assert not [url for url in watch.requests if url.endswith("/x")], "the img of the transcript was loaded"
    line.scroll_into_view_if_needed()
    screenshot(page, "review-04-markup-as-text", full_page=False)


def test_change_the_status(page: Page, web: WebStack, reported: Reported) -> None:
    log_in(page, web, "intake", start=f"/review/intakes/{reported.id}")
    before = page.locator("#status").input_value()
    after = "in_behandeling" if before != "in_behandeling" else "doorverwezen"
    history = page.locator("#history tr.event")
    events = history.count()
    page.locator("#status-form #status").select_option(after)
    page.locator("#status-form #save").click()
    expect(page).to_have_url(intake_url(web, reported))
    expect(page.locator("#flash")).to_have_text("De wijzigingen zijn opgeslagen.")
    expect(page.locator("#current-status")).to_have_text(STATUS[after])
    expect(history).to_have_count(events + 1)
    when, who, what = cells(page, "#history tr.event")[-1]
    assert who == staff(web, "intake").email
    # Taking a new intake in hand acknowledges its receipt (api.intakes.update_intake).
    acknowledged = " Ontvangst bevestigd: nog niet → " if before == "nieuw" else ""
    assert (
        what == f"Gewijzigd Status: {STATUS[before]} → {STATUS[after]}{acknowledged and acknowledged + when}"
    )
    screenshot(page, "review-05-status-changed")

    page.reload()
    expect(page.locator("#status")).to_have_value(after)
    expect(page.locator("#current-status")).to_have_text(STATUS[after])
    expect(page.locator("#flash")).to_be_empty()  # said once
    expect(history).to_have_count(events + 1)


# ---------------------------------------------------------------------------------------- audit


def test_the_audit_log_shows_the_staffs_read_and_change(
    page: Page, web: WebStack, reported: Reported
) -> None:
    intake = log_in(page, web, "intake", start=f"/review/intakes/{reported.id}")
    before = page.locator("#status").input_value()
    after = "doorverwezen" if before != "doorverwezen" else "in_behandeling"
    page.locator("#status").select_option(after)
    page.locator("#save").click()
    expect(page.locator("#flash")).to_have_text("De wijzigingen zijn opgeslagen.")
    page.locator("#logout").click()
    expect(page).to_have_url(re.compile(r"/review/login\?uitgelogd=1"))

    log_in(page, web, "admin", start="/review/audit")
    expect(page.locator(".review-nav a[aria-current=page]")).to_have_text("Audit")
    form = page.locator("#audit-filters")
    form.locator("#a-staff_email").fill(intake.email)
    form.locator("#a-intake_id").fill(reported.id)
    form.get_by_role("button", name="Toon regels").click()
    expect(page.locator("#audit-table")).to_be_visible()
    rows = cells(page, "#audit-table tr.audit-entry")
    assert {row[1] for row in rows} == {intake.email}, rows
    short = f"Intake {reported.id[:8]}…"
    # Newest first: the page after saving, the change, the page the form was on.
    assert [row[1:] for row in rows[:3]] == [
        [intake.email, "Intake gelezen", short, ""],
        [intake.email, "Intake gewijzigd", short, '{"fields": ["status"]}'],
        [intake.email, "Intake gelezen", short, ""],
    ], rows[:3]
    screenshot(page, "review-06-audit")
    axe(page, "the audit log")


def test_the_audit_log_is_for_admins_only(page: Page, web: WebStack) -> None:
    log_in(page, web, "intake")
    expect(page.locator(".review-nav")).not_to_contain_text("Audit")
    response = page.goto(f"{web.base}/review/audit")
    assert response is not None and response.status == 403
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.locator("h1")).to_have_text("Geen toegang")
    expect(page.locator("#error-message")).to_have_text("Deze pagina is alleen voor beheerders.")
    expect(page.locator("#audit-table")).to_have_count(0)
    screenshot(page, "review-07-403")
    axe(page, "the 403 page")


# -------------------------------------------------------------------------------------- figures


def test_the_figures_count_the_intake(page: Page, web: WebStack, reported: Reported) -> None:
    with days_during(timezone.utc) as days:  # the API's figures count whole days in UTC
        log_in(page, web, "intake", start="/review/cijfers")
        chosen = page.locator("#period").input_value()
    halves = {f"{day.year}-H{1 if day.month <= 6 else 2}" for day in days}
    assert chosen in halves, f"the period {chosen!r} is not the half year holding today ({halves})"
    total, bullying = web.stack.total(), web.stack.total(category="pesten")
    assert bullying >= 1
    expect(page.locator("#figures-total")).to_have_text(str(total))
    rows = dict((label, count) for label, count in cells(page, "#figures-table tbody tr"))
    assert rows["Pesten"] == str(bullying), rows
    assert sum(int(count) for count in rows.values()) == total, rows
    chart = page.locator("svg#figures-chart")
    expect(chart).to_have_attribute("role", "img")
    expect(chart.locator("rect.bar")).to_have_count(len(rows))
    expect(chart.locator("desc")).to_contain_text(f"Pesten: {bullying}")
    screenshot(page, "review-09-figures")
    axe(page, "the figures page")

    with page.expect_download() as download:
        page.locator("a#csv-link").click()
    year, half = chosen.split("-H")
    start, end = (f"{year}-01-01", f"{year}-06-30") if half == "1" else (f"{year}-07-01", f"{year}-12-31")
    assert download.value.suggested_filename == f"meldpunt-cijfers-{start}-{end}.csv"
    with open(download.value.path(), newline="", encoding="utf-8") as f:
        lines = list(csv.reader(f))
    assert lines[0] == ["dimensie", "waarde", "grond", "aantal"]
    assert ["totaal", "", "", str(total)] in lines
    assert ["categorie", "Pesten", "", str(bullying)] in lines, lines
    assert ["organisatie", ORGANISATION, "", "1"] in lines, lines
    codes = [cell for line in lines[1:] for cell in line if "_" in cell or cell in ("category", "pesten")]
    assert not codes, f"codes instead of the pages' words in the CSV: {codes}"


def test_a_message_from_the_reporter_is_marked_in_the_list_until_opened(
    page: Page, web: WebStack, reported: Reported
) -> None:
    chat = ChatPage(page, web.base).open()
    chat.say(reported.code)
    news = "Gisteren gebeurde het weer, nu bij de koffieautomaat."
    assert "Klopt dat?" in chat.say(news), f"the message is not shown back first\n{chat}"
    assert "doorgegeven" in chat.say("ja"), f"not passed on\n{chat}"
    page.context.clear_cookies()
    log_in(page, web, "intake")
    row = page.locator(f"#intake-{reported.id}")
    expect(row.locator(".unread-mark")).to_have_text("Nieuw bericht van de melder")
    screenshot(page, "review-list-unread")
    row.locator("a.intake-link").click()
    expect(page.locator("body")).to_contain_text(news)
    page.goto(f"{web.base}/review/")
    expect(page.locator(f"#intake-{reported.id} .unread-mark")).to_have_count(0)


# ----------------------------------------------------------------------------------- 200% zoom


@pytest.mark.parametrize("context_options", [zoomed(640), zoomed(320)], ids=["200pct", "400pct"])
def test_zoomed_pages_do_not_scroll_sideways(
    page: Page, web: WebStack, reported: Reported, context_options: dict[str, object]
) -> None:
    """At 200% (640 px) and WCAG 1.4.10's 320 px the page reflows; a table may scroll in its own box.
    As admin, whose menu is the longest."""
    width = context_options["viewport"]["width"]  # type: ignore[index]
    log_in(page, web, "admin")
    expect(page.locator("tr.intake").first).to_be_visible()
    no_horizontal_scroll(page, f"the list at {width} px")
    screenshot(page, f"review-zoom-list-{width}px")
    axe(page, f"the list at {width} px")

    page.locator(f"#intake-{reported.id} a.intake-link").click()
    # A change of its own, so the history holds a staff member's email address (a long word).
    page.locator("#notes").fill(f"Bekeken op {width} px breed.")
    page.locator("#save").click()
    expect(page.locator("#flash")).to_have_text("De wijzigingen zijn opgeslagen.")
    expect(page.locator("#history tr.event").last).to_contain_text(staff(web, "admin").email)
    no_horizontal_scroll(page, f"the intake page at {width} px")
    screenshot(page, f"review-zoom-intake-{width}px")
    axe(page, f"the intake page at {width} px")

    page.goto(f"{web.base}/review/audit")
    expect(page.locator("#audit-table")).to_be_visible()
    no_horizontal_scroll(page, f"the audit log at {width} px")
    screenshot(page, f"review-zoom-audit-{width}px")
