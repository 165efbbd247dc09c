"""eval/realbench.py: queries, input errors (unit) and one end-to-end run on a tiny corpus (integration)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.dataset import load_dataset
from eval.realbench import bench_queries, run_real_bench
from eval.sets import EXTRA_DATASET, MissingCorpus
from tests.conftest import make_settings
from tests.eval.test_bench import TINY_PLAN

EXTRA_DOC = """|
**ỦY BAN NHÂN DÂN
**
TỈNH THỬ NGHIỆM
|
Số: 7/KH-UBND
|
*Thử Nghiệm, ngày 18 tháng 11
năm 2025*

**KẾ HOẠCH**

TRIỂN
KHAI THI HÀNH LUẬT VIỆC LÀM

**I. MỤC ĐÍCH, YÊU CẦU**

Xác định lộ trình cụ thể để
bảo đảm từ ngày 01 tháng 01 năm 2026, Luật Việc làm được thực hiện thống nhất.
"""


@pytest.mark.unit
def test_bench_queries_are_the_extra_questions_as_the_evaluation_searches_them() -> None:
    items = load_dataset(EXTRA_DATASET)
    queries = bench_queries(EXTRA_DATASET)
    assert len(queries) == len(items)
    follow_up = next(n for n, i in enumerate(items) if i.history)
    assert queries[follow_up].startswith(items[follow_up].history[0].content)


@pytest.mark.unit
def test_missing_documents_or_a_used_data_dir_are_refused_before_any_work(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data")
    with pytest.raises(MissingCorpus):
        run_real_bench(settings, extra_dir=tmp_path / "nowhere", write=False)
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "abc.md").write_text(EXTRA_DOC, encoding="utf-8")
    used = tmp_path / "used"
    used.mkdir()
    (used / "catalog.sqlite3").write_text("", encoding="utf-8")
    with pytest.raises(ValueError, match="not empty"):
        run_real_bench(settings, extra_dir=extra, data_dir=used, write=False)


@pytest.mark.integration
def test_real_bench_ingests_both_folders_into_a_fresh_dir_and_times_searches(tmp_path: Path) -> None:
    corpus, extra = tmp_path / "corpus", tmp_path / "extra"
    corpus.mkdir()
    extra.mkdir()
    (corpus / "thu-nghiem_mttq_ke-hoach-12_2024.txt").write_text(TINY_PLAN, encoding="utf-8")
    (extra / "0123456789abcdef.md").write_text(EXTRA_DOC, encoding="utf-8")
    settings = make_settings(tmp_path / "data").model_copy(update={"corpus_dir": corpus})
    kept = tmp_path / "bench-data"
    results = run_real_bench(settings, extra_dir=extra, data_dir=kept, out_dir=tmp_path / "out",
                             embed_cache=tmp_path / "cache.sqlite3")
    assert results["ingest"]["documents"] == 2 and results["ingest"]["chunks"] > 0
    assert results["search_s"]["n"] == len(load_dataset(EXTRA_DATASET))
    assert results["search_s"]["p95"] >= results["search_s"]["p50"] > 0
    assert results["peak_rss_mb"] > 0 and results["embedding_cache"] == "reused"
    assert (kept / "catalog.sqlite3").exists() or any(kept.iterdir())
    assert json.loads(Path(results["path"]).read_text(encoding="utf-8"))["ingest"] == results["ingest"]
