"""The catalog: the source of truth for which version of each document is live (SQL, see `rag/db.py`).

A document version becomes live in ONE transaction (its row, all its chunks, its uploaded original and a bump
of the generation counter), after its vectors are in the vector store; vectors of versions that never became
live (a crash) are garbage-collected on the next ingest. Every process compares the generation with the one
its search snapshot was built from, so replicas sharing the database pick up each other's changes.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Connection

from rag.config import Settings
from rag.db import (
    CATALOG,
    Database,
    as_database,
    database,
    documents,
    insert_ignore,
    pending,
    sources,
    state,
    upsert,
)
from rag.db import chunks as chunks_t
from rag.errors import NotFoundError, PlanbotError
from rag.interfaces import VectorStore
from rag.types import Chunk, DocumentMeta, Section

log = logging.getLogger(__name__)
_GENERATION = "generation"
IN_FLIGHT_S = 3600.0  # a version reserved longer ago than this is a crash's leftover: its vectors may go
_HOST = socket.gethostname()


def _owner_alive(owner: str) -> bool:
    """Whether the process that reserved a version may still be running (unknowable for another host: yes)."""
    host, _, pid = owner.rpartition(":")
    if host != _HOST or not pid.isdigit():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, not ours to signal
        return True
    return True


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
    """Documents, their section trees and live chunks.

    `target` is a Database or (embedded default) a SQLite file. Files committed from `uploads_dir` are also
    stored in the database (`source`), so a replica on another host has the original too.
    """

    def __init__(self, target: Database | Path | str, *, uploads_dir: Path | None = None) -> None:
        self.db = as_database(target)
        self.uploads_dir = uploads_dir.resolve() if uploads_dir else None
        self.db.ensure(CATALOG)
        with self.db.begin() as conn:
            insert_ignore(conn, state, {"key": _GENERATION, "value": "0"})

    @classmethod
    def from_settings(cls, settings: Settings) -> Catalog:
        return cls(database(settings, "catalog"), uploads_dir=settings.data_dir / "uploads")

    def generation(self) -> int:
        """A counter bumped by every change (the lexical index and the snapshot are rebuilt when it moves)."""
        with self.db.read() as conn:
            value = conn.execute(select(state.c.value).where(state.c.key == _GENERATION)).scalar()
        return int(value) if value is not None else 0

    @staticmethod
    def _bump(conn: Connection) -> None:
        """Move the generation, holding its row until the transaction ends (serialises writers)."""
        row = conn.execute(
            select(state.c.value).where(state.c.key == _GENERATION).with_for_update()
        ).scalar()
        if row is None:
            conn.execute(state.insert().values(key=_GENERATION, value="1"))
        else:
            conn.execute(update(state).where(state.c.key == _GENERATION).values(value=str(int(row) + 1)))

    def reserve(self, doc_id: str, version: str) -> None:
        """Announce that this version's vectors are being written (by this or any replica sharing the database):
        garbage collection spares them until the version is committed or `IN_FLIGHT_S` has passed."""
        with self.db.begin() as conn:
            upsert(conn, pending, [{"doc_id": doc_id, "version": version, "started_at": time.time(),
                                    "owner": f"{_HOST}:{os.getpid()}"}], keys=["doc_id", "version"])

    @contextmanager
    def reservation(self, doc_id: str, version: str) -> Iterator[None]:
        """`reserve` for the block; released when the block fails (a commit inside it ends the reservation)."""
        self.reserve(doc_id, version)
        try:
            yield
        except BaseException:
            try:
                self.release(doc_id, version)
            except PlanbotError as exc:  # the database is what failed: the reservation expires by itself
                log.warning("could not release %s@%s: %s", doc_id, version, exc)
            raise

    def release(self, doc_id: str, version: str) -> None:
        """Withdraw a reservation (the ingest failed before its commit): its vectors are garbage now."""
        with self.db.begin() as conn:
            conn.execute(delete(pending).where((pending.c.doc_id == doc_id) & (pending.c.version == version)))

    def in_flight(self, max_age_s: float = IN_FLIGHT_S) -> list[tuple[str, str]]:
        """(doc_id, version) pairs reserved and not committed by a live process, younger than `max_age_s`
        (others are forgotten: a process on this host that is gone, or any reservation that old)."""
        cutoff = time.time() - max_age_s
        with self.db.begin() as conn:
            conn.execute(delete(pending).where(pending.c.started_at < cutoff))
            rows = conn.execute(select(pending.c.doc_id, pending.c.version, pending.c.owner)).all()
            dead = [(r[0], r[1]) for r in rows if not _owner_alive(str(r[2]))]
            for doc_id, version in dead:
                conn.execute(delete(pending).where((pending.c.doc_id == doc_id) & (pending.c.version == version)))
        return [(str(r[0]), str(r[1])) for r in rows if (r[0], r[1]) not in dead]

    def _upload_bytes(self, source_path: str) -> bytes | None:
        if self.uploads_dir is None:
            return None
        path = Path(source_path)
        if path.resolve().parent != self.uploads_dir or not path.is_file():
            return None
        return path.read_bytes()

    def commit_document(
        self, *, meta: DocumentMeta, source_path: str, version: str, tree: Section, chunks: Sequence[Chunk]
    ) -> None:
        """Make this version of the document live, atomically."""
        original = self._upload_bytes(source_path)
        with self.db.begin() as conn:
            self._bump(conn)  # first: takes the writers' lock before anything else
            conn.execute(delete(chunks_t).where(chunks_t.c.doc_id == meta.doc_id))
            upsert(conn, documents, [{
                "doc_id": meta.doc_id, "filename": meta.filename, "source_path": source_path,
                "sha256": meta.sha256, "version": version, "meta_json": meta.model_dump_json(),
                "tree_json": tree.model_dump_json(), "ingested_at": time.time(), "registry_version": "",
            }], keys=["doc_id"])
            if chunks:
                conn.execute(chunks_t.insert(), [
                    {"chunk_id": c.chunk_id, "doc_id": c.doc_id, "ord": c.order, "json": c.model_dump_json()}
                    for c in chunks
                ])
            conn.execute(delete(sources).where(sources.c.doc_id == meta.doc_id))
            conn.execute(delete(pending).where((pending.c.doc_id == meta.doc_id) & (pending.c.version == version)))
            if original is not None:
                conn.execute(sources.insert().values(doc_id=meta.doc_id, filename=Path(source_path).name,
                                                     version=version, data=original))

    def delete_document(self, doc_id: str) -> None:
        with self.db.begin() as conn:
            self._bump(conn)
            if conn.execute(delete(documents).where(documents.c.doc_id == doc_id)).rowcount == 0:
                raise NotFoundError(f"document {doc_id!r} not found",
                                    user_message=f"Không tìm thấy tài liệu «{doc_id}».")
            conn.execute(delete(chunks_t).where(chunks_t.c.doc_id == doc_id))
            conn.execute(delete(sources).where(sources.c.doc_id == doc_id))

    def mark_registry(self, doc_id: str, version: str) -> None:
        """Record that the directive registry holds this version's directives."""
        with self.db.begin() as conn:
            conn.execute(update(documents).where(documents.c.doc_id == doc_id).values(registry_version=version))

    def source(self, doc_id: str) -> tuple[str, bytes] | None:
        """The uploaded original of a live document (file name, bytes), when it came by upload."""
        with self.db.read() as conn:
            row = conn.execute(select(sources.c.filename, sources.c.data).where(sources.c.doc_id == doc_id)).first()
        return (str(row[0]), bytes(row[1])) if row else None

    @staticmethod
    def _record(row: Any) -> DocumentRecord:
        return DocumentRecord(
            doc_id=row.doc_id, filename=row.filename, source_path=row.source_path, sha256=row.sha256,
            version=row.version, meta=DocumentMeta.model_validate_json(row.meta_json),
            tree=Section.model_validate_json(row.tree_json), ingested_at=float(row.ingested_at),
            registry_version=row.registry_version,
        )

    def get(self, doc_id: str) -> DocumentRecord | None:
        with self.db.read() as conn:
            row = conn.execute(select(documents).where(documents.c.doc_id == doc_id)).first()
        return self._record(row) if row else None

    def documents(self) -> list[DocumentRecord]:
        with self.db.read() as conn:
            rows = conn.execute(select(documents).order_by(documents.c.doc_id)).all()
        return [self._record(r) for r in rows]

    def versions(self) -> dict[str, str]:
        """doc_id → live version."""
        with self.db.read() as conn:
            return {r[0]: r[1] for r in conn.execute(select(documents.c.doc_id, documents.c.version)).all()}

    def chunks(self, doc_id: str | None = None) -> list[Chunk]:
        """Live chunks in document order."""
        query = select(chunks_t.c.json)
        if doc_id:
            query = query.where(chunks_t.c.doc_id == doc_id).order_by(chunks_t.c.ord)
        else:
            query = query.order_by(chunks_t.c.doc_id, chunks_t.c.ord)
        with self.db.read() as conn:
            rows = conn.execute(query).all()
        return [Chunk.model_validate_json(r[0]) for r in rows]

    def chunk_ids(self) -> set[str]:
        with self.db.read() as conn:
            return {r[0] for r in conn.execute(select(chunks_t.c.chunk_id)).all()}

    def stats(self) -> dict[str, int]:
        with self.db.read() as conn:
            docs = conn.execute(select(func.count()).select_from(documents)).scalar() or 0
            count = conn.execute(select(func.count()).select_from(chunks_t)).scalar() or 0
            trees = conn.execute(select(documents.c.tree_json)).all()
        sections = sum(len(Section.model_validate_json(t[0]).walk()) - 1 for t in trees)
        return {"documents": int(docs), "chunks": int(count), "sections": sections}


def spare_in_flight(catalog: Catalog, store: VectorStore, ids: Sequence[str]) -> list[str]:
    """`ids` (vectors about to be deleted as stale) less those of versions being ingested right now, here or on
    another replica: their catalog commit is still to come."""
    flights = catalog.in_flight() if ids else []
    if not flights:
        return list(ids)
    protected: set[str] = set()
    for doc_id, version in flights:
        every = set(store.stale_ids({}, doc_id=doc_id))  # all of the document's vectors
        protected |= every - set(store.stale_ids({doc_id: version}, doc_id=doc_id))  # those of `version`
    return [i for i in ids if i not in protected]


def tree_outline(tree: Section) -> list[Section]:
    """Top-level sections with children, texts dropped (for document outlines)."""
    def strip(node: Section) -> Section:
        return node.model_copy(update={"text": "", "children": [strip(c) for c in node.children]})

    return [strip(c) for c in tree.children]

