"""Both evaluation sets side by side: dev (shipped corpus) and extra (real 2025 documents), with the gap.

Each set is evaluated by `eval.harness.run_eval` in its own index so that neither corpus disturbs the other:
dev in the settings' data dir (as before), extra in `<data_dir>/eval-extra` (sharing the embedding cache and
the model file). The extra set is also scored per hold-out half (`eval/datasets/extra_split.json`).

`python -m eval.suite [--set dev|extra|both] [--retrieval-only] [--limit N] [--compare-baseline]
[--extra-dir PATH] [--kinds list,fact]` runs it from the shell; `planbot eval` does the same.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from eval.dataset import load_dataset
from eval.harness import DEFAULT_OUT_DIR, AssistantLike, BaselineLike, cell, print_summary, run_eval
from eval.sets import SET_NAMES, get_set, load_split
from rag.config import Settings

# Metrics whose extra − dev gap is reported (the headline figures first).
GAP_METRICS = (
    "must_mention", "citation_precision", "citation_recall", "recall@5", "budget_recall@4000",
    "refusal_accuracy", "false_refusal_rate", "fragment_share",
)
EXTRA_SUBDIR = "eval-extra"


def settings_for(settings: Settings, name: str, *, need_model: bool) -> Settings:
    """The settings a set runs with: dev as given; extra in its own data dir, same embedding cache and model."""
    if name == "dev":
        return settings
    update: dict[str, Any] = {
        "data_dir": settings.data_dir / EXTRA_SUBDIR,
        "embed_cache_path": settings.embed_cache_path or settings.data_dir / "embeddings.sqlite3",
    }
    if need_model and settings.llm_backend == "llamacpp" and settings.llm_model_path is None:
        from rag.llm.assets import ensure_model

        update["llm_model_path"] = ensure_model(settings)
    return settings.model_copy(update=update)


def gaps(results: Mapping[str, Mapping[str, Any]], system: str = "product") -> dict[str, float]:
    """extra − dev for every metric both sets have, the issue's headline metrics (`GAP_METRICS`) first
    (negative: worse on the real documents; for fragment_share, false_refusal_rate and the unsupported-sentence
    shares positive is worse). Counts (`n_*`) have no gap."""
    if "dev" not in results or "extra" not in results:
        return {}
    dev = results["dev"]["systems"].get(system, {}).get("summary", {})
    extra = results["extra"]["systems"].get(system, {}).get("summary", {})
    keys = [k for k in GAP_METRICS if k in dev] + [k for k in dev if k not in GAP_METRICS]
    return {k: extra[k] - dev[k] for k in keys if k in extra and not k.startswith("n_")}


def run_sets(
    settings: Settings,
    *,
    sets: Sequence[str] = SET_NAMES,
    retrieval_only: bool,
    limit: int | None,
    compare_baseline: bool,
    out_dir: Path = DEFAULT_OUT_DIR,
    extra_dir: Path | None = None,
    assistants: Mapping[str, AssistantLike] | None = None,
    baselines: Mapping[str, BaselineLike] | None = None,
    write: bool = True,
    kinds: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Run each named set; returns {"date", "config", "sets": {name: run_eval result}, "gap", "gap_baseline"}.

    Raises `eval.sets.MissingCorpus` (before any work) when the extra documents are missing.
    `assistants` / `baselines` (per set name) replace the real ones in tests.
    """
    chosen = [get_set(name, settings.corpus_dir, extra_dir) for name in sets]
    results: dict[str, Any] = {}
    for spec in chosen:
        halves = None
        if spec.name == "extra":
            halves = load_split().assign(load_dataset(spec.dataset))
        results[spec.name] = run_eval(
            settings_for(settings, spec.name, need_model=not retrieval_only and not assistants),
            dataset=spec.dataset, retrieval_only=retrieval_only, limit=limit, compare_baseline=compare_baseline,
            out_dir=out_dir, assistant=(assistants or {}).get(spec.name),
            baseline=(baselines or {}).get(spec.name), write=write, corpus_paths=spec.corpus, halves=halves,
            name=spec.name, kinds=kinds,
        )
    config = ("retrieval" if retrieval_only else "full") + ("+baseline" if compare_baseline else "") + (
        "+" + "-".join(kinds) if kinds else "")
    combined: dict[str, Any] = {
        "date": date.today().isoformat(), "config": config, "sets": results, "gap": gaps(results),
    }
    if compare_baseline:
        combined["gap_baseline"] = gaps(results, "baseline")
    if write:
        out_dir.mkdir(parents=True, exist_ok=True)
        path = out_dir / f"{combined['date']}-sets-{config}.json"
        brief = {**combined, "sets": {n: _brief(r) for n, r in results.items()}}
        path.write_text(json.dumps(brief, ensure_ascii=False, indent=1), encoding="utf-8")
        combined["path"] = str(path)
    return combined


def _brief(result: Mapping[str, Any]) -> dict[str, Any]:
    """A set's result without per-item rows (those are in the set's own results file)."""
    systems = {
        name: {k: v for k, v in system.items() if k not in ("items", "worst")}
        for name, system in result["systems"].items()
    }
    return {**{k: v for k, v in result.items() if k != "systems"}, "systems": systems}


def print_sets(combined: Mapping[str, Any]) -> None:
    """Each set's summary (eval.harness.print_summary), then sets side by side with the gap, the extra set's
    halves and the fragment rates."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    results = combined["sets"]
    for name, result in results.items():
        console.rule(f"set: {name}")
        print_summary(result)
        for failure in result.get("ingest", {}).get("failed", []):
            console.print(f"[red]not ingested (product error):[/red] {failure}")
    names = list(results)
    side = Table(title=f"Sets side by side ({combined['config']}) — product")
    side.add_column("metric")
    for name in names:
        side.add_column(f"{name} (n={results[name]['n_items']})", justify="right")
    if combined.get("gap"):
        side.add_column("gap extra−dev", justify="right")
    metrics = [k for k in results[names[0]]["systems"]["product"]["summary"]]
    for key in metrics:
        cells = [cell(key, results[n]["systems"]["product"]["summary"].get(key, float("nan"))) for n in names]
        gap = combined.get("gap", {}).get(key)
        side.add_row(key, *cells, *([f"{gap:+.3f}" if gap is not None else ""] if combined.get("gap") else []))
    console.print(side)
    extra = results.get("extra")
    if extra:
        for system, data in extra["systems"].items():
            halves = data.get("halves") or {}
            if not halves:
                continue
            table = Table(title=f"extra set by hold-out half — {system}")
            table.add_column("metric")
            for half in halves:
                table.add_column(f"{half} (n={int(halves[half]['n_items'])})", justify="right")
            for key in [k for k in next(iter(halves.values())) if k != "n_items"]:
                table.add_row(key, *[cell(key, halves[h].get(key, float("nan"))) for h in halves])
            console.print(table)
    frag = Table(title="fragments (share of units starting or ending inside a word or sentence)")
    frag.add_column("set")
    frag.add_column("unit")
    frag.add_column("n", justify="right")
    frag.add_column("fragments", justify="right")
    frag.add_column("rate", justify="right")
    for name, result in results.items():
        for unit, row in result["systems"]["product"].get("fragments", {}).get("rates", {}).items():
            frag.add_row(name, unit, str(row["n"]), str(row["fragments"]), f"{row['rate']:.3f}")
    console.print(frag)
    if "path" in combined:
        console.print(f"combined results: {combined['path']}")


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: python -m eval.suite [--set dev|extra|both] [--retrieval-only] [--limit N] ..."""
    from eval.sets import MissingCorpus

    parser = argparse.ArgumentParser(description="Evaluate the plan assistant on the dev and extra sets.")
    parser.add_argument("--set", choices=(*SET_NAMES, "both"), default="both")
    parser.add_argument("--retrieval-only", action="store_true")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--compare-baseline", action="store_true")
    parser.add_argument("--extra-dir", type=Path, default=None)
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT_DIR)
    parser.add_argument("--kinds", default=None, help="only items of these kinds, comma-separated (e.g. list)")
    args = parser.parse_args(argv)
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()] if args.kinds else None
    started = time.perf_counter()
    try:
        combined = run_sets(Settings(), sets=SET_NAMES if args.set == "both" else (args.set,),
                            retrieval_only=args.retrieval_only, limit=args.limit,
                            compare_baseline=args.compare_baseline, out_dir=args.out_dir, extra_dir=args.extra_dir,
                            kinds=kinds)
    except MissingCorpus as exc:
        print(f"Lỗi: {exc}")
        return 1
    print_sets(combined)
    print(f"total {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
