"""What every answer strategy shares: the Strategy protocol and the composed-answer adapter."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from typing import ClassVar, Protocol

from rag.answer.plan import QueryPlan
from rag.lexicon import merger_notes
from rag.types import Answer, Citation, DocumentMeta, StreamEvent

Composed = tuple[Answer, list[Citation]]


class Strategy(Protocol):
    """One way of answering. `run` returns the answer's events (`sources`, `token`…, `done`) when this strategy
    answers the plan, or None to let the next strategy try. Collaborators come through the constructor."""

    name: str

    def run(self, plan: QueryPlan) -> Iterator[StreamEvent] | None:
        ...


def fmt_date(iso: str | None) -> str | None:
    """'2025-03-07' → '07/3/2025' (as the answers write dates)."""
    if not iso:
        return None
    y, m, d = iso.split("-")
    return f"{int(d):02d}/{int(m)}/{y}"


def elapsed_ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


def refusal_events(question: str, text: str) -> Iterator[StreamEvent]:
    """A refusal without evidence: no document (or none within the filters) to answer from."""
    yield StreamEvent(type="sources", sources=[])
    yield StreamEvent(type="token", text=text)
    yield StreamEvent(type="done", answer=Answer(question=question, answer=text, refused=True, mode="refused"))


def with_merger_note(events: Iterator[StreamEvent], standalone: str,
                     metas: Sequence[DocumentMeta]) -> Iterator[StreamEvent]:
    """Pass the events through; when the answer cites plans filed under the other side of the 2025 merger
    of a province the question names ('Đắk Lắk' → a Phú Yên plan), add one line saying so."""
    by_id = {m.doc_id: m for m in metas}
    for event in events:
        answer = event.answer
        if event.type == "done" and answer is not None and not answer.refused:
            cited = [by_id[c.doc_id].province for c in answer.citations if c.doc_id in by_id]
            note = merger_notes(standalone, [p for p in cited if p])
            if note:
                answer.answer = f"{answer.answer}\n{note}"
                yield StreamEvent(type="token", text=f"\n{note}")
        yield event


class ComposedStrategy:
    """A strategy whose whole answer is composed in code before anything is streamed (no model call).

    Subclasses implement `compose`. `merger_note`: add the 2025-merger line; `retrieval_timing`: report the time to
    compose as `retrieval_ms` besides `total_ms`."""

    name: str = "composed"
    merger_note: ClassVar[bool] = True
    retrieval_timing: ClassVar[bool] = True

    def compose(self, plan: QueryPlan) -> Composed | None:
        raise NotImplementedError

    def run(self, plan: QueryPlan) -> Iterator[StreamEvent] | None:
        composed = self.compose(plan)
        if composed is None:
            return None
        events = self._events(plan, *composed)
        return with_merger_note(events, plan.standalone, plan.metas) if self.merger_note else events

    def _events(self, plan: QueryPlan, answer: Answer, sources: list[Citation]) -> Iterator[StreamEvent]:
        timings = {"retrieval_ms": elapsed_ms(plan.started)} if self.retrieval_timing else {}
        yield StreamEvent(type="sources", sources=sources)
        yield StreamEvent(type="token", text=answer.answer)
        answer.standalone_question = plan.rewritten
        answer.timings_ms = {**timings, "total_ms": elapsed_ms(plan.started)}
        yield StreamEvent(type="done", answer=answer)


class FunctionStrategy(ComposedStrategy):
    """A composed strategy made of a function of the plan, for hooks shaped like `rag.tasks_answer.tasks_composed`:
    `FunctionStrategy("name", lambda p: compose(p.question, p.standalone, p.metas, trees))`. It reports
    `total_ms` only and adds no merger line."""

    merger_note: ClassVar[bool] = False
    retrieval_timing: ClassVar[bool] = False

    def __init__(self, name: str, compose: Callable[[QueryPlan], Composed | None]) -> None:
        self.name = name
        self._compose = compose

    def compose(self, plan: QueryPlan) -> Composed | None:
        return self._compose(plan)
