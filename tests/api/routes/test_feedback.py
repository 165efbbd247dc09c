"""Feedback over HTTP: every answer carries an answer_id; readers rate it; admins list the ratings."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from tests.api.conftest import FakeAssistant, make_settings

pytestmark = pytest.mark.unit

QUESTION = "Mục đích xây dựng Đảng của kế hoạch là gì?"
READER = {"Authorization": "Bearer doc"}
ADMIN = {"Authorization": "Bearer quan-tri"}


@pytest.fixture
def client(tmp_path: Path, fake: FakeAssistant) -> Iterator[TestClient]:
    settings = make_settings(tmp_path, api_keys=["doc"], admin_api_keys=["quan-tri"])
    with TestClient(create_app(settings, assistant=fake)) as c:  # type: ignore[arg-type]
        yield c


def _ask(client: TestClient) -> dict:
    r = client.post("/v1/ask", json={"question": QUESTION}, headers=READER)
    assert r.status_code == 200
    return r.json()


def test_rate_an_answer_and_list_it(client: TestClient, tmp_path: Path) -> None:
    answer = _ask(client)
    assert len(answer["answer_id"]) == 16
    r = client.post("/v1/feedback", json={"answer_id": answer["answer_id"], "rating": "up", "channel": "web"},
                    headers=READER)
    assert r.status_code == 201 and r.json()["rating"] == "up" and "Cảm ơn" in r.json()["message"]
    # changing one's mind and adding a comment updates the same entry
    r2 = client.post("/v1/feedback", json={"answer_id": answer["answer_id"], "rating": "down",
                                           "comment": "  Thiếu hình thức tuyên truyền trên mạng xã hội. "},
                     headers=READER)
    assert r2.status_code == 201 and r2.json()["id"] == r.json()["id"]

    listed = client.get("/v1/feedback", headers=ADMIN).json()
    assert listed["total"] == 1
    item = listed["items"][0]
    assert item["rating"] == "down" and item["comment"] == "Thiếu hình thức tuyên truyền trên mạng xã hội."
    assert item["channel"] == "web" and item["identity"].startswith("key:")
    assert item["answered"]["question"] == QUESTION and item["answered"]["answer"] == answer["answer"]
    assert item["answered"]["mode"] == answer["mode"]
    assert [c["doc_id"] for c in item["answered"]["citations"]] == [c["doc_id"] for c in answer["citations"]]
    assert set(item["doc_versions"]) == {c["doc_id"] for c in answer["citations"]}
    assert all(len(v) == 64 for v in item["doc_versions"].values())
    assert (tmp_path / "data" / "feedback.sqlite3").is_file()
    assert client.get("/v1/feedback?rating=up", headers=ADMIN).json()["total"] == 0


def test_listing_is_admin_only(client: TestClient) -> None:
    assert client.get("/v1/feedback", headers=READER).status_code == 403
    assert client.get("/v1/feedback").status_code == 401


def test_unknown_answer_and_bad_input(client: TestClient) -> None:
    r = client.post("/v1/feedback", json={"answer_id": "khong-co", "rating": "up"}, headers=READER)
    assert r.status_code == 404 and "hỏi lại" in r.json()["error"]["message"]
    answer_id = _ask(client)["answer_id"]
    bad = client.post("/v1/feedback", json={"answer_id": answer_id, "rating": "meh"}, headers=READER)
    assert bad.status_code == 422 and "rating" in bad.json()["error"]["message"]
    long = client.post("/v1/feedback", json={"answer_id": answer_id, "rating": "down", "comment": "x" * 3000},
                       headers=READER)
    assert long.status_code == 422


def test_streamed_and_openai_answers_carry_an_id(client: TestClient) -> None:
    with client.stream("POST", "/v1/ask", json={"question": QUESTION, "stream": True}, headers=READER) as r:
        body = "".join(r.iter_text())
    done = next(block for block in body.split("\n\n") if block.startswith("event: done"))
    payload = json.loads(done.split("data: ", 1)[1])
    assert payload["answer_id"] and payload["citations"]
    chat = client.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": QUESTION}]},
                       headers=READER).json()
    assert chat["answer_id"]
    ok = client.post("/v1/feedback", json={"answer_id": chat["answer_id"], "rating": "up"}, headers=READER)
    assert ok.status_code == 201
