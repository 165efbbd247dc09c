"""The typed chat data (PTB ContextTypes) and the application that uses it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import build_application
from bot.context import MAX_HELD, MAX_PROMPTS, BotContext, ChatData, HeldRemainder
from rag.config import Settings
from rag.types import ChatTurn
from tests.bot.conftest import TOKEN, FakeAssistant

pytestmark = pytest.mark.unit


def test_chat_data_defaults_are_independent() -> None:
    one, two = ChatData(), ChatData()
    one.history.append(ChatTurn(role="user", content="hỏi"))
    one.refs.add(None)  # type: ignore[arg-type]
    assert two.history == [] and len(two.refs) == 0


def test_forget_conversation_keeps_button_stores() -> None:
    data = ChatData(history=[ChatTurn(role="user", content="hỏi")], last_refused=True)
    key = data.held.add(HeldRemainder("phần còn lại", ()))
    data.forget_conversation()
    assert data.history == [] and data.last_sources == [] and not data.last_refused
    assert data.held.get(key) is not None


def test_held_remainders_and_prompts_are_bounded() -> None:
    data = ChatData()
    keys = [data.held.add(HeldRemainder(str(i), ())) for i in range(MAX_HELD + 5)]
    assert data.held.get(keys[0]) is None and data.held.get(keys[-1]) is not None
    for i in range(MAX_PROMPTS + 5):
        data.remember_prompt(i, f"a{i}")
    assert len(data.feedback_prompts) == MAX_PROMPTS and 0 not in data.feedback_prompts


def test_application_uses_the_typed_context_and_has_one_error_handler(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path, telegram_token=TOKEN)  # type: ignore[arg-type, call-arg]
    application = build_application(settings, FakeAssistant())  # type: ignore[arg-type]
    assert application.context_types.context is BotContext
    assert application.context_types.chat_data is ChatData
    assert isinstance(application.chat_data[42], ChatData)  # created on first access
    assert len(application.error_handlers) == 1
