"""One parse pipeline for a document: bytes → loaded text → normalised text → section tree → metadata → chunks.

Used by ingestion (and by the benchmark) so that every path reads a document the same way. The normalised
text is the document text from here on: section offsets, chunk offsets and quotes index it (see the verbatim
contract in `rag.normalize`).

Errors: a loader error (unsupported, empty, corrupt file) is raised as it is (a `PlanbotError`). Any other
failure in a later stage is a bug or an input we do not handle; it is logged with its traceback and raised as
`DocumentParseError` (a `DocumentReadError`, so the API answers 422) with a Vietnamese message naming the file.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from rag.chunking import make_chunks
from rag.errors import DocumentReadError, PlanbotError
from rag.injection import flag_injections
from rag.loaders import load_document
from rag.metadata import extract_metadata
from rag.normalize import normalize_document
from rag.outline import parse_sections
from rag.types import Chunk, DocumentMeta, Section

log = logging.getLogger(__name__)

T = TypeVar("T")

# Stage names in user messages (Vietnamese) and logs (English).
_STAGES = {
    "normalise": "chuẩn hóa văn bản",
    "sections": "phân tích cấu trúc mục",
    "metadata": "trích xuất thông tin văn bản",
    "chunks": "chia đoạn",
}


class DocumentParseError(DocumentReadError):
    """A document that loaded but could not be normalised, parsed or chunked."""

    user_message = "Không phân tích được nội dung tệp."


@dataclass
class ParsedDocument:
    """Everything ingestion needs about one document, from its bytes."""

    doc_id: str
    filename: str
    text: str  # the normalised text: offsets of sections and chunks index it
    root: Section
    meta: DocumentMeta
    chunks: list[Chunk]
    notes: list[str] = field(default_factory=list)  # Vietnamese, for the ingest report


def _stage(name: str, filename: str, fn: Callable[[], T]) -> T:
    """Run one stage; an unexpected exception becomes a DocumentParseError (traceback logged)."""
    try:
        return fn()
    except PlanbotError:
        raise
    except Exception as exc:
        log.exception("parsing %s failed at stage %s", filename, name)
        raise DocumentParseError(
            f"cannot parse {filename} ({name}: {type(exc).__name__}: {exc})",
            user_message=f"Không phân tích được tệp «{filename}» (lỗi ở bước {_STAGES[name]}).",
        ) from exc


def parse_document(filename: str, data: bytes, *, doc_id: str) -> ParsedDocument:
    """Load, normalise, parse, extract metadata and chunk one document."""
    loaded = load_document(filename, data)
    normalised = _stage("normalise", filename, lambda: normalize_document(loaded.text))
    text = normalised.text
    if not text.strip():
        raise DocumentParseError(
            f"no text left in {filename} after normalisation",
            user_message=f"Tệp «{filename}» không có nội dung văn bản.",
        )
    root = _stage("sections", filename, lambda: parse_sections(text))
    meta = _stage("metadata", filename, lambda: extract_metadata(text, root, doc_id=doc_id, filename=filename))
    chunks = _stage("chunks", filename, lambda: make_chunks(root, meta))
    flagged = flag_injections(root.walk())
    if flagged:
        log.warning("%s: %d instruction-like line(s) flagged; they are never quoted", filename, len(flagged))
    return ParsedDocument(
        doc_id=doc_id,
        filename=filename,
        text=text,
        root=root,
        meta=meta,
        chunks=chunks,
        # how it was read (OCR pages...), what was normalised, then instruction-like lines (never quoted)
        notes=[*loaded.notes, *normalised.notes, *(f"dòng giống câu lệnh, không bao giờ được trích dẫn: {f}"
                                                   for f in flagged)],
    )
