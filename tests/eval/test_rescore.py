"""Rescoring saved full runs: a run written by run_eval rescores to the same figures; hand-made files show what is
recomputed, what is carried, per kind, per half, and what changed; bad files give a Vietnamese message."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from eval import rescore as r
from eval.dataset import DEFAULT_DATASET, EvalItem, load_dataset
from eval.harness import run_eval
from rag.config import PROJECT_ROOT, Settings
from tests.eval.conftest import OracleAssistant

pytestmark = pytest.mark.unit

QUOTE = "Ban Tuyên giáo Tỉnh ủy chủ trì tổ chức Hội nghị báo cáo viên với 250 đại biểu tham dự."
OTHER = "Kế hoạch tuyên truyền về chuyển đổi số trong toàn tỉnh năm 2025 của các sở, ban, ngành."


def test_a_written_run_rescores_to_its_own_figures(tmp_path: Path, dev_items: list[EvalItem]) -> None:
    settings = Settings(data_dir=tmp_path / "data", corpus_dir=PROJECT_ROOT / "corpus", _env_file=None)  # type: ignore[call-arg]
    result = run_eval(settings, dataset=DEFAULT_DATASET, retrieval_only=False, limit=30, compare_baseline=False,
                      out_dir=tmp_path / "results", assistant=OracleAssistant(dev_items))
    saved = json.loads(Path(result["path"]).read_text(encoding="utf-8"))
    scored = r.rescore(saved)
    live = result["systems"]["product"]
    assert scored["n_items"] == 30 and scored["changed"] == {}
    assert {"must_mention_quotes", "citation_precision_generated", "unsupported_sentence_share"} <= set(live["summary"])
    for key, value in live["summary"].items():
        assert scored["summary"][key] == pytest.approx(value), key
    for key in ("must_mention", "must_mention_quotes", "citation_precision_generated", "recall@5"):
        assert scored["by_kind"][key] == pytest.approx(live["by_kind"][key]), key
    assert "halves" not in scored


def _dataset(tmp_path: Path) -> Path:
    rows = [
        {"id": "f1", "question": "Ai chủ trì?", "kind": "fact", "gold_docs": ["doc-a"], "gold_quotes": [QUOTE],
         "reference_answer": "Ban Tuyên giáo.", "must_mention": ["Ban Tuyên giáo"]},
        {"id": "l1", "question": "Những ai dự?", "kind": "list", "gold_docs": ["doc-b"], "gold_quotes": [OTHER],
         "reference_answer": "Các sở.", "must_mention": ["chuyển đổi số"]},
        {"id": "u1", "question": "Ngân sách bao nhiêu?", "kind": "unanswerable", "reference_answer": "Không có."},
    ]
    path = tmp_path / "mini.jsonl"
    path.write_text("\n".join(json.dumps(row, ensure_ascii=False) for row in rows), encoding="utf-8")
    return path


def _row(item_id: str, kind: str, answer: str, mode: str, quotes: list[str], scores: dict[str, float],
         refused: bool = False) -> dict[str, Any]:
    doc = "doc-a" if item_id == "f1" else "doc-b"
    return {"id": item_id, "kind": kind, "answer": answer, "refused": refused, "mode": mode, "scores": scores,
            "citations": [{"n": n, "doc_id": doc, "quote": q} for n, q in enumerate(quotes, start=1)]}


def _result(dataset: Path, name: str = "extra") -> dict[str, Any]:
    rows = [
        _row("f1", "fact", "Ban Tuyên giáo Tỉnh ủy chủ trì hội nghị [1]. Hội nghị ở Hà Nội [1].", "generated",
             [QUOTE], {"recall@5": 1.0, "must_mention": 1.0, "citation_precision": 0.0}),
        _row("l1", "list", OTHER, "extractive", [OTHER], {"recall@5": 0.0, "must_mention": 1.0}),
        _row("u1", "unanswerable", "Không tìm thấy thông tin.", "refused", [], {}, refused=True),
    ]
    return {"set": name, "dataset": str(dataset), "n_items": 3,
            "systems": {"product": {"summary": {"fragment_share": 0.25}, "items": rows}}}


def test_answer_metrics_are_recomputed_retrieval_carried_and_differences_listed(tmp_path: Path) -> None:
    split = tmp_path / "split.json"
    split.write_text(json.dumps({"calibration": ["doc-a"], "report": ["doc-b"], "unanswerable": {"u1": "report"}}))
    scored = r.rescore(_result(_dataset(tmp_path)), split=split)
    summary = scored["summary"]
    assert summary["recall@5"] == 0.5  # carried from the saved per-item scores
    assert summary["fragment_share"] == 0.25
    assert summary["must_mention"] == 1.0 and summary["must_mention_quotes"] == 1.0
    assert summary["citation_precision_generated"] == 1.0 and summary["n_citation_precision_generated"] == 1
    assert summary["unsupported_sentence_share"] == 0.5  # 'ở Hà Nội' is not in the quote
    assert summary["refusal_accuracy"] == 1.0
    assert scored["by_kind"]["recall@5"] == {"fact": 1.0, "list": 0.0}
    assert scored["changed"]["citation_precision"] == ["f1", "l1"]  # saved 0.0 / not saved; recomputed 1.0
    assert "must_mention" not in scored["changed"]
    halves = scored["halves"]
    assert halves["calibration"]["n_items"] == 1 and halves["report"]["n_items"] == 2
    assert halves["calibration"]["unsupported_sentence_share"] == 0.5
    assert halves["report"]["refusal_accuracy"] == 1.0


def test_cli_prints_tables_and_writes_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "dev-full.json"
    path.write_text(json.dumps(_result(_dataset(tmp_path), name="dev"), ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "rescored.json"
    assert r.main([str(path), "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "must_mention_quotes" in printed and "by kind" in printed and "unanswerable" in printed
    assert "calibration" not in printed
    written = json.loads(out.read_text(encoding="utf-8"))
    assert written[str(path)]["summary"]["must_mention"] == 1.0


def test_dataset_path_falls_back_to_this_checkout(tmp_path: Path) -> None:
    assert r.dataset_path(str(tmp_path / "elsewhere" / "dev.jsonl")) == DEFAULT_DATASET
    assert len(load_dataset(r.dataset_path(str(DEFAULT_DATASET)))) > 0


@pytest.mark.parametrize("content", [
    "không phải json",
    json.dumps({"set": "dev"}),
    json.dumps({"dataset": "/nowhere/none.jsonl", "systems": {"product": {"items": []}}}),
])
def test_bad_files_give_a_vietnamese_message(tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str
                                             ) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    assert r.main([str(path)]) == 1
    assert capsys.readouterr().out.startswith("Lỗi")


def test_retrieval_only_and_foreign_items_are_refused(tmp_path: Path) -> None:
    dataset = _dataset(tmp_path)
    result = _result(dataset)
    del result["systems"]["product"]["items"][0]["answer"]
    with pytest.raises(r.RescoreError, match="không có câu trả lời"):
        r.rescore(result)
    result = _result(dataset)
    result["systems"]["product"]["items"][0]["id"] = "zz-9"
    with pytest.raises(r.RescoreError, match="không có trong bộ câu hỏi"):
        r.rescore(result)
    assert r.main([str(tmp_path / "missing.json")]) == 1
