"""Read documents (.txt, .md, .docx, .pdf) into text as written (NFC, '\\n' line ends, no BOM)."""

from __future__ import annotations

import io
import logging
import re
import unicodedata
import zipfile
from pathlib import Path
from typing import Any

from rag.errors import DocumentReadError, UnsupportedDocumentError

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = (".txt", ".md", ".docx", ".pdf")


def _unsupported(name: str) -> UnsupportedDocumentError:
    """The error for a suffix we cannot read."""
    return UnsupportedDocumentError(
        f"unsupported document type: {name}",
        user_message=f"Tệp “{name}” có định dạng không được hỗ trợ. Hãy gửi tệp .txt, .md, .docx hoặc .pdf.",
    )


def _unreadable(name: str, reason: str, user_reason: str) -> DocumentReadError:
    """The error for a file we cannot read, with a Vietnamese reason for the user."""
    return DocumentReadError(
        f"cannot read document {name}: {reason}",
        user_message=f"Không đọc được tệp “{name}”: {user_reason}.",
    )


def _finish(name: str, text: str) -> str:
    """NFC, '\\n' line ends, no BOM; refuse an empty result."""
    text = text.lstrip("\ufeff")
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise _unreadable(name, "no text (empty or whitespace only)", "tệp rỗng hoặc không có nội dung chữ")
    return text


def _decode_text(name: str, data: bytes) -> str:
    """Strict UTF-8 (a BOM is fine)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8", errors="strict")
    except UnicodeDecodeError as exc:
        raise _unreadable(
            name, f"not valid UTF-8 at byte {exc.start}", "tệp không phải văn bản UTF-8"
        ) from exc


def _iter_docx_blocks(document: Any) -> list[str]:
    """Paragraphs and table cells of a python-docx Document, in body order."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    out: list[str] = []

    def table_lines(table: Table) -> None:
        """Append the paragraphs of every cell of `table` (nested tables included)."""
        for row in table.rows:
            seen: set[int] = set()
            for cell in row.cells:
                if id(cell._tc) in seen:  # merged cells repeat
                    continue
                seen.add(id(cell._tc))
                for block in cell.iter_inner_content():
                    if isinstance(block, Paragraph):
                        out.append(block.text)
                    else:
                        table_lines(block)

    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            out.append(block.text)
        else:
            table_lines(block)
    return out


def _read_docx(name: str, data: bytes) -> str:
    """Paragraphs and table cells of a .docx, one per line."""
    try:
        import docx
    except ImportError as exc:  # pragma: no cover - python-docx is a dependency
        raise _unsupported(name) from exc
    try:
        document = docx.Document(io.BytesIO(data))
        return "\n".join(_iter_docx_blocks(document))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise _unreadable(name, f"corrupt .docx ({type(exc).__name__}: {exc})", "tệp .docx bị hỏng") from exc
    except Exception as exc:  # python-docx raises assorted errors (lxml, PackageNotFoundError...)
        raise _unreadable(name, f"corrupt .docx ({type(exc).__name__}: {exc})", "tệp .docx bị hỏng") from exc


def _read_pdf(name: str, data: bytes) -> str:
    """Text of every page of a PDF (pypdf), pages separated by a blank line."""
    try:
        from pypdf import PdfReader
    except ImportError as exc:  # pragma: no cover - pypdf is a dependency
        raise _unsupported(name) from exc
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                reader.decrypt("")
            except Exception as exc:
                raise _unreadable(name, "encrypted PDF", "tệp PDF được mã hóa") from exc
        pages = [(page.extract_text() or "") for page in reader.pages]
    except DocumentReadError:
        raise
    except Exception as exc:  # pypdf raises PdfReadError, ValueError, KeyError... on broken files
        raise _unreadable(name, f"corrupt .pdf ({type(exc).__name__}: {exc})", "tệp PDF bị hỏng") from exc
    text = "\n\n".join(p.strip("\n") for p in pages)
    return re.sub(r"[ \t]+\n", "\n", text)


def load_bytes(filename: str, data: bytes) -> str:
    """Text of an uploaded document (the suffix of `filename` decides the format)."""
    name = Path(filename).name or filename
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise _unsupported(name)
    if not data:
        raise _unreadable(name, "empty file", "tệp rỗng")
    if suffix in (".txt", ".md"):
        text = _decode_text(name, data)
    elif suffix == ".docx":
        text = _read_docx(name, data)
    else:
        text = _read_pdf(name, data)
    return _finish(name, text)


def load_text(path: Path) -> str:
    """Text of a document on disk."""
    path = Path(path)
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise _unsupported(path.name)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _unreadable(path.name, f"{type(exc).__name__}: {exc}", "không mở được tệp") from exc
    return load_bytes(path.name, data)
