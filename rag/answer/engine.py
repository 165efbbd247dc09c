"""AnswerEngine: builds the QueryPlan once, then tries the strategies in order; the first that answers wins."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from collections.abc import Generator as Gen
from typing import Any

from rag.answer.base import Strategy
from rag.answer.cross_plan import CrossPlanStrategy
from rag.answer.directive import DirectiveStrategy, find_directives
from rag.answer.generated import GeneratedStrategy
from rag.answer.guards import PrecheckGuard, ScopeGuard
from rag.answer.metadata import MetadataFields, MetadataStrategy
from rag.answer.plan import QueryPlan, build_plan, check_question
from rag.answer.ports import Corpus
from rag.answer.search import PlanSearch
from rag.answer.section import SectionStrategy
from rag.answer.sources import StatsCache
from rag.answer.tasks import TasksStrategy
from rag.config import Settings
from rag.directives import DirectiveStore
from rag.evidence import CorpusStats
from rag.interfaces import Generator
from rag.refusal import EvidenceGate
from rag.types import ChatTurn, DirectiveRecord, SearchHit, Section, StreamEvent


class AnswerEngine:
    """Turns a question (+ history) into a verified Answer, as a stream of events."""

    def __init__(self, settings: Settings, retriever: Corpus, registry: DirectiveStore,
                 generator: Callable[[], Generator], trees: Callable[[str], Section | None]) -> None:
        self.settings = settings
        self.retriever = retriever
        self.registry = registry
        self.gate = EvidenceGate(registry, settings.refusal_min_score)
        self.stats: Callable[[], CorpusStats] = StatsCache(retriever)
        self.plan_search = PlanSearch(retriever, registry)
        fields = MetadataFields(trees, registry)
        # The order is the policy: the first strategy whose `run` returns events answers.
        self.strategies: list[Strategy] = [
            ScopeGuard(),  # no documents, or none within the filters
            TasksStrategy(trees),  # who does what by when, from the task tables
            PrecheckGuard(self.gate, self.stats),  # a place/year/directive no plan holds: refused, no retrieval
            SectionStrategy(trees),  # a list question a plan's own section answers: its items, verbatim
            MetadataStrategy(fields, retriever),  # route "metadata": date, number, signer, recipients…
            DirectiveStrategy(registry, retriever, self.stats),  # registry lookups
            CrossPlanStrategy(settings, retriever, trees, fields, self.stats),  # route "cross_plan"
            GeneratedStrategy(settings, retriever, registry, self.gate, self.plan_search, generator, self.stats),
        ]

    def check_question(self, question: str) -> str:
        """Strip and validate a question; raise InvalidInputError with a Vietnamese message."""
        return check_question(question, self.settings)

    def plan(self, question: str, history: Sequence[ChatTurn] = (), *, top_k: int | None = None,
             filters: dict[str, Any] | None = None) -> QueryPlan:
        return build_plan(question, self.settings, self.retriever, history=history, filters=filters, top_k=top_k)

    def stream(self, question: str, history: Sequence[ChatTurn] = (), *, top_k: int | None = None,
               filters: dict[str, Any] | None = None) -> Gen[StreamEvent, None, None]:
        """Events: `sources` (retrieval only), `token` deltas, then `done` with the verified Answer."""
        plan = self.plan(question, history, top_k=top_k, filters=filters)
        for strategy in self.strategies:
            events = strategy.run(plan)
            if events is not None:
                yield from events
                return
        raise AssertionError("the last strategy always answers")

    def search(self, query: str, k: int, filters: dict[str, Any] | None = None,
               history: Sequence[ChatTurn] = ()) -> list[SearchHit]:
        """Hybrid search with query understanding (see rag.answer.search), for callers without a plan."""
        return self.plan_search.search(self.plan(query, history, filters=filters), k)

    def find_directives(self, query: str, limit: int = 5) -> list[DirectiveRecord]:
        """Registry records for a number, or for a type + subject (see rag.answer.directive.find_directives)."""
        return find_directives(self.registry, self.stats(), query, limit)
