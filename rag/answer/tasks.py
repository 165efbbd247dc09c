"""The tasks strategy: who does what by when, from the plans' own task tables (rag.tasks_answer), no model call."""

from __future__ import annotations

from collections.abc import Callable

from rag.answer.base import Composed, ComposedStrategy
from rag.answer.plan import QueryPlan
from rag.tasks_answer import tasks_composed
from rag.types import Section


class TasksStrategy(ComposedStrategy):
    name = "tasks"
    merger_note = False
    retrieval_timing = False

    def __init__(self, trees: Callable[[str], Section | None]) -> None:
        self.trees = trees

    def compose(self, plan: QueryPlan) -> Composed | None:
        return tasks_composed(plan.question, plan.standalone, list(plan.metas), self.trees)
