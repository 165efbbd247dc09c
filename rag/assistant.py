"""The facade the API, the bot, the CLI and the eval use: ask, stream, search, look up, ingest."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from rag.config import Settings
from rag.interfaces import Embedder, Generator, VectorStore
from rag.types import (
    Answer,
    ChatTurn,
    Citation,
    DirectiveRecord,
    DocumentMeta,
    IngestReport,
    SearchHit,
    Section,
)

FILTER_KEYS = frozenset({"province", "year", "issuer", "doc_id"})


class StreamEvent(BaseModel):
    """One event of a streamed answer: sources first, then token deltas, then the final answer."""

    type: Literal["sources", "token", "done", "error"]
    sources: list[Citation] = Field(default_factory=list)
    text: str = ""
    answer: Answer | None = None
    error: dict[str, str] | None = None


class DocumentDetail(BaseModel):
    meta: DocumentMeta
    outline: list[Section]  # top-level sections with children (text omitted)


class Assistant:
    """Wires ingestion, retrieval and answering. Heavy parts load lazily (on first use)."""

    def __init__(
        self,
        settings: Settings,
        *,
        embedder: Embedder | None = None,
        store: VectorStore | None = None,
        generator: Generator | None = None,
    ) -> None:
        raise NotImplementedError

    def ask(
        self,
        question: str,
        history: Sequence[ChatTurn] = (),
        *,
        top_k: int | None = None,
        filters: dict[str, Any] | None = None,
    ) -> Answer:
        """Answer one question (with recent chat history for follow-ups)."""
        raise NotImplementedError

    def stream(
        self,
        question: str,
        history: Sequence[ChatTurn] = (),
        *,
        top_k: int | None = None,
        filters: dict[str, Any] | None = None,
    ) -> Iterator[StreamEvent]:
        """Like `ask`, as events; closing the iterator stops the generation."""
        raise NotImplementedError

    def search(
        self, query: str, *, top_k: int | None = None, filters: dict[str, Any] | None = None
    ) -> list[SearchHit]:
        """Ranked sections, no model call."""
        raise NotImplementedError

    def lookup_directive(self, query: str) -> list[DirectiveRecord]:
        """Directive records matching what a user typed (`35-NQ/TW`, `nq 35`, `Kết luận 21`)."""
        raise NotImplementedError

    def get_directive(self, directive_id: str) -> DirectiveRecord:
        raise NotImplementedError

    def list_documents(self) -> list[DocumentMeta]:
        raise NotImplementedError

    def get_document(self, doc_id: str) -> DocumentDetail:
        raise NotImplementedError

    def get_section_text(self, doc_id: str, section_id: str) -> str:
        """Full text of one section (for 'Xem thêm')."""
        raise NotImplementedError

    def ingest(self, paths: Sequence[Path]) -> IngestReport:
        raise NotImplementedError

    def ingest_bytes(self, filename: str, data: bytes) -> IngestReport:
        """Ingest an uploaded file (kept under the data dir)."""
        raise NotImplementedError

    def delete_document(self, doc_id: str) -> None:
        raise NotImplementedError

    def warm_up(self) -> None:
        """Load the index and the model now (for readiness)."""
        raise NotImplementedError

    @property
    def ready(self) -> bool:
        raise NotImplementedError
