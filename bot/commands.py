"""Commands (/start, /help, /tra, /viec, /nguon, /moi, unknown ones) and replies to what is not a question."""

from __future__ import annotations

import asyncio

from telegram import Update

from bot.access import AccessPolicy
from bot.answers import Answering
from bot.context import BotContext
from bot.formatting import escape, format_directive, format_source_list
from bot.keyboards import SourceRef, examples_keyboard, mentions_keyboard, sources_keyboard
from bot.messaging import reply, typing
from bot.tasks import reply_tasks
from bot.texts import (
    ADMIN_HELP,
    EDITED_TEXT,
    HELP_TEXT,
    LOOKUP_MORE,
    LOOKUP_NONE,
    LOOKUP_USAGE,
    NO_SOURCES_TEXT,
    NON_TEXT_TEXT,
    RELATED_HEADER,
    RESET_TEXT,
    SOURCES_HEADER,
    STOPPED_TEXT,
    UNKNOWN_COMMAND_TEXT,
)
from rag.assistant import Assistant

MAX_LOOKUP_RESULTS = 3
MAX_MENTION_BUTTONS = 8


class Commands:
    """The command handlers; /moi stops the chat's generation through `answering`."""

    def __init__(self, assistant: Assistant, access: AccessPolicy, answering: Answering) -> None:
        self.assistant = assistant
        self.access = access
        self.answering = answering

    async def on_help(self, update: Update, context: BotContext) -> None:
        """/start and /help: what the bot does, with example questions as buttons."""
        message = update.effective_message
        if message is None:
            return
        admin = self.access.is_admin(update.effective_user.id if update.effective_user else None)
        text = HELP_TEXT.format(username=escape(context.bot.username or "bot"), admin=ADMIN_HELP if admin else "")
        await reply(message, text, examples_keyboard())

    async def on_lookup(self, update: Update, context: BotContext) -> None:
        """/tra <số hiệu>: a directive from the registry, with buttons to the plans that cite it."""
        message = update.effective_message
        if message is None:
            return
        query = " ".join(context.args or []).strip()
        if not query:
            await reply(message, LOOKUP_USAGE)
            return
        await typing(context.bot, message)
        records = await asyncio.to_thread(self.assistant.lookup_directive, query)
        if not records:
            await reply(message, LOOKUP_NONE.format(query=escape(query)))
            return
        store = context.chat.refs
        for record in records[:MAX_LOOKUP_RESULTS]:
            entries = []
            for i, mention in enumerate(record.mentions[:MAX_MENTION_BUTTONS], start=1):
                ref = SourceRef.from_mention(i, mention)
                entries.append((store.add(ref), ref))
            await reply(message, format_directive(record, MAX_MENTION_BUTTONS), mentions_keyboard(entries))
        if len(records) > MAX_LOOKUP_RESULTS:
            await reply(message, LOOKUP_MORE.format(count=len(records) - MAX_LOOKUP_RESULTS))

    async def on_tasks(self, update: Update, context: BotContext) -> None:
        """/viec <đơn vị>: that agency's duties, deadlines and reports in the plans (bot/tasks.py)."""
        message = update.effective_message
        if message is not None:
            await reply_tasks(self.assistant, " ".join(context.args or []), lambda html: reply(message, html))

    async def on_sources(self, update: Update, context: BotContext) -> None:
        """/nguon: the sources of the last answer again."""
        message = update.effective_message
        if message is None:
            return
        entries = context.chat.last_sources
        if not entries:
            await reply(message, NO_SOURCES_TEXT)
            return
        header = RELATED_HEADER if context.chat.last_refused else SOURCES_HEADER
        text = format_source_list([ref.as_citation() for _, ref in entries], header=header)
        await reply(message, text, sources_keyboard(entries))

    async def on_reset(self, update: Update, context: BotContext) -> None:
        """/moi: forget the conversation and stop an answer in progress."""
        message = update.effective_message
        chat = update.effective_chat
        if message is None or chat is None:
            return
        context.chat.forget_conversation()
        stopped = self.answering.stop(chat.id)
        await reply(message, f"{STOPPED_TEXT} {RESET_TEXT}" if stopped else RESET_TEXT)

    async def on_unknown_command(self, update: Update, context: BotContext) -> None:
        """A command we do not know."""
        if update.effective_message is not None:
            await reply(update.effective_message, UNKNOWN_COMMAND_TEXT)

    async def on_edited(self, update: Update, context: BotContext) -> None:
        """Edited messages are not re-answered; say so."""
        if update.edited_message is not None:
            await reply(update.edited_message, EDITED_TEXT)

    async def on_other(self, update: Update, context: BotContext) -> None:
        """Stickers, photos, voice, locations...: ask for text."""
        if update.message is not None:
            await reply(update.message, NON_TEXT_TEXT)

