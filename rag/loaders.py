"""Read documents (.txt, .md, .docx, .pdf) into text as written (NFC, '\\n' line ends, no BOM).

`load_document` is the full interface (text + per-page notes for the ingest report + OCR page count);
`load_bytes` / `load_text` are thin wrappers returning the text only. Formats: UTF-8 text; .docx through
`rag.docx_reader` (Word auto-numbering restored, header tables in reading order, zip bomb guard); .pdf through
`rag.pdf_reader` (text layer, OCR of scanned pages through `rag.ocr`).
"""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from rag.docx_reader import read_docx
from rag.loader_errors import unreadable, unsupported
from rag.pdf_reader import Progress, read_pdf

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = (".txt", ".md", ".docx", ".pdf")

__all__ = ["SUPPORTED_SUFFIXES", "LoadedDocument", "Progress", "load_bytes", "load_document", "load_text"]


@dataclass(frozen=True)
class LoadedDocument:
    """A document's text plus how it was read.

    notes: Vietnamese lines for the ingest report ("trang 3: nhận dạng chữ (OCR)"); ocr_pages: pages read by OCR;
    pages: PDF page count (None for other formats).
    """

    text: str
    notes: list[str] = field(default_factory=list)
    ocr_pages: int = 0
    pages: int | None = None
    fmt: str = ""


def _finish(name: str, text: str) -> str:
    """NFC, '\\n' line ends, no BOM; refuse an empty result."""
    text = text.lstrip("\ufeff")
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise unreadable(name, "no text (empty or whitespace only)", "tệp rỗng hoặc không có nội dung chữ")
    return text


def _decode_text(name: str, data: bytes) -> str:
    """Strict UTF-8 (a BOM is fine)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8", errors="strict")
    except UnicodeDecodeError as exc:
        raise unreadable(name, f"not valid UTF-8 at byte {exc.start}", "tệp không phải văn bản UTF-8") from exc


def load_document(filename: str, data: bytes, *, progress: Progress | None = None) -> LoadedDocument:
    """Read an uploaded document (the suffix of `filename` decides the format).

    `progress(page, pages, method)` is called once per PDF page, method "text", "ocr" or "skipped".
    Raises UnsupportedDocumentError / DocumentReadError with a Vietnamese `user_message`.
    """
    name = Path(filename).name or filename
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise unsupported(name)
    if not data:
        raise unreadable(name, "empty file", "tệp rỗng")
    if suffix in (".txt", ".md"):
        return LoadedDocument(_finish(name, _decode_text(name, data)), fmt=suffix)
    if suffix == ".docx":
        return LoadedDocument(_finish(name, read_docx(name, data)), fmt=suffix)
    pdf = read_pdf(name, data, progress)
    return LoadedDocument(_finish(name, pdf.text), list(pdf.notes), pdf.ocr_pages, pdf.pages, suffix)


def load_bytes(filename: str, data: bytes) -> str:
    """Text of an uploaded document (the suffix of `filename` decides the format)."""
    return load_document(filename, data).text


def load_text(path: Path) -> str:
    """Text of a document on disk."""
    path = Path(path)
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise unsupported(path.name)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise unreadable(path.name, f"{type(exc).__name__}: {exc}", "không mở được tệp") from exc
    return load_bytes(path.name, data)
