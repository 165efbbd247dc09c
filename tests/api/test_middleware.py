"""Request ids, security headers, body size limits, access logs without question text in production."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator

import httpx
import pytest

from api.middleware import JSON_BODY_LIMIT, request_id_from
from tests.api.conftest import FakeAssistant, LiveServer

pytestmark = pytest.mark.unit

SECRET_QUESTION = "Câu hỏi riêng tư về mục đích xây dựng Đảng"


def test_request_id_is_echoed_or_generated(client: httpx.Client) -> None:
    r = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert r.headers["x-request-id"] == "abc-123"
    generated = client.get("/healthz").headers["x-request-id"]
    assert len(generated) == 32
    assert client.get("/healthz", headers={"X-Request-ID": "bad id <x>"}).headers["x-request-id"] != "bad id <x>"
    err = client.get("/v1/documents/khong-co", headers={"X-Request-ID": "req-9"})
    assert err.json()["error"]["request_id"] == "req-9"
    assert r.headers["x-content-type-options"] == "nosniff"


def test_request_id_sanitizing() -> None:
    assert request_id_from([(b"x-request-id", b"ok_1.2:3")]) == "ok_1.2:3"
    assert request_id_from([(b"x-request-id", b"<script>")]) != "<script>"
    assert request_id_from([(b"x-request-id", b"a" * 65)]) != "a" * 65


def test_oversized_json_body_is_413(client: httpx.Client) -> None:
    big = json.dumps({"question": "a" * (JSON_BODY_LIMIT + 10)})
    r = client.post("/v1/ask", content=big, headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "payload_too_large"


def test_oversized_chunked_body_is_413(client: httpx.Client) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"question": "'
        for _ in range(40):
            yield b"a" * 10_000
        yield b'"}'

    r = client.post("/v1/ask", content=chunks(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "payload_too_large"


@pytest.fixture
def access_records(caplog: pytest.LogCaptureFixture) -> Iterator[Callable[[], list[dict]]]:
    caplog.set_level(logging.INFO, logger="planbot.access")

    def records() -> list[dict]:
        return [json.loads(r.getMessage()) for r in caplog.records if r.name == "planbot.access"]

    yield records


@pytest.mark.parametrize("production", [True, False])
def test_access_log(
    serve: Callable[..., LiveServer],
    fake: FakeAssistant,
    production: bool,
    access_records: Callable[[], list[dict]],
) -> None:
    server = serve(fake, production=production)
    with server.client() as c:
        c.post("/v1/ask", json={"question": SECRET_QUESTION}, headers={"X-Request-ID": "log-1"})
        c.get("/v1/directives", params={"q": "35-NQ/TW"}, headers={"X-Request-ID": "log-2"})
    by_id = {r["request_id"]: r for r in access_records()}
    assert by_id["log-1"]["status"] == 200 and by_id["log-1"]["path"] == "/v1/ask"
    assert by_id["log-1"]["duration_ms"] >= 0
    text = json.dumps(list(by_id.values()), ensure_ascii=False)
    if production:
        assert SECRET_QUESTION not in text and "35-NQ" not in text
    else:
        assert by_id["log-1"]["question"] == SECRET_QUESTION
