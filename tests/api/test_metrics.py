"""GET /metrics: Prometheus text, loopback or admin key only; HTTP, queue, refusal, model and ingest metrics."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from api.app import create_app
from rag.assistant import Assistant
from tests.api.conftest import FakeAssistant, LiveServer, make_settings
from tests.conftest import ScriptedGenerator


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, frozenset(s.labels.items()))] = s.value
    return out


def value(text: str, name: str, **labels: str) -> float:
    found = [v for (n, ls), v in samples(text).items() if n == name and set(labels.items()) <= set(ls)]
    return sum(found)


@pytest.mark.unit
def test_loopback_scrape_counts_requests_by_route_and_mode(
    serve: Callable[..., LiveServer], fake: FakeAssistant
) -> None:
    server = serve(fake)
    with server.client() as c:
        before = c.get("/metrics").text
        assert c.post("/v1/ask", json={"question": "Mục đích xây dựng Đảng là gì?"}).status_code == 200
        c.post("/v1/ask", json={"question": "Mục đích xây dựng Đảng là gì?", "stream": True})
        c.get("/v1/documents/khong-co")
        c.get("/static/chat.css")
        r = c.get("/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    after = r.text
    ask = {"name": "planbot_http_requests_total", "route": "/v1/ask", "mode": "generated", "status": "200"}
    assert value(after, **ask) - value(before, **ask) == 2
    assert value(after, "planbot_http_requests_total", route="/v1/documents/{doc_id}", status="404") >= 1
    assert value(after, "planbot_http_request_seconds_count", route="/v1/ask", mode="generated") >= 2
    assert "khong-co" not in after and "chat.css" not in after  # route templates, never raw paths
    assert value(after, "planbot_http_requests_total", route="/static", status="200") >= 1
    assert value(after, "planbot_queue_depth") == 0 and value(after, "planbot_queue_capacity") == 5


@pytest.mark.unit
def test_full_queue_shows_depth_and_rejections(tmp_path: Path, fake: FakeAssistant) -> None:
    app = create_app(make_settings(tmp_path, queue_size=1), assistant=fake)  # type: ignore[arg-type]
    with TestClient(app) as c:
        queue = app.state.model_queue
        held = [queue.reserve(), queue.reserve()]
        r = c.post("/v1/ask", json={"question": "Mục đích là gì?"})
        assert r.status_code == 503 and "Retry-After" in r.headers
        text = c.get("/metrics").text
        for ticket in held:
            ticket.release()
    assert value(text, "planbot_queue_depth") == 2
    assert value(text, "planbot_queue_rejected_total") == 1
    assert value(text, "planbot_http_requests_total", route="/v1/ask", status="503") >= 1


@pytest.mark.unit
def test_remote_scrape_needs_an_admin_key(tmp_path: Path, fake: FakeAssistant) -> None:
    settings = make_settings(tmp_path, api_keys=["doc"], admin_api_keys=["quan-tri"])
    app = create_app(settings, assistant=fake)  # type: ignore[arg-type]
    with TestClient(app, client=("203.0.113.9", 50000)) as c:
        assert c.get("/metrics").status_code == 401
        assert c.get("/metrics", headers={"Authorization": "Bearer doc"}).status_code == 403
        ok = c.get("/metrics", headers={"Authorization": "Bearer quan-tri"})
        assert ok.status_code == 200 and "planbot_http_requests_total" in ok.text


@pytest.mark.unit
def test_loopback_through_a_reverse_proxy_needs_the_key(tmp_path: Path, fake: FakeAssistant) -> None:
    settings = make_settings(tmp_path, api_keys=["doc"], admin_api_keys=["quan-tri"])
    app = create_app(settings, assistant=fake)  # type: ignore[arg-type]
    with TestClient(app, client=("127.0.0.1", 50000)) as c:
        assert c.get("/metrics").status_code == 200
        assert c.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 401
        ok = c.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9", "Authorization": "Bearer quan-tri"})
        assert ok.status_code == 200


@pytest.mark.unit
def test_keyless_remote_scrape_is_refused(tmp_path: Path, fake: FakeAssistant) -> None:
    app = create_app(make_settings(tmp_path, open_access=True), assistant=fake)  # type: ignore[arg-type]
    with TestClient(app, client=("203.0.113.9", 50000)) as c:
        assert c.get("/metrics").status_code == 403


@pytest.mark.unit
def test_metrics_can_be_disabled(tmp_path: Path, fake: FakeAssistant) -> None:
    app = create_app(make_settings(tmp_path, metrics_enabled=False), assistant=fake)  # type: ignore[arg-type]
    with TestClient(app) as c:
        assert c.get("/metrics").status_code == 404


def _core(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels or None) or 0.0


@pytest.mark.integration
def test_core_records_refusals_generation_and_ingest(
    corpus_assistant: Assistant, scripted: ScriptedGenerator
) -> None:
    refused = _core("planbot_refusals_total", reason="filter_no_match")
    corpus_assistant.ask("Kế hoạch 464 của Lai Châu có mục đích gì?", filters={"year": 1999})
    assert _core("planbot_refusals_total", reason="filter_no_match") == refused + 1

    tokens, calls = _core("planbot_model_generated_tokens_total"), _core("planbot_model_call_seconds_count")
    scripted.reply = "Nâng cao nhận thức của đoàn viên [1]."
    corpus_assistant.ask("Công đoàn Lai Châu tuyên truyền trên những phương tiện nào để nâng cao nhận thức?")
    assert _core("planbot_model_call_seconds_count") == calls + 1
    assert _core("planbot_model_generated_tokens_total") == tokens + len(scripted.reply.split(" "))

    added, failed = _core("planbot_ingest_documents_total", outcome="added"), _core("planbot_ingest_failures_total")
    corpus_assistant.ingest_bytes("ke-hoach-do-dem.txt", "KẾ HOẠCH\nI. MỤC ĐÍCH\nThử nghiệm số liệu.".encode())
    with pytest.raises(Exception):  # noqa: B017 - any refusal of a broken upload counts as a failure
        corpus_assistant.ingest_bytes("hong.pdf", b"not a pdf")
    assert _core("planbot_ingest_documents_total", outcome="added") == added + 1
    assert _core("planbot_ingest_failures_total") == failed + 1
    doc = next(d for d in corpus_assistant.list_documents() if d.filename == "ke-hoach-do-dem.txt")
    corpus_assistant.delete_document(doc.doc_id)
