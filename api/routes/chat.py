"""POST /v1/chat/completions: OpenAI-compatible, so chat UIs and SDKs plug in (citations included)."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Body, Request
from fastapi.responses import Response

from api.answering import answer_events, answer_once, open_answer, remember
from api.deps import AssistantDep, QueueDep, ReaderDep, SettingsDep
from api.queue import Ticket
from api.routes.ask import ERRORS
from api.schemas import (
    ChatCompletionChoice,
    ChatCompletionMessage,
    ChatCompletionRequest,
    ChatCompletionResponse,
)
from api.streaming import HEARTBEAT, EventStreamResponse, sse_data
from rag.answer.plan import check_question
from rag.assistant import AnswerStream
from rag.errors import InvalidInputError
from rag.types import Answer, ChatTurn, Citation

router = APIRouter(prefix="/v1", tags=["Tương thích OpenAI"])


def sources_block(answer: Answer) -> str:
    """The numbered source list appended to the content ('Nguồn:' or, when refused, 'Có thể liên quan:')."""
    cites = answer.citations or answer.related
    if not cites:
        return ""
    title = "Nguồn:" if answer.citations else "Có thể liên quan:"
    lines = [f"[{c.n}] {c.doc_title} — {c.section_path}" for c in cites]
    return "\n\n" + title + "\n" + "\n".join(lines)


def split_messages(body: ChatCompletionRequest) -> tuple[str, list[ChatTurn]]:
    """The last user message is the question; earlier user/assistant turns are the history."""
    msgs = [m for m in body.messages if m.role in ("user", "assistant")]
    if not msgs or msgs[-1].role != "user" or not msgs[-1].text().strip():
        raise InvalidInputError(
            "no final user message",
            user_message="Tin nhắn cuối cùng phải là câu hỏi của người dùng (role 'user').",
        )
    history = [ChatTurn(role=m.role, content=m.text()) for m in msgs[:-1]]  # type: ignore[arg-type]
    return msgs[-1].text(), history


def _citations(answer: Answer) -> list[Citation]:
    return answer.citations or answer.related


def _chunk(cid: str, created: int, model: str, delta: dict[str, Any], finish: str | None = None, **extra: Any) -> bytes:
    obj = {
        "id": cid,
        "object": "chat.completion.chunk",
        "created": created,
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        **extra,
    }
    return sse_data(json.dumps(obj, ensure_ascii=False, separators=(",", ":")))


async def _openai_frames(
    ticket: Ticket, events: AnswerStream, model: str, request: Request, history: list[ChatTurn]
) -> AsyncIterator[bytes]:
    """OpenAI chunks. Draft tokens are not forwarded (a chat client cannot retract text): the verified
    answer is sent once checked, then its sources; heartbeats keep the connection alive meanwhile."""
    cid, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())
    yield _chunk(cid, created, model, {"role": "assistant", "content": ""})
    async for event in answer_events(ticket, events):
        if event is None or event.type in ("sources", "token"):
            yield HEARTBEAT
        elif event.type == "done" and event.answer is not None:
            answer = event.answer
            request.state.answer_mode = answer.mode
            yield _chunk(cid, created, model, {"content": answer.answer})
            cites = [c.model_dump(mode="json") for c in _citations(answer)]
            yield _chunk(
                cid,
                created,
                model,
                {"content": sources_block(answer)},
                citations=cites,
                refused=answer.refused,
                answer_id=remember(request, answer, history),
            )
            yield _chunk(cid, created, model, {}, finish="stop")
        elif event.type == "error":
            err = event.error or {"code": "internal_error", "message": "Đã có lỗi xảy ra."}
            yield sse_data(json.dumps({"error": err}, ensure_ascii=False))
    yield sse_data("[DONE]")


@router.post(
    "/chat/completions",
    response_model=ChatCompletionResponse,
    responses=ERRORS,
    summary="Tương thích OpenAI Chat Completions (có trích dẫn)",
)
async def chat_completions(
    request: Request,
    principal: ReaderDep,
    assistant: AssistantDep,
    queue: QueueDep,
    settings: SettingsDep,
    body: ChatCompletionRequest = Body(  # noqa: B008
        openapi_examples={
            "basic": {
                "summary": "Một câu hỏi",
                "value": {
                    "model": "planbot",
                    "messages": [{"role": "user", "content": "Kế hoạch 374 của MTTQ Sóc Trăng do ai ký?"}],
                },
            }
        }
    ),
) -> Any:
    """Messages in, a grounded answer out; the sources are in `citations` and appended to the content."""
    question, history = split_messages(body)
    check_question(question, settings)
    request.state.log_question = question
    ticket, events = await open_answer(assistant, queue, question, history, body.top_k, body.filters)
    if body.stream:
        return EventStreamResponse(
            _openai_frames(ticket, events, body.model, request, history), on_close=ticket.release
        )
    answer = await answer_once(ticket, events)
    request.state.answer_mode = answer.mode
    resp = ChatCompletionResponse(
        id=f"chatcmpl-{uuid.uuid4().hex}",
        created=int(time.time()),
        model=body.model,
        choices=[ChatCompletionChoice(message=ChatCompletionMessage(content=answer.answer + sources_block(answer)))],
        citations=_citations(answer),
        refused=answer.refused,
        answer_id=remember(request, answer, history),
    )
    return Response(resp.model_dump_json(), media_type="application/json")
