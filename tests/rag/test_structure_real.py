"""Section trees of real 2025 documents after normalisation, against trees typed by hand from reading them.

The expected headings below were typed from the documents themselves (../shared/corpus-extra/docs), not from
program output. Long headings are shortened in paths (`short_label`), so a path label must be a word-boundary
prefix of the heading written here.
"""

from __future__ import annotations

import re

import pytest

from rag.chunking import make_chunks
from rag.metadata import extract_metadata
from rag.normalize import normalize_document
from rag.outline import parse_sections
from rag.types import Section
from tests.rag.helpers.corpus_extra import extra_doc, require_extra, seed_paths

pytestmark = pytest.mark.unit

Tree = list[tuple[str, list[str]]]

# Kế hoạch 141/KH-UBND of the UBND of Bắc Ninh: I./1. headings, numbered goals that start with "100%".
BAC_NINH_PLAN: Tree = [
    ("Thông tin văn bản", []),
    ("Mở đầu", []),
    ("I. MỤC ĐÍCH, YÊU CẦU", ["1. Mục đích", "2. Yêu cầu"]),
    (
        "II. MỤC TIÊU CHỦ YẾU",
        [
            "1. 100% đội ngũ cán bộ, công chức xây dựng chính sách, pháp luật trên địa bàn tỉnh",
            "2. 100% các Sở, ngành bố trí công chức, viên chức làm công tác xây dựng pháp luật",
            "3. 100% các xã, phường bố trí công chức xây dựng chính sách, pháp luật",
            "4. Trong giai đoạn 2026 - 2030 phấn đấu có ít nhất 10% đội ngũ cán bộ",
            "5. 100% đội ngũ cán bộ, công chức",
        ],
    ),
    (
        "III. NHIỆM VỤ, GIẢI PHÁP",
        [
            "1. Rà soát, kiện toàn đội ngũ cán bộ, công chức xây dựng chính sách, pháp luật",
            "2. Tăng cường tuyên truyền, phổ biến, quán triệt chủ trương, chính sách của Đảng",
            "3. Nâng cao nhận thức, trách nhiệm của các cơ quan, đơn vị, địa phương",
            "4. Nâng cao phẩm chất, năng lực cho đội ngũ cán bộ, công chức xây dựng chính sách, pháp luật",
            "5. Nghiên cứu giải pháp thu hút, tuyển dụng; đào tạo, đào tạo lại",
            "6. Thực hiện chính sách đặc thù, vượt trội đối với người tham gia công tác xây dựng pháp luật",
            "7. Đẩy mạnh chuyển đổi số, ứng dụng công nghệ thông tin trong công tác xây dựng pháp luật",
            "8. Tổ chức hội nghị, hội thảo trong công tác xây dựng pháp luật",
            "9. Tổ chức nghiên cứu, học tập kinh nghiệm công tác xây dựng chính sách, pháp luật",
        ],
    ),
    (
        "IV. TỔ CHỨC THỰC HIỆN",
        [
            "1. Các cơ quan, đơn vị",
            "2. Sở Tài chính chủ trì",
            "3. Sở Nội vụ chủ trì, phối hợp",
            "4. Các Sở, ngành, đơn vị",
            "5. UBND các xã, phường",
            "6. Giao Sở Tư pháp theo dõi",
        ],
    ),
    ("Nơi nhận", []),
    ("Chữ ký", []),
]

# Thông báo 634/TB-VPCP: the Prime Minister's conclusions, three Roman parts of numbered points.
VPCP_CONCLUSIONS: Tree = [
    ("Thông tin văn bản", []),
    ("Mở đầu", []),
    (
        "I. ĐÁNH GIÁ CHUNG",
        [
            "1. Về tình hình kết quả kinh tế - xã hội 10 tháng năm 2025 của tỉnh Thanh Hóa",
            "2. Về triển khai mô hình chính quyền địa phương 02 cấp",
            "3. Một số tồn tại, hạn chế, khó khăn, thách thức",
        ],
    ),
    (
        "II. NHIỆM VỤ, GIẢI PHÁP TRỌNG TÂM THỜI GIAN TỚI",
        [
            "1. Đổi mới tư duy, tầm nhìn phát triển",
            "2. Đổi mới mô hình phát triển dựa vào khoa học công nghệ",
            "3. Nâng cao hiệu quả liên kết kinh tế",
            "4. Đẩy mạnh đột phá phát triển kết cấu hạ tầng chiến lược",
            "5. Hỗ trợ phát triển doanh nghiệp",
            "6. Chú trọng đầu tư phát triển giáo dục",
            "7. Đẩy mạnh cải cách thủ tục hành chính",
            "8. Chú trọng bảo vệ môi trường",
            "9. Chăm lo đời sống vật chất, tinh thần của Nhân dân",
            "10. Chú trọng xây dựng Đảng; bảo đảm quốc phòng, an ninh",
        ],
    ),
    (
        "III. VỀ MỘT SỐ KIẾN NGHỊ CỦA TỈNH",
        [
            "1. Về đề nghị nghiên cứu, sửa đổi, bổ sung Nghị quyết số 66.4/2025/NQ-CP",
            "2. Về dự án đầu tư xây dựng công trình nạo vét luồng tàu",
            "3. Về mở rộng dự án giai đoạn 2 của Nhà máy lọc hóa dầu Nghi Sơn",
            "4. Về đầu tư kho dầu thô dự trữ quốc gia",
            "5. Về điều chuyển số vốn dư",
            "6. Về chủ trương đầu tư tuyến đường giao thông kết nối liên vùng",
            "7. Về đề nghị Chính phủ chỉ đạo Bộ Tài chính xem xét",
            "8. Về hoạt động của mô hình chính quyền địa phương 02 cấp",
            "9. Về triển khai hạ tầng đề phủ sóng 19 thôn, bản",
            "10. Các Bộ, cơ quan liên quan và các Tập đoàn",
        ],
    ),
    ("Nơi nhận", []),
    ("Chữ ký", []),
]

# Quyết định 2579/QĐ-UBND of Cần Thơ: four articles, then the Quy định it issues (chapters of articles).
CAN_THO_DECISION: Tree = [
    ("Thông tin văn bản", []),
    ("Mở đầu", []),
    ("Điều 1. Ban hành kèm theo Quyết định này Quy định Tiêu chí", []),
    ("Điều 2. Quyết định này có hiệu lực thi hành kể từ ngày ký", []),
    ("Điều 3. Giám đốc Sở Nội vụ có trách nhiệm hướng dẫn", []),
    ("Điều 4. Chánh Văn phòng Ủy ban nhân dân thành phố", []),
    ("Nơi nhận", []),
    ("Chữ ký", []),
    (
        "QUY ĐỊNH TIÊU CHÍ ĐÁNH GIÁ, XẾP LOẠI CÔNG TÁC DÂN VẬN",
        [
            "Chương I. NHỮNG QUY ĐỊNH CHUNG",
            "Chương II. TIÊU CHÍ, THANG ĐIỂM VÀ PHƯƠNG PHÁP ĐÁNH GIÁ, XẾP LOẠI",
            "Chương III. KHEN THƯỞNG",
            "Chương IV. TỔ CHỨC THỰC HIỆN",
        ],
    ),
]
CAN_THO_ARTICLES = {
    "Chương I. NHỮNG QUY ĐỊNH CHUNG": [
        "Điều 1. Phạm vi điều chỉnh và đối tượng áp dụng",
        "Điều 2. Mục đích đánh giá, xếp loại",
        "Điều 3. Nguyên tắc đánh giá, xếp loại",
    ],
    "Chương III. KHEN THƯỞNG": [
        "Điều 7. Xét tặng Bằng khen Chủ tịch Ủy ban nhân dân thành phố",
        "Điều 8. Tiêu chuẩn xét khen thưởng",
    ],
    "Chương IV. TỔ CHỨC THỰC HIỆN": [
        "Điều 9. Thẩm quyền, trình tự, thời gian đánh giá, xếp loại",
        "Điều 10. Trách nhiệm thực hiện",
    ],
}


def label_matches(label: str, heading: str) -> bool:
    """The path label is the heading, or a prefix of it cut at a word boundary (with '…')."""
    if label == heading or label == heading.rstrip(":"):
        return True
    if not label.endswith("…"):
        return heading.startswith(label) and (len(heading) == len(label) or not heading[len(label)].isalnum())
    stem = label[:-1]
    return heading.startswith(stem) or stem.startswith(heading)


def assert_tree(root: Section, expected: Tree) -> None:
    """Top-level headings in order, and each one's children headings in order."""
    got = [(s.heading, [c.heading for c in s.children]) for s in root.children]
    assert len(got) == len(expected), [g[0] for g in got]
    for (label, children), (heading, kids) in zip(got, expected, strict=True):
        assert label_matches(label, heading), (label, heading)
        assert len(children) == len(kids), (heading, children)
        for c, k in zip(children, kids, strict=True):
            assert label_matches(c, k) or k.startswith(c.rstrip("…")) or c.startswith(k), (c, k)


def tree_of(name: str) -> Section:
    """The section tree of a corpus-extra document after normalisation."""
    return parse_sections(normalize_document(extra_doc(name)).text)


def test_ubnd_plan_tree() -> None:
    assert_tree(tree_of("09daab284f92e2dd.md"), BAC_NINH_PLAN)


def test_government_conclusions_tree() -> None:
    assert_tree(tree_of("24701a1c97c8c368.md"), VPCP_CONCLUSIONS)


def test_decision_with_attached_regulation_tree() -> None:
    root = tree_of("1a434d0a7e14dc93.md")
    assert_tree(root, CAN_THO_DECISION)
    annex = root.children[-1]
    assert annex.kind == "annex"
    for chapter in annex.children:
        if chapter.heading in CAN_THO_ARTICLES:
            got = [c.heading for c in chapter.children]
            want = CAN_THO_ARTICLES[chapter.heading]
            assert len(got) == len(want), got
            assert all(label_matches(g, w) for g, w in zip(got, want, strict=True)), got


# ---------------------------------------------------------------------------------------------- every document

_WORD = re.compile(r"\w")


def boundary_figures() -> dict[str, int]:
    """Over every real document: labels and chunks, and how many start or end inside a word."""
    figures = {"documents": 0, "labels": 0, "labels_mid_word": 0, "labels_cut_by_wrap": 0, "chunks": 0,
               "chunks_mid_word": 0}
    for path in require_extra() + seed_paths():
        text = normalize_document(path.read_text(encoding="utf-8")).text
        root = parse_sections(text)
        meta = extract_metadata(text, root, doc_id="d", filename=path.name)
        figures["documents"] += 1
        for section in root.walk()[1:]:
            figures["labels"] += 1
            stem = section.heading.removesuffix("…")
            line = text[section.start : section.end].split("\n", 1)[0]
            pos = line.find(stem)  # composed labels ('Chương I. ...', 'Chữ ký') are not in the line: skipped
            after = line[pos + len(stem) : pos + len(stem) + 1] if pos >= 0 else ""
            if after and _WORD.match(after) and _WORD.match(stem[-1:]):
                figures["labels_mid_word"] += 1
            # a whole-line label cut by a line break: the next line continues it in lower case ('Môi\ntrường')
            rest = text[section.start : section.end].split("\n")
            open_end = not rest[0].rstrip().endswith((":", ".", ";", "?", "!"))
            if open_end and not section.heading.endswith("…") and pos == 0 and len(rest) > 1 and rest[1][:1].islower():
                figures["labels_cut_by_wrap"] += 1
        for chunk in make_chunks(root, meta):
            figures["chunks"] += 1
            a, b = chunk.start, chunk.end
            starts_inside = a > 0 and _WORD.match(text[a - 1]) and _WORD.match(text[a])
            ends_inside = b < len(text) and _WORD.match(text[b - 1]) and _WORD.match(text[b])
            if starts_inside or ends_inside:
                figures["chunks_mid_word"] += 1
    return figures


def test_no_label_or_chunk_starts_or_ends_inside_a_word() -> None:
    figures = boundary_figures()
    print(figures)  # reported figures: pytest -s shows them
    assert figures["documents"] >= 48 and figures["chunks"] > 1500
    assert figures["labels_mid_word"] == 0
    assert figures["labels_cut_by_wrap"] == 0
    assert figures["chunks_mid_word"] == 0


def test_every_real_document_parses_with_structure() -> None:
    flat = []
    for path in require_extra():
        root = parse_sections(normalize_document(path.read_text(encoding="utf-8")).text)
        kinds = {s.kind for s in root.walk()}
        if not any(s.heading[:1].isdigit() or s.heading[:1] in "IVX" or s.heading.startswith(("Điều", "Chương"))
                   for s in root.walk()[1:]):
            flat.append(path.name)
        assert "body" in kinds or "annex" in kinds, path.name
    assert flat == []
