"""GET /v1/tasks and /v1/documents/{id}/tasks over catalog records of real and made-up plans."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from tests.api.conftest import FakeAssistant, LiveServer
from tests.rag.helpers.tasks_plans import FakeCatalog, corpus_record, dated_record

pytestmark = pytest.mark.unit


class TaskAssistant(FakeAssistant):
    def __init__(self) -> None:
        super().__init__()
        self.catalog = FakeCatalog([dated_record(), corpus_record("lai-chau")])


@pytest.fixture
def tasks_client(serve: Callable[..., LiveServer]) -> Iterator[httpx.Client]:
    with serve(TaskAssistant()).client() as client:
        yield client


def test_all_tasks(tasks_client: httpx.Client) -> None:
    body = tasks_client.get("/v1/tasks").json()
    assert [p["doc_id"] for p in body["plans"]] == ["lai-chau", "tuyen-quang-12"]
    assert body["agencies"] == 5 and body["duties"] == 10
    duty = body["plans"][1]["agencies"][0]["duties"][1]
    assert duty["report"] == {"to": "UBND tỉnh", "via": "qua Văn phòng UBND tỉnh", "sentence": duty["text"]}
    assert duty["deadlines"][0]["phrase"] == "trước ngày 20/12/2025" and duty["deadlines"][0]["end"] == "2025-12-20"


def test_filters(tasks_client: httpx.Client) -> None:
    body = tasks_client.get("/v1/tasks", params={"agency": "sở văn hóa"}).json()
    assert [a["agency"] for p in body["plans"] for a in p["agencies"]] == ["Sở Văn hóa, Thể thao và Du lịch"]
    body = tasks_client.get("/v1/tasks", params={"before": "2025-12-01"}).json()
    assert body["duties"] == 1
    body = tasks_client.get("/v1/tasks", params={"doc_id": "lai-chau"}).json()
    assert [p["doc_id"] for p in body["plans"]] == ["lai-chau"]


def test_document_tasks_and_errors(tasks_client: httpx.Client) -> None:
    body = tasks_client.get("/v1/documents/lai-chau/tasks").json()
    assert next(a["agency"] for a in body["plans"][0]["agencies"]) == "Liên đoàn Lao động tỉnh"
    missing = tasks_client.get("/v1/documents/khong-co/tasks")
    assert missing.status_code == 404
    assert "khong-co" in missing.text
    bad = tasks_client.get("/v1/tasks", params={"before": "15/12/2025"})
    assert bad.status_code == 422
    assert bad.json()["error"]["message"] == "Trường 'before' có giá trị không hợp lệ."
