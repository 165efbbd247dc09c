"""Server-Sent Events over the facade's synchronous answer stream, stopped when the client goes away."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from typing import Any, cast

import anyio
from starlette.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

from rag.answer.stream import AnswerStream
from rag.types import StreamEvent

logger = logging.getLogger("planbot.api")

_END = object()
HEARTBEAT_S = 10.0

SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


def sse(event: str, data: Any) -> bytes:
    """One SSE frame; data is JSON on a single line."""
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f"event: {event}\ndata: {payload}\n\n".encode()


def sse_data(data: str) -> bytes:
    """An unnamed SSE frame (OpenAI's stream format)."""
    return f"data: {data}\n\n".encode()


HEARTBEAT = b": ping\n\n"


async def iterate_in_thread(stream: AnswerStream) -> AsyncIterator[StreamEvent | None]:
    """Drive an answer stream in worker threads; yield None as a heartbeat while it is slow.

    Its failures raise here. On cancellation (client disconnect) or exit, the stream is closed in a worker
    thread once its in-flight step finishes, so the model stops producing tokens.
    """
    pending: asyncio.Future[Any] | None = None
    try:
        while True:
            if pending is None:
                pending = asyncio.ensure_future(anyio.to_thread.run_sync(next, stream, _END))
            done, _ = await asyncio.wait({pending}, timeout=HEARTBEAT_S)
            if not done:
                yield None
                continue
            item = pending.result()
            pending = None
            if item is _END:
                return
            yield cast(StreamEvent, item)
    finally:
        with anyio.CancelScope(shield=True):
            if pending is not None:
                try:
                    await pending
                except Exception:  # the step's own error is irrelevant once we are closing
                    logger.debug("stream step failed while closing", exc_info=True)
            try:
                await anyio.to_thread.run_sync(stream.close)
            except Exception:
                logger.warning("closing the answer stream failed", exc_info=True)


class EventStreamResponse(StreamingResponse):
    """A text/event-stream response that runs `on_close` whatever happens (even if never iterated)."""

    media_type = "text/event-stream"

    def __init__(
        self,
        content: AsyncIterator[bytes],
        *,
        on_close: Callable[[], None] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(content, headers={**SSE_HEADERS, **(headers or {})})
        self._on_close = on_close

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            with anyio.CancelScope(shield=True):
                if isinstance(self.body_iterator, AsyncGenerator):
                    await self.body_iterator.aclose()
            if self._on_close is not None:
                self._on_close()
