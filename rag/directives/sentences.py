"""Sentence-level text helpers of directive extraction: aligned views, sentence splitting, quoting."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from rag.lexicon.sentences import START_CAPITAL, sentence_pieces
from rag.text import nfc, normalize, strip_diacritics, unglue

MAX_SENTENCE = 400


def iso_date(groups: Sequence[str | None]) -> str | None:
    """ISO date from a _DATE match's groups, or None when it is not a real date."""
    vals = [g for g in groups if g is not None]
    if len(vals) != 3:
        return None
    try:
        return dt.date(int(vals[2]), int(vals[1]), int(vals[0])).isoformat()
    except ValueError:
        return None


def views(text: str) -> tuple[str, str]:
    """(disp, fold) aligned views of one sentence (see the module docstring)."""
    disp = re.sub(r"\s+", " ", unglue(nfc(text))).strip()
    folded = strip_diacritics(disp).lower()
    if len(folded) != len(disp):  # a character whose folding changes length: fall back to normalize
        disp = normalize(text)
        folded = strip_diacritics(disp).lower()
        if len(folded) != len(disp):
            folded = "".join(strip_diacritics(ch).lower()[:1] or " " for ch in disp)
    return disp, folded



# ----------------------------------------------------------------------------------------------------
# Extraction


def split_sentences(text: str) -> list[str]:
    """Sentences of a section's text, as written (whitespace collapsed). Lists and hard wraps are handled."""
    blocks: list[str] = []
    for line in text.split("\n"):
        stripped = line.strip()
        if not stripped:
            if blocks and blocks[-1]:
                blocks.append("")
            continue
        if len(blocks) >= 2 and not blocks[-1] and stripped[0].islower() and blocks[-2][-1] not in ".:;!?":
            blocks.pop()  # a paragraph break in the middle of a sentence ("kiên quyết ngăn\n\nchặn")
        new_block = (
            not blocks
            or not blocks[-1]
            or bool(re.match(r"[-+•*–]|\d+(\.\d+)*[.)]|[IVX]+[.-]", stripped))
            or stripped[0].isupper()
            or blocks[-1].rstrip().endswith((":", ";", "."))
        )
        if new_block:
            blocks.append(stripped)
        else:
            blocks[-1] += " " + stripped
    out: list[str] = []
    for block in blocks:
        block = re.sub(r"\s+", " ", block).strip()
        if not block:
            continue
        # no break after a numbering "1.3." or an abbreviation "TP."
        out.extend(s.strip() for s in sentence_pieces(block, start=START_CAPITAL, abbreviations=True))
    return [s for s in out if s]


def locate(sentence: str, number: str, nth: int) -> int:
    """Offset of the nth occurrence of `number` in the as-written sentence (0 when not found)."""
    parts = [re.escape(p) for p in re.split(r"([/-])", number)]
    pattern = r"\s*".join(parts)
    hits = [m.start() for m in re.finditer(pattern, sentence, re.IGNORECASE)]
    if not hits:
        return 0
    return hits[min(nth, len(hits) - 1)]


def quote(sentence: str, at: int) -> str:
    """The sentence, or the part of it around offset `at` when it is longer than MAX_SENTENCE."""
    if len(sentence) <= MAX_SENTENCE:
        return sentence
    # The ';'-separated clause holding the reference, if it fits; else a window around it.
    lo = sentence.rfind(";", 0, at) + 1
    hi = sentence.find(";", at)
    hi = len(sentence) if hi < 0 else hi + 1
    if hi - lo > MAX_SENTENCE - 2:
        lo = max(0, at - 120)
        hi = min(len(sentence), lo + MAX_SENTENCE - 2)
        if lo > 0:
            lo = sentence.find(" ", lo) + 1 or lo
        if hi < len(sentence):
            hi = sentence.rfind(" ", lo, hi) if sentence.rfind(" ", lo, hi) > at else hi
    text = sentence[lo:hi].strip()
    if lo > 0:
        text = "…" + text
    if hi < len(sentence):
        text = text + "…"
    return text[:MAX_SENTENCE]
