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
    """Where chunks and their vectors live (Chroma by default)."""

    def upsert(self, chunks: Sequence[Chunk], vectors: Sequence[Sequence[float]]) -> None:
        """Insert or replace these chunks."""
        ...

    def delete_document(self, doc_id: str) -> None:
        """Remove every chunk of one document."""
        ...

    def query(
        self, vector: Sequence[float], k: int, where: dict[str, object] | None = None
    ) -> list[tuple[Chunk, float]]:
        """The k nearest chunks with a similarity in [0, 1] (higher is closer)."""
        ...

    def chunk_ids(self, doc_id: str | None = None) -> set[str]:
        """Ids of the stored chunks (of one document, or all)."""
        ...

    def count(self) -> int:
        """Number of stored chunks."""
        ...


@runtime_checkable
class Generator(Protocol):
    """A language model that continues a chat prompt. `stream` yields text deltas."""

    name: str

    def stream(
        self, messages: Sequence[dict[str, str]], *, max_tokens: int, stop: Sequence[str] = ()
    ) -> Iterator[str]:
        """Text deltas of the reply to chat `messages` ([{role, content}]); closing the iterator stops generation."""
        ...
