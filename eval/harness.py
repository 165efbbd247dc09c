"""Run the evaluation: the product (rag.assistant.Assistant) and optionally the naive baseline on the dataset.

`run_eval` ingests the corpus, searches (and, unless retrieval-only, answers) every question, computes the
metrics of eval/metrics.py, writes eval/results/<YYYY-MM-DD>-<config>.json and returns the same dict.

Retrieval query per item: the question; for follow-ups, the Answer's `standalone_question` when the product
gave one (full mode), else the last user turn of the history followed by the question. The baseline always
searches the question alone (that is what the naive pipeline does).

Cited-source text for the citation metrics: the citation's quote when it has at least 30 characters, else the
full text of the cited section (`Assistant.get_section_text`). The baseline's cited sources are the chunks it
put into its prompt.

`python -m eval.harness [--retrieval-only] [--limit N] [--compare-baseline]` runs it from the shell.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import statistics
import time
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from eval import metrics as m
from eval.dataset import DEFAULT_DATASET, EvalItem, load_dataset
from rag.config import PROJECT_ROOT, Settings
from rag.types import Answer, ChatTurn, DirectiveRecord, IngestReport, SearchHit

log = logging.getLogger(__name__)

TOP_K = 10
DEFAULT_OUT_DIR = PROJECT_ROOT / "eval" / "results"
# Metrics where lower is better (inverted for "worst items", shown as such in the summary).
LOWER_IS_BETTER = frozenset({
    "false_refusal_rate", "fragment_share", "unsupported_sentence_share", "unsupported_sentences_pooled",
})
# Answer modes whose citation precision is reported on its own (issue #11).
ANSWER_MODES = ("generated", "extractive")
# Restrictions of another metric to a subset of items: summary and by-kind only, not in the per-item scores.
SUMMARY_ONLY = frozenset(f"citation_precision_{mode}" for mode in ANSWER_MODES)
# Diagnostics kept out of the worst-items ranking (so that ranking stays comparable across sessions).
NOT_IN_WORST = frozenset({"must_mention_quotes", "unsupported_sentence_share"})
# The per-kind table's columns.
KIND_COLUMNS = (
    f"budget_recall@{m.BUDGET_CHARS}", "recall@5", "must_mention", "must_mention_quotes", "citation_recall",
    "citation_precision_generated", "unsupported_sentence_share", "false_refusal_rate", "refusal_accuracy",
)
SUMMARY_ORDER = (
    "recall@1", "recall@5", "recall@10", "mrr@10", "budget_recall@4000", "directive_lookup",
    "must_mention", "must_mention_quotes", "citation_precision",
    *(f"{p}citation_precision_{mode}" for mode in ANSWER_MODES for p in ("", "n_")),
    "citation_recall", "refusal_accuracy", "false_refusal_rate", "unsupported_sentence_share",
    "unsupported_sentences_pooled", "n_generated_sentences", "fragment_share",
)


class AssistantLike(Protocol):
    """The part of rag.assistant.Assistant the harness uses."""

    def ingest(self, paths: Sequence[Path]) -> IngestReport: ...

    def search(self, query: str, *, top_k: int | None = None) -> list[SearchHit]: ...

    def ask(self, question: str, history: Sequence[ChatTurn] = ()) -> Answer: ...

    def lookup_directive(self, query: str) -> list[DirectiveRecord]: ...

    def get_section_text(self, doc_id: str, section_id: str) -> str: ...


class BaselineLike(Protocol):
    """The part of eval.baseline.BaselinePipeline the harness uses."""

    def search(self, query: str, top_k: int = 10) -> list[tuple[str, float]]: ...

    def ask(self, question: str, history: Sequence[Mapping[str, str]] = ()) -> tuple[str, list[str]]: ...


def retrieval_query(item: EvalItem, standalone: str | None = None) -> str:
    """What to search for an item: the standalone question if given, else last user turn + question."""
    if standalone:
        return standalone
    users = [turn.content for turn in item.history if turn.role == "user"]
    return f"{users[-1]} {item.question}" if users else item.question


def _found(records: Sequence[Any]) -> list[m.FoundDirective]:
    return [m.FoundDirective(number=r.number, date=r.date, issuer=r.issuer) for r in records]


def _cited_sources(assistant: AssistantLike, answer: Answer) -> list[m.CitedSource]:
    sources: list[m.CitedSource] = []
    for citation in answer.citations:
        text = citation.quote
        if len(m.quote_key(text)) < m.MIN_PARTIAL_QUOTE and citation.section_id:
            try:
                text = assistant.get_section_text(citation.doc_id, citation.section_id)
            except Exception:  # a missing section keeps the (short) quote
                log.debug("no section text for %s/%s", citation.doc_id, citation.section_id)
        sources.append(m.CitedSource(text=text, doc_id=citation.doc_id))
    return sources


def _run_product(assistant: AssistantLike, items: Sequence[EvalItem], retrieval_only: bool) -> dict[str, Any]:
    """Raw outputs of the product for every item."""
    runs: dict[str, Any] = {}
    for item in items:
        run: dict[str, Any] = {}
        answer: Answer | None = None
        if not retrieval_only:
            start = time.perf_counter()
            history = [ChatTurn(role=t.role, content=t.content) for t in item.history]
            answer = assistant.ask(item.question, history)
            run["answer_s"] = time.perf_counter() - start
            run["answer"] = answer.answer
            run["refused"] = answer.refused
            run["mode"] = answer.mode
            run["citations"] = [
                {"n": c.n, "doc_id": c.doc_id, "section_path": c.section_path, "quote": c.quote,
                 "section_id": c.section_id, "product_doc_id": c.doc_id}
                for c in answer.citations
            ]
            run["cited"] = _cited_sources(assistant, answer)
            run["standalone_question"] = answer.standalone_question
        query = retrieval_query(item, answer.standalone_question if answer else None)
        start = time.perf_counter()
        hits = assistant.search(query, top_k=TOP_K)
        run["search_ms"] = (time.perf_counter() - start) * 1000
        run["query"] = query
        run["texts"] = [h.chunk.text for h in hits]
        run["refs"] = [(h.chunk.doc_id, h.chunk.section_id, h.chunk.path_str) for h in hits]
        run["hits"] = [
            {"rank": i, "doc_id": h.chunk.doc_id, "section": h.chunk.path_str, "score": round(h.score, 4)}
            for i, h in enumerate(hits, start=1)
        ]
        if item.directive is not None:
            records: Sequence[Any] = answer.directives if answer is not None and answer.directives else ()
            if not records:
                records = assistant.lookup_directive(item.question)
            run["directives"] = _found(records)
        runs[item.id] = run
    return runs


def _run_baseline(baseline: BaselineLike, items: Sequence[EvalItem], retrieval_only: bool) -> dict[str, Any]:
    """Raw outputs of the baseline for every item."""
    from eval.baseline import looks_refused

    runs: dict[str, Any] = {}
    for item in items:
        start = time.perf_counter()
        hits = baseline.search(item.question, TOP_K)
        run: dict[str, Any] = {
            "search_ms": (time.perf_counter() - start) * 1000,
            "query": item.question,
            "texts": [text for text, _ in hits],
            "hits": [{"rank": i, "score": round(score, 4)} for i, (_, score) in enumerate(hits, start=1)],
        }
        if not retrieval_only:
            start = time.perf_counter()
            text, cited = baseline.ask(item.question, item.history_dicts())
            run.update(answer_s=time.perf_counter() - start, answer=text, refused=looks_refused(text),
                       cited=[m.CitedSource(text=t) for t in cited])
        runs[item.id] = run
    return runs


def answer_metrics(items: Sequence[EvalItem], runs: Mapping[str, Mapping[str, Any]]
                   ) -> tuple[list[tuple[str, m.Score]], dict[str, float]]:
    """The answer-side metrics of raw runs (each with `answer`, `refused`, `cited`; the product's also `mode` and
    `citations` with their quotes): named scores, and summary-only counts (`n_*`) and pooled shares.

    must_mention_quotes: must-mention on the quotes shown (`eval.metrics.quotes_text`), same items as
    must_mention. citation_precision_<mode>: citation precision over the items answered in that mode.
    unsupported_sentence_share: per generated answer, the share of its sentences its cited quotes do not
    support (`eval.metrics.unsupported_sentences`); `unsupported_sentences_pooled` counts over all sentences.
    """
    answers = {i: r["answer"] for i, r in runs.items()}
    cited = {i: r["cited"] for i, r in runs.items()}
    refused = {i: bool(r["refused"]) for i, r in runs.items()}
    answerable = {i.id: i.answerable for i in items}
    must = {i.id: i.must_mention for i in items if i.must_mention}
    docs = {i.id: i.gold_docs for i in items}
    gold = {i.id: i.gold_quotes for i in items if i.gold_quotes}
    named: list[tuple[str, m.Score]] = []
    counts: dict[str, float] = {}
    named.append(("must_mention", m.must_mention_recall(must, answers)))
    shown = {i: r["citations"] for i, r in runs.items() if "citations" in r}
    if shown:
        quotes = {i: m.quotes_text(c.get("quote", "") for c in cs) for i, cs in shown.items()}
        named.append(("must_mention_quotes", m.must_mention_recall(must, quotes)))
    precision = m.citation_precision(gold, cited, must, docs)
    named.append(("citation_precision", precision))
    modes = {i: r["mode"] for i, r in runs.items() if "mode" in r}
    for mode in ANSWER_MODES if modes else ():
        subset = m.restrict(precision, [i for i, mo in modes.items() if mo == mode])
        named.append((f"citation_precision_{mode}", subset))
        counts[f"n_citation_precision_{mode}"] = float(len(subset[1]))
    named.append(("citation_recall", m.citation_recall(gold, cited)))
    named.append(("refusal_accuracy", m.refusal_accuracy(answerable, refused)))
    named.append(("false_refusal_rate", m.false_refusal_rate(answerable, refused)))
    if modes and shown:
        generated = {i: answers[i] for i, mo in modes.items() if mo == "generated" and not refused[i]}
        numbered = {i: {int(c["n"]): c.get("quote", "") for c in shown.get(i, ())} for i in generated}
        share, (n_sentences, n_bad) = m.unsupported_sentences(generated, numbered)
        named.append(("unsupported_sentence_share", share))
        counts["n_generated_sentences"] = float(n_sentences)
        counts["unsupported_sentences_pooled"] = n_bad / n_sentences if n_sentences else 0.0
    return named, counts


def score_runs(items: Sequence[EvalItem], runs: Mapping[str, Mapping[str, Any]], *,
               retrieval_only: bool) -> dict[str, Any]:
    """Metrics of one system's raw outputs: summary, per-kind breakdown, worst items and per-item scores."""
    kinds = {i.id: i.kind for i in items}
    gold = {i.id: i.gold_quotes for i in items if i.gold_quotes}
    retrieved = {i: r["texts"] for i, r in runs.items()}
    named: list[tuple[str, m.PerItem]] = []
    summary: dict[str, float] = {}

    def add(name: str, result: m.Score) -> None:
        summary[name] = result[0]
        named.append((name, result[1]))

    add("recall@1", m.recall_at_k(gold, retrieved, 1))
    add("recall@5", m.recall_at_k(gold, retrieved, 5))
    add("recall@10", m.recall_at_k(gold, retrieved, 10))
    add("mrr@10", m.mrr_at_k(gold, retrieved, 10))
    add(f"budget_recall@{m.BUDGET_CHARS}", m.budget_recall(gold, retrieved))
    expected = {
        i.id: m.FoundDirective(i.directive.number, i.directive.date, i.directive.issuer)
        for i in items if i.directive is not None
    }
    found = {i: r["directives"] for i, r in runs.items() if "directives" in r}
    if found:
        wanted = {k: v for k, v in expected.items() if k in found}
        add("directive_lookup", m.directive_correctness(wanted, found))
    if not retrieval_only:
        answer_named, counts = answer_metrics(items, runs)
        for name, result in answer_named:
            add(name, result)
        summary.update(counts)

    table = m.per_item_table((name, s) for name, s in named if name not in SUMMARY_ONLY)
    inverted = {
        item_id: {k: (1.0 - v if k in LOWER_IS_BETTER else v) for k, v in scores.items() if k not in NOT_IN_WORST}
        for item_id, scores in table.items()
    }
    search_ms = [r["search_ms"] for r in runs.values()]
    timings = {"search_ms_median": statistics.median(search_ms) if search_ms else 0.0}
    answer_s = [r["answer_s"] for r in runs.values() if "answer_s" in r]
    if answer_s:
        timings["answer_s_median"] = statistics.median(answer_s)
        timings["answer_s_max"] = max(answer_s)
    per_item = []
    for item in items:
        run = runs[item.id]
        row: dict[str, Any] = {
            "id": item.id, "kind": item.kind, "question": item.question, "query": run["query"],
            "hits": run["hits"], "scores": table.get(item.id, {}),
        }
        for key in ("answer", "refused", "mode", "citations", "standalone_question"):
            if key in run:
                row[key] = run[key]
        if item.directive is not None and "directives" in run:
            row["directive_fields"] = m.directive_fields(expected[item.id], run["directives"])
        per_item.append(row)
    return {
        "summary": summary,
        "by_kind": {name: m.by_kind(scores, kinds) for name, scores in named},
        "worst": m.worst_items(inverted, 12),
        "timings": timings,
        "items": per_item,
    }


def stratified(items: list[EvalItem], limit: int) -> list[EvalItem]:
    """At most `limit` items, taken round-robin across kinds (so a short run still covers every kind)."""
    by_kind: dict[str, list[EvalItem]] = {}
    for item in items:
        by_kind.setdefault(item.kind, []).append(item)
    out: list[EvalItem] = []
    while len(out) < min(limit, len(items)):
        for group in by_kind.values():
            if group and len(out) < limit:
                out.append(group.pop(0))
    order = {id(item): i for i, item in enumerate(items)}
    return sorted(out, key=lambda item: order[id(item)])


def run_eval(
    settings: Settings,
    *,
    dataset: Path,
    retrieval_only: bool,
    limit: int | None,
    compare_baseline: bool,
    out_dir: Path,
    assistant: AssistantLike | None = None,
    baseline: BaselineLike | None = None,
    write: bool = True,
    corpus_paths: Sequence[Path] | None = None,
    halves: Mapping[str, str | None] | None = None,
    name: str | None = None,
    kinds: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Evaluate the product (and the baseline when asked) on `dataset`; write and return the results.

    `assistant` / `baseline` replace the real ones (tests); `write=False` skips the results file.
    `corpus_paths` (default: the settings' corpus dir) are ingested first; `halves` (item id → hold-out half)
    adds per-half summaries; `name` (the set's name) goes into the results file name; `kinds` keeps only the items
    of those kinds ("list").
    """
    from eval.runparts import by_half, fragment_block, ingest_all, rename_docs, stem_ids

    corpus = list(corpus_paths) if corpus_paths is not None else [settings.corpus_dir]
    items = load_dataset(dataset)
    if kinds:
        items = [item for item in items if item.kind in kinds]
    if limit is not None:
        items = stratified(items, limit)
    started = time.perf_counter()
    if assistant is None:
        from rag.assistant import Assistant

        assistant = Assistant(settings)
    report, ingest_failures = ingest_all(assistant, corpus)
    ingest_s = time.perf_counter() - started

    start = time.perf_counter()
    product_runs = _run_product(assistant, items, retrieval_only)
    elapsed = time.perf_counter() - start
    fragments, share = fragment_block(product_runs, assistant.get_section_text)
    rename_docs(product_runs, stem_ids(corpus))
    systems = {"product": score_runs(items, product_runs, retrieval_only=retrieval_only)}
    systems["product"]["timings"]["total_s"] = elapsed
    systems["product"]["summary"]["fragment_share"] = share[0]
    systems["product"]["fragments"] = fragments
    runs_of: dict[str, Mapping[str, Any]] = {"product": product_runs}

    if compare_baseline:
        if baseline is None:
            from eval.baseline import BaselinePipeline

            pipeline = BaselinePipeline(settings)
            pipeline.build(sorted(p for folder in corpus for p in Path(folder).iterdir()
                                  if p.is_file() and p.suffix.lower() in (".txt", ".md")))
            baseline = pipeline
        start = time.perf_counter()
        baseline_runs = _run_baseline(baseline, items, retrieval_only)
        systems["baseline"] = score_runs(items, baseline_runs, retrieval_only=retrieval_only)
        runs_of["baseline"] = baseline_runs
        systems["baseline"]["timings"]["total_s"] = time.perf_counter() - start
    if halves:
        for system, runs in runs_of.items():
            def score(sub: Sequence[EvalItem], r: Mapping[str, Any] = runs) -> dict[str, Any]:
                return score_runs(sub, r, retrieval_only=retrieval_only)

            systems[system]["halves"] = by_half(items, halves, score)

    config = ("retrieval" if retrieval_only else "full") + ("+baseline" if compare_baseline else "") + (
        "+" + "-".join(kinds) if kinds else "")
    result: dict[str, Any] = {
        "set": name,
        "date": date.today().isoformat(),
        "config": config,
        "dataset": str(dataset),
        "n_items": len(items),
        "settings": {
            key: str(getattr(settings, key))
            for key in ("embed_backend", "embed_model", "llm_backend", "llm_model_package", "llm_ctx",
                        "llm_max_tokens", "top_k", "context_chars", "refusal_min_score")
        },
        "ingest": {"seconds": round(ingest_s, 2), "documents": report.documents, "chunks": report.chunks,
                   "failed": ingest_failures},
        "systems": systems,
    }
    if "baseline" in systems:
        product, base = systems["product"]["summary"], systems["baseline"]["summary"]
        result["diff"] = {k: product[k] - base[k] for k in product if k in base}
    if write:
        out_dir.mkdir(parents=True, exist_ok=True)
        path = out_dir / f"{result['date']}-{name + '-' if name else ''}{config}.json"
        text = json.dumps(result, ensure_ascii=False, indent=1, default=_json_default)
        path.write_text(text, encoding="utf-8")
        result["path"] = str(path)
    return result


def _json_default(value: object) -> object:
    if isinstance(value, m.FoundDirective):
        return {"number": value.number, "date": value.date, "issuer": value.issuer}
    if isinstance(value, m.CitedSource):
        return {"doc_id": value.doc_id, "text": value.text[:300]}
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def cell(key: str, value: float) -> str:
    """A summary value as printed: counts (`n_*`) as integers, scores with three decimals, NaN as a dash."""
    if math.isnan(value):
        return "—"
    return str(int(value)) if key.startswith("n_") else f"{value:.3f}"


def print_summary(result: Mapping[str, Any]) -> None:
    """Print the metrics (product, baseline and difference when present), per-kind and worst items (rich)."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    systems = result["systems"]
    names = [n for n in ("product", "baseline") if n in systems]
    table = Table(title=f"Eval {result['config']} — {result['n_items']} items ({result['date']})")
    table.add_column("metric")
    for name in names:
        table.add_column(name, justify="right")
    if "baseline" in systems:
        table.add_column("Δ", justify="right")
    metrics = [k for k in SUMMARY_ORDER if k in systems["product"]["summary"]]
    for key in metrics:
        label = key + (" (↓)" if key in LOWER_IS_BETTER else "")
        row = [label] + [
            cell(key, systems[n]["summary"][key]) if key in systems[n]["summary"] else "—" for n in names
        ]
        if "baseline" in systems:
            diff = result.get("diff", {}).get(key)
            row.append(f"{diff:+.3f}" if diff is not None else "—")
        table.add_row(*row)
    for timing in ("search_ms_median", "answer_s_median", "total_s"):
        if timing in systems["product"]["timings"]:
            values = [systems[n]["timings"].get(timing) for n in names]
            cells = [f"{v:.1f}" if v is not None else "—" for v in values]
            table.add_row(timing, *cells, *([""] if "baseline" in systems else []))
    console.print(table)

    by_kind = systems["product"]["by_kind"]
    shown = [k for k in KIND_COLUMNS if k in by_kind]
    kinds = sorted({kind for k in shown for kind in by_kind[k]})
    kind_table = Table(title="product by kind")
    kind_table.add_column("kind")
    for key in shown:
        kind_table.add_column(key, justify="right")
    for kind in kinds:
        kind_table.add_row(kind, *[
            f"{by_kind[k][kind]:.2f}" if kind in by_kind[k] else "—" for k in shown
        ])
    console.print(kind_table)

    worst = Table(title="product: worst items")
    worst.add_column("id")
    worst.add_column("mean", justify="right")
    worst.add_column("failed")
    for row in systems["product"]["worst"]:
        worst.add_row(str(row["id"]), f"{row['mean']:.2f}", ", ".join(row["failed"]))
    console.print(worst)
    if "path" in result:
        console.print(f"results: {result['path']}")


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: python -m eval.harness [--retrieval-only] [--limit N] [--compare-baseline]."""
    parser = argparse.ArgumentParser(description="Evaluate the plan assistant on a dataset.")
    parser.add_argument("--dataset", type=Path, default=DEFAULT_DATASET)
    parser.add_argument("--retrieval-only", action="store_true")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--compare-baseline", action="store_true")
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT_DIR)
    args = parser.parse_args(argv)
    result = run_eval(Settings(), dataset=args.dataset, retrieval_only=args.retrieval_only, limit=args.limit,
                      compare_baseline=args.compare_baseline, out_dir=args.out_dir)
    print_summary(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
