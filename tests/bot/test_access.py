"""Allowlists, admins and the per-user rate limit."""

from __future__ import annotations

import pytest

from bot.access import AccessPolicy, RateLimiter
from rag.config import Settings

pytestmark = pytest.mark.unit


def test_empty_allowlists_deny_everyone_unless_open() -> None:
    closed = AccessPolicy(set(), set(), set())
    assert not closed.is_allowed(1, 1)
    assert not closed.is_allowed(None, None)
    assert AccessPolicy(set(), set(), set(), open_access=True).is_allowed(1, -5)


def test_users_chats_and_admins() -> None:
    policy = AccessPolicy({1}, {-100}, {9})
    assert policy.is_allowed(1, 1)
    assert policy.is_allowed(2, -100)  # anyone in an allowed group
    assert not policy.is_allowed(2, 2)
    assert policy.is_allowed(9, 9) and policy.is_admin(9)
    assert not policy.is_admin(1) and not policy.is_admin(None)


def test_policy_from_comma_separated_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLANBOT_TELEGRAM_ALLOWED_USERS", "11, 12")
    monkeypatch.setenv("PLANBOT_TELEGRAM_ALLOWED_CHATS", "-1001")
    monkeypatch.setenv("PLANBOT_TELEGRAM_ADMINS", "13")
    policy = AccessPolicy.from_settings(Settings(_env_file=None))  # type: ignore[call-arg]
    assert policy.allowed_users == {11, 12} and policy.allowed_chats == {-1001} and policy.admins == {13}


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_rate_limit_window_per_user() -> None:
    clock = FakeClock()
    limiter = RateLimiter(2, clock=clock)
    assert limiter.check(1) is None
    clock.now += 10
    assert limiter.check(1) is None
    wait = limiter.check(1)
    assert wait == pytest.approx(50.0)
    assert limiter.check(2) is None  # another user
    clock.now += 50
    assert limiter.check(1) is None  # the first request left the window


def test_rate_limit_disabled() -> None:
    limiter = RateLimiter(0)
    assert all(limiter.check(1) is None for _ in range(100))
