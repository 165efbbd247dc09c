"""Webhook mode in a FastAPI app: a POST route feeding the update queue of an Application without Updater."""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlparse

from fastapi import FastAPI, Request, Response
from telegram import Update
from telegram.ext import Application

from bot.lifecycle import start_application, stop_application
from rag.config import Settings

logger = logging.getLogger(__name__)

DEFAULT_WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def webhook_path(settings: Settings) -> str:
    """The route path: the path of PLANBOT_TELEGRAM_WEBHOOK_URL, or /telegram/webhook."""
    path = urlparse(settings.telegram_webhook_url or "").path
    return path if path and path != "/" else DEFAULT_WEBHOOK_PATH


def make_webhook_endpoint(
    application: Application,
    secret: str | None,
) -> Callable[[Request], Awaitable[Response]]:
    """The ASGI endpoint: check Telegram's secret header, parse the update, put it on the update queue."""

    async def telegram_webhook(request: Request) -> Response:
        if secret is not None:
            given = request.headers.get(SECRET_HEADER, "")
            if not hmac.compare_digest(given.encode(), secret.encode()):
                logger.warning("Webhook call with a wrong or missing secret token from %s", request.client)
                return Response(status_code=403)
        try:
            data: Any = await request.json()
            if not isinstance(data, dict):
                raise ValueError("update is not a JSON object")
            update = Update.de_json(data, application.bot)
        except (ValueError, TypeError, KeyError, json.JSONDecodeError):
            logger.warning("Webhook call with an invalid update body", exc_info=True)
            return Response(status_code=400)
        await application.update_queue.put(update)
        return Response(status_code=200)

    return telegram_webhook


def attach_webhook(
    app: FastAPI,
    application: Application,
    settings: Settings,
    *,
    manage_lifecycle: bool = True,
) -> None:
    """Add the Telegram webhook route to `app` (at webhook_path(settings)).

    With `manage_lifecycle` the app's lifespan also starts the bot (initialize, setWebhook, start) and
    stops it; the application must have been built in webhook mode (no Updater): see build_application.
    """
    secret = settings.telegram_webhook_secret.get_secret_value() if settings.telegram_webhook_secret else None
    if secret is None:
        logger.warning(
            "PLANBOT_TELEGRAM_WEBHOOK_SECRET is not set: anyone who finds the URL can post updates"
        )
    path = webhook_path(settings)
    app.add_api_route(
        path, make_webhook_endpoint(application, secret), methods=["POST"], include_in_schema=False
    )
    if not manage_lifecycle:
        return
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(asgi_app: Any) -> AsyncIterator[Any]:
        async with inner(asgi_app) as state:
            await start_application(application, settings)
            try:
                yield state
            finally:
                await stop_application(application)

    app.router.lifespan_context = lifespan
