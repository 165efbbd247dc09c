"""Real-corpus benchmark: the shipped plans plus the 43 real 2025 documents, in a fresh data dir.

Measures, on this machine:
- ingest: `corpus/` + `../shared/corpus-extra/docs` into a new data dir (seconds, documents, sections, chunks);
  cold (new embedding cache: every chunk embedded) unless `--embed-cache` reuses a cache, which measures
  parsing, indexing and the BM25 snapshot only (the results say which);
- the warm rerun of the same ingest (every file unchanged);
- retrieval: `Assistant.search(query, top_k=10)` over the extra set's questions (follow-ups: last user turn +
  question, as the evaluation searches), after one warm-up query: p50 / p95 / mean / max seconds;
- peak RSS (`ru_maxrss`) of the process after ingest and searches (no model loaded): index, embedder, BM25.

Writes eval/results/<YYYY-MM-DD>-bench-real.json. The data dir is a temporary one, removed afterwards, unless
`--data-dir` names one to keep (it must be empty or absent, so the ingest stays fresh).

`python -m eval.realbench [--extra-dir PATH] [--embed-cache PATH] [--data-dir PATH]`, or
`planbot bench --real-corpus`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from eval.bench import DEFAULT_OUT_DIR, peak_rss_mb, summarize
from eval.dataset import load_dataset
from eval.harness import retrieval_query
from eval.runparts import ingest_all
from eval.sets import get_set
from rag.config import Settings

TOP_K = 10


def bench_queries(dataset: Path) -> list[str]:
    """The search query of every item of a dataset (as the evaluation searches it)."""
    return [retrieval_query(item) for item in load_dataset(dataset)]


def run_real_bench(
    settings: Settings,
    *,
    extra_dir: Path | None = None,
    embed_cache: Path | None = None,
    data_dir: Path | None = None,
    out_dir: Path = DEFAULT_OUT_DIR,
    write: bool = True,
) -> dict[str, Any]:
    """Ingest corpus/ + the extra documents into a fresh data dir and measure (see the module docstring).

    Raises eval.sets.MissingCorpus when the extra documents are missing, ValueError when `data_dir` is not
    empty.
    """
    from rag.assistant import Assistant

    spec = get_set("extra", settings.corpus_dir, extra_dir)
    if data_dir is not None and data_dir.exists() and any(data_dir.iterdir()):
        raise ValueError(f"{data_dir} is not empty: the real-corpus benchmark needs a fresh data dir")
    work = Path(tempfile.mkdtemp(prefix="planbot-realbench-")) if data_dir is None else data_dir
    work.mkdir(parents=True, exist_ok=True)
    bench_settings = settings.model_copy(update={
        "data_dir": work, "chroma_url": None, "embed_cache_path": embed_cache,
    })
    queries = bench_queries(spec.dataset)
    results: dict[str, Any] = {
        "date": date.today().isoformat(),
        "machine": {"cpus": os.cpu_count(), "load_avg_start": list(os.getloadavg())},
        "corpus": [str(p) for p in spec.corpus],
        "embedding_cache": "reused" if embed_cache is not None else "cold (new cache)",
        "queries": len(queries),
    }
    try:
        assistant = Assistant(bench_settings)
        started = time.perf_counter()
        report, failures = ingest_all(assistant, list(spec.corpus))
        results["ingest"] = {
            "seconds": round(time.perf_counter() - started, 2), "documents": report.documents,
            "sections": report.sections, "chunks": report.chunks, "skipped": list(report.skipped),
            "failed": failures,
        }
        started = time.perf_counter()
        ingest_all(assistant, list(spec.corpus))
        results["ingest_warm_rerun_s"] = round(time.perf_counter() - started, 2)
        assistant.search(queries[0], top_k=TOP_K)  # warm-up: loads the embedder and the snapshot
        samples = []
        for query in queries:
            started = time.perf_counter()
            assistant.search(query, top_k=TOP_K)
            samples.append(time.perf_counter() - started)
        results["search_s"] = summarize(samples)
        results["peak_rss_mb"] = peak_rss_mb()
        results["machine"]["load_avg_end"] = list(os.getloadavg())
    finally:
        if data_dir is None:
            shutil.rmtree(work, ignore_errors=True)
    if write:
        out_dir.mkdir(parents=True, exist_ok=True)
        path = out_dir / f"{results['date']}-bench-real.json"
        import json

        path.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
        results["path"] = str(path)
    return results


def print_real_bench(results: dict[str, Any]) -> None:
    """The measurements as a table (rich)."""
    from rich.console import Console
    from rich.table import Table

    ingest, search = results["ingest"], results["search_s"]
    table = Table(title=f"Real-corpus benchmark ({results['date']}, {results['machine']['cpus']} CPUs)")
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_row(f"ingest, embedding cache {results['embedding_cache']} (s)", f"{ingest['seconds']:.1f}")
    table.add_row("documents / sections / chunks", f"{ingest['documents']} / {ingest['sections']} / {ingest['chunks']}")
    table.add_row("ingest again, all unchanged (s)", f"{results['ingest_warm_rerun_s']:.1f}")
    table.add_row(f"search p50 / p95 over {search['n']} extra questions (ms)",
                  f"{search['p50'] * 1000:.0f} / {search['p95'] * 1000:.0f}")
    table.add_row("search mean / max (ms)", f"{search['mean'] * 1000:.0f} / {search['max'] * 1000:.0f}")
    table.add_row("peak RSS (MB)", f"{results['peak_rss_mb']:.0f}")
    Console().print(table)
    for failure in ingest.get("failed", []):
        Console().print(f"not ingested (product error): {failure}")
    if "path" in results:
        Console().print(f"results: {results['path']}")


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: python -m eval.realbench [--extra-dir PATH] [--embed-cache PATH] [--data-dir PATH]."""
    from eval.sets import MissingCorpus

    parser = argparse.ArgumentParser(description="Benchmark ingest and retrieval on the real corpus.")
    parser.add_argument("--extra-dir", type=Path, default=None)
    parser.add_argument("--embed-cache", type=Path, default=None)
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT_DIR)
    args = parser.parse_args(argv)
    try:
        results = run_real_bench(Settings(), extra_dir=args.extra_dir, embed_cache=args.embed_cache,
                                 data_dir=args.data_dir, out_dir=args.out_dir)
    except (MissingCorpus, ValueError) as exc:
        print(f"Lỗi: {exc}")
        return 1
    print_real_bench(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
