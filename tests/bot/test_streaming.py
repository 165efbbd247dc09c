"""The thread-to-asyncio bridge: events from the synchronous assistant stream into the event loop."""

from __future__ import annotations

import asyncio
import threading

import pytest

from bot.streaming import stream_answer
from rag.errors import BackendError, BusyError, InvalidInputError
from tests.bot.conftest import QUESTION, BrokenAssistant, BusyAssistant, FakeAssistant, FakeLive

pytestmark = pytest.mark.unit


def run(assistant: FakeAssistant, question: str = QUESTION, *, stop: threading.Event | None = None,
        running: bool = True) -> tuple[object, FakeLive, int]:
    """stream_answer in a fresh loop; returns (answer or exception, the live fake, typing calls)."""
    live = FakeLive()
    typed = 0

    async def show_typing() -> None:
        nonlocal typed
        typed += 1

    async def main() -> object:
        try:
            return await stream_answer(
                assistant, question, [], stop or threading.Event(), live,  # type: ignore[arg-type]
                running=lambda: running, show_typing=show_typing,
            )
        except Exception as exc:
            return exc

    return asyncio.run(main()), live, typed


def test_tokens_grow_the_live_message_and_the_answer_comes_back() -> None:
    answer, live, typed = run(FakeAssistant())
    assert getattr(answer, "citations", None), "the final Answer"
    assert typed >= 1
    assert any("đoạn liên quan" in shown for shown in live.shown)
    previews = [shown for shown in live.shown if shown.endswith("▌")]
    assert len(previews) >= 2 and len(previews[-1]) > len(previews[0])


def test_errors_cross_the_thread() -> None:
    assert isinstance(run(BusyAssistant())[0], BusyError)  # an error event
    assert isinstance(run(BrokenAssistant())[0], BackendError)  # an exception in the worker
    assert isinstance(run(FakeAssistant(), "??")[0], InvalidInputError)  # raised before the first event


def test_a_stopped_generation_returns_none_and_closes_the_stream() -> None:
    assistant = FakeAssistant()
    stop = threading.Event()
    stop.set()
    assert run(assistant, stop=stop)[0] is None
    assert assistant.closed_streams == 1  # asyncio.run waited for the worker, which closed the generator
    assert run(assistant, running=False)[0] is None
    assert assistant.closed_streams == 2
