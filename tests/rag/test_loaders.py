"""Loaders: every supported format, and every way a file can be unreadable."""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path

import pytest

from rag.errors import DocumentReadError, UnsupportedDocumentError
from rag.loaders import SUPPORTED_SUFFIXES, load_bytes, load_text

pytestmark = pytest.mark.unit

SAMPLE = "KẾ HOẠCH\nTuyên truyền về công tác xây dựng Đảng\n\nI. MỤC ĐÍCH, YÊU CẦU\n- Nâng cao nhận thức.\n"


def make_docx(paragraphs: list[str], table: list[list[str]] | None = None) -> bytes:
    """A small .docx built with python-docx: paragraphs, then an optional table, then a closing line."""
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    document.add_paragraph("Nơi nhận:")
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def make_pdf(lines: list[str]) -> bytes:
    """A minimal valid one-page PDF (Helvetica, ASCII text), written by hand."""
    ops = ["BT", "/F1 12 Tf", "72 720 Td", "14 TL"]
    for line in lines:
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        ops.append(f"({escaped}) Tj T*")
    ops.append("ET")
    content = "\n".join(ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_supported_suffixes() -> None:
    assert SUPPORTED_SUFFIXES == (".txt", ".md", ".docx", ".pdf")


def test_txt_as_written(tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_bytes(SAMPLE.encode("utf-8"))
    assert load_text(path) == SAMPLE


def test_txt_bom_crlf_and_nfd(tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    nfd = unicodedata.normalize("NFD", SAMPLE).replace("\n", "\r\n")
    path.write_bytes(b"\xef\xbb\xbf" + nfd.encode("utf-8"))
    text = load_text(path)
    assert text == SAMPLE  # BOM stripped, NFC, '\n' line ends
    assert not text.startswith("\ufeff")


def test_md(tmp_path: Path) -> None:
    path = tmp_path / "plan.md"
    path.write_text("# KẾ HOẠCH\n\n**I. MỤC ĐÍCH**\n", encoding="utf-8")
    assert load_text(path) == "# KẾ HOẠCH\n\n**I. MỤC ĐÍCH**\n"


def test_uppercase_suffix(tmp_path: Path) -> None:
    path = tmp_path / "PLAN.TXT"
    path.write_text(SAMPLE, encoding="utf-8")
    assert load_text(path) == SAMPLE


def test_docx_paragraphs_and_table_cells(tmp_path: Path) -> None:
    data = make_docx(
        ["KẾ HOẠCH", "Tuyên truyền về công tác xây dựng Đảng"],
        table=[["Số: 12/KH-ABC", "Lai Châu, ngày 10 tháng 7 năm 2023"]],
    )
    path = tmp_path / "plan.docx"
    path.write_bytes(data)
    text = load_text(path)
    assert text == (
        "KẾ HOẠCH\nTuyên truyền về công tác xây dựng Đảng\nSố: 12/KH-ABC\n"
        "Lai Châu, ngày 10 tháng 7 năm 2023\nNơi nhận:"
    )
    assert load_bytes("upload.docx", data) == text


def test_pdf_pages(tmp_path: Path) -> None:
    data = make_pdf(["KE HOACH so 464/KH-LDLD", "I. MUC DICH (thu nghiem)"])
    path = tmp_path / "plan.pdf"
    path.write_bytes(data)
    text = load_text(path)
    assert "KE HOACH so 464/KH-LDLD" in text
    assert "I. MUC DICH (thu nghiem)" in text
    assert text.index("KE HOACH") < text.index("MUC DICH")
    assert load_bytes("plan.pdf", data) == text


def test_load_bytes_txt() -> None:
    assert load_bytes("x/y/plan.md", SAMPLE.encode("utf-8")) == SAMPLE


@pytest.mark.parametrize("name", ["plan.doc", "plan.rtf", "plan", "plan.html", "plan.txt.exe"])
def test_unsupported_suffix(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"hello")
    with pytest.raises(UnsupportedDocumentError) as exc:
        load_text(path)
    assert name in str(exc.value) and name in exc.value.user_message
    with pytest.raises(UnsupportedDocumentError):
        load_bytes(name, b"hello")


@pytest.mark.parametrize("content", [b"", b"   \n\t\r\n  ", b"\xef\xbb\xbf", b"\xef\xbb\xbf  \n"])
def test_empty_or_whitespace_txt(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    with pytest.raises(DocumentReadError) as exc:
        load_text(path)
    assert "empty.txt" in str(exc.value)
    assert "empty.txt" in exc.value.user_message


@pytest.mark.parametrize(
    "content",
    [
        b"K\xea ho\xe1ch tuy\xean truy\xe0n",  # an 8-bit legacy code page
        "Kế hoạch".encode("utf-16"),
        b"K\xe1\xba\xbf ho\xe1\xba",  # UTF-8 cut in the middle of a character
    ],
)
def test_non_utf8_txt(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "legacy.txt"
    path.write_bytes(content)
    with pytest.raises(DocumentReadError) as exc:
        load_text(path)
    assert "legacy.txt" in str(exc.value) and "UTF-8" in str(exc.value)
    assert "legacy.txt" in exc.value.user_message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DocumentReadError) as exc:
        load_text(tmp_path / "missing.txt")
    assert "missing.txt" in exc.value.user_message


@pytest.mark.parametrize(
    "data",
    [b"not a zip at all", b"PK\x03\x04broken zip", b""],
)
def test_corrupt_docx(data: bytes) -> None:
    with pytest.raises(DocumentReadError) as exc:
        load_bytes("broken.docx", data)
    assert "broken.docx" in str(exc.value) and "broken.docx" in exc.value.user_message


def test_zip_that_is_not_a_docx() -> None:
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "xin chào")
    with pytest.raises(DocumentReadError):
        load_bytes("fake.docx", buf.getvalue())


def test_docx_without_text() -> None:
    import docx

    buf = io.BytesIO()
    docx.Document().save(buf)
    with pytest.raises(DocumentReadError) as exc:
        load_bytes("blank.docx", buf.getvalue())
    assert "blank.docx" in exc.value.user_message


@pytest.mark.parametrize("data", [b"%PDF-1.4\n garbage without objects", b"just text, not a pdf", b""])
def test_corrupt_pdf(data: bytes) -> None:
    with pytest.raises(DocumentReadError) as exc:
        load_bytes("broken.pdf", data)
    assert "broken.pdf" in str(exc.value) and "broken.pdf" in exc.value.user_message


def test_pdf_without_text() -> None:
    with pytest.raises(DocumentReadError):
        load_bytes("scan.pdf", make_pdf([]))


def test_corpus_files_load(tmp_path: Path) -> None:
    corpus = Path(__file__).resolve().parents[2] / "corpus"
    files = sorted(corpus.glob("*.txt"))
    assert len(files) == 5
    for path in files:
        text = load_text(path)
        assert text == unicodedata.normalize("NFC", text) and "\r" not in text
        assert len(text) > 1000
