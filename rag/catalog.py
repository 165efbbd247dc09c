"""The catalog: the source of truth for which version of each document is live (SQLite under the data dir).

A document version becomes live in ONE SQLite transaction (its row and all its chunks), after its vectors are in
the vector store; vectors of versions that never became live (a crash) are garbage-collected on the next ingest.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from pydantic import BaseModel

from rag.errors import NotFoundError
from rag.types import Chunk, DocumentMeta, Section

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    filename TEXT NOT NULL,
    source_path TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    version TEXT NOT NULL,
    meta_json TEXT NOT NULL,
    tree_json TEXT NOT NULL,
    ingested_at REAL NOT NULL,
    registry_version TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS chunks (
    chunk_id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL,
    ord INTEGER NOT NULL,
    json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id);
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class DocumentRecord(BaseModel):
    doc_id: str
    filename: str
    source_path: str
    sha256: str
    version: str
    meta: DocumentMeta
    tree: Section
    ingested_at: float
    registry_version: str = ""


class Catalog:
    """Documents, their section trees and live chunks."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._path = path
        self._lock = threading.RLock()
        conn = sqlite3.connect(self._path, timeout=30)
        try:
            conn.executescript(_SCHEMA)  # executescript manages its own transaction
        finally:
            conn.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            conn = sqlite3.connect(self._path, timeout=30, isolation_level=None)
            try:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=FULL")
                conn.execute("BEGIN IMMEDIATE")
                try:
                    yield conn
                    conn.execute("COMMIT")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
            finally:
                conn.close()

    def generation(self) -> int:
        """A counter bumped by every change (the lexical index is rebuilt when it moves)."""
        with self._tx() as conn:
            row = conn.execute("SELECT value FROM state WHERE key='generation'").fetchone()
        return int(row[0]) if row else 0

    @staticmethod
    def _bump(conn: sqlite3.Connection) -> None:
        conn.execute(
            "INSERT INTO state(key, value) VALUES('generation', '1') "
            "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
        )

    def commit_document(
        self, *, meta: DocumentMeta, source_path: str, version: str, tree: Section, chunks: Sequence[Chunk]
    ) -> None:
        """Make this version of the document live, atomically."""
        with self._tx() as conn:
            conn.execute("DELETE FROM chunks WHERE doc_id = ?", (meta.doc_id,))
            conn.execute(
                "INSERT OR REPLACE INTO documents (doc_id, filename, source_path, sha256, version, meta_json,"
                " tree_json, ingested_at, registry_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, '')",
                (meta.doc_id, meta.filename, source_path, meta.sha256, version, meta.model_dump_json(),
                 tree.model_dump_json(), time.time()),
            )
            conn.executemany(
                "INSERT INTO chunks (chunk_id, doc_id, ord, json) VALUES (?, ?, ?, ?)",
                [(c.chunk_id, c.doc_id, c.order, c.model_dump_json()) for c in chunks],
            )
            self._bump(conn)

    def delete_document(self, doc_id: str) -> None:
        with self._tx() as conn:
            cur = conn.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))
            if cur.rowcount == 0:
                raise NotFoundError(f"document {doc_id!r} not found",
                                    user_message=f"Không tìm thấy tài liệu «{doc_id}».")
            conn.execute("DELETE FROM chunks WHERE doc_id = ?", (doc_id,))
            self._bump(conn)

    def mark_registry(self, doc_id: str, version: str) -> None:
        """Record that the directive registry holds this version's directives."""
        with self._tx() as conn:
            conn.execute("UPDATE documents SET registry_version = ? WHERE doc_id = ?", (version, doc_id))

    def _record(self, row: tuple[str, ...]) -> DocumentRecord:
        return DocumentRecord(
            doc_id=row[0], filename=row[1], source_path=row[2], sha256=row[3], version=row[4],
            meta=DocumentMeta.model_validate_json(row[5]), tree=Section.model_validate_json(row[6]),
            ingested_at=float(row[7]), registry_version=row[8],
        )

    _COLS = "doc_id, filename, source_path, sha256, version, meta_json, tree_json, ingested_at, registry_version"

    def get(self, doc_id: str) -> DocumentRecord | None:
        with self._tx() as conn:
            row = conn.execute(f"SELECT {self._COLS} FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        return self._record(row) if row else None

    def documents(self) -> list[DocumentRecord]:
        with self._tx() as conn:
            rows = conn.execute(f"SELECT {self._COLS} FROM documents ORDER BY doc_id").fetchall()
        return [self._record(r) for r in rows]

    def versions(self) -> dict[str, str]:
        """doc_id → live version."""
        with self._tx() as conn:
            return dict(conn.execute("SELECT doc_id, version FROM documents").fetchall())

    def chunks(self, doc_id: str | None = None) -> list[Chunk]:
        """Live chunks in document order."""
        with self._tx() as conn:
            if doc_id:
                rows = conn.execute("SELECT json FROM chunks WHERE doc_id = ? ORDER BY ord", (doc_id,)).fetchall()
            else:
                rows = conn.execute("SELECT json FROM chunks ORDER BY doc_id, ord").fetchall()
        return [Chunk.model_validate_json(r[0]) for r in rows]

    def chunk_ids(self) -> set[str]:
        with self._tx() as conn:
            return {r[0] for r in conn.execute("SELECT chunk_id FROM chunks").fetchall()}

    def stats(self) -> dict[str, int]:
        with self._tx() as conn:
            docs = conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
            chunks = conn.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
            trees = conn.execute("SELECT tree_json FROM documents").fetchall()
        sections = sum(len(Section.model_validate_json(t[0]).walk()) - 1 for t in trees)
        return {"documents": int(docs), "chunks": int(chunks), "sections": sections}


def tree_outline(tree: Section) -> list[Section]:
    """Top-level sections with children, texts dropped (for document outlines)."""
    def strip(node: Section) -> Section:
        return node.model_copy(update={"text": "", "children": [strip(c) for c in node.children]})

    return [strip(c) for c in tree.children]

