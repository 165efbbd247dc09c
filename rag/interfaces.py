"""Small interfaces for the parts that vary: embedder, vector store, generator."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol, runtime_checkable

from rag.types import Chunk


@runtime_checkable
class Embedder(Protocol):
    """Turns text into unit vectors. Queries and passages are embedded differently (e5 prefixes)."""

    dim: int
    name: str

    def embed_batch(self, texts: Sequence[str], *, is_query: bool = False) -> list[list[float]]:
        """One vector per text."""
        ...


@runtime_checkable
class VectorStore(Protocol):
    """Where chunks and their vectors live (Chroma by default). Ids are versioned per document version."""

    def upsert(self, chunks: Sequence[Chunk], vectors: Sequence[Sequence[float]], version: str = "") -> None:
        """Insert or replace these chunks under `version`."""
        ...

    def delete_document(self, doc_id: str) -> None:
        """Remove every chunk of one document (all versions)."""
        ...

    def delete_ids(self, ids: Sequence[str]) -> None:
        """Remove vectors by store id."""
        ...

    def stale_ids(self, live: dict[str, str], doc_id: str | None = None) -> list[str]:
        """Store ids whose (doc_id, version) is not in `live` (doc_id → live version), of one document or all."""
        ...

    def query(
        self, vector: Sequence[float], k: int, where: dict[str, object] | None = None,
        live: dict[str, str] | None = None,
    ) -> list[tuple[Chunk, float]]:
        """The k nearest chunks with cosine similarity (higher is closer); only live versions when `live` is given."""
        ...

    def chunk_ids(self, doc_id: str | None = None) -> set[str]:
        """Store ids of the stored vectors (of one document, or all)."""
        ...

    def count(self) -> int:
        """Number of stored vectors."""
        ...


@runtime_checkable
class Generator(Protocol):
    """A language model that continues a chat prompt. `stream` yields text deltas.

    Optional lifecycle: a generator that loads lazily also implements `Loads.load` (load now, for warm-up), one
    that holds resources `Closes.close` (free them). Callers test for these protocols instead of looking up names.
    """

    name: str

    def stream(
        self, messages: Sequence[dict[str, str]], *, max_tokens: int, stop: Sequence[str] = ()
    ) -> Iterator[str]:
        """Text deltas of the reply to chat `messages` ([{role, content}]); closing the iterator stops generation."""
        ...


@runtime_checkable
class Loads(Protocol):
    """Optional part of a Generator: loads its model on first use, or now when asked."""

    def load(self) -> object:
        """Load the model now (idempotent); returns the loaded model object."""
        ...


@runtime_checkable
class Closes(Protocol):
    """Optional part of a Generator: holds a model or connections until closed."""

    def close(self) -> None:
        """Free the model or connections (a later `stream` may acquire them again)."""
        ...
