"""What the strategies need from the retriever (rag.retrieval.Retriever implements it; tests pass fakes)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from rag.types import Chunk, DocumentMeta, SearchHit


class CorpusSnapshot(Protocol):
    """The live chunks and document metadata at one catalog generation."""

    @property
    def generation(self) -> int: ...

    @property
    def chunks(self) -> Mapping[str, Chunk]: ...

    @property
    def metas(self) -> Mapping[str, DocumentMeta]: ...


class Corpus(Protocol):
    """Search over the indexed documents."""

    def snapshot(self) -> CorpusSnapshot:
        """The current snapshot (refreshed when the catalog changes)."""
        ...

    def allowed_docs(self, filters: Mapping[str, Any]) -> set[str] | None:
        """Doc ids the filters allow; None when there are no filters."""
        ...

    def search(self, query: str, k: int = 6, filters: Mapping[str, Any] | None = None) -> list[SearchHit]:
        """Top-k chunks for the query within the filters."""
        ...
