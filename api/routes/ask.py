"""POST /v1/ask: one answer as JSON, or Server-Sent Events (sources, token, done, error)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Body, Request
from fastapi.responses import Response

from api.answering import answer_events, answer_once, open_answer, remember
from api.deps import AssistantDep, QueueDep, ReaderDep, SettingsDep
from api.queue import Ticket
from api.schemas import AnswerOut, AskRequest, ErrorResponse
from api.streaming import HEARTBEAT, EventStreamResponse, sse
from rag.answer.plan import check_question
from rag.assistant import AnswerStream, StreamEvent
from rag.types import Answer, ChatTurn

router = APIRouter(prefix="/v1", tags=["Hỏi đáp"])

ASK_EXAMPLES: dict[str, Any] = {
    "simple": {
        "summary": "Câu hỏi đơn",
        "value": {"question": "Kế hoạch 464 của Liên đoàn Lao động tỉnh Lai Châu có mục đích gì?"},
    },
    "follow_up": {
        "summary": "Câu hỏi nối tiếp (có lịch sử)",
        "value": {
            "question": "Ai ký kế hoạch đó?",
            "history": [
                {"role": "user", "content": "Kế hoạch 374 của MTTQ Sóc Trăng tuyên truyền nội dung gì?"},
                {"role": "assistant", "content": "Kế hoạch tuyên truyền về xây dựng Đảng... [1]"},
            ],
        },
    },
    "filtered_stream": {
        "summary": "Lọc theo tỉnh, trả lời dạng luồng (SSE)",
        "value": {
            "question": "Hình thức tuyên truyền gồm những gì?",
            "filters": {"province": "Khánh Hòa"},
            "stream": True,
        },
    },
}

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "JSON sai cú pháp"},
    401: {"model": ErrorResponse, "description": "Thiếu hoặc sai khóa API"},
    422: {
        "model": ErrorResponse,
        "description": "Dữ liệu không hợp lệ (câu hỏi rỗng, quá dài, bộ lọc lạ...)",
    },
    429: {"model": ErrorResponse, "description": "Vượt giới hạn số yêu cầu mỗi phút"},
    503: {
        "model": ErrorResponse,
        "description": "Hàng đợi mô hình đầy (có Retry-After) hoặc hệ thống lỗi tạm thời",
    },
}


def wants_event_stream(request: Request, flag: bool) -> bool:
    """SSE when asked with `"stream": true` or `Accept: text/event-stream`."""
    return flag or "text/event-stream" in request.headers.get("accept", "").lower()


def encode_event(event: StreamEvent) -> bytes:
    """One facade event as an SSE frame."""
    if event.type == "sources":
        return sse("sources", {"sources": [c.model_dump(mode="json") for c in event.sources]})
    if event.type == "token":
        return sse("token", {"text": event.text})
    if event.type == "done" and event.answer is not None:
        return sse("done", event.answer.model_dump(mode="json"))
    if event.type == "error":
        return sse("error", {"error": event.error or {"code": "internal_error", "message": "Đã có lỗi xảy ra."}})
    return sse(event.type, event.model_dump(mode="json"))


def answer_json(answer: Answer, answer_id: str) -> dict[str, Any]:
    """The answer as sent to clients: the Answer fields plus `answer_id` (for POST /v1/feedback)."""
    return {**answer.model_dump(mode="json"), "answer_id": answer_id}


async def _frames(
    ticket: Ticket, events: AnswerStream, request: Request, history: list[ChatTurn]
) -> AsyncIterator[bytes]:
    yield HEARTBEAT  # headers and a first byte go out at once, even while queued
    async for event in answer_events(ticket, events):
        if event is not None and event.type == "done" and event.answer is not None:
            request.state.answer_mode = event.answer.mode
            yield sse("done", answer_json(event.answer, remember(request, event.answer, history)))
            continue
        yield HEARTBEAT if event is None else encode_event(event)


@router.post(
    "/ask",
    response_model=AnswerOut,
    summary="Hỏi một câu, nhận câu trả lời có trích dẫn",
    responses={
        **ERRORS,
        200: {
            "description": "Câu trả lời (JSON), hoặc luồng SSE khi `Accept: text/event-stream` "
            "hoặc `stream: true`: `sources`, nhiều `token`, rồi `done` (câu trả lời đầy đủ đã kiểm chứng) "
            "hoặc `error`.",
            "content": {"text/event-stream": {"schema": {"type": "string"}}},
        },
    },
)
async def ask(
    request: Request,
    principal: ReaderDep,
    assistant: AssistantDep,
    queue: QueueDep,
    settings: SettingsDep,
    body: AskRequest = Body(openapi_examples=ASK_EXAMPLES),  # noqa: B008
) -> Any:
    """Answer a question from the plans, citing numbered sources; refuses when the plans do not say."""
    check_question(body.question, settings)
    request.state.log_question = body.question
    ticket, events = await open_answer(assistant, queue, body.question, body.history, body.top_k, body.filters)
    if wants_event_stream(request, body.stream):
        return EventStreamResponse(_frames(ticket, events, request, body.history), on_close=ticket.release)
    answer = await answer_once(ticket, events)
    request.state.answer_mode = answer.mode
    payload = answer_json(answer, remember(request, answer, body.history))
    return Response(json.dumps(payload, ensure_ascii=False), media_type="application/json")
