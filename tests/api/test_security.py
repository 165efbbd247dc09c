"""Keys and roles, the keyless loopback rule, and the per-key rate limit."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import httpx
import pytest

from api.app import create_app
from api.errors import RateLimitedError
from api.security import RateLimiter, is_loopback, key_fingerprint
from tests.api.conftest import FakeAssistant, LiveServer, make_settings

pytestmark = pytest.mark.unit

ASK = {"question": "mục đích xây dựng Đảng"}


def test_reader_and_admin_keys(serve: Callable[..., LiveServer], fake: FakeAssistant) -> None:
    server = serve(fake, api_keys=["doc-1", "doc-2"], admin_api_keys=["qt-1"])
    with server.client() as c:
        r = c.post("/v1/ask", json=ASK)
        assert r.status_code == 401
        assert r.headers["www-authenticate"] == "Bearer"
        assert "khóa API" in r.json()["error"]["message"]
        assert c.post("/v1/ask", json=ASK, headers={"Authorization": "Bearer sai"}).status_code == 401
        assert c.post("/v1/ask", json=ASK, headers={"Authorization": "Basic doc-1"}).status_code == 401
        for key in ("doc-1", "doc-2", "qt-1"):
            assert c.post("/v1/ask", json=ASK, headers={"Authorization": f"Bearer {key}"}).status_code == 200
        assert c.delete("/v1/documents/soc-trang-374", headers={"Authorization": "Bearer doc-1"}).status_code == 403
        assert c.delete("/v1/documents/soc-trang-374", headers={"Authorization": "Bearer qt-1"}).status_code == 204


async def _call(app: object, client_host: str, method: str, path: str, **kw: object) -> httpx.Response:
    transport = httpx.ASGITransport(app=app, client=(client_host, 40000))  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://api") as c:
        return await c.request(method, path, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("open_access", "host", "read", "admin"),
    [
        (False, "127.0.0.1", 200, 201),
        (False, "::1", 200, 201),
        (False, "10.1.2.3", 403, 403),
        (True, "10.1.2.3", 200, 403),
    ],
)
def test_keyless_mode_is_local_only(tmp_path: Path, open_access: bool, host: str, read: int, admin: int) -> None:
    fake = FakeAssistant()
    app = create_app(make_settings(tmp_path, open_access=open_access), assistant=cast(Any, fake))
    app.state.assistant = fake  # the in-process transport runs no lifespan
    r = asyncio.run(_call(app, host, "GET", "/v1/documents"))
    assert r.status_code == read
    if read == 403:
        assert "cục bộ" in r.json()["error"]["message"]
    files = {"file": ("a.txt", b"Ke hoach", "text/plain")}
    up = asyncio.run(_call(app, host, "POST", "/v1/documents", files=files))
    assert up.status_code == admin


def test_rate_limit_is_per_key(serve: Callable[..., LiveServer], fake: FakeAssistant) -> None:
    server = serve(fake, api_keys=["a", "b"], rate_limit_per_minute=3)
    with server.client() as c:
        codes = [c.get("/v1/documents", headers={"Authorization": "Bearer a"}).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        r = c.get("/v1/documents", headers={"Authorization": "Bearer a"})
        assert r.status_code == 429
        assert int(r.headers["retry-after"]) >= 1
        assert r.json()["error"]["code"] == "rate_limited"
        assert "quá nhiều" in r.json()["error"]["message"]
        assert c.get("/v1/documents", headers={"Authorization": "Bearer b"}).status_code == 200
        assert c.get("/healthz").status_code == 200


def test_rate_limiter_refills_and_can_be_disabled() -> None:
    limiter = RateLimiter(2)
    limiter.check("x")
    limiter.check("x")
    with pytest.raises(RateLimitedError) as info:
        limiter.check("x")
    assert info.value.retry_after_s > 0
    limiter._buckets["x"] = (0.0, limiter._buckets["x"][1] - 60)  # a minute later
    limiter.check("x")
    off = RateLimiter(0)
    for _ in range(100):
        off.check("x")


def test_rate_limiter_memory_is_bounded() -> None:
    limiter = RateLimiter(5, max_identities=10)
    for i in range(50):
        limiter.check(f"ip:{i}")
    assert len(limiter._buckets) <= 10


def test_helpers() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.2") and not is_loopback(None)
    fp = key_fingerprint("bi-mat")
    assert "bi-mat" not in fp and fp == key_fingerprint("bi-mat")
