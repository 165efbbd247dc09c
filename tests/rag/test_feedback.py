"""The feedback store (SQLite), the recent-answers memory and the export to the eval dataset format."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.dataset import load_dataset
from rag.feedback import Feedback, RecentAnswers, SqliteFeedbackStore, eval_candidate, export_jsonl
from rag.types import Answer, ChatTurn, Citation

pytestmark = pytest.mark.unit

CITE = Citation(n=1, doc_id="lai-chau-464", doc_title="Kế hoạch 464", section_path="III. HÌNH THỨC › 3.",
                quote="Tuyên truyền trên cổng thông tin điện tử Công đoàn tỉnh, trang fanpage Công đoàn Lai Châu. " * 4,
                score=0.5, section_id="s3.3")


def _answer(q: str = "Lai Châu tuyên truyền trên kênh nào?", refused: bool = False) -> Answer:
    return Answer(question=q, answer="Trên cổng thông tin điện tử [1].", citations=[] if refused else [CITE],
                  refused=refused, mode="refused" if refused else "generated")


def test_recent_answers_are_bounded() -> None:
    recent = RecentAnswers(capacity=2)
    first = recent.remember(_answer("một"))
    second = recent.remember(_answer("hai"), [ChatTurn(role="user", content="trước")])
    third = recent.remember(_answer("ba"))
    assert recent.get(first) is None
    got = recent.get(second)
    assert got is not None and got.question == "hai" and got.history[0].content == "trước"
    assert recent.get(third) is not None and len(third) == 16


def test_store_round_trip_and_update(tmp_path: Path) -> None:
    store = SqliteFeedbackStore(tmp_path / "fb.sqlite3")
    recent = RecentAnswers()
    a = recent.get(recent.remember(_answer()))
    b = recent.get(recent.remember(_answer("Ai ký?", refused=True)))
    assert a is not None and b is not None
    saved = store.save(Feedback(rating="up", answered=a, channel="telegram", identity="tg:1",
                                doc_versions={"lai-chau-464": "ab" * 32}))
    store.save(Feedback(rating="down", comment="Sai", answered=b))
    assert saved.id is not None and saved.created_at
    again = store.save(Feedback(rating="down", answered=a, doc_versions={"lai-chau-464": "cd" * 32}))
    assert again.id == saved.id and store.count() == 2 and store.count(rating="down") == 2
    items = store.list()  # newest first (by first rating)
    assert [i.answered.question for i in items] == ["Ai ký?", "Lai Châu tuyên truyền trên kênh nào?"]
    assert items[0].comment == "Sai" and items[1].rating == "down"
    assert items[1].doc_versions == {"lai-chau-464": "cd" * 32} and items[1].channel == "telegram"
    reopened = SqliteFeedbackStore(tmp_path / "fb.sqlite3")
    assert reopened.count() == 2 and reopened.list(limit=1, offset=1)[0].answered.question.startswith("Lai Châu")


def test_export_is_valid_eval_jsonl(tmp_path: Path) -> None:
    store = SqliteFeedbackStore(tmp_path / "fb.sqlite3")
    recent = RecentAnswers()
    for rating, answer, comment in (("up", _answer(), None), ("down", _answer("Kinh phí bao nhiêu?"), "Cần số"),
                                    ("down", _answer("Ai ký?", refused=True), None)):
        answered = recent.get(recent.remember(answer))
        assert answered is not None
        store.save(Feedback(rating=rating, comment=comment, answered=answered))  # type: ignore[arg-type]
    out = tmp_path / "cands.jsonl"
    assert export_jsonl(store, out) == 2
    items = load_dataset(out)
    assert {i.question for i in items} == {"Kinh phí bao nhiêu?", "Ai ký?"}
    assert all(i.id.startswith("fb-down-") and not i.gold_quotes for i in items)
    assert any("Cần số" in i.reference_answer for i in items)
    assert export_jsonl(store, out, rating=None) == 3
    good = next(i for i in load_dataset(out) if i.id.startswith("fb-up-"))
    assert good.gold_docs == ["lai-chau-464"] and good.reference_answer.startswith("Trên cổng")
    assert all(len(q) <= 200 for q in good.gold_quotes)
    assert eval_candidate(store.list(rating="up")[0])["kind"] == "fact"
