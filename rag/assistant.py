"""The facade the API, the bot, the CLI and the eval use: ask, stream, search, look up, ingest."""

from __future__ import annotations

import collections.abc
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from rag import metrics
from rag.answer.stream import AnswerStream
from rag.answering import AnswerEngine
from rag.catalog import Catalog, tree_outline
from rag.config import Settings
from rag.directives import DirectiveRegistry
from rag.embeddings import build_embedder
from rag.errors import NotFoundError
from rag.ingest import Ingestor
from rag.interfaces import Embedder, Generator, Loads, VectorStore
from rag.lexical import LexicalIndex
from rag.retrieval import FILTER_KEYS, Retriever, validate_filters
from rag.store import ChromaStore
from rag.types import (
    Answer,
    ChatTurn,
    DirectiveRecord,
    DocumentMeta,
    IngestReport,
    SearchHit,
    Section,
    StreamEvent,
)

__all__ = ["FILTER_KEYS", "AnswerStream", "Assistant", "DocumentDetail", "StreamEvent", "content_holder"]


class DocumentDetail(BaseModel):
    meta: DocumentMeta
    outline: list[Section]  # top-level sections with children (text omitted)


def content_holder(documents: Sequence[DocumentMeta], filename: str, data: bytes) -> DocumentMeta | None:
    """The indexed document that already holds exactly `data` under another file name (an upload of a copy)."""
    digest = hashlib.sha256(data).hexdigest()
    name = Path(filename).name
    return next((d for d in documents if d.sha256 == digest and d.filename != name), None)


class Assistant:
    """Wires ingestion, retrieval and answering. Heavy parts (Chroma, embedder, model) load on first use."""

    def __init__(
        self,
        settings: Settings,
        *,
        embedder: Embedder | None = None,
        store: VectorStore | None = None,
        generator: Generator | None = None,
    ) -> None:
        self.settings = settings
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.catalog = Catalog.from_settings(settings)  # PLANBOT_DATABASE_URL or SQLite under the data dir
        self.registry = DirectiveRegistry.from_settings(settings)
        self.store = store or ChromaStore(settings)
        self.embedder = embedder or build_embedder(settings)
        self.ingestor = Ingestor(settings, self.catalog, self.store, self.embedder, self.registry)
        self.retriever = Retriever(self.catalog, self.store, self.embedder, LexicalIndex(settings.data_dir / "bm25"))
        self._generator = generator
        self._generator_lock = threading.Lock()
        self._engine: AnswerEngine | None = None
        self._cache: OrderedDict[str, Answer] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._ready = False
        self._reconciled = False

    def _consistent(self) -> None:
        """Once per process: repair what a crash may have left (stale vectors, registry behind the catalog)."""
        if not self._reconciled:
            self.ingestor.reconcile()
            self._reconciled = True

    # ------------------------------------------------------------------ wiring
    def generator(self) -> Generator:
        """The language model (built from settings on first use)."""
        with self._generator_lock:
            if self._generator is None:
                from rag.llm.factory import build_generator

                self._generator = build_generator(self.settings)
            return self._generator

    @property
    def engine(self) -> AnswerEngine:
        if self._engine is None:
            self._engine = AnswerEngine(self.settings, self.retriever, self.registry, self.generator,
                                        self._tree)
        return self._engine

    def _tree(self, doc_id: str) -> Section | None:
        record = self.catalog.get(doc_id)
        return record.tree if record else None

    def _cache_key(self, question: str, history: Sequence[ChatTurn], top_k: int | None,
                   filters: dict[str, Any] | None) -> str:
        from rag.text import fold

        return json.dumps([self.retriever.snapshot().generation, fold(question.strip()),
                           [(t.role, fold(t.content)) for t in history][-2 * self.settings.history_turns:],
                           top_k, filters or {}], ensure_ascii=False, sort_keys=True, default=str)

    # ------------------------------------------------------------------ answering
    def ask(
        self,
        question: str,
        history: Sequence[ChatTurn] = (),
        *,
        top_k: int | None = None,
        filters: dict[str, Any] | None = None,
    ) -> Answer:
        """Answer one question (with recent chat history for follow-ups); failures raise PlanbotError."""
        return self.stream(question, history, top_k=top_k, filters=filters).answer()

    def stream(
        self,
        question: str,
        history: Sequence[ChatTurn] = (),
        *,
        top_k: int | None = None,
        filters: dict[str, Any] | None = None,
    ) -> AnswerStream:
        """Like `ask`, as a stream of events; input errors raise at once, later failures from iteration;
        closing the stream stops the generation."""
        question = self.engine.check_question(question)
        filters = validate_filters(filters)
        self._consistent()
        history = [t if isinstance(t, ChatTurn) else ChatTurn.model_validate(t) for t in history]
        key = self._cache_key(question, history, top_k, filters)
        with self._cache_lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
        if cached is not None:
            return AnswerStream.of_answer(cached)
        return AnswerStream(self._run(key, question, history, top_k, filters))

    def _run(self, key: str, question: str, history: list[ChatTurn], top_k: int | None,
             filters: dict[str, Any]) -> collections.abc.Generator[StreamEvent, None, None]:
        """The engine's events; the final answer is cached. Closing this closes the engine's generator."""
        events = self.engine.stream(question, history, top_k=top_k, filters=filters)
        try:
            for event in events:
                if event.type == "done" and event.answer is not None:
                    with self._cache_lock:
                        self._cache[key] = event.answer
                        while len(self._cache) > self.settings.answer_cache_size:
                            self._cache.popitem(last=False)
                yield event
        finally:
            events.close()  # a reader that stops reading stops the generation

    def search(
        self, query: str, *, top_k: int | None = None, filters: dict[str, Any] | None = None
    ) -> list[SearchHit]:
        """Ranked sections, no model call."""
        query = self.engine.check_question(query)
        self._consistent()
        return self.engine.search(query, top_k or self.settings.top_k, filters)

    # ------------------------------------------------------------------ registry and documents
    def lookup_directive(self, query: str) -> list[DirectiveRecord]:
        """Directive records matching what a user typed (`35-NQ/TW`, `nq 35`, `Kết luận 21`)."""
        query = self.engine.check_question(query)
        self._consistent()
        return self.engine.find_directives(query, limit=20)

    def get_directive(self, directive_id: str) -> DirectiveRecord:
        return self.registry.get(directive_id)

    def list_documents(self) -> list[DocumentMeta]:
        return [r.meta for r in self.catalog.documents()]

    def get_document(self, doc_id: str) -> DocumentDetail:
        record = self.catalog.get(doc_id)
        if record is None:
            raise NotFoundError(f"document {doc_id!r} not found",
                                user_message=f"Không tìm thấy tài liệu «{doc_id}».")
        return DocumentDetail(meta=record.meta, outline=tree_outline(record.tree))

    def get_section_text(self, doc_id: str, section_id: str) -> str:
        """Full text of one section and its subsections (for 'Xem thêm')."""
        record = self.catalog.get(doc_id)
        if record is not None:
            for section in record.tree.walk():
                if section.section_id == section_id:
                    return "\n".join(s.text.strip() for s in section.walk() if s.text.strip())
        raise NotFoundError(f"section {doc_id}/{section_id} not found",
                            user_message="Không tìm thấy mục tài liệu được yêu cầu.")

    def ingest(self, paths: Sequence[Path], *, progress: bool = False) -> IngestReport:
        """Ingest files/directories, then rebuild the search snapshot so the next question does not pay it."""
        report = self.ingestor.ingest(paths, progress=progress)
        metrics.record_ingest(report)
        self.retriever.snapshot()
        return report

    def ingest_bytes(self, filename: str, data: bytes) -> IngestReport:
        """Ingest an uploaded file (kept under the data dir)."""
        try:
            report = self.ingestor.ingest_bytes(filename, data)
        except Exception:
            metrics.record_ingest_failure()
            raise
        metrics.record_ingest(report)
        self.retriever.snapshot()
        return report

    def delete_document(self, doc_id: str) -> None:
        """Remove a document from the index; a file it came from by upload (under the data dir) goes too."""
        record = self.catalog.get(doc_id)
        self.ingestor.delete(doc_id)
        if record is not None:
            source = Path(record.source_path)
            uploads = (self.settings.data_dir / "uploads").resolve()
            if source.parent == uploads:
                source.unlink(missing_ok=True)

    def warm_up(self, *, model: bool = True) -> None:
        """Load the index, the embedder and (optionally) the model now, for readiness."""
        self._consistent()
        self.retriever.snapshot()
        self.embedder.embed_batch(["khởi động"], is_query=True)
        self.engine.stats()
        from rag.evidence import question_words

        question_words("khởi động hệ thống")
        if model:
            generator = self.generator()
            if isinstance(generator, Loads):
                generator.load()
        self._ready = True

    @property
    def ready(self) -> bool:
        return self._ready
