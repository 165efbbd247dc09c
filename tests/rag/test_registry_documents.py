"""The registry knows the ingested documents themselves (their own number and type), on real 2025 documents
from ../shared/corpus-extra (read by path; skipped when that folder is missing)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.config import PROJECT_ROOT
from rag.directives import (
    DirectiveRegistry,
    document_record,
    extract_directives,
    looks_like_directive_query,
    parse_directive_query,
)
from rag.loaders import load_text
from rag.metadata import extract_metadata
from rag.outline import parse_sections
from rag.types import DirectiveRecord, DocumentMeta, Mention, Section

pytestmark = pytest.mark.unit

DOCS = (PROJECT_ROOT / ".." / "shared" / "corpus-extra" / "docs").resolve()
GUIDE = "aa9bb8226e3d4c71.md"  # Hướng dẫn 40-HD/BTGDVTW (number read from its annex), Ban Tuyên giáo và Dân vận TW
HANOI_310 = "31786b0833a4130d.md"  # Kế hoạch 310/KH-UBND of Hà Nội, 2025
DONG_THAP = "bffd9da6f0d38031.md"  # cites another "Kế hoạch 310/KH-UBND ngày 21/8/2024 của Ủy ban nhân dân tỉnh"


def _parsed(name: str) -> tuple[DocumentMeta, list[Section]]:
    path = DOCS / name
    if not path.exists():
        pytest.skip(f"{path} is missing (../shared/corpus-extra not checked out)")
    text = load_text(path)
    root = parse_sections(text)
    return extract_metadata(text, root, doc_id=path.stem, filename=path.name), root.walk()


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> DirectiveRegistry:
    reg = DirectiveRegistry(tmp_path_factory.mktemp("registry") / "directives.sqlite3")
    for name in (GUIDE, HANOI_310, DONG_THAP):
        meta, sections = _parsed(name)
        reg.replace_document(meta.doc_id, extract_directives(meta, sections))
    return reg


def test_a_document_is_its_own_record() -> None:
    meta, sections = _parsed(GUIDE)
    own = document_record(meta)
    assert own is not None
    assert (own.number, own.doc_type, own.doc_id) == ("40-HD/BTGDVTW", "Hướng dẫn", "aa9bb8226e3d4c71")
    assert own.title == meta.title
    records = extract_directives(meta, sections)
    assert records[-1] == own
    assert sum(1 for r in records if r.number == "40-HD/BTGDVTW") == 1  # its annex's "Kèm theo" is not a citation


def test_no_own_record_without_a_coded_number() -> None:
    meta = DocumentMeta(doc_id="x", title="Tin bài", filename="x.md", doc_type="Tin bài", number=None)
    assert document_record(meta) is None
    meta = meta.model_copy(update={"number": "KH-330-TU_signed.pdf", "doc_type": "Kế hoạch"})
    assert document_record(meta) is None


@pytest.mark.parametrize("query", ["hướng dẫn 40", "HD 40", "Hướng dẫn số 40", "40-HD/BTGDVTW", "huong dan so 40",
                                   "/tra 40-HD/BTGDVTW", "Hướng dẫn 40-HD/BTGDVTW nói gì?", "40 - HD/BTGDVTW"])
def test_the_guide_is_found_under_its_number_and_type(registry: DirectiveRegistry, query: str) -> None:
    found = registry.lookup(query)
    assert found, query
    assert found[0].doc_id == "aa9bb8226e3d4c71"
    assert found[0].doc_type == "Hướng dẫn"
    assert found[0].date == "2025-11-27"
    assert found[0].title
    assert found[0].issuer == "Ban Tuyên giáo và Dân vận Trung ương"  # from its number's code


def test_the_type_typed_decides(registry: DirectiveRegistry) -> None:
    assert registry.lookup("nghị quyết 40") == []
    assert registry.lookup("kế hoạch 40") == []
    assert [r.doc_type for r in registry.lookup("Quyết định 246")] == ["Quyết định"]  # 246-QĐ/TW, cited by the guide
    assert registry.lookup("hướng dẫn 246") == []


def test_same_number_two_documents_are_listed_not_merged(registry: DirectiveRegistry) -> None:
    found = registry.lookup("KH 310 UBND")
    assert len(found) == 2
    own = [r for r in found if r.doc_id == "31786b0833a4130d"]
    cited = [r for r in found if r.doc_id is None]
    assert len(own) == 1 and len(cited) == 1
    assert cited[0].date == "2024-08-21"
    assert {m.doc_id for m in cited[0].mentions} == {"bffd9da6f0d38031"}
    assert own[0].mentions == []  # the Đồng Tháp plan cites a 2024 plan, not Hà Nội's of 2025
    assert registry.lookup("kế hoạch 310 năm 2024")[0].date == "2024-08-21"


def test_undated_citations_join_the_one_ingested_document(tmp_path: Path) -> None:
    reg = DirectiveRegistry(tmp_path / "d.sqlite3")
    meta, sections = _parsed(GUIDE)
    reg.replace_document(meta.doc_id, extract_directives(meta, sections))
    mention = Mention(doc_id="plan", doc_title="Kế hoạch tuyên truyền", section_id="s1", section_path="I. MỤC ĐÍCH",
                      sentence="Thực hiện Hướng dẫn số 40-HD/BTGDVTW của Ban Tuyên giáo và Dân vận Trung ương.")
    cited = DirectiveRecord(directive_id="40-hd-btgdvtw", number="40-HD/BTGDVTW", doc_type="Hướng dẫn",
                            mentions=[mention])
    reg.replace_document("plan", [cited])
    (found,) = reg.lookup("hướng dẫn 40")
    assert found.doc_id == "aa9bb8226e3d4c71"
    assert [m.doc_id for m in found.mentions] == ["plan"]


def test_the_store_migrates_an_older_file(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE doc_directives (doc_id TEXT NOT NULL, directive_id TEXT NOT NULL, ord INTEGER "
                     "NOT NULL, number TEXT NOT NULL, lead INTEGER, doc_type TEXT NOT NULL, date TEXT, issuer TEXT, "
                     "term TEXT, subject TEXT, PRIMARY KEY (doc_id, directive_id))")
        conn.execute("INSERT INTO doc_directives VALUES ('p', '35-nq-tw', 0, '35-NQ/TW', 35, 'Nghị quyết', NULL, "
                     "NULL, NULL, NULL)")
    reg = DirectiveRegistry(path)
    assert [r.number for r in reg.lookup("nq 35")] == ["35-NQ/TW"]
    meta, sections = _parsed(GUIDE)
    reg.replace_document(meta.doc_id, extract_directives(meta, sections))
    assert reg.lookup("hd 40")[0].doc_id == meta.doc_id


@pytest.mark.parametrize(
    ("text", "number", "doc_type"),
    [
        ("Căn cứ Chỉ thị số số 46 - CT/TW ngày 22/6/2015 của Ban Bí thư về công tác dân vận.", "46-CT/TW",
         "Chỉ thị"),
        ("Thực hiện Kế hoạch số175-KH/TU, ngày 26/5/2023 của Ban Thường vụ Tỉnh ủy.", "175-KH/TU", "Kế hoạch"),
        ("Căn cứ Thông tư số 06/2022/TT-BTTTT ngày 30/6/2022 của Bộ Thông tin và Truyền thông.",
         "06/2022/TT-BTTTT", "Thông tư"),
        ("Căn cứ Nghị quyết số 85/2015/QH13 ngày 25/6/2015 của Quốc hội.", "85/2015/QH13", "Nghị quyết"),
    ],
)
def test_oddly_written_citations_are_extracted(text: str, number: str, doc_type: str) -> None:
    meta = DocumentMeta(doc_id="p", title="Kế hoạch", filename="p.md")
    section = Section(section_id="s1", heading="I.", path=["I."], text=text)
    (rec,) = extract_directives(meta, [section])
    assert (rec.number, rec.doc_type) == (number, doc_type)
    q = parse_directive_query(number)
    assert q is not None and q.number == number


def test_file_names_and_urls_are_not_directives() -> None:
    meta = DocumentMeta(doc_id="p", title="Kế hoạch", filename="p.md")
    text = ("Tải Kế hoạch KH-330-TU_signed.pdf và Hướng dẫn tại https://btgdv.vn/files/Huong dan 37-HD-BTGDVTW.pdf "
            "để thực hiện Kế hoạch số 175-KH/TU.")
    records = extract_directives(meta, [Section(section_id="s1", heading="I.", path=["I."], text=text)])
    assert [r.number for r in records] == ["175-KH/TU"]
    for query in ("KH-330-TU_signed.pdf", "https://btgdv.vn/files/37-HD-BTGDVTW.pdf"):
        assert not looks_like_directive_query(query)
        assert parse_directive_query(query) is None


def test_query_parsing_keeps_the_type_and_issuer_codes() -> None:
    q = parse_directive_query("KH 159 UBND")
    assert q is not None and (q.kind, q.lead, q.codes) == ("kh", 159, ["ubnd"])
    q = parse_directive_query("hướng dẫn 37")
    assert q is not None and (q.doc_type, q.kind, q.lead) == ("Hướng dẫn", "hd", 37)
    q = parse_directive_query("/tra 16/KH-MTTQ-BTT")
    assert q is not None and (q.number, q.kind) == ("16/KH-MTTQ-BTT", "kh")
    assert looks_like_directive_query("hướng dẫn 37") and looks_like_directive_query("KH 159 UBND")


def test_oddly_written_queries_find_oddly_written_citations(tmp_path: Path) -> None:
    meta = DocumentMeta(doc_id="p", title="Kế hoạch", filename="p.md")
    text = ("Căn cứ Chỉ thị số số 46 - CT/TW ngày 22/6/2015 của Ban Bí thư; Thực hiện Kế hoạch số175-KH/TU, "
            "ngày 26/5/2023 của Ban Thường vụ Tỉnh ủy.")
    reg = DirectiveRegistry(tmp_path / "d.sqlite3")
    reg.replace_document("p", extract_directives(meta, [Section(section_id="s1", heading="I.", path=["I."],
                                                                text=text)]))
    for query, number in (("Chỉ thị số số 46 - CT/TW", "46-CT/TW"), ("chi thi 46", "46-CT/TW"),
                          ("CT 46", "46-CT/TW"), ("Kế hoạch số175-KH/TU", "175-KH/TU"), ("kh 175 tu", "175-KH/TU")):
        found = reg.lookup(query)
        assert [r.number for r in found] == [number], query
    assert reg.lookup("kết luận 46") == []


def test_laws_are_cited_by_name_then_number() -> None:
    path = DOCS / "ca9ba61fc61bf961.md"  # Quy định 384-QĐ/TW citing "Luật An toàn thông tin mạng số 86/2015/QH13"
    if not path.exists():
        pytest.skip(f"{path} is missing")
    meta, sections = _parsed(path.name)
    laws = {r.number: r for r in extract_directives(meta, sections) if r.doc_type == "Luật"}
    assert "86/2015/QH13" in laws, sorted(laws)
    assert laws["86/2015/QH13"].subject == "An toàn thông tin mạng"
    assert laws["86/2015/QH13"].issuer == "Quốc hội"
    meta = DocumentMeta(doc_id="p", title="Kế hoạch", filename="p.md")
    text = "Luật này có hiệu lực; theo Luật số 12 người và Nghị quyết số 163/2024/QH15 của Quốc hội."
    records = extract_directives(meta, [Section(section_id="s1", heading="I.", path=["I."], text=text)])
    assert [(r.number, r.doc_type) for r in records] == [("163/2024/QH15", "Nghị quyết")]


def test_a_law_is_looked_up_by_type_and_number(tmp_path: Path) -> None:
    meta, sections = _parsed("ca9ba61fc61bf961.md")
    reg = DirectiveRegistry(tmp_path / "d.sqlite3")
    reg.replace_document(meta.doc_id, extract_directives(meta, sections))
    for query in ("Luật số 86", "luat 86", "86/2015/QH13", "Luật An toàn thông tin mạng số 86/2015/QH13"):
        assert [r.number for r in reg.lookup(query)] == ["86/2015/QH13"], query
    assert reg.lookup("nghị quyết 86") == []


def test_two_undated_documents_with_one_number_stay_two(tmp_path: Path) -> None:
    reg = DirectiveRegistry(tmp_path / "d.sqlite3")
    for doc_id, province in (("bac-ninh", "Bắc Ninh"), ("nghe-an", "Nghệ An")):
        meta = DocumentMeta(doc_id=doc_id, title=f"Kế hoạch của {province}", filename=f"{doc_id}.md",
                            doc_type="Kế hoạch", number="141/KH-UBND", issuer=f"Ủy ban nhân dân tỉnh {province}")
        reg.replace_document(doc_id, extract_directives(meta, []))
    found = reg.lookup("kế hoạch 141")
    assert sorted(r.doc_id or "" for r in found) == ["bac-ninh", "nghe-an"]
    assert all(reg.get(r.directive_id).doc_id == r.doc_id for r in found)
