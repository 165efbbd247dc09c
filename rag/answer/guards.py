"""Refusals decided before any evidence is gathered: nothing in scope, or the evidence gate's precheck."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

from rag import messages, metrics
from rag.answer.base import elapsed_ms, refusal_events
from rag.answer.plan import QueryPlan
from rag.evidence import CorpusStats
from rag.refusal import EvidenceGate
from rag.types import Answer, StreamEvent

log = logging.getLogger(__name__)


class ScopeGuard:
    """No documents, or none within the filters (or the plan the question names is outside them)."""

    name = "scope"

    def run(self, plan: QueryPlan) -> Iterator[StreamEvent] | None:
        if plan.scope_refusal is None:
            return None
        metrics.record_refusal(plan.scope_refusal.reason)
        return refusal_events(plan.question, plan.scope_refusal.message)


class PrecheckGuard:
    """The evidence gate's checks that need no retrieval (a place, year or directive no plan holds)."""

    name = "precheck"

    def __init__(self, gate: EvidenceGate, stats: Callable[[], CorpusStats]) -> None:
        self.gate = gate
        self.stats = stats

    def run(self, plan: QueryPlan) -> Iterator[StreamEvent] | None:
        early = self.gate.precheck(plan.standalone, list(plan.metas), self.stats())
        if not early.refuse:
            return None
        log.info("refused before retrieval: %s", early.reason)
        metrics.record_refusal(early.reason)
        answer = Answer(question=plan.question, answer=messages.REFUSAL, refused=True, mode="refused",
                        standalone_question=plan.rewritten, timings_ms={"total_ms": elapsed_ms(plan.started)})
        return iter([StreamEvent(type="sources", sources=[]), StreamEvent(type="token", text=answer.answer),
                     StreamEvent(type="done", answer=answer)])
