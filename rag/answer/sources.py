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
                 sentences: int = 3) -> list[Source]:
    """Quote the best sentences of each chunk, within a character budget for the prompt."""
    sources: list[Source] = []
    per_source = max(300, budget // max(1, len(chunks)))
    used = 0
    for chunk, score in chunks:
        if used >= budget:
            break
        body = strip_injections(chunk.text).strip()  # planted instructions are never quoted nor prompted
        if not body:
            continue
        if len(body) <= per_source and sentences >= 3:
            quote = body
        else:
            window = best_window(words, body, stats, max_chars=per_source, max_sentences=sentences)
            quote = window.text if window else body[:per_source]
        if not quote:
            continue
        sources.append(Source(chunk, quote, score))
        used += len(quote)
    return sources
