"""The web chat in real headless Chromium (Debian chromium driven by Playwright) against a live server."""

from __future__ import annotations

import functools
import http.server
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.api.conftest import CHROMIUM, FakeAssistant, LiveServer

pytestmark = pytest.mark.integration

if CHROMIUM is None:
    pytest.skip(
        "Debian chromium is not installed (apt-get install chromium, or scripts/install.sh --browser)",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")


def test_ask_stream_and_open_citation(
    browser: Any,
    serve: Callable[..., LiveServer],
    fake: FakeAssistant,
    tmp_path: Path,
) -> None:
    fake.permits = threading.Semaphore(0)  # tokens flow only when the test allows them
    server = serve(fake)
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    external: list[str] = []
    page.on("request", lambda req: None if req.url.startswith(server.url) else external.append(req.url))
    page.goto(server.url + "/")
    assert page.title() == "Trợ lý Kế hoạch"

    page.fill("#question", "Mục đích xây dựng Đảng của kế hoạch là gì?")
    page.keyboard.press("Enter")
    page.wait_for_selector(".msg.user")
    # Sources arrive first, then let three tokens through: a partial answer is visible while streaming.
    page.wait_for_selector(".msg.bot details.source")
    for _ in range(3):
        fake.permits.release()
    sync_api.expect(page.locator(".msg.bot .answer")).to_have_text(re.compile(r"^\S+ \S+ \S+"))
    partial = page.inner_text(".msg.bot .answer")
    assert partial.startswith("Theo các")
    assert page.is_visible("#stop-button")
    for _ in range(500):
        fake.permits.release()
    page.wait_for_selector(".msg.bot:not(.pending) .cite-ref")
    final = page.inner_text(".msg.bot .answer")
    assert len(final) > len(partial)

    # Clicking [1] in the answer opens source 1 with its quote; "Xem toàn văn mục" loads the section.
    page.click(".msg.bot .cite-ref >> nth=0")
    source = page.locator('details.source[data-n="1"]')
    assert source.get_attribute("open") is not None
    quote = source.locator(".quote").inner_text()
    assert quote and quote in fake._answer("Mục đích xây dựng Đảng của kế hoạch là gì?").answer
    source.locator(".more button").click()
    page.wait_for_selector('details.source[data-n="1"] .fulltext')
    assert source.locator(".fulltext").inner_text().startswith("I. MỤC ĐÍCH")
    # 👎 under the answer, then a comment: stored with the question and the answer.
    page.click(".msg.bot .feedback .vote.down")
    page.wait_for_selector(".msg.bot .feedback-comment:not([hidden]) textarea")
    page.fill(".msg.bot .feedback-comment textarea", "Thiếu phần tuyên truyền trên mạng xã hội.")
    page.click(".msg.bot .feedback-comment button[type=submit]")
    sync_api.expect(page.locator(".msg.bot .feedback-status")).to_have_text("Đã nhận góp ý. Cảm ơn bạn!")
    assert not page.is_visible(".msg.bot .feedback-comment")
    stored = server.app.state.feedback_store.list()
    assert len(stored) == 1 and stored[0].rating == "down" and stored[0].channel == "web"
    assert stored[0].comment == "Thiếu phần tuyên truyền trên mạng xã hội."
    assert stored[0].answered.question == "Mục đích xây dựng Đảng của kế hoạch là gì?"
    page.screenshot(path=str(tmp_path / "chat.png"), full_page=True)

    # A question the plans do not answer shows the "Không tìm thấy" box.
    page.fill("#question", "zzz qqq xxx")
    page.click("#ask-button")
    page.wait_for_selector(".msg.bot .answer.notfound")
    assert page.inner_text(".msg.bot >> nth=1").startswith("Không tìm thấy")

    # Directive lookup tab.
    page.click("#tab-directive")
    page.fill("#directive-q", "35-NQ/TW")
    page.click("#directive-form button[type=submit]")
    page.wait_for_selector(".directive h3")
    assert "35-NQ/TW" in page.inner_text(".directive h3")
    page.fill("#directive-q", "99-NQ/TW")
    page.click("#directive-form button[type=submit]")
    page.wait_for_selector(".directive-results .notfound")
    page.screenshot(path=str(tmp_path / "directive.png"), full_page=True)

    assert errors == []
    assert external == []  # no CDN, nothing outside this server


def test_widget_embeds_the_chat(
    browser: Any,
    serve: Callable[..., LiveServer],
    fake: FakeAssistant,
    tmp_path: Path,
) -> None:
    server = serve(fake, api_keys=["khoa-doc"])
    portal = tmp_path / "portal.html"
    portal.write_text(
        "<!doctype html><html lang='vi'><head><meta charset='utf-8'></head><body><h1>Cổng thông tin</h1>"
        f"<script src='{server.url}/widget.js' data-api-base='{server.url}' data-api-key='khoa-doc'></script>"
        "</body></html>",
        encoding="utf-8",
    )
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as portal_server:
        threading.Thread(target=portal_server.serve_forever, daemon=True).start()
        try:
            _use_widget(browser, f"http://127.0.0.1:{portal_server.server_address[1]}/portal.html", tmp_path)
        finally:
            portal_server.shutdown()
    stored = server.app.state.feedback_store.list()
    assert [(f.rating, f.channel) for f in stored] == [("up", "widget")]


def _use_widget(browser, url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1000, "height": 800})
    page.goto(url)
    button = page.locator("[data-planbot-widget] >> css=button.btn")
    button.click()
    frame = page.frame_locator("[data-planbot-widget] >> css=iframe")
    frame.locator("#question").fill("Mục đích xây dựng Đảng của kế hoạch là gì?")
    frame.locator("#ask-button").click()
    frame.locator(".msg.bot:not(.pending) .cite-ref").first.wait_for()
    assert frame.locator(".msg.bot .answer").inner_text().startswith("Theo các")
    frame.locator(".msg.bot .feedback .vote.up").click()
    sync_api.expect(frame.locator(".msg.bot .feedback-status")).to_have_text("Cảm ơn bạn đã đánh giá.")
    page.screenshot(path=str(tmp_path / "widget.png"))


def test_api_docs_render_with_networking_off(
    browser: Any,
    serve: Callable[..., LiveServer],
    fake: FakeAssistant,
    tmp_path: Path,
) -> None:
    server = serve(fake)
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    external: list[str] = []

    def only_this_server(route: Any) -> None:  # the intranet case: anything else is unreachable
        if route.request.url.startswith(server.url):
            route.continue_()
        else:
            external.append(route.request.url)
            route.abort("internetdisconnected")

    context.route("**/*", only_this_server)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(server.url + "/docs")
    page.wait_for_selector(".swagger-ui .opblock-summary-path")
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/v1/ask" in p for p in paths) and any("/v1/models" in p for p in paths)
    assert "Trợ lý Kế hoạch API" in page.inner_text(".swagger-ui .info .title")
    assert page.is_visible(".swagger-ui .auth-wrapper .authorize")  # keys can be entered to try the calls
    page.screenshot(path=str(tmp_path / "docs.png"), full_page=False)

    page.goto(server.url + "/redoc")
    page.wait_for_selector("redoc h1, .api-info h1, h1", timeout=20000)
    sync_api.expect(page.locator("h1").first).to_contain_text("Trợ lý Kế hoạch API")
    page.screenshot(path=str(tmp_path / "redoc.png"), full_page=False)
    context.close()
    assert errors == []
    assert external == []
