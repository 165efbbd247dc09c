"""Model-backed calls shared by /v1/ask and /v1/chat/completions: queueing, threads, streaming."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from functools import partial
from typing import Any

import anyio

from api.errors import QuestionTooLongError
from api.queue import Ticket
from api.streaming import iterate_in_thread
from rag.assistant import Assistant, StreamEvent
from rag.config import Settings
from rag.errors import PlanbotError
from rag.types import Answer, ChatTurn

logger = logging.getLogger("planbot.api")


def check_question(question: str, settings: Settings) -> None:
    """Enforce the configured question length (the schema only has a hard cap)."""
    limit = settings.max_question_chars
    if len(question) > limit:
        raise QuestionTooLongError(
            f"question of {len(question)} chars", user_message=f"Câu hỏi quá dài (tối đa {limit} ký tự)."
        )


async def answer_once(
    assistant: Assistant,
    ticket: Ticket,
    question: str,
    history: Sequence[ChatTurn],
    top_k: int | None,
    filters: dict[str, Any] | None,
) -> Answer:
    """Wait for the model, then answer in a worker thread."""
    async with ticket:
        return await anyio.to_thread.run_sync(
            partial(assistant.ask, question, list(history), top_k=top_k, filters=filters)
        )


def error_event(exc: BaseException) -> StreamEvent:
    """An `error` stream event for an exception (Vietnamese message, no internals)."""
    if isinstance(exc, PlanbotError):
        return StreamEvent(type="error", error={"code": exc.code, "message": exc.user_message})
    logger.error("answer stream failed", exc_info=exc)
    return StreamEvent(type="error", error={"code": "internal_error", "message": PlanbotError.user_message})


async def answer_events(
    assistant: Assistant,
    ticket: Ticket,
    question: str,
    history: Sequence[ChatTurn],
    top_k: int | None,
    filters: dict[str, Any] | None,
) -> AsyncIterator[StreamEvent | None]:
    """The facade's stream events (None = heartbeat while waiting); failures become an `error` event.

    Holds the model for the duration; leaving early (client gone) closes the facade's generator.
    """
    try:
        while not await ticket.acquire(timeout=10.0):
            yield None
        history_list = list(history)

        def make() -> Any:
            return assistant.stream(question, history_list, top_k=top_k, filters=filters)

        async for event in iterate_in_thread(make):
            yield event
    except Exception as exc:
        yield error_event(exc)
    finally:
        ticket.release()
