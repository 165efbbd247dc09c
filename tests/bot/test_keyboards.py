"""Inline keyboards: the answer's "Xem thêm" row is added first and taken away after the press."""

from __future__ import annotations

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.keyboards import MORE_PREFIX, SourceRef, sources_keyboard, with_more, without_more
from bot.texts import MORE_BUTTON

pytestmark = pytest.mark.unit


def ref(n: int) -> SourceRef:
    return SourceRef(n=n, doc_id="d", doc_title="Kế hoạch", section_id=f"s{n}", section_path="I.", quote="q")


def data(markup: InlineKeyboardMarkup | None) -> list[list[str | None]]:
    if markup is None:
        return []
    return [[str(b.callback_data) for b in row] for row in markup.inline_keyboard]


def test_with_more_puts_the_button_first() -> None:
    sources = sources_keyboard([("1", ref(1)), ("2", ref(2))])
    markup = with_more(sources, "7")
    assert data(markup)[0] == [f"{MORE_PREFIX}7"]
    assert markup.inline_keyboard[0][0].text == MORE_BUTTON
    assert data(markup)[1:] == data(sources)
    assert data(with_more(None, "3")) == [[f"{MORE_PREFIX}3"]]


def test_without_more_keeps_everything_else() -> None:
    sources = sources_keyboard([("1", ref(1))])
    assert data(without_more(with_more(sources, "7"))) == data(sources)
    assert without_more(with_more(None, "7")) is None
    assert without_more(None) is None
    mixed = InlineKeyboardMarkup([[InlineKeyboardButton("a", callback_data="fb:up:x"),
                                   InlineKeyboardButton(MORE_BUTTON, callback_data=f"{MORE_PREFIX}1")]])
    assert data(without_more(mixed)) == [["fb:up:x"]]
