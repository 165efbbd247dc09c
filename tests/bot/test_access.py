"""Allowlists, admins and the per-user rate limit; the gate over the fake Bot API."""

from __future__ import annotations

from typing import Any

import pytest

from bot.access import AccessPolicy, RateLimiter
from bot.texts import DENIED_TEXT
from rag.config import Settings
from tests.bot.conftest import (
    ADMIN,
    FOLLOW_UP,
    QUESTION,
    STRANGER,
    USER,
    BotHarness,
    ask,
    reply_text_to,
)


@pytest.mark.unit
def test_empty_allowlists_deny_everyone_unless_open() -> None:
    closed = AccessPolicy(set(), set(), set())
    assert not closed.is_allowed(1, 1)
    assert not closed.is_allowed(None, None)
    assert AccessPolicy(set(), set(), set(), open_access=True).is_allowed(1, -5)


@pytest.mark.unit
def test_users_chats_and_admins() -> None:
    policy = AccessPolicy({1}, {-100}, {9})
    assert policy.is_allowed(1, 1)
    assert policy.is_allowed(2, -100)  # anyone in an allowed group
    assert not policy.is_allowed(2, 2)
    assert policy.is_allowed(9, 9) and policy.is_admin(9)
    assert not policy.is_admin(1) and not policy.is_admin(None)


@pytest.mark.unit
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


@pytest.mark.unit
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


@pytest.mark.unit
def test_rate_limit_disabled() -> None:
    limiter = RateLimiter(0)
    assert all(limiter.check(1) is None for _ in range(100))


@pytest.mark.integration
def test_unauthorised_user_is_refused_politely(run_bot: Any) -> None:
    async def scenario(h: BotHarness) -> None:
        sent = h.api.send_text(QUESTION, user_id=STRANGER)
        refusal = await reply_text_to(h.api, STRANGER, sent["message_id"], str(STRANGER))
        assert refusal["text"] == DENIED_TEXT.format(user_id=STRANGER)
        h.api.press(refusal, "q:1", user_id=STRANGER)
        await h.api.wait_for(lambda: h.api.of("answerCallbackQuery"), "the button refusal")
        assert h.api.of("answerCallbackQuery")[0].params.get("show_alert") in (True, "true", "True")
        assert h.assistant.stream_calls == []

    run_bot(scenario)


@pytest.mark.integration
def test_open_access_lets_anyone_in(run_bot: Any) -> None:
    async def scenario(h: BotHarness) -> None:
        await ask(h.api, QUESTION, user_id=STRANGER)
        assert h.assistant.stream_calls == [(QUESTION, [])]

    run_bot(scenario, open_access=True, telegram_allowed_users=[], telegram_allowed_chats=[])


@pytest.mark.integration
def test_empty_allowlists_deny_everyone(run_bot: Any) -> None:
    async def scenario(h: BotHarness) -> None:
        sent = h.api.send_text(QUESTION, user_id=USER)
        await reply_text_to(h.api, USER, sent["message_id"], "chưa được cấp quyền")
        assert h.assistant.stream_calls == []

    run_bot(scenario, telegram_allowed_users=[], telegram_allowed_chats=[], telegram_admins=[])


@pytest.mark.integration
def test_rate_limit_per_user(run_bot: Any) -> None:
    async def scenario(h: BotHarness) -> None:
        await ask(h.api, QUESTION)
        await ask(h.api, FOLLOW_UP)
        third = h.api.send_text(QUESTION)
        await reply_text_to(h.api, USER, third["message_id"], "quá nhiều yêu cầu")
        assert len(h.assistant.stream_calls) == 2
        sent = h.api.send_text("/help")  # free commands still work
        await reply_text_to(h.api, USER, sent["message_id"], "/tra")
        await ask(h.api, QUESTION, user_id=ADMIN)  # other users are not affected
        assert len(h.assistant.stream_calls) == 3

    run_bot(scenario, telegram_rate_limit_per_minute=2)
