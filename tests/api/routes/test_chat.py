"""POST /v1/chat/completions driven by the official `openai` client (non-stream and stream)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.api.conftest import FakeAssistant, LiveServer

openai = pytest.importorskip("openai", reason="the openai client is needed (pip install openai)")

pytestmark = pytest.mark.unit

QUESTION = "Mục đích xây dựng Đảng của kế hoạch là gì?"


@pytest.fixture
def oa(serve: Callable[..., LiveServer], fake: FakeAssistant) -> Any:
    server = serve(fake, api_keys=["khoa-doc"])
    return openai.OpenAI(base_url=server.url + "/v1", api_key="khoa-doc", max_retries=0, timeout=30)


def test_non_streaming_completion_has_citations(oa: Any) -> None:
    resp = oa.chat.completions.create(model="planbot", messages=[{"role": "user", "content": QUESTION}])
    content = resp.choices[0].message.content or ""
    citations = (resp.model_extra or {})["citations"]
    assert citations and citations[0]["doc_title"]
    assert "Nguồn:" in content
    assert f"[{citations[0]['n']}] {citations[0]['doc_title']}" in content
    assert resp.choices[0].finish_reason == "stop"


def test_streaming_completion(oa: Any) -> None:
    stream = oa.chat.completions.create(
        model="planbot",
        stream=True,
        messages=[{"role": "system", "content": "Trả lời ngắn."}, {"role": "user", "content": QUESTION}],
    )
    parts, citations, finish, answer_id = [], None, None, None
    for chunk in stream:
        delta = chunk.choices[0].delta
        parts.append(delta.content or "")
        citations = (chunk.model_extra or {}).get("citations", citations)
        answer_id = (chunk.model_extra or {}).get("answer_id") or answer_id
        finish = chunk.choices[0].finish_reason or finish
    text = "".join(parts)
    assert finish == "stop"
    assert citations
    assert "Nguồn:" in text and "[1]" in text
    assert answer_id  # to rate the answer with POST /v1/feedback


def test_history_comes_from_earlier_messages(oa: Any, fake: FakeAssistant) -> None:
    oa.chat.completions.create(
        model="planbot",
        messages=[
            {"role": "user", "content": "Kế hoạch 464 là gì?"},
            {"role": "assistant", "content": "Là kế hoạch tuyên truyền [1]."},
            {"role": "user", "content": [{"type": "text", "text": QUESTION}]},
        ],
    )
    _, call = next(c for c in reversed(fake.calls) if c[0] == "stream")
    assert call["question"] == QUESTION
    assert [t.role for t in call["history"]] == ["user", "assistant"]


def test_refusal_shows_no_sources(oa: Any) -> None:
    resp = oa.chat.completions.create(model="planbot", messages=[{"role": "user", "content": "zzz qqq xxx"}])
    assert (resp.choices[0].message.content or "").startswith("Không tìm thấy")
    assert (resp.model_extra or {})["refused"] is True


def test_errors_reach_the_client(oa: Any) -> None:
    with pytest.raises(openai.UnprocessableEntityError) as info:
        oa.chat.completions.create(model="planbot", messages=[{"role": "assistant", "content": "Xin chào"}])
    assert "role 'user'" in str(info.value)
    bad = openai.OpenAI(base_url=str(oa.base_url), api_key="sai-khoa", max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        bad.chat.completions.create(model="planbot", messages=[{"role": "user", "content": QUESTION}])


def test_empty_messages_is_422(client: httpx.Client) -> None:
    r = client.post("/v1/chat/completions", json={"model": "x", "messages": []})
    assert r.status_code == 422
    assert r.json()["error"]["message"]


def test_models_list_and_retrieve(oa: Any) -> None:
    models = oa.models.list()
    ids = [m.id for m in models.data]
    assert ids == ["planbot"]
    card = oa.models.retrieve("planbot")
    assert card.id == "planbot" and card.object == "model" and card.owned_by and card.created > 0
    with pytest.raises(openai.NotFoundError) as info:
        oa.models.retrieve("gpt-4o")
    assert "planbot" in str(info.value)
    # the listed id is the one a front-end then chats with
    resp = oa.chat.completions.create(model=ids[0], messages=[{"role": "user", "content": QUESTION}])
    assert resp.model == "planbot" and (resp.model_extra or {})["citations"]


def test_models_need_a_key(oa: Any) -> None:
    bad = openai.OpenAI(base_url=str(oa.base_url), api_key="sai-khoa", max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        bad.models.list()
