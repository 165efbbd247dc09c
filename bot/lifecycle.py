"""Starting and stopping the bot inside a running event loop: command menu, webhook or polling, shutdown.

bot.app builds the Application and runs it standalone; bot.webhook starts and stops it from a FastAPI lifespan.
Both use the functions here (this module imports neither, so there is no import cycle).
"""

from __future__ import annotations

import logging

from telegram import BotCommand, Update
from telegram.error import TelegramError
from telegram.ext import Application

from bot.handlers import BotHandlers
from bot.texts import COMMAND_MENU
from rag.config import Settings

logger = logging.getLogger(__name__)

HANDLERS_KEY = "planbot_handlers"  # bot_data key of the BotHandlers (to stop generations on shutdown)
BOT_COMMANDS = tuple(BotCommand(command, description) for command, description in COMMAND_MENU)


async def set_commands(application: Application) -> None:
    """Publish the command menu (best effort)."""
    try:
        await application.bot.set_my_commands(list(BOT_COMMANDS))
    except TelegramError:
        logger.warning("Could not set the bot's command menu", exc_info=True)


async def start_application(application: Application, settings: Settings) -> None:
    """Start the bot inside an already running event loop (e.g. a FastAPI lifespan).

    Webhook mode registers the webhook; polling mode starts the Updater.
    """
    await application.initialize()
    await set_commands(application)
    if settings.telegram_webhook_url:
        secret = (
            settings.telegram_webhook_secret.get_secret_value() if settings.telegram_webhook_secret else None
        )
        await application.bot.set_webhook(
            settings.telegram_webhook_url, secret_token=secret, allowed_updates=Update.ALL_TYPES
        )
        logger.info("Telegram webhook registered")
    await application.start()
    if not settings.telegram_webhook_url and application.updater is not None:
        await application.updater.start_polling(allowed_updates=Update.ALL_TYPES)
        logger.info("Telegram bot polling for updates")


async def stop_application(application: Application) -> None:
    """Stop what start_application started: generations, polling, update processing."""
    handlers = application.bot_data.get(HANDLERS_KEY)
    if isinstance(handlers, BotHandlers):
        handlers.cancel_all()
    if application.updater is not None and application.updater.running:
        await application.updater.stop()
    if application.running:
        await application.stop()
    await application.shutdown()
