"""The guards every browser test runs under: they must see what they look for."""

from __future__ import annotations

from playwright.sync_api import BrowserContext, Page

from tests.web.conftest import Watch


def test_the_request_guard_flags_other_hosts() -> None:
    watch = Watch(
        requests=[
            "http://127.0.0.1:8000/chat/",
            "about:blank",
            "data:image/png;base64,AAAA",
            "http://localhost:8000/chat/",
            "https://fonts.example.org/font.woff2",
        ]
    )
    assert watch.foreign() == ["http://localhost:8000/chat/", "https://fonts.example.org/font.woff2"]


def test_the_guards_see_what_a_page_does(page: Page, context: BrowserContext, watch: Watch) -> None:
    page.route("http://elsewhere.example/**", lambda route: route.abort())
    page.set_content('<img src="http://elsewhere.example/pixel.png"><script>throw new Error("boom")</script>')
    page.wait_for_timeout(200)
    seen = (watch.foreign(), list(watch.errors))
    # Clear what this test provoked, so that the fixture's own check passes.
    watch.requests.clear()
    watch.errors.clear()
    assert seen[0] == ["http://elsewhere.example/pixel.png"], seen
    assert seen[1] and "boom" in seen[1][0], seen
