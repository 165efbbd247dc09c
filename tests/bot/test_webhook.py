"""Webhook mode: the bot inside a FastAPI app served by uvicorn on 127.0.0.1, updates posted to the route."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from bot.app import build_application
from bot.webhook import SECRET_HEADER, attach_webhook, webhook_path
from tests.bot.conftest import USER, FakeAssistant, FakeBotApi, make_settings

pytestmark = pytest.mark.integration

WEBHOOK_URL = "https://bot.example.vn/tg/hook"
SECRET = "s3cret-value"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_webhook_path_from_url(tmp_path: Path) -> None:
    api = FakeBotApi()
    assert webhook_path(make_settings(api, tmp_path, telegram_webhook_url=WEBHOOK_URL)) == "/tg/hook"
    assert (
        webhook_path(make_settings(api, tmp_path, telegram_webhook_url="https://x.vn")) == "/telegram/webhook"
    )


def test_updates_posted_to_the_webhook_are_answered(tmp_path: Path) -> None:
    async def main() -> None:
        api = FakeBotApi()
        await api.start()
        settings = make_settings(
            api, tmp_path, telegram_webhook_url=WEBHOOK_URL, telegram_webhook_secret=SECRET
        )
        assistant = FakeAssistant()
        application = build_application(settings, assistant, edit_interval_s=0.0)  # type: ignore[arg-type]
        assert application.updater is None
        app = FastAPI()
        attach_webhook(app, application, settings)
        port = free_port()
        server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="on", log_level="warning")
        )
        serving = asyncio.create_task(server.serve())
        try:
            await api.wait_for(lambda: server.started, "uvicorn to start")
            assert application.running
            [registered] = api.of("setWebhook")
            assert registered.params["url"] == WEBHOOK_URL
            assert registered.params["secret_token"] == SECRET
            assert not api.of("getUpdates"), "no polling in webhook mode"

            url = f"http://127.0.0.1:{port}/tg/hook"
            async with httpx.AsyncClient() as client:
                intruder = api.new_message("Kế hoạch 464 có những hình thức tuyên truyền miệng nào?")
                response = await client.post(
                    url, json={"update_id": 1, "message": intruder}, headers={SECRET_HEADER: "wrong"}
                )
                assert response.status_code == 403
                response = await client.post(url, content=b"{not json", headers={SECRET_HEADER: SECRET})
                assert response.status_code == 400

                start = api.new_message("/start")
                response = await client.post(
                    url, json={"update_id": 2, "message": start}, headers={SECRET_HEADER: SECRET}
                )
                assert response.status_code == 200
                await api.wait_for(lambda: any("/tra" in c.params["text"] for c in api.sent_to(USER)), "help")

                question = api.new_message("Kế hoạch 464 có những hình thức tuyên truyền miệng nào?")
                response = await client.post(
                    url, json={"update_id": 3, "message": question}, headers={SECRET_HEADER: SECRET}
                )
                assert response.status_code == 200
                await api.wait_for(
                    lambda: any("Nguồn:" in m["text"] for m in api.bot_messages(USER)), "the final answer"
                )
            assert [q for q, _ in assistant.stream_calls] == [question["text"]]  # not the intruder's
        finally:
            server.should_exit = True
            await serving
            await api.stop()
        assert not application.running

    asyncio.run(main())
