"""Build test documents at test time (no binary fixtures): one content model → plain text, an office-style .docx
(header table, Word auto-numbering in numbering.xml), a hard-wrapped text PDF (fpdf2 + DejaVu) and a scanned PDF
(pages rendered to images with Pillow + DejaVu, embedded as image-only pages).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT = FONT_DIR / "DejaVuSans.ttf"
FONT_BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"


@dataclass(frozen=True)
class Para:
    """A paragraph. level: Word numbering level (0 "I.", 1 "1.", 2 "a)"), -1 = bullet, None = not numbered."""

    text: str
    level: int | None = None
    center: bool = False
    bold: bool = False


@dataclass(frozen=True)
class Table:
    """rows → cells → the cell's paragraphs (lines)."""

    rows: tuple[tuple[tuple[str, ...], ...], ...]


Block = Para | Table

_ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]

# A plan as a provincial body writes it after the 2025 merger (invented content, genre-typical shape).
PLAN: tuple[Block, ...] = (
    Table(
        (
            (
                ("ỦY BAN NHÂN DÂN", "TỈNH GIA LAI"),
                ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"),
            ),
            (("Số: 145/KH-UBND",), ("Gia Lai, ngày 18 tháng 8 năm 2025",)),
        )
    ),
    Para("KẾ HOẠCH", center=True, bold=True),
    Para("Tuyên truyền chuyển đổi số trên địa bàn tỉnh năm 2025", center=True, bold=True),
    Para(
        "Thực hiện Kế hoạch số 12-KH/TU ngày 02 tháng 7 năm 2025 của Ban Thường vụ Tỉnh ủy về chuyển đổi số, "
        "Ủy ban nhân dân tỉnh ban hành Kế hoạch tuyên truyền chuyển đổi số trên địa bàn tỉnh năm 2025 như sau:"
    ),
    Para("MỤC ĐÍCH, YÊU CẦU", level=0, bold=True),
    Para("Mục đích", level=1, bold=True),
    Para(
        "Nâng cao nhận thức của cán bộ, công chức, viên chức và Nhân dân về vai trò của chuyển đổi số trong "
        "phát triển kinh tế - xã hội, xây dựng chính quyền số ở các xã, phường sau khi sắp xếp đơn vị hành chính."
    ),
    Para("Yêu cầu", level=1, bold=True),
    Para(
        "Công tác tuyên truyền phải bảo đảm kịp thời, chính xác, thiết thực, phù hợp với từng đối tượng và "
        "điều kiện thực tế của từng địa phương, gắn với việc thực hiện nhiệm vụ chính trị của cơ quan, đơn vị."
    ),
    Para("NỘI DUNG TUYÊN TRUYỀN", level=0, bold=True),
    Para("Tuyên truyền các chủ trương của Đảng, chính sách, pháp luật của Nhà nước về chuyển đổi số.", level=1),
    Para("Hình thức tuyên truyền", level=1, bold=True),
    Para("Tuyên truyền trên báo chí, cổng thông tin điện tử và mạng xã hội của tỉnh.", level=2),
    Para("Tuyên truyền qua hệ thống thông tin cơ sở ở các xã, phường và đặc khu.", level=2),
    Para("Lồng ghép trong các hội nghị, sinh hoạt chi bộ, sinh hoạt của đoàn thể.", level=-1),
    Para("TỔ CHỨC THỰC HIỆN", level=0, bold=True),
    Para(
        "Sở Khoa học và Công nghệ chủ trì, phối hợp với các sở, ngành, Ủy ban nhân dân các xã, phường triển khai "
        "thực hiện Kế hoạch này; định kỳ báo cáo kết quả về Ủy ban nhân dân tỉnh trước ngày 15 tháng 12 năm 2025."
    ),
    Table(
        (
            (
                ("Nơi nhận:", "- Thường trực Tỉnh ủy;", "- Các sở, ban, ngành;", "- Lưu: VT."),
                ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn An"),
            ),
        )
    ),
)


def _labels(blocks: Sequence[Block]) -> list[str]:
    """The label each paragraph shows ("I.", "1.", "a)", "-", ""), counting like Word's restart-on-higher-level."""
    counts = [0, 0, 0]
    out: list[str] = []
    for block in blocks:
        if not isinstance(block, Para):
            continue
        if block.level is None:
            out.append("")
        elif block.level < 0:
            out.append("-")
        else:
            counts[block.level] += 1
            for deeper in range(block.level + 1, 3):
                counts[deeper] = 0
            value = counts[block.level]
            out.append([f"{_ROMAN[value - 1]}.", f"{value}.", f"{chr(96 + value)})"][block.level])
    return out


def _line_items(blocks: Sequence[Block], by_column: bool = False) -> list[tuple[str, Para | None]]:
    """Every line in reading order with its paragraph (None for a table cell line); tables row by row, cell by
    cell (a .docx), or `by_column`: each column top to bottom (a page's reading order)."""
    labels = iter(_labels(blocks))
    out: list[tuple[str, Para | None]] = []
    for block in blocks:
        if isinstance(block, Table) and by_column:
            columns = range(len(block.rows[0]))
            out.extend((line, None) for c in columns for row in block.rows for line in row[c])
        elif isinstance(block, Table):
            out.extend((line, None) for row in block.rows for cell in row for line in cell)
        else:
            label = next(labels)
            out.append((f"{label} {block.text}" if label else block.text, block))
    return out


def plain_text(blocks: Sequence[Block] = PLAN, *, by_column: bool = False) -> str:
    """The text version: one line per paragraph or table-cell line, labels written out."""
    return "\n".join(line for line, _ in _line_items(blocks, by_column)) + "\n"


# ---- .docx --------------------------------------------------------------------------------------------------

_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/numbering.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>'
    '<Override PartName="/word/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="word/document.xml"/></Relationships>'
)
_DOC_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" '
    'Target="numbering.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
    'Target="styles.xml"/></Relationships>'
)

# Heading 1 carries the list through its style (numId 1, level 0 linked back with w:pStyle), as offices do.
PLAN_STYLES = (
    f'<w:styles {_W}>'
    '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>'
    '<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/>'
    '<w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>'
    "</w:styles>"
)


def lvl(ilvl: int, fmt: str, text: str, start: int = 1, extra: str = "") -> str:
    """One w:lvl of numbering.xml."""
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>{extra}'
        f'<w:lvlText w:val="{escape(text)}"/><w:lvlJc w:val="left"/></w:lvl>'
    )


PLAN_NUMBERING = (
    f"<w:numbering {_W}>"
    '<w:abstractNum w:abstractNumId="10"><w:multiLevelType w:val="multilevel"/>'
    + lvl(0, "upperRoman", "%1.", extra='<w:pStyle w:val="Heading1"/>')
    + lvl(1, "decimal", "%2.")
    + lvl(2, "lowerLetter", "%3)")
    + "</w:abstractNum>"
    '<w:abstractNum w:abstractNumId="20">' + lvl(0, "bullet", "\uf0b7") + "</w:abstractNum>"
    '<w:num w:numId="1"><w:abstractNumId w:val="10"/></w:num>'
    '<w:num w:numId="2"><w:abstractNumId w:val="20"/></w:num>'
    "</w:numbering>"
)


def _run(text: str, bold: bool = False) -> str:
    props = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return f'<w:r>{props}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def docx_paragraph(text: str, ppr: str = "", bold: bool = False) -> str:
    """A w:p with paragraph properties `ppr` (inner XML of w:pPr) and one run."""
    return f"<w:p>{f'<w:pPr>{ppr}</w:pPr>' if ppr else ''}{_run(text, bold) if text else ''}</w:p>"


def docx_table(rows: Sequence[Sequence[str]]) -> str:
    """A w:tbl; each cell is given as inner XML (paragraphs, nested tables; may start with <w:tcPr>)."""
    body = "".join("<w:tr>" + "".join(f"<w:tc>{cell}</w:tc>" for cell in row) + "</w:tr>" for row in rows)
    return f"<w:tbl><w:tblPr/>{body}</w:tbl>"


def docx_package(body: str, numbering: str | None = None, styles: str | None = None) -> bytes:
    """A .docx zip written by hand: document.xml around `body`, optional numbering.xml and styles.xml."""
    document = f'<?xml version="1.0" encoding="UTF-8"?><w:document {_W}><w:body>{body}<w:sectPr/></w:body></w:document>'
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("word/_rels/document.xml.rels", _DOC_RELS)
        zf.writestr("word/document.xml", document)
        zf.writestr("word/numbering.xml", numbering or f"<w:numbering {_W}/>")
        zf.writestr("word/styles.xml", styles or f"<w:styles {_W}/>")
    return buf.getvalue()


def plan_docx(blocks: Sequence[Block] = PLAN) -> bytes:
    """The plan as an office writes it: header/signature tables, headings numbered through the Heading 1 style,
    items through w:numPr; no label is in the text."""
    parts: list[str] = []
    for block in blocks:
        if isinstance(block, Table):
            rows = [["".join(docx_paragraph(line) for line in cell) for cell in row] for row in block.rows]
            parts.append(docx_table(rows))
            continue
        ppr = '<w:jc w:val="center"/>' if block.center else ""
        if block.level == 0:
            ppr = '<w:pStyle w:val="Heading1"/>' + ppr
        elif block.level == -1:
            ppr = '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="2"/></w:numPr>' + ppr
        elif block.level is not None:
            ppr = f'<w:numPr><w:ilvl w:val="{block.level}"/><w:numId w:val="1"/></w:numPr>' + ppr
        parts.append(docx_paragraph(block.text, ppr, block.bold))
    return docx_package("".join(parts), PLAN_NUMBERING, PLAN_STYLES)


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

    labels = iter(_labels(blocks))
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
        label = next(labels)
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


# ---- zip bomb ------------------------------------------------------------------------------------------------


def _raw_zip(members: Sequence[tuple[str, bytes, int, int]]) -> bytes:
    """A zip written by hand from (name, raw deflate stream, crc32, inflated size) members."""
    import struct

    out = bytearray()
    central = bytearray()
    for name, raw, crc, size in members:
        encoded = name.encode()
        offset = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(raw), size, len(encoded), 0)
        out += encoded + raw
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(raw), size, len(encoded), 0, 0, 0, 0, 0,
            offset,
        )
        central += encoded
    start = len(out)
    out += central
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), start, 0)
    return bytes(out)


def _deflate(data: bytes) -> bytes:
    import zlib

    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


def bomb_docx(inflated_mib: int = 1024, declared: int | None = None) -> bytes:
    """A ~1 MB .docx whose word/document.xml inflates to `inflated_mib` MiB of spaces (correct CRC; the header
    declares the true size, or `declared` bytes for a lying header).

    Built fast: 1 MiB of spaces deflated once with a full flush gives a block that can be repeated."""
    import zlib

    chunk = b" " * (1 << 20)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)
    raw = block * inflated_mib + packer.flush()
    crc = 0
    for _ in range(inflated_mib):
        crc = zlib.crc32(chunk, crc)
    small = [(n, t.encode()) for n, t in (("[Content_Types].xml", _CONTENT_TYPES), ("_rels/.rels", _RELS))]
    members = [(n, _deflate(d), zlib.crc32(d), len(d)) for n, d in small]
    return _raw_zip([*members, ("word/document.xml", raw, crc, declared or inflated_mib << 20)])


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
