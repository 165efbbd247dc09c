"""One model shared by all requests: a bounded queue in front of it (full → 503 + Retry-After)."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from types import TracebackType

from api.errors import QueueFullError


class ModelQueue:
    """Admits at most one running and `size` waiting model calls; the rest are refused at once.

    Lives on the event loop (no thread locking needed): `reserve()` is synchronous and either returns a
    `Ticket` or raises `QueueFullError`; `async with ticket:` waits for the model, then runs the call.
    """

    # Retry-After bounds (seconds) and how many recent service times the estimate looks at.
    MIN_RETRY_S = 1.0
    MAX_RETRY_S = 60.0
    WINDOW = 32

    def __init__(self, size: int, *, initial_service_s: float = 5.0) -> None:
        self.size = max(0, size)
        self._admitted = 0
        self._lock = asyncio.Lock()
        self._initial_service_s = initial_service_s
        self._recent: deque[float] = deque(maxlen=self.WINDOW)
        self.rejected = 0

    @property
    def admitted(self) -> int:
        """Requests running or waiting for the model."""
        return self._admitted

    @property
    def capacity(self) -> int:
        return self.size + 1

    def typical_service_s(self) -> float:
        """Median of the recent service times (cache hits included), or the initial guess before any."""
        if not self._recent:
            return self._initial_service_s
        ordered = sorted(self._recent)
        return ordered[len(ordered) // 2]

    def retry_after_s(self) -> float:
        """When a place is likely to be free again: a place frees each time the running call ends, so a full
        queue needs about one typical service time per request beyond capacity; bounded to [1, 60] s."""
        beyond = max(1, self._admitted - self.size)
        return min(self.MAX_RETRY_S, max(self.MIN_RETRY_S, self.typical_service_s() * beyond))

    def reserve(self) -> Ticket:
        """Take a place in the queue or raise QueueFullError (mapped to 503 + Retry-After)."""
        if self._admitted >= self.capacity:
            self.rejected += 1
            raise QueueFullError(
                f"model queue full ({self._admitted}/{self.capacity})", retry_after_s=self.retry_after_s()
            )
        self._admitted += 1
        return Ticket(self)

    def _record(self, seconds: float) -> None:
        self._recent.append(seconds)

    def _leave(self) -> None:
        self._admitted = max(0, self._admitted - 1)


class Ticket:
    """A reserved place; entering waits for the model, exiting (or `release`) frees the place once."""

    def __init__(self, queue: ModelQueue) -> None:
        self._queue = queue
        self._holding = False
        self._released = False
        self._started = 0.0

    async def __aenter__(self) -> Ticket:
        try:
            await self._queue._lock.acquire()
        except BaseException:
            self.release()
            raise
        self._holding = True
        self._started = time.monotonic()
        return self

    async def acquire(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds for the model; True once held (call again on False)."""
        if self._holding:
            return True
        if self._released:
            raise RuntimeError("ticket already released")
        try:
            await asyncio.wait_for(self._queue._lock.acquire(), timeout)
        except TimeoutError:
            return False
        self._holding = True
        self._started = time.monotonic()
        return True

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()

    def release(self) -> None:
        """Free the model and the place in the queue (idempotent)."""
        if self._holding:
            self._holding = False
            self._queue._record(time.monotonic() - self._started)
            self._queue._lock.release()
        if not self._released:
            self._released = True
            self._queue._leave()
