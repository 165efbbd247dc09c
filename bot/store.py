"""A bounded map from short string keys to values (the oldest entries are forgotten first).

Telegram limits callback data to 64 bytes, so a button carries a short key (`q:17`, `m:3`) into such a store kept
in the chat's data.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Generic, TypeVar

T = TypeVar("T")


class BoundedStore(Generic[T]):
    """Keys are increasing numbers as strings; at most `capacity` values are kept."""

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError("capacity must be positive")
        self.capacity = capacity
        self._items: OrderedDict[str, T] = OrderedDict()
        self._next = 1

    def add(self, value: T) -> str:
        """Store a value and return its key."""
        key = str(self._next)
        self._next += 1
        self._items[key] = value
        while len(self._items) > self.capacity:
            self._items.popitem(last=False)
        return key

    def get(self, key: str) -> T | None:
        """The value stored under this key, if it is still remembered."""
        return self._items.get(key)

    def pop(self, key: str) -> T | None:
        """Remove and return the value under this key (None if forgotten or never stored)."""
        return self._items.pop(key, None)

    def __len__(self) -> int:
        return len(self._items)
