"""Sentence boundaries and `[n]` citation markers: the one sentence splitter and the one citation parser.

Punctuation is data here; `sentence_break_re` builds a boundary pattern from it. Callers differ on purpose, and
each difference is a parameter:

- `ends`: the marks that close a sentence. `SENTENCE_ENDS` (`. ! ? …`) for prose; `ITEM_ENDS` adds `;`, which
  closes a list item in administrative text; `CLAUSE_ENDS` adds `:` too (an introduction: 'như sau:').
- `closers`: marks allowed between the end mark and the space (`CLOSING_MARKS`: a quote or bracket that closes
  with the sentence, '... (Điều 3).' / '“...”.').
- `start`: what the next sentence must begin with; None accepts anything. `START_LETTER`: opening marks then any
  letter (chunk cut points: a digit after '.' is a number, '1.5'). `START_CAPITAL`: an optional opening mark
  then a capital (quoting whole sentences of a document). `START_ITEM`: an optional bullet, then a capital, a
  digit or an opening mark (sentences and list items of a passage).
- `newlines`: every run of line breaks is a boundary too (model answers, passages with list lines).
- `abbreviations`: a boundary right after a numbering ('1.3.') or an abbreviation ('TP.', 'v.v.') is no boundary.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TypedDict, Unpack

SENTENCE_ENDS = ".!?…"
ITEM_ENDS = SENTENCE_ENDS + ";"
CLAUSE_ENDS = ITEM_ENDS + ":"
CLOSING_MARKS = "\"”»)"
START_LETTER = r"[\"“(]*[^\W\d_]"
START_CAPITAL = r"[“\"(]?[A-ZĐÀ-Ỹ]"
START_ITEM = r"[\-–•*+]?\s*[A-ZĐÀ-Ỹ0-9“\"(]"
# The last word before an end mark that does not end a sentence: a numbering or an abbreviation.
NOT_AN_END_RE = re.compile(r"[\dIVX]+(\.\d+)*\.|[A-ZĐ][a-z]{0,2}\.|v\.v\.+")


class BreakOptions(TypedDict, total=False):
    """The keyword options of `sentence_breaks`, passed on unchanged by the functions built on it."""

    closers: str
    start: str | None
    newlines: bool
    abbreviations: bool


# A citation marker of a model answer: [1], [2, 3], [1; 4].
CITATION_RE = re.compile(r"\[\s*(\d+(?:\s*[,;]\s*\d+)*)\s*\]")


@lru_cache(maxsize=32)
def sentence_break_re(
    ends: str = SENTENCE_ENDS, *, closers: str = "", start: str | None = None, newlines: bool = False
) -> re.Pattern[str]:
    """The pattern of the gap between two sentences (see the module docstring for the parameters)."""
    pattern = f"(?<=[{re.escape(ends)}])"
    if closers:
        pattern += f"[{re.escape(closers)}]*"
    pattern += r"\s+"
    if start is not None:
        pattern += f"(?={start})"
    if newlines:
        pattern += r"|\n+"
    return re.compile(pattern)


def sentence_breaks(
    text: str,
    ends: str = SENTENCE_ENDS,
    *,
    closers: str = "",
    start: str | None = None,
    newlines: bool = False,
    abbreviations: bool = False,
) -> list[tuple[int, int]]:
    """(start, end) offsets of the gaps between the sentences of `text` (whitespace only: closing marks belong
    to the sentence before)."""
    pattern = sentence_break_re(ends, closers=closers, start=start, newlines=newlines)
    out: list[tuple[int, int]] = []
    begin = 0
    for m in pattern.finditer(text):
        if abbreviations and NOT_AN_END_RE.fullmatch(text[begin : m.start()].rsplit(" ", 1)[-1]):
            continue
        gap = m.group()
        out.append((m.start() + len(gap) - len(gap.lstrip(closers)), m.end()))  # closing marks stay before
        begin = m.end()
    return out


def _bounds(text: str, ends: str, **options: Unpack[BreakOptions]) -> list[int]:
    """0, the (start, end) of every gap, len(text): pieces are text[bounds[i]:bounds[i + 1]] for even i."""
    return [0, *(o for gap in sentence_breaks(text, ends, **options) for o in gap), len(text)]


def sentence_pieces(
    text: str,
    ends: str = SENTENCE_ENDS,
    **options: Unpack[BreakOptions],
) -> list[str]:
    """The text between the gaps, as written: not stripped, possibly empty (like `re.split`)."""
    bounds = _bounds(text, ends, **options)
    return [text[bounds[i] : bounds[i + 1]] for i in range(0, len(bounds), 2)]


def sentence_offsets(
    text: str,
    ends: str = SENTENCE_ENDS,
    **options: Unpack[BreakOptions],
) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences, without surrounding whitespace; empty pieces are dropped."""
    bounds = _bounds(text, ends, **options)
    spans: list[tuple[int, int]] = []
    for i in range(0, len(bounds), 2):
        piece = text[bounds[i] : bounds[i + 1]]
        stripped = piece.strip()
        if stripped:
            lead = bounds[i] + len(piece) - len(piece.lstrip())
            spans.append((lead, lead + len(stripped)))
    return spans


def citation_numbers(text: str) -> list[int]:
    """The source numbers of every `[n]` marker in `text`, in order, repeats kept ('[1, 2] … [1]' → 1, 2, 1)."""
    return [int(x) for group in CITATION_RE.findall(text) for x in re.split(r"[,;]", group) if x.strip()]


_SPACED_CITATION_RE = re.compile(r"\s*" + CITATION_RE.pattern)


def strip_citations(text: str, *, space_before: bool = False) -> str:
    """`text` without its `[n]` markers; with `space_before`, without the whitespace before each marker too."""
    return (_SPACED_CITATION_RE if space_before else CITATION_RE).sub("", text)
