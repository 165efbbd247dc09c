"""Metrics on small hand-made inputs whose scores are known."""

from __future__ import annotations

import unicodedata

import pytest

from eval import metrics as m

pytestmark = pytest.mark.unit

Q1 = "Tuyên truyền miệng thông qua đội ngũ báo cáo viên"
Q2 = "Các phương tiện cổ động trực quan: khẩu hiệu, băng rôn"


def test_quote_matching_ignores_whitespace_tone_placement_and_nfd() -> None:
    text = "1. Tuyên truyền miệng\nthông qua   đội ngũ báo cáo viên, tuyên truyền viên"
    assert m.contains_quote(text, Q1)
    assert m.contains_quote("thể chế hóa, cụ thể hóa thành luật", "thể chế hoá, cụ thể hoá")
    decomposed = unicodedata.normalize("NFD", "Kèm theo Kế hoạch số 374")
    assert m.contains_quote(decomposed, "Kèm theo Kế hoạch số 374")
    assert not m.contains_quote(text, "Tuyen truyen mieng thong qua doi ngu")


def test_recall_at_k_and_mrr() -> None:
    gold = {"a": [Q1], "b": [Q2], "c": [Q1, Q2], "u": []}
    retrieved = {
        "a": [f"xx {Q1} yy", "zz"],  # rank 1
        "b": ["zz", "zz", f"{Q2}."],  # rank 3
        "c": ["zz"] * 10 + [Q1],  # rank 11: outside top 10
    }
    assert m.recall_at_k(gold, retrieved, 1) == (pytest.approx(1 / 3), {"a": 1.0, "b": 0.0, "c": 0.0})
    assert m.recall_at_k(gold, retrieved, 5)[0] == pytest.approx(2 / 3)
    score, per_item = m.mrr_at_k(gold, retrieved, 10)
    assert per_item == {"a": 1.0, "b": pytest.approx(1 / 3), "c": 0.0}
    assert score == pytest.approx((1 + 1 / 3) / 3)
    assert "u" not in per_item


def test_missing_item_counts_as_nothing_retrieved() -> None:
    assert m.recall_at_k({"a": [Q1]}, {}, 10) == (0.0, {"a": 0.0})


def test_budget_recall_needs_the_whole_quote_inside_the_budget() -> None:
    filler = "x" * 3990
    gold = {"in": [Q1], "cut": [Q1], "late": [Q1]}
    retrieved = {
        "in": [Q1, filler],
        "cut": [filler, Q1],  # joined text is cut at 4,000 characters, in the middle of the quote
        "late": ["y" * 5000, Q1],
    }
    score, per_item = m.budget_recall(gold, retrieved)
    assert per_item == {"in": 1.0, "cut": 0.0, "late": 0.0}
    assert score == pytest.approx(1 / 3)
    assert m.budget_recall({"cut": [Q1]}, retrieved, budget_chars=10_000)[1] == {"cut": 1.0}


def test_mentions_folds_diacritics_and_respects_word_boundaries() -> None:
    assert m.mentions("Kế hoạch do ông Hoàng Văn Trinh ký", "hoang van trinh")
    assert m.mentions("thể chế hoá", "thể chế hóa")
    assert not m.mentions("Đại hội lần thứ XVIII", "lần thứ XVII")
    assert m.mentions("Đại hội lần thứ XVII.", "lần thứ XVII")


@pytest.mark.parametrize(
    "answer", ["ngày 10/07/2023", "ngày 10 tháng 7 năm 2023", "(2023-07-10)", "10-7-2023"]
)
def test_mentions_accepts_date_spellings(answer: str) -> None:
    assert m.mentions(answer, "10/7/2023")


def test_must_mention_recall() -> None:
    must = {"a": ["Hoàng Văn Trinh", "Phó Chủ tịch"], "b": ["10/7/2023", "464"], "u": []}
    answers = {"a": "Ông Hoàng Văn Trinh ký.", "b": "Ký ngày 10 tháng 7 năm 2023, số 464/KH-LĐLĐ."}
    score, per_item = m.must_mention_recall(must, answers)
    assert per_item == {"a": 0.5, "b": 1.0}
    assert score == pytest.approx(0.75)


def test_citation_precision_and_recall() -> None:
    gold = {"a": [Q1, Q2], "b": [Q1], "c": [Q2]}
    must = {"a": ["báo cáo viên"], "b": ["báo cáo viên"], "c": ["khẩu hiệu"]}
    docs = {"a": ["lc"], "b": ["lc"], "c": ["lc"]}
    cited = {
        # covers Q1 fully; a sentence from a gold doc with a must-mention phrase; an unrelated source
        "a": [m.CitedSource(f"1. {Q1}, tuyên truyền viên"),
              m.CitedSource("Chỉ đạo đội ngũ báo cáo viên đẩy mạnh tuyên truyền", "lc"),
              m.CitedSource("Nội dung khác hoàn toàn", "kh")],
        # a citation quoting only part (>= 30 chars) of the gold quote covers it
        "b": [m.CitedSource("thông qua đội ngũ báo cáo viên")],
        # no citations: no precision, recall 0
        "c": [],
    }
    precision, p_items = m.citation_precision(gold, cited, must, docs)
    assert p_items == {"a": pytest.approx(2 / 3), "b": 1.0}
    assert precision == pytest.approx((2 / 3 + 1) / 2)
    recall, r_items = m.citation_recall(gold, cited)
    assert r_items == {"a": 0.5, "b": 1.0, "c": 0.0}
    assert recall == pytest.approx(0.5)


def test_short_partial_citation_does_not_cover_a_quote() -> None:
    assert not m.source_covers_quote(m.CitedSource("báo cáo viên"), Q1)


def test_refusal_accuracy_and_false_refusal_rate() -> None:
    answerable = {"a": True, "b": True, "c": True, "u1": False, "u2": False, "not-run": False}
    refused = {"a": False, "b": True, "c": False, "u1": True, "u2": False}
    assert m.refusal_accuracy(answerable, refused) == (0.5, {"u1": 1.0, "u2": 0.0})
    score, per_item = m.false_refusal_rate(answerable, refused)
    assert per_item == {"a": 0.0, "b": 1.0, "c": 0.0}
    assert score == pytest.approx(1 / 3)


def test_directive_correctness() -> None:
    expected = {
        "ok": m.FoundDirective("21-KL/TW", "2021-10-25", "Ban Chấp hành Trung ương"),
        "plenum": m.FoundDirective("21-KL/TW", "2021-10-25", "Ban Chấp hành Trung ương"),
        "date": m.FoundDirective("35-NQ/TW", "2018-10-22", "Bộ Chính trị"),
        "none": m.FoundDirective("205-QĐ/TW", "2019-09-23", "Bộ Chính trị"),
        "two": m.FoundDirective("18-NQ/TW", "2022-06-16", None),
    }
    found = {
        "ok": [m.FoundDirective("21-kl/tw", "2021-10-25", "Ban Chấp hành Trung ương khóa XIII")],
        "plenum": [m.FoundDirective("21-KL/TW", "2021-10-25", "Hội nghị Trung ương 4 (khoá XIII)")],
        "date": [m.FoundDirective("35-NQ/TW", "2018-10-23", "Bộ Chính trị")],
        "none": [],
        "two": [m.FoundDirective("18-NQ/TW", "2017-10-25", "Ban Chấp hành Trung ương"),
                m.FoundDirective("18-NQ/TW", "2022-06-16", "Ban Chấp hành Trung ương")],
    }
    score, per_item = m.directive_correctness(expected, found)
    assert per_item == {"ok": 1.0, "plenum": 1.0, "date": 0.0, "none": 0.0, "two": 1.0}
    assert score == pytest.approx(3 / 5)
    fields = m.directive_fields(expected["date"], found["date"])
    assert fields == {"number": True, "date": False, "issuer": True}
    unaccented = [m.FoundDirective("205-QD/TW", "2019-09-23", "Bộ Chính trị")]
    assert all(m.directive_fields(expected["none"], unaccented).values())


def test_by_kind_and_worst_items() -> None:
    per_item = {"a": 1.0, "b": 0.0, "c": 0.5}
    kinds = {"a": "fact", "b": "fact", "c": "list"}
    assert m.by_kind(per_item, kinds) == {"fact": 0.5, "list": 0.5}
    table = m.per_item_table([("recall", per_item), ("must", {"a": 1.0, "b": 1.0})])
    assert table == {
        "a": {"recall": 1.0, "must": 1.0}, "b": {"recall": 0.0, "must": 1.0}, "c": {"recall": 0.5}
    }
    worst = m.worst_items(table, 2)
    assert [w["id"] for w in worst] == ["b", "c"]
    assert worst[0]["failed"] == ["recall"]


def test_empty_inputs_score_zero() -> None:
    assert m.recall_at_k({}, {}, 5) == (0.0, {})
    assert m.citation_precision({}, {}) == (0.0, {})
