"""Read a PDF: the text layer of each page (pypdf), OCR for pages that are only images (scans).

A page whose text layer has fewer than `MIN_PAGE_LETTERS` letters (or is mostly undecodable) and that shows an
image goes through OCR (`rag.ocr`); a bare page number at the top or bottom of a page is dropped. Pages are joined
with a single line break: a page break is not a paragraph break (the normaliser reflows what the page cut).
"""

from __future__ import annotations

import io
import logging
import re
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rag import ocr
from rag.layout import PAGE_NUMBER_RE
from rag.loader_errors import unreadable

log = logging.getLogger(__name__)

MIN_PAGE_LETTERS = 40  # fewer letters than this on a page that shows an image: a scan, OCR it
_MAX_XOBJECT_DEPTH = 4

# progress(page, pages, method): method is "text" (text layer), "ocr" or "skipped" (an image page not read).
Progress = Callable[[int, int, str], None]


@dataclass
class PdfText:
    text: str
    pages: int
    ocr_pages: int = 0
    notes: list[str] = field(default_factory=list)


def _letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


def _meaningful(text: str) -> bool:
    """A real text layer: enough letters, and not mostly undecodable glyphs."""
    letters = _letters(text)
    if letters < MIN_PAGE_LETTERS:
        return False
    junk = sum(ch == "\ufffd" or unicodedata.category(ch) in ("Co", "Cc") for ch in text if ch not in "\n\t")
    return junk * 10 <= letters


def _has_images(resources: Any, depth: int = 0) -> bool:
    """Whether a page's (or form's) resources draw an image, looking into form XObjects."""
    try:
        resources = resources.get_object() if resources is not None else None
        xobjects = resources.get("/XObject") if resources is not None else None
        if xobjects is None:
            return False
        for ref in xobjects.get_object().values():
            obj = ref.get_object()
            subtype = obj.get("/Subtype")
            if subtype == "/Image":
                return True
            if subtype == "/Form" and depth < _MAX_XOBJECT_DEPTH and _has_images(obj.get("/Resources"), depth + 1):
                return True
    except Exception as exc:  # broken resource dictionaries: treat as no image
        log.debug("cannot inspect page resources: %s", exc)
    return False


def _has_inline_image(page: Any) -> bool:
    """Whether the page's content stream draws an inline image (BI … ID … EI), as some scanners write."""
    try:
        contents = page.get_contents()
        data = contents.get_data() if contents is not None else b""
    except Exception as exc:  # an undecodable content stream: no image we could render anyway
        log.debug("cannot read page contents: %s", exc)
        return False
    return re.search(rb"(?:^|\s)BI\s.*?\sID\s", data, re.DOTALL) is not None


def strip_page_number(text: str) -> str:
    """Drop a bare page number ("2", "- 2 -", "Trang 2", "Trang 2/5") on the first or last line of a page."""
    lines = text.strip("\n").split("\n")
    for index in (0, -1):
        if lines and PAGE_NUMBER_RE.match(lines[index].strip()):
            lines.pop(index)
    return "\n".join(lines).strip("\n")


COLUMN_GAP = ocr.COLUMN_GAP  # spaces (layout text) that separate two columns of a header or signature table
_WORD_RE = re.compile(r"\w+")
_LIGATURE_RE = re.compile("[\ufb00-\ufb06]")  # ﬁ ﬂ ﬀ ﬃ ﬄ: typographic ligatures some PDF producers emit
_SEGMENT_RE = re.compile(rf"\S+(?:\s{{1,{COLUMN_GAP - 1}}}\S+)*")
_RUN_GAP = 3  # lines that may separate two split lines of one table (blank lines, a single-column line)
_TAIL_LINES = 8  # lines after a table's last split line that may still continue its right column (signer name)


def _segments(line: str) -> list[tuple[int, str]]:
    """(start column, text) of the parts of a layout line separated by at least COLUMN_GAP spaces."""
    out: list[tuple[int, str]] = []
    for m in _SEGMENT_RE.finditer(line):
        out.append((m.start(), re.sub(r"\s+", " ", m.group())))
    return out


def _two_cells(segments: list[tuple[int, str]]) -> bool:
    """Two table cells side by side: exactly two parts, each of several words. A justified line stretched wide
    (every gap large: one word per part) or a line with three or more wide gaps is not a table row."""
    return len(segments) == 2 and all(" " in text for _, text in segments)


def untangle_columns(text: str) -> str:
    """Layout-mode text → reading order: a block of lines laid out in two columns (the header table "ỦY BAN… |
    CỘNG HÒA…", "Số: … | …, ngày…"; the "Nơi nhận | signature" table) comes out left column first, then right
    column, one part per line; every other line has its spacing collapsed."""
    lines = [_segments(line) for line in text.split("\n")]
    split = [i for i, segs in enumerate(lines) if _two_cells(segs)]
    order: list[str] = []
    done = 0
    k = 0
    while k < len(split):
        first = last = split[k]
        while k + 1 < len(split) and split[k + 1] - last <= _RUN_GAP:
            k += 1
            last = split[k]
        k += 1
        column = min(lines[i][1][0] for i in split if first <= i <= last)
        # Below the last two-column line one column may go on alone (the Nơi nhận list on the left, the signer's
        # name on the right after the blank space for the signature): take lines up to the last right-column one.
        end = min(len(lines), last + 1 + _TAIL_LINES, split[k] if k < len(split) else len(lines))
        for i in range(last + 1, end):
            if len(lines[i]) == 1 and lines[i][0][0] >= column - 2:
                last = i
        order.extend(" ".join(seg for _, seg in segs) for segs in lines[done:first])
        left = [seg for segs in lines[first : last + 1] for start, seg in segs if start < column - 2]
        right = [seg for segs in lines[first : last + 1] for start, seg in segs if start >= column - 2]
        order.extend(left + right)
        done = last + 1
    order.extend(" ".join(seg for _, seg in segs) for segs in lines[done:])
    return re.sub(r"\n{3,}", "\n\n", "\n".join(order)).strip("\n")


def _page_list(pages: list[int]) -> str:
    """'3', '3, 5, 8' or, for many pages, '51–60 (10 trang)'."""
    if len(pages) <= 8:
        return ", ".join(str(p) for p in pages)
    return f"{pages[0]}–{pages[-1]} ({len(pages)} trang)"


def _page_text(page: Any) -> str:
    """The text layer of a page in layout mode (columns kept apart by spaces), checked against plain mode: a
    line of glyphs layout mode repeats is dropped; if layout mode loses words, plain mode is used."""
    plain = page.extract_text() or ""
    try:
        layout = page.extract_text(extraction_mode="layout") or ""
    except Exception as exc:  # layout mode is stricter about odd fonts and matrices
        log.debug("layout extraction failed (%s), plain mode", exc)
        return plain
    return reconcile_layout(layout, plain)


def reconcile_layout(layout: str, plain: str) -> str:
    """`layout` without the lines whose words are all extra compared with `plain` (pypdf's layout mode may
    repeat glyphs drawn apart, e.g. an accented capital, on a line of their own); `plain` if layout lost words."""
    want = Counter(_WORD_RE.findall(plain))
    have = Counter(_WORD_RE.findall(layout))
    if have == want:
        return layout
    if sum((want - have).values()) > max(3, 0.02 * sum(want.values())):
        log.debug("layout mode lost words, plain mode used")
        return plain
    surplus = have - want
    out: list[str] = []
    for line in layout.split("\n"):
        words = Counter(_WORD_RE.findall(line))
        if words and not words - surplus:
            surplus -= words
            continue
        out.append(line)
    return "\n".join(out)


def read_pdf(name: str, data: bytes, progress: Progress | None = None) -> PdfText:
    """The text of a PDF, OCR where a page is a scan; notes (Vietnamese) say which pages were read how."""
    try:
        from pypdf import PdfReader
    except ImportError as exc:  # pragma: no cover - pypdf is a dependency
        raise unreadable(name, "pypdf missing", "máy chủ thiếu thư viện đọc PDF") from exc
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                reader.decrypt("")
            except Exception as exc:
                raise unreadable(name, "encrypted PDF", "tệp PDF được mã hóa") from exc
        layers = [(_page_text(page), page.get("/Resources")) for page in reader.pages]
    except Exception as exc:  # pypdf raises PdfReadError, ValueError, KeyError... on broken files
        if getattr(exc, "user_message", None):
            raise
        raise unreadable(name, f"corrupt .pdf ({type(exc).__name__}: {exc})", "tệp PDF bị hỏng") from exc

    total = len(layers)
    texts: list[str] = [re.sub(r"[ \t]+\n", "\n", text) for text, _ in layers]
    scans = [
        i
        for i, (text, res) in enumerate(layers)
        if not _meaningful(text) and (_has_images(res) or _has_inline_image(reader.pages[i]))
    ]
    result = PdfText(text="", pages=total)
    missing = ocr.ocr_unavailable() if scans else None
    if scans and missing is not None:
        if not any(_meaningful(t) for t in texts):
            raise unreadable(
                name,
                f"scanned PDF without a text layer and OCR unavailable: {missing}",
                "tệp PDF là bản scan (ảnh chụp, không có lớp chữ) và máy chủ chưa cài phần mềm nhận dạng chữ "
                "(OCR: tesseract-ocr, tesseract-ocr-vie)",
            )
        log.warning("%s: %d scanned page(s) skipped: %s", name, len(scans), missing)
        result.notes.append(f"trang {_page_list([i + 1 for i in scans])}: là ảnh scan, chưa cài OCR nên bỏ qua")
        scans = []
    over = scans[ocr.OCR_MAX_PAGES :]
    to_ocr = set(scans[: ocr.OCR_MAX_PAGES])
    with tempfile.TemporaryDirectory(prefix="planbot-pdf-") as tmp:
        path = Path(tmp) / "document.pdf"
        if to_ocr:
            path.write_bytes(data)
        for index in range(total):
            if index in to_ocr:
                _ocr_page(name, path, index, total, texts, result, progress)
            else:
                log.debug("%s: page %d/%d %s", name, index + 1, total, "skipped" if index in over else "text layer")
                if progress is not None:
                    progress(index + 1, total, "skipped" if index in over else "text")
    if over:
        pages = [i + 1 for i in over]
        log.warning("%s: pages %s not OCR'd (cap %d pages)", name, _page_list(pages), ocr.OCR_MAX_PAGES)
        result.notes.append(
            f"trang {_page_list(pages)}: không nhận dạng chữ (vượt giới hạn {ocr.OCR_MAX_PAGES} trang OCR mỗi tệp)"
        )
    texts = [_LIGATURE_RE.sub(lambda m: unicodedata.normalize("NFKC", m.group()), t) for t in texts]
    result.text = untangle_columns("\n".join(t for t in (strip_page_number(t) for t in texts) if t))
    return result


def _ocr_page(
    name: str, path: Path, index: int, total: int, texts: list[str], result: PdfText, progress: Progress | None
) -> None:
    """OCR page `index` into texts[index]; a failure becomes a note, not an error."""
    page = index + 1
    try:
        text = ocr.ocr_pdf_page(path, page)
    except ocr.OcrError as exc:
        log.warning("%s: OCR of page %d/%d failed: %s", name, page, total, exc)
        result.notes.append(f"trang {page}: không nhận dạng được chữ (OCR lỗi hoặc quá thời gian)")
        if progress is not None:
            progress(page, total, "skipped")
        return
    log.info("%s: page %d/%d read by OCR (%d chars)", name, page, total, len(text))
    if _letters(text) < _letters(texts[index]):  # a short text page with a seal or logo: its own text is better
        log.info("%s: page %d keeps its text layer (OCR read less)", name, page)
        if progress is not None:
            progress(page, total, "text")
        return
    texts[index] = text
    result.ocr_pages += 1
    result.notes.append(f"trang {page}: nhận dạng chữ (OCR)")
    if progress is not None:
        progress(page, total, "ocr")
