"""Model-backed calls shared by /v1/ask and /v1/chat/completions: queueing, threads, streaming."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from functools import partial
from typing import Any

import anyio
from fastapi import Request

from api.queue import ModelQueue, Ticket
from api.streaming import iterate_in_thread
from rag.assistant import AnswerStream, Assistant, StreamEvent
from rag.errors import PlanbotError
from rag.feedback import RecentAnswers
from rag.types import Answer, ChatTurn

logger = logging.getLogger("planbot.api")


def recent_answers(request: Request) -> RecentAnswers:
    """The app's memory of recent answers (what feedback refers to)."""
    recent: RecentAnswers = request.app.state.recent_answers
    return recent


def remember(request: Request, answer: Answer, history: Sequence[ChatTurn]) -> str:
    """Keep an answer for later feedback; returns the `answer_id` sent to the client."""
    return recent_answers(request).remember(answer, history)


async def open_answer(
    assistant: Assistant,
    queue: ModelQueue,
    question: str,
    history: Sequence[ChatTurn],
    top_k: int | None,
    filters: dict[str, Any] | None,
) -> tuple[Ticket, AnswerStream]:
    """Take a place in the model queue and open the facade's answer stream.

    Input errors the facade finds surface here, before any response starts (→ 4xx, not an SSE error).
    """
    ticket = queue.reserve()
    try:
        stream = await anyio.to_thread.run_sync(
            partial(assistant.stream, question, list(history), top_k=top_k, filters=filters)
        )
    except BaseException:
        ticket.release()
        raise
    return ticket, stream


async def answer_once(ticket: Ticket, stream: AnswerStream) -> Answer:
    """Wait for the model, then run the stream to its final (verified) answer in a worker thread."""
    async with ticket:
        return await anyio.to_thread.run_sync(stream.answer)


def error_event(exc: BaseException) -> StreamEvent:
    """An `error` stream event for an exception (Vietnamese message, no internals): where a failure of the
    answering becomes something a streaming client sees."""
    if isinstance(exc, PlanbotError):
        logger.warning("answering failed: %s", exc, exc_info=exc)
        return StreamEvent(type="error", error={"code": exc.code, "message": exc.user_message})
    logger.error("answer stream failed", exc_info=exc)
    return StreamEvent(type="error", error={"code": "internal_error", "message": PlanbotError.user_message})


async def answer_events(ticket: Ticket, stream: AnswerStream) -> AsyncIterator[StreamEvent | None]:
    """The facade's stream events (None = heartbeat while waiting); failures become an `error` event.

    Holds the model for the duration; leaving early (client gone) closes the stream (the generation stops).
    """
    try:
        while not await ticket.acquire(timeout=10.0):
            yield None
        async for event in iterate_in_thread(stream):
            yield event
    except Exception as exc:
        yield error_event(exc)
    finally:
        ticket.release()
