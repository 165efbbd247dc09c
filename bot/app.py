"""Building and running the Telegram bot: long polling by default, webhook mode when a webhook URL is set.

start_application / stop_application (bot.lifecycle) are re-exported here for callers that run the bot inside
their own event loop (api.app).
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, Defaults

from bot.answers import EDIT_INTERVAL_S
from bot.context import CONTEXT_TYPES
from bot.handlers import BotHandlers
from bot.lifecycle import HANDLERS_KEY, set_commands, start_application, stop_application
from bot.texts import WEBHOOK_APP_TITLE
from bot.webhook import attach_webhook
from rag.assistant import Assistant
from rag.config import Settings

__all__ = ["build_application", "file_url_for", "run_bot", "start_application", "stop_application"]

logger = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.telegram.org/bot"
_TOKEN_LOGGER_ROOTS = ("telegram", "httpx", "httpcore")


class _RedactToken(logging.Filter):
    """Replaces the bot token in log records (httpx logs request URLs, which contain it)."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message without the token."""
        if self.token:
            message = record.getMessage()
            if self.token in message:
                record.msg = message.replace(self.token, "<token>")
                record.args = None
        return True


def hide_token_from_logs(token: str) -> None:
    """Keep the token out of logs.

    httpx logs every request URL at INFO (its logger goes to WARNING) and PTB logs its base URLs at DEBUG;
    every telegram/httpx logger also gets a filter that redacts the token (a logger's filters only see the
    records it emits itself, hence one per logger).
    """
    for name in ("httpx", "httpcore"):
        http_logger = logging.getLogger(name)
        http_logger.setLevel(max(http_logger.level, logging.WARNING))
    names = [n for n in list(logging.root.manager.loggerDict) if n.split(".")[0] in _TOKEN_LOGGER_ROOTS]
    for name in {*names, *_TOKEN_LOGGER_ROOTS, "telegram.Bot", "telegram.ext.ExtBot"}:
        target = logging.getLogger(name)
        for old in [f for f in target.filters if isinstance(f, _RedactToken)]:
            target.removeFilter(old)
        target.addFilter(_RedactToken(token))


def file_url_for(settings: Settings) -> str | None:
    """The file download base URL: the setting, or derived from a custom Bot API URL (/bot → /file/bot)."""
    if settings.telegram_file_url:
        return settings.telegram_file_url
    api_url = settings.telegram_api_url.rstrip("/")
    if api_url != DEFAULT_API_URL and api_url.endswith("/bot"):
        return api_url[: -len("bot")] + "file/bot"
    return None


def build_application(
    settings: Settings, assistant: Assistant, *, edit_interval_s: float = EDIT_INTERVAL_S
) -> Application:
    """The PTB Application with every handler registered (not started).

    In webhook mode (settings.telegram_webhook_url set) it has no Updater: updates arrive via the webhook
    route (bot.webhook.attach_webhook), which feeds `application.update_queue`.
    """
    if settings.telegram_token is None or not settings.telegram_token.get_secret_value():
        raise ValueError("PLANBOT_TELEGRAM_TOKEN is not set")
    token = settings.telegram_token.get_secret_value()
    hide_token_from_logs(token)
    defaults = Defaults(
        parse_mode=ParseMode.HTML,
        link_preview_options=LinkPreviewOptions(is_disabled=True),
        allow_sending_without_reply=True,
    )
    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(settings.telegram_api_url)
        .defaults(defaults)
        .context_types(CONTEXT_TYPES)
        .rate_limiter(AIORateLimiter(max_retries=2))
        .concurrent_updates(16)
    )
    file_url = file_url_for(settings)
    if file_url:
        builder = builder.base_file_url(file_url)
    if settings.telegram_webhook_url:
        builder = builder.updater(None)
    application = builder.build()
    handlers = BotHandlers(settings, assistant, edit_interval_s=edit_interval_s)
    handlers.register(application)
    application.bot_data[HANDLERS_KEY] = handlers
    return application


def _warm_up_in_background(assistant: Assistant) -> None:
    """Load the index and the model while the bot already answers /help."""

    def run() -> None:
        try:
            assistant.warm_up()
        except Exception:
            logger.warning("Warm-up failed; the first question will load the model", exc_info=True)

    threading.Thread(target=run, name="planbot-warm-up", daemon=True).start()


def run_bot(settings: Settings, *, assistant: Assistant | None = None) -> None:
    """Run the bot until interrupted: long polling, or a webhook server if a webhook URL is set.

    Pass `assistant` to reuse one already built; otherwise one is made from settings.
    """
    assistant = assistant or Assistant(settings)
    application = build_application(settings, assistant)
    _warm_up_in_background(assistant)
    if settings.telegram_webhook_url:
        import uvicorn
        from fastapi import FastAPI

        app = FastAPI(
            title=WEBHOOK_APP_TITLE, docs_url=None, redoc_url=None, openapi_url=None
        )
        attach_webhook(app, application, settings)
        uvicorn.run(app, host=settings.host, port=settings.port)
        return

    async def post_init(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        await set_commands(app)

    application.post_init = post_init
    application.run_polling(allowed_updates=Update.ALL_TYPES)
