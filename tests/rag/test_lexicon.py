"""The lexicon's tables and accessors, exercised on real documents (shipped corpus and ../shared/corpus-extra)."""

from __future__ import annotations

import json
import re

import pytest

from rag import lexicon as lx
from rag.config import PROJECT_ROOT
from rag.text import fold

pytestmark = pytest.mark.unit

EXTRA = (PROJECT_ROOT / ".." / "shared" / "corpus-extra").resolve()
CORPUS = PROJECT_ROOT / "corpus"


def _extra(name: str) -> str:
    path = EXTRA / "docs" / name
    if not path.exists():
        pytest.skip(f"corpus-extra document {path} is missing (../shared/corpus-extra not checked out)")
    return path.read_text(encoding="utf-8")


def _index() -> list[dict[str, object]]:
    path = EXTRA / "index.json"
    if not path.exists():
        pytest.skip(f"{path} is missing (../shared/corpus-extra not checked out)")
    data: list[dict[str, object]] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _shipped(prefix: str) -> str:
    return next(CORPUS.glob(f"{prefix}*")).read_text(encoding="utf-8")


def test_header_numbers_of_every_extra_document_parse_and_name_their_type() -> None:
    checked = 0
    for item in _index():
        number, kind = item["number"], str(item["kind"])
        if not number:
            continue
        m = lx.NUMBER_RE.fullmatch(str(number))
        assert m, number
        code = lx.number_code(str(number))
        assert code is not None
        assert lx.type_of_word(kind) in lx.type_of_code(code), (number, kind)
        checked += 1
    assert checked >= 40


def test_title_keyword_of_every_extra_document_is_known() -> None:
    for item in _index():
        text = _extra(str(item["file"]))
        kind = str(item["kind"])
        assert kind in lx.TITLE_KEYWORDS
        assert kind in text.replace("**", "")
        assert lx.type_of_word(kind) in lx.DOC_TYPE_NAMES


def test_numbers_in_running_text_of_a_real_guide() -> None:
    text = _extra("aa9bb8226e3d4c71.md")  # Hướng dẫn of the Ban Tuyên giáo và Dân vận Trung ương
    found = {re.sub(r"\s+", "", m.group(0)) for m in lx.NUMBER_RE.finditer(text)}
    assert {"294-QĐ/TW", "30-CT/TW", "76/2025/UBTVQH15"} <= found
    assert lx.number_code("76/2025/UBTVQH15") == "ubtvqh"
    assert lx.number_code("44/2025/QĐ-CTUBND") == "qd"
    assert lx.number_code("06/2022/TT-BTTTT") == "tt"
    assert lx.number_code("55/2022/QH15") == "qh"
    assert lx.number_code("32-CTr/TU") == "ctr"


def test_kinds_map_codes_to_types() -> None:
    assert lx.KINDS["qd"][1] == {"Quy định", "Quyết định"}
    assert lx.KINDS["hd"][1] == {"Hướng dẫn"}
    assert lx.KINDS["ctr"][1] == {"Chương trình"}
    assert lx.KINDS["ttr"][1] == {"Tờ trình"}
    assert lx.TYPE_CODE["Hướng dẫn"] == "hd"
    assert lx.QUERY_TYPES["huong dan"] == "Hướng dẫn"
    assert "huong dan" in lx.CITED_TYPES and "bao cao" not in lx.CITED_TYPES


def test_blank_header_number_and_files_or_urls() -> None:
    assert lx.BLANK_NUMBER_RE.match("Số:     /KH-UBND")
    assert lx.BLANK_NUMBER_RE.match("Số: - KH/ĐTN")
    assert not lx.BLANK_NUMBER_RE.match("Số: 464/KH-LĐLĐ")
    text = _extra("e7792cccbca70a64.md")  # cites a public service portal by URL
    url = re.search(r"https://dichvucong\.\S+", text)
    assert url and lx.inside_file_or_url(text, url.start() + 8, url.end())
    line = "tải KH-330-TU_signed.pdf và https://x.vn/files/37-HD-BTGDVTW.pdf; Kế hoạch số 175-KH/TU"
    assert lx.inside_file_or_url(line, line.index("330"), line.index("330") + 6)
    assert lx.inside_file_or_url(line, line.index("37-HD"), line.index("37-HD") + 5)
    assert not lx.inside_file_or_url(line, line.index("175"), line.index("175") + 9)


def test_there_are_34_provinces_after_2025_and_every_old_one_has_a_home() -> None:
    assert len(lx.PROVINCES_2025) == 34
    assert len(lx.PROVINCES) == 63
    for old in lx.PROVINCES:
        assert lx.province_successor(old) in lx.PROVINCES_2025, old
    assert sum(len(v) for v in lx.MERGER_2025.values()) == 63 - 34  # Thừa Thiên Huế is renamed (Huế), not absorbed
    assert lx.province_successor("Thừa Thiên Huế") == "Huế"


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("tỉnh Khánh Hoà", "Khánh Hòa"),
        ("hoa binh", "Hòa Bình"),
        ("TP.HCM", "Thành phố Hồ Chí Minh"),
        ("Thành phố Hồ Chí Minh", "Thành phố Hồ Chí Minh"),
        ("Bà Rịa–Vũng Tàu", "Bà Rịa - Vũng Tàu"),
        ("Thừa Thiên - Huế", "Thừa Thiên Huế"),
        ("thành phố Huế", "Huế"),
        ("Hồ Chí Minh", None),
        ("Atlantis", None),
    ],
)
def test_spellings_resolve_through_fold(written: str, canonical: str | None) -> None:
    assert lx.province_canonical(written) == canonical


def test_old_and_new_names_of_the_shipped_phu_yen_plan() -> None:
    text = _shipped("phu-yen")
    assert "Phú Yên" in text
    assert lx.province_equivalents("Đắk Lắk") == ("Đắk Lắk", "Phú Yên")
    assert lx.province_equivalents("phu yen") == ("Phú Yên", "Đắk Lắk")
    assert lx.merger_note("Đắk Lắk", "Phú Yên") == "Lưu ý: từ 01/7/2025 tỉnh Phú Yên thuộc tỉnh Đắk Lắk."


def test_a_2025_plan_naming_old_and_new_provinces() -> None:
    text = _extra("d5ffa6afac124d52.md")  # Đắk Lắk plan that still names the former tỉnh Phú Yên
    assert "tỉnh Phú Yên" in text and "tỉnh Đắk Lắk" in text
    assert lx.merger_note("Phú Yên", "Đắk Lắk") == "Lưu ý: từ 01/7/2025 tỉnh Phú Yên thuộc tỉnh Đắk Lắk."
    text = _extra("a83fffe08d7aeed7.md")  # names Sóc Trăng and Hậu Giang
    for old in ("Sóc Trăng", "Hậu Giang"):
        assert old in text
        assert lx.merger_note(old, "Cần Thơ") == f"Lưu ý: từ 01/7/2025 tỉnh {old} thuộc thành phố Cần Thơ."
    assert lx.merger_note("Sóc Trăng", "Hậu Giang") is None  # siblings, not successor
    assert lx.merger_note("Lai Châu", "Lai Châu") is None


def test_communes_wards_and_special_zones_are_places() -> None:
    assert ("đặc khu", "Cồn Cỏ") in lx.find_local_places(_extra("4f30202155d56bdd.md"))
    assert ("phường", "Sông Cầu") in lx.find_local_places(_extra("d5ffa6afac124d52.md"))
    assert ("xã", "Vạn Lộc") in lx.find_local_places(_extra("85ff77cbda28ffbb.md"))
    assert lx.find_local_places("UBND xã Lương Minh triển khai") == [("xã", "Lương Minh")]
    assert lx.find_local_places("xã hội, phường hội") == []


def test_bodies_renamed_in_2025() -> None:
    text = _extra("aa9bb8226e3d4c71.md")
    assert "Ban Tuyên giáo và Dân vận Trung ương" in text
    assert lx.body_successor("Ban Tuyên giáo Trung ương") == "Ban Tuyên giáo và Dân vận Trung ương"
    assert lx.body_successor("ban dan van trung uong") == "Ban Tuyên giáo và Dân vận Trung ương"
    header = next(line for line in _extra("c49a5afadf61b342.md").split("\n") if line.startswith("Số:"))
    assert header.endswith("1147-QĐ/BTGDVTW")
    assert lx.ABBREVIATIONS[header.rsplit("/", 1)[1]] == "Ban Tuyên giáo và Dân vận Trung ương"
    assert "Sở Khoa học và Công nghệ" in _extra("192068354fd1ffe5.md")
    assert lx.body_successor("Sở Thông tin và Truyền thông") == "Sở Khoa học và Công nghệ"
    assert lx.body_successor("Bộ Thông tin và Truyền thông") == "Bộ Khoa học và Công nghệ"
    assert lx.body_successor("Bộ Kế hoạch và Đầu tư") == "Bộ Tài chính"
    assert lx.body_successor("Bộ Tài nguyên và Môi trường") == "Bộ Nông nghiệp và Môi trường"
    assert lx.body_successor("Bộ Giao thông vận tải") == "Bộ Xây dựng"
    assert lx.body_successor("Bộ Lao động - Thương binh và Xã hội") == "Bộ Nội vụ"
    assert lx.body_successor("Ủy ban Dân tộc") == "Bộ Dân tộc và Tôn giáo"
    assert lx.body_successor("Bộ Nội vụ") == "Bộ Nội vụ"
    assert lx.body_of("Hội Nông dân") is None


def test_signature_prefixes_of_real_signature_blocks() -> None:
    for name, prefix in (("4f30202155d56bdd.md", "KT"), ("265ff514762b4c47.md", "T/M"), ("fe168907f6107711.md", "K/T")):
        lines = (line.replace("**", "").strip() for line in _extra(name).split("\n"))
        found = [m.group("pre") for m in map(lx.SIGNATURE_PREFIX_RE.match, lines) if m]
        assert found == [prefix], name
    assert lx.SIGNATURE_PREFIX_RE.match("KT. CHỦ TỊCH").group("pre") == "KT"  # type: ignore[union-attr]
    assert lx.SIGNATURE_PREFIX_RE.match("TUQ. CHỦ TỊCH").group("pre") == "TUQ"  # type: ignore[union-attr]
    assert lx.RECIPIENTS_RE.match(fold("Nơi nhận:"))


def test_issuer_of_a_central_number_code() -> None:
    numbers = {str(item["number"]) for item in _index() if item["number"]}
    assert {"1147-QĐ/BTGDVTW", "634/TB-VPCP", "45-HD/BTCTW", "141/KH-UBND"} <= numbers
    assert lx.issuer_of_number("1147-QĐ/BTGDVTW") == "Ban Tuyên giáo và Dân vận Trung ương"
    assert lx.issuer_of_number("634/TB-VPCP") == "Văn phòng Chính phủ"
    assert lx.issuer_of_number("45-HD/BTCTW") == "Ban Tổ chức Trung ương"
    assert lx.issuer_of_number("141/KH-UBND") is None  # which province's?
    assert lx.issuer_of_number("35-NQ/TW") is None  # BCH, Bộ Chính trị or Ban Bí thư
