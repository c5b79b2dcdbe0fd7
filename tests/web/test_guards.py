"""The guards every browser test runs under: they must see what they look for."""

from __future__ import annotations

from typing import Literal

from playwright.sync_api import BrowserContext, Cookie, Page

from tests.web.conftest import Watch, stray_cookies


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


def test_the_cookie_guard_allows_only_strict_httponly_cookies_at_the_given_paths() -> None:
    def made(
        path: str = "/review",
        domain: str = "127.0.0.1",
        http_only: bool = True,
        same_site: Literal["Lax", "None", "Strict"] = "Strict",
    ) -> Cookie:
        return Cookie(
            name="c",
            value="v",
            domain=domain,
            path=path,
            expires=-1,
            httpOnly=http_only,
            secure=False,
            sameSite=same_site,
        )

    review = made()
    assert stray_cookies([review], ()) == [review]  # the chat page: no cookie at all
    assert stray_cookies([review], ("/review",)) == []
    for bad in (made(path="/"), made(domain="localhost"), made(http_only=False), made(same_site="Lax")):
        assert stray_cookies([review, bad], ("/review",)) == [bad]


def test_the_guards_see_what_a_page_does(page: Page, context: BrowserContext, watch: Watch) -> None:
    page.route("http://elsewhere.example/**", lambda route: route.abort())
    page.set_content('<img src="http://elsewhere.example/pixel.png"><script>throw new Error("boom")</script>')
    # Until both were seen (no fixed wait: a slow machine takes longer, it does not see less).
    for _ in range(100):
        if watch.foreign() and watch.errors:
            break
        page.wait_for_timeout(50)
    seen = (watch.foreign(), list(watch.errors))
    # Clear what this test provoked, so that the fixture's own check passes.
    watch.requests.clear()
    watch.errors.clear()
    assert seen[0] == ["http://elsewhere.example/pixel.png"], seen
    assert seen[1] and "boom" in seen[1][0], seen
