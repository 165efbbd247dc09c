"""`planbot serve` runs the bot in the same process when a token is set: the API app's lifespan starts it
(the bot is a companion of the app, wired by planbot)."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import httpx
import pytest
import uvicorn

from api.app import create_app
from planbot.companions import start_telegram
from tests.bot.conftest import USER, FakeAssistant, FakeBotApi, make_settings

pytestmark = pytest.mark.integration


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_api_app_starts_polling_bot_and_stops_it(tmp_path: Path) -> None:
    async def main() -> None:
        api = FakeBotApi()
        await api.start()
        settings = make_settings(api, tmp_path)
        app = create_app(settings, assistant=FakeAssistant(), companions=[start_telegram])  # type: ignore[arg-type]
        port = free_port()
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="on",
                                               log_level="warning"))
        serving = asyncio.create_task(server.serve())
        try:
            await api.wait_for(lambda: server.started, "uvicorn to start")
            async with httpx.AsyncClient() as client:
                health = await client.get(f"http://127.0.0.1:{port}/healthz")
            assert health.status_code == 200
            api.send_text("/start", user_id=USER)
            await api.wait_for(lambda: api.sent_to(USER), "the bot to answer /start over polling")
            assert api.of("getUpdates")
        finally:
            server.should_exit = True
            await asyncio.wait_for(serving, 60)
            await api.stop()
        polls = len(api.of("getUpdates"))
        await asyncio.sleep(0.5)
        assert len(api.of("getUpdates")) == polls  # polling stopped with the app

    asyncio.run(main())


def test_no_token_no_bot(tmp_path: Path) -> None:
    settings = make_settings(FakeBotApi(), tmp_path, telegram_token=None)
    app = create_app(settings, assistant=FakeAssistant(), companions=[start_telegram])  # type: ignore[arg-type]
    assert not any(getattr(r, "path", "").startswith("/telegram") for r in app.routes)
