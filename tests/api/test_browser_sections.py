"""A long section answer in real headless Chromium: item leads in the answer, the rest under "Xem thêm", with the
same citation buttons; screenshot."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from rag.section_answers import sections_composed
from rag.types import Answer
from tests.api.conftest import FakeAssistant, LiveServer
from tests.rag.helpers.tasks_plans import corpus_record

pytestmark = pytest.mark.integration

QUESTION = "Kế hoạch của Khánh Hòa có những nội dung tuyên truyền thường xuyên nào?"


class SectionAssistant(FakeAssistant):
    """Answers from a shipped plan's own section (rag.section_answers), as the engine's section strategy does."""

    def __init__(self) -> None:
        super().__init__()
        self.record = corpus_record("khanh-hoa")

    def _answer(self, question: str) -> Answer:
        trees = {self.record.doc_id: self.record.tree}
        out = sections_composed(question, question, [self.record.meta], trees.get, docs=[self.record.doc_id])
        return out[0] if out is not None else super()._answer(question)


def test_long_section_answer_shows_more_in_an_expander(browser: Any, serve: Callable[..., LiveServer],
                                                        tmp_path: Path) -> None:
    assistant = SectionAssistant()
    expected = assistant._answer(QUESTION)
    assert expected.mode == "section" and expected.more  # the section is long: a remainder is held back
    server = serve(assistant)
    page = browser.new_page(viewport={"width": 1000, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(server.url + "/")
    page.fill("#question", QUESTION)
    page.keyboard.press("Enter")
    page.wait_for_selector(".msg.bot:not(.pending) .answer-more")
    more = page.locator(".msg.bot .answer-more")
    assert more.locator("summary").inner_text() == "Xem thêm"
    assert not page.is_visible(".msg.bot .answer-more-text")  # closed until asked
    more.locator("summary").click()
    assert page.is_visible(".msg.bot .answer-more-text")
    shown = page.inner_text(".msg.bot .answer-more-text")
    assert shown.split("\n")[0] == expected.more.split("\n")[0]
    # a citation button inside "Xem thêm" opens the same source as in the answer
    ref = more.locator(".cite-ref >> nth=0")
    n = ref.get_attribute("data-n")
    ref.click()
    source = page.locator(f'details.source[data-n="{n}"]')
    assert source.get_attribute("open") is not None
    assert source.locator(".quote").inner_text() == expected.citations[int(n or 0) - 1].quote.strip()
    page.screenshot(path=str(tmp_path / "section.png"), full_page=True)
    assert errors == []
