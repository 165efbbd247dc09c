"""OCR of scanned PDF pages: `pdftoppm` (poppler-utils) renders a page, Tesseract's Vietnamese model reads it.

Both are Debian packages (`poppler-utils`, `tesseract-ocr`, `tesseract-ocr-vie`) installed by scripts/install.sh
and the Dockerfile; they are called as subprocesses. Cost is bounded: at most `OCR_MAX_PAGES` pages per document,
`OCR_PAGE_TIMEOUT_S` seconds per page (render + recognition, the child is killed past it), pages rendered with the
long side scaled to `OCR_LONG_SIDE_PX` (an A4 page at 300 dpi) whatever the page size, and Tesseract limited to one
thread so an upload cannot take every core of the server.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

OCR_LANG = "vie"
OCR_MAX_PAGES = 50
OCR_PAGE_TIMEOUT_S = 90.0
OCR_LONG_SIDE_PX = 3508  # A4 at 300 dpi, Tesseract's sweet spot
_PROBE_TIMEOUT_S = 20.0
COLUMN_GAP = 6  # layout text: at least this many spaces separate two columns on one line (pdf_reader reads it)
_MIN_PUNCT_CONF = 60.0  # a word without letters or digits read with less confidence is noise...
_BULLETS = {"-", "–", "—", "+", "•", "*"}  # ...unless it is an item's bullet
_COLUMN_GAP_HEIGHTS = 2.5  # a gap between words wider than this many line heights separates columns


class OcrError(Exception):
    """A page could not be recognised (tool failed or timed out); str() is English, for logs."""


def ocr_unavailable() -> str | None:
    """Why OCR cannot run here (English, for logs), or None when pdftoppm and Tesseract with 'vie' are present."""
    if shutil.which("pdftoppm") is None:
        return "pdftoppm (Debian poppler-utils) is not installed"
    tesseract = shutil.which("tesseract")
    if tesseract is None:
        return "tesseract (Debian tesseract-ocr) is not installed"
    try:
        probe = subprocess.run(
            [tesseract, "--list-langs"], capture_output=True, timeout=_PROBE_TIMEOUT_S, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"tesseract does not run ({type(exc).__name__}: {exc})"
    langs = {line.strip() for line in (probe.stdout + probe.stderr).decode("utf-8", "replace").splitlines()}
    if OCR_LANG not in langs:
        return f"the Tesseract '{OCR_LANG}' model (Debian tesseract-ocr-{OCR_LANG}) is not installed"
    return None


def _run(cmd: list[str], deadline: float, what: str, env: dict[str, str] | None = None) -> bytes:
    left = deadline - time.monotonic()
    if left <= 0:
        raise OcrError(f"{what}: page time limit ({OCR_PAGE_TIMEOUT_S:.0f} s) reached")
    try:
        done = subprocess.run(cmd, capture_output=True, timeout=left, check=False, env=env)
    except subprocess.TimeoutExpired as exc:
        raise OcrError(f"{what}: page time limit ({OCR_PAGE_TIMEOUT_S:.0f} s) reached") from exc
    except OSError as exc:
        raise OcrError(f"{what}: {type(exc).__name__}: {exc}") from exc
    if done.returncode != 0:
        err = done.stderr.decode("utf-8", "replace").strip()[-300:]
        raise OcrError(f"{what} exited with {done.returncode}: {err}")
    return done.stdout


def ocr_pdf_page(pdf: Path, page: int, *, timeout_s: float = OCR_PAGE_TIMEOUT_S) -> str:
    """The text Tesseract reads on 1-based `page` of the PDF file `pdf` (NFC, no form feed)."""
    deadline = time.monotonic() + timeout_s
    with tempfile.TemporaryDirectory(prefix="planbot-ocr-") as tmp:
        stem = Path(tmp) / "page"
        _run(
            ["pdftoppm", "-f", str(page), "-l", str(page), "-singlefile", "-gray", "-png",
             "-scale-to", str(OCR_LONG_SIDE_PX), str(pdf), str(stem)],
            deadline,
            f"pdftoppm page {page}",
        )
        image = stem.with_suffix(".png")
        if not image.exists():
            raise OcrError(f"pdftoppm page {page}: no image written")
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
        out = _run(
            ["tesseract", str(image), "stdout", "-l", OCR_LANG, "--psm", "1", "tsv"],
            deadline,
            f"tesseract page {page}",
            env,
        )
    return tsv_to_layout(unicodedata.normalize("NFC", out.decode("utf-8", "replace")))


@dataclass
class _Row:
    top: int
    bottom: int
    words: list[tuple[int, int, str]] = field(default_factory=list)  # (left, right, text)


def _beside(row: _Row, line: _Row) -> bool:
    """Whether `line` sits left or right of every word of `row` (another column), not under it (a skewed scan
    makes the next line of the same column overlap a long line's box)."""
    left = min(w[0] for w in line.words)
    right = max(w[1] for w in line.words)
    return all(right <= w[0] or left >= w[1] for w in row.words)


Box = tuple[int, int, int, int]  # left, top, width, height


def _upright_transform(records: list[list[str]]) -> Callable[[int, int, int, int], Box]:
    """Tesseract (--psm 1) reads a page scanned sideways or upside down but reports word boxes in the image's
    frame: find the reading direction from successive words of each line and map boxes to an upright page."""
    page_w = page_h = 0
    dx = dy = 0
    previous: dict[tuple[str, ...], tuple[float, float]] = {}
    for cols in records:
        left, top, width, height = (int(v) for v in cols[6:10])
        if cols[0] == "1":
            page_w, page_h = width, height
        elif cols[0] == "5" and cols[11].strip():
            centre = (left + width / 2, top + height / 2)
            key = tuple(cols[1:5])
            if key in previous:
                dx += round(centre[0] - previous[key][0])
                dy += round(centre[1] - previous[key][1])
            previous[key] = centre
    if abs(dx) >= abs(dy):
        if dx >= 0:
            return lambda left, top, width, height: (left, top, width, height)
        return lambda left, top, width, height: (page_w - left - width, page_h - top - height, width, height)
    if dy > 0:  # reads downwards: the page was turned a quarter clockwise
        return lambda left, top, width, height: (top, page_w - left - width, height, width)
    return lambda left, top, width, height: (page_h - top - height, left, height, width)


def tsv_to_layout(tsv: str) -> str:
    """Tesseract TSV → layout text like pypdf's layout mode: one line per visual row (lines Tesseract put in
    different blocks but at the same height are joined), words at columns proportional to their x, so that a
    two-column header ("ỦY BAN… | CỘNG HÒA…") keeps its columns apart by at least COLUMN_GAP spaces."""
    records = [cols for cols in (r.split("\t") for r in tsv.splitlines()[1:]) if len(cols) >= 12]
    to_upright = _upright_transform(records)
    lines: dict[tuple[str, ...], _Row] = {}
    widths: list[float] = []
    for cols in records:
        if cols[0] != "5" or not cols[11].strip():
            continue
        left, top, width, height = to_upright(*(int(v) for v in cols[6:10]))
        text = cols[11].strip().strip("_")  # underscores are specks glued to a word, never Vietnamese text
        if not text:
            continue
        if not any(ch.isalnum() for ch in text) and text not in _BULLETS and float(cols[10] or 0) < _MIN_PUNCT_CONF:
            continue  # a speck of dust read as "_", "|", "~"
        row = lines.setdefault(tuple(cols[1:5]), _Row(top, top + height))
        row.top, row.bottom = min(row.top, top), max(row.bottom, top + height)
        row.words.append((left, left + width, text))
        widths.append(width / max(len(text), 1))
    if not lines:
        return ""
    char_w = max(sorted(widths)[len(widths) // 2], 1.0)
    rows: list[_Row] = []
    for line in sorted(lines.values(), key=lambda r: (r.top + r.bottom) / 2):
        middle = (line.top + line.bottom) / 2
        if rows and rows[-1].top <= middle <= rows[-1].bottom and _beside(rows[-1], line):
            rows[-1].words.extend(line.words)
            rows[-1].bottom = max(rows[-1].bottom, line.bottom)
        else:
            rows.append(line)
    heights = sorted(r.bottom - r.top for r in rows)
    line_h = max(heights[len(heights) // 2], 1)
    out: list[str] = []
    previous_bottom: int | None = None
    for row in rows:
        if previous_bottom is not None and row.top - previous_bottom > line_h:
            out.append("")  # a vertical gap: paragraph or block break
        previous_bottom = row.bottom
        text = ""
        right = 0
        for left, end, word in sorted(row.words):
            column = round(left / char_w)
            if not text:
                text = " " * column + word
            elif left - right > _COLUMN_GAP_HEIGHTS * line_h:
                text += " " * max(COLUMN_GAP, column - len(text)) + word
            else:
                text += " " + word
            right = end
        out.append(text)
    return "\n".join(out)
