"""The section strategy: a plan's own section items, verbatim and cited (rag.section_answers), no model call."""

from __future__ import annotations

from collections.abc import Callable

from rag.answer.base import Composed, ComposedStrategy
from rag.answer.plan import QueryPlan
from rag.section_answers import sections_composed
from rag.types import Section


class SectionStrategy(ComposedStrategy):
    name = "section"
    merger_note = True  # it cites plans by province: a plan filed under the other side of a merger gets the line
    retrieval_timing = False

    def __init__(self, trees: Callable[[str], Section | None]) -> None:
        self.trees = trees

    def compose(self, plan: QueryPlan) -> Composed | None:
        return sections_composed(plan.question, plan.standalone, list(plan.metas), self.trees, docs=plan.route.docs)
