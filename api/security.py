"""API keys with two roles (reader, admin), the loopback rule for keyless mode, and a per-key rate limit."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import threading
import time
from dataclasses import dataclass
from typing import Literal

from fastapi import Request

from api.errors import ForbiddenError, RateLimitedError, UnauthorizedError
from rag.config import Settings

Role = Literal["reader", "admin"]


@dataclass(frozen=True)
class Principal:
    """Who is calling: a role and a stable, non-secret identity (key fingerprint or client address)."""

    role: Role
    identity: str
    keyed: bool = False

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def key_fingerprint(key: str) -> str:
    """A short, non-reversible id of a key, safe to log."""
    return "key:" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]


def is_loopback(host: str | None) -> bool:
    """True for 127.0.0.0/8, ::1 and 'localhost' (and the test client's 'testclient')."""
    if not host:
        return False
    if host in ("localhost", "testclient"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def auth_enabled(settings: Settings) -> bool:
    """Whether any key is configured (otherwise the keyless rules apply)."""
    return bool(settings.api_keys or settings.admin_api_keys)


def _matches(token: str, keys: list[str]) -> bool:
    found = False
    for key in keys:
        if hmac.compare_digest(token.encode("utf-8"), key.encode("utf-8")):
            found = True
    return found


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def authenticate(request: Request, settings: Settings) -> Principal:
    """Resolve the caller. Keyless mode: readers everywhere allowed, admin only from loopback."""
    client = request.client.host if request.client else None
    if not auth_enabled(settings):
        local = is_loopback(client)
        if not local and not settings.open_access:
            raise ForbiddenError(
                "keyless mode, non-local client",
                user_message="Máy chủ chưa cấu hình khóa API nên chỉ phục vụ truy cập từ máy cục bộ.",
            )
        return Principal(role="admin" if local else "reader", identity=f"ip:{client}")
    token = _bearer(request)
    if token is None:
        raise UnauthorizedError("missing bearer token")
    if _matches(token, settings.admin_api_keys):
        return Principal(role="admin", identity=key_fingerprint(token), keyed=True)
    if _matches(token, settings.api_keys):
        return Principal(role="reader", identity=key_fingerprint(token), keyed=True)
    raise UnauthorizedError("unknown key")


def require_admin_role(principal: Principal) -> None:
    """Raise 403 unless the caller is an admin."""
    if not principal.is_admin:
        raise ForbiddenError(
            "admin role required",
            user_message="Thao tác này cần khóa quản trị (PLANBOT_ADMIN_API_KEYS).",
        )


class RateLimiter:
    """Token bucket per identity: `per_minute` requests, refilled continuously. 0 disables it."""

    def __init__(self, per_minute: int, *, max_identities: int = 10_000) -> None:
        self.per_minute = per_minute
        self._max = max_identities
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def check(self, identity: str) -> None:
        """Consume one request for `identity` or raise RateLimitedError with a retry delay."""
        if self.per_minute <= 0:
            return
        rate = self.per_minute / 60.0
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(identity, (float(self.per_minute), now))
            tokens = min(float(self.per_minute), tokens + (now - last) * rate)
            if tokens < 1.0:
                self._buckets[identity] = (tokens, now)
                raise RateLimitedError(f"rate limit for {identity}", retry_after_s=(1.0 - tokens) / rate)
            self._buckets[identity] = (tokens - 1.0, now)
            if len(self._buckets) > self._max:
                self._prune(now, rate)

    def _prune(self, now: float, rate: float) -> None:
        full = [k for k, (t, last) in self._buckets.items() if t + (now - last) * rate >= self.per_minute]
        for k in full:
            del self._buckets[k]
        while len(self._buckets) > self._max:
            self._buckets.pop(next(iter(self._buckets)))
