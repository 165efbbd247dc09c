"""POST /v1/ask against a real uvicorn server: JSON, SSE, disconnect, errors."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator

import httpx
import pytest

from rag.errors import BackendError, ModelUnavailableError
from tests.api.conftest import FakeAssistant, LiveServer

pytestmark = pytest.mark.unit

QUESTION = "Mục đích xây dựng Đảng của kế hoạch là gì?"


def sse_events(lines: Iterator[str]) -> list[tuple[str, dict]]:
    """Parse an SSE body into (event, data) pairs, skipping comments."""
    events: list[tuple[str, dict]] = []
    name, data = "message", list[str]()
    for line in lines:
        if line == "":
            if data:
                events.append((name, json.loads("\n".join(data))))
            name, data = "message", []
        elif line.startswith(":"):
            continue
        elif line.startswith("event:"):
            name = line[6:].strip()
        elif line.startswith("data:"):
            data.append(line[5:].strip())
    return events


def test_ask_json_returns_answer_with_citations(client: httpx.Client) -> None:
    r = client.post("/v1/ask", json={"question": QUESTION})
    assert r.status_code == 200
    body = r.json()
    assert body["refused"] is False
    assert body["citations"], body
    first = body["citations"][0]
    assert set(first) >= {"n", "doc_id", "doc_title", "section_path", "quote", "score"}
    assert f"[{first['n']}]" in body["answer"]
    assert r.headers["x-request-id"]


def test_ask_passes_history_and_filters(client: httpx.Client, fake: FakeAssistant) -> None:
    history = [
        {"role": "user", "content": "Kế hoạch 464 là gì?"},
        {"role": "assistant", "content": "Là kế hoạch [1]."},
    ]
    r = client.post("/v1/ask", json={"question": QUESTION, "history": history, "filters": {"year": "2023"}})
    assert r.status_code == 200
    kind, call = fake.calls[-2] if fake.calls[-1][0] == "search" else fake.calls[-1]
    assert kind == "stream"
    assert [t.content for t in call["history"]] == [h["content"] for h in history]


def test_refusal_is_flagged(client: httpx.Client) -> None:
    r = client.post("/v1/ask", json={"question": "zzz qqq xxx"})
    assert r.status_code == 200
    assert r.json()["refused"] is True
    assert r.json()["answer"].startswith("Không tìm thấy")


@pytest.mark.parametrize("how", ["accept", "flag"])
def test_ask_streams_sources_tokens_done(client: httpx.Client, how: str) -> None:
    kwargs: dict = {"json": {"question": QUESTION, "stream": how == "flag"}}
    if how == "accept":
        kwargs["headers"] = {"Accept": "text/event-stream"}
    with client.stream("POST", "/v1/ask", **kwargs) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        events = sse_events(r.iter_lines())
    names = [e for e, _ in events]
    assert names[0] == "sources" and names[-1] == "done"
    assert names.count("token") >= 2
    streamed = "".join(d["text"] for e, d in events if e == "token")
    done = events[-1][1]
    assert done["answer"] == streamed
    assert done["citations"] and done["citations"][0]["quote"]


def test_stream_error_event_for_backend_failure(client: httpx.Client, fake: FakeAssistant) -> None:
    fake.fail_with = ModelUnavailableError("model down")
    with client.stream("POST", "/v1/ask", json={"question": QUESTION, "stream": True}) as r:
        assert r.status_code == 200
        events = sse_events(r.iter_lines())
    assert events[-1][0] == "error"
    assert events[-1][1]["error"]["code"] == "model_unavailable"
    assert "Mô hình" in events[-1][1]["error"]["message"]


def test_backend_error_is_503_json(client: httpx.Client, fake: FakeAssistant) -> None:
    fake.fail_with = BackendError("chroma down")
    r = client.post("/v1/ask", json={"question": QUESTION})
    assert r.status_code == 503
    assert r.json()["error"]["code"] == "backend_error"
    assert int(r.headers["retry-after"]) >= 1


def test_client_disconnect_stops_generation(serve: Callable[..., LiveServer], fake: FakeAssistant) -> None:
    fake.permits = threading.Semaphore(2)  # the model may produce two tokens, then one per permit
    server = serve(fake)
    total_words = len(fake._answer(QUESTION).answer.split(" "))
    assert total_words > 10
    with server.client() as c, c.stream("POST", "/v1/ask", json={"question": QUESTION, "stream": True}) as r:
        assert r.status_code == 200
        tokens = 0
        for line in r.iter_lines():
            tokens += line.startswith("event: token")
            if tokens == 2:
                break
    # The client is gone. Hand out one permit at a time until the server closes the generator.
    while not fake.closed.wait(0.2):
        fake.permits.release()
    assert fake.tokens_sent < total_words
    # The model slot was released: a new question gets through.
    fake.permits = None
    with server.client() as c:
        assert c.post("/v1/ask", json={"question": QUESTION}).status_code == 200


@pytest.mark.parametrize(
    ("payload", "fragment"),
    [
        ({"question": ""}, "question"),
        ({"question": "   \n\t "}, "Câu hỏi không được để trống"),
        ({"question": "x" * 2001}, "quá dài"),
        ({}, "question"),
        ({"question": 123}, "chuỗi"),
        ({"question": QUESTION, "top_k": "nhiều"}, "số nguyên"),
        ({"question": QUESTION, "top_k": 0}, "lớn hơn hoặc bằng"),
        ({"question": QUESTION, "filters": {"tinh": "Lai Châu"}}, "Bộ lọc không hợp lệ"),
        ({"question": QUESTION, "filters": {"year": "hai nghìn"}}, "year"),
        ({"question": QUESTION, "history": [{"role": "system", "content": "x"}]}, "history"),
        ({"question": QUESTION, "history": "không phải danh sách"}, "danh sách"),
        (["một", "danh", "sách"], "đối tượng JSON"),
    ],
)
def test_bad_input_is_422_in_vietnamese(client: httpx.Client, payload: object, fragment: str) -> None:
    r = client.post("/v1/ask", json=payload)
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["code"] in ("invalid_input", "question_too_long")
    assert fragment in err["message"] or any(fragment in d["field"] for d in err.get("details", []))


def test_question_limit_comes_from_settings(serve: Callable[..., LiveServer], fake: FakeAssistant) -> None:
    server = serve(fake, max_question_chars=50)
    with server.client() as c:
        assert c.post("/v1/ask", json={"question": "a" * 50}).status_code == 200
        r = c.post("/v1/ask", json={"question": "a" * 51})
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "question_too_long"
    assert "50" in r.json()["error"]["message"]


@pytest.mark.parametrize("raw", [b"{bad json", b'{"question": "a",}', b"\xff\xfe"])
def test_malformed_json_is_400(client: httpx.Client, raw: bytes) -> None:
    r = client.post("/v1/ask", content=raw, headers={"Content-Type": "application/json"})
    assert r.status_code in (400, 422), r.text
    assert r.json()["error"]["message"]
    if raw.startswith(b"{"):
        assert r.status_code == 400
        assert r.json()["error"]["code"] == "malformed_json"


def test_non_json_content_type_is_4xx(client: httpx.Client) -> None:
    r = client.post("/v1/ask", content=b"question=abc", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert 400 <= r.status_code < 500
    assert r.json()["error"]["message"]
