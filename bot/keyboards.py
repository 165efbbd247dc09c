"""Inline keyboards and the per-chat store of the sources their buttons point to.

Telegram limits callback data to 64 bytes, and document ids are longer, so a button carries a short key
(`q:17`, `s:17`, `ex:0`) into a bounded per-chat `RefStore` kept in `chat_data`.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.formatting import shorten
from rag.types import Citation, Mention

QUOTE_PREFIX = "q:"  # show the quoted passage of a source
SECTION_PREFIX = "s:"  # show the full section ("Xem thêm")
EXAMPLE_PREFIX = "ex:"  # ask one of the example questions

EXAMPLE_QUESTIONS: tuple[str, ...] = (
    "Kế hoạch 464/KH-LĐLĐ của Lai Châu có những hình thức tuyên truyền nào?",
    "Những kế hoạch nào nhắc đến Nghị quyết 35-NQ/TW?",
    "Mục đích, yêu cầu của kế hoạch tuyên truyền xây dựng Đảng ở Khánh Hòa là gì?",
)


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


class RefStore:
    """A bounded map from short keys to source references (the oldest are forgotten first)."""

    def __init__(self, capacity: int = 500) -> None:
        self.capacity = capacity
        self._refs: OrderedDict[str, SourceRef] = OrderedDict()
        self._next = 1

    def add(self, ref: SourceRef) -> str:
        """Store a reference and return its key."""
        key = str(self._next)
        self._next += 1
        self._refs[key] = ref
        while len(self._refs) > self.capacity:
            self._refs.popitem(last=False)
        return key

    def get(self, key: str) -> SourceRef | None:
        """The reference stored under this key, if it is still remembered."""
        return self._refs.get(key)


def examples_keyboard(examples: Sequence[str] = EXAMPLE_QUESTIONS) -> InlineKeyboardMarkup:
    """One button per example question."""
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(shorten(q, 60), callback_data=f"{EXAMPLE_PREFIX}{i}")]
            for i, q in enumerate(examples)
        ]
    )


def sources_keyboard(entries: Sequence[tuple[str, SourceRef]]) -> InlineKeyboardMarkup | None:
    """Under an answer: per source, a button for its quote and a 'Xem thêm' button for its full section."""
    rows = []
    for key, ref in entries:
        row = [
            InlineKeyboardButton(
                f"[{ref.n}] {shorten(ref.doc_title, 40)}", callback_data=f"{QUOTE_PREFIX}{key}"
            )
        ]
        if ref.section_id:
            row.append(InlineKeyboardButton("Xem thêm", callback_data=f"{SECTION_PREFIX}{key}"))
        rows.append(row)
    return InlineKeyboardMarkup(rows) if rows else None


def section_keyboard(key: str, ref: SourceRef) -> InlineKeyboardMarkup | None:
    """Under a quote: the 'Xem thêm' button."""
    if not ref.section_id:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton("Xem thêm", callback_data=f"{SECTION_PREFIX}{key}")]])


def mentions_keyboard(entries: Sequence[tuple[str, SourceRef]]) -> InlineKeyboardMarkup | None:
    """Under a directive: one button per citing section (opens the citing sentence, then 'Xem thêm')."""
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
