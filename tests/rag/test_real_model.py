"""End to end with the real default model (slow: loads the 1.5B GGUF on CPU)."""

from __future__ import annotations

import re

import pytest

from rag.assistant import Assistant
from rag.messages import REFUSAL
from rag.text import fold
from rag.types import ChatTurn

pytestmark = [pytest.mark.slow, pytest.mark.integration]


def _cited_docs(answer) -> set[str]:  # type: ignore[no-untyped-def]
    return {c.doc_id.split("_")[0] for c in answer.citations}


def _quotes_are_verbatim(assistant: Assistant, answer) -> None:  # type: ignore[no-untyped-def]
    """Every cited quote is verbatim text of the document section it names."""
    for citation in answer.citations:
        record = assistant.catalog.get(citation.doc_id)
        assert record is not None and citation.quote.strip()
        document = " ".join(fold(" ".join(s.text for s in record.tree.walk())).split())
        assert " ".join(fold(citation.quote).split())[:60] in document


def test_list_question(real_assistant: Assistant) -> None:
    # the plan's own section answers it: its items, each cited, no model call
    answer = real_assistant.ask("Liên đoàn Lao động Lai Châu tuyên truyền bằng những hình thức nào?")
    assert not answer.refused
    assert answer.mode == "section"
    assert _cited_docs(answer) == {"lai-chau"}
    assert "[1]" in answer.answer and len(answer.citations) >= 2
    _quotes_are_verbatim(real_assistant, answer)


def test_question_through_the_model(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("Liên đoàn Lao động Lai Châu tuyên truyền trên báo, đài của tỉnh về việc gì?")
    assert not answer.refused
    assert answer.mode in ("generated", "extractive")
    assert _cited_docs(answer) == {"lai-chau"}
    assert "[1]" in answer.answer
    _quotes_are_verbatim(real_assistant, answer)


def test_directive_question(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("Nghị quyết 35-NQ/TW nói về gì, ai ban hành, kế hoạch nào nhắc đến?")
    assert "Bộ Chính trị" in answer.answer and "22/10/2018" in answer.answer
    assert len(_cited_docs(answer)) >= 4


def test_cross_plan_question(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("Những kế hoạch nào nhắc đến Giải Búa liềm vàng?")
    assert {"khanh-hoa", "phu-yen"} <= _cited_docs(answer)


def test_unanswerable_question(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("Ngân sách cho kế hoạch tuyên truyền của MTTQ Khánh Hòa là bao nhiêu?")
    # Refused, or (the plan is there but names no amount) "… không ghi kinh phí / số tiền được hỏi": never a figure.
    assert answer.refused
    assert answer.answer == REFUSAL or "không ghi" in answer.answer, answer.answer
    assert not re.search(r"\d", answer.answer.split("»")[-1]), answer.answer


def test_follow_up(real_assistant: Assistant) -> None:
    history = [ChatTurn(role="user", content="Kế hoạch của MTTQ Khánh Hòa ban hành ngày nào?"),
               ChatTurn(role="assistant", content="Ngày 04/8/2023 [1].")]
    answer = real_assistant.ask("Còn Sóc Trăng thì sao?", history)
    assert "25/7/2023" in answer.answer
    assert _cited_docs(answer) == {"soc-trang"}


def test_no_diacritics_question(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("phu yen giao cho so thong tin va truyen thong nhiem vu gi")
    assert not answer.refused
    assert "phu-yen" in _cited_docs(answer)
