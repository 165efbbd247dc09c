"""PDFs built at test time from the content model of `documents.py`: a hard-wrapped text PDF (fpdf2 + DejaVu),
a scanned PDF (pages rendered to images with Pillow + DejaVu, image-only pages), a browser-printed PDF of a real
document (headless Chromium); and the character error rate used to measure OCR.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.rag.helpers.documents import PLAN, Block, Table, labels

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT = FONT_DIR / "DejaVuSans.ttf"
FONT_BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"

# ---- page layout shared by the text PDF and the scan ---------------------------------------------------------

PAGE_W, PAGE_H = 210.0, 297.0  # A4, mm
MARGIN_L, MARGIN_R, MARGIN_T, MARGIN_B = 25.0, 15.0, 20.0, 25.0
FONT_PT = 13.0
LINE_MM = 7.0


@dataclass(frozen=True)
class Placed:
    page: int
    x: float  # mm, left of the text
    y: float  # mm, baseline
    text: str
    bold: bool


def _width_mm(text: str, bold: bool) -> float:
    from PIL import ImageFont

    font = ImageFont.truetype(str(FONT_BOLD if bold else FONT), 100)
    return font.getlength(text) / 100 * FONT_PT * 25.4 / 72


def _wrap(text: str, width: float, bold: bool) -> list[str]:
    """Greedy word wrap to `width` mm: the hard line breaks a PDF has."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if current and _width_mm(candidate, bold) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    return [*lines, current] if current else lines


def layout(blocks: Sequence[Block] = PLAN, *, page_numbers: bool = True) -> list[Placed]:
    """Positions of every line: tables as side-by-side centred columns, paragraphs wrapped; from page 2 on, the
    page number at the top centre (as Vietnamese administrative documents put it)."""
    placed: list[Placed] = []
    page, y = 1, MARGIN_T
    text_w = PAGE_W - MARGIN_L - MARGIN_R

    def advance() -> None:
        nonlocal page, y
        y += LINE_MM
        if y > PAGE_H - MARGIN_B:
            page += 1
            y = MARGIN_T + LINE_MM
            if page_numbers:
                placed.append(Placed(page, PAGE_W / 2 - 2, MARGIN_T - 8, str(page), False))

    def put(line: str, x: float, bold: bool) -> None:
        placed.append(Placed(page, x, y, line, bold))

    label_iter = iter(labels(blocks))
    for block in blocks:
        if isinstance(block, Table):
            col_w = (PAGE_W - 20) / len(block.rows[0])
            for row in block.rows:
                height = max(len(cell) for cell in row)
                for i in range(height):
                    for c, cell in enumerate(row):
                        if i < len(cell):
                            bold = i == 0 or cell[i].isupper()
                            x = 10 + c * col_w + (col_w - _width_mm(cell[i], bold)) / 2
                            put(cell[i], x, bold)
                    advance()
            advance()
            continue
        label = next(label_iter)
        text = f"{label} {block.text}" if label else block.text
        indent = 0.0 if block.center else 10.0
        for n, line in enumerate(_wrap(text, text_w - indent, block.bold)):
            if block.center:
                x = MARGIN_L + (text_w - _width_mm(line, block.bold)) / 2
            else:
                x = MARGIN_L + (indent if n == 0 else 0.0)
            put(line, x, block.bold)
            advance()
    return placed


def text_pdf(blocks: Sequence[Block] = PLAN) -> bytes:
    """A text PDF (fpdf2, embedded DejaVu): hard-wrapped lines, two-column header table, page numbers."""
    from fpdf import FPDF

    pdf = FPDF(unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.add_font("DejaVu", "B", str(FONT_BOLD))
    current = 0
    for item in layout(blocks):
        while current < item.page:
            pdf.add_page()
            current += 1
        pdf.set_font("DejaVu", "B" if item.bold else "", FONT_PT)
        pdf.text(item.x, item.y, item.text)
    return bytes(pdf.output())


def _degrade(image: Any, seed: int) -> Any:
    """What a photocopier and a flatbed do: a slight skew, blur, speckle noise, uneven grey paper."""
    import random

    from PIL import Image, ImageFilter

    rng = random.Random(seed)
    image = image.rotate(rng.uniform(-0.8, 0.8), resample=Image.Resampling.BICUBIC, fillcolor=235)
    image = image.filter(ImageFilter.GaussianBlur(0.9))
    pixels = image.load()
    width, height = image.size
    for _ in range(width * height // 1000):  # 0.1 % dark specks
        pixels[rng.randrange(width), rng.randrange(height)] = rng.randrange(0, 120)
    return image.point(lambda v: min(255, 20 + v * 215 // 255))  # grey paper, lighter ink contrast


def scanned_pdf(blocks: Sequence[Block] = PLAN, dpi: int = 200, *, degraded: bool = False, turn: int = 0) -> bytes:
    """A PDF whose pages are only images of the text (Pillow renders each page; no text layer); `degraded`:
    skewed, blurred, speckled pages as a worn photocopy gives; `turn`: pages scanned rotated by this many
    degrees counter-clockwise (90, 180, 270)."""
    from PIL import Image, ImageDraw, ImageFont

    scale = dpi / 25.4
    size = round(FONT_PT / 72 * dpi)
    fonts = {False: ImageFont.truetype(str(FONT), size), True: ImageFont.truetype(str(FONT_BOLD), size)}
    items = layout(blocks)
    pages: list[Image.Image] = []
    for number in range(1, max(i.page for i in items) + 1):
        image = Image.new("L", (round(PAGE_W * scale), round(PAGE_H * scale)), 255)
        draw = ImageDraw.Draw(image)
        for item in items:
            if item.page == number:
                draw.text((item.x * scale, item.y * scale), item.text, font=fonts[item.bold], fill=0, anchor="ls")
        image = _degrade(image, number) if degraded else image
        pages.append(image.rotate(turn, expand=True) if turn else image)
    buf = io.BytesIO()
    pages[0].save(buf, "PDF", save_all=True, append_images=pages[1:], resolution=float(dpi))
    return buf.getvalue()


# ---- OCR accuracy --------------------------------------------------------------------------------------------


def _levenshtein(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def edit_distance(a: str, b: str) -> int:
    """Character edit distance, computed exactly inside the blocks difflib does not match (an upper bound of the
    true Levenshtein distance, equal to it for texts as close as OCR output and its source)."""
    from difflib import SequenceMatcher

    total = 0
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op != "equal":
            total += _levenshtein(a[i1:i2], b[j1:j2])
    return total


def char_error_rate(hypothesis: str, reference: str) -> float:
    """CER: edit distance / reference length, whitespace runs collapsed on both sides."""
    hyp, ref = " ".join(hypothesis.split()), " ".join(reference.split())
    return edit_distance(hyp, ref) / max(len(ref), 1)


# ---- real documents printed by a browser -----------------------------------------------------------------------


def markdown_paragraphs(markdown: str) -> list[str]:
    """The paragraphs of a corpus-extra markdown file as plain text: blank-line blocks joined, table bars,
    rules and emphasis markers removed."""
    import re

    out: list[str] = []
    for block in re.split(r"\n\s*\n", markdown):
        lines = [ln.strip(" |") for ln in block.split("\n") if not re.fullmatch(r"[-|*\s]*", ln)]
        text = re.sub(r"[*#_]+", "", " ".join(lines)).strip()
        if text:
            out.append(text)
    return out


def chromium_pdf(paragraphs: Sequence[str], workdir: Path, chromium: str) -> bytes:
    """`paragraphs` typeset as justified A4 pages (DejaVu Serif) and printed to PDF by headless Chromium:
    the text layer of a browser-made PDF (glyph-positioned runs, stretched word gaps, ligatures)."""
    import html
    import subprocess

    page = workdir / "doc.html"
    page.write_text(
        "<html><head><meta charset='utf-8'><style>body{font-family:'DejaVu Serif';font-size:13pt}"
        "p{text-align:justify;text-indent:1cm;margin:0 0 3pt}</style></head><body>"
        + "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
        + "</body></html>",
        encoding="utf-8",
    )
    target = workdir / "doc.pdf"
    subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
         f"--user-data-dir={workdir / 'profile'}", f"--print-to-pdf={target}", page.as_uri()],
        capture_output=True, timeout=120, check=True,
    )
    return target.read_bytes()
