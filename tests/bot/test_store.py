"""The bounded key → value store behind short callback data."""

from __future__ import annotations

import pytest

from bot.store import BoundedStore

pytestmark = pytest.mark.unit


def test_keys_are_short_and_the_oldest_are_forgotten() -> None:
    store: BoundedStore[str] = BoundedStore(2)
    keys = [store.add(v) for v in ("a", "b", "c")]
    assert len(set(keys)) == 3 and all(len(k.encode()) < 10 for k in keys)
    assert store.get(keys[0]) is None and store.get(keys[1]) == "b" and store.get(keys[2]) == "c"
    assert len(store) == 2


def test_pop_removes_once() -> None:
    store: BoundedStore[int] = BoundedStore(3)
    key = store.add(7)
    assert store.pop(key) == 7
    assert store.pop(key) is None and store.get(key) is None
    assert store.pop("không-có") is None


def test_capacity_must_be_positive() -> None:
    with pytest.raises(ValueError):
        BoundedStore(0)
