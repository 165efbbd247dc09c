"""Grounded answering. The system finds, quotes and verifies the evidence; the model only condenses.

Paths (chosen in code by rag.routing, tried in order by rag.answer.engine.AnswerEngine): task questions are
answered from the plans' task tables, metadata questions and directive lookups from extracted data, cross-plan
questions are composed from per-document evidence, the rest go to the model with a small numbered context, and its
answer is verified sentence by sentence (unsupported sentences dropped; nothing left → an extractive answer made of
the sources' own sentences). Refusal is decided from evidence before any model call.

This module keeps the historical import path; the pipeline lives in the `rag.answer` package.
"""

from __future__ import annotations

from rag.answer.base import Strategy
from rag.answer.engine import AnswerEngine
from rag.answer.plan import QueryPlan, build_plan
from rag.answer.sources import Source, make_sources

__all__ = ["AnswerEngine", "QueryPlan", "Source", "Strategy", "build_plan", "make_sources"]
