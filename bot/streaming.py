"""The bridge from the synchronous assistant to the event loop, and the message that grows with the answer.

The Assistant facade is synchronous and CPU-bound: its stream runs in a worker thread and its events cross into
the event loop through an asyncio queue, so other chats keep being served. A generation stops when its stop
event is set (/moi) or the application stops running.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import warnings
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import Any

from telegram import InlineKeyboardMarkup, Message
from telegram.error import BadRequest, RetryAfter

from bot.formatting import escape, format_preview
from bot.texts import FOUND_TEXT, SEARCHING_TEXT
from rag.assistant import StreamEvent
from rag.errors import PlanbotError
from rag.types import Answer, ChatTurn

logger = logging.getLogger(__name__)

TYPING_INTERVAL_S = 4.5  # Telegram shows "typing…" for about 5 s
POLL_S = 0.5  # how often the streaming loop checks for /moi and shutdown while waiting for tokens
MAX_FINAL_RETRIES = 5

_END = object()


def retry_seconds(exc: RetryAfter) -> float:
    """RetryAfter.retry_after as seconds (an int or a timedelta depending on PTB settings)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def is_not_modified(exc: BadRequest) -> bool:
    """Telegram refuses an edit that changes nothing; that is not an error for us."""
    return "not modified" in str(exc).lower()


class LiveMessage:
    """A message edited as the answer grows: throttled best-effort updates, then one final edit that lands."""

    def __init__(self, message: Message, interval_s: float) -> None:
        self.message = message
        self.interval_s = interval_s
        self.shown = ""
        self.next_at = time.monotonic() + interval_s
        self.edits = 0

    async def update(self, html: str) -> None:
        """Show `html` unless an edit happened too recently (or Telegram asked us to wait)."""
        now = time.monotonic()
        if html == self.shown or now < self.next_at:
            return
        try:
            await self.message.edit_text(html)
        except RetryAfter as exc:
            self.next_at = now + retry_seconds(exc)
            logger.info("Flood control on a streamed edit; backing off %.1f s", retry_seconds(exc))
            return
        except BadRequest as exc:
            if not is_not_modified(exc):
                raise
        self.shown = html
        self.edits += 1
        self.next_at = time.monotonic() + self.interval_s

    async def finish(self, html: str, markup: InlineKeyboardMarkup | None = None) -> None:
        """Show the final text; waits out flood control (a few times) instead of skipping."""
        for attempt in range(MAX_FINAL_RETRIES):
            try:
                await self.message.edit_text(html, reply_markup=markup)
                return
            except RetryAfter as exc:
                if attempt == MAX_FINAL_RETRIES - 1:
                    raise
                await asyncio.sleep(retry_seconds(exc))
            except BadRequest as exc:
                if not is_not_modified(exc):
                    raise
                if markup is not None:
                    await self.message.edit_reply_markup(markup)
                return


def _pump(assistant: Any, question: str, history: Sequence[ChatTurn], stop: threading.Event,
          put: Callable[[object], None]) -> None:
    """Worker thread: forward the assistant's stream events (or its exception) to `put`, then _END.

    Stopping (`stop` set) closes the stream, which stops the generation."""
    try:
        with assistant.stream(question, history) as stream:  # input errors raise here
            for event in stream:
                if stop.is_set():
                    break
                put(event)
    except BaseException as exc:
        put(exc)
    finally:
        put(_END)


async def stream_answer(
    assistant: Any,
    question: str,
    history: Sequence[ChatTurn],
    stop: threading.Event,
    live: LiveMessage,
    *,
    running: Callable[[], bool],
    show_typing: Callable[[], Awaitable[None]],
) -> Answer | None:
    """Run the assistant's stream in a worker thread; edit the live message as tokens arrive.

    Returns the final answer, or None if the generation was stopped (`stop` set, or `running()` false).
    """
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[object] = asyncio.Queue()

    def put(item: object) -> None:
        try:
            loop.call_soon_threadsafe(queue.put_nowait, item)
        except RuntimeError:  # the loop is closed: nobody listens any more
            stop.set()

    loop.run_in_executor(None, _pump, assistant, question, history, stop, put)
    text = ""
    answer: Answer | None = None
    last_typing = 0.0
    while True:
        if not running():
            stop.set()
        if stop.is_set():
            return None
        now = time.monotonic()
        if not text and now - last_typing >= TYPING_INTERVAL_S:  # until the answer starts to show
            last_typing = now
            await show_typing()
        try:
            item = await asyncio.wait_for(queue.get(), timeout=POLL_S)
        except TimeoutError:
            continue
        if item is _END:
            break
        if isinstance(item, BaseException):
            raise item
        if not isinstance(item, StreamEvent):
            continue
        if item.type == "sources":
            found = FOUND_TEXT.format(count=len(item.sources)) if item.sources else SEARCHING_TEXT
            await live.update(escape(found))
        elif item.type == "token":
            text += item.text
            await live.update(format_preview(text))
        elif item.type == "done":
            answer = item.answer
    if answer is None:
        raise PlanbotError("the stream ended without a final answer")
    return answer
