"""👍/👎 under every Telegram answer; after a vote, replying to the bot's thank-you message adds a comment.

Buttons carry `fb:up:<answer_id>` (under Telegram's 64-byte callback limit); the answers themselves stay in a
bounded in-memory `RecentAnswers`, the ratings go to the same store as the web chat's.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from telegram import ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, Message

from rag.config import Settings
from rag.feedback import (
    COMMENT_MAX,
    Feedback,
    FeedbackStore,
    Rating,
    RecentAnswers,
    SqliteFeedbackStore,
    doc_versions,
)
from rag.types import Answer, ChatTurn

logger = logging.getLogger(__name__)

FEEDBACK_PREFIX = "fb:"
THANKS_TEXT = {
    "up": "Cảm ơn bạn đã đánh giá 👍.",
    "down": "Cảm ơn bạn đã đánh giá 👎.",
}
COMMENT_PROMPT = " Muốn góp ý thêm (câu trả lời đúng là gì, thiếu ý nào…), hãy trả lời tin nhắn này."
COMMENT_SAVED = "Đã nhận góp ý. Cảm ơn bạn!"
FEEDBACK_EXPIRED = "Câu trả lời này đã quá cũ để đánh giá. Hãy hỏi lại rồi đánh giá."
MAX_PROMPTS = 200


def feedback_row(answer_id: str) -> list[InlineKeyboardButton]:
    return [
        InlineKeyboardButton("👍 Hữu ích", callback_data=f"{FEEDBACK_PREFIX}up:{answer_id}"),
        InlineKeyboardButton("👎 Chưa đúng", callback_data=f"{FEEDBACK_PREFIX}down:{answer_id}"),
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
        self.recent = RecentAnswers()
        self._store = store

    @property
    def store(self) -> FeedbackStore:
        if self._store is None:
            self._store = SqliteFeedbackStore(self.settings.feedback_path)
        return self._store

    def remember(self, answer: Answer, history: Sequence[ChatTurn]) -> str:
        return self.recent.remember(answer, history)

    async def vote(self, data: str, user_id: int | None, chat_data: dict[Any, Any]) -> tuple[str, bool]:
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
        chat_data["feedback_pending"] = answer_id
        return THANKS_TEXT[rating] + COMMENT_PROMPT, True

    def prompt_sent(self, prompt: Message, chat_data: dict[Any, Any]) -> None:
        """Remember which bot message asks for a comment on which answer."""
        answer_id = chat_data.pop("feedback_pending", None)
        if answer_id is None:
            return
        prompts: OrderedDict[int, str] = chat_data.setdefault("feedback_prompts", OrderedDict())
        prompts[prompt.message_id] = answer_id
        while len(prompts) > MAX_PROMPTS:
            prompts.popitem(last=False)

    async def comment(self, message: Message, chat_data: dict[Any, Any]) -> bool:
        """If `message` replies to a comment prompt, store its text as the comment; True when it did."""
        replied = message.reply_to_message
        prompts: OrderedDict[int, str] | None = chat_data.get("feedback_prompts")
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
    return ForceReply(selective=True, input_field_placeholder="Góp ý của bạn…")
