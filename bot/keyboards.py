"""Inline keyboards and what their buttons point to.

Telegram limits callback data to 64 bytes, and document ids are longer, so a button carries a short key
(`q:17`, `s:17`, `m:3`, `ex:0`) into a bounded per-chat store (bot.store.BoundedStore) kept in the typed chat data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.formatting import shorten
from bot.texts import EXAMPLE_QUESTIONS, MORE_BUTTON, SECTION_BUTTON
from rag.types import Citation, Mention

QUOTE_PREFIX = "q:"  # show the quoted passage of a source
SECTION_PREFIX = "s:"  # show the full section of a source ("Toàn văn mục")
MORE_PREFIX = "m:"  # show the held-back remainder of a long answer ("Xem thêm")
EXAMPLE_PREFIX = "ex:"  # ask one of the example questions


@dataclass(frozen=True)
class SourceRef:
    """What a source button points to."""

    n: int
    doc_id: str
    doc_title: str
    section_id: str
    section_path: str
    quote: str

    @classmethod
    def from_citation(cls, citation: Citation) -> SourceRef:
        """A reference to a cited passage."""
        return cls(
            n=citation.n,
            doc_id=citation.doc_id,
            doc_title=citation.doc_title,
            section_id=citation.section_id,
            section_path=citation.section_path,
            quote=citation.quote,
        )

    @classmethod
    def from_mention(cls, n: int, mention: Mention) -> SourceRef:
        """A reference to a section that cites a directive."""
        return cls(
            n=n,
            doc_id=mention.doc_id,
            doc_title=mention.doc_title,
            section_id=mention.section_id,
            section_path=mention.section_path,
            quote=mention.sentence,
        )

    def as_citation(self) -> Citation:
        """The same reference as a Citation (for the formatters)."""
        return Citation(
            n=self.n,
            doc_id=self.doc_id,
            doc_title=self.doc_title,
            section_path=self.section_path,
            quote=self.quote,
            section_id=self.section_id,
        )


def examples_keyboard(examples: Sequence[str] = EXAMPLE_QUESTIONS) -> InlineKeyboardMarkup:
    """One button per example question."""
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(shorten(q, 60), callback_data=f"{EXAMPLE_PREFIX}{i}")]
            for i, q in enumerate(examples)
        ]
    )


def sources_keyboard(entries: Sequence[tuple[str, SourceRef]]) -> InlineKeyboardMarkup | None:
    """Under an answer: per source, a button for its quote and one for its full section."""
    rows = []
    for key, ref in entries:
        row = [
            InlineKeyboardButton(
                f"[{ref.n}] {shorten(ref.doc_title, 40)}", callback_data=f"{QUOTE_PREFIX}{key}"
            )
        ]
        if ref.section_id:
            row.append(InlineKeyboardButton(SECTION_BUTTON, callback_data=f"{SECTION_PREFIX}{key}"))
        rows.append(row)
    return InlineKeyboardMarkup(rows) if rows else None


def section_keyboard(key: str, ref: SourceRef) -> InlineKeyboardMarkup | None:
    """Under a quote: the button for the full section."""
    if not ref.section_id:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(SECTION_BUTTON, callback_data=f"{SECTION_PREFIX}{key}")]])


def mentions_keyboard(entries: Sequence[tuple[str, SourceRef]]) -> InlineKeyboardMarkup | None:
    """Under a directive: one button per citing section (opens the citing sentence, then the section)."""
    rows = [
        [
            InlineKeyboardButton(
                f"{ref.n}. {shorten(ref.doc_title, 30)} › {shorten(ref.section_path, 25)}",
                callback_data=f"{QUOTE_PREFIX}{key}",
            )
        ]
        for key, ref in entries
    ]
    return InlineKeyboardMarkup(rows) if rows else None


def with_more(markup: InlineKeyboardMarkup | None, key: str) -> InlineKeyboardMarkup:
    """The answer's keyboard with a first, full-width 'Xem thêm' row for its held-back remainder."""
    rows: list[Sequence[InlineKeyboardButton]] = list(markup.inline_keyboard) if markup is not None else []
    return InlineKeyboardMarkup([[InlineKeyboardButton(MORE_BUTTON, callback_data=f"{MORE_PREFIX}{key}")], *rows])


def without_more(markup: InlineKeyboardMarkup | None) -> InlineKeyboardMarkup | None:
    """The same keyboard without its remainder button (after it was pressed); None when nothing is left."""
    if markup is None:
        return None
    rows = [
        [b for b in row if not (isinstance(b.callback_data, str) and b.callback_data.startswith(MORE_PREFIX))]
        for row in markup.inline_keyboard
    ]
    kept = [row for row in rows if row]
    return InlineKeyboardMarkup(kept) if kept else None
