"""Section parser and chunking: hand-written corpus trees, structural invariants, synthetic edge cases."""

from __future__ import annotations

import itertools
import re

import pytest

from rag.chunking import make_chunks
from rag.outline import parse_sections, short_label
from rag.types import DocumentMeta, Section
from tests.rag.conftest import CORPUS_KEYS, ParsedDoc

pytestmark = pytest.mark.unit

MAX_CHARS = 1200
MIN_CHARS = 120


def tree(root: Section) -> list[tuple[str, str, str, int]]:
    """(section_id, heading, kind, level) of every node below the root, in document order."""
    return [(s.section_id, s.heading, s.kind, s.level) for s in root.walk()[1:]]


def by_id(root: Section) -> dict[str, Section]:
    return {s.section_id: s for s in root.walk()}


# ---- hand-written expected trees ------------------------------------------------------------------------


LAI_CHAU_TREE = [
    ("header", "Thông tin văn bản", "header", 1),
    ("preamble", "Mở đầu", "preamble", 1),
    ("s1", "I. MỤC ĐÍCH, YÊU CẦU", "body", 1),
    ("s1.1", "1. Tạo sự thống nhất cao về nhận thức…", "body", 2),
    ("s1.2", "2. Đẩy mạnh các phong trào thi đua yêu nước, cổ vũ…", "body", 2),
    ("s1.3", "3. Công tác tuyên truyền cần được tiến hành bằng nhiều hình…", "body", 2),
    ("s2", "II. NỘI DUNG TUYÊN TRUYỀN", "body", 1),
    ("s2.1", "1. Các quan điểm, chủ trương, nhiệm vụ…", "body", 2),
    ("s2.2", "2. Kết quả, thành tựu đã đạt được của công tác xây dựng…", "body", 2),
    ("s2.3", "3. Biểu dương, nhân rộng những mô hình hay…", "body", 2),
    ("s2.4", "4. Tuyên truyền kết quả đã đạt được trong công tác xây dựng…", "body", 2),
    ("s2.5", "5. Các chương trình, hoạt động xây dựng Đảng…", "body", 2),
    ("s3", "III. HÌNH THỨC TUYÊN TRUYỀN", "body", 1),
    ("s3.1", "1. Tuyên truyền miệng thông qua đội ngũ báo cáo viên…", "body", 2),
    ("s3.2", "2. Các phương tiện cổ động trực quan: khẩu hiệu, băng rôn…", "body", 2),
    ("s3.3", "3. Tuyên truyền trên các phương tiện thông tin đại chúng…", "body", 2),
    ("s4", "IV. TỔ CHỨC THỰC HIỆN", "body", 1),
    ("s4.1", "1. Liên đoàn Lao động tỉnh", "body", 2),
    ("s4.2", "2. LĐLĐ các huyện, thành phố, Công đoàn ngành…", "body", 2),
    ("recipients", "Nơi nhận", "recipients", 1),
    ("signature", "Chữ ký", "signature", 1),
]


def test_lai_chau_tree(corpus: dict[str, ParsedDoc]) -> None:
    doc = corpus["lai-chau"]
    assert doc.root.heading == (
        "Kế hoạch đẩy mạnh tuyên truyền về công tác xây dựng Đảng và hệ thống chính trị"
    )
    assert tree(doc.root) == LAI_CHAU_TREE
    s = by_id(doc.root)
    assert s["s2.1"].path == ["II. NỘI DUNG TUYÊN TRUYỀN", "1. Các quan điểm, chủ trương, nhiệm vụ…"]
    assert s["header"].text.startswith("Số: 464/KH-LĐLĐ")
    assert "Lai Châu, ngày 10 tháng 7 năm 2023" in s["header"].text
    assert s["preamble"].text.startswith("KẾ HOẠCH")
    assert "Căn cứ Hướng dẫn số 122-HD/BTGTU" in s["preamble"].text
    # The page break inside item II.2 ("...(6) xây dựng, thực\n\nhiện cơ chế...") stays in that item.
    assert "hiện cơ chế kiểm soát việc thực thi quyền lực" in s["s2.2"].text
    assert s["s4.1"].text.count("\n- ") == 3
    assert s["signature"].text.startswith("TM. BAN THƯỜNG VỤ")  # emphasis removed by normalisation
    assert s["signature"].text.rstrip().endswith("Hoàng Văn Trinh")


SOC_TRANG_TOP = [
    ("preamble", "preamble"),
    ("s1", "body"),
    ("s2", "body"),
    ("s3", "body"),
    ("s4", "body"),
    ("recipients", "recipients"),
    ("signature", "signature"),
    ("annex", "annex"),
]


def test_soc_trang_tree_and_annex(corpus: dict[str, ParsedDoc]) -> None:
    root = corpus["soc-trang"].root
    assert [(c.section_id, c.kind) for c in root.children] == SOC_TRANG_TOP
    assert [c.heading for c in root.children[1:5]] == [
        "I- MỤC ĐÍCH, YÊU CẦU",
        "II- NỘI DUNG TUYÊN TRUYỀN",
        "III- HÌNH THỨC TUYÊN TRUYỀN",
        "IV- TỔ CHỨC THỰC HIỆN",
    ]
    s = by_id(root)
    assert [c.heading for c in s["s2"].children] == [
        "1. Nội dung tuyên truyền trọng tâm",
        "2. Nội dung tuyên truyền thường xuyên",
    ]
    assert [c.section_id for c in s["s4"].children] == ["s4.1", "s4.2", "s4.3"]
    # The annex: its own numbering (restarting at 1.) nested under it, every node of kind "annex".
    annex = s["annex"]
    assert annex.heading == "ĐỀ CƯƠNG" and annex.level == 1
    assert "(Kèm theo Kế hoạch số: 374 /KH-MTTQ-BTT" in annex.text  # spaces collapsed by normalisation
    assert [(c.section_id, c.heading) for c in annex.children] == [
        ("annex.s1", "1. Nội dung tuyên truyền trọng tâm"),
        ("annex.s2", "2. Nội dung tuyên truyền thường xuyên"),
    ]
    assert [c.section_id for c in s["annex.s1"].children] == [f"annex.s1.{i}" for i in range(1, 6)]
    assert [c.section_id for c in s["annex.s2"].children] == [f"annex.s2.{i}" for i in range(1, 10)]
    assert all(n.kind == "annex" for n in annex.walk())
    # One deep branch, followed to a leaf.
    deep = s["annex.s1.3"]
    assert deep.level == 3
    assert deep.path == [
        "ĐỀ CƯƠNG",
        "1. Nội dung tuyên truyền trọng tâm",
        "1.3. Về tình hình, kết quả nổi bật…",
    ]
    assert deep.text.startswith("1.3. Về tình hình, kết quả nổi bật, những giải pháp đẩy mạnh xây dựng")
    assert "- Phân tích làm sâu sắc giá trị lý luận và thực tiễn cuốn sách" in deep.text
    assert deep.children == []
    # "Đề cương văn hoá Việt Nam" inside a sentence of 1.5 is not an annex heading.
    assert len([n for n in root.walk() if n.kind == "annex" and n.level == 1]) == 1


def test_khanh_hoa_numbered_subsections(corpus: dict[str, ParsedDoc]) -> None:
    s = by_id(corpus["khanh-hoa"].root)
    assert s["s2"].heading == "II- NỘI DUNG, THỜI GIAN TUYÊN TRUYỀN"
    assert [c.heading.split(" ")[0] for c in s["s2.1"].children] == [f"1.{i}." for i in range(1, 7)]
    assert [c.heading.split(" ")[0] for c in s["s2.2"].children] == [f"2.{i}." for i in range(1, 10)]
    # A long numbered line gets a short label; the full line stays in the text.
    assert s["s2.1.3"].heading == "1.3. Đổi mới nội dung, phương thức…"
    assert s["s2.1.3"].text.startswith("1.3. Đổi mới nội dung, phương thức, nâng cao chất lượng công tác")
    assert s["s2.1.3"].path == [
        "II- NỘI DUNG, THỜI GIAN TUYÊN TRUYỀN",
        "1. Nội dung tuyên truyền trọng tâm",
        "1.3. Đổi mới nội dung, phương thức…",
    ]
    # "1.1." continues after a page break ("...công tác,\n\n\n\nlè lối làm việc...").
    assert "lè lối làm việc của các cấp ủy" in s["s2.1.1"].text
    # The intro paragraph of III stays with its heading.
    assert s["s3"].text.startswith("III- HÌNH THỨC TUYÊN TRUYỀN\n\nỦy ban MTTQ Việt Nam các huyện")
    assert s["recipients"].text.startswith("Noi nhận:")


def test_phu_yen_without_blank_lines(corpus: dict[str, ParsedDoc]) -> None:
    root = corpus["phu-yen"].root
    s = by_id(root)
    assert [c.section_id for c in root.children] == [
        "preamble", "s1", "s2", "s3", "s4", "recipients", "signature",
    ]  # fmt: skip
    assert [c.heading for c in s["s1"].children] == ["1. Mục đích", "2. Yêu cầu"]
    assert s["s2"].heading == "II. NỘI DUNG TUYÊN TRUYỀN (có đề cương kèm theo)"
    assert [c.section_id for c in s["s3"].children] == ["s3.1", "s3.2", "s3.3", "s3.4"]
    assert [c.section_id for c in s["s3.3"].children] == ["s3.3.1", "s3.3.2"]
    assert [c.section_id for c in s["s4"].children] == [f"s4.{i}" for i in range(1, 8)]
    assert s["s2.2.9"].text.startswith("2.9. Việc nghiên cứu tổng kết thực tiễn")  # line had a leading space
    assert s["s4.2"].heading == "2. Ban Tổ chức Tỉnh ủy: Chủ động phối hợp…"
    assert s["signature"].text.startswith("T/M BAN THƯỜNG VỤ\nPHÓ BÍ THƯ")
    assert "đảng ủy trực thuộc Tỉnh ủy," in s["recipients"].text


def test_hoa_binh_news_item_without_headings(corpus: dict[str, ParsedDoc]) -> None:
    root = corpus["hoa-binh"].root
    assert root.heading == "Tuyên truyền triển khai thực hiện Kế hoạch của ban Thường vụ Tỉnh ủy"
    assert tree(root) == [
        ("header", "Thông tin văn bản", "header", 1),
        ("preamble", "Mở đầu", "preamble", 1),
        ("s1", "Đoạn 1", "body", 1),
        ("s2", "Đoạn 2", "body", 1),
        ("s3", "Đoạn 3", "body", 1),
    ]
    s = by_id(root)
    assert s["header"].text.startswith("DetailController")
    assert "12/06/2023 16:30" in s["preamble"].text
    assert "Thực hiện Kế hoạch số175-KH/TU" in s["preamble"].text
    assert s["s1"].text.startswith("Theo đó, Ban Tuyên giáo Tỉnh ủy đề nghị")
    assert s["s3"].text.startswith("Nội dung tuyên truyền thường xuyên gồm có:")


# ---- invariants on all five documents ------------------------------------------------------------------


HEADING_START = re.compile(r"^(?:[IVX]+\s*[.\-–]|\d{1,2}(?:\.\d{1,2})*\.?\s|[a-zđ]\))")


@pytest.mark.parametrize("key", CORPUS_KEYS)
def test_offsets_slice_exactly_and_tile_the_text(corpus: dict[str, ParsedDoc], key: str) -> None:
    doc = corpus[key]
    nodes = sorted(doc.root.walk()[1:], key=lambda n: n.start)
    assert nodes, "no sections"
    for node in nodes:
        assert doc.text[node.start : node.end] == node.text
        assert node.text.strip(), f"{node.section_id} is empty"
        assert node.path[-1] == node.heading
    # Contiguous: only whitespace before the first section, none lost between sections.
    assert not doc.text[: nodes[0].start].strip()
    for a, b in itertools.pairwise(nodes):
        assert a.end == b.start
    assert nodes[-1].end == len(doc.text)
    ids = [n.section_id for n in nodes]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("key", CORPUS_KEYS)
def test_headings_are_real_headings(corpus: dict[str, ParsedDoc], key: str) -> None:
    """Numbered sections start with their numbering; no date, year or document number became a heading."""
    doc = corpus[key]
    for node in doc.root.walk()[1:]:
        first_line = node.text.strip().split("\n", 1)[0].strip("*# \t")
        if node.kind in ("body", "annex") and not node.heading.startswith(("Đoạn", "ĐỀ CƯƠNG")):
            assert HEADING_START.match(first_line), (node.section_id, first_line[:40])
            assert node.heading.split(" ")[0] in first_line
        assert not re.match(r"^\d{1,2}/\d{1,2}/\d{4}", first_line)
        assert not re.match(r"^\d{4}\b", first_line)
        assert not re.match(r"^\d+-[A-ZĐ]+/", first_line)
        assert len(node.heading) <= 61


@pytest.mark.parametrize("key", ["lai-chau", "khanh-hoa", "phu-yen", "soc-trang"])
def test_recipients_and_signature_found(corpus: dict[str, ParsedDoc], key: str) -> None:
    kinds = [c.kind for c in corpus[key].root.children]
    assert kinds.count("recipients") == 1
    assert kinds.count("signature") == 1
    assert kinds.index("recipients") < kinds.index("signature")


@pytest.mark.parametrize("key", CORPUS_KEYS)
def test_chunks_cover_the_document_exactly_once(corpus: dict[str, ParsedDoc], key: str) -> None:
    doc = corpus[key]
    covered = [0] * len(doc.text)
    for chunk in doc.chunks:
        assert doc.text[chunk.start : chunk.end] == chunk.text
        for i in range(chunk.start, chunk.end):
            covered[i] += 1
    missing = [i for i, ch in enumerate(doc.text) if not ch.isspace() and covered[i] != 1]
    assert missing == []
    # The union of chunk texts equals the document text modulo whitespace.
    assert re.sub(r"\s+", "", "".join(c.text for c in doc.chunks)) == re.sub(r"\s+", "", doc.text)


@pytest.mark.parametrize("key", CORPUS_KEYS)
def test_chunk_fields(corpus: dict[str, ParsedDoc], key: str) -> None:
    doc = corpus[key]
    ids = [c.chunk_id for c in doc.chunks]
    assert len(ids) == len(set(ids))
    assert [c.order for c in doc.chunks] == list(range(len(doc.chunks)))
    assert [c.start for c in doc.chunks] == sorted(c.start for c in doc.chunks)
    sections = by_id(doc.root)
    for c in doc.chunks:
        assert c.doc_id == key and c.doc_title == doc.meta.title
        assert c.province == doc.meta.province and c.year == doc.meta.year and c.issuer == doc.meta.issuer
        assert re.fullmatch(rf"{re.escape(key)}:{re.escape(c.section_id)}(?::p\d+)?", c.chunk_id)
        section = sections[c.section_id]
        assert c.section_path == section.path and c.kind == section.kind
        assert c.text == c.text.strip()
        assert len(c.text) <= MAX_CHARS


@pytest.mark.parametrize("key", CORPUS_KEYS)
def test_no_chunk_is_just_a_heading(corpus: dict[str, ParsedDoc], key: str) -> None:
    doc = corpus[key]
    chunk_texts = {c.text for c in doc.chunks}
    for node in doc.root.walk()[1:]:
        if node.children and len(node.text.strip()) < MIN_CHARS:
            assert node.text.strip() not in chunk_texts, node.section_id
            # Its heading is in the path of the chunk that carries it.
            carrier = next(c for c in doc.chunks if c.start <= node.start < c.end)
            assert node.heading in carrier.section_path
    for c in doc.chunks:
        if c.kind in ("body", "annex"):
            lines = [ln for ln in c.text.split("\n") if ln.strip()]
            ends = c.text.endswith((".", ";", ":", "…", ")"))
            assert len(lines) > 1 or ends or len(c.text) >= MIN_CHARS, c.chunk_id
        # A page break inside a sentence is not a place to cut ("...(6) xây dựng, thực\n\nhiện cơ chế...").
        for a, b in itertools.pairwise(doc.chunks):
            if a.section_id == b.section_id:
                assert not (b.text[:1].islower() and a.text[-1:].isalpha()), (a.chunk_id, b.chunk_id)


def test_long_sections_split_at_item_boundaries(corpus: dict[str, ParsedDoc]) -> None:
    parts = [c for c in corpus["soc-trang"].chunks if c.section_id == "annex.s1.4"]
    assert len(parts) > 1
    assert [c.chunk_id for c in parts] == [f"soc-trang:annex.s1.4:p{i}" for i in range(1, len(parts) + 1)]
    assert parts[0].text.startswith("1.4. Về tăng cường củng cố")
    for part in parts[1:]:
        assert part.text.startswith("- ")  # each later part starts at a dash item
    for part in parts:
        assert part.text.endswith((".", ";", "…", "”"))  # never ends mid-sentence here
    # A bare parent heading is merged into its first child's chunk, not a chunk of its own.
    first = next(c for c in corpus["soc-trang"].chunks if c.section_id == "annex.s1.1")
    assert first.chunk_id == "soc-trang:annex.s1.1:p1"
    assert first.text.startswith("1. Nội dung tuyên truyền trọng tâm")


# ---- synthetic edge cases ------------------------------------------------------------------------------


SYNTHETIC = """ỦY BAN NHÂN DÂN
TỈNH QUẢNG NAM
Số: 12/KH-UBND
Quảng Nam, ngày 5 tháng 3 năm 2024

# KẾ HOẠCH
## Tuyên truyền chuyển đổi số năm 2024

Căn cứ Quyết định số 749/QĐ-TTg ngày 03/6/2020 của Thủ tướng Chính phủ; Ủy ban nhân dân tỉnh ban hành \
Kế hoạch như sau:

## I. MỤC ĐÍCH
1. Nâng cao nhận thức của người dân về chuyển đổi số theo Nghị quyết số 35-NQ/TW.
22/10/2018 là ngày ban hành Nghị quyết số 35-NQ/TW nêu trên, xem mục 1.2 phía dưới.
2023 là năm đầu tiên triển khai.
1184-CV/BTGTU cũng nêu nội dung này.
2. Yêu cầu
a) Bảo đảm đúng tiến độ;
b) Bảo đảm tiết kiệm.
5. Một dòng lạc không phải đề mục.
## II. NỘI DUNG
1. Tuyên truyền trên báo chí
1.1. Mở chuyên mục về chuyển đổi số trên báo tỉnh.
1.2. Đăng tin bài
- Mỗi tháng 2 tin;
- Mỗi quý 1 phóng sự.
2. Tuyên truyền trên mạng xã hội

Nơi nhận:
- Như trên;
- Lưu: VT.

KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
(Đã ký)
Nguyễn Văn An
"""


def test_synthetic_plan_structure() -> None:
    root = parse_sections(SYNTHETIC)
    assert root.heading == "Kế hoạch tuyên truyền chuyển đổi số năm 2024"
    assert tree(root) == [
        ("header", "Thông tin văn bản", "header", 1),
        ("preamble", "Mở đầu", "preamble", 1),
        ("s1", "I. MỤC ĐÍCH", "body", 1),
        ("s1.1", "1. Nâng cao nhận thức của người dân về chuyển đổi số theo…", "body", 2),
        ("s1.2", "2. Yêu cầu", "body", 2),
        ("s1.2.1", "a) Bảo đảm đúng tiến độ;", "body", 3),
        ("s1.2.2", "b) Bảo đảm tiết kiệm.", "body", 3),
        ("s2", "II. NỘI DUNG", "body", 1),
        ("s2.1", "1. Tuyên truyền trên báo chí", "body", 2),
        ("s2.1.1", "1.1. Mở chuyên mục về chuyển đổi số trên báo tỉnh.", "body", 3),
        ("s2.1.2", "1.2. Đăng tin bài", "body", 3),
        ("s2.2", "2. Tuyên truyền trên mạng xã hội", "body", 2),
        ("recipients", "Nơi nhận", "recipients", 1),
        ("signature", "Chữ ký", "signature", 1),
    ]
    s = by_id(root)
    # Cross-references, a date, a year and a document number at line start stay in the text.
    assert "22/10/2018 là ngày" in s["s1.1"].text
    assert "2023 là năm" in s["s1.1"].text and "1184-CV/BTGTU cũng" in s["s1.1"].text
    # A stray "5." after "2." is not a heading: it stays in the text of b).
    assert s["s1.2.2"].text.rstrip().endswith("5. Một dòng lạc không phải đề mục.")
    # Dash items are not sections.
    assert "- Mỗi quý 1 phóng sự." in s["s2.1.2"].text
    assert s["signature"].text.startswith("KT. CHỦ TỊCH")


def test_synthetic_chunks_merge_bare_headings() -> None:
    root = parse_sections(SYNTHETIC)
    meta = DocumentMeta(doc_id="x", title=root.heading, filename="x.md")
    chunks = make_chunks(root, meta)
    texts = [c.text for c in chunks]
    assert "## II. NỘI DUNG" not in texts and "1. Tuyên truyền trên báo chí" not in texts
    carrier = next(c for c in chunks if "## II. NỘI DUNG" in c.text)
    assert carrier.section_id == "s2.1.1"
    assert carrier.section_path == [
        "II. NỘI DUNG",
        "1. Tuyên truyền trên báo chí",
        "1.1. Mở chuyên mục về chuyển đổi số trên báo tỉnh.",
    ]
    # The trailing bare heading "2. Tuyên truyền trên mạng xã hội" is kept with the chunk before it.
    assert not any(c.text == "2. Tuyên truyền trên mạng xã hội" for c in chunks)
    assert re.sub(r"\s+", "", "".join(texts)) == re.sub(r"\s+", "", SYNTHETIC)


def test_markdown_bold_signature_and_roman_with_dash() -> None:
    text = (
        "KẾ HOẠCH\nVề việc thử nghiệm\n\nThực hiện chỉ đạo của cấp trên, Ban Thường vụ ban hành kế hoạch:\n\n"
        "**I- MỤC ĐÍCH**\n\nNội dung mục đích rất cụ thể.\n\n**IV-  TỔ CHỨC**\n\n"
        "Dòng này vẫn thuộc mục I.\n\n"
        "**II - NỘI DUNG**\n\nNội dung chính.\n\n**TM. BAN THƯỜNG VỤ\nCHỦ TỊCH**\n\nLê Thị Bình\n"
    )
    root = parse_sections(text)
    assert [(c.section_id, c.heading) for c in root.children] == [
        ("preamble", "Mở đầu"),
        ("s1", "I- MỤC ĐÍCH"),
        ("s2", "II - NỘI DUNG"),
        ("signature", "Chữ ký"),
    ]
    assert "IV-  TỔ CHỨC" in by_id(root)["s1"].text  # IV after I is implausible


def test_document_with_neither_title_nor_headings() -> None:
    text = "Đoạn văn thứ nhất nói về tuyên truyền.\nĐoạn văn thứ hai nói về báo chí.\n\nĐoạn ba.\n"
    root = parse_sections(text)
    assert [(c.section_id, c.heading, c.kind) for c in root.children] == [
        ("s1", "Đoạn 1", "body"),
        ("s2", "Đoạn 2", "body"),
        ("s3", "Đoạn 3", "body"),
    ]
    assert root.heading
    chunks = make_chunks(root, DocumentMeta(doc_id="p", title=root.heading, filename="p.txt"))
    assert re.sub(r"\s+", "", "".join(c.text for c in chunks)) == re.sub(r"\s+", "", text)


def test_annex_restarting_at_roman_one() -> None:
    text = (
        "KẾ HOẠCH\nTuyên truyền\n\nI. MỤC ĐÍCH\nNội dung.\nII. NỘI DUNG\nNội dung hai.\n\n"
        "ĐỀ CƯƠNG\nTUYÊN TRUYỀN\n\nI. Ý NGHĨA\n1. Ý nghĩa lịch sử của sự kiện.\n1.1. Chi tiết thứ nhất.\n"
        "II. NỘI DUNG CHÍNH\n1. Phần một của nội dung.\n"
    )
    root = parse_sections(text)
    assert [c.section_id for c in root.children] == ["preamble", "s1", "s2", "annex"]
    s = by_id(root)
    assert [n.section_id for n in s["annex"].walk()] == [
        "annex", "annex.s1", "annex.s1.1", "annex.s1.1.1", "annex.s2", "annex.s2.1",
    ]  # fmt: skip
    assert s["annex.s1.1.1"].path == [
        "ĐỀ CƯƠNG",
        "I. Ý NGHĨA",
        "1. Ý nghĩa lịch sử của sự kiện.",
        "1.1. Chi tiết thứ nhất.",
    ]


def test_short_label() -> None:
    assert short_label("II. NỘI DUNG TUYÊN TRUYỀN") == "II. NỘI DUNG TUYÊN TRUYỀN"
    label = short_label("1.3. " + "từ " * 40)
    assert label.endswith("…") and len(label) <= 61 and label.startswith("1.3. từ")
    assert short_label("**2. Yêu cầu:**") == "2. Yêu cầu"


def test_words_that_look_like_blocks_inside_the_body() -> None:
    text = (
        "KẾ HOẠCH\nSố hóa tài liệu lưu trữ\n\nI. NỘI DUNG\n1. Tiếp nhận hồ sơ tại bộ phận một cửa.\n"
        "Nơi nhận hồ sơ: Văn phòng Ủy ban nhân dân tỉnh.\n2. Số hóa toàn bộ hồ sơ trong năm.\n"
    )
    root = parse_sections(text)
    assert root.heading == "Kế hoạch số hóa tài liệu lưu trữ"
    assert [n.section_id for n in root.walk()[1:]] == ["preamble", "s1", "s1.1", "s1.2"]
    assert "Nơi nhận hồ sơ:" in by_id(root)["s1.1"].text
