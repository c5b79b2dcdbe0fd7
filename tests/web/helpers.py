"""Helpers of the browser tests: axe, screenshots, focus, and a person using the chat page."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import Locator, Page, expect

from tests.servers import ROOT

AXE = ROOT / "tests" / "web" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "var" / "test-artifacts" / "web"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# A receipt code as the assistant shows it: 25 digits in five groups of five.
CODE = re.compile(r"\b\d{5} \d{5} \d{5} \d{5} \d{5}\b")
# Seconds to wait for the assistant's answer (the API relays each message to Rasa).
REPLY_TIMEOUT_MS = 60_000
# The buttons that pass over an intake question, first the one for anonymous contact.
SHORT_ANSWERS = (
    "Anoniem, alleen een code",
    "Sla over",
    "Nee, dit is genoeg",
    "Weet ik niet",
    "Nee, niemand",
    "Nog niets",
)


def axe(page: Page, where: str = "") -> list[dict[str, Any]]:
    """Run axe-core (WCAG 2.1 A and AA rules) on the page; fail on any serious or critical violation.
    Returns every violation, for tests that want to look at the minor ones too."""
    if not AXE.exists():
        raise AssertionError(f"{AXE} is missing: run `make test-web` (npm ci --prefix tests/web)")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Not page.add_script_tag(path=...): that adds an inline script, which the pages' CSP
        # (script-src 'self') rightly refuses, and the tests keep the CSP on.
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    violations: list[dict[str, Any]] = result["violations"]
    bad = [v for v in violations if v.get("impact") in ("serious", "critical")]
    if bad:
        lines = [f"axe found {len(bad)} serious or critical WCAG violation(s) on {where or page.url}:"]
        for v in bad:
            lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
            for node in v["nodes"][:5]:
                target = " ".join(str(t) for t in node.get("target", []))
                summary = str(node.get("failureSummary", "")).replace("\n", " ")
                lines.append(f"    {target}: {summary}")
                lines.append(f"      {str(node.get('html', ''))[:200]}")
        raise AssertionError("\n".join(lines))
    return violations


def screenshot(page: Page, name: str, *, full_page: bool = True) -> Path:
    """A PNG in var/test-artifacts/web/<name>.png: the full page, or what the viewport shows."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def focus_is_visible(page: Page) -> tuple[bool, str]:
    """Whether the focused element shows it: it matches :focus-visible and draws an outline or a
    box shadow. Returns the verdict and a description of the element and its style."""
    info: dict[str, Any] = page.evaluate(
        """() => {
            const el = document.activeElement;
            if (!el || el === document.body) return {none: true};
            const s = getComputedStyle(el);
            return {
                none: false,
                tag: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                     + (typeof el.className === 'string' && el.className ? '.' + el.className : ''),
                text: (el.innerText || el.value || '').slice(0, 40),
                focusVisible: el.matches(':focus-visible'),
                outlineStyle: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth) || 0,
                boxShadow: s.boxShadow,
            };
        }"""
    )
    if info["none"]:
        return False, "nothing has focus"
    drawn = (info["outlineStyle"] != "none" and info["outlineWidth"] > 0) or info["boxShadow"] != "none"
    described = (
        f"{info['tag']} {info['text']!r}: :focus-visible={info['focusVisible']}, outline "
        f"{info['outlineStyle']} {info['outlineWidth']}px, box-shadow {info['boxShadow']}"
    )
    return bool(info["focusVisible"] and drawn), described


def focus_obscured(page: Page) -> str | None:
    """What hides the focused element entirely (WCAG 2.2, 2.4.11: focus not obscured), or None.
    Looks at its centre and four points just inside its corners, within the viewport."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            if (!el || el === document.body) return null;
            const r = el.getBoundingClientRect();
            const points = [[(r.left + r.right) / 2, (r.top + r.bottom) / 2],
                            [r.left + 2, r.top + 2], [r.right - 2, r.top + 2],
                            [r.left + 2, r.bottom - 2], [r.right - 2, r.bottom - 2]];
            let covering = null;
            for (const [x, y] of points) {
                if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) continue;
                const hit = document.elementFromPoint(x, y);
                if (hit && (hit === el || el.contains(hit))) return null;
                covering = covering || hit;
            }
            if (!covering) return 'outside the viewport';
            const cls = typeof covering.className === 'string' && covering.className;
            return covering.tagName.toLowerCase() + (covering.id ? '#' + covering.id : '')
                + (cls ? '.' + cls : '');
        }"""
    )


def tab_to(
    page: Page, selector: str, *, title: str | None = None, limit: int = 40, unobscured: bool = False
) -> list[str]:
    """Press Tab until the focus is on an element matching the selector (and title); every element
    on the way must show its focus (and, with `unobscured`, not be hidden behind another). Returns
    the stops."""
    stops: list[str] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        visible, described = focus_is_visible(page)
        stops.append(described)
        if described != "nothing has focus":
            assert visible, "the focus is not visible on " + described + "\nstops:\n" + "\n".join(stops)
            hidden_by = focus_obscured(page) if unobscured else None
            assert hidden_by is None, f"the focused {described} is hidden by {hidden_by}"
        here = page.evaluate(
            "([sel, title]) => { const el = document.activeElement;"
            " return !!el && el.matches(sel) && (title === null || el.innerText.trim() === title); }",
            [selector, title],
        )
        if here:
            return stops
    raise AssertionError(f"Tab never reached {selector} {title or ''}; stops:\n" + "\n".join(stops))


def zoomed(width: int) -> dict[str, object]:
    """A 1280 px wide screen at 1280/width zoom: 640 CSS px is 200%, and 320 px is WCAG 1.4.10's
    reflow width (400%)."""
    return {
        "locale": "nl-NL",
        "viewport": {"width": width, "height": 512 if width == 640 else 256},
        "device_scale_factor": 1280 / width,
    }


class ChatPage:
    """A person on the chat page: types, clicks the assistant's buttons, waits for the answers.
    Every turn is kept, so assertion messages can show the conversation so far."""

    def __init__(self, page: Page, base: str) -> None:
        self.page = page
        self.base = base
        self.turns: list[str] = []
        self.said: list[str] = []  # what the person sent, in order: typed text or a button's title

    @property
    def messages(self) -> Locator:
        return self.page.locator("#messages li.msg")

    @property
    def bot_messages(self) -> Locator:
        return self.page.locator("#messages li.msg.bot")

    @property
    def user_messages(self) -> Locator:
        return self.page.locator("#messages li.msg.user")

    @property
    def last_bot(self) -> Locator:
        return self.bot_messages.last

    @property
    def input(self) -> Locator:
        return self.page.locator("textarea#message-input")

    def open(self, path: str = "/chat/") -> ChatPage:
        """Open the page and wait for its first message (the assistant's opening, on a new page)."""
        self.page.goto(f"{self.base}{path}")
        expect(self.input).to_be_visible()
        self.wait_for_answer(0)
        return self

    def choices(self) -> list[str]:
        """The titles of the buttons in the last bot message."""
        if self.bot_messages.count() == 0:
            return []
        return [t.strip() for t in self.last_bot.locator("button.choice").all_inner_texts()]

    def bot_text(self, last: int = 1) -> str:
        texts = self.bot_messages.all_inner_texts()
        return "\n".join(texts[-last:]) if texts else ""

    def all_bot_text(self) -> str:
        return "\n".join(self.bot_messages.all_inner_texts())

    def wait_for_answer(self, bot_before: int) -> None:
        """Until a new bot message is shown and the typing indicator is gone."""
        try:
            self.page.wait_for_function(
                """(before) => {
                    const typing = document.querySelector('#typing');
                    const waiting = typing && !typing.hidden && typing.getClientRects().length > 0;
                    return document.querySelectorAll('#messages li.msg.bot').length > before && !waiting;
                }""",
                arg=bot_before,
                timeout=REPLY_TIMEOUT_MS,
            )
        except Exception as exc:
            raise AssertionError(f"no answer from the assistant ({exc})\n{self}") from None

    def say(self, text: str, *, key: str = "Enter") -> str:
        """Type a message and send it with Enter (or click #send with key=''); the answer's text."""
        before = self.bot_messages.count()
        self.input.fill(text)
        if key:
            self.input.press(key)
        else:
            self.page.locator("#send").click()
        self.turns.append(f"PERSON: {text}")
        self.said.append(text)
        self.wait_for_answer(before)
        return self._answered(before)

    def click(self, title: str) -> str:
        """Click the button with this title in the last bot message; the answer's text."""
        buttons = self.last_bot.locator("button.choice", has_text=title)
        if buttons.count() == 0:
            raise AssertionError(
                f"no button {title!r} in the last bot message; there are {self.choices()}\n{self}"
            )
        before = self.bot_messages.count()
        buttons.first.click()
        self.turns.append(f"PERSON clicks: {title}")
        self.said.append(title)
        self.wait_for_answer(before)
        return self._answered(before)

    def _answered(self, before: int) -> str:
        texts = self.bot_messages.all_inner_texts()[before:]
        for text in texts:
            self.turns.append("BOT:    " + text.replace("\n", "\n        "))
        choices = self.choices()
        if choices:
            self.turns.append(f"        [{' | '.join(choices)}]")
        return "\n".join(texts)

    def __str__(self) -> str:
        return "--- conversation so far ---\n" + "\n".join(self.turns)


# --- the steps of an intake through the chat page, shared by the chat's and the review pages' tests


def to_options(chat: ChatPage, description: str, organisation: str) -> str:
    """From the greeting to the options: describe, confirm, employee, organisation (typed and clicked)."""
    chat.say("hallo")
    assert "Vertel in je eigen woorden" in chat.all_bot_text(), f"no open question\n{chat}"
    chat.say(description)
    assert "Ja, dat klopt" in chat.choices(), f"no category to confirm\n{chat}"
    chat.click("Ja, dat klopt")
    assert "Ja, ik werk bij het Rijk" in chat.choices(), f"no question about the role\n{chat}"
    chat.click("Ja, ik werk bij het Rijk")
    assert "Bij welke organisatie" in chat.bot_text(2), f"no question about the organisation\n{chat}"
    return chat.say(organisation)


def to_summary(chat: ChatPage, typed: dict[str, str] | None = None) -> None:
    """Through the intake's questions to the summary: skip or say no to each one and stay anonymous,
    except that where a question offers a button of `typed`, its text is typed instead (once)."""
    typed = dict(typed or {})
    for _ in range(15):
        if "Dit stuur ik naar het Meldpunt" in chat.bot_text(3):
            break
        choices = chat.choices()
        instead = next((title for title in typed if title in choices), None)
        if instead:
            chat.say(typed.pop(instead))
            continue
        answer = next((title for title in SHORT_ANSWERS if title in choices), None)
        assert answer, f"a question without any of {SHORT_ANSWERS}: {choices}\n{chat}"
        chat.click(answer)
    else:
        raise AssertionError(f"no summary after 15 answers\n{chat}")
    assert not typed, f"no question offered {list(typed)}\n{chat}"
    assert "Ja, versturen" in chat.choices(), f"no button to send\n{chat}"


def send_intake(chat: ChatPage, logs: Callable[[], str] | None = None) -> str:
    """Say yes to the summary; the receipt code the assistant answers with (`logs`: the servers' log
    lines, for the message when it was not sent)."""
    text = chat.click("Ja, versturen")
    sent = "Je melding is verstuurd naar het Meldpunt" in text
    assert sent, f"not sent\n{chat}\n{logs() if logs else ''}"
    code = CODE.search(text)
    assert code, f"no receipt code (25 digits in groups of five) in the answer\n{chat}"
    return code[0]
