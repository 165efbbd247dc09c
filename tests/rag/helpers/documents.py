"""Build test documents at test time (no binary fixtures): one content model → plain text and an office-style
.docx (header table, Word auto-numbering in numbering.xml); a zip bomb. PDFs of the same content: `pdfs.py`.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape


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


def labels(blocks: Sequence[Block]) -> list[str]:
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
    label_iter = iter(labels(blocks))
    out: list[tuple[str, Para | None]] = []
    for block in blocks:
        if isinstance(block, Table) and by_column:
            columns = range(len(block.rows[0]))
            out.extend((line, None) for c in columns for row in block.rows for line in row[c])
        elif isinstance(block, Table):
            out.extend((line, None) for row in block.rows for cell in row for line in cell)
        else:
            label = next(label_iter)
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
