"""Lexical BM25 index (bm25s) over normalised Vietnamese text, persisted under the data dir.

Tokens: diacritics-free syllables, adjacent-syllable bigrams (Vietnamese words are mostly two syllables), and
whole document numbers (`35-nq/tw`). Chroma has no BM25, so this index is ours; it is rebuilt from the catalog
whenever the catalog's generation moves.
"""

from __future__ import annotations

import json
import logging
import math
import os
import shutil
import threading
from collections import Counter
from collections.abc import Sequence
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np

from rag.text import tokens
from rag.types import Chunk

log = logging.getLogger(__name__)


def lexical_terms(text: str) -> list[str]:
    """Unigrams, bigrams of adjacent word tokens, and whole document numbers."""
    toks = tokens(text)
    words = [t for t in toks if "/" not in t and "-" not in t]
    bigrams = [f"{a}_{b}" for a, b in pairwise(words)]
    return toks + bigrams


class LexicalIndex:
    """BM25 over the live chunks; `search` returns (chunk_id, score)."""

    def __init__(self, directory: Path) -> None:
        self._dir = directory
        self._lock = threading.Lock()
        self._generation = -1
        self._retriever: Any = None
        self._ids: list[str] = []
        self._df: Counter[str] = Counter()
        self._n = 0

    def ensure(self, generation: int, chunks_loader: Any, expected_ids: Sequence[str] | None = None) -> None:
        """Load the persisted index for this generation, or rebuild it from `chunks_loader()`.

        `expected_ids` (the live chunk ids, in order) guards against a persisted index of the same generation
        number and other content: a data dir reused with another database, or shared by replicas."""
        with self._lock:
            if generation == self._generation and self._retriever is not None:
                return
            path = self._dir / f"g{generation}"
            if not self._load(path) or (expected_ids is not None and self._ids != list(expected_ids)):
                self._build(chunks_loader(), path)
            self._generation = generation

    def _load(self, path: Path) -> bool:
        import bm25s

        meta_file = path / "planbot.json"
        if not meta_file.exists():
            return False
        try:
            meta = json.loads(meta_file.read_text(encoding="utf-8"))
            self._ids = list(meta["ids"])
            self._df = Counter(meta["df"])
            self._n = int(meta["n"])
            self._retriever = bm25s.BM25.load(str(path), show_progress=False) if self._ids else None
        except (OSError, ValueError, KeyError) as exc:
            log.warning("lexical index at %s unreadable (%s); rebuilding", path, exc)
            return False
        return True

    def _build(self, chunks: Sequence[Chunk], path: Path) -> None:
        import bm25s

        corpus = [lexical_terms(c.index_text()) for c in chunks]
        self._ids = [c.chunk_id for c in chunks]
        self._n = len(chunks)
        self._df = Counter()
        for terms in corpus:
            self._df.update(set(terms))
        self._retriever = None
        tmp = path.with_name(f"{path.name}.tmp{os.getpid()}-{threading.get_ident()}")  # replicas share the dir
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True, exist_ok=True)
        if corpus:
            retriever = bm25s.BM25()
            retriever.index(corpus, show_progress=False)
            retriever.save(str(tmp), show_progress=False)
            self._retriever = retriever
        (tmp / "planbot.json").write_text(
            json.dumps({"ids": self._ids, "df": dict(self._df), "n": self._n}, ensure_ascii=False),
            encoding="utf-8",
        )
        shutil.rmtree(path, ignore_errors=True)
        try:
            tmp.rename(path)
        except OSError:  # another replica sharing the data dir renamed its build first: ours is in memory
            shutil.rmtree(tmp, ignore_errors=True)
        for old in self._dir.glob("g*"):
            if old != path and ".tmp" not in old.name:
                shutil.rmtree(old, ignore_errors=True)

    def idf(self, term: str) -> float:
        """Smoothed inverse document frequency (high for terms absent from the corpus)."""
        df = self._df.get(term, 0)
        return math.log(1 + (self._n - df + 0.5) / (df + 0.5))

    def doc_freq(self, term: str) -> int:
        return self._df.get(term, 0)

    @property
    def size(self) -> int:
        return self._n

    def search(self, query: str, k: int, allowed: set[str] | None = None) -> list[tuple[str, float]]:
        """Top-k chunk ids by BM25, optionally restricted to `allowed` chunk ids."""
        if self._retriever is None or not self._ids:
            return []
        terms = lexical_terms(query)
        if not terms:
            return []
        mask = None
        if allowed is not None:
            mask = np.array([1 if cid in allowed else 0 for cid in self._ids], dtype=np.float32)
            if not mask.any():
                return []
        k = min(k, len(self._ids))
        docs, scores = self._retriever.retrieve([terms], k=k, show_progress=False, weight_mask=mask)
        out = []
        for idx, score in zip(docs[0], scores[0], strict=False):
            if score > 0:
                out.append((self._ids[int(idx)], float(score)))
        return out
