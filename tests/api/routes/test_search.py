"""POST /v1/search: retrieval only, never waits on the model."""

from __future__ import annotations

import threading
from collections.abc import Callable

import httpx
import pytest

from tests.api.conftest import FakeAssistant, LiveServer, wait_until

pytestmark = pytest.mark.unit


def test_search_returns_ranked_sections(client: httpx.Client) -> None:
    r = client.post("/v1/search", json={"query": "Nghị quyết 35-NQ/TW", "top_k": 3})
    assert r.status_code == 200
    hits = r.json()["hits"]
    assert hits and [h["rank"] for h in hits] == sorted(h["rank"] for h in hits)
    assert "35-NQ/TW" in hits[0]["text"]
    assert hits[0]["section_path"] and hits[0]["doc_title"]


def test_search_filters_and_validation(client: httpx.Client) -> None:
    r = client.post("/v1/search", json={"query": "tuyên truyền", "filters": {"province": "Sóc Trăng"}})
    assert r.status_code == 200
    assert {h["doc_id"] for h in r.json()["hits"]} == {"soc-trang-374"}
    assert client.post("/v1/search", json={"query": " "}).status_code == 422
    assert client.post("/v1/search", json={"query": "x", "filters": {"nam": 2023}}).status_code == 422


def test_search_answers_while_the_model_is_busy(serve: Callable[..., LiveServer], fake: FakeAssistant) -> None:
    fake.gate = threading.Event()
    server = serve(fake, queue_size=0)
    results: list[int] = []
    with server.client() as c:
        t = threading.Thread(
            target=lambda: results.append(c.post("/v1/ask", json={"question": "mục đích xây dựng Đảng"}).status_code)
        )
        t.start()
        try:
            wait_until(fake.started.is_set, "model call started")
            assert c.post("/v1/search", json={"query": "xây dựng Đảng"}).status_code == 200
            assert c.get("/v1/directives", params={"q": "35-NQ/TW"}).status_code == 200
            assert c.get("/v1/documents").status_code == 200
        finally:
            fake.gate.set()
            t.join(30)
    assert results == [200]
