"""run_eval end to end with fake assistants whose scores are known (oracle: all 1, blind: all 0)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.dataset import DEFAULT_DATASET, EvalItem
from eval.harness import print_summary, retrieval_query, run_eval
from rag.config import PROJECT_ROOT, Settings
from tests.eval.conftest import BlindAssistant, FixedBaseline, OracleAssistant, standalone

pytestmark = pytest.mark.unit


def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", corpus_dir=PROJECT_ROOT / "corpus", _env_file=None)  # type: ignore[call-arg]


def test_retrieval_query_joins_the_last_user_turn_for_follow_ups(dev_items: list[EvalItem]) -> None:
    follow_up = next(i for i in dev_items if i.kind == "follow_up")
    query = retrieval_query(follow_up)
    assert query.startswith(follow_up.history[0].content) and query.endswith(follow_up.question)
    assert retrieval_query(follow_up, "câu hỏi độc lập") == "câu hỏi độc lập"
    plain = next(i for i in dev_items if i.kind == "fact")
    assert retrieval_query(plain) == plain.question


def test_oracle_scores_one_everywhere_in_full_mode(tmp_path: Path, dev_items: list[EvalItem]) -> None:
    oracle = OracleAssistant(dev_items)
    result = run_eval(settings(tmp_path), dataset=DEFAULT_DATASET, retrieval_only=False, limit=None,
                      compare_baseline=False, out_dir=tmp_path / "results", assistant=oracle)
    summary = result["systems"]["product"]["summary"]
    for key in ("recall@1", "recall@10", "mrr@10", "budget_recall@4000", "must_mention", "citation_precision",
                "citation_recall", "refusal_accuracy", "directive_lookup"):
        assert summary[key] == pytest.approx(1.0), key
    assert summary["false_refusal_rate"] == 0.0
    assert oracle.ingested == [PROJECT_ROOT / "corpus"]
    follow_ups = [i for i in dev_items if i.kind == "follow_up"]
    assert all(standalone(i) in oracle.queries for i in follow_ups)
    assert result["config"] == "full"
    assert Path(result["path"]).name == f"{result['date']}-full.json"
    written = json.loads(Path(result["path"]).read_text(encoding="utf-8"))
    assert written["n_items"] == len(dev_items)


def test_blind_assistant_and_baseline_compared_in_retrieval_mode(tmp_path: Path,
                                                                 dev_items: list[EvalItem]) -> None:
    result = run_eval(settings(tmp_path), dataset=DEFAULT_DATASET, retrieval_only=True, limit=20,
                      compare_baseline=True, out_dir=tmp_path, assistant=BlindAssistant(dev_items),
                      baseline=FixedBaseline())
    assert result["config"] == "retrieval+baseline"
    assert result["n_items"] == 20
    product = result["systems"]["product"]
    assert product["summary"]["recall@10"] == 0.0
    assert product["summary"]["budget_recall@4000"] == 0.0
    assert "must_mention" not in product["summary"]
    assert result["systems"]["baseline"]["summary"]["recall@10"] == 0.0
    assert result["diff"]["recall@10"] == 0.0
    assert len(product["worst"]) > 0
    # a limited run samples every kind (round-robin), not just the first items of the file
    assert set(product["by_kind"]["recall@10"]) == {i.kind for i in dev_items} - {"unanswerable"}


def test_full_mode_with_baseline_refusals_and_diff(tmp_path: Path, dev_items: list[EvalItem]) -> None:
    baseline = FixedBaseline()
    result = run_eval(settings(tmp_path), dataset=DEFAULT_DATASET, retrieval_only=False, limit=None,
                      compare_baseline=True, out_dir=tmp_path, assistant=OracleAssistant(dev_items),
                      baseline=baseline, write=False)
    base = result["systems"]["baseline"]["summary"]
    assert base["refusal_accuracy"] == 1.0  # its canned answer reads as a refusal
    assert base["false_refusal_rate"] == 1.0
    assert result["diff"]["recall@1"] == pytest.approx(1.0)
    assert "path" not in result
    follow_up = next(i for i in dev_items if i.kind == "follow_up")
    asked = dict(baseline.asked)
    assert asked[follow_up.question] == follow_up.history_dicts()


def test_print_summary_renders(tmp_path: Path, dev_items: list[EvalItem],
                               capsys: pytest.CaptureFixture[str]) -> None:
    result = run_eval(settings(tmp_path), dataset=DEFAULT_DATASET, retrieval_only=False, limit=30,
                      compare_baseline=True, out_dir=tmp_path, assistant=OracleAssistant(dev_items),
                      baseline=FixedBaseline())
    print_summary(result)
    out = capsys.readouterr().out
    assert "budget_recall@4000" in out and "baseline" in out and "worst items" in out
