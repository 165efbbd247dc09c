"""Companions (the Telegram bot in `planbot serve`) start with the app's lifespan and stop with it, in reverse order;
the API knows nothing of what they are."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from fastapi import FastAPI

from api.app import Companion, Stop, create_app
from planbot.companions import start_telegram
from rag.assistant import Assistant
from rag.config import Settings
from tests.api.conftest import FakeAssistant, LiveServer, make_settings

pytestmark = pytest.mark.unit


def test_companions_start_and_stop_with_the_app(tmp_path: Path, fake: FakeAssistant) -> None:
    events: list[str] = []

    def companion(name: str, runs: bool) -> Companion:
        async def start(app: FastAPI, settings: Settings, assistant: Assistant) -> Stop | None:
            events.append(f"start {name} {assistant is fake}")
            if not runs:
                return None

            async def stop() -> None:
                events.append(f"stop {name}")

            return stop

        return start

    companions = [companion("a", True), companion("b", False), companion("c", True)]
    app = create_app(make_settings(tmp_path), assistant=fake, companions=companions)  # type: ignore[arg-type]
    server = LiveServer(app).start()
    with server.client() as c:
        assert c.get("/healthz").status_code == 200
    assert events == ["start a True", "start b True", "start c True"]
    server.stop()
    assert events[3:] == ["stop c", "stop a"]


def test_the_bot_companion_runs_nothing_without_a_token(tmp_path: Path, fake: FakeAssistant) -> None:
    settings = make_settings(tmp_path)
    assert settings.telegram_token is None or not settings.telegram_token.get_secret_value()
    assert asyncio.run(start_telegram(FastAPI(), settings, fake)) is None  # type: ignore[arg-type]
