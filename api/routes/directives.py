"""GET /v1/directives?q=… and GET /v1/directives/{id}: directives cited by the plans, with every mention."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.deps import AssistantDep, ReaderDep
from api.routes.ask import ERRORS
from api.schemas import DirectiveList, ErrorResponse
from rag.errors import InvalidInputError
from rag.types import DirectiveRecord

router = APIRouter(prefix="/v1/directives", tags=["Tra cứu"])


@router.get("", response_model=DirectiveList, summary="Tra cứu văn bản chỉ đạo theo số hiệu", responses=ERRORS)
def lookup(
    principal: ReaderDep,
    assistant: AssistantDep,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=200,
            description="Số hiệu hoặc tên gọi tắt: `35-NQ/TW`, `nq 35`, `Kết luận 21`",
            openapi_examples={"number": {"value": "35-NQ/TW"}, "short": {"value": "nq 35"}},
        ),
    ],
) -> DirectiveList:
    """Directive records matching what the user typed; empty list when none is cited."""
    if not q.strip():
        raise InvalidInputError(
            "empty directive query", user_message="Hãy nhập số hiệu văn bản cần tra cứu, ví dụ 35-NQ/TW."
        )
    return DirectiveList(query=q, directives=assistant.lookup_directive(q.strip()))


@router.get(
    "/{directive_id}",
    response_model=DirectiveRecord,
    summary="Một văn bản chỉ đạo và mọi lần được nhắc",
    responses={**ERRORS, 404: {"model": ErrorResponse, "description": "Không tìm thấy"}},
)
def get_directive(
    principal: ReaderDep,
    assistant: AssistantDep,
    directive_id: Annotated[str, Path(max_length=300, examples=["35-nq-tw@2018-10-22"])],
) -> DirectiveRecord:
    """One directive by its id (from the lookup results)."""
    return assistant.get_directive(directive_id)
