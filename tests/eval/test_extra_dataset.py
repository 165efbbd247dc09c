"""The extra set (real 2025 documents, read by path from ../shared/corpus-extra/docs): checker, coverage, split."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from eval.dataset import KINDS, EvalItem, check_dataset, collapse, load_corpus, load_dataset
from eval.sets import (
    DEV_DATASET,
    EXTRA_DATASET,
    HALVES,
    MissingCorpus,
    extra_dir,
    get_set,
    load_split,
    split_problems,
)
from rag.config import PROJECT_ROOT
from rag.text import strip_diacritics

pytestmark = pytest.mark.unit

CORPUS = PROJECT_ROOT / "corpus"
EXTRA = extra_dir()
needs_extra = pytest.mark.skipif(
    not EXTRA.is_dir(), reason=f"the real documents are not at {EXTRA} (../shared/corpus-extra/docs)"
)


@pytest.fixture(scope="module")
def items() -> list[EvalItem]:
    return load_dataset(EXTRA_DATASET)


@pytest.fixture(scope="module")
def extra_texts() -> dict[str, str]:
    if not EXTRA.is_dir():
        pytest.skip(f"the real documents are not at {EXTRA}")
    return load_corpus(EXTRA)


def test_collapse_drops_markup_and_line_breaks() -> None:
    assert collapse("**KẾ HOẠCH**\n\nTRIỂN\nKHAI  thi hành") == "KẾ HOẠCH TRIỂN KHAI thi hành"
    assert collapse("*Hà Nội, ngày 24 tháng 11\nnăm 2025*") == "Hà Nội, ngày 24 tháng 11 năm 2025"


@needs_extra
def test_extra_set_passes_its_checker_over_both_corpora(items: list[EvalItem]) -> None:
    assert check_dataset(items, [CORPUS, EXTRA]) == []


@needs_extra
def test_every_gold_quote_is_a_verbatim_span_of_its_document_once_collapsed(
        items: list[EvalItem], extra_texts: dict[str, str]) -> None:
    missing = [
        (item.id, quote[:50]) for item in items for quote in item.gold_quotes
        if not any(collapse(quote) in collapse(extra_texts[d]) for d in item.gold_docs)
    ]
    assert missing == []
    assert sum(len(i.gold_quotes) for i in items) >= 50


def test_checker_catches_a_quote_that_is_not_in_the_document(items: list[EvalItem], tmp_path: Path) -> None:
    doc = tmp_path / "abc123.md"
    doc.write_text("**I. MỤC ĐÍCH**\nTổ chức tuyên truyền sâu rộng trong\ncán bộ, đảng viên và Nhân dân.\n",
                   encoding="utf-8")
    base = items[0].model_dump()
    good = {**base, "id": "ok", "gold_docs": ["abc123"],
            "gold_quotes": ["Tổ chức tuyên truyền sâu rộng trong cán bộ, đảng viên"]}
    bad = {**good, "id": "bad", "question": "khác?", "gold_quotes": ["Tổ chức tuyên truyền rộng rãi trong cán bộ"]}
    problems = check_dataset([good, bad], [tmp_path])
    assert not any(p.startswith("ok:") and "verbatim" in p for p in problems)
    assert any(p.startswith("bad:") and "verbatim" in p for p in problems)


def test_extra_set_covers_what_the_issue_asks(items: list[EvalItem]) -> None:
    assert len(items) >= 64
    kinds = Counter(i.kind for i in items)
    dev_kinds = {i.kind for i in load_dataset(DEV_DATASET)}
    assert dev_kinds <= set(kinds), dev_kinds - set(kinds)
    assert set(kinds) <= set(KINDS)
    assert kinds["unanswerable"] >= 14
    assert len({d for i in items for d in i.gold_docs}) >= 20
    no_diacritics = [i for i in items if strip_diacritics(i.question) == i.question and " " in i.question]
    assert len(no_diacritics) >= 3
    assert all(i.history for i in items if i.kind == "follow_up") and kinds["follow_up"] >= 5


@needs_extra
def test_gold_documents_include_plans_and_central_party_documents(items: list[EvalItem],
                                                                  extra_texts: dict[str, str]) -> None:
    heads = {d: collapse(extra_texts[d])[:3000] for i in items for d in i.gold_docs}
    assert sum("KẾ HOẠCH" in h for h in heads.values()) >= 12
    for kind in ("KẾT LUẬN", "QUY ĐỊNH", "HƯỚNG DẪN"):
        assert any(kind in h for h in heads.values()), kind


@needs_extra
def test_split_puts_every_document_and_item_in_exactly_one_half(items: list[EvalItem]) -> None:
    split = load_split()
    all_docs = [p.stem for p in EXTRA.glob("*.md")]
    assert split_problems(split, items, all_docs) == []
    halves = Counter(split.assign(items).values())
    assert set(halves) == set(HALVES)
    for half in HALVES:
        assert 0.35 <= halves[half] / len(items) <= 0.65, halves
    unanswerable = Counter(split.half_of(i) for i in items if not i.answerable)
    assert min(unanswerable.values()) >= 5


def test_split_problems_reports_straddling_items_and_unsplit_documents(items: list[EvalItem]) -> None:
    split = load_split()
    cal, rep = sorted(split.docs["calibration"])[0], sorted(split.docs["report"])[0]
    straddling = items[0].model_copy(update={"id": "straddle", "gold_docs": [cal, rep]})
    problems = split_problems(split, [straddling], [*split.docs["calibration"], "not-split"])
    assert any("straddle" in p for p in problems)
    assert any("not-split" in p for p in problems)


def test_missing_extra_folder_is_a_clear_vietnamese_error(tmp_path: Path) -> None:
    with pytest.raises(MissingCorpus, match="Không tìm thấy thư mục tài liệu bổ sung"):
        get_set("extra", CORPUS, tmp_path / "nowhere")
    assert get_set("dev", CORPUS).corpus == (CORPUS,)
    with pytest.raises(ValueError):
        get_set("other", CORPUS)
