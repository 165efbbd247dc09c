"""Questions about who does what by when, answered from the task tables without a model."""

from __future__ import annotations

from typing import Any

import pytest

from rag.tasks import DEFAULT_INDEX, PlanTasks, filter_plans, plans_of
from rag.tasks_answer import agency_phrase, answer_tasks, tasks_composed
from tests.rag.helpers.tasks_plans import corpus_record, dated_record

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def plans() -> list[PlanTasks]:
    return plans_of([dated_record(), corpus_record("lai-chau"), corpus_record("soc-trang")])


def test_agency_duties_are_listed_verbatim_and_cited(plans: list[PlanTasks]) -> None:
    answer = answer_tasks("Sở Văn hóa phải làm gì?", plans)
    assert answer is not None and answer.mode == "tasks"
    assert [c.quote for c in answer.citations] == [
        "Chủ trì tổ chức chương trình nghệ thuật chào mừng, hoàn thành trước ngày 15/12/2025.",
        "Tổng hợp kết quả, báo cáo UBND tỉnh (qua Văn phòng UBND tỉnh) trước ngày 20/12/2025.",
    ]
    assert all(c.section_path == "II. TỔ CHỨC THỰC HIỆN › 1. Sở Văn hóa, Thể thao và Du lịch"
               for c in answer.citations)
    assert "[1]" in answer.answer and "[2]" in answer.answer
    assert "(→ 15/12/2025)" in answer.answer  # normalised beside the phrase


def test_typed_without_accents_finds_the_agency(plans: list[PlanTasks]) -> None:
    answer = answer_tasks("ban tuyen giao tinh uy co nhiem vu gi", plans)
    assert answer is not None
    assert answer.citations[0].quote.startswith("Định hướng nội dung tuyên truyền")
    assert "01/10/2025–31/12/2025" in answer.answer  # quý IV/2025 as a range


def test_report_deadlines(plans: list[PlanTasks]) -> None:
    answer = answer_tasks("Hạn báo cáo khi nào?", plans)
    assert answer is not None
    quotes = [c.quote for c in answer.citations]
    assert any("báo cáo UBND tỉnh (qua Văn phòng UBND tỉnh)" in q for q in quotes)
    assert any(q.startswith("Định kỳ 6 tháng báo cáo") for q in quotes)
    assert "báo cáo UBND tỉnh (qua Văn phòng UBND tỉnh)" in answer.answer


def test_what_must_be_done_before_a_month(plans: list[PlanTasks]) -> None:
    answer = answer_tasks("Việc gì phải xong trước tháng 12?", plans)
    assert answer is not None
    assert [c.quote for c in answer.citations] == ["Treo băng rôn, khẩu hiệu tuyên truyền chậm nhất ngày 30/11/2025."]
    later = answer_tasks("Việc gì phải hoàn thành trước ngày 16/12/2025?", plans)
    assert later is not None and len(later.citations) == 2


@pytest.mark.parametrize("question", [
    "Kế hoạch có mấy hình thức tuyên truyền?",
    "Kế hoạch 464 ban hành khi nào?",
    "Ai ký kế hoạch của MTTQ Sóc Trăng?",
    "Sở Tư pháp phải làm gì?",  # no such agency in these plans: other strategies answer (or refuse)
])
def test_other_questions_are_left_to_other_strategies(plans: list[PlanTasks], question: str) -> None:
    assert answer_tasks(question, plans) is None


def test_agency_phrase_stops_at_question_words() -> None:
    assert agency_phrase("Sở Văn hóa, Thể thao và Du lịch phải làm gì?") == "Sở Văn hóa, Thể thao và Du lịch"
    assert agency_phrase("Ban Tuyên giáo huyện có trách nhiệm gì?") == "Ban Tuyên giáo huyện"
    assert agency_phrase("Kế hoạch ban hành khi nào?") is None


def test_filter_by_agency_and_date(plans: list[PlanTasks]) -> None:
    only = filter_plans(plans, agency="công an", before=None)
    assert only == []
    dated = filter_plans(plans, before="2025-12-01")
    assert [(p.doc_id, [a.agency for a in p.agencies]) for p in dated] == [("tuyen-quang-12", ["UBND các xã, phường"])]


def test_hook_narrows_to_the_plan_named() -> None:
    records = {r.doc_id: r for r in (corpus_record("lai-chau"), corpus_record("soc-trang"))}
    metas = [r.meta for r in records.values()]
    found = tasks_composed("Văn phòng có nhiệm vụ gì trong kế hoạch của Sóc Trăng?",
                           "Văn phòng có nhiệm vụ gì trong kế hoạch của Sóc Trăng?", metas,
                           lambda doc_id: records[doc_id].tree if doc_id in records else None)
    assert found is not None
    answer, sources = found
    assert answer.mode == "tasks"
    assert {c.doc_id for c in sources} == {"soc-trang"}
    cached = DEFAULT_INDEX.get(metas[0], records["lai-chau"].tree, metas[0].sha256)
    assert cached is not None and cached.agencies
    assert tasks_composed("Kế hoạch có mấy phần?", "Kế hoạch có mấy phần?", metas, _no_tree) is None
    # a province no plan here belongs to: left to the evidence gate (which refuses), not answered from Sóc Trăng
    other = "Tỉnh ủy Nghệ An giao Văn phòng nhiệm vụ gì trong kế hoạch tuyên truyền?"
    assert tasks_composed(other, other, metas, lambda doc_id: records[doc_id].tree) is None


def _no_tree(doc_id: str) -> None:
    raise AssertionError(f"a question not about tasks must not load {doc_id}'s tree")


@pytest.mark.integration
def test_the_engine_answers_task_questions_without_the_model(corpus_assistant: Any, scripted: Any) -> None:
    """Through the real pipeline (ingested corpus): the tasks strategy answers before retrieval and the model."""
    answer = corpus_assistant.ask("Văn phòng Ủy ban MTTQ tỉnh Sóc Trăng có nhiệm vụ gì?")
    assert answer.mode == "tasks" and not answer.refused
    assert scripted.prompts == []
    assert answer.citations and all(c.doc_id.startswith("soc-trang") for c in answer.citations)
    assert answer.citations[0].section_path == "IV- TỔ CHỨC THỰC HIỆN › 2. Văn phòng Ủy ban MTTQ Việt Nam tỉnh"
    assert answer.citations[0].quote.startswith("Phối hợp cùng các Ban chuyên môn")
    # An ordinary content question still goes to the other strategies.
    other = corpus_assistant.ask("Kinh phí thực hiện Kế hoạch 464 của LĐLĐ Lai Châu là bao nhiêu?")
    assert other.mode != "tasks"


def test_the_closest_agency_name_wins_across_plans() -> None:
    plans = plans_of([corpus_record(k) for k in ("lai-chau", "khanh-hoa", "phu-yen", "hoa-binh", "soc-trang")])
    answer = answer_tasks("Ban Tổ chức Tỉnh ủy Phú Yên có trách nhiệm gì trong kế hoạch tuyên truyền năm 2021?", plans)
    assert answer is not None and {c.doc_id for c in answer.citations} == {"phu-yen"}
    assert answer.citations[0].quote.startswith("Chủ động phối hợp, cung cấp thông tin cho Ban Tuyên giáo Tỉnh ủy")
    # the agency after a place name ("Tỉnh ủy Phú Yên, Sở …") is found too
    question = "Trong kế hoạch năm 2021 của Tỉnh ủy Phú Yên, Sở Thông tin và Truyền thông được giao việc gì?"
    answer = answer_tasks(question, plans)
    assert answer is not None and answer.answer.startswith("Nhiệm vụ của Sở Thông tin và Truyền thông")
