"""The retrieval-only eval on the shipped dev set, with a floor (raised as the system improves)."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.harness import run_eval
from rag.config import PROJECT_ROOT
from tests.conftest import make_settings

pytestmark = pytest.mark.integration

BUDGET_RECALL_FLOOR = 0.92
DIRECTIVE_LOOKUP_FLOOR = 0.95


def test_retrieval_eval_meets_floor(corpus_data_dir: Path, tmp_path: Path) -> None:
    result = run_eval(make_settings(corpus_data_dir), dataset=PROJECT_ROOT / "eval/datasets/dev.jsonl",
                      retrieval_only=True, limit=None, compare_baseline=False, out_dir=tmp_path)
    metrics = result["systems"]["product"]["summary"]
    assert metrics["budget_recall@4000"] >= BUDGET_RECALL_FLOOR
    assert metrics["directive_lookup"] >= DIRECTIVE_LOOKUP_FLOOR
