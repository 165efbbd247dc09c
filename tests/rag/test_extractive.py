"""Extractive first for facts: the answering sentence and its span; whether a model sentence keeps the key facts."""

from __future__ import annotations

import pytest

from rag.extractive import keeps_key_facts, key_facts, pick_sentence, proper_names

pytestmark = pytest.mark.unit

SENTENCES = [
    "Tuyên truyền sâu rộng trong cán bộ, đảng viên và nhân dân.",
    "Lễ mít tinh kỷ niệm được tổ chức vào ngày 15/10/2025 tại Nhà văn hóa tỉnh.",
    "Sở Văn hóa, Thể thao và Du lịch chủ trì tổ chức lễ mít tinh.",
]


def test_pick_sentence_finds_the_answer_and_marks_its_span() -> None:
    pick = pick_sentence("Lễ mít tinh kỷ niệm được tổ chức vào ngày nào?", SENTENCES)
    assert pick is not None and pick.index == 1
    assert pick.span == "15/10/2025 tại Nhà văn hóa tỉnh"
    assert pick.marked() == ("Lễ mít tinh kỷ niệm được tổ chức vào ngày **15/10/2025 tại Nhà văn hóa tỉnh**.")


def test_pick_sentence_without_accents() -> None:
    pick = pick_sentence("ai chu tri to chuc le mit tinh", SENTENCES)
    assert pick is not None and pick.index == 2
    assert "Sở Văn hóa, Thể thao và Du lịch" in pick.span


def test_pick_sentence_none_when_nothing_shared() -> None:
    assert pick_sentence("Giá vàng hôm nay?", SENTENCES) is None
    assert pick_sentence("?", SENTENCES) is None


def test_key_facts_numbers_titles_names() -> None:
    source = ("Thực hiện Quy định số 08-QĐ/TW ngày 25/10/2018 của Ban Chấp hành Trung ương, tổ chức Cuộc thi "
              "“Tìm hiểu lịch sử Đảng bộ tỉnh” với 1.500 thí sinh.")
    facts = key_facts(source)
    assert "08-QĐ/TW" in facts and "25/10/2018" in facts and "1.500" in facts
    assert "Tìm hiểu lịch sử Đảng bộ tỉnh" in facts
    assert "Ban Chấp hành Trung ương" in proper_names(source)


def test_keeps_key_facts_accepts_a_faithful_rewording() -> None:
    source = "Sở Thông tin và Truyền thông báo cáo UBND tỉnh trước ngày 07/6/2025."
    assert keeps_key_facts("Trước 7/6/2025, Sở Thông tin và Truyền thông phải báo cáo UBND tỉnh.", source)
    assert keeps_key_facts("truoc ngay 07/6/2025 so thong tin va truyen thong bao cao ubnd tinh", source)


@pytest.mark.parametrize("model", [
    "Sở Thông tin và Truyền thông báo cáo UBND tỉnh trước ngày 17/6/2025.",  # date changed
    "Sở Văn hóa báo cáo UBND tỉnh trước ngày 07/6/2025.",  # agency changed
    "Sở Thông tin và Truyền thông báo cáo trước ngày 07/6/2025.",  # recipient dropped
])
def test_keeps_key_facts_rejects_a_lost_or_changed_fact(model: str) -> None:
    assert not keeps_key_facts(model, "Sở Thông tin và Truyền thông báo cáo UBND tỉnh trước ngày 07/6/2025.")
