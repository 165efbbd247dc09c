"""One synthetic document per metadata rule: header block, dates and numbers across line breaks, signer title
chains, recipients and web-page chrome. Texts are shaped like raw Markdown conversions of 2025 documents
(header table pipes, **bold**, hard wraps) and like normalised text."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rag.metadata import extract_metadata
from rag.metadata_front import is_web_chrome, read_front
from rag.metadata_text import CaseModel
from rag.outline import parse_sections
from rag.types import DocumentMeta

pytestmark = pytest.mark.unit

BODY = (
    "Thực hiện Kế hoạch số 14-KH/TU ngày 29/7/2025 của Ban Thường vụ Tỉnh ủy, UBND tỉnh ban hành Kế hoạch:\n\n"
    "I. MỤC ĐÍCH, YÊU CẦU\nNâng cao năng lực cán bộ trên địa bàn tỉnh Bắc Ninh.\n\n"
)
SIGN = "Nơi nhận:\n- Như trên;\n- Lưu: VT.\n\nTM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nPhạm Văn Thịnh\n"


def meta(text: str) -> DocumentMeta:
    return extract_metadata(text, parse_sections(text), doc_id="d", filename="d.md")


def raw_header(number: str, dateline: str, left: str = "**UỶ BAN NHÂN DÂN**\nTỈNH BẮC NINH") -> str:
    """A header table as the Markdown conversions break it: cells on `|` lines, bold, wrapped."""
    return (
        f"|\n{left}\n-------\n|\n**CỘNG HÒA XÃ HỘI\nCHỦ NGHĨA VIỆT NAM**\nĐộc lập - Tự do - Hạnh phúc\n"
        f"---------------\n|\n|\n{number}\n|\n*{dateline}*\n|\n\n**KẾ HOẠCH**\n\n"
        "NÂNG CAO NĂNG LỰC CHO ĐỘI NGŨ CÁN BỘ, CÔNG CHỨC\nTRÊN ĐỊA BÀN TỈNH GIAI ĐOẠN 2026 - 2030\n\n"
    )


def test_header_block_of_a_raw_conversion() -> None:
    m = meta(raw_header("Số: 141/KH-UBND", "Bắc Ninh, ngày 20\ntháng 11 năm 2025") + BODY + SIGN)
    assert m.number == "141/KH-UBND"
    assert (m.place, m.date, m.year, m.province) == ("Bắc Ninh", "2025-11-20", 2025, "Bắc Ninh")
    assert m.issuer == "Ủy ban nhân dân tỉnh Bắc Ninh"  # not "Ủy ban" nor the preamble's "UBND tỉnh"
    assert m.doc_type == "Kế hoạch"
    assert m.title == (
        "Kế hoạch nâng cao năng lực cho đội ngũ cán bộ, công chức trên địa bàn tỉnh giai đoạn 2026 - 2030"
    )
    assert (m.signer, m.signer_title) == ("Phạm Văn Thịnh", "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH")


def test_normalised_header_lines() -> None:
    text = (
        "UỶ BAN NHÂN DÂN TỈNH BẮC NINH\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
        "Số: 141/KH-UBND\nBắc Ninh, ngày 20 tháng 11 năm 2025\n\nKẾ HOẠCH\nNÂNG CAO NĂNG LỰC CÁN BỘ\n\n" + BODY
    )
    m = meta(text)
    assert (m.number, m.date, m.place, m.issuer) == (
        "141/KH-UBND",
        "2025-11-20",
        "Bắc Ninh",
        "Ủy ban nhân dân tỉnh Bắc Ninh",
    )
    assert m.title == "Kế hoạch nâng cao năng lực cán bộ"


def test_number_and_dateline_on_one_line() -> None:
    text = (
        "ỦY BAN NHÂN DÂN TỈNH BẮC NINH\nSố: 141/KH-UBND Bắc Ninh, ngày 20 tháng 11 năm 2025\nKẾ HOẠCH\nTUYÊN TRUYỀN\n"
    )
    m = meta(text + BODY)
    assert (m.number, m.place, m.date) == ("141/KH-UBND", "Bắc Ninh", "2025-11-20")


@pytest.mark.parametrize(
    ("dateline", "place", "date", "year"),
    [
        ("Đồng Tháp,\nngày 19 tháng 11 năm 2025", "Đồng Tháp", "2025-11-19", 2025),
        ("Thành phố Hồ Chí\nMinh, ngày 18 tháng 11 năm 2025", "Thành phố Hồ Chí Minh", "2025-11-18", 2025),
        ("Hà Nội, ngày\n24 tháng 11 năm 2025", "Hà Nội", "2025-11-24", 2025),
        ("Bắc Ninh, ngày    tháng    năm 2025", "Bắc Ninh", None, 2025),  # left blank for the signing day
        ("Bắc Ninh, ngày ... tháng 11 năm 2025", "Bắc Ninh", None, 2025),
    ],
)
def test_dateline_across_line_breaks_and_blank(dateline: str, place: str, date: str | None, year: int) -> None:
    m = meta(raw_header("Số: 141/KH-UBND", dateline) + BODY)
    assert (m.place, m.date, m.year) == (place, date, year)


@pytest.mark.parametrize(
    ("number_line", "number"),
    [
        ("Số: /KH-UBND", None),
        ("Số:      /KH-UBND", None),
        ("Số: - KH/ĐTN", None),
        ("Số 383-QĐ/TW", "383-QĐ/TW"),
        ("Số:\n44/2025/QĐ-CTUBND", "44/2025/QĐ-CTUBND"),
    ],
)
def test_number_left_blank_is_none(number_line: str, number: str | None) -> None:
    m = meta(raw_header(number_line, "Bắc Ninh, ngày 20 tháng 11 năm 2025") + BODY)
    assert m.number == number
    assert m.implements == ["14-KH/TU"]  # the cited plan is never taken as the document's own number


@pytest.mark.parametrize(
    ("left", "issuer", "province"),
    [
        ("BAN CHẤP HÀNH\nTRUNG ƯƠNG\n**BAN TỔ CHỨC**\n*", "Ban Tổ chức Trung ương", None),
        ("**TỈNH ỦY BẮC NINH**\nBAN TUYÊN GIÁO VÀ DÂN VẬN", "Ban Tuyên giáo và Dân vận Tỉnh ủy Bắc Ninh", "Bắc Ninh"),
        (
            "ỦY BAN MTTQ VIỆT NAM\nXÃ LƯƠNG MINH\nBAN THƯỜNG TRỰC",
            "Ban Thường trực Ủy ban MTTQ Việt Nam xã Lương Minh",
            None,
        ),
        ("**CHỦ TỊCH ỦY BAN\nNHÂN DÂN **\nTỈNH GIA LAI", "Chủ tịch Ủy ban nhân dân tỉnh Gia Lai", "Gia Lai"),
        ("**VĂN PHÒNG CHÍNH\nPHỦ**", "Văn phòng Chính phủ", None),
    ],
)
def test_issuing_body_in_full(left: str, issuer: str, province: str | None) -> None:
    m = meta(raw_header("Số: 12/KH-X", "Hà Nội, ngày 20 tháng 11 năm 2025", left=left) + BODY)
    assert m.issuer == issuer
    if province is not None:
        assert m.province == province
    elif "TRUNG ƯƠNG" in left or "CHÍNH" in left:
        assert m.province is None  # a central body has no province, whatever place it signs in


@pytest.mark.parametrize(
    ("block", "title"),
    [
        ("TM. ỦY BAN NHÂN\nDÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"),
        ("**TM. ỦY BAN NHÂN DÂN**\n**CHỦ TỊCH**", "CHỦ TỊCH"),
        ("**K/T TRƯỞNG\nBAN**\nPHÓ TRƯỞNG BAN THƯỜNG TRỰC", "K/T TRƯỞNG BAN / PHÓ TRƯỞNG BAN THƯỜNG TRỰC"),
        ("**K/T CHÁNH\nVĂN PHÒNG**\nPHÓ CHÁNH VĂN PHÒNG", "K/T CHÁNH VĂN PHÒNG / PHÓ CHÁNH VĂN PHÒNG"),
        ("**KT. BỘ TRƯỞNG,\nCHỦ NHIỆM**\nPHÓ CHỦ NHIỆM", "KT. BỘ TRƯỞNG, CHỦ NHIỆM / PHÓ CHỦ NHIỆM"),
        ("**T/M BỘ CHÍNH\nTRỊ**", "T/M BỘ CHÍNH TRỊ"),  # the only line: all the signature says
        ("TL. CHỦ TỊCH\nCHÁNH VĂN PHÒNG", "TL. CHỦ TỊCH / CHÁNH VĂN PHÒNG"),
        ("TUQ. CHỦ TỊCH\nGIÁM ĐỐC SỞ NỘI VỤ", "TUQ. CHỦ TỊCH / GIÁM ĐỐC SỞ NỘI VỤ"),
        ("Q. GIÁM ĐỐC", "Q. GIÁM ĐỐC"),
    ],
)
def test_signer_title_chains(block: str, title: str) -> None:
    text = raw_header("Số: 1/KH-UBND", "Bắc Ninh, ngày 20 tháng 11 năm 2025") + BODY
    m = meta(text + "Nơi nhận:\n- Như trên;\n- Lưu: VT.\n|\n" + block + "\n**Trần Cẩm Tú**\n|\n")
    assert (m.signer, m.signer_title) == ("Trần Cẩm Tú", title)


def test_recipients_copy_counts_and_wrapped_items() -> None:
    text = raw_header("Số: 1/KH-UBND", "Bắc Ninh, ngày 20 tháng 11 năm 2025") + BODY
    block = (
        "*Nơi nhận:*\n- Như trên (02 bản);\n- Bộ Công an (qua Cục A03) *(để báo cáo)*\n"
        "- Các đồng chí Ủy viên\nBan Chấp hành Trung ương Đảng,\n- VPUB: CVP, các PCVP,\ncác phòng, đơn vị;\n"
        "- Lưu: VT, NV (2b).\n09 KH\n|\n**KT. CHỦ TỊCH**\nPHÓ CHỦ TỊCH\nĐào Mỹ\n"
    )
    m = meta(text + block)
    assert m.recipients == [
        "Như trên",
        "Bộ Công an (qua Cục A03) (để báo cáo)",
        "Các đồng chí Ủy viên Ban Chấp hành Trung ương Đảng",
        "VPUB: CVP, các PCVP, các phòng, đơn vị",
        "Lưu: VT, NV",
    ]
    assert (m.signer, m.signer_title) == ("Đào Mỹ", "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH")


@pytest.mark.parametrize(
    "page",
    [
        "Bản in Gởi bài viết\nTuyên truyền Nghị quyết 57 tới cán bộ, đảng viên\n12/06/2025 16:30\n",
        "Trang chủ | Tin tức\nBản in\nGởi bài viết\n\nTuyên truyền Nghị quyết 57 tới cán bộ, đảng viên\n",
    ],
)
def test_web_page_footer_is_never_the_title(page: str) -> None:
    text = page + "Ngày 10/6, Ban Tuyên giáo và Dân vận Tỉnh ủy ban hành Công văn về tuyên truyền.\n"
    assert meta(text).title == "Tuyên truyền Nghị quyết 57 tới cán bộ, đảng viên"


def test_web_chrome_detection() -> None:
    assert is_web_chrome("Bản in Gởi bài viết") and is_web_chrome("Trang chủ | Tin tức") and is_web_chrome("Bản in")
    assert not is_web_chrome("Bản in và phát hành tài liệu tuyên truyền về Đại hội")


def test_legal_library_banner_before_the_real_header_is_skipped() -> None:
    banner = (
        "Bản dịch này thuộc quyền sở hữu của **\nTHƯ VIỆN PHÁP LUẬT**. Mọi hành vi sao chép là vi phạm.\n"
        "**Số hiệu:**\n|\n221-KL/TW\n|\n**Ngày ban hành:**\n|\n28/11/2025\n|\n**Tình trạng:**\n|\nĐã biết\n|\n"
    )
    header = (
        "**BAN\nCHẤP HÀNH TRUNG ƯƠNG**\n*\n|\n**ĐẢNG\nCỘNG SẢN VIỆT NAM**\n---------------\n|\nSố 221-KL/TW\n|\n"
        "*Hà Nội, ngày 28\ntháng 11 năm 2025*\n|\n**KẾT LUẬN**\nCỦA BỘ CHÍNH TRỊ,\nBAN BÍ THƯ\nVỀ TÌNH HÌNH\n-----\n"
        "Tại phiên họp, Bộ Chính trị, Ban Bí thư kết luận như sau:\n"
    )
    m = meta(banner + header)
    assert m.title == "Kết luận của Bộ Chính trị, Ban Bí thư về tình hình"
    assert (m.doc_type, m.number, m.date, m.issuer, m.province) == (
        "Kết luận",
        "221-KL/TW",
        "2025-11-28",
        "Ban Chấp hành Trung ương",
        None,
    )


def test_subject_stops_at_the_enacting_authority_line() -> None:
    front = read_front(
        "ỦY BAN NHÂN DÂN\nTHÀNH PHỐ CẦN THƠ\nSố: 2579/QĐ-UBND\nCần Thơ, ngày 21 tháng 11 năm 2025\nQUYẾT ĐỊNH\n"
        "BAN HÀNH QUY ĐỊNH TIÊU CHÍ ĐÁNH GIÁ\nỦY BAN NHÂN DÂN THÀNH PHỐ CẦN THƠ\nCăn cứ Luật Tổ chức chính quyền;\n"
    )
    assert front.subject == ["BAN HÀNH QUY ĐỊNH TIÊU CHÍ ĐÁNH GIÁ"]
    assert front.body_levels == ["ỦY BAN NHÂN DÂN THÀNH PHỐ CẦN THƠ"]


def test_case_restored_from_the_documents_own_usage() -> None:
    case = CaseModel.of("Thực hiện Chỉ thị số 32/CT-TTg của Thủ tướng Chính phủ về bảo vệ bí mật nhà nước ở Nghệ An.")
    assert case.restore("VỀ CHỈ THỊ SỐ 32/CT-TTG CỦA THỦ TƯỚNG CHÍNH PHỦ TẠI NGHỆ AN") == (
        "Về Chỉ thị số 32/CT-TTg của Thủ tướng Chính phủ tại Nghệ An"
    )
    assert CaseModel.of("").restore("KHÓA XVI, 5G") == "Khóa XVI, 5G"  # no evidence: lower case, codes kept


@pytest.mark.parametrize(
    ("subject", "title"),
    [
        (
            "THỰC HIỆN CHỈ THỊ SỐ 27/CT-TTG\nCỦA THỦ TƯỚNG CHÍNH PHỦ",
            "Kế hoạch thực hiện Chỉ thị số 27/CT-TTg của Thủ tướng Chính phủ",
        ),
        ("PHÁT TRIỂN KINH TẾ SỐ GIAI ĐOẠN\n2026 - 2030", "Kế hoạch phát triển kinh tế số giai đoạn 2026 - 2030"),
    ],
)
def test_subject_lines_that_look_like_an_intro_or_have_no_letters(subject: str, title: str) -> None:
    text = (
        "ỦY BAN NHÂN DÂN\nTHÀNH PHỐ CẦN THƠ\nSố: 165/KH-UBND\nCần Thơ, ngày 21 tháng 11 năm 2025\n\nKẾ HOẠCH\n"
        f"{subject}\n\nThực hiện Chỉ thị số 27/CT-TTg của Thủ tướng Chính phủ, UBND thành phố ban hành Kế hoạch.\n"
    )
    assert meta(text).title == title


def test_official_letter_title_from_its_vv_line() -> None:
    text = (
        "ỦY BAN NHÂN DÂN\nTỈNH NGHỆ AN\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
        "Số: 5123/UBND-VX\nV/v triển khai tuyên truyền\nNghị quyết số 57-NQ/TW\nNghệ An, ngày 12 tháng 11 năm 2025\n\n"
        "Kính gửi:\n- Các sở, ban, ngành cấp tỉnh;\n- UBND các xã, phường.\n\n"
        "Thực hiện Nghị quyết số 57-NQ/TW, UBND tỉnh đề nghị các đơn vị triển khai.\n\n" + SIGN
    )
    m = meta(text)
    assert m.title == "Công văn về việc triển khai tuyên truyền Nghị quyết số 57-NQ/TW"  # not 'ỦY BAN NHÂN DÂN'
    assert (m.doc_type, m.number, m.date) == ("Công văn", "5123/UBND-VX", "2025-11-12")
    assert m.issuer == "Ủy ban nhân dân tỉnh Nghệ An"


def test_motto_beside_the_body_on_one_line() -> None:
    text = (
        "ỦY BAN NHÂN DÂN TỈNH NGHỆ AN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
        "Số: 12/KH-UBND Nghệ An, ngày 12 tháng 11 năm 2025\nKẾ HOẠCH\nTUYÊN TRUYỀN\n\n" + BODY
    )
    m = meta(text)
    assert (m.issuer, m.number, m.date, m.title) == (
        "Ủy ban nhân dân tỉnh Nghệ An",
        "12/KH-UBND",
        "2025-11-12",
        "Kế hoạch tuyên truyền",
    )


def test_youth_union_header_with_blank_number_and_date() -> None:
    text = (
        "|\n**BCH ĐOÀN TỈNH BẮC NINH**\n**BCH ĐOÀN XÃ LƯƠNG MINH**\n***\n|\n**ĐOÀN TNCS HỒ CHÍ MINH**\n|\n"
        "Số: - KH/ĐTN\n|\n*Lương Minh, ngày  tháng  năm 2025*\n|\n**KẾ HOẠCH**\n"
        "TỔ CHỨC HOẠT ĐỘNG KỶ NIỆM NGÀY THÀNH LẬP ĐOÀN\n\n"
        "Thực hiện Kế hoạch số 12-KH/TĐTN-VP của Ban Thường vụ Tỉnh đoàn, Ban Chấp hành Đoàn xã ban hành kế hoạch:\n"
        "I. MỤC ĐÍCH\nNội dung.\n\nNơi nhận:\n- Ban Thường vụ Tỉnh đoàn (b/c);\n- Lưu VP.\n\n"
        "TM. BAN CHẤP HÀNH\nBÍ THƯ\n\nNguyễn Văn An\n"
    )
    m = meta(text)
    assert (m.number, m.date, m.year, m.place) == (None, None, 2025, "Lương Minh")
    assert m.issuer == "BCH Đoàn xã Lương Minh"  # the Youth Union's motto on the right is not the body
    assert (m.province, m.signer, m.signer_title) == ("Bắc Ninh", "Nguyễn Văn An", "BÍ THƯ")
    assert m.title.startswith("Kế hoạch tổ chức hoạt động kỷ niệm")


_PIECES = st.sampled_from(
    [
        "\n",
        "|",
        "**",
        "*",
        "-----",
        "Số:",
        "Số 12-KH/TU",
        "/KH-UBND",
        "ngày",
        "tháng",
        "năm 2025",
        "20",
        "11",
        "KẾ HOẠCH",
        "QUYẾT ĐỊNH",
        "ỦY BAN NHÂN",
        "DÂN",
        "TỈNH BẮC NINH",
        "CỘNG HÒA XÃ HỘI",
        "Độc lập - Tự do",
        "V/v",
        "Kính gửi:",
        "TM.",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "K/T",
        "Trần Văn An",
        "Nơi nhận:",
        "- Lưu: VT;",
        "(02 bản)",
        "Bản in Gởi bài viết",
        "Thực hiện",
        "Căn cứ",
        "ban hành Kế hoạch",
        "Đảng",
        "Trung ương",
        "Hà Nội,",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_PIECES, max_size=60).map(" ".join))
def test_any_text_gives_metadata_never_an_exception(text: str) -> None:
    m = meta(text)
    assert m.title and isinstance(m.recipients, list)
    assert m.date is None or (len(m.date) == 10 and m.year == int(m.date[:4]))
