"""The normalisation stage (rag.normalize, rag.layout): each step on small inputs, then real documents."""

from __future__ import annotations

from collections import Counter

import pytest

from rag.layout import (
    _Line,
    drop_page_numbers,
    drop_running_lines,
    drop_table_debris,
    drop_web_debris,
    drop_web_panel,
    rebuild_header,
    strip_emphasis,
    unify,
)
from rag.normalize import (
    normalize_document,
    reflow,
    should_join,
    split_footnotes,
    verbatim_violation,
    words,
)
from tests.rag.helpers.corpus_extra import extra_doc, require_extra, seed_paths

pytestmark = pytest.mark.unit


def flow(text: str) -> list[str]:
    """Emphasis + reflow of a small text (no header/table steps)."""
    return reflow(strip_emphasis([_Line(x) for x in text.split("\n")]), Counter())


# ---------------------------------------------------------------------------------------------- steps


def test_unify_line_ends_spaces_and_nfc() -> None:
    decomposed = "Ke\u0302\u0301 hoa\u0323ch"  # NFD
    assert unify("\ufeffa\r\nb\rc\u00a0d\te  \n") == "a\nb\nc d e\n"
    assert unify(decomposed) == "Kế hoạch"


def test_web_trailer_is_cut_with_the_site_title_before_it() -> None:
    lines = ["Nội dung 1.", "Nội dung 2.", "Nội dung 3.", "|", "Trần Văn A", "|",
             "Kết luận 99-KL/TW năm 2025 về việc thử", "## Văn bản liên quan", "Ban hành:", "25/11/2025"]
    counts: Counter[str] = Counter()
    out = drop_web_debris(lines, counts)
    assert out == lines[:6]
    assert counts["web_debris"] == 4


def test_web_menu_and_breadcrumb_lines_are_dropped_but_not_sentences_using_the_words() -> None:
    lines = ["Trang chủ > Tin tức > Chính trị", "Bản in", "**Chia sẻ**", "- Chia sẻ kinh nghiệm với các tỉnh;"]
    assert drop_web_debris(lines, Counter()) == ["- Chia sẻ kinh nghiệm với các tỉnh;"]


def test_web_information_panel_before_the_header_is_dropped() -> None:
    lines = ["|", "|", "Bản dịch này thuộc quyền sở hữu của ai đó.", "Đang tải văn bản...", "**Số hiệu:**", "|",
             "12/KH", "|", "|", "**Loại văn bản:**", "|", "Kế hoạch", "|", "**Tình trạng:**", "|", "Đã biết", "|",
             "|", "**ỦY BAN NHÂN DÂN**", "|", "**CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM**", "|"]
    out = drop_web_panel(lines, Counter())
    assert out[:2] == ["|", "**ỦY BAN NHÂN DÂN**"]
    assert drop_web_panel(["Số hiệu:", "Nội dung"], Counter()) == ["Số hiệu:", "Nội dung"]  # one label: kept


def test_page_numbers_are_dropped_outside_tables_only() -> None:
    lines = ["Đoạn một.", "", "12", "", "Trang 3", "- 4 -", "1. Mục đích", "|", "7", "|", "Tổng 5 đợt"]
    out = drop_page_numbers(lines, Counter())
    assert out == ["Đoạn một.", "", "", "1. Mục đích", "|", "7", "|", "Tổng 5 đợt"]


def test_running_header_repeated_at_page_breaks_is_dropped() -> None:
    pages = [f"UBND TỈNH THỬ\nNội dung trang {n} dài vừa đủ.\nCòn tiếp {n}." for n in range(1, 5)]
    lines = "\f".join(pages).split("\n")
    out = drop_running_lines(lines, Counter())
    assert "UBND TỈNH THỬ" not in out
    assert "Nội dung trang 3 dài vừa đủ." in out


def test_running_header_without_page_breaks_is_found_next_to_page_numbers() -> None:
    page = "BỘ Y TẾ - KẾ HOẠCH 12\n\nNội dung trang {n}, một câu trọn vẹn.\n\n- Mục lặp lại;\n\n{n}"
    pages = [page.format(n=n) for n in range(1, 5)]
    lines = "\n\n".join(pages).split("\n")
    out = drop_page_numbers(drop_running_lines(lines, Counter()), Counter())
    assert "BỘ Y TẾ - KẾ HOẠCH 12" not in out
    assert all(f"Nội dung trang {n}, một câu trọn vẹn." in out for n in range(1, 5))
    assert out.count("- Mục lặp lại;") == 4  # a repeated list item is text, not furniture
    assert not any(x.strip().isdigit() for x in out)


HEADER = """|
**UỶ BAN NHÂN DÂN**
TỈNH THỬ NGHIỆM
-------
|
**CỘNG HÒA XÃ HỘI
CHỦ NGHĨA VIỆT NAM**
Độc lập - Tự do - Hạnh phúc
---------------
|
|
Số: 141/KH-UBND
|
*Hà Tĩnh, ngày 20
tháng 11 năm 2025*
|

**KẾ HOẠCH**"""


def test_header_table_becomes_clean_lines_read_column_by_column() -> None:
    counts: Counter[str] = Counter()
    out = [ln.text for ln in rebuild_header(HEADER.split("\n"), counts)]
    assert out[:7] == [
        "UỶ BAN NHÂN DÂN",
        "TỈNH THỬ NGHIỆM",
        "Số: 141/KH-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Hà Tĩnh, ngày 20 tháng 11 năm 2025",
        "",
    ]
    assert counts["header_table"] == 6


def test_a_document_without_header_table_is_left_alone() -> None:
    lines = ["ỦY BAN NHÂN DÂN", "Số: 1/KH", "", "KẾ HOẠCH"]
    assert [ln.text for ln in rebuild_header(lines, Counter())] == lines


def test_table_bars_become_paragraph_breaks_and_inline_cells_lines() -> None:
    items = [_Line(x) for x in ["|", "STT", "|", "Nội dung", "|", "| 1 | Tuyên truyền |", "|---|---|"]]
    out = [ln.text for ln in drop_table_debris(items, Counter())]
    assert "|" not in "".join(out)
    assert [x for x in out if x] == ["STT", "Nội dung", "1", "Tuyên truyền"]


def test_emphasis_is_removed_without_losing_words_and_a_wrapped_span_glues() -> None:
    out = strip_emphasis([_Line(x) for x in ["**I. MỤC ĐÍCH,", "YÊU CẦU**", "** **", "xã (*) và *Z*alo", "* *"]])
    assert [ln.text for ln in out] == ["I. MỤC ĐÍCH,", "YÊU CẦU", "xã (*) và Zalo"]
    assert out[0].glue and not out[1].glue


def test_hard_wrapped_paragraph_is_one_line_and_paragraphs_stay_apart() -> None:
    text = (
        "Phông lưu trữ thuộc sở hữu của\nĐảng, là một bộ phận quan trọng.\n\n"
        "- Triển khai thực hiện kịp thời,\nđồng bộ, hiệu quả Kế hoạch số 14-KH/TU.\n"
        "- Xây dựng, củng cố.\n1. Tài liệu của các tổ chức tiền thân của Đảng, các\ntổ chức khác."
    )
    assert flow(text) == [
        "Phông lưu trữ thuộc sở hữu của Đảng, là một bộ phận quan trọng.",
        "",
        "- Triển khai thực hiện kịp thời, đồng bộ, hiệu quả Kế hoạch số 14-KH/TU.",
        "- Xây dựng, củng cố.",
        "1. Tài liệu của các tổ chức tiền thân của Đảng, các tổ chức khác.",
    ]


def test_wrapped_headings_and_titles_become_one_line() -> None:
    text = "**KẾ HOẠCH**\n\nNÂNG CAO NĂNG LỰC CÁN BỘ XÂY DỰNG\nCHÍNH SÁCH, PHÁP LUẬT\n\n**I. MỤC ĐÍCH,\nYÊU CẦU**"
    assert [x for x in flow(text) if x] == [
        "KẾ HOẠCH",
        "NÂNG CAO NĂNG LỰC CÁN BỘ XÂY DỰNG CHÍNH SÁCH, PHÁP LUẬT",
        "I. MỤC ĐÍCH, YÊU CẦU",
    ]


def test_one_paragraph_per_line_documents_are_not_merged() -> None:
    text = (
        "KẾ HOẠCH\nthông tin, tuyên truyền năm 2021\n-----\nI. MỤC ĐÍCH, YÊU CẦU\n1. Mục đích\n"
        "- Tuyên truyền sâu rộng về kết quả\n2. Yêu cầu\nCông tác tuyên truyền cần được tiến hành linh hoạt.\n"
        "Nơi nhận:\n- Lưu VT.\nT/M BAN THƯỜNG VỤ\nPHÓ BÍ THƯ\nCao Thị Hòa An"
    )
    assert flow(text) == text.split("\n")


def test_bold_marks_a_heading_line_versus_a_wrapped_body_line() -> None:
    assert flow("**Điều 1. Phạm vi**\nVăn bản này quy định.") == ["Điều 1. Phạm vi", "Văn bản này quy định."]
    assert flow("**4.** Yêu cầu Đảng uỷ Chính\nphủ chỉ đạo.") == ["4. Yêu cầu Đảng uỷ Chính phủ chỉ đạo."]
    assert flow("**Điều 3.** Chánh\nVăn phòng và các sở chịu trách nhiệm.") == [
        "Điều 3. Chánh Văn phòng và các sở chịu trách nhiệm."
    ]


def test_dates_and_signature_lines_stay_separate() -> None:
    assert flow("12/06/2023 16:30\nThực hiện Kế hoạch số 175.") == ["12/06/2023 16:30", "Thực hiện Kế hoạch số 175."]
    assert flow("**TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH**\nPHÓ CHỦ TỊCH") == [
        "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"
    ]


@pytest.mark.parametrize(
    ("prev", "nxt", "joined"),
    [
        ("của Quốc hội khóa XV;", "là di sản quý báu.", True),  # ';' then lower case: same sentence
        ("như sau:", "1. Tài liệu", False),
        ("Nghị quyết số 66-NQ/TW ngày 30 tháng 4 năm", "2025 của Bộ Chính trị", True),
        ("1. Mục đích", "Tuyên truyền sâu rộng", False),
        ("[1]", "Chương trình số 30-CTr/TU", True),
    ],
)
def test_should_join(prev: str, nxt: str, joined: bool) -> None:
    assert should_join(prev, nxt, after_title=True) is joined


def test_footnote_block_is_kept_and_glued_markers_detached_only_when_the_note_exists() -> None:
    lines = ["Thực hiện Nghị quyết số 35-NQ/TW1 và Luật số 33/2024/QH15.", "", "[1] Ngày 22/10/2018.", "",
             "[2] Bộ Chính trị", "khóa XII."]
    counts: Counter[str] = Counter()
    out, notes = split_footnotes(lines, counts)
    assert notes == {1: "Ngày 22/10/2018.", 2: "Bộ Chính trị khóa XII."}
    assert out[0] == "Thực hiện Nghị quyết số 35-NQ/TW[1] và Luật số 33/2024/QH15."
    assert out[-3:] == ["[1] Ngày 22/10/2018.", "", "[2] Bộ Chính trị khóa XII."]
    same, none = split_footnotes(["Nghị quyết 35-NQ/TW1 đã nêu."], Counter())
    assert none == {} and same == ["Nghị quyết 35-NQ/TW1 đã nêu."]


def test_verbatim_check_catches_added_and_reordered_words() -> None:
    raw = "Một hai ba.\nBốn năm sáu."
    assert verbatim_violation(raw, "Một hai ba. Bốn năm sáu.") is None
    assert verbatim_violation(raw, "Một hai ba. Bảy.") is not None
    swapped = "Bốn năm sáu.\nMột hai ba."
    assert verbatim_violation(raw, swapped) is not None  # the text keeps the source order...
    assert verbatim_violation(raw, swapped, ordered_from=len(swapped)) is None  # ...except a rebuilt header
    assert verbatim_violation(raw, "Bốn năm sáu. Một hai ba.", ordered_from=99) is not None  # lines never reorder
    assert verbatim_violation("35-NQ/TW1", "35-NQ/TW[1]") is None


# ---------------------------------------------------------------------------------------------- real documents


def test_verbatim_contract_holds_on_every_real_document() -> None:
    paths = require_extra() + seed_paths()
    failures = {}
    for path in paths:
        raw = path.read_text(encoding="utf-8")
        doc = normalize_document(raw)
        problem = verbatim_violation(raw, doc.text, ordered_from=doc.header_end)
        if problem:
            failures[path.name] = problem
    assert failures == {}
    assert len(paths) >= 48


def test_no_markup_or_table_debris_is_left_in_real_documents() -> None:
    leftovers = {}
    for path in require_extra():
        text = normalize_document(path.read_text(encoding="utf-8")).text
        bad = [ln for ln in text.split("\n") if "**" in ln or ln.strip() in ("|", "*", "#") or ln.startswith("#")]
        if bad:
            leftovers[path.name] = bad[:3]
    assert leftovers == {}


def test_real_plan_reads_as_clean_lines() -> None:
    text = normalize_document(extra_doc("09daab284f92e2dd.md")).text
    lines = text.split("\n")
    assert lines[:6] == [
        "UỶ BAN NHÂN DÂN",
        "TỈNH BẮC NINH",
        "Số: 141/KH-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Bắc Ninh, ngày 20 tháng 11 năm 2025",
    ]
    assert "I. MỤC ĐÍCH, YÊU CẦU" in lines
    assert (
        "- Triển khai thực hiện kịp thời, đồng bộ, hiệu quả Kế hoạch số 14-KH/TU của Ban Thường vụ Tỉnh ủy, "
        "Kế hoạch số 24/KH-UBND của UBND tỉnh và Nghị quyết số 66-NQ/TW trên địa bàn tỉnh Bắc Ninh." in lines
    )
    assert "1. 100% đội ngũ cán bộ, công chức xây dựng chính sách, pháp luật trên địa bàn tỉnh có trình độ đại " \
        "học Luật hoặc chuyên ngành luật trở lên." in lines


def test_real_footnotes_become_a_trailing_block() -> None:
    doc = normalize_document(extra_doc("a83fffe08d7aeed7.md"))
    assert sorted(doc.footnotes) == [1, 2, 3]
    assert doc.footnotes[1].startswith("Chương trình số 30-CTr/TU ngày 29/12/2017 của Thành ủy Cần Thơ")
    tail = doc.text.rstrip("\n").split("\n\n")[-3:]
    assert [t[:3] for t in tail] == ["[1]", "[2]", "[3]"]


def test_web_page_wrapping_is_removed_from_real_documents() -> None:
    doc = normalize_document(extra_doc("265ff514762b4c47.md"))
    assert doc.text.startswith("BAN CHẤP HÀNH TRUNG ƯƠNG\nSố 221-KL/TW\nĐẢNG CỘNG SẢN VIỆT NAM\n")
    assert "THƯ VIỆN PHÁP LUẬT" not in doc.text and "Văn bản liên quan" not in doc.text
    assert doc.text.rstrip().endswith("T/M BỘ CHÍNH TRỊ\nTrần Cẩm Tú")
    assert "- Các đồng chí Ủy viên Ban Chấp hành Trung ương Đảng," in doc.text.split("\n")


def test_words_ignore_markup_and_punctuation() -> None:
    assert words("**Số:** 141/KH-UBND; *ngày*") == ["Số", "141", "KH", "UBND", "ngày"]


def test_notes_count_what_changed() -> None:
    doc = normalize_document(HEADER + "\n\nNội dung một dòng\nbị ngắt.\n\n- 2 -\n")
    assert "1 dòng số trang đã bỏ" in doc.notes
    assert any(n.endswith("dòng bị ngắt đã nối lại") for n in doc.notes)
