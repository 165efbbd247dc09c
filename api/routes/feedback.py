"""Feedback on answers: POST /v1/feedback (👍/👎 + optional comment, any reader), GET /v1/feedback (admin)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field, field_validator

from api.answering import recent_answers
from api.deps import AdminDep, AssistantDep, ReaderDep
from api.routes.ask import ERRORS
from api.schemas import ErrorResponse
from rag.config import Settings
from rag.errors import NotFoundError
from rag.feedback import (
    COMMENT_MAX,
    Feedback,
    FeedbackStore,
    Rating,
    SqliteFeedbackStore,
    doc_versions,
)

router = APIRouter(prefix="/v1", tags=["Góp ý"])


def feedback_store(request: Request) -> FeedbackStore:
    """The app's store, opened on first use (SQLite under the data dir unless one was injected)."""
    store: FeedbackStore | None = getattr(request.app.state, "feedback_store", None)
    if store is None:
        settings: Settings = request.app.state.settings
        store = SqliteFeedbackStore(settings.feedback_path)
        request.app.state.feedback_store = store
    return store


class FeedbackRequest(BaseModel):
    answer_id: str = Field(min_length=1, max_length=64, description="`answer_id` của câu trả lời.")
    rating: Rating = Field(description="`up` (👍) hoặc `down` (👎).")
    comment: str | None = Field(default=None, max_length=COMMENT_MAX, description="Góp ý thêm (không bắt buộc).")
    channel: Literal["web", "widget", "api"] = "api"

    @field_validator("comment")
    @classmethod
    def _comment(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if "\x00" in value:
            raise ValueError("Góp ý chứa ký tự không hợp lệ.")
        return value.strip() or None


class FeedbackSaved(BaseModel):
    id: int
    rating: Rating
    message: str = "Cảm ơn bạn đã góp ý."


class FeedbackList(BaseModel):
    total: int
    items: list[Feedback]


@router.post(
    "/feedback",
    response_model=FeedbackSaved,
    status_code=201,
    summary="Đánh giá một câu trả lời (👍/👎, góp ý)",
    responses={**ERRORS, 404: {"model": ErrorResponse, "description": "Không còn câu trả lời này"}},
)
def post_feedback(
    request: Request, principal: ReaderDep, assistant: AssistantDep, body: FeedbackRequest
) -> FeedbackSaved:
    """Rate an answer by its `answer_id` (rating again, or adding a comment, updates the same entry)."""
    answered = recent_answers(request).get(body.answer_id)
    if answered is None:
        raise NotFoundError(f"unknown answer id {body.answer_id!r}",
                            user_message="Không tìm thấy câu trả lời này (có thể đã quá cũ). Hãy hỏi lại rồi đánh giá.")
    item = Feedback(rating=body.rating, comment=body.comment, channel=body.channel, identity=principal.identity,
                    answered=answered, doc_versions=doc_versions(answered, assistant.list_documents()))
    saved = feedback_store(request).save(item)
    assert saved.id is not None
    return FeedbackSaved(id=saved.id, rating=saved.rating)


@router.get(
    "/feedback",
    response_model=FeedbackList,
    summary="Danh sách góp ý (quản trị)",
    responses={**ERRORS, 403: {"model": ErrorResponse, "description": "Cần khóa quản trị"}},
)
def list_feedback(
    request: Request,
    principal: AdminDep,
    rating: Annotated[Rating | None, Query(description="Chỉ `up` hoặc `down`.")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> FeedbackList:
    """Newest first; each item carries the question, answer, citations, mode and document versions."""
    store = feedback_store(request)
    return FeedbackList(total=store.count(rating=rating), items=store.list(rating=rating, limit=limit, offset=offset))
