"""The strategies that compose an answer in code (metadata, directive, cross-plan), through the engine's plan."""

from __future__ import annotations

import pytest

from rag.answer.directive import DirectiveStrategy, find_directives
from rag.answer.metadata import MetadataFields, MetadataStrategy
from rag.answer.plan import build_plan
from rag.config import Settings
from rag.types import Answer, DirectiveRecord, Mention
from tests.rag.answer.conftest import FakeCorpus, FakeRegistry, make_engine
from tests.rag.conftest import ParsedDoc

pytestmark = pytest.mark.unit


def _answer(engine_events: object) -> Answer:
    answers = [e.answer for e in engine_events if e.type == "done"]  # type: ignore[attr-defined]
    assert answers and answers[-1] is not None
    return answers[-1]


def test_date_of_issue_is_cited_where_written(settings: Settings, corpus: dict[str, ParsedDoc]) -> None:
    doc = corpus["lai-chau"]
    engine = make_engine(settings, FakeCorpus([doc, corpus["soc-trang"]]))
    answer = _answer(engine.stream("Kế hoạch của Lai Châu ban hành ngày nào?"))
    assert answer.mode == "metadata" and not answer.refused
    y, m, d = (doc.meta.date or "").split("-")
    assert f"{d}/{int(m)}/{y}" in answer.answer
    assert f"ngày {int(d)} tháng {int(m)} năm {y}" in answer.citations[0].quote


def test_metadata_strategy_passes_other_routes(settings: Settings, corpus: dict[str, ParsedDoc]) -> None:
    fake = FakeCorpus([corpus["lai-chau"]])
    strategy = MetadataStrategy(MetadataFields(fake.trees(), FakeRegistry()), fake)
    plan = build_plan("Lai Châu tuyên truyền bằng những hình thức nào?", settings, fake)
    assert plan.route.kind != "metadata"
    assert strategy.run(plan) is None


def _record(doc: ParsedDoc, number: str, subject: str, sentence: str) -> DirectiveRecord:
    section = doc.chunks[5]
    return DirectiveRecord(directive_id=number.lower(), number=number, doc_type="Nghị quyết", subject=subject,
                           mentions=[Mention(doc_id=doc.meta.doc_id, doc_title=doc.meta.title,
                                             section_id=section.section_id, section_path=section.path_str,
                                             sentence=sentence)])


def test_directive_lists_the_plans_citing_it(settings: Settings, corpus: dict[str, ParsedDoc]) -> None:
    doc = corpus["lai-chau"]
    said = "Quán triệt Nghị quyết số 71-NQ/TW về một chủ đề giả định để thử."
    registry = FakeRegistry([_record(doc, "71-NQ/TW", "về một chủ đề giả định", said)])
    engine = make_engine(settings, FakeCorpus([doc, corpus["soc-trang"]]), registry)
    answer = _answer(engine.stream("Nghị quyết 71-NQ/TW được nhắc đến ở đâu?"))
    assert answer.mode == "directive"
    assert [c.quote for c in answer.citations] == [said]
    assert answer.directives and answer.directives[0].number == "71-NQ/TW"


def test_directive_found_by_type_and_subject(settings: Settings, corpus: dict[str, ParsedDoc]) -> None:
    doc = corpus["lai-chau"]
    registry = FakeRegistry([
        _record(doc, "71-NQ/TW", "về phát triển giáo dục nghề nghiệp", "Thực hiện Nghị quyết 71-NQ/TW."),
        _record(doc, "72-NQ/TW", "về bảo vệ rừng đầu nguồn", "Thực hiện Nghị quyết 72-NQ/TW."),
    ])
    engine = make_engine(settings, FakeCorpus([doc]), registry)
    found = find_directives(registry, engine.stats(), "Nghị quyết về bảo vệ rừng đầu nguồn")
    assert [r.number for r in found] == ["72-NQ/TW"]
    assert find_directives(registry, engine.stats(), "bảo vệ rừng đầu nguồn") == []  # no type named


def test_directive_strategy_applies_only_to_lookups(settings: Settings, corpus: dict[str, ParsedDoc]) -> None:
    fake = FakeCorpus([corpus["lai-chau"]])
    asks = build_plan("Nghị quyết 71-NQ/TW là văn bản nào?", settings, fake)
    says = build_plan("Lai Châu tuyên truyền bằng những hình thức gì?", settings, fake)
    assert DirectiveStrategy.applies(asks) and not DirectiveStrategy.applies(says)


@pytest.mark.parametrize("question", ["Những kế hoạch nào do MTTQ ban hành?",
                                      "Có bao nhiêu kế hoạch do Mặt trận Tổ quốc ban hành, của những tỉnh nào?"])
def test_plans_by_issuer(settings: Settings, corpus: dict[str, ParsedDoc], question: str) -> None:
    engine = make_engine(settings, FakeCorpus([corpus["lai-chau"], corpus["khanh-hoa"], corpus["soc-trang"]]))
    answer = _answer(engine.stream(question))
    assert answer.mode == "cross_plan" and answer.answer.startswith("Có 2 văn bản do cơ quan này ban hành")
    assert answer.question == question
    assert {c.doc_id for c in answer.citations} == {"khanh-hoa", "soc-trang"}
    assert all("MTTQ" in c.quote or "Mặt trận" in c.quote for c in answer.citations)
