"""Regressions from the attack-and-abuse run against `planbot serve` (issue #13): one test per finding."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.errors import QueueFullError
from api.middleware import redact_query
from api.queue import ModelQueue
from tests.api.conftest import FakeAssistant, make_settings

pytestmark = pytest.mark.unit


@pytest.fixture
def app_client(tmp_path: Path, fake: FakeAssistant) -> Iterator[TestClient]:
    with TestClient(create_app(make_settings(tmp_path), assistant=fake)) as client:  # type: ignore[arg-type]
        yield client


def test_api_key_in_query_string_is_redacted_from_the_access_log(
    app_client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="planbot.access")
    app_client.get("/v1/directives", params={"q": "35-NQ/TW", "api_key": "sk-very-secret-1"})
    app_client.get("/v1/documents?access_token=sk-very-secret-2&x=1")
    lines = [r.getMessage() for r in caplog.records if r.name == "planbot.access"]
    assert len(lines) == 2
    text = "\n".join(lines)
    assert "sk-very-secret" not in text
    assert json.loads(lines[0])["query"] == "q=35-NQ%2FTW&api_key=***"
    assert json.loads(lines[1])["query"] == "access_token=***&x=1"


def test_redact_query_keeps_ordinary_parameters() -> None:
    assert redact_query("q=abc&top_k=3") == "q=abc&top_k=3"
    assert redact_query("Api-Key=x&token=y&q=z") == "Api-Key=***&token=***&q=z"
    assert redact_query("") == ""


@pytest.mark.parametrize("path,body_key", [("/v1/search", "query"), ("/v1/ask", "question")])
def test_boolean_year_filter_is_rejected(app_client: TestClient, path: str, body_key: str) -> None:
    r = app_client.post(path, json={body_key: "hình thức tuyên truyền", "filters": {"year": True}})
    assert r.status_code == 422
    assert "year" in r.json()["error"]["message"]
    float_year = app_client.post(path, json={body_key: "x y z", "filters": {"year": 2023.5}})
    assert float_year.status_code == 422


def test_string_year_filter_still_accepted(app_client: TestClient, fake: FakeAssistant) -> None:
    r = app_client.post("/v1/search", json={"query": "tuyên truyền Đảng", "filters": {"year": "2023"}})
    assert r.status_code == 200 and r.json()["hits"]


@pytest.mark.parametrize(
    "messages",
    [
        [{"role": "user", "content": "Kế hoạch\x00 464"}],
        [{"role": "user", "content": "x" * 30_000}, {"role": "assistant", "content": "ok"},
         {"role": "user", "content": "Còn Sóc Trăng?"}],
        [{"role": "user", "content": "a\x00"}, {"role": "assistant", "content": "ok"},
         {"role": "user", "content": "b"}],
    ],
)
def test_chat_completions_validates_like_ask(app_client: TestClient, messages: list[dict[str, str]]) -> None:
    r = app_client.post("/v1/chat/completions", json={"model": "planbot", "messages": messages})
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] in ("invalid_input", "question_too_long")


def test_ask_rejects_the_same_turns(app_client: TestClient) -> None:
    history = [{"role": "user", "content": "x" * 30_000}, {"role": "assistant", "content": "ok"}]
    assert app_client.post("/v1/ask", json={"question": "Còn Sóc Trăng?", "history": history}).status_code == 422
    assert app_client.post("/v1/ask", json={"question": "a\x00b"}).status_code == 422


def test_missing_field_named_query_is_named(app_client: TestClient) -> None:
    r = app_client.post("/v1/search", json={"question": "tuyên truyền"})
    assert r.status_code == 422
    error = r.json()["error"]
    assert "'query'" in error["message"] and "nội dung yêu cầu" not in error["message"]
    assert error["details"][0]["field"] == "query"


def test_upload_with_a_text_field_instead_of_a_file_is_vietnamese(app_client: TestClient) -> None:
    r = app_client.post("/v1/documents", data={"file": "abc"})
    assert r.status_code == 422
    message = r.json()["error"]["message"]
    assert "UploadFile" not in message and "class" not in message
    assert "'file'" in message and "tệp" in message


def test_same_content_under_a_second_name_reports_the_holder(app_client: TestClient, fake: FakeAssistant) -> None:
    data = "Kế hoạch thử nghiệm\nI. MỤC ĐÍCH\nNâng cao nhận thức.".encode()
    first = app_client.post("/v1/documents", files={"file": ("ke-hoach-a.txt", data, "text/plain")})
    assert first.status_code == 201 and first.json()["document"]["doc_id"] == "ke-hoach-a"
    assert first.json()["already_present"] is False
    second = app_client.post("/v1/documents", files={"file": ("ban-sao-b.txt", data, "text/plain")})
    assert second.status_code == 200
    body = second.json()
    assert body["already_present"] is True
    assert body["document"]["doc_id"] == "ke-hoach-a"
    assert "ke-hoach-a" in body["message"] and "ban-sao-b.txt" in body["message"]
    assert "ban-sao-b" not in fake.docs  # not indexed twice
    again = app_client.post("/v1/documents", files={"file": ("ke-hoach-a.txt", data, "text/plain")})
    assert again.status_code in (200, 201) and again.json()["document"]["doc_id"] == "ke-hoach-a"


def test_retry_after_follows_measured_service_times() -> None:
    async def scenario() -> float:
        queue = ModelQueue(1)
        for _ in range(5):  # five fast (cache-hit) calls
            async with queue.reserve():
                await asyncio.sleep(0.01)
        queue.reserve(), queue.reserve()
        with pytest.raises(QueueFullError) as info:
            queue.reserve()
        return info.value.retry_after_s

    retry = asyncio.run(scenario())
    assert retry == ModelQueue.MIN_RETRY_S  # fast calls → retry in a second, not 50–123 s


def test_retry_after_is_bounded_for_slow_service() -> None:
    queue = ModelQueue(0)
    for _ in range(3):
        queue._record(500.0)
    queue.reserve()
    with pytest.raises(QueueFullError) as info:
        queue.reserve()
    assert info.value.retry_after_s == ModelQueue.MAX_RETRY_S
    assert queue.rejected == 1
