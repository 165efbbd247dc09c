"""Old and new (2025) province names across refusal, retrieval filters and routing, with the shipped plans."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.config import PROJECT_ROOT
from rag.directives import DirectiveRegistry
from rag.evidence import CorpusStats
from rag.lexicon import merger_notes
from rag.refusal import EvidenceGate
from rag.retrieval import doc_matches, province_matches
from rag.routing import docs_named, route, standalone_question
from rag.types import ChatTurn, DocumentMeta

pytestmark = pytest.mark.unit

CORPUS = PROJECT_ROOT / "corpus"


def _meta(doc_id: str, province: str, place: str | None = None) -> DocumentMeta:
    return DocumentMeta(doc_id=doc_id, title=f"Kế hoạch tuyên truyền {province}", filename=f"{doc_id}.txt",
                        province=province, place=place, doc_type="Kế hoạch")


METAS = [_meta("phu-yen", "Phú Yên"), _meta("soc-trang", "Sóc Trăng"), _meta("lai-chau", "Lai Châu", "Lai Châu"),
         _meta("hoa-binh", "Hòa Bình")]


@pytest.fixture(scope="module")
def stats() -> CorpusStats:
    texts = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))]
    assert len(texts) == 5
    return CorpusStats(texts)


@pytest.fixture()
def gate(tmp_path: Path) -> EvidenceGate:
    return EvidenceGate(DirectiveRegistry(tmp_path / "d.sqlite3"), min_support=0.15)


@pytest.mark.parametrize("question", [
    "Kế hoạch tuyên truyền của tỉnh Đắk Lắk có những hình thức nào?",  # Phú Yên's successor
    "Cần Thơ tuyên truyền về xây dựng Đảng thế nào?",  # Sóc Trăng's successor
    "tinh phu tho tuyen truyen gi",  # Hòa Bình's successor, no accents
    "Phú Yên tuyên truyền những nội dung gì?",
])
def test_a_province_under_its_other_name_is_not_refused(gate: EvidenceGate, stats: CorpusStats,
                                                        question: str) -> None:
    assert not gate.precheck(question, METAS, stats).refuse


@pytest.mark.parametrize("question", [
    "Kế hoạch tuyên truyền của tỉnh Bình Dương có gì?",  # → TP. Hồ Chí Minh: neither is in the documents
    "Kế hoạch tuyên truyền của tỉnh Quảng Ninh có gì?",  # unchanged, not in the documents
    "Hà Giang tuyên truyền thế nào?",  # → Tuyên Quang: neither
])
def test_unknown_places_are_still_refused(gate: EvidenceGate, stats: CorpusStats, question: str) -> None:
    verdict = gate.precheck(question, METAS, stats)
    assert verdict.refuse and "in no document" in verdict.reason


def test_province_filter_spans_the_merger() -> None:
    assert province_matches("Đắk Lắk", "Phú Yên")
    assert province_matches("dak lak", "tỉnh Phú Yên")
    assert province_matches("Phú Yên", "Đắk Lắk")
    assert province_matches("Cần Thơ", "Sóc Trăng")
    assert not province_matches("Cần Thơ", "Lai Châu")
    assert not province_matches("Sóc Trăng", "Hậu Giang")  # siblings in Cần Thơ, not the same province
    assert [m.doc_id for m in METAS if doc_matches(m, {"province": "Đắk Lắk"})] == ["phu-yen"]
    assert [m.doc_id for m in METAS if doc_matches(m, {"province": "Lai Châu"})] == ["lai-chau"]


def test_routing_names_the_plan_of_the_old_province() -> None:
    assert docs_named("Kế hoạch của tỉnh Đắk Lắk ký ngày nào?", METAS) == ["phu-yen"]
    assert docs_named("Còn Phú Thọ thì sao?", METAS) == ["hoa-binh"]
    plan = route("So sánh hình thức tuyên truyền của Đắk Lắk và Cần Thơ", METAS, is_directive=False)
    assert plan.kind == "cross_plan" and sorted(plan.docs) == ["phu-yen", "soc-trang"]
    assert docs_named("Kế hoạch của Quảng Ninh", METAS) == []


def test_merger_notes_say_it_once_and_only_across_the_merger() -> None:
    assert merger_notes("Kế hoạch của tỉnh Đắk Lắk?", ["Phú Yên", "Phú Yên"]) == \
        "Lưu ý: từ 01/7/2025 tỉnh Phú Yên thuộc tỉnh Đắk Lắk."
    assert merger_notes("Phú Yên tuyên truyền gì?", ["Phú Yên"]) == ""
    assert merger_notes("Phú Yên tuyên truyền gì?", ["Đắk Lắk"]) == \
        "Lưu ý: từ 01/7/2025 tỉnh Phú Yên thuộc tỉnh Đắk Lắk."
    assert merger_notes("So sánh Đắk Lắk và Cần Thơ", ["Phú Yên", "Sóc Trăng"]).split("\n") == [
        "Lưu ý: từ 01/7/2025 tỉnh Phú Yên thuộc tỉnh Đắk Lắk.",
        "Lưu ý: từ 01/7/2025 tỉnh Sóc Trăng thuộc thành phố Cần Thơ.",
    ]
    assert merger_notes("Lai Châu tuyên truyền gì?", ["Phú Yên"]) == ""


def test_communes_and_wards_no_document_names_are_refused(tmp_path: Path) -> None:
    path = (PROJECT_ROOT / ".." / "shared" / "corpus-extra" / "docs" / "85ff77cbda28ffbb.md").resolve()
    if not path.exists():
        pytest.skip(f"{path} is missing (../shared/corpus-extra not checked out)")
    stats = CorpusStats([path.read_text(encoding="utf-8")])  # a Thanh Hóa plan naming xã Vạn Lộc
    metas = [_meta("thanh-hoa", "Thanh Hóa")]
    gate = EvidenceGate(DirectiveRegistry(tmp_path / "d.sqlite3"), min_support=0.15)
    assert not gate.precheck("Xã Vạn Lộc được giao nhiệm vụ gì?", metas, stats).refuse
    assert not gate.precheck("Xã Vạn Lộc Tỉnh Thanh Hóa được giao nhiệm vụ gì?", metas, stats).refuse
    verdict = gate.precheck("Xã Lương Minh được giao nhiệm vụ gì?", metas, stats)
    assert verdict.refuse and "Lương Minh" in verdict.reason


def test_follow_up_keeps_the_province_name_as_typed() -> None:
    history = [ChatTurn(role="user", content="Kế hoạch của Lai Châu có những hình thức tuyên truyền nào?"),
               ChatTurn(role="assistant", content="…")]
    rewritten = standalone_question("Còn Đắk Lắk thì sao?", history, METAS)
    assert rewritten == "Kế hoạch của Đắk Lắk có những hình thức tuyên truyền nào?"
    assert docs_named(rewritten, METAS) == ["phu-yen"]
    assert standalone_question("Còn Phú Yên thì sao?", history, METAS) == \
        "Kế hoạch của Phú Yên có những hình thức tuyên truyền nào?"
