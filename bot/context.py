"""The typed callback context of the bot: a ChatData dataclass instead of string keys in `chat_data`.

Follows python-telegram-bot's examples/contexttypesbot.py: `ContextTypes(context=BotContext, chat_data=ChatData)`
is given to the ApplicationBuilder, so every handler receives a BotContext whose `chat_data` is a ChatData.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from telegram.ext import CallbackContext, ContextTypes, ExtBot

from bot.keyboards import SourceRef
from bot.store import BoundedStore
from rag.types import ChatTurn, Citation

MAX_REFS = 500  # source buttons remembered per chat
MAX_HELD = 20  # long answers whose remainder ("Xem thêm") is remembered per chat
MAX_PROMPTS = 200  # feedback comment prompts remembered per chat


@dataclass(frozen=True)
class HeldRemainder:
    """The held-back part of a long answer, with the answer's citations (same numbers)."""

    text: str
    citations: tuple[Citation, ...]


def _refs() -> BoundedStore[SourceRef]:
    return BoundedStore(MAX_REFS)


def _held() -> BoundedStore[HeldRemainder]:
    return BoundedStore(MAX_HELD)


@dataclass
class ChatData:
    """Everything the bot remembers about one chat (in memory)."""

    history: list[ChatTurn] = field(default_factory=list)  # the conversation, for follow-up questions
    refs: BoundedStore[SourceRef] = field(default_factory=_refs)  # what source buttons point to
    held: BoundedStore[HeldRemainder] = field(default_factory=_held)  # remainders behind "Xem thêm"
    last_sources: list[tuple[str, SourceRef]] = field(default_factory=list)  # for /nguon
    last_refused: bool = False
    feedback_pending: str | None = None  # the answer id of the vote whose comment prompt is being sent
    feedback_prompts: OrderedDict[int, str] = field(default_factory=OrderedDict)  # prompt message id → answer id

    def forget_conversation(self) -> None:
        """/moi: no history, no last sources (buttons already shown keep working)."""
        self.history = []
        self.last_sources = []
        self.last_refused = False

    def remember_prompt(self, message_id: int, answer_id: str) -> None:
        """A feedback prompt was sent: replies to it are comments on that answer (bounded)."""
        self.feedback_prompts[message_id] = answer_id
        while len(self.feedback_prompts) > MAX_PROMPTS:
            self.feedback_prompts.popitem(last=False)


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], ChatData, dict[Any, Any]]):
    """The callback context every handler receives."""

    @property
    def chat(self) -> ChatData:
        """This chat's data (always present for the chat updates we answer)."""
        data = self.chat_data
        if data is None:  # pragma: no cover - only for updates without a chat, which we never answer
            raise RuntimeError("update without a chat")
        return data


CONTEXT_TYPES = ContextTypes(context=BotContext, chat_data=ChatData)
