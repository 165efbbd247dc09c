"""End to end with the normalisation stage (rag.normalize, branch h-norm): a plan read from .docx, a text PDF and a
scan gives, after normalisation, the metadata and headings of its plain-text version normalised the same way.
Skipped until rag.normalize is merged."""

from __future__ import annotations

import shutil

import pytest

from rag import ocr
from rag.loaders import load_document
from rag.metadata import extract_metadata
from rag.structure import parse_sections
from tests.rag.helpers.documents import FONT, FONT_BOLD, plain_text, plan_docx, scanned_pdf, text_pdf

normalize = pytest.importorskip("rag.normalize", reason="rag.normalize (branch h-norm) is not merged yet")


def summary(text: str) -> tuple[tuple[str | None, ...], list[str]]:
    clean = normalize.normalize_document(text).text
    root = parse_sections(clean)
    meta = extract_metadata(clean, root, doc_id="d", filename="d")
    return (meta.title, meta.number, meta.date, meta.issuer, meta.signer), [s.heading for s in root.walk()]


fonts = pytest.mark.skipif(not (FONT.exists() and FONT_BOLD.exists()), reason="DejaVu fonts missing")


@pytest.mark.unit
@pytest.mark.parametrize(
    "name, build",
    [("ke-hoach.docx", plan_docx), pytest.param("ke-hoach.pdf", text_pdf, marks=fonts)],
)
def test_normalised_formats_agree(name: str, build: object) -> None:
    assert callable(build)
    assert summary(load_document(name, build()).text) == summary(plain_text())


@pytest.mark.integration
@fonts
@pytest.mark.skipif(shutil.which("tesseract") is None or ocr.ocr_unavailable() is not None, reason="OCR missing")
def test_normalised_scan_agrees() -> None:
    assert summary(load_document("scan.pdf", scanned_pdf()).text) == summary(plain_text())
