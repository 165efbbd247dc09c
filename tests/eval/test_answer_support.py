"""Answers against the quotes they show: must-mention on quotes, citation precision per mode, unsupported
sentences (hand-made answers and quotes whose scores are known)."""

from __future__ import annotations

from typing import Any

import pytest

from eval import metrics as m
from eval.dataset import EvalItem
from eval.harness import answer_metrics

pytestmark = pytest.mark.unit

QUOTE = ("Ban Tuyên giáo Tỉnh ủy chủ trì tổ chức Hội nghị báo cáo viên vào ngày 10/07/2023 "
         "với 250 đại biểu tham dự.")


def test_must_mention_on_quotes_uses_the_answer_matcher() -> None:
    quotes = {"a": m.quotes_text(["Hội nghị báo cáo viên", QUOTE]), "b": m.quotes_text([]), "c": "Hoi nghi"}
    must = {"a": ["10/7/2023", "Ban Tuyên giáo"], "b": ["Ban Tuyên giáo"], "c": ["hội nghị báo cáo viên"]}
    score, per_item = m.must_mention_recall(must, quotes)
    assert per_item == {"a": 1.0, "b": 0.0, "c": 0.0}  # date spelling and diacritics as on answers; words whole
    assert score == pytest.approx(1 / 3)


def test_cited_sentences_keep_markers_with_their_sentence() -> None:
    answer = ("- Hội nghị do Ban Tuyên giáo chủ trì [1].\n"
              "1.2. Tổ chức vào tháng 7. [2]\n"
              "Không rõ số lượng. Thêm [1, 3] câu khác [3].")
    assert m.cited_sentences(answer) == [
        ("- Hội nghị do Ban Tuyên giáo chủ trì.", (1,)),
        ("1.2. Tổ chức vào tháng 7.", (2,)),  # a marker after the full stop; no break after a numbering
        ("Không rõ số lượng.", ()),
        ("Thêm câu khác.", (1, 3)),
    ]
    assert m.cited_sentences("") == []


@pytest.mark.parametrize(("sentence", "supported"), [
    ("Hội nghị báo cáo viên do Ban Tuyên giáo Tỉnh ủy chủ trì.", True),  # words in another order
    ("- hoi nghi bao cao vien co 250 dai bieu tham du", True),  # no diacritics, list marker
    ("3. Ngày 10 tháng 7 năm 2023 tổ chức hội nghị báo cáo viên.", True),  # '07' = '7'; the numbering is no number
    ("Hội nghị báo cáo viên có 300 đại biểu tham dự.", False),  # a number the quote does not hold
    ("Hội nghị báo cáo viên bàn về chuyển đổi số, kinh tế tư nhân và hội nhập.", False),  # content not shown
    ("Có.", False),  # nothing to check
    ("Hội nghị tổ chức tại Hà Nội.", False),  # 'Hà Nội' folds to stopwords but a capitalised name counts
    ("Tổ chức hội nghị tại đó.", True),  # the same sentence without the name
])
def test_sentence_support_is_lexical_against_the_cited_quotes(sentence: str, supported: bool) -> None:
    assert m.sentence_supported(sentence, [QUOTE]) is supported


def test_sentence_support_threshold_and_no_quote() -> None:
    sentence = "Ban Tuyên giáo chủ trì hội nghị tuyên truyền biển đảo."  # 5 of 8 shown ('chủ', 'hội' fold to stopwords)
    assert m.sentence_supported(sentence, [QUOTE], min_share=0.6)
    assert not m.sentence_supported(sentence, [QUOTE], min_share=0.7)
    assert not m.sentence_supported("Hội nghị báo cáo viên do Ban Tuyên giáo chủ trì.", [])


def test_unsupported_sentences_per_item_and_pooled() -> None:
    answers = {
        "good": "Ban Tuyên giáo Tỉnh ủy chủ trì hội nghị [1]. Có 250 đại biểu tham dự [1].",
        "mixed": "Ban Tuyên giáo Tỉnh ủy chủ trì hội nghị [1]. Hội nghị diễn ra ở Hà Nội. "
                 "Có 250 đại biểu [2].",  # no marker; a marker naming no shown citation
        "empty": "",
    }
    quotes = {"good": {1: QUOTE}, "mixed": {1: QUOTE}}
    (score, per_item), (sentences, unsupported) = m.unsupported_sentences(answers, quotes)
    assert per_item == {"good": 0.0, "mixed": pytest.approx(2 / 3)}
    assert score == pytest.approx(1 / 3)
    assert (sentences, unsupported) == (5, 2)


def test_restrict_keeps_only_the_given_items() -> None:
    assert m.restrict((0.5, {"a": 1.0, "b": 0.0, "c": 0.5}), ["a", "c", "z"]) == (0.75, {"a": 1.0, "c": 0.5})
    assert m.restrict((0.5, {"a": 1.0}), []) == (0.0, {})


def _item(item_id: str) -> EvalItem:
    return EvalItem(id=item_id, question="Ai chủ trì hội nghị?", kind="fact", reference_answer="Ban Tuyên giáo.",
                    gold_docs=["doc-a"], gold_quotes=[QUOTE], must_mention=["Ban Tuyên giáo"])


def _run(answer: str, mode: str, quotes: list[str], refused: bool = False) -> dict[str, Any]:
    citations = [{"n": n, "doc_id": "doc-a", "quote": q} for n, q in enumerate(quotes, start=1)]
    return {"answer": answer, "refused": refused, "mode": mode, "citations": citations,
            "cited": [m.CitedSource(text=q, doc_id="doc-a") for q in quotes]}


def test_answer_metrics_split_precision_by_mode_and_check_only_generated_answers() -> None:
    items = [_item("g1"), _item("g2"), _item("x1"), _item("s1"), _item("r1")]
    other = "Kế hoạch tuyên truyền về chuyển đổi số trong toàn tỉnh năm 2025 của các sở ngành."
    runs = {
        "g1": _run("Ban Tuyên giáo Tỉnh ủy chủ trì hội nghị [1].", "generated", [QUOTE]),
        "g2": _run("Ban Tuyên giáo chủ trì [1]. Hội nghị bàn về kinh tế tư nhân [2].", "generated", [QUOTE, other]),
        "x1": _run(QUOTE, "extractive", [other]),
        "s1": _run("Mục này nói về hội nghị.", "section", [QUOTE]),
        "r1": _run("Không tìm thấy thông tin.", "generated", [], refused=True),
    }
    named, counts = answer_metrics(items, runs)
    scores = dict(named)
    assert scores["citation_precision"][1] == {"g1": 1.0, "g2": 0.5, "x1": 0.0, "s1": 1.0}
    assert scores["citation_precision_generated"] == (0.75, {"g1": 1.0, "g2": 0.5})
    assert scores["citation_precision_extractive"] == (0.0, {"x1": 0.0})
    assert counts["n_citation_precision_generated"] == 2 and counts["n_citation_precision_extractive"] == 1
    assert scores["must_mention"][1] == {"g1": 1.0, "g2": 1.0, "x1": 1.0, "s1": 0.0, "r1": 0.0}
    assert scores["must_mention_quotes"][1] == {"g1": 1.0, "g2": 1.0, "x1": 0.0, "s1": 1.0, "r1": 0.0}
    assert scores["unsupported_sentence_share"][1] == {"g1": 0.0, "g2": 0.5}  # refused and other modes skipped
    assert counts["n_generated_sentences"] == 3
    assert counts["unsupported_sentences_pooled"] == pytest.approx(1 / 3)


def test_answer_metrics_without_modes_or_quotes_add_only_the_old_metrics() -> None:
    items = [_item("a")]
    runs = {"a": {"answer": "Ban Tuyên giáo.", "refused": False, "cited": [m.CitedSource(text=QUOTE)]}}
    named, counts = answer_metrics(items, runs)
    assert [name for name, _ in named] == [
        "must_mention", "citation_precision", "citation_recall", "refusal_accuracy", "false_refusal_rate"]
    assert counts == {}
