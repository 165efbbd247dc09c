"""Heading candidates and numbering plausibility: which lines may open a section, and under which parent.

`heading_candidate` reads a cleaned line's marker (`Chương I`, `Điều 1.`, `II.`, `1.2.`, `a)`) without context;
`accept` decides, given the open sections (`Node` stack), whether that number continues a numbering there (a
stray `5.` after `2.` is text, not a heading) and returns the parent's position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rag.types import SectionKind

_ROMAN_RE = re.compile(r"^(?P<num>[IVX]{1,6})\s*[.\-–—:)]\s*(?P<rest>\S.*)$")
_NUM_RE = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2}){0,3})(?P<sep>[.)]|(?=\s))\s*(?P<rest>\S.*)$")
_LETTER_RE = re.compile(r"^(?P<num>[a-zđ])[)/]\s*(?P<rest>\S.*)$")
_ARTICLE_RE = re.compile(r"^(?:Điều|ĐIỀU)\s+(?P<num>\d{1,3})\s*[.:]?(?:\s+(?P<rest>\S.*))?$")
_CHAPTER_RE = re.compile(r"^(?:Chương|CHƯƠNG)\s+(?P<num>[IVX]{1,6}|\d{1,2})\s*[.:\-–]?(?:\s+(?P<rest>\S.*))?$")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10}
# Lettered items follow the Vietnamese alphabet (a b c d đ e g h i k...) or the Latin one (a b c d e f g...):
# positions in the union of both; a successor may skip letters missing from one of the two alphabets.
_LETTERS = "abcdđefghijklmnopqrstuvwxyz"
_SKIPPABLE_LETTERS = "đfjwz"

Candidate = tuple[str, tuple[int, ...], str]  # (style, number, rest of the line)


@dataclass
class Node:
    """A section of the tree being built (offsets only; `rag.outline.parser` turns it into a Section)."""

    kind: SectionKind
    heading: str
    start: int
    style: str = ""  # roman / arabic / letter / chapter / article / "" (structural)
    num: tuple[int, ...] = ()
    children: list[Node] = field(default_factory=list)
    last: dict[str, tuple[int, ...]] = field(default_factory=dict)  # last child number per style
    sid: str = ""


def _letter_successor(prev: int, num: int) -> bool:
    """Whether the letter at position `num` may follow the one at `prev` (1-based positions in _LETTERS)."""
    nxt = prev + 1
    while True:
        if num == nxt:
            return True
        if nxt > len(_LETTERS) or _LETTERS[nxt - 1] not in _SKIPPABLE_LETTERS:
            return False
        nxt += 1


def _roman_value(token: str) -> int | None:
    """Value of a strict Roman numeral made of I, V, X (1..39), else None."""
    total = 0
    prev = 0
    for ch in reversed(token):
        value = _ROMAN_VALUES[ch]
        if value < prev:
            total -= value
        else:
            total += value
            prev = value
    return total if 0 < total < 40 and _to_roman(total) == token else None


def _to_roman(value: int) -> str:
    """Roman numeral of 1..39."""
    out = ""
    for num, sym in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while value >= num:
            out += sym
            value -= num
    return out


def heading_candidate(clean: str) -> Candidate | None:
    """(style, number, rest) when the line starts like a heading, else None (no plausibility check)."""
    m = _CHAPTER_RE.match(clean)
    if m:
        token = m.group("num")
        value = int(token) if token.isdigit() else _roman_value(token)
        if value:
            return "chapter", (value,), m.group("rest") or ""
    m = _ARTICLE_RE.match(clean)
    if m and int(m.group("num")) >= 1:
        return "article", (int(m.group("num")),), m.group("rest") or ""
    m = _ROMAN_RE.match(clean)
    if m:
        value = _roman_value(m.group("num"))
        rest = m.group("rest")
        if value and (rest[0].isalpha() or rest[0] in '"“('):
            return "roman", (value,), rest
    m = _NUM_RE.match(clean)
    if m:
        parts = tuple(int(p) for p in m.group("num").split("."))
        rest = m.group("rest")
        if len(parts) == 1 and not m.group("sep"):
            return None
        # "1. 100% đội ngũ...": a number may start the item's text when the marker has its separator
        digit_start = rest[0].isdigit() and bool(m.group("sep")) and bool(re.search(r"[^\W\d_]{2}", rest))
        if all(p >= 1 for p in parts) and (rest[0].isalpha() or rest[0] in '"“(' or digit_start):
            return "arabic", parts, rest
        return None
    m = _LETTER_RE.match(clean)
    if m:
        rest = m.group("rest")
        letter = m.group("num")
        if letter in _LETTERS and (rest[0].isalpha() or rest[0] in '"“('):
            return "letter", (_LETTERS.find(letter) + 1,), rest
    return None


def _first_or_next(prev: tuple[int, ...] | None, value: int) -> bool:
    """`value` starts a numbering (1) or follows `prev`."""
    return (prev is None and value == 1) or (prev is not None and value == prev[0] + 1)


def accept(stack: list[Node], style: str, num: tuple[int, ...]) -> int | None:
    """Index in `stack` of the parent when this numbering is plausible here, else None."""
    scope = stack[0]
    if style == "chapter":
        return 0 if _first_or_next(scope.last.get("chapter"), num[0]) else None
    if style == "roman":
        prev = scope.last.get("roman")
        ok = (prev is None and num[0] == 1 and "arabic" not in scope.last) or (
            prev is not None and num[0] == prev[0] + 1
        )
        return 0 if ok else None
    if style == "article":
        # Articles are numbered through the whole document (or annex), across chapters and parts.
        if not _first_or_next(scope.last.get("article"), num[0]):
            return None
        parent_i = 0
        for i, node in enumerate(stack):
            if node.style in ("chapter", "roman"):
                parent_i = i
        return parent_i
    if style == "arabic":
        if len(num) == 1:
            parent_i = 0
            for i, node in enumerate(stack):
                if node.style in ("roman", "chapter", "article"):
                    parent_i = i
            return parent_i if _first_or_next(stack[parent_i].last.get("arabic"), num[0]) else None
        for i, node in enumerate(stack):
            if node.style == "arabic" and node.num == num[:-1]:
                prev = node.last.get("arabic")
                ok = (prev is None and num[-1] == 1) or (prev is not None and num[-1] == prev[-1] + 1)
                return i if ok else None
        return None
    # letter: child of the innermost numbered node
    parent_i = 0
    for i, node in enumerate(stack):
        if node.style in ("roman", "arabic", "chapter", "article"):
            parent_i = i
    bare_scope = not set(stack[0].last) & {"roman", "arabic", "chapter", "article"}
    if parent_i == 0 and len(stack) == 1 and bare_scope:
        return None  # lettered items alone do not start a document's structure
    prev = stack[parent_i].last.get("letter")
    ok = (prev is None and num[0] == 1) or (prev is not None and _letter_successor(prev[0], num[0]))
    return parent_i if ok else None
