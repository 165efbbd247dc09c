"""Who may use the bot (allowlists, admins) and how often (a per-user sliding-window rate limit)."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

from rag.config import Settings


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
