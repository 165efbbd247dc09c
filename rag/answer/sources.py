"""Numbered evidence: the chunks an answer draws on, each with the sentences of it that are quoted."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

from rag.answer.ports import Corpus
from rag.evidence import CorpusStats, best_window
from rag.injection import strip_injections
from rag.types import SECTION_SEP, Chunk, Citation


@dataclass
class Source:
    """One numbered piece of evidence: a chunk and the sentences of it we quote."""

    chunk: Chunk
    quote: str
    score: float

    def citation(self, n: int) -> Citation:
        return Citation(n=n, doc_id=self.chunk.doc_id, doc_title=self.chunk.doc_title,
                        section_path=SECTION_SEP.join(self.chunk.section_path), quote=self.quote,
                        score=round(self.score, 4), section_id=self.chunk.section_id)


class StatsCache:
    """Corpus word statistics of the retriever's current snapshot, rebuilt when the snapshot changes."""

    def __init__(self, retriever: Corpus) -> None:
        self._retriever = retriever
        self._stats: tuple[int, CorpusStats] | None = None
        self._lock = threading.Lock()

    def __call__(self) -> CorpusStats:
        snap = self._retriever.snapshot()
        with self._lock:
            if self._stats is None or self._stats[0] != snap.generation:
                self._stats = (snap.generation, CorpusStats([c.index_text() for c in snap.chunks.values()]))
            return self._stats[1]


def make_sources(words: Sequence[str], chunks: Sequence[tuple[Chunk, float]], budget: int, stats: CorpusStats,
                 sentences: int = 3, *, max_sources: int = 4, floor: int = 150) -> list[Source]:
    """Quote the best sentences of each chunk, within a character budget for the prompt.

    Each source gets an equal share of the budget, at least `floor` characters. The budget is a hard stop: once
    one source is in, a quote that would pass it is left out (the first source always gets its best sentence,
    however long, so that an answer has something to stand on). Prefill is what the first token waits for, so
    this budget is the first-token lever on a CPU (eval/REPORT.md, "Dense evidence").
    """
    sources: list[Source] = []
    per_source = max(floor, budget // max(1, min(len(chunks), max_sources)))
    used = 0
    for chunk, score in chunks:
        room = budget - used
        if len(sources) >= max_sources or (sources and room < floor):
            break
        cap = per_source if not sources else min(per_source, room)
        body = strip_injections(chunk.text).strip()  # planted instructions are never quoted nor prompted
        if not body:
            continue
        if len(body) <= cap and sentences >= 3:
            quote = body
        else:
            window = best_window(words, body, stats, max_chars=cap, max_sentences=sentences)
            quote = window.text if window else body[:cap]
        if not quote or (sources and len(quote) > room):
            continue
        sources.append(Source(chunk, quote, score))
        used += len(quote)
    return sources


def prompt_label(source: Source, max_part: int = 60) -> str:
    """The short heading of a source in the prompt: its plan (province or title), the section's top heading and
    its own heading, each cut to `max_part` characters; a heading the quote itself starts with is left out
    (the model reads it in the quote; every token here delays the first token)."""
    chunk = source.chunk
    parts = [chunk.province or chunk.doc_title]
    path = list(chunk.section_path)
    for heading in dict.fromkeys(path[:1] + path[-1:]):  # top and own heading, once
        stem = heading.rstrip("…").strip()
        if stem and not source.quote.startswith(stem[:40]):
            parts.append(heading)
    return SECTION_SEP.join(_cut(p, max_part) for p in parts if p)


def _cut(text: str, limit: int) -> str:
    """`text` cut at a word boundary to at most `limit` characters, marked with an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:…")
    return head + "…"
