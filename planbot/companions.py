"""What runs alongside the HTTP API in one process: the Telegram bot (api.app.Companion).

Wiring lives here, above both edges, so that api and bot stay independent of each other.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI

from api.app import Stop
from rag.assistant import Assistant
from rag.config import Settings

logger = logging.getLogger("planbot.api")


async def start_telegram(app: FastAPI, settings: Settings, assistant: Assistant) -> Stop | None:
    """When PLANBOT_TELEGRAM_TOKEN is set, run the bot in this process (polling, or webhook on this app)."""
    if settings.telegram_token is None or not settings.telegram_token.get_secret_value():
        return None
    from bot.app import build_application, start_application, stop_application
    from bot.webhook import attach_webhook

    application = build_application(settings, assistant)
    if settings.telegram_webhook_url:
        attach_webhook(app, application, settings, manage_lifecycle=False)
    await start_application(application, settings)
    logger.info("Telegram bot started (%s)", "webhook" if settings.telegram_webhook_url else "polling")

    async def stop() -> None:
        """Stop the bot with the app."""
        await stop_application(application)

    return stop
