"""👍/👎 under every Telegram answer; after a vote, replying to the bot's thank-you message adds a comment.

Buttons carry `fb:up:<answer_id>` (under Telegram's 64-byte callback limit); the answers themselves stay in a
`RecentAnswers` (memory, and the database: shared by replicas), the ratings go to the same store as the web chat's.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

from telegram import ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.context import ChatData
from bot.texts import (
    COMMENT_PLACEHOLDER,
    COMMENT_PROMPT,
    FEEDBACK_EXPIRED,
    THANKS_TEXT,
    VOTE_DOWN_BUTTON,
    VOTE_UP_BUTTON,
)
from rag.config import Settings
from rag.feedback import (
    COMMENT_MAX,
    Feedback,
    FeedbackStore,
    Rating,
    RecentAnswers,
    doc_versions,
    feedback_store,
)
from rag.types import Answer, ChatTurn

logger = logging.getLogger(__name__)

FEEDBACK_PREFIX = "fb:"


def feedback_row(answer_id: str) -> list[InlineKeyboardButton]:
    """The 👍/👎 buttons of one answer."""
    return [
        InlineKeyboardButton(VOTE_UP_BUTTON, callback_data=f"{FEEDBACK_PREFIX}up:{answer_id}"),
        InlineKeyboardButton(VOTE_DOWN_BUTTON, callback_data=f"{FEEDBACK_PREFIX}down:{answer_id}"),
    ]


def with_feedback(markup: InlineKeyboardMarkup | None, answer_id: str) -> InlineKeyboardMarkup:
    """The answer's keyboard (source buttons, if any) with the rating row last."""
    rows: list[Sequence[InlineKeyboardButton]] = list(markup.inline_keyboard) if markup is not None else []
    return InlineKeyboardMarkup([*rows, feedback_row(answer_id)])


def parse_vote(data: str) -> tuple[Rating, str] | None:
    """('up'|'down', answer_id) from a button's callback data, or None."""
    rating, _, answer_id = data.removeprefix(FEEDBACK_PREFIX).partition(":")
    if rating not in ("up", "down") or not answer_id:
        return None
    return rating, answer_id  # type: ignore[return-value]


class TelegramFeedback:
    """Remembers answers, records votes and comments (the store opens on first use)."""

    def __init__(self, settings: Settings, assistant: Any, store: FeedbackStore | None = None) -> None:
        self.settings = settings
        self.assistant = assistant
        self.recent = RecentAnswers.from_settings(settings)
        self._store = store

    @property
    def store(self) -> FeedbackStore:
        if self._store is None:
            self._store = feedback_store(self.settings)
        return self._store

    def remember(self, answer: Answer, history: Sequence[ChatTurn]) -> str:
        return self.recent.remember(answer, history)

    async def vote(self, data: str, user_id: int | None, chat_data: ChatData) -> tuple[str, bool]:
        """Record a press; returns the reply text and whether it asks for a comment."""
        parsed = parse_vote(data)
        answered = self.recent.get(parsed[1]) if parsed else None
        if parsed is None or answered is None:
            return FEEDBACK_EXPIRED, False
        rating, answer_id = parsed
        documents = await asyncio.to_thread(self.assistant.list_documents)
        item = Feedback(rating=rating, channel="telegram", identity=f"tg:{user_id}" if user_id else None,
                        answered=answered, doc_versions=doc_versions(answered, documents))
        await asyncio.to_thread(self.store.save, item)
        chat_data.feedback_pending = answer_id
        return THANKS_TEXT[rating] + COMMENT_PROMPT, True

    def prompt_sent(self, prompt: Message, chat_data: ChatData) -> None:
        """Remember which bot message asks for a comment on which answer."""
        answer_id, chat_data.feedback_pending = chat_data.feedback_pending, None
        if answer_id is not None:
            chat_data.remember_prompt(prompt.message_id, answer_id)

    async def comment(self, message: Message, chat_data: ChatData) -> bool:
        """If `message` replies to a comment prompt, store its text as the comment; True when it did."""
        replied = message.reply_to_message
        prompts = chat_data.feedback_prompts
        if replied is None or not prompts or replied.message_id not in prompts or not message.text:
            return False
        answered = self.recent.get(prompts[replied.message_id])
        if answered is None:
            return False
        text = message.text.strip()[:COMMENT_MAX]
        existing = await asyncio.to_thread(self.store.get, answered.answer_id)
        item = Feedback(rating=existing.rating if existing else "down", comment=text, channel="telegram",
                        identity=f"tg:{message.from_user.id}" if message.from_user else None, answered=answered)
        await asyncio.to_thread(self.store.save, item)
        return True


def comment_reply_box() -> ForceReply:
    """Opens the reply box on the user's side, so the comment is a reply to the prompt."""
    return ForceReply(selective=True, input_field_placeholder=COMMENT_PLACEHOLDER)
