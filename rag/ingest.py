"""Ingestion: file → text → section tree → metadata → chunks → vectors (Chroma) → catalog → directive registry.

Idempotent (an unchanged file is skipped by content hash) and crash-safe: a new version's vectors are written under
versioned ids first, then the catalog makes the version live in one transaction, then the old version is removed.
After a crash (even kill -9) every document is either fully old or fully new; `reconcile()` cleans the leftovers.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from rag.catalog import Catalog, spare_in_flight
from rag.config import Settings
from rag.directives import DirectiveRegistry, extract_directives
from rag.embeddings import build_embedder, embedding_progress
from rag.errors import DocumentReadError, InvalidInputError, PlanbotError, UnsupportedDocumentError
from rag.interfaces import Embedder, VectorStore
from rag.loaders import SUPPORTED_SUFFIXES
from rag.parsing import ParsedDocument, parse_document
from rag.store import ChromaStore
from rag.text import nfc, normalize, strip_diacritics
from rag.types import Chunk, IngestReport

log = logging.getLogger(__name__)

# Bump when parsing/chunking changes so every document is re-processed once.
PIPELINE_VERSION = "3"

Outcome = Literal["added", "replaced", "unchanged"]


def _version(data: bytes, *, header: bool = True) -> str:
    """The version of a file's content under this pipeline (a new pipeline re-processes every document; so does
    switching `embed_doc_header`, which changes the vectors)."""
    sha = hashlib.sha256(data).hexdigest()
    pipeline = PIPELINE_VERSION if header else f"{PIPELINE_VERSION}-no-header"
    return hashlib.sha256(f"{sha}:{pipeline}".encode()).hexdigest()[:16]


def doc_id_for(filename: str) -> str:
    """A stable, URL-safe id from a file name ('Kế hoạch 464.docx' → 'ke-hoach-464'; corpus stems stay as they are).

    Only diacritics and case are folded: a file name is an identifier, not prose, so letters glued to digits
    ('09daab284f.md', 'KH330.pdf') stay together."""
    stem = nfc(Path(filename).stem)
    slug = re.sub(r"[^a-z0-9_]+", "-", strip_diacritics(stem).lower()).strip("-_")
    return slug[:120] or "tai-lieu"


def passage_text(chunk: Chunk, *, header: bool = True) -> str:
    """What the dense embedder sees of a chunk: its index text, or (header=False) without the document's
    title and issuer/province (the section path and the text only)."""
    if header:
        return normalize(chunk.index_text())
    return normalize(f"{chunk.path_str}\n{chunk.text}")


def iter_files(paths: Iterable[Path]) -> list[Path]:
    """Files under the given paths (directories are walked, hidden files and READMEs skipped)."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not child.name.startswith(".") and child.stem.upper() != "README":
                    out.append(child)
        else:
            out.append(path)
    return out


@dataclass
class _Parsed:
    """A file read and parsed, waiting to be embedded and committed (its bytes are not kept)."""

    path: Path
    parsed: ParsedDocument
    version: str
    sha256: str


@dataclass
class Ingestor:
    """Writes documents into the catalog, the vector store and the directive registry."""

    settings: Settings
    catalog: Catalog
    store: VectorStore
    embedder: Embedder
    registry: DirectiveRegistry

    @classmethod
    def from_settings(cls, settings: Settings) -> Ingestor:
        return cls(
            settings=settings,
            catalog=Catalog.from_settings(settings),
            store=ChromaStore(settings),
            embedder=build_embedder(settings),
            registry=DirectiveRegistry.from_settings(settings),
        )

    def ingest(self, paths: Sequence[Path], *, progress: bool = False) -> IngestReport:
        """Ingest files and directories; bad files are reported and skipped, the rest still ingest.

        Two passes: every file is read and parsed first (unchanged ones are skipped), so the number of chunks
        to embed is known; then each document is embedded and committed. With `progress`, a bar per pass
        (tqdm on stderr): files read, then chunks embedded with rate and ETA (the slow part at scale)."""
        started = time.perf_counter()
        report = IngestReport()
        self.reconcile()
        missing = [p for p in paths if not p.exists()]
        report.skipped.extend(f"{p.name}: không tìm thấy tệp hoặc thư mục" for p in missing)
        files = iter_files(p for p in paths if p.exists())
        iterator: Iterable[Path] = files
        if progress and files:
            from tqdm import tqdm

            iterator = tqdm(files, desc="Đọc tài liệu", unit="tệp")
        pending: list[_Parsed] = []
        for path in iterator:
            # One document never stops the others: reading/parsing failures are PlanbotErrors (parse_document
            # turns any unexpected exception into one), reported here. Storage failures still stop the batch.
            try:
                item = self._parse_path(path)
            except PlanbotError as exc:
                self._skip(report, path, exc)
                continue
            if item is None:
                report.unchanged += 1
            else:
                pending.append(item)
        total = sum(len(item.parsed.chunks) for item in pending)
        with embedding_progress(self.embedder, total, enabled=progress and total > 0):
            for item in pending:
                try:
                    outcome = self._commit(item.parsed, item.path, version=item.version, sha256=item.sha256)
                except PlanbotError as exc:
                    self._skip(report, item.path, exc)
                    continue
                setattr(report, outcome, getattr(report, outcome) + 1)
                if item.parsed.notes:
                    report.notes.append(f"{item.path.name}: {'; '.join(item.parsed.notes)}")
        self._fill_counts(report)
        report.seconds = round(time.perf_counter() - started, 3)
        return report

    @staticmethod
    def _skip(report: IngestReport, path: Path, exc: PlanbotError) -> None:
        log.warning("skipped %s: %s", path, exc)
        report.skipped.append(f"{path.name}: {exc.user_message}")

    def _fill_counts(self, report: IngestReport) -> None:
        stats = self.catalog.stats()
        report.documents = stats["documents"]
        report.sections = stats["sections"]
        report.chunks = stats["chunks"]
        report.directives = self.registry.count()

    def ingest_file(self, path: Path) -> Outcome:
        """Ingest one file; returns what happened to it."""
        item = self._parse_path(path)
        if item is None:
            return "unchanged"
        return self._commit(item.parsed, item.path, version=item.version, sha256=item.sha256)

    def _parse_path(self, path: Path) -> _Parsed | None:
        """Read and parse one file (None when this version is already ingested)."""
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            raise UnsupportedDocumentError(
                f"unsupported file type: {path}",
                user_message=f"Tệp «{path.name}»: định dạng không được hỗ trợ (chỉ nhận .txt, .md, .docx, .pdf).",
            )
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise DocumentReadError(f"cannot read {path}: {exc}",
                                    user_message=f"Không đọc được tệp «{path.name}».") from exc
        version = _version(data, header=self.settings.embed_doc_header)
        doc_id = doc_id_for(path.name)
        current = self.catalog.get(doc_id)
        if current is not None and current.version == version and current.registry_version == version:
            return None
        parsed = parse_document(path.name, data, doc_id=doc_id)
        return _Parsed(path, parsed, version, hashlib.sha256(data).hexdigest())

    def _commit(self, parsed: ParsedDocument, path: Path, *, version: str, sha256: str) -> Outcome:
        """Write a parsed document: vectors, then the catalog (makes it live), then the directive registry."""
        meta, chunks, doc_id = parsed.meta, parsed.chunks, parsed.doc_id
        meta.sha256 = sha256
        if not chunks:
            raise InvalidInputError(f"no content in {path}", user_message=f"Tệp «{path.name}» không có nội dung.")
        current = self.catalog.get(doc_id)
        with self.catalog.reservation(doc_id, version):  # other replicas' garbage collection spares these vectors
            vectors = self.embedder.embed_batch([passage_text(c, header=self.settings.embed_doc_header)
                                                 for c in chunks])
            self.store.upsert(chunks, vectors, version=version)
            self.catalog.commit_document(meta=meta, source_path=str(path.resolve()), version=version,
                                         tree=parsed.root, chunks=chunks)
        self.store.delete_ids(spare_in_flight(self.catalog, self.store,
                                              self.store.stale_ids({doc_id: version}, doc_id=doc_id)))
        self.registry.replace_document(doc_id, extract_directives(meta, parsed.root.walk()))
        self.catalog.mark_registry(doc_id, version)
        log.info("ingested %s as %s (%d chunks; %s)", path.name, doc_id, len(chunks), "; ".join(parsed.notes) or "-")
        return "added" if current is None else "replaced"

    def ingest_bytes(self, filename: str, data: bytes) -> IngestReport:
        """Parse an uploaded file (a document we cannot read raises a PlanbotError), keep it, ingest it."""
        name = Path(filename).name
        if Path(name).suffix.lower() not in SUPPORTED_SUFFIXES:
            raise UnsupportedDocumentError(
                f"unsupported upload {filename!r}",
                user_message=f"Tệp «{name}»: định dạng không được hỗ trợ (chỉ nhận .txt, .md, .docx, .pdf).",
            )
        if len(data) > self.settings.max_upload_bytes:
            raise InvalidInputError(
                f"upload {filename!r} too large ({len(data)} bytes)",
                user_message=f"Tệp «{name}» quá lớn (tối đa {self.settings.max_upload_bytes // (1024 * 1024)} MB).",
            )
        started = time.perf_counter()
        safe = doc_id_for(name) + Path(name).suffix.lower()
        parsed = parse_document(name, data, doc_id=doc_id_for(name))  # validates before anything is written
        parsed.meta.filename = safe  # the stored file's name (messages above name the user's file)
        self.reconcile()
        uploads = self.settings.data_dir / "uploads"
        uploads.mkdir(parents=True, exist_ok=True)
        target = uploads / safe
        fd, tmp = tempfile.mkstemp(dir=uploads, prefix=".upload-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        report = IngestReport()
        current = self.catalog.get(parsed.doc_id)
        version = _version(data, header=self.settings.embed_doc_header)
        if current is not None and current.version == version and current.registry_version == current.version:
            outcome: Outcome = "unchanged"
        else:
            outcome = self._commit(parsed, target, version=version, sha256=hashlib.sha256(data).hexdigest())
        setattr(report, outcome, 1)
        if parsed.notes:
            report.notes.append(f"{name}: {'; '.join(parsed.notes)}")
        self._fill_counts(report)
        report.seconds = round(time.perf_counter() - started, 3)
        return report

    def delete(self, doc_id: str) -> None:
        """Remove a document everywhere (catalog first: it decides what is live)."""
        self.catalog.delete_document(doc_id)
        self.store.delete_document(doc_id)
        self.registry.delete_document(doc_id)

    def reconcile(self) -> None:
        """Repair what a crash may have left: stale vectors, a registry behind the catalog."""
        live = self.catalog.versions()
        stale = spare_in_flight(self.catalog, self.store, self.store.stale_ids(live))
        if stale:
            log.info("removing %d stale vectors", len(stale))
            self.store.delete_ids(stale)
        for doc_id in set(self.registry.documents()) - set(live):
            self.registry.delete_document(doc_id)
        for record in self.catalog.documents():
            if record.registry_version != record.version:
                self.registry.replace_document(record.doc_id, extract_directives(record.meta, record.tree.walk()))
                self.catalog.mark_registry(record.doc_id, record.version)
