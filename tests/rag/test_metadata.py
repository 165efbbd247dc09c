"""Metadata of the five corpus documents, field by field as read by hand, and synthetic edge cases."""

from __future__ import annotations

import pytest

from rag.metadata import PROVINCES, extract_metadata, find_provinces, province_of
from rag.outline import parse_sections
from rag.text import fold
from tests.rag.conftest import ParsedDoc

pytestmark = pytest.mark.unit


def test_lai_chau(corpus: dict[str, ParsedDoc]) -> None:
    m = corpus["lai-chau"].meta
    assert m.doc_id == "lai-chau" and m.filename == corpus["lai-chau"].path.name
    assert m.title == "Kế hoạch đẩy mạnh tuyên truyền về công tác xây dựng Đảng và hệ thống chính trị"
    assert m.doc_type == "Kế hoạch"
    assert m.number == "464/KH-LĐLĐ"
    assert m.issuer == "Ban Thường vụ Liên đoàn Lao động tỉnh Lai Châu"
    assert m.place == "Lai Châu"
    assert m.date == "2023-07-10"
    assert m.year == 2023
    assert m.province == "Lai Châu"
    assert m.signer == "Hoàng Văn Trinh"
    assert m.signer_title == "PHÓ CHỦ TỊCH"
    assert m.recipients == [
        "Tổng LĐLĐ Việt Nam",
        "Ban Dân vận Tỉnh ủy",
        "Ban Tuyên giáo Tỉnh ủy",
        "Các ban LĐLĐ tỉnh",
        "LĐLĐ các huyện, thành phố, CDN, CĐVC",
        "Lưu: TgNc, VT",
    ]
    assert m.implements == ["122-HD/BTGTU"]  # not the 21-KL/TW, 28-NQ/TW... cited in the body


def test_khanh_hoa(corpus: dict[str, ParsedDoc]) -> None:
    m = corpus["khanh-hoa"].meta
    assert m.title == (
        "Kế hoạch thông tin, tuyên truyền về công tác xây dựng Đảng, xây dựng hệ thống chính trị "
        "tỉnh Khánh Hòa năm 2023"
    )
    assert m.doc_type == "Kế hoạch"
    assert m.number is None  # the text has no "Số:" line; 6361/MTTW-BTT and 159-KH/TU are cited documents
    assert m.issuer == "Ban Thường trực Ủy ban MTTQ Việt Nam tỉnh Khánh Hòa"
    assert m.place == "Khánh Hòa"
    assert m.date == "2023-08-04"  # "ngày **04** tháng 8 năm 2023", not the cited plan's 05/7/2023
    assert m.year == 2023
    assert m.province == "Khánh Hòa"
    assert m.signer == "Cao Ngọc Tâm"
    assert m.signer_title == "PHÓ CHỦ TỊCH"
    assert m.recipients == [
        "BTT UBTWMTTQ Việt Nam",
        "Tỉnh ủy Khánh Hòa",
        "BTT UBMTTQVN tỉnh",
        "Các tổ chức thành viên MTTQ tỉnh",
        "BTT UBMTTQVN các huyện, thành phố",
        "Các ban, VPUBMTTQ tỉnh",
        "Lưu: VT, Ban PT",
    ]
    assert m.implements == ["6361/MTTW-BTT", "159-KH/TU"]


def test_phu_yen(corpus: dict[str, ParsedDoc]) -> None:
    m = corpus["phu-yen"].meta
    assert m.title == (
        "Kế hoạch thông tin, tuyên truyền về công tác xây dựng Đảng, xây dựng hệ thống chính trị năm 2021"
    )
    assert m.doc_type == "Kế hoạch"
    assert m.number is None  # no "Số:" line in the text
    assert m.issuer == "Ban Thường vụ Tỉnh ủy Phú Yên"
    assert m.place is None and m.date is None  # no dateline in the text
    assert m.year == 2021  # from the title's "năm 2021"
    assert m.province == "Phú Yên"  # the text names "tỉnh Phú Yên" (Giải báo chí ... tỉnh Phú Yên năm 2021)
    assert m.signer == "Cao Thị Hòa An"
    assert m.signer_title == "PHÓ BÍ THƯ"
    assert m.recipients == [
        "Ban Tổ chức Trung ương (b/c)",
        "Ban Tuyên giáo Trung ương (b/c)",
        "Các đ/c Ủy viên BTV Tỉnh ủy",
        "Các ban đảng Tỉnh ủy",
        "Các huyện ủy, thị ủy, thành ủy, đảng ủy trực thuộc Tỉnh ủy",  # wrapped line joined
        "Sở Thông tin và Truyền thông",
        "Sở Văn hóa, Thể thao và Du lịch",
        "Mặt trận và các đoàn thể CT-XH tỉnh",
        "Hội Nhà báo và các cơ quan báo chí của tỉnh",
        "Lưu Văn phòng Tỉnh ủy",
    ]
    assert m.implements == ["04-KH/BTCTW"]


def test_hoa_binh_news_item(corpus: dict[str, ParsedDoc]) -> None:
    m = corpus["hoa-binh"].meta
    assert m.title == "Tuyên truyền triển khai thực hiện Kế hoạch của ban Thường vụ Tỉnh ủy"
    assert m.doc_type == "Tin bài"
    assert m.number is None  # 1184-CV/BTGTU is the reported document, not this news item
    assert m.issuer == "Ban Tuyên giáo Tỉnh ủy Hòa Bình"
    assert m.place is None
    assert m.date == "2023-06-12"  # "12/06/2023 16:30"
    assert m.year == 2023
    assert m.province == "Hòa Bình"  # "Báo Hòa Bình"; not the lower-case "diễn biến hòa bình"
    assert m.signer is None and m.signer_title is None
    assert m.recipients == []
    assert m.implements == ["175-KH/TU", "176-KH/TU"]  # "số175-KH/TU" glued in the source


def test_soc_trang(corpus: dict[str, ParsedDoc]) -> None:
    m = corpus["soc-trang"].meta
    assert m.title == (
        "Kế hoạch thông tin, tuyên truyền về công tác xây dựng đảng, xây dựng hệ thống chính trị năm 2023"
    )
    assert m.doc_type == "Kế hoạch"
    assert m.number == "374/KH-MTTQ-BTT"  # only in the annex: "(Kèm theo Kế hoạch số: 374  /KH-MTTQ-BTT"
    assert m.issuer == "Ban Thường trực Ủy ban MTTQ Việt Nam tỉnh Sóc Trăng"
    assert m.place is None  # no dateline
    assert m.date == "2023-07-25"  # the annex's "ngày 25/7/2023", not 70-KH/TU's 23/5/2023
    assert m.year == 2023
    assert m.province == "Sóc Trăng"
    assert m.signer == "Đỗ Tấn Hậu"
    assert m.signer_title == "PHÓ CHỦ TỊCH THƯỜNG TRỰC"
    assert m.recipients == [
        "Ban TCCB UBTW MTTQ VN, T.176",
        "Ban Công tác Phía Nam T.176",
        "Ban Tổ chức Tỉnh ủy",
        "BTT MTTQ tỉnh",
        "BTT Ủy ban MTTQ VN các H,TX,TP",
        "Lưu VP",
    ]
    assert m.implements == ["70-KH/TU"]


# ---- provinces -------------------------------------------------------------------------------------------


def test_province_list() -> None:
    assert len(PROVINCES) == 63
    assert len({fold(p) for p in PROVINCES}) == 63


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Khánh Hoà", "Khánh Hòa"),
        ("khanh hoa", "Khánh Hòa"),
        ("tỉnh Lai Châu", "Lai Châu"),
        ("TP. Hồ Chí Minh", "Thành phố Hồ Chí Minh"),
        ("Bà Rịa-Vũng Tàu", "Bà Rịa - Vũng Tàu"),
        ("Hồ Chí Minh", None),
        ("Việt Nam", None),
        (None, None),
    ],
)
def test_province_of(name: str | None, expected: str | None) -> None:
    assert province_of(name) == expected


def test_find_provinces_ignores_lower_case_phrases() -> None:
    text = "chống “diễn biến hòa bình”, học tập tư tưởng Hồ Chí Minh; Báo Hòa Bình đưa tin"
    assert [p for p, _, _ in find_provinces(text)] == ["Hòa Bình"]


# ---- synthetic ----------------------------------------------------------------------------------------


def test_kt_signature_header_issuer_and_blank_day() -> None:
    text = (
        "ỦY BAN NHÂN DÂN\nTỈNH NGHỆ AN\nSố:     /KH-UBND\nNghệ An, ngày     tháng 9 năm 2024\n\n"
        "KẾ HOẠCH\nTuyên truyền cải cách hành chính\n\n"
        "Căn cứ Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ, UBND tỉnh ban hành Kế hoạch như sau:\n\n"
        "I. MỤC ĐÍCH\nNâng cao nhận thức.\n\nNơi nhận:\n- Như trên;\n- Lưu: VT.\n\n"
        "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nTrần Văn Bình\n"
    )
    root = parse_sections(text)
    m = extract_metadata(text, root, doc_id="na", filename="na.txt")
    assert m.number is None  # "Số:     /KH-UBND": a draft without its number
    assert m.date is None and m.year == 2024 and m.place == "Nghệ An"  # day left blank
    assert m.province == "Nghệ An"
    assert m.issuer == "Ủy ban nhân dân tỉnh Nghệ An"
    assert m.signer == "Trần Văn Bình"
    assert m.signer_title == "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"
    assert m.implements == ["76/NQ-CP"]
    assert m.recipients == ["Như trên", "Lưu: VT"]


def test_nothing_to_find_stays_none() -> None:
    text = "Một đoạn văn ngắn không có thông tin gì về văn bản.\n\nĐoạn thứ hai cũng vậy.\n"
    root = parse_sections(text)
    m = extract_metadata(text, root, doc_id="z", filename="z.txt")
    assert m.title
    assert (m.doc_type, m.number, m.issuer, m.place, m.date, m.year, m.province) == (None,) * 7
    assert (m.signer, m.signer_title, m.recipients, m.implements) == (None, None, [], [])
