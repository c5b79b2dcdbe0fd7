"""Browser tests: the real API, action server and Rasa (tests/servers.py), and Debian's Chromium
(/usr/bin/chromium, `scripts/ensure-chromium.sh`) driven by Playwright for Python. Playwright never
downloads a browser here: PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1, and `playwright install` is never run.

Run with `make test-web`. Each test gets a fresh browser context (no cookies, storage or cache
shared between tests); after each test the context must have no cookies, must have asked no host
but 127.0.0.1, and its pages must have thrown no uncaught JavaScript error. A test of the review
pages overrides `cookie_paths` to allow cookies of 127.0.0.1 at those paths only, each HttpOnly and
SameSite=Strict. When a test fails, a screenshot of its page goes to
var/test-artifacts/web/FAILED-<test>.png (and -full.png).
"""

from __future__ import annotations

import os
import urllib.parse
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Cookie, Page, Playwright, sync_playwright

from tests.servers import Stack, free_port, start_stack
from tests.web.helpers import ARTIFACTS, ChatPage

os.environ["PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD"] = "1"

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium tries hosts that this machine's network refuses.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Dutch date fields and number formats, as the Meldpunt's staff see them.
    "--lang=nl-NL",
]
# Where "Snel weg" goes in the tests: a page that makes no request.
EXIT_URL = "about:blank"
ALLOWED_HOSTS = {"127.0.0.1"}
# Schemes that are no network request.
LOCAL_SCHEMES = {"about", "data", "blob", "chrome-error"}


@dataclass
class WebStack:
    """The running stack, and the origin of a second site (another port) that embeds the widget."""

    stack: Stack
    embed_port: int

    @property
    def base(self) -> str:
        return self.stack.api_url

    @property
    def embed_origin(self) -> str:
        return f"http://127.0.0.1:{self.embed_port}"


@pytest.fixture(scope="session")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebStack]:
    """The API (an intake and an admin account), the action server and Rasa, once for the session."""
    embed_port = free_port()
    with start_stack(
        tmp_path_factory.mktemp("web"),
        staff=(("intake@example.org", "intake"), ("admin@example.org", "admin")),
        api_env={
            "MELDPUNT_CHAT_EXIT_URL": EXIT_URL,
            "MELDPUNT_CHAT_EMBED_ORIGINS": f"http://127.0.0.1:{embed_port}",
        },
    ) as stack:
        yield WebStack(stack, embed_port)


@pytest.fixture(scope="session", autouse=True)
def fresh_artifacts() -> None:
    """Screenshots of this run only."""
    for old in ARTIFACTS.glob("*.png"):
        old.unlink()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/ensure-chromium.sh (make test-web does)")
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
    yield browser
    browser.close()


@dataclass
class Watch:
    """What the pages of one context did: every request's URL, and uncaught errors."""

    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def foreign(self) -> list[str]:
        out = []
        for url in self.requests:
            parts = urllib.parse.urlsplit(url)
            if parts.scheme in LOCAL_SCHEMES:
                continue
            if parts.hostname not in ALLOWED_HOSTS:
                out.append(url)
        return out


FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    report = yield
    if report.when == "call":
        item.stash[FAILED] = report.failed
    return report


CONTEXT_OPTIONS: dict[str, object] = {"locale": "nl-NL", "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def context_options() -> dict[str, object]:
    """Options of the test's browser context; a test overrides this fixture for another viewport."""
    return dict(CONTEXT_OPTIONS)


@pytest.fixture
def cookie_paths() -> Collection[str]:
    """The paths at which the test's pages may set cookies: none (the chat page must set none). The
    review pages' tests override this with their path."""
    return ()


@pytest.fixture
def watch() -> Watch:
    return Watch()


def stray_cookies(cookies: Sequence[Cookie], paths: Collection[str]) -> list[Cookie]:
    """The cookies that are not allowed: all but those of 127.0.0.1 at one of the `paths`, HttpOnly
    and SameSite=Strict."""
    return [
        c
        for c in cookies
        if c.get("path") not in paths
        or c.get("domain") not in ALLOWED_HOSTS
        or not c.get("httpOnly")
        or c.get("sameSite") != "Strict"
    ]


@contextmanager
def guarded_context(
    browser: Browser, options: dict[str, object], watch: Watch, cookie_paths: Collection[str] = ()
) -> Iterator[BrowserContext]:
    """A fresh context, checked when it closes: cookies only of 127.0.0.1 at `cookie_paths` (and
    those HttpOnly and SameSite=Strict), requests only to 127.0.0.1, no uncaught JavaScript error."""
    context = browser.new_context(**options)  # type: ignore[arg-type]
    context.set_default_timeout(15_000)
    context.on("request", lambda request: watch.requests.append(request.url))
    context.on("weberror", lambda error: watch.errors.append(str(error.error)))
    try:
        yield context  # when the block fails, its own error is the one to see: no checks then
        cookies = context.cookies()
        stray = stray_cookies(cookies, cookie_paths)
        foreign = watch.foreign()
        allowed = (
            f" (only HttpOnly, SameSite=Strict ones at {sorted(cookie_paths)} may be)" if cookie_paths else ""
        )
        assert not stray, f"the pages set cookies{allowed}: {stray}"
        assert not foreign, "the pages asked other hosts than 127.0.0.1:\n" + "\n".join(foreign)
        assert not watch.errors, "uncaught JavaScript errors:\n" + "\n".join(watch.errors)
    finally:
        context.close()


@pytest.fixture
def context(
    browser: Browser, context_options: dict[str, object], watch: Watch, cookie_paths: Collection[str]
) -> Iterator[BrowserContext]:
    """A fresh context: no cookies, storage or cache from other tests."""
    with guarded_context(browser, context_options, watch, cookie_paths) as context:
        yield context


@pytest.fixture
def page(context: BrowserContext, request: pytest.FixtureRequest) -> Iterator[Page]:
    page = context.new_page()
    yield page
    if request.node.stash.get(FAILED, False) and not page.is_closed():
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        name = "".join(c if c.isalnum() or c in "-_" else "_" for c in request.node.name)
        try:  # what the person saw, and the whole page
            page.screenshot(path=str(ARTIFACTS / f"FAILED-{name}.png"))
            page.screenshot(path=str(ARTIFACTS / f"FAILED-{name}-full.png"), full_page=True)
        except Exception as exc:  # the failure itself matters more than its picture
            print(f"no screenshot of the failed test: {exc}")


@pytest.fixture
def chat(page: Page, web: WebStack) -> ChatPage:
    """The chat page, opened."""
    return ChatPage(page, web.base).open()
