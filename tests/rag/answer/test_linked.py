"""Extractive first for facts: a sentence that links the asked value to the subject answers, verbatim, and the
model is never called (so nothing it might invent can reach the reader)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.answer.linked import linked_answer
from rag.assistant import Assistant
from rag.evidence import question_words
from rag.text import fold
from rag.types import Chunk
from tests.conftest import ScriptedGenerator, make_settings

pytestmark = pytest.mark.unit


def _chunk(text: str, path: tuple[str, ...] = ("II. NỘI DUNG", "1.")) -> Chunk:
    return Chunk(chunk_id="c1", doc_id="d1", doc_title="Kế hoạch tổ chức hội nghị", section_id="s1",
                 section_path=list(path), kind="body", order=0, text=text)


def test_the_linked_sentence_answers_with_its_value_marked() -> None:
    chunk = _chunk("Hội nghị có khoảng 200 đại biểu tham dự. Hội nghị dự kiến tổ chức vào ngày 12/3/2026 tại "
                   "Hội trường Tỉnh ủy. Các cơ quan báo chí đưa tin.")
    question = "Hội nghị dự kiến tổ chức vào ngày nào?"
    found = linked_answer(question, question_words(question), [(chunk, 1.0)])
    assert found is not None
    assert "12/3/2026" in found.text and found.text.endswith("[1]")
    assert "**" in found.text  # the answer span is marked
    assert found.source.quote.startswith("Hội nghị dự kiến tổ chức vào ngày 12/3/2026")
    assert "200 đại biểu" not in found.source.quote


def test_no_linked_value_leaves_the_question_to_the_model() -> None:
    chunk = _chunk("Hội nghị có khoảng 200 đại biểu tham dự. Các cơ quan báo chí đưa tin.")
    question = "Hội nghị dự kiến tổ chức vào ngày nào?"
    assert linked_answer(question, question_words(question), [(chunk, 1.0)]) is None


def test_a_question_asking_for_no_value_is_not_answered_here() -> None:
    chunk = _chunk("Hội nghị dự kiến tổ chức vào ngày 12/3/2026 tại Hội trường Tỉnh ủy.")
    question = "Vì sao cần tổ chức hội nghị?"
    assert linked_answer(question, question_words(question), [(chunk, 1.0)]) is None


@pytest.mark.integration
def test_on_the_corpus_a_stated_date_is_quoted_and_the_model_not_called(corpus_data_dir: Path) -> None:
    liar = ScriptedGenerator()
    liar.reply = "Nghị quyết đó ban hành ngày 01/01/2030 [1]."
    assistant = Assistant(make_settings(corpus_data_dir, extractive_first=True), generator=liar)
    answer = assistant.ask("Bộ Chính trị ra nghị quyết về phát triển tỉnh Khánh Hòa đến năm 2030 vào ngày nào?")
    assert answer.mode == "extractive"
    assert liar.prompts == []
    assert "01/01/2030" not in answer.answer and "28/01/2022" in answer.answer
    assert fold(answer.citations[0].quote) in " ".join(fold(answer.answer.replace("**", "")).split())
