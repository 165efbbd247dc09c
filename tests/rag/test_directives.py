"""Directive extraction over the shipped corpus (checked by hand), the SQLite registry, and lookup."""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

import pytest

from rag.directives import (
    DirectiveQuery,
    DirectiveRegistry,
    extract_directives,
    looks_like_directive_query,
    make_directive_id,
    parse_directive_query,
)
from rag.errors import NotFoundError
from rag.types import DirectiveRecord, DocumentMeta, Section

pytestmark = pytest.mark.unit

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def corpus_file(prefix: str) -> Path:
    """The one corpus file whose name starts with `prefix`."""
    (path,) = sorted(CORPUS.glob(f"{prefix}_*.txt"))
    return path


def paragraph_sections(text: str) -> list[Section]:
    """Sections without the structure parser: one per blank-line separated paragraph."""
    paras = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    return [
        Section(section_id=f"p{i}", heading=f"Đoạn {i}", path=[f"Đoạn {i}"], text=p)
        for i, p in enumerate(paras, start=1)
    ]


def meta_for(prefix: str, number: str | None = None) -> DocumentMeta:
    """Minimal metadata for one corpus document (doc_id = the province prefix)."""
    path = corpus_file(prefix)
    return DocumentMeta(doc_id=prefix, title=f"Kế hoạch {prefix}", filename=path.name, number=number)


def extract(prefix: str, number: str | None = None) -> dict[str, DirectiveRecord]:
    """Directive records of one corpus document, by id."""
    path = corpus_file(prefix)
    records = extract_directives(meta_for(prefix, number), paragraph_sections(path.read_text("utf-8")))
    return {r.directive_id: r for r in records}


def make_section(text: str, sid: str = "s1") -> Section:
    """One synthetic section."""
    return Section(section_id=sid, heading="I. NỘI DUNG", path=["I. NỘI DUNG"], text=text)


OWN_NUMBERS = {"lai-chau": "464/KH-LĐLĐ", "soc-trang": "374/KH-MTTQ-BTT"}
PREFIXES = ("lai-chau", "hoa-binh", "khanh-hoa", "phu-yen", "soc-trang")

# Every directive cited by the Lai Châu plan, read off the text by hand:
# (id, number, type, issuer, term, subject).
Row = tuple[str, str, str, str | None, str | None, str | None]
LAI_CHAU: list[Row] = [
    ("122-hd-btgtu@2023-06-23", "122-HD/BTGTU", "Hướng dẫn", "Ban Tuyên giáo Tỉnh ủy Lai Châu", None,
     "đẩy mạnh tuyên truyền về công tác xây dựng Đảng và hệ thống chính trị"),
    ("21-kl-tw@2021-10-25", "21-KL/TW", "Kết luận", "Ban Chấp hành Trung ương", None,
     "đẩy mạnh xây dựng, chỉnh đốn Đảng và hệ thống chính trị"),
    ("21-nq-tw@2022-06-16", "21-NQ/TW", "Nghị quyết", None, None,
     "tăng cường củng cố, xây dựng tổ chức cơ sở Đảng và nâng cao chất lượng đội ngũ đảng viên trong "
     "giai đoạn mới"),
    ("28-nq-tw@2022-11-17", "28-NQ/TW", "Nghị quyết", None, None,
     "tiếp tục đổi mới phương thức lãnh đạo, cầm quyền của Đảng"),
    ("101-qd-tw@2012-06-07", "101-QĐ/TW", "Quy định", "Ban Bí thư", None,
     "trách nhiệm nêu gương của cán bộ, đảng viên, nhất là cán bộ lãnh đạo chủ chốt các cấp"),
    ("55-qd-tw@2016-12-19", "55-QĐ/TW", "Quy định", "Bộ Chính trị", None,
     "một số việc cần làm ngay để tăng cường vai trò nêu gương của cán bộ, đảng viên"),
    ("08-qd-tw@2018-10-25", "08-QĐ/TW", "Quy định", "Ban Chấp hành Trung ương Đảng", "khóa XII",
     "trách nhiệm nêu gương của cán bộ, đảng viên, trước hết là Ủy viên Bộ Chính trị, Ủy viên Ban Bí thư, "
     "Ủy viên Ban Chấp hành Trung ương"),
    ("37-qd-tw@2021-10-25", "37-QĐ/TW", "Quy định", None, None, "những điều đảng viên không được làm"),
    ("22-qd-tw@2021-07-28", "22-QĐ/TW", "Quy định", None, None,
     "công tác kiểm tra, giám sát và kỷ luật của Đảng"),
    ("14-kl-tw@2021-09-22", "14-KL/TW", "Kết luận", None, None,
     "chủ trương khuyến khích và bảo vệ cán bộ năng động, sáng tạo vì lợi ích chung"),
    ("02-nq-tw@2021-06-12", "02-NQ/TW", "Nghị quyết", "Bộ Chính trị", None,
     "Đổi mới tổ chức và hoạt động của Công đoàn Việt Nam trong tình hình mới"),
    ("01-kl-tw@2021-05-18", "01-KL/TW", "Kết luận", None, None,
     "tiếp tục thực hiện Chỉ thị số 05-CT/TW của Bộ Chính trị về đẩy mạnh học tập và làm theo tư tưởng, "
     "đạo đức, phong cách Hồ Chí Minh"),
    ("05-ct-tw", "05-CT/TW", "Chỉ thị", "Bộ Chính trị", None,
     "đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh"),
]

# Every directive cited by the Hòa Bình news item (glued forms "Kế hoạch số175", "Kếhoạch số176").
HOA_BINH: list[Row] = [
    ("175-kh-tu@2023-05-26", "175-KH/TU", "Kế hoạch", "Ban Thường vụ Tỉnh ủy", None,
     "thực hiện Kết luận số 50-KL/TW, ngày 28/02/2023 về tiếp tục thực hiện Nghị quyết số 18-NQ/TW, ngày "
     "25/10/2017 của Ban Chấp hành Trung ương khóa XII “Một số vấn đề tiếp tục đổi mới, sắp xếp tổ chức…"),
    ("50-kl-tw@2023-02-28", "50-KL/TW", "Kết luận", None, None,
     "tiếp tục thực hiện Nghị quyết số 18-NQ/TW, ngày 25/10/2017 của Ban Chấp hành Trung ương khóa XII “Một "
     "số vấn đề tiếp tục đổi mới, sắp xếp tổ chức bộ máy của hệ thống chính trị tinh gọn, hoạt động…"),
    ("18-nq-tw@2017-10-25", "18-NQ/TW", "Nghị quyết", "Ban Chấp hành Trung ương", "khóa XII",
     "Một số vấn đề tiếp tục đổi mới, sắp xếp tổ chức bộ máy của hệ thống chính trị tinh gọn, hoạt động "
     "hiệu lực, hiệu quả"),
    ("176-kh-tu@2023-05-29", "176-KH/TU", "Kế hoạch", "Ban Thường vụ Tỉnh ủy", None,
     "xây dựng Kế hoạch thông tin, tuyên truyền về công tác xây dựng Đảng, xây dựng hệ thống chính trị "
     "năm 2023"),
    ("1184-cv-btgtu@2023-06-09", "1184-CV/BTGTU", "Công văn", "Ban Tuyên giáo Tỉnh ủy", None,
     "tuyên truyền triển khai thực hiện Kế hoạch của Ban Thường vụ Tỉnh ủy"),
    ("35-nq-tw@2018-10-22", "35-NQ/TW", "Nghị quyết", "Bộ Chính trị", "khóa XII", None),
    ("21-nq-tw@2022-06-16", "21-NQ/TW", "Nghị quyết", "Ban Chấp hành Trung ương", "khóa XIII", None),
    ("01-kl-tw@2021-05-18", "01-KL/TW", "Kết luận", "Bộ Chính trị", None,
     "tiếp tục thực hiện Chỉ thị số 05-CT/TW của Bộ Chính trị khóa XII “về đẩy mạnh việc học tập và làm "
     "theo tư tưởng, đạo đức, phong cách Hồ Chí Minh”"),
    ("05-ct-tw", "05-CT/TW", "Chỉ thị", "Bộ Chính trị", "khóa XII",
     "đẩy mạnh việc học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh"),
]


def check_table(found: dict[str, DirectiveRecord], table: list[Row]) -> None:
    """Every expected directive with its fields, and nothing else (subjects over 200 characters end in …)."""
    assert sorted(found) == sorted(row[0] for row in table)
    for did, number, doc_type, issuer, term, subject in table:
        rec = found[did]
        assert (rec.number, rec.doc_type, rec.issuer, rec.term) == (number, doc_type, issuer, term), did
        date = did.partition("@")[2] or None
        assert rec.date == date
        assert rec.subject == subject, did
        assert rec.subject is None or len(rec.subject) <= 200


# ----------------------------------------------------------------------------------------------------------
# Extraction


def test_lai_chau_every_directive() -> None:
    check_table(extract("lai-chau", OWN_NUMBERS["lai-chau"]), LAI_CHAU)


def test_hoa_binh_every_directive_including_glued_forms() -> None:
    found = extract("hoa-binh")
    check_table(found, HOA_BINH)
    # The sentence is quoted as written, glued words included.
    assert any("Kếhoạch số176-KH/TU" in m.sentence for m in found["176-kh-tu@2023-05-29"].mentions)
    assert any("Kế hoạch số175-KH/TU" in m.sentence for m in found["175-kh-tu@2023-05-26"].mentions)


def test_document_own_number_is_not_a_citation() -> None:
    assert "1184-cv-btgtu@2023-06-09" not in extract("hoa-binh", "1184-CV/BTGTU")
    meta = DocumentMeta(doc_id="d", title="t", filename="d.txt", number="464/KH-LĐLĐ")
    section = make_section("Kế hoạch số 464/KH-LĐLĐ ngày 10/7/2023 thực hiện Nghị quyết số 35-NQ/TW.")
    assert [r.number for r in extract_directives(meta, [section])] == ["35-NQ/TW"]
    # "(Kèm theo Kế hoạch số: 374 /KH-MTTQ-BTT …)" in the annex is the plan itself.
    assert not any(r.number.startswith("374") for r in extract("soc-trang").values())


def test_soc_trang_two_different_18_nq_tw_are_kept_apart() -> None:
    found = extract("soc-trang", OWN_NUMBERS["soc-trang"])
    eighteen = sorted(did for did, r in found.items() if r.number == "18-NQ/TW")
    assert eighteen == ["18-nq-tw@2017-10-25", "18-nq-tw@2022-06-16"]
    old, land = found["18-nq-tw@2017-10-25"], found["18-nq-tw@2022-06-16"]
    assert old.term == "khóa XII" and land.term == "khóa XIII"
    assert old.subject is not None and old.subject.startswith("Một số vấn đề về tiếp tục đổi mới, sắp xếp")
    assert land.subject is not None and "sử dụng đất" in land.subject
    assert land.issuer == "Ban Chấp hành Trung ương"
    # Undated mentions joined the right one: by sentence ("… thực hiện Nghị quyết số 18-NQ/TW.") and by term.
    assert any("Chương trình số 30-CTr/TU" in m.sentence for m in land.mentions)
    assert any("theo Nghị quyết số 18-NQ/TW của Ban Chấp hành Trung ương Đảng khoá XII" in m.sentence
               for m in old.mentions)


def test_soc_trang_spot_checks() -> None:
    found = extract("soc-trang", OWN_NUMBERS["soc-trang"])
    tb = found["16-tb-tw@2022-07-07"]
    assert tb.doc_type == "Thông báo kết luận" and tb.issuer == "Bộ Chính trị"
    assert found["20-tb-tw@2022-09-08"].doc_type == "Thông báo"
    assert found["716-tb-tu@2022-12-09"].doc_type == "Thông báo kết luận"
    assert found["32-ctr-tu@2023-02-24"].doc_type == "Chương trình"
    assert found["07-da-tu@2022-12-22"].number == "07-ĐA/TU"
    assert found["61-qd-tw@2022-03-08"].doc_type == "Quyết định"
    assert found["21-kl-tw@2021-10-25"].issuer == "Ban Chấp hành Trung ương"  # "của Hội nghị Trung ương 4"
    assert found["21-kl-tw@2021-10-25"].term == "khóa XIII"
    # Never dated anywhere in the plan: undated records.
    assert found["37-nq-tw"].issuer == "Bộ Chính trị" and found["37-nq-tw"].date is None
    assert "05-ct-tw" in found
    # Two mentions of 01-KL/TW in two sections, one record.
    assert len({m.section_id for m in found["01-kl-tw@2021-05-18"].mentions}) == 2
    undated = {r.number for r in found.values() if r.date is None}
    assert undated.isdisjoint({"28-NQ/TW", "29-NQ/TW", "18-NQ/TW"})


def test_khanh_hoa_and_phu_yen_spot_checks() -> None:
    kh = extract("khanh-hoa")
    qh = kh["55-2022-qh15@2022-06-16"]
    assert (qh.number, qh.doc_type, qh.issuer) == ("55/2022/QH15", "Nghị quyết", "Quốc hội")
    assert qh.subject == "thí điểm một số cơ chế, chính sách đặc thù phát triển tỉnh Khánh Hòa"
    cv = kh["6361-mttw-btt@2023-05-18"]
    assert cv.doc_type == "Công văn" and cv.issuer == "Ban Thường trực Ủy ban Trung ương MTTQ Việt Nam"
    assert kh["159-kh-tu@2023-07-05"].issuer == "Tỉnh ủy Khánh Hòa"
    assert len(kh["09-nq-tw@2022-01-28"].mentions) == 2
    py = extract("phu-yen")
    assert py["04-kh-btctw@2021-03-22"].issuer == "Ban Tổ chức Trung ương"
    assert py["39-nq-tw@2015-04-17"].term == "khóa XI"
    assert py["28-ct-tw@2019-01-21"].issuer == "Ban Bí thư Trung ương Đảng"
    # "Nghị quyết số 35-NQ/TW của Bộ Chính trị" (undated) joined the dated record.
    assert "35-nq-tw" not in py and "35-nq-tw@2018-10-22" in py


def test_mentions_carry_provenance_and_short_sentences() -> None:
    found = extract("lai-chau", OWN_NUMBERS["lai-chau"])
    for rec in found.values():
        assert rec.mentions
        for m in rec.mentions:
            assert m.doc_id == "lai-chau" and m.doc_title == "Kế hoạch lai-chau"
            assert re.fullmatch(r"p\d+", m.section_id) and m.section_path == f"Đoạn {m.section_id[1:]}"
            assert 0 < len(m.sentence) <= 400
            assert rec.number in m.sentence.replace("số ", "")
    # A 2,000-character sentence is cut around the reference.
    long = found["21-kl-tw@2021-10-25"].mentions[0].sentence
    assert long.startswith("…") and "Kết luận số 21-KL/TW, ngày 25/10/2021" in long


def test_later_mention_completes_earlier_one() -> None:
    meta = DocumentMeta(doc_id="x", title="Kế hoạch X", filename="x.txt")
    sections = [
        make_section("Thực hiện Nghị quyết số 35-NQ/TW, ngày 22/10/2018 về bảo vệ nền tảng tư tưởng của Đảng",
                     "s1"),
        make_section("Quán triệt Nghị quyết số 35-NQ/TW của Bộ Chính trị (khoá XII) trong cán bộ.", "s2"),
        make_section("Theo tinh thần Nghị quyết số 35-NQ/TW, ngày 22/10/2018 của Bộ Chính trị.", "s3"),
    ]
    (rec,) = extract_directives(meta, sections)
    assert rec.directive_id == "35-nq-tw@2018-10-22"
    assert (rec.issuer, rec.term, rec.subject) == ("Bộ Chính trị", "khóa XII",
                                                  "bảo vệ nền tảng tư tưởng của Đảng")
    assert [m.section_id for m in rec.mentions] == ["s1", "s2", "s3"]


def test_undated_mention_with_two_candidates_stays_apart() -> None:
    meta = DocumentMeta(doc_id="x", title="Kế hoạch X", filename="x.txt")
    sections = [
        make_section("Nghị quyết số 18-NQ/TW, ngày 25/10/2017 về bộ máy.", "s1"),
        make_section("Nghị quyết số 18-NQ/TW, ngày 16/6/2022 về đất đai.", "s2"),
        make_section("Tiếp tục thực hiện Nghị quyết số 18-NQ/TW.", "s3"),
    ]
    ids = sorted(r.directive_id for r in extract_directives(meta, sections))
    assert ids == ["18-nq-tw", "18-nq-tw@2017-10-25", "18-nq-tw@2022-06-16"]


def test_directive_id_is_url_safe() -> None:
    assert make_directive_id("35-NQ/TW", "2018-10-22") == "35-nq-tw@2018-10-22"
    assert make_directive_id("464/KH-LĐLĐ", None) == "464-kh-ldld"
    assert make_directive_id("55/2022/QH15", "2022-06-16") == "55-2022-qh15@2022-06-16"
    for prefix in PREFIXES:
        for did in extract(prefix, OWN_NUMBERS.get(prefix)):
            assert re.fullmatch(r"[a-z0-9-]+(@\d{4}-\d{2}-\d{2})?", did)


def test_same_directives_with_the_real_section_tree(corpus: dict[str, Any]) -> None:
    """The structure parser's sections give the same directives as plain paragraphs."""
    for key, doc in corpus.items():
        by_tree = {r.directive_id for r in extract_directives(doc.meta, doc.root.walk())}
        by_para = {r.directive_id for r in extract_directives(doc.meta, paragraph_sections(doc.text))}
        assert by_tree == by_para, key


# ----------------------------------------------------------------------------------------------------------
# Registry


def records_of(prefix: str) -> list[DirectiveRecord]:
    """Extracted records of one corpus document, in document order."""
    return list(extract(prefix, OWN_NUMBERS.get(prefix)).values())


def test_registry_round_trip(tmp_path: Path) -> None:
    reg = DirectiveRegistry(tmp_path / "sub" / "registry.sqlite")
    assert reg.count() == 0 and reg.all() == []
    reg.replace_document("lai-chau", records_of("lai-chau"))
    assert reg.count() == 13
    first = reg.all()
    reg.replace_document("lai-chau", records_of("lai-chau"))  # idempotent
    assert reg.all() == first
    rec = reg.get("02-nq-tw@2021-06-12")
    assert rec.issuer == "Bộ Chính trị" and rec.mentions[0].doc_id == "lai-chau"
    with pytest.raises(NotFoundError):
        reg.get("999-nq-tw")
    reg.delete_document("lai-chau")
    assert reg.count() == 0
    with pytest.raises(NotFoundError):
        reg.get("02-nq-tw@2021-06-12")


def test_registry_merges_across_documents(tmp_path: Path) -> None:
    reg = DirectiveRegistry(tmp_path / "registry.sqlite")
    reg.replace_document("lai-chau", records_of("lai-chau"))
    reg.replace_document("hoa-binh", records_of("hoa-binh"))
    # 01-KL/TW, 05-CT/TW and 21-NQ/TW are cited by both.
    assert reg.count() == 13 + 9 - 3
    nq21 = reg.get("21-nq-tw@2022-06-16")
    assert {m.doc_id for m in nq21.mentions} == {"lai-chau", "hoa-binh"}
    assert nq21.issuer == "Ban Chấp hành Trung ương"  # only Hòa Bình names it
    assert nq21.term == "khóa XIII"
    assert nq21.subject is not None and nq21.subject.startswith("tăng cường củng cố")  # only Lai Châu
    assert [r.directive_id for r in reg.mentions_for_doc("hoa-binh")].count("21-nq-tw@2022-06-16") == 1
    assert all(m.doc_id == "hoa-binh" for r in reg.mentions_for_doc("hoa-binh") for m in r.mentions)
    # Deleting one plan keeps the shared directives, with the other plan's mentions only.
    assert reg.documents() == ["hoa-binh", "lai-chau"]
    reg.delete_document("hoa-binh")
    assert reg.documents() == ["lai-chau"]
    nq21 = reg.get("21-nq-tw@2022-06-16")
    assert {m.doc_id for m in nq21.mentions} == {"lai-chau"} and nq21.issuer is None
    with pytest.raises(NotFoundError):
        reg.get("175-kh-tu@2023-05-26")
    assert reg.count() == 13


def test_registry_keeps_conflicting_dates_apart(tmp_path: Path) -> None:
    reg = DirectiveRegistry(tmp_path / "registry.sqlite")
    reg.replace_document("hoa-binh", records_of("hoa-binh"))
    reg.replace_document("soc-trang", records_of("soc-trang"))
    ids = [r.directive_id for r in reg.all() if r.number == "18-NQ/TW"]
    assert ids == ["18-nq-tw@2017-10-25", "18-nq-tw@2022-06-16"]
    old = reg.get("18-nq-tw@2017-10-25")
    assert {m.doc_id for m in old.mentions} == {"hoa-binh", "soc-trang"}


def test_registry_persists_after_reopening(tmp_path: Path) -> None:
    path = tmp_path / "registry.sqlite"
    reg = DirectiveRegistry(path)
    for prefix in ("khanh-hoa", "phu-yen"):
        reg.replace_document(prefix, records_of(prefix))
    before = reg.all()
    again = DirectiveRegistry(path)
    assert again.all() == before and again.count() == len(before)
    assert again.get("55-2022-qh15@2022-06-16").issuer == "Quốc hội"


def test_registry_concurrent_writers_and_readers(tmp_path: Path) -> None:
    reg = DirectiveRegistry(tmp_path / "registry.sqlite")
    errors: list[BaseException] = []

    def work(prefix: str) -> None:
        try:
            for _ in range(3):
                reg.replace_document(prefix, records_of(prefix))
                reg.lookup("nq 35")
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(p,)) for p in PREFIXES]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    expected = {r.directive_id for p in PREFIXES for r in records_of(p)}
    assert {r.directive_id for r in reg.all()} == expected


# ----------------------------------------------------------------------------------------------------------
# Lookup


@pytest.fixture(scope="module")
def full_registry(tmp_path_factory: pytest.TempPathFactory) -> DirectiveRegistry:
    """A registry loaded with the whole corpus."""
    reg = DirectiveRegistry(tmp_path_factory.mktemp("directives") / "registry.sqlite")
    for prefix in PREFIXES:
        reg.replace_document(prefix, records_of(prefix))
    return reg


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("35-NQ/TW", "35-nq-tw@2018-10-22"),
        ("35-nq/tw", "35-nq-tw@2018-10-22"),
        ("NQ 35", "35-nq-tw@2018-10-22"),
        ("nghị quyết 35", "35-nq-tw@2018-10-22"),
        ("nghi quyet 35", "35-nq-tw@2018-10-22"),
        ("Nghị quyết số 35", "35-nq-tw@2018-10-22"),
        ("Nghị quyết 35-NQ/TW nói về gì?", "35-nq-tw@2018-10-22"),
        ("Kết luận 21", "21-kl-tw@2021-10-25"),
        ("KL 21-KL/TW", "21-kl-tw@2021-10-25"),
        ("kl 21", "21-kl-tw@2021-10-25"),
        ("QĐ 205", "205-qd-tw@2019-09-23"),
        ("qd 205", "205-qd-tw@2019-09-23"),
        ("Chỉ thị 05", "05-ct-tw"),
        ("CT 5", "05-ct-tw"),
        ("159-KH/TU", "159-kh-tu@2023-07-05"),
        ("kế hoạch 159", "159-kh-tu@2023-07-05"),
        ("55/2022/QH15", "55-2022-qh15@2022-06-16"),
        ("18-NQ/TW 2017", "18-nq-tw@2017-10-25"),
        ("18-NQ/TW 2022", "18-nq-tw@2022-06-16"),
        ("CTr 32", "32-ctr-tu@2023-02-24"),
        ("ĐA 07", "07-da-tu@2022-12-22"),
        ("da 7", "07-da-tu@2022-12-22"),
        ("TB 16", "16-tb-tw@2022-07-07"),
        ("HD 122", "122-hd-btgtu@2023-06-23"),
        ("CV 6361", "6361-mttw-btt@2023-05-18"),
    ],
)
def test_lookup_forms(full_registry: DirectiveRegistry, query: str, first: str) -> None:
    found = full_registry.lookup(query)
    assert found and found[0].directive_id == first


def test_lookup_ambiguous_returns_all_candidates_best_first(full_registry: DirectiveRegistry) -> None:
    ids = [r.directive_id for r in full_registry.lookup("nq 18")]
    assert sorted(ids) == ["18-nq-tw@2017-10-25", "18-nq-tw@2022-06-16"]
    # The type typed decides: never the same number with another type.
    ids = [r.directive_id for r in full_registry.lookup("Kết luận 21")]
    assert ids == ["21-kl-tw@2021-10-25"]
    ids = [r.directive_id for r in full_registry.lookup("nq 35")]
    assert ids == ["35-nq-tw@2018-10-22"]
    # No type typed: every candidate of that number.
    ids = [r.directive_id for r in full_registry.lookup("văn bản số 21")]
    assert sorted(ids) == ["21-kl-tw@2021-10-25", "21-nq-tw@2022-06-16"]
    # A full number only matches that number.
    assert [r.directive_id for r in full_registry.lookup("35-NQ/TW")] == ["35-nq-tw@2018-10-22"]
    assert len(full_registry.lookup("nq 18", limit=1)) == 1


def test_lookup_unknown_is_empty(full_registry: DirectiveRegistry) -> None:
    for query in ("", "xin chào", "NQ 999", "36-NQ/TW", "Nghị quyết về đất đai"):
        assert full_registry.lookup(query) == []


def test_lookup_record_is_merged_across_plans(full_registry: DirectiveRegistry) -> None:
    (rec,) = full_registry.lookup("35-NQ/TW")
    assert {m.doc_id for m in rec.mentions} == {"hoa-binh", "khanh-hoa", "phu-yen", "soc-trang"}
    assert (rec.doc_type, rec.date, rec.issuer, rec.term) == ("Nghị quyết", "2018-10-22", "Bộ Chính trị",
                                                              "khóa XII")
    ct = full_registry.get("05-ct-tw")
    assert ct.subject == "đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh"
    assert len({m.doc_id for m in ct.mentions}) == 5


def test_parse_directive_query() -> None:
    assert parse_directive_query("35-nq/tw") == DirectiveQuery(number="35-NQ/TW", lead=35, kind="nq")
    expected = DirectiveQuery(lead=35, kind="nq", doc_type="Nghị quyết")
    assert parse_directive_query("Nghị quyết số 35") == expected
    assert parse_directive_query("qd 205") == DirectiveQuery(lead=205, kind="qd")
    assert parse_directive_query("CT 5") == DirectiveQuery(lead=5, kind="ct")
    assert parse_directive_query("18-NQ/TW 2017") == DirectiveQuery(number="18-NQ/TW", lead=18, kind="nq",
                                                                    year=2017)
    q = parse_directive_query("55/2022/QH15")
    assert q is not None and (q.number, q.lead, q.kind, q.year) == ("55/2022/QH15", 55, "qh", None)
    assert parse_directive_query("Nghị quyết về đất đai") is None
    assert parse_directive_query("") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nghị quyết 35-NQ/TW nói về gì?", True),
        ("KL 21", True),
        ("kế hoạch số 159", True),
        ("qd 205 quy định gì", True),
        ("Ai ký kế hoạch 464/KH-LĐLĐ?", True),
        ("55/2022/QH15", True),
        ("Kế hoạch năm 2023 có những nội dung gì?", False),
        ("kế hoạch 2023", False),
        ("Giai đoạn 2021-2025, phòng chống Covid-19", False),
        ("Nghị quyết Đại hội XIII nói gì?", False),
        ("Ngày 22/10/2018 có sự kiện gì?", False),
    ],
)
def test_looks_like_directive_query(text: str, expected: bool) -> None:
    assert looks_like_directive_query(text) is expected

