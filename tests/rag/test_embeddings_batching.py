"""CachedEmbedder batching and the progress hook (a fake embedder: no model)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from rag.embeddings import CachedEmbedder, embedding_progress

pytestmark = pytest.mark.unit


class CountingEmbedder:
    """Deterministic 2-d vectors; remembers the size of every call."""

    name = "counting-fake"
    dim = 2

    def __init__(self) -> None:
        self.calls: list[int] = []

    def embed_batch(self, texts: Sequence[str], *, is_query: bool = False) -> list[list[float]]:
        self.calls.append(len(texts))
        return [[float(len(t)), 1.0] for t in texts]


def test_missing_passages_are_embedded_in_batches_and_reported(tmp_path: Path) -> None:
    inner = CountingEmbedder()
    cached = CachedEmbedder(inner, tmp_path / "emb.sqlite3", batch_size=4)
    texts = [f"đoạn {i}" * (i + 1) for i in range(10)]
    cached.embed_batch(texts[:3])
    reported: list[int] = []
    cached.on_embedded = reported.append
    inner.calls.clear()
    vectors = cached.embed_batch(texts)
    assert inner.calls == [4, 3]  # 7 missing, batches of 4
    assert reported == [3, 4, 3]  # the 3 cache hits first, then each batch
    assert vectors == [[float(len(t)), 1.0] for t in texts]


def test_progress_bar_counts_every_passage_and_restores_the_hook(tmp_path: Path) -> None:
    cached = CachedEmbedder(CountingEmbedder(), tmp_path / "emb.sqlite3", batch_size=2)
    with embedding_progress(cached, total=5, enabled=True) as bar:
        cached.embed_batch(["a", "bb", "ccc", "dddd", "eeeee"])
        assert bar is not None and bar.n == 5
    assert cached.on_embedded is None
    with embedding_progress(CountingEmbedder(), total=1) as none_bar:  # no hook on a bare embedder
        assert none_bar is None


def test_batch_size_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        CachedEmbedder(CountingEmbedder(), tmp_path / "emb.sqlite3", batch_size=0)
