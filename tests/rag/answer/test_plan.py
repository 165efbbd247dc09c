"""build_plan: validation, follow-up rewrite, scope and route, once per question."""

from __future__ import annotations

import pytest

from rag import messages
from rag.answer.plan import build_plan
from rag.config import Settings
from rag.errors import InvalidInputError
from rag.types import ChatTurn
from tests.rag.answer.conftest import FakeCorpus
from tests.rag.conftest import ParsedDoc

pytestmark = pytest.mark.unit


@pytest.fixture()
def three(corpus: dict[str, ParsedDoc]) -> FakeCorpus:
    return FakeCorpus([corpus["lai-chau"], corpus["khanh-hoa"], corpus["soc-trang"]])


def test_plan_holds_the_route_and_scope(settings: Settings, three: FakeCorpus) -> None:
    plan = build_plan("  Ai ký kế hoạch 464/KH-LĐLĐ?  ", settings, three)
    assert plan.question == "Ai ký kế hoạch 464/KH-LĐLĐ?"
    assert plan.route.kind == "metadata" and "signer" in plan.route.meta_fields
    assert plan.route.docs == ["lai-chau"]
    assert plan.scope_refusal is None and plan.rewritten is None
    assert {m.doc_id for m in plan.metas} == {"lai-chau", "khanh-hoa", "soc-trang"}
    assert plan.top_k == settings.top_k and plan.sections == ()
    assert not three.searches  # understanding the question needs no retrieval


def test_follow_up_is_rewritten_once(settings: Settings, three: FakeCorpus) -> None:
    history = [ChatTurn(role="user", content="Ai ký kế hoạch của Lai Châu?"),
               ChatTurn(role="assistant", content="Hoàng Văn Trinh.")]
    plan = build_plan("Còn Sóc Trăng thì sao?", settings, three, history=history)
    assert "Sóc Trăng" in plan.standalone and plan.rewritten == plan.standalone
    assert plan.route.docs == ["soc-trang"]


def test_filters_scope_the_plans(settings: Settings, three: FakeCorpus) -> None:
    plan = build_plan("Hình thức tuyên truyền gồm những gì?", settings, three, filters={"province": "Khánh Hòa"})
    assert [m.doc_id for m in plan.metas] == ["khanh-hoa"] and plan.allowed == {"khanh-hoa"}
    assert plan.scope_refusal is None


def test_nothing_in_scope_is_a_scope_refusal(settings: Settings, three: FakeCorpus) -> None:
    empty = build_plan("Hình thức tuyên truyền gồm những gì?", settings, FakeCorpus([]))
    assert empty.scope_refusal is not None and empty.scope_refusal.message == messages.NO_DOCUMENTS
    filtered = build_plan("Hình thức tuyên truyền?", settings, three, filters={"year": 1999})
    assert filtered.scope_refusal is not None and filtered.scope_refusal.reason == "filter_no_match"
    outside = build_plan("Kế hoạch của Lai Châu tuyên truyền thế nào?", settings, three,
                         filters={"doc_id": "khanh-hoa"})
    assert outside.scope_refusal is not None and outside.scope_refusal.message == messages.NO_FILTER_MATCH


@pytest.mark.parametrize("question", ["", "   ", "x" * 5000])
def test_bad_questions_raise_a_vietnamese_message(settings: Settings, three: FakeCorpus, question: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        build_plan(question, settings, three)
    assert info.value.user_message in (messages.EMPTY_QUESTION,
                                       messages.TOO_LONG.format(limit=settings.max_question_chars))
