"""The shipped dev dataset passes its checker and covers what the issue asks for; bad items are caught."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from eval.dataset import DEFAULT_DATASET, EvalItem, check_dataset, load_dataset
from rag.config import PROJECT_ROOT
from rag.text import strip_diacritics

CORPUS = PROJECT_ROOT / "corpus"
LC = "lai-chau_ldld_ke-hoach-464-tuyen-truyen-xay-dung-dang_2023"
ST = "soc-trang_mttq_ke-hoach-374-tuyen-truyen-va-de-cuong_2023"

pytestmark = pytest.mark.unit


def good_item(**overrides: Any) -> dict[str, Any]:
    """A valid item (checked below); tests break one thing at a time."""
    item: dict[str, Any] = {
        "id": "t-01",
        "question": "Kế hoạch 464 ký ngày nào?",
        "history": [],
        "kind": "metadata",
        "gold_docs": [LC],
        "gold_sections": ["phần đầu"],
        "gold_quotes": ["Lai Châu, ngày 10 tháng 7 năm 2023"],
        "reference_answer": "Kế hoạch 464/KH-LĐLĐ ký ngày 10/7/2023.",
        "must_mention": ["10/7/2023", "464/KH-LĐLĐ"],
        "directive": None,
    }
    item.update(overrides)
    return item


def test_shipped_dataset_has_no_problems(dev_items: list[EvalItem]) -> None:
    assert check_dataset(dev_items, CORPUS) == []


def test_shipped_dataset_size_and_mix(dev_items: list[EvalItem]) -> None:
    kinds: Counter[str] = Counter(i.kind for i in dev_items)
    assert len(dev_items) >= 80
    assert kinds["unanswerable"] >= 10
    for kind, minimum in {"fact": 15, "list": 6, "cross_plan": 6, "directive": 6, "directive_lookup": 5,
                          "metadata": 8, "paraphrase": 5, "follow_up": 5}.items():
        assert kinds[kind] >= minimum, kind


def test_shipped_dataset_covers_every_document_annex_and_signature_blocks(dev_items: list[EvalItem]) -> None:
    corpus_ids = {p.stem for p in CORPUS.glob("*.txt")}
    covered = {d for i in dev_items for d in i.gold_docs}
    assert covered == corpus_ids
    st_text = (CORPUS / f"{ST}.txt").read_text(encoding="utf-8")
    annex_start = st_text.index("ĐỀ CƯƠNG")
    annex_quotes = [q for i in dev_items if ST in i.gold_docs for q in i.gold_quotes
                    if st_text.find(q) > annex_start]
    assert len(annex_quotes) >= 5
    sections = [s for i in dev_items for s in i.gold_sections]
    assert sum("Nơi nhận" in s for s in sections) >= 3
    assert sum("chữ ký" in s for s in sections) >= 3


def test_shipped_dataset_has_questions_typed_without_diacritics(dev_items: list[EvalItem]) -> None:
    bare = [i for i in dev_items if strip_diacritics(i.question) == i.question]
    assert len(bare) / len(dev_items) >= 0.1


def test_directive_items_carry_iso_dates(dev_items: list[EvalItem]) -> None:
    directive_items = [i for i in dev_items if i.kind in ("directive", "directive_lookup")]
    assert directive_items
    assert all(i.directive is not None and i.directive.number for i in directive_items)


def test_good_item_passes() -> None:
    assert check_dataset([good_item()], CORPUS) == []


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"gold_quotes": ["Lai Châu, ngày 11 tháng 7 năm 2023"]}, "not verbatim"),
        ({"gold_quotes": ["Lai Chau, ngay 10 thang 7 nam 2023"]}, "not verbatim"),
        ({"gold_quotes": ["ngày 10 tháng 7"]}, "quote length"),
        ({"kind": "question"}, "schema"),
        ({"gold_docs": ["no-such-doc"]}, "not in the corpus"),
        ({"kind": "unanswerable"}, "unanswerable items have no"),
        ({"kind": "follow_up"}, "follow_up needs a history"),
        ({"history": [{"role": "user", "content": "Xin chào"}]}, "only follow_up items"),
        ({"kind": "directive"}, "directive is required"),
        ({"must_mention": ["10/7/2023"]}, "2-6 must_mention"),
        ({"must_mention": ["10/7/2023", "Phó Chủ tịch"]}, "not in the reference answer"),
        ({"gold_quotes": []}, "1-3 gold_quotes"),
    ],
)
def test_bad_item_is_caught(overrides: dict[str, Any], expected: str) -> None:
    problems = check_dataset([good_item(**overrides)], CORPUS)
    assert any(expected in p for p in problems), problems


def test_quote_found_in_a_non_gold_document_is_reported() -> None:
    shared = "bảo vệ nền tảng tư tưởng của Đảng theo tinh thần Nghị quyết số 35-NQ/TW"
    khanh_hoa = "khanh-hoa_mttq_ke-hoach-tuyen-truyen-xay-dung-dang_2023"
    item = good_item(gold_docs=[khanh_hoa], gold_quotes=[shared], kind="fact")
    problems = check_dataset([item], CORPUS)
    assert any("non-gold doc" in p and "hoa-binh" in p for p in problems), problems


def test_wrong_directive_date_is_reported() -> None:
    item = good_item(
        kind="directive_lookup", question="KL 21",
        gold_quotes=["Kết luận số 21-KL/TW, ngày 25/10/2021 của Ban Chấp hành Trung ương"],
        reference_answer="Kết luận 21-KL/TW ngày 25/10/2021.", must_mention=["21-KL/TW", "25/10/2021"],
        directive={"number": "21-KL/TW", "date": "2021-10-26", "issuer": "Ban Chấp hành Trung ương"},
    )
    problems = check_dataset([item], CORPUS)
    assert any("directive date 2021-10-26" in p for p in problems), problems


def test_duplicate_ids_are_reported() -> None:
    other = good_item(question="Ngày ký của kế hoạch 464 là ngày nào?")
    problems = check_dataset([good_item(), other], CORPUS)
    assert any("duplicate id" in p for p in problems), problems


def test_load_dataset_names_the_bad_line(tmp_path: Any) -> None:
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps(good_item(), ensure_ascii=False) + "\n{not json}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"d\.jsonl:2"):
        load_dataset(path)


def test_shipped_file_loads_as_eval_items() -> None:
    items = load_dataset(DEFAULT_DATASET)
    assert all(isinstance(i, EvalItem) for i in items)
    assert len({i.id for i in items}) == len(items)
