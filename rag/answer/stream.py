"""AnswerStream: the one stream type of an answer, from the facade to the edges.

Iterate it for the events (`sources`, `token` deltas, `done`); `.answer()` drains it and returns the verified
final Answer; `.close()` stops the generation (idempotent; the stream is also a context manager). Failures are
exceptions (`rag.errors.PlanbotError` subclasses) raised from iteration or `.answer()`: only the edges (the API's
SSE streams, the bot) turn them into something a user sees.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Iterator
from types import TracebackType

from rag.errors import BackendError
from rag.types import Answer, StreamEvent


class AnswerStream:
    """The events of one answer, over an event iterator (closing a generator stops the work behind it).

    Not thread-safe: iterate and close from one thread at a time (a worker may iterate while the event loop
    waits, then close once the step in flight has finished)."""

    def __init__(self, events: Iterable[StreamEvent]) -> None:
        self._events: Iterator[StreamEvent] = iter(events)
        self._final: Answer | None = None
        self._closed = False

    @classmethod
    def of_answer(cls, answer: Answer) -> AnswerStream:
        """A finished answer as a stream (a cache hit): its sources, its text as one token, then done."""
        return cls([
            StreamEvent(type="sources", sources=answer.citations),
            StreamEvent(type="token", text=answer.answer),
            StreamEvent(type="done", answer=answer),
        ])

    def __iter__(self) -> AnswerStream:
        return self

    def __next__(self) -> StreamEvent:
        if self._closed:
            raise StopIteration
        try:
            event = next(self._events)
        except StopIteration:
            self._closed = True
            raise
        except BaseException:
            self.close()
            raise
        if event.type == "done" and event.answer is not None:
            self._final = event.answer
        return event

    def answer(self) -> Answer:
        """Read the rest of the stream and return the final answer (the stream is closed afterwards).

        Raises what the answering raised, or BackendError if the stream ended (or was closed) without one."""
        with self:
            for _ in self:
                pass
        if self._final is None:
            raise BackendError("answer stream ended without a final answer")
        return self._final

    def close(self) -> None:
        """Stop the generation (idempotent); iteration ends."""
        if self._closed:
            return
        self._closed = True
        if isinstance(self._events, Generator):
            self._events.close()

    @property
    def closed(self) -> bool:
        return self._closed

    def __enter__(self) -> AnswerStream:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
