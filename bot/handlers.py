"""Wiring of the bot's handlers: the gate, commands, questions, buttons, uploads, and the one error handler.

The handlers themselves live in bot.access (Gate), bot.commands, bot.answers, bot.callbacks and bot.uploads.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.access import AccessPolicy, Gate, RateLimiter
from bot.answers import EDIT_INTERVAL_S, Answering
from bot.callbacks import Buttons
from bot.commands import Commands
from bot.context import BotContext
from bot.feedback import TelegramFeedback
from bot.formatting import escape
from bot.messaging import user_message
from bot.uploads import Uploads
from rag.assistant import Assistant
from rag.config import Settings

logger = logging.getLogger(__name__)


class BotHandlers:
    """All handlers of the bot, sharing the assistant, the access policy and the rate limiter."""

    def __init__(
        self, settings: Settings, assistant: Assistant, *, edit_interval_s: float = EDIT_INTERVAL_S
    ) -> None:
        self.settings = settings
        self.access = AccessPolicy.from_settings(settings)
        self.limiter = RateLimiter(settings.telegram_rate_limit_per_minute)
        self.feedback = TelegramFeedback(settings, assistant)
        self.gate = Gate(self.access, self.limiter)
        self.answering = Answering(settings, assistant, self.feedback, edit_interval_s=edit_interval_s)
        self.commands = Commands(assistant, self.access, self.answering)
        self.buttons = Buttons(assistant, self.limiter, self.feedback, self.answering)
        self.uploads = Uploads(settings, assistant, self.access)

    def register(self, application: Application) -> None:
        """Add every handler, and the one error handler, to the application."""
        commands = self.commands
        application.add_handler(TypeHandler(Update, self.gate), group=-1)
        application.add_handler(MessageHandler(filters.UpdateType.EDITED, commands.on_edited))
        application.add_handler(CommandHandler(["start", "help"], commands.on_help))
        application.add_handler(CommandHandler(["tra", "directive"], commands.on_lookup))
        application.add_handler(CommandHandler("nguon", commands.on_sources))
        application.add_handler(CommandHandler("viec", commands.on_tasks))
        application.add_handler(CommandHandler("moi", commands.on_reset))
        application.add_handler(CallbackQueryHandler(self.buttons.on_callback))
        application.add_handler(MessageHandler(filters.Document.ALL, self.uploads.on_document))
        application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, self.answering.on_text))
        application.add_handler(MessageHandler(filters.COMMAND, commands.on_unknown_command))
        application.add_handler(MessageHandler(filters.ALL, commands.on_other))
        application.add_error_handler(self.on_error)

    def cancel_all(self) -> None:
        """Stop every generation in progress (on shutdown)."""
        self.answering.cancel_all()

    async def on_error(self, update: object, context: BotContext) -> None:
        """The one error handler: log with the traceback, answer politely in Vietnamese."""
        error = context.error
        logger.error("Error while handling a Telegram update: %s", error, exc_info=error)
        if error is None or getattr(error, "planbot_notified", False) or not isinstance(update, Update):
            return
        chat = update.effective_chat
        if chat is None:
            return
        try:
            await context.bot.send_message(chat.id, escape(user_message(error)))
        except TelegramError:
            logger.warning("Could not send the error reply to chat %s", chat.id, exc_info=True)
