"""The HTTP API over the real Assistant and the real corpus (scripted model), plus one real-model answer."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import httpx
import pytest

from api.app import create_app
from rag.config import PROJECT_ROOT
from tests.api.conftest import LiveServer, wait_until
from tests.api.routes.test_ask import sse_events
from tests.conftest import CORPUS, ScriptedGenerator
from tests.conftest import make_settings as corpus_settings

CORPUS_TEXT = "\n".join(p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt")))
QUESTION = "Kế hoạch 464 của Liên đoàn Lao động tỉnh Lai Châu nhằm mục đích gì?"


def quote_first_source(messages: Sequence[dict[str, str]]) -> str:
    """A well-behaved model: copies the first sentence of source [1] and cites it."""
    prompt = messages[-1]["content"]
    match = re.search(r"NGUỒN:\s*\n\[1\][^\n]*\n(.+)", prompt)
    if match is None:
        return "Không tìm thấy thông tin này trong các tài liệu hiện có."
    sentence = re.split(r"(?<=[.;!?])\s", match.group(1).strip())[0].rstrip(".;")
    return f"- {sentence} [1]."


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture
def real_server(corpus_data_dir: Path) -> Iterator[tuple[LiveServer, ScriptedGenerator]]:
    from rag.assistant import Assistant

    generator = ScriptedGenerator(quote_first_source)
    settings = corpus_settings(corpus_data_dir, admin_api_keys=["qt"], api_keys=["doc"], rate_limit_per_minute=0)
    assistant = Assistant(settings, generator=generator)
    server = LiveServer(create_app(settings, assistant=assistant)).start()
    try:
        yield server, generator
    finally:
        server.stop()


@pytest.fixture
def http(real_server: tuple[LiveServer, ScriptedGenerator]) -> Iterator[httpx.Client]:
    with real_server[0].client(headers={"Authorization": "Bearer qt"}, timeout=300) as c:
        yield c


@pytest.mark.integration
def test_real_answer_cites_the_corpus(http: httpx.Client) -> None:
    r = http.post("/v1/ask", json={"question": QUESTION})
    assert r.status_code == 200, r.text
    body = r.json()
    assert not body["refused"], body
    assert body["citations"]
    for cite in body["citations"]:
        assert squash(cite["quote"].strip("«»… "))[:60] in squash(CORPUS_TEXT)
    assert any("lai-chau" in c["doc_id"] for c in body["citations"])
    # The cited section opens through the documents API.
    first = body["citations"][0]
    section = http.get(f"/v1/documents/{first['doc_id']}/sections/{first['section_id']}")
    assert section.status_code == 200 and section.json()["text"]


@pytest.mark.integration
def test_real_stream_and_openai_endpoint(http: httpx.Client, real_server: tuple[LiveServer, ScriptedGenerator]) -> None:
    question = "Kế hoạch của Mặt trận Tổ quốc tỉnh Khánh Hòa tuyên truyền bằng những hình thức nào?"
    with http.stream("POST", "/v1/ask", json={"question": question, "stream": True}) as r:
        assert r.status_code == 200
        events = sse_events(r.iter_lines())
    names = [e for e, _ in events]
    assert names[0] == "sources" and names[-1] == "done", names
    done = events[-1][1]
    assert done["answer"] and (done["citations"] or done["refused"])
    chat = http.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": question}]})
    assert chat.status_code == 200
    assert chat.json()["choices"][0]["message"]["content"]


@pytest.mark.integration
def test_real_retrieval_endpoints(http: httpx.Client) -> None:
    hits = http.post("/v1/search", json={"query": "bảo vệ nền tảng tư tưởng của Đảng", "top_k": 3}).json()["hits"]
    assert 1 <= len(hits) <= 3
    docs = http.get("/v1/documents").json()["documents"]
    assert len(docs) == 5
    detail = http.get(f"/v1/documents/{docs[0]['doc_id']}").json()
    assert detail["outline"]
    found = http.get("/v1/directives", params={"q": "35-NQ/TW"}).json()["directives"]
    assert found and found[0]["number"] == "35-NQ/TW" and found[0]["mentions"]
    one = http.get(f"/v1/directives/{found[0]['directive_id']}")
    assert one.status_code == 200
    assert http.get("/v1/directives/khong-co-van-ban-nay").status_code == 404
    unknown = http.post("/v1/ask", json={"question": QUESTION, "filters": {"tinh": "Lai Châu"}})
    assert unknown.status_code == 422


@pytest.mark.integration
def test_real_uploads(http: httpx.Client) -> None:
    corrupt_docx = http.post(
        "/v1/documents", files={"file": ("hong.docx", b"PK\x03\x04 not really", "application/zip")}
    )
    assert corrupt_docx.status_code == 422, corrupt_docx.text
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "not a word document")
    not_docx = http.post("/v1/documents", files={"file": ("zip-la.docx", buf.getvalue(), "application/zip")})
    assert not_docx.status_code == 422, not_docx.text
    corrupt_pdf = http.post("/v1/documents", files={"file": ("hong.pdf", b"%PDF-1.4 broken", "application/pdf")})
    assert corrupt_pdf.status_code == 422, corrupt_pdf.text
    bad_text = http.post("/v1/documents", files={"file": ("sai.txt", b"\xff\xfe\x00\xd8 bad", "text/plain")})
    assert bad_text.status_code == 422, bad_text.text

    text = (
        "ỦY BAN NHÂN DÂN XÃ THỬ NGHIỆM\nKẾ HOẠCH\nTuyên truyền phòng chống thiên tai năm 2024\n"
        "I. MỤC ĐÍCH, YÊU CẦU\nNâng cao nhận thức của người dân về phòng chống lũ quét và sạt lở đất.\n"
    )
    up = http.post("/v1/documents", files={"file": ("ke-hoach-thien-tai.txt", text.encode(), "text/plain")})
    assert up.status_code == 201, up.text
    doc = up.json()["document"]
    assert doc and doc["doc_id"]
    try:
        assert doc["doc_id"] in {d["doc_id"] for d in http.get("/v1/documents").json()["documents"]}
    finally:
        assert http.delete(f"/v1/documents/{doc['doc_id']}").status_code == 204
    assert http.get(f"/v1/documents/{doc['doc_id']}").status_code == 404


def local_model(tmp_path: Path) -> dict[str, object]:
    """Use the already assembled default GGUF when this checkout has one (same file, no 1 GB copy)."""
    built = PROJECT_ROOT / "data" / "models" / "qwen2.5-coder-1.5b.gguf"
    return {"llm_model_path": built} if built.is_file() else {}


@pytest.mark.slow
def test_real_question_end_to_end_with_the_default_model(corpus_data_dir: Path, tmp_path: Path) -> None:
    """No overrides: create_app builds the Assistant, warms up the real model, and answers."""
    settings = corpus_settings(corpus_data_dir, rate_limit_per_minute=0, **local_model(tmp_path))
    server = LiveServer(create_app(settings)).start()
    try:
        with server.client(timeout=600) as c:
            assert c.get("/healthz").status_code == 200
            wait_until(lambda: c.get("/readyz").json()["status"] != "starting", "warm-up finished", limit_s=600)
            assert c.get("/readyz").status_code == 200, c.get("/readyz").text
            r = c.post("/v1/ask", json={"question": QUESTION})
    finally:
        server.stop()
    assert r.status_code == 200, r.text
    body = r.json()
    assert not body["refused"], body
    assert body["citations"], body
    assert any("lai-chau" in c["doc_id"] for c in body["citations"])
    assert re.search(r"\[\d+\]", body["answer"])
