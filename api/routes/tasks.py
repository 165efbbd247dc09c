"""Who does what by when: the task tables of the ingested plans (computed from their section trees, no model)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import AssistantDep, ReaderDep
from api.routes.ask import ERRORS
from api.routes.documents import NOT_FOUND, DocId
from api.schemas import TaskList
from rag.assistant import Assistant
from rag.errors import NotFoundError
from rag.tasks import PlanTasks, filter_plans, plans_of

router = APIRouter(tags=["Việc cần làm"])

AgencyQuery = Annotated[str | None, Query(max_length=200, examples=["Sở Văn hóa, Thể thao và Du lịch"],
                                          description="Tên (một phần) đơn vị: «sở văn hóa», «công an tỉnh»…")]
BeforeQuery = Annotated[dt.date | None, Query(examples=["2025-12-15"],
                                              description="Chỉ giữ việc có hạn (ngày) trước hoặc bằng ngày này")]


def _out(plans: Sequence[PlanTasks]) -> TaskList:
    agencies = sum(len(p.agencies) for p in plans)
    duties = sum(len(a.duties) for p in plans for a in p.agencies)
    return TaskList(plans=list(plans), agencies=agencies, duties=duties)


def _records(assistant: Assistant, doc_id: str | None) -> list[PlanTasks]:
    if doc_id:
        record = assistant.catalog.get(doc_id)
        if record is None:
            raise NotFoundError(f"document {doc_id!r} not found",
                                user_message=f"Không có tài liệu «{doc_id}» trong hệ thống.")
        return plans_of([record])
    return plans_of(assistant.catalog.documents())


@router.get("/v1/tasks", response_model=TaskList, summary="Việc cần làm: đơn vị, nhiệm vụ, thời hạn",
            responses={**ERRORS, **NOT_FOUND})
def list_tasks(principal: ReaderDep, assistant: AssistantDep, agency: AgencyQuery = None,
               doc_id: Annotated[str | None, Query(max_length=300)] = None, before: BeforeQuery = None) -> TaskList:
    """Per plan: each agency named in its implementation section, its duties (verbatim sentences with their
    section), deadlines (as written and normalised) and reports owed; filtered by agency, plan and date."""
    plans = _records(assistant, doc_id)
    return _out(filter_plans(plans, agency=agency, before=before.isoformat() if before else None))


@router.get("/v1/documents/{doc_id}/tasks", response_model=TaskList, summary="Việc cần làm của một kế hoạch",
            responses={**ERRORS, **NOT_FOUND})
def document_tasks(principal: ReaderDep, assistant: AssistantDep, doc_id: DocId) -> TaskList:
    """The task table of one plan (empty when it assigns no agency)."""
    return _out(_records(assistant, doc_id))
