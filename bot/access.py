"""Who may use the bot (allowlists, admins), how often (a per-user sliding-window rate limit), and the gate that
runs before every handler (drop what is not addressed to us, refuse strangers, apply the rate limit).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from telegram import Message, MessageEntity, Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop, CallbackContext

from bot.messaging import reply
from bot.texts import DENIED_ALERT, DENIED_TEXT, RATE_LIMITED_TEXT
from rag.config import Settings

logger = logging.getLogger(__name__)

FREE_COMMANDS = frozenset({"start", "help", "nguon", "moi"})  # never rate limited


class AccessPolicy:
    """Allowlists of user ids and chat ids; both empty means nobody, unless open access is on.

    Admins are always allowed (they are configured explicitly), and only they may upload documents.
    """

    def __init__(
        self,
        allowed_users: set[int],
        allowed_chats: set[int],
        admins: set[int],
        *,
        open_access: bool = False,
    ) -> None:
        self.allowed_users = allowed_users
        self.allowed_chats = allowed_chats
        self.admins = admins
        self.open_access = open_access

    @classmethod
    def from_settings(cls, settings: Settings) -> AccessPolicy:
        """Build the policy from PLANBOT_TELEGRAM_* settings."""
        return cls(
            set(settings.telegram_allowed_users),
            set(settings.telegram_allowed_chats),
            set(settings.telegram_admins),
            open_access=settings.open_access,
        )

    def is_admin(self, user_id: int | None) -> bool:
        """Whether this user may upload documents."""
        return user_id is not None and user_id in self.admins

    def is_allowed(self, user_id: int | None, chat_id: int | None) -> bool:
        """Whether this user, in this chat, may use the bot."""
        if self.open_access or self.is_admin(user_id):
            return True
        if user_id is not None and user_id in self.allowed_users:
            return True
        return chat_id is not None and chat_id in self.allowed_chats


class RateLimiter:
    """At most `per_minute` requests per user in any 60-second window (0 or less disables the limit)."""

    def __init__(self, per_minute: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.window_s = 60.0
        self._clock = clock
        self._hits: dict[int, deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, user_id: int) -> float | None:
        """Record one request; return None if allowed, else the seconds to wait before the next one."""
        if self.per_minute <= 0:
            return None
        now = self._clock()
        with self._lock:
            hits = self._hits.setdefault(user_id, deque())
            while hits and now - hits[0] >= self.window_s:
                hits.popleft()
            if len(hits) >= self.per_minute:
                return max(1.0, self.window_s - (now - hits[0]))
            hits.append(now)
            if len(self._hits) > 10_000:  # forget idle users now and then
                self._forget_idle(now)
            return None

    def _forget_idle(self, now: float) -> None:
        """Drop users whose last request left the window."""
        for uid in [uid for uid, hits in self._hits.items() if not hits or now - hits[-1] >= self.window_s]:
            del self._hits[uid]


def wait_text(wait: float) -> str:
    """The rate-limit reply for a wait in seconds (HTML)."""
    return RATE_LIMITED_TEXT.format(seconds=int(wait + 0.999))


def is_addressed(update: Update, bot_id: int, username: str) -> bool:
    """Whether the update is meant for us: private chats, our commands, mentions, replies, buttons."""
    if update.callback_query is not None:
        return True
    message = update.message or update.edited_message
    if message is None:
        return False
    if message.chat.type == ChatType.PRIVATE:
        return True
    username = username.lower()
    text = message.text or message.caption or ""
    if text.startswith("/"):
        command = text.split(maxsplit=1)[0]
        target = command.partition("@")[2].lower()
        return not target or target == username
    entities = message.parse_entities() if message.text else message.parse_caption_entities()
    for entity, value in entities.items():
        if entity.type == MessageEntity.MENTION and value.lower() == f"@{username}":
            return True
        if entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot_id:
            return True
    replied = message.reply_to_message
    return bool(replied and replied.from_user and replied.from_user.id == bot_id)


def is_free_command(message: Message) -> bool:
    """Commands that cost nothing and are never rate limited (help, sources, reset)."""
    text = message.text or ""
    if not text.startswith("/"):
        return False
    command = text.split(maxsplit=1)[0].partition("@")[0].lstrip("/").lower()
    return command in FREE_COMMANDS


class Gate:
    """The handler of group -1: stops every update that is not ours, not allowed, or over the rate limit."""

    def __init__(self, access: AccessPolicy, limiter: RateLimiter) -> None:
        self.access = access
        self.limiter = limiter

    async def __call__(self, update: Update, context: CallbackContext[Any, Any, Any, Any]) -> None:
        """Runs before every handler; raises ApplicationHandlerStop to drop the update."""
        if not is_addressed(update, context.bot.id, context.bot.username or ""):
            raise ApplicationHandlerStop
        user = update.effective_user
        chat = update.effective_chat
        user_id = user.id if user else None
        if not self.access.is_allowed(user_id, chat.id if chat else None):
            logger.info("Refused an update from user %s in chat %s", user_id, chat.id if chat else None)
            if update.callback_query is not None:
                await update.callback_query.answer(DENIED_ALERT.format(user_id=user_id), show_alert=True)
            elif update.effective_message is not None:
                await reply(update.effective_message, DENIED_TEXT.format(user_id=user_id))
            raise ApplicationHandlerStop
        if update.message is not None and user_id is not None and not is_free_command(update.message):
            wait = self.limiter.check(user_id)
            if wait is not None:
                logger.info("Rate limited user %s", user_id)
                await reply(update.message, wait_text(wait))
                raise ApplicationHandlerStop
