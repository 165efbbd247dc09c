"""The value a question asks for must be linked, in one sentence, to what it is asked of."""

from __future__ import annotations

import pytest

from rag.asked import asked_kind, linked_sentences, subject_words
from rag.assistant import Assistant
from rag.evidence import question_words
from tests.conftest import ScriptedGenerator

CONGRESS = "Đại hội đại biểu MTTQ tỉnh Mẫu Sơn nhiệm kỳ 2024-2029 dự kiến tổ chức ngày nào?"
BUDGET = "Kinh phí thực hiện kế hoạch tuyên truyền của thành phố là bao nhiêu?"


def _linked(question: str, text: str) -> list[str]:
    kind = asked_kind(question)
    assert kind is not None
    return linked_sentences(kind, subject_words(question, question_words(question), kind), text)


@pytest.mark.unit
@pytest.mark.parametrize(("question", "kind"), [
    (CONGRESS, "event_date"), (BUDGET, "money"), ("Số điện thoại của Ban Tuyên giáo là gì?", "contact"),
    ("Lai Châu tổ chức bao nhiêu hội nghị báo cáo viên?", "count"), ("Thời hạn nộp báo cáo là khi nào?", "deadline"),
    ("Kế hoạch đề ra những hình thức tuyên truyền nào?", None),
])
def test_asked_kind(question: str, kind: str | None) -> None:
    found = asked_kind(question)
    assert (found.name if found else None) == kind


@pytest.mark.unit
def test_a_date_elsewhere_is_not_the_events_date() -> None:
    header = "Mẫu Sơn, ngày 14 tháng 9 năm 2023. Chuẩn bị tốt Đại hội đại biểu MTTQ tỉnh nhiệm kỳ 2024-2029."
    assert _linked(CONGRESS, header) == []
    held = "Đại hội đại biểu MTTQ tỉnh lần thứ XI, nhiệm kỳ 2024-2029 dự kiến tổ chức vào tháng 9/2024."
    assert _linked(CONGRESS, held) == [held]


@pytest.mark.unit
def test_an_amount_for_something_else_is_not_the_budget() -> None:
    assert _linked(BUDGET, "Hỗ trợ 50 triệu đồng cho giải báo chí. Tổ chức hội nghị báo cáo viên.") == []
    assert _linked(BUDGET, "Kinh phí thực hiện Kế hoạch: 200 triệu đồng từ ngân sách tỉnh.") != []


@pytest.mark.integration
def test_entity_held_value_not_is_said_plainly(corpus_assistant: Assistant, scripted: ScriptedGenerator) -> None:
    scripted.reply = "Kinh phí thực hiện là 100 triệu đồng [1]."
    answer = corpus_assistant.ask("Kinh phí thực hiện Kế hoạch 464 của LĐLĐ Lai Châu là bao nhiêu?")
    assert answer.refused and "không ghi kinh phí" in answer.answer
    assert "100 triệu" not in answer.answer and scripted.prompts == []
