"""Parts of an evaluation run beyond the core metrics: the fragment units of the product's results, the mapping of
the product's document ids to the dataset's (file stems), and scores per hold-out half.

Fragment units of one item (see `eval.metrics` for when a unit is a fragment):
- search: each top hit's chunk text (source: its section's text) and section path label;
- ask (full mode): each citation's quote (source: the cited section's text) and section path label, and each
  sentence of the answer text (no source: judged on its own punctuation and case).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from eval import metrics as m
from eval.dataset import CORPUS_SUFFIXES

log = logging.getLogger(__name__)

SectionText = Callable[[str, str], str]


def ingest_all(assistant: Any, paths: Sequence[Path]) -> tuple[Any, list[str]]:
    """`assistant.ingest(paths)`; when that raises (a document the product cannot parse aborts the whole batch),
    ingest file by file, skipping and naming the files that fail, so the evaluation still runs.

    Returns the last ingest report and "file: error" for each file that failed."""
    try:
        return assistant.ingest(paths), []
    except Exception as exc:  # the product's own bug: measured around, reported in the results
        log.warning("ingest of %d paths failed (%s: %s); ingesting file by file", len(paths), type(exc).__name__, exc)
    from rag.ingest import iter_files

    failures: list[str] = []
    report = None
    for path in iter_files(paths):
        try:
            report = assistant.ingest([path])
        except Exception as exc:
            failures.append(f"{path.name}: {type(exc).__name__}: {exc}")
    if report is None:
        raise RuntimeError(f"nothing could be ingested from {[str(p) for p in paths]}: {failures[:3]}")
    return report, failures


def stem_ids(corpus: Iterable[Path]) -> dict[str, str]:
    """The product's doc id (`rag.ingest.doc_id_for` of the file name) → the file stem the datasets use, for
    every corpus file whose two ids differ."""
    from rag.ingest import doc_id_for

    aliases: dict[str, str] = {}
    for folder in corpus:
        if not Path(folder).is_dir():
            continue
        for path in Path(folder).iterdir():
            if path.is_file() and path.suffix.lower() in CORPUS_SUFFIXES and doc_id_for(path.name) != path.stem:
                aliases[doc_id_for(path.name)] = path.stem
    return aliases


def rename_docs(runs: Mapping[str, dict[str, Any]], aliases: Mapping[str, str]) -> None:
    """Rewrite the product's doc ids in raw runs (hits, citations, cited sources) to dataset ids, in place."""
    if not aliases:
        return
    for run in runs.values():
        for row in (*run.get("hits", ()), *run.get("citations", ())):
            if row.get("doc_id") in aliases:
                row["doc_id"] = aliases[row["doc_id"]]
        if "cited" in run:
            run["cited"] = [
                m.CitedSource(text=s.text, doc_id=aliases.get(s.doc_id, s.doc_id) if s.doc_id else None)
                for s in run["cited"]
            ]


def _section(section_text: SectionText, doc_id: str, section_id: str, cache: dict[tuple[str, str], str | None]
             ) -> str | None:
    key = (doc_id, section_id)
    if key not in cache:
        try:
            cache[key] = section_text(doc_id, section_id) if section_id else None
        except Exception:  # a missing section: the unit is judged without its source
            log.debug("no section text for %s/%s", doc_id, section_id)
            cache[key] = None
    return cache[key]


def fragment_units(run: Mapping[str, Any], section_text: SectionText,
                   cache: dict[tuple[str, str], str | None] | None = None) -> list[m.Unit]:
    """The units a user sees in one item's results (raw run of the product, with `refs` of the hits)."""
    cache = {} if cache is None else cache
    units: list[m.Unit] = []
    for text, (doc_id, section_id, label) in zip(run.get("texts", ()), run.get("refs", ()), strict=False):
        units.append(m.Unit("search_text", text, _section(section_text, doc_id, section_id, cache)))
        if label:
            units.append(m.Unit("path_label", label))
    for citation in run.get("citations", ()):
        source = _section(section_text, citation["product_doc_id"], citation.get("section_id", ""), cache)
        if citation.get("quote"):
            units.append(m.Unit("quote", citation["quote"], source))
        if citation.get("section_path"):
            units.append(m.Unit("path_label", citation["section_path"]))
    if run.get("answer") and not run.get("refused"):
        units.extend(m.Unit("answer_sentence", s) for s in m.answer_sentences(run["answer"]))
    return units


def fragment_block(runs: Mapping[str, Mapping[str, Any]], section_text: SectionText) -> tuple[dict[str, Any], m.Score]:
    """Fragment rates by unit kind over all items, and the per-item fragment share."""
    cache: dict[tuple[str, str], str | None] = {}
    units = {item_id: fragment_units(run, section_text, cache) for item_id, run in runs.items()}
    examples = [
        {"id": item_id, "kind": u.kind, "text": u.text[:160]}
        for item_id, us in units.items() for u in us if u.fragment
    ][:20]
    return {"rates": m.fragment_rates(units), "examples": examples}, m.fragment_share(units)


def by_half(items: Sequence[Any], halves: Mapping[str, str | None],
            score: Callable[[Sequence[Any]], dict[str, Any]]) -> dict[str, dict[str, float]]:
    """The summary of `score(items of one half)` for each half that has items."""
    out: dict[str, dict[str, float]] = {}
    for half in sorted({h for h in halves.values() if h}):
        subset = [item for item in items if halves.get(item.id) == half]
        if subset:
            out[half] = {"n_items": float(len(subset)), **score(subset)["summary"]}
    return out
