"""The "Việc cần làm" tab in real headless Chromium against a live server: list, filters, timeline, screenshot."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.api.conftest import FakeAssistant, LiveServer
from tests.api.test_browser import sync_api
from tests.rag.helpers.tasks_plans import FakeCatalog, corpus_record, dated_record

pytestmark = pytest.mark.integration


class TaskAssistant(FakeAssistant):
    def __init__(self) -> None:
        super().__init__()
        self.catalog = FakeCatalog([dated_record(), corpus_record("soc-trang")])


def test_tasks_view_with_timeline(browser: Any, serve: Callable[..., LiveServer], tmp_path: Path) -> None:
    server = serve(TaskAssistant())
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(server.url + "/")

    page.click("#tab-tasks")
    assert page.is_hidden("#panel-chat") and page.is_visible("#panel-tasks")
    page.wait_for_selector(".task-plan")
    assert page.inner_text(".task-summary") == "11 việc của 6 đơn vị trong 2 kế hoạch"
    # The timeline lists dated deadlines in date order, normalised, with the phrase as written.
    whens = page.locator(".timeline .when").all_inner_texts()
    assert whens == ["30/11/2025", "15/12/2025", "20/12/2025", "31/12/2025"]
    assert "«chậm nhất ngày 30/11/2025»" in page.inner_text(".timeline li >> nth=0")
    assert "6 tháng một lần" in page.inner_text(".recurring")
    assert "báo cáo UBND tỉnh (qua Văn phòng UBND tỉnh)" in page.inner_text(".task-plan >> nth=1")
    page.screenshot(path=str(tmp_path / "tasks.png"), full_page=True)

    page.fill("#tasks-agency", "ban tuyên giáo và dân vận")
    page.click("#tasks-form button[type=submit]")
    sync_api.expect(page.locator(".task-summary")).to_have_text("1 việc của 1 đơn vị trong 1 kế hoạch")
    assert "01/10/2025–31/12/2025" in page.inner_text(".task-plan")

    page.fill("#tasks-agency", "Sở Tư pháp")
    page.click("#tasks-form button[type=submit]")
    page.wait_for_selector(".tasks-results .empty")

    page.click("#tab-chat")
    assert page.is_visible("#panel-chat") and page.is_hidden("#panel-tasks")
    assert errors == []
