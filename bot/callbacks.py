"""Inline buttons: 👍/👎, example questions, a source's quote, its full section, and an answer's "Xem thêm"."""

from __future__ import annotations

import asyncio

from telegram import Message, Update
from telegram.constants import ChatType

from bot.access import RateLimiter, wait_text
from bot.answers import Answering
from bot.context import BotContext
from bot.feedback import FEEDBACK_PREFIX, TelegramFeedback, comment_reply_box
from bot.formatting import escape, format_quote, format_section, split_message
from bot.keyboards import EXAMPLE_PREFIX, MORE_PREFIX, QUOTE_PREFIX, SECTION_PREFIX, section_keyboard
from bot.messaging import send
from bot.texts import EXAMPLE_QUESTIONS, EXPIRED_TEXT, SECTION_EMPTY
from rag.assistant import Assistant


class Buttons:
    """The one CallbackQueryHandler callback, dispatching on the callback data's prefix."""

    def __init__(
        self, assistant: Assistant, limiter: RateLimiter, feedback: TelegramFeedback, answering: Answering
    ) -> None:
        self.assistant = assistant
        self.limiter = limiter
        self.feedback = feedback
        self.answering = answering

    async def on_callback(self, update: Update, context: BotContext) -> None:
        """Answer the press at once (the spinner stops), then do what the button says."""
        query = update.callback_query
        chat = update.effective_chat
        if query is None or chat is None:
            return
        await query.answer()
        data = query.data or ""
        anchor = query.message if isinstance(query.message, Message) else None
        user_id = update.effective_user.id if update.effective_user else None
        if data.startswith(FEEDBACK_PREFIX):
            await self._vote(data, user_id, chat.id, anchor, context)
        elif data.startswith(EXAMPLE_PREFIX):
            await self._example(data.removeprefix(EXAMPLE_PREFIX), user_id, chat.id, anchor, context)
        elif data.startswith(MORE_PREFIX):
            await self.answering.show_more(data.removeprefix(MORE_PREFIX), chat.id, anchor, context)
        else:
            await self._source(data, chat.id, anchor, context)

    async def _vote(
        self, data: str, user_id: int | None, chat_id: int, anchor: Message | None, context: BotContext
    ) -> None:
        """👍/👎: record it; the thank-you asks for a comment as a reply."""
        text, asks = await self.feedback.vote(data, user_id, context.chat)
        if anchor is not None and asks:
            quote = anchor.chat.type != ChatType.PRIVATE
            prompt = await anchor.reply_text(escape(text), reply_markup=comment_reply_box(), do_quote=quote)
            self.feedback.prompt_sent(prompt, context.chat)
        else:
            await send(context.bot, chat_id, escape(text), anchor)

    async def _example(
        self, index_text: str, user_id: int | None, chat_id: int, anchor: Message | None, context: BotContext
    ) -> None:
        """An example question: echo it, then answer it (rate limited like a typed question)."""
        index = int(index_text) if index_text.isdigit() else -1
        if not 0 <= index < len(EXAMPLE_QUESTIONS):
            await send(context.bot, chat_id, EXPIRED_TEXT, anchor)
            return
        wait = self.limiter.check(user_id) if user_id is not None else None
        if wait is not None:
            await send(context.bot, chat_id, wait_text(wait), anchor)
            return
        question = EXAMPLE_QUESTIONS[index]
        asked = await send(context.bot, chat_id, f"❓ <b>{escape(question)}</b>", anchor)
        await self.answering.answer_question(asked, question, context)

    async def _source(self, data: str, chat_id: int, anchor: Message | None, context: BotContext) -> None:
        """A source's quote (with a button for its section), or the full section text."""
        prefix, _, key = data.partition(":")
        ref = context.chat.refs.get(key)
        if ref is None or f"{prefix}:" not in (QUOTE_PREFIX, SECTION_PREFIX):
            await send(context.bot, chat_id, EXPIRED_TEXT, anchor)
            return
        if f"{prefix}:" == QUOTE_PREFIX:
            await send(context.bot, chat_id, format_quote(ref.as_citation()), anchor, section_keyboard(key, ref))
            return
        text = await asyncio.to_thread(self.assistant.get_section_text, ref.doc_id, ref.section_id)
        body = format_section(ref.doc_title, ref.section_path, text) if text.strip() else escape(SECTION_EMPTY)
        for part in split_message(body):
            await send(context.bot, chat_id, part, anchor)
