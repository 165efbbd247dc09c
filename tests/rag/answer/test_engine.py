"""AnswerEngine: strategies tried in order, the first that answers wins; search and stream share one plan."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from rag import messages
from rag.answer.base import FunctionStrategy
from rag.answer.plan import QueryPlan
from rag.config import Settings
from rag.types import Answer, Citation, StreamEvent
from tests.rag.answer.conftest import FakeCorpus, make_engine
from tests.rag.conftest import ParsedDoc

pytestmark = pytest.mark.unit


class Recorder:
    """A strategy that never answers and records the plans it saw."""

    name = "recorder"

    def __init__(self) -> None:
        self.seen: list[QueryPlan] = []

    def run(self, plan: QueryPlan) -> Iterator[StreamEvent] | None:
        self.seen.append(plan)
        return None


def _done(events: Iterator[StreamEvent]) -> Answer:
    answer = [e.answer for e in events if e.type == "done"][-1]
    assert answer is not None
    return answer


def test_order_is_explicit(settings: Settings, corpus: dict[str, ParsedDoc]) -> None:
    engine = make_engine(settings, FakeCorpus([corpus["lai-chau"]]))
    assert [s.name for s in engine.strategies] == ["scope", "tasks", "precheck", "section", "metadata",
                                                  "directive", "cross_plan", "generated"]


def test_first_strategy_that_answers_wins(settings: Settings, corpus: dict[str, ParsedDoc]) -> None:
    engine = make_engine(settings, FakeCorpus([corpus["lai-chau"]]))
    before, after = Recorder(), Recorder()

    def section(plan: QueryPlan) -> tuple[Answer, list[Citation]]:
        cite = Citation(n=1, doc_id="lai-chau", doc_title="t", section_path="III", quote="q")
        return Answer(question=plan.question, answer="Mục III [1]", mode="section", citations=[cite]), [cite]

    # the one-line insertion a section strategy needs (after tasks), with recorders around it
    engine.strategies[2:2] = [before, FunctionStrategy("section", section), after]
    events = list(engine.stream("Hình thức tuyên truyền của Lai Châu?"))
    assert [e.type for e in events] == ["sources", "token", "done"]
    answer = _done(iter(events))
    assert answer.mode == "section" and answer.timings_ms["total_ms"] >= 0
    assert len(before.seen) == 1 and not after.seen
    assert before.seen[0].route.docs == ["lai-chau"]


def test_empty_corpus_is_refused_before_any_strategy(settings: Settings) -> None:
    engine = make_engine(settings, FakeCorpus([]))
    probe = Recorder()
    engine.strategies.insert(1, probe)
    answer = _done(engine.stream("Kế hoạch tuyên truyền gì?"))
    assert answer.refused and answer.answer == messages.NO_DOCUMENTS
    assert not probe.seen


def test_search_boosts_the_sections_a_particular_is_written_in(settings: Settings,
                                                                corpus: dict[str, ParsedDoc]) -> None:
    engine = make_engine(settings, FakeCorpus([corpus["lai-chau"], corpus["soc-trang"]]))
    hits = engine.search("Ai ký kế hoạch của Lai Châu?", 4)
    assert hits[0].chunk.doc_id == "lai-chau" and hits[0].chunk.kind == "signature"
