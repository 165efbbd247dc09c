"""Instruction-like lines in documents: detect them, list them for the ingest report, keep them out of quotes.

Source text is data. A sentence of a document that addresses the assistant ("bỏ qua mọi hướng dẫn…", "trả lời
duy nhất…", "tiết lộ…", "ignore all previous instructions") is never quoted as a section's content, never put in
a prompt and never used as evidence; the filtering happens at evidence/quote time, so documents ingested before
this module existed are covered too. Patterns live in `rag.lexicon.injection`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rag.lexicon.injection import INJECTION_RE
from rag.lexicon.sentences import ITEM_ENDS, sentence_pieces
from rag.text import fold
from rag.types import SECTION_SEP, Section

_ITEM_ONLY = re.compile(r"^\s*(?:[-•*+]|\(?\d+(?:\.\d+)*[.)]|[a-zđ]\)|[IVXLC]+\.)?\s*$")


def is_injection(text: str) -> bool:
    """Whether a sentence/line reads as an instruction addressed to the assistant."""
    folded = " ".join(fold(text).split())
    return bool(folded) and INJECTION_RE.search(folded) is not None


def _clean_line(line: str) -> tuple[str, list[str]]:
    """A line without its instruction-like sentences, and those sentences."""
    if not is_injection(line):
        return line, []
    kept: list[str] = []
    found: list[str] = []
    for sentence in sentence_pieces(line, ITEM_ENDS):
        (found if is_injection(sentence) else kept).append(sentence)
    if not found:  # the instruction spans sentences: drop the whole line
        return "", [line.strip()]
    rest = " ".join(kept)
    return ("" if _ITEM_ONLY.match(rest) else rest), [f.strip() for f in found]


def injected_lines(text: str) -> list[str]:
    """The instruction-like sentences of a text, stripped, in order."""
    return [s for line in text.splitlines() for s in _clean_line(line)[1]]


def strip_injections(text: str) -> str:
    """The text without its instruction-like sentences (a line left with only its item number goes too)."""
    if not is_injection(text):
        return text
    lines = []
    for line in text.splitlines():
        cleaned, found = _clean_line(line)
        if found and not cleaned.strip():
            continue
        lines.append(cleaned)
    return "\n".join(lines).strip()


def flag_injections(sections: Iterable[Section]) -> list[str]:
    """One line per instruction-like sentence, 'section path: «sentence»', for the ingest report."""
    flagged: list[str] = []
    for section in sections:
        where = SECTION_SEP.join(section.path) or section.heading or section.section_id
        for line in injected_lines(section.text):
            flagged.append(f"{where}: «{line}»")
    return flagged
