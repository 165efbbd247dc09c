"""The QueryPlan: everything about a question that the strategies need, computed once per question."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from rag import messages
from rag.answer.ports import Corpus
from rag.config import Settings
from rag.directives import looks_like_directive_query
from rag.errors import InvalidInputError, QuestionTooLongError
from rag.lexicon.questions import ASKS_WHAT_IS_RE, ASKS_WHICH_RE
from rag.retrieval import validate_filters
from rag.routing import Route, docs_named, route, standalone_question
from rag.text import fold
from rag.types import ChatTurn, DocumentMeta


@dataclass(frozen=True)
class ScopeRefusal:
    """Why nothing can answer: no documents at all, or none within the filters (metrics reason, message)."""

    reason: str
    message: str


@dataclass(frozen=True)
class QueryPlan:
    """One question, understood once: the follow-up rewrite, the plans in scope and the route.

    `sections` is room for the section targets a section strategy may fill (empty by default)."""

    question: str
    standalone: str
    history: tuple[ChatTurn, ...]
    filters: dict[str, Any]
    allowed: frozenset[str] | None  # doc ids the filters allow (None: no filters)
    metas: tuple[DocumentMeta, ...]  # the plans in scope
    route: Route
    is_directive: bool  # the question names or asks about a directive
    asks_which: bool  # "… nào", "số mấy", "số hiệu"…
    names_itself: bool  # a document named by its own number, asked which it is (a registry lookup)
    top_k: int
    started: float  # time.perf_counter() when the question arrived
    scope_refusal: ScopeRefusal | None = None
    sections: tuple[str, ...] = field(default_factory=tuple)

    @property
    def rewritten(self) -> str | None:
        """The standalone question when the follow-up rewrite changed it (what an Answer reports)."""
        return self.standalone if self.standalone != self.question else None


def check_question(question: object, settings: Settings) -> str:
    """Strip and validate a question; raise InvalidInputError with a Vietnamese message."""
    if not isinstance(question, str) or not question.strip():
        raise InvalidInputError("empty question", user_message=messages.EMPTY_QUESTION)
    if "\x00" in question:
        raise InvalidInputError("NUL byte in question", user_message=messages.BAD_CHARACTERS)
    question = question.strip()
    limit = settings.max_question_chars
    if len(question) > limit:
        raise QuestionTooLongError(f"question too long ({len(question)} chars)",
                                   user_message=messages.TOO_LONG.format(limit=limit))
    return question


def build_plan(question: str, settings: Settings, retriever: Corpus, *, history: Sequence[ChatTurn] = (),
               filters: dict[str, Any] | None = None, top_k: int | None = None) -> QueryPlan:
    """Validate, rewrite a follow-up, scope by the filters and route — once. Raises InvalidInputError on bad
    input; a question nothing can answer (no documents, or the plan it names is outside the filters) gets a plan
    with `scope_refusal` set."""
    started = time.perf_counter()
    question = check_question(question, settings)
    filters = validate_filters(filters)
    turns = tuple(history)[-2 * settings.history_turns:]
    snap = retriever.snapshot()
    allowed = retriever.allowed_docs(filters)
    metas = tuple(m for m in snap.metas.values() if allowed is None or m.doc_id in allowed)
    refusal: ScopeRefusal | None = None
    standalone = question
    if not metas:
        filtered_out = bool(snap.metas)
        refusal = ScopeRefusal("filter_no_match" if filtered_out else "no_documents",
                               messages.NO_FILTER_MATCH if filtered_out else messages.NO_DOCUMENTS)
    else:
        standalone = standalone_question(question, turns, metas)
        if allowed is not None:
            named = docs_named(standalone, list(snap.metas.values()))
            if named and not allowed.intersection(named):  # the plan asked about is outside the filters
                refusal = ScopeRefusal("filter_no_match", messages.NO_FILTER_MATCH)
    is_directive = looks_like_directive_query(standalone)
    plan_route = route(standalone, metas, is_directive=is_directive) if metas else Route("general")
    folded = fold(standalone)
    # "Hướng dẫn 40-HD/BTGDVTW là văn bản nào?", "KH 310 UBND": a document named by its own number, asked
    # which it is (or just typed), is a registry lookup; what it says is its own text (general path).
    names_itself = is_directive and plan_route.kind == "general" and len(plan_route.docs) == 1 and (
        bool(ASKS_WHAT_IS_RE.search(folded)) or len(folded.split()) <= 4)
    return QueryPlan(question=question, standalone=standalone, history=turns, filters=filters,
                     allowed=frozenset(allowed) if allowed is not None else None, metas=metas, route=plan_route,
                     is_directive=is_directive, asks_which=bool(ASKS_WHICH_RE.search(folded)),
                     names_itself=names_itself, top_k=top_k or settings.top_k, started=started,
                     scope_refusal=refusal)
