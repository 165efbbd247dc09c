"""Questions: a streamed answer in a reply, then its sources, 👍/👎 and, for a long answer, "Xem thêm".

One generation per chat at a time; /moi (or shutdown) stops it. The remainder of a long answer (Answer.more) is
kept in the chat's data under a short key; its button sends it, split into Telegram-sized messages.
"""

from __future__ import annotations

import logging
import re
import threading

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType
from telegram.error import TelegramError

from bot.context import BotContext, HeldRemainder
from bot.feedback import TelegramFeedback, with_feedback
from bot.formatting import escape, format_answer, format_more, split_message
from bot.keyboards import SourceRef, sources_keyboard, with_more, without_more
from bot.messaging import mark_notified, reply, reply_parts, safe_edit, send, typing, user_message
from bot.streaming import LiveMessage, stream_answer
from bot.texts import (
    BUSY_CHAT_TEXT,
    COMMENT_SAVED,
    EMPTY_QUESTION_TEXT,
    MORE_EXPIRED,
    SEARCHING_TEXT,
    STOPPED_TEXT,
)
from rag.answer.plan import check_question
from rag.assistant import Assistant
from rag.config import Settings
from rag.errors import InvalidInputError
from rag.types import Answer, ChatTurn

logger = logging.getLogger(__name__)

EDIT_INTERVAL_S = 1.5  # between two edits of a streamed answer (doubled in groups: 20 messages/min there)


def strip_mention(text: str, username: str) -> str:
    """The question without '@botname'."""
    if username:
        text = re.sub(rf"@{re.escape(username)}\b", " ", text, flags=re.IGNORECASE)
    return " ".join(text.split())


class Answering:
    """Answers questions (typed, or from example buttons) and delivers held-back remainders."""

    def __init__(
        self,
        settings: Settings,
        assistant: Assistant,
        feedback: TelegramFeedback,
        *,
        edit_interval_s: float = EDIT_INTERVAL_S,
    ) -> None:
        self.settings = settings
        self.assistant = assistant
        self.feedback = feedback
        self.edit_interval_s = edit_interval_s
        self.history_messages = max(0, settings.history_turns) * 2
        self._generations: dict[int, threading.Event] = {}

    def stop(self, chat_id: int) -> bool:
        """Stop this chat's generation; True if one was running."""
        stop = self._generations.get(chat_id)
        if stop is None or stop.is_set():
            return False
        stop.set()
        return True

    def cancel_all(self) -> None:
        """Stop every generation in progress (on shutdown)."""
        for stop in list(self._generations.values()):
            stop.set()

    async def on_text(self, update: Update, context: BotContext) -> None:
        """Any text is a question (in groups, the bot's mention is removed from it); or a feedback comment."""
        message = update.effective_message
        if message is None or message.text is None:
            return
        if await self.feedback.comment(message, context.chat):
            await reply(message, escape(COMMENT_SAVED))
            return
        question = strip_mention(message.text, context.bot.username or "")
        if not question:
            await reply(message, EMPTY_QUESTION_TEXT)
            return
        try:
            check_question(question, self.settings)  # the core's one check (too long, bad characters)
        except InvalidInputError as exc:
            await reply(message, escape(exc.user_message))
            return
        await self.answer_question(message, question, context)

    async def answer_question(self, message: Message, question: str, context: BotContext) -> None:
        """Stream an answer to `question` into a reply to `message`, then show it with its sources."""
        chat_id = message.chat.id
        if chat_id in self._generations:
            await reply(message, BUSY_CHAT_TEXT)
            return
        stop = threading.Event()
        self._generations[chat_id] = stop
        try:
            await self._answer(message, question, context, stop)
        finally:
            if self._generations.get(chat_id) is stop:
                del self._generations[chat_id]

    async def _answer(self, message: Message, question: str, context: BotContext, stop: threading.Event) -> None:
        """The body of answer_question (the chat is marked busy around it)."""
        data = context.chat
        history = list(data.history)
        placeholder = await reply(message, escape(SEARCHING_TEXT))
        group = message.chat.type != ChatType.PRIVATE
        live = LiveMessage(placeholder, self.edit_interval_s * (2 if group else 1))
        application = context.application
        try:
            answer = await stream_answer(
                self.assistant, question, history, stop, live,
                running=lambda: application.running,
                show_typing=lambda: typing(context.bot, message),
            )
        except Exception as exc:
            await safe_edit(placeholder, escape(user_message(exc)))
            raise mark_notified(exc) from None
        if answer is None:
            await safe_edit(placeholder, escape(STOPPED_TEXT))
            return
        await self._deliver(answer, live, message, context, self.feedback.remember(answer, history))
        if self.history_messages:
            history += [
                ChatTurn(role="user", content=question),
                ChatTurn(role="assistant", content=answer.answer),
            ]
            data.history = history[-self.history_messages :]

    async def _deliver(
        self, answer: Answer, live: LiveMessage, message: Message, context: BotContext, answer_id: str
    ) -> None:
        """The final answer: the placeholder becomes its first part; buttons go under the last part
        ("Xem thêm" for a held-back remainder first, then the sources, then 👍/👎)."""
        data = context.chat
        cited = answer.related if answer.refused else answer.citations
        entries = [(data.refs.add(ref), ref) for ref in (SourceRef.from_citation(c) for c in cited)]
        data.last_sources = entries
        data.last_refused = answer.refused
        markup: InlineKeyboardMarkup = with_feedback(sources_keyboard(entries), answer_id)
        if answer.more.strip() and not answer.refused:
            key = data.held.add(HeldRemainder(answer.more, tuple(answer.citations)))
            markup = with_more(markup, key)
        parts = split_message(format_answer(answer))
        await live.finish(parts[0], markup if len(parts) == 1 else None)
        await reply_parts(message, parts[1:], markup)

    async def show_more(self, key: str, chat_id: int, anchor: Message | None, context: BotContext) -> None:
        """The "Xem thêm" button of a long answer: send the remainder, then take the button away."""
        held = context.chat.held.pop(key)  # popped first: a second press while sending gets nothing twice
        if held is None:
            await send(context.bot, chat_id, escape(MORE_EXPIRED), anchor)
            return
        for part in split_message(format_more(held.text, held.citations)):
            await send(context.bot, chat_id, part, anchor)
        if anchor is not None:
            try:
                await anchor.edit_reply_markup(without_more(anchor.reply_markup))
            except TelegramError:
                logger.warning("Could not remove the 'Xem thêm' button of message %s", anchor.message_id,
                               exc_info=True)
