"""The bounded model queue: unit behaviour and the 503 + Retry-After when full."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

import pytest

from api.errors import QueueFullError
from api.queue import ModelQueue
from tests.api.conftest import FakeAssistant, LiveServer, wait_until

pytestmark = pytest.mark.unit


def test_reserve_until_full_then_release() -> None:
    async def scenario() -> None:
        queue = ModelQueue(1)
        a, b = queue.reserve(), queue.reserve()
        with pytest.raises(QueueFullError) as info:
            queue.reserve()
        assert info.value.retry_after_s >= 1
        async with a:
            assert queue.admitted == 2
            assert not await b.acquire(timeout=0.01)  # the model is held by `a`
        assert await b.acquire(timeout=1)
        b.release()
        b.release()  # idempotent
        assert queue.admitted == 0
        async with queue.reserve():
            pass
        assert queue.admitted == 0

    asyncio.run(scenario())


def test_cancelled_waiter_gives_its_place_back() -> None:
    async def scenario() -> None:
        queue = ModelQueue(2)
        holder = queue.reserve()
        await holder.acquire(timeout=1)

        async def wait() -> None:
            async with queue.reserve():
                pass

        task = asyncio.create_task(wait())
        await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        holder.release()
        assert queue.admitted == 0

    asyncio.run(scenario())


def test_full_queue_answers_503_with_retry_after(serve: Callable[..., LiveServer], fake: FakeAssistant) -> None:
    fake.gate = threading.Event()
    server = serve(fake, queue_size=1)
    results: list[int] = []
    question = {"question": "mục đích xây dựng Đảng"}
    with server.client() as c:
        threads = [
            threading.Thread(target=lambda: results.append(c.post("/v1/ask", json=question).status_code))
            for _ in range(2)
        ]
        try:
            for t in threads:
                t.start()
            wait_until(fake.started.is_set, "first model call running")
            wait_until(lambda: server.app.state.model_queue.admitted == 2, "second call queued")
            r = c.post("/v1/ask", json=question)
            assert r.status_code == 503
            assert int(r.headers["retry-after"]) >= 1
            assert r.json()["error"]["code"] == "busy"
            assert "bận" in r.json()["error"]["message"]
            s = c.post("/v1/ask", json={**question, "stream": True})
            assert s.status_code == 503
            oa = c.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": "xây dựng Đảng"}]})
            assert oa.status_code == 503
        finally:
            fake.gate.set()
            for t in threads:
                t.join(30)
    assert results == [200, 200]
    assert server.app.state.model_queue.admitted == 0
