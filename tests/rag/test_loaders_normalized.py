"""End to end through the one parse pipeline (`rag.parsing.parse_document`: load → normalise → sections →
metadata): a plan as an office .docx, a hard-wrapped text PDF and a scanned PDF gives the metadata and section
headings of its plain-text version."""

from __future__ import annotations

import shutil
from collections.abc import Callable

import pytest

from rag import ocr
from rag.parsing import parse_document
from tests.rag.helpers.documents import plain_text, plan_docx
from tests.rag.helpers.pdfs import FONT, FONT_BOLD, scanned_pdf, text_pdf

FIELDS = ("title", "doc_type", "number", "date", "issuer", "place", "province", "signer", "signer_title")


def summary(filename: str, data: bytes) -> tuple[dict[str, object], list[str]]:
    parsed = parse_document(filename, data, doc_id="d")
    return {f: getattr(parsed.meta, f) for f in FIELDS}, [s.heading for s in parsed.root.walk()]


def reference() -> tuple[dict[str, object], list[str]]:
    return summary("ke-hoach.txt", plain_text().encode("utf-8"))


fonts = pytest.mark.skipif(not (FONT.exists() and FONT_BOLD.exists()), reason="DejaVu fonts missing")


@pytest.mark.unit
def test_reference_is_what_the_plan_says() -> None:
    meta, headings = reference()
    assert meta["number"] == "145/KH-UBND" and meta["date"] == "2025-08-18" and meta["signer"] == "Nguyễn Văn An"
    assert meta["issuer"] == "Ủy ban nhân dân tỉnh Gia Lai"
    assert {"I. MỤC ĐÍCH, YÊU CẦU", "III. TỔ CHỨC THỰC HIỆN"} <= set(headings)


@pytest.mark.unit
@pytest.mark.parametrize(
    "filename, build",
    [("ke-hoach.docx", plan_docx), pytest.param("ke-hoach.pdf", text_pdf, marks=fonts)],
)
def test_office_formats_parse_like_the_text_version(filename: str, build: Callable[[], bytes]) -> None:
    assert summary(filename, build()) == reference()


@pytest.mark.integration
@fonts
@pytest.mark.skipif(shutil.which("tesseract") is None or ocr.ocr_unavailable() is not None, reason="OCR missing")
def test_scan_parses_like_the_text_version() -> None:
    assert summary("scan.pdf", scanned_pdf()) == reference()
