"""POST /v1/search: ranked sections, no model call (does not wait on the model queue)."""

from __future__ import annotations

from fastapi import APIRouter, Body

from api.deps import AssistantDep, ReaderDep
from api.routes.ask import ERRORS
from api.schemas import SearchRequest, SearchResponse, search_hit_out

router = APIRouter(prefix="/v1", tags=["Tra cứu"])


@router.post(
    "/search",
    response_model=SearchResponse,
    summary="Tìm các mục liên quan (không gọi mô hình)",
    responses=ERRORS,
)
def search(
    principal: ReaderDep,
    assistant: AssistantDep,
    body: SearchRequest = Body(  # noqa: B008
        openapi_examples={
            "topic": {"summary": "Theo chủ đề", "value": {"query": "bảo vệ nền tảng tư tưởng của Đảng"}},
            "filtered": {
                "summary": "Lọc theo năm",
                "value": {"query": "hình thức tuyên truyền", "top_k": 3, "filters": {"year": 2023}},
            },
        }
    ),
) -> SearchResponse:
    """Hybrid retrieval over every section of every plan."""
    hits = assistant.search(body.query, top_k=body.top_k, filters=body.filters)
    return SearchResponse(query=body.query, hits=[search_hit_out(h) for h in hits])
