"""Model-backed calls shared by /v1/ask and /v1/chat/completions: queueing, threads, streaming."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator, Sequence
from functools import partial
from typing import Any

import anyio
from fastapi import Request

from api.errors import QuestionTooLongError
from api.queue import ModelQueue, Ticket
from api.streaming import iterate_in_thread
from rag.assistant import Assistant, StreamEvent
from rag.config import Settings
from rag.errors import BackendError, InvalidInputError, PlanbotError, error_for_code
from rag.feedback import RecentAnswers
from rag.types import Answer, ChatTurn

logger = logging.getLogger("planbot.api")


def check_question(question: str, settings: Settings) -> None:
    """Enforce the configured question length (the schema only has a hard cap) and clean text: the one check
    of the question for /v1/ask and /v1/chat/completions alike."""
    if "\x00" in question:
        raise InvalidInputError("NUL byte in question", user_message="Câu hỏi chứa ký tự không hợp lệ.")
    limit = settings.max_question_chars
    if len(question.strip()) > limit:
        raise QuestionTooLongError(
            f"question of {len(question)} chars", user_message=f"Câu hỏi quá dài (tối đa {limit} ký tự)."
        )


def recent_answers(request: Request) -> RecentAnswers:
    """The app's memory of recent answers (what feedback refers to)."""
    recent: RecentAnswers = request.app.state.recent_answers
    return recent


def remember(request: Request, answer: Answer, history: Sequence[ChatTurn]) -> str:
    """Keep an answer for later feedback; returns the `answer_id` sent to the client."""
    return recent_answers(request).remember(answer, history)


def error_from_event(error: dict[str, str] | None) -> PlanbotError:
    """Rebuild the exception behind a stream `error` event (so its HTTP status is right)."""
    error = error or {}
    message = error.get("message") or PlanbotError.user_message
    return error_for_code(error.get("code", ""), f"answer stream error {error.get('code')}", message)


async def open_answer(
    assistant: Assistant,
    queue: ModelQueue,
    question: str,
    history: Sequence[ChatTurn],
    top_k: int | None,
    filters: dict[str, Any] | None,
) -> tuple[Ticket, Iterator[StreamEvent]]:
    """Take a place in the model queue and open the facade's event stream.

    Input errors the facade finds surface here, before any response starts (→ 4xx, not an SSE error).
    """
    ticket = queue.reserve()
    try:
        events = await anyio.to_thread.run_sync(
            partial(assistant.stream, question, list(history), top_k=top_k, filters=filters)
        )
    except BaseException:
        ticket.release()
        raise
    return ticket, events


def _collect(events: Iterator[StreamEvent]) -> Answer:
    final: Answer | None = None
    try:
        for event in events:
            if event.type == "done" and event.answer is not None:
                final = event.answer
            elif event.type == "error":
                raise error_from_event(event.error)
    finally:
        close = getattr(events, "close", None)
        if close is not None:
            close()
    if final is None:
        raise BackendError("answer stream ended without a final answer")
    return final


async def answer_once(ticket: Ticket, events: Iterator[StreamEvent]) -> Answer:
    """Wait for the model, then run the stream to its final (verified) answer in a worker thread."""
    async with ticket:
        return await anyio.to_thread.run_sync(_collect, events)


def error_event(exc: BaseException) -> StreamEvent:
    """An `error` stream event for an exception (Vietnamese message, no internals)."""
    if isinstance(exc, PlanbotError):
        return StreamEvent(type="error", error={"code": exc.code, "message": exc.user_message})
    logger.error("answer stream failed", exc_info=exc)
    return StreamEvent(type="error", error={"code": "internal_error", "message": PlanbotError.user_message})


async def answer_events(ticket: Ticket, events: Iterator[StreamEvent]) -> AsyncIterator[StreamEvent | None]:
    """The facade's stream events (None = heartbeat while waiting); failures become an `error` event.

    Holds the model for the duration; leaving early (client gone) closes the facade's generator.
    """
    try:
        while not await ticket.acquire(timeout=10.0):
            yield None
        async for event in iterate_in_thread(events):
            yield event
    except Exception as exc:
        yield error_event(exc)
    finally:
        ticket.release()
