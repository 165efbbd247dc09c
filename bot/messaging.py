"""Small helpers to send and edit messages: threading in groups, best-effort edits, 'typing…', error texts."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram import Bot, InlineKeyboardMarkup, Message
from telegram.constants import ChatAction, ChatType
from telegram.error import TelegramError

from bot.texts import GENERIC_ERROR
from rag.errors import PlanbotError

logger = logging.getLogger(__name__)


def mark_notified(exc: BaseException) -> BaseException:
    """Flag an exception whose user has already been told (the error handler then only logs it)."""
    exc.planbot_notified = True  # type: ignore[attr-defined]
    return exc


def user_message(exc: BaseException) -> str:
    """The Vietnamese message for an exception (plain text)."""
    return exc.user_message if isinstance(exc, PlanbotError) else GENERIC_ERROR


async def reply(message: Message, html: str, markup: InlineKeyboardMarkup | None = None) -> Message:
    """Reply in the message's chat; in groups the reply threads to the message."""
    quote = message.chat.type != ChatType.PRIVATE
    return await message.reply_text(html, reply_markup=markup, do_quote=quote)


async def reply_parts(
    message: Message, parts: Sequence[str], markup: InlineKeyboardMarkup | None = None
) -> list[Message]:
    """Reply with several messages; the keyboard goes under the last one."""
    sent = []
    for i, part in enumerate(parts, start=1):
        sent.append(await reply(message, part, markup if i == len(parts) else None))
    return sent


async def send(
    bot: Bot, chat_id: int, html: str, anchor: Message | None, markup: InlineKeyboardMarkup | None = None
) -> Message:
    """Send to a chat, threading to `anchor` in groups."""
    if anchor is not None:
        return await reply(anchor, html, markup)
    return await bot.send_message(chat_id, html, reply_markup=markup)


async def safe_edit(message: Message, html: str) -> None:
    """Edit a status message; failures are logged, never raised."""
    try:
        await message.edit_text(html)
    except TelegramError:
        logger.warning("Could not edit message %s", message.message_id, exc_info=True)


async def typing(bot: Bot, message: Message) -> None:
    """Show 'typing…' (best effort)."""
    try:
        await bot.send_chat_action(
            message.chat.id,
            ChatAction.TYPING,
            message_thread_id=message.message_thread_id if message.is_topic_message else None,
        )
    except TelegramError:
        logger.debug("sendChatAction failed", exc_info=True)
