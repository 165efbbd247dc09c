"""Building the Application from settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import build_application, file_url_for
from rag.config import Settings
from tests.bot.conftest import TOKEN, FakeAssistant

pytestmark = pytest.mark.unit


def settings(tmp_path: Path, **values: object) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path, **values)  # type: ignore[arg-type, call-arg]


def test_token_is_required(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="PLANBOT_TELEGRAM_TOKEN"):
        build_application(settings(tmp_path), FakeAssistant())  # type: ignore[arg-type]


def test_polling_mode_has_an_updater_and_webhook_mode_none(tmp_path: Path) -> None:
    polling = build_application(settings(tmp_path, telegram_token=TOKEN), FakeAssistant())  # type: ignore[arg-type]
    assert polling.updater is not None
    assert polling.bot.base_url == f"https://api.telegram.org/bot{TOKEN}"
    webhook = build_application(
        settings(tmp_path, telegram_token=TOKEN, telegram_webhook_url="https://bot.example.vn/hook"),
        FakeAssistant(),  # type: ignore[arg-type]
    )
    assert webhook.updater is None


def test_file_url_follows_a_custom_bot_api_server(tmp_path: Path) -> None:
    assert file_url_for(settings(tmp_path)) is None  # PTB's default
    own = settings(tmp_path, telegram_api_url="http://10.0.0.5:8081/bot")
    assert file_url_for(own) == "http://10.0.0.5:8081/file/bot"
    explicit = settings(tmp_path, telegram_file_url="http://files.local/file/bot")
    assert file_url_for(explicit) == "http://files.local/file/bot"
