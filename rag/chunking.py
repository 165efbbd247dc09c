"""Chunking of a section tree: chunks follow sections, long ones are cut at the strongest boundary available.

Boundary levels, strongest first: 0 paragraphs and list items (a line after a blank line, a bullet, a heading
marker), 1 any line except a sentence wrapped onto the next line, then the inline `separators` (by default: a
sentence end, a ';' clause, a ',' clause, any space). Pieces are packed into parts of even size (≤ max_chars).
Section parsing is `rag.outline`; this module uses only its public line helpers.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence

from rag.lexicon.sentences import CLOSING_MARKS, SENTENCE_ENDS, START_LETTER, sentence_break_re
from rag.outline import SENTENCE_END, clean_line, heading_candidate
from rag.outline.lines import BULLET_RE
from rag.types import Chunk, DocumentMeta, Section

MAX_CHARS = 1200
MIN_CHARS = 120
# Inline boundaries after the two line levels, strongest first: sentence end, ';' clause, ',' clause, space.
SEPARATORS: tuple[re.Pattern[str], ...] = (
    sentence_break_re(SENTENCE_ENDS, closers=CLOSING_MARKS, start=START_LETTER),
    re.compile(r"(?<=;)\s+"),
    re.compile(r"(?<=,)\s+"),
    re.compile(r"\s+"),
)
_LINE_LEVELS = 2


def _is_heading_only(section: Section) -> bool:
    """A body section whose own text is one heading line with no body (e.g. 'II. NỘI DUNG TUYÊN TRUYỀN')."""
    own = section.text.strip()
    return "\n" not in own and not own.endswith(tuple(SENTENCE_END))


def _cut_points(
    text: str, start: int, end: int, level: int, separators: Sequence[re.Pattern[str]] = SEPARATORS
) -> list[int]:
    """Candidate cut offsets strictly inside (start, end), by boundary strength level."""
    seg = text[start:end]
    points: list[int] = []
    if level == 0:  # paragraphs and list items
        for m in re.finditer(r"\n", seg):
            pos = m.end()
            rest = seg[pos:]
            line = rest.split("\n", 1)[0]
            cl = clean_line(line)
            prev_blank = seg[: m.start()].endswith("\n") or seg[: m.start()].rstrip(" \t\r").endswith("\n")
            new_para = prev_blank and not cl[:1].islower()
            if cl and (new_para or BULLET_RE.match(cl) or heading_candidate(cl)):
                points.append(start + pos + (len(line) - len(line.lstrip())))
    elif level == 1:  # any line, except a sentence wrapped onto the next line
        for m in re.finditer(r"\n[ \t]*(?=\S)", seg):
            before = seg[: m.start()].rstrip()
            wrapped = seg[m.end() : m.end() + 1].islower() and not before.endswith(tuple(SENTENCE_END))
            if not wrapped:
                points.append(start + m.end())
    else:
        for m in separators[level - _LINE_LEVELS].finditer(seg):
            points.append(start + m.end())
    return sorted({p for p in points if start < p < end})


def _pieces(
    text: str,
    start: int,
    end: int,
    max_chars: int,
    level: int = 0,
    separators: Sequence[re.Pattern[str]] = SEPARATORS,
) -> list[tuple[int, int]]:
    """Split [start, end) into pieces no longer than max_chars, using the strongest boundaries available."""
    if end - start <= max_chars or level >= _LINE_LEVELS + len(separators):
        return [(start, end)]
    cuts = _cut_points(text, start, end, level, separators)
    if not cuts:
        return _pieces(text, start, end, max_chars, level + 1, separators)
    out: list[tuple[int, int]] = []
    bounds = [start, *cuts, end]
    for a, b in itertools.pairwise(bounds):
        out.extend(_pieces(text, a, b, max_chars, level + 1, separators))
    return out


def _pack(pieces: list[tuple[int, int]], max_chars: int, min_chars: int) -> list[tuple[int, int]]:
    """Group consecutive pieces into parts ≤ max_chars of sizes as even as possible (small DP)."""
    n = len(pieces)
    total = pieces[-1][1] - pieces[0][0]
    target = total / max(1, math.ceil(total / max_chars))
    inf = float("inf")
    best = [inf] * (n + 1)
    prev = [0] * (n + 1)
    best[0] = 0.0
    for j in range(1, n + 1):
        for i in range(j - 1, -1, -1):
            size = pieces[j - 1][1] - pieces[i][0]
            if size > max_chars and j - i > 1:
                break
            penalty = (size - target) ** 2 + (4 * min_chars**2 if size < min_chars else 0)
            if best[i] + penalty < best[j]:
                best[j] = best[i] + penalty
                prev[j] = i
    parts: list[tuple[int, int]] = []
    j = n
    while j > 0:
        i = prev[j]
        parts.append((pieces[i][0], pieces[j - 1][1]))
        j = i
    return parts[::-1]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without its leading and trailing whitespace."""
    seg = text[start:end]
    lead = len(seg) - len(seg.lstrip())
    return start + lead, start + len(seg.rstrip())


def _rebuild_source(root: Section) -> str:
    """The document text from the sections' own texts (they tile it; leading blank space becomes spaces)."""
    parts: list[str] = []
    pos = 0
    for s in sorted(root.walk(), key=lambda x: (x.start, x.end)):
        if s.end <= s.start:
            continue
        if s.start > pos:
            parts.append(" " * (s.start - pos))
        elif s.start < pos:
            raise ValueError(f"overlapping sections at offset {s.start}")
        parts.append(s.text)
        pos = s.end
    return "".join(parts)


def make_chunks(
    root: Section,
    meta: DocumentMeta,
    max_chars: int = MAX_CHARS,
    min_chars: int = MIN_CHARS,
    separators: Sequence[re.Pattern[str]] = SEPARATORS,
) -> list[Chunk]:
    """Chunks = sections: long ones split at item boundaries, bare headings merged into their first child.

    `max_chars`: the longest chunk (unless one word is longer); `min_chars`: sections shorter than this are
    merged with what follows and parts are kept above it where possible; `separators`: the inline boundaries
    (see `SEPARATORS`).

    The chunks' spans partition the document's non-whitespace text: every character belongs to one chunk.
    The source text is rebuilt from the sections' own texts (offsets index it).
    """
    source = _rebuild_source(root)
    size = len(source)

    units: list[tuple[Section, int, int]] = []  # (section giving id/path, start, end)
    carry: int | None = None  # start of a bare parent heading waiting for its first child

    def visit(section: Section) -> None:
        """Emit this section's unit (or carry a bare heading to the first child), then the children."""
        nonlocal carry
        own = section.text.strip()
        start = carry if carry is not None else section.start
        if section.children and (len(own) < min_chars or (section.kind in ("body", "annex") and not own)):
            if own:
                carry = start
            for child in section.children:
                visit(child)
            return
        carry = None
        if own or start < section.start:
            if (
                not section.children
                and section.kind in ("body", "annex")
                and len(own) < min_chars
                and _is_heading_only(section)
                and units
                and start == section.start
            ):
                prev, p_start, _p_end = units.pop()
                units.append((prev, p_start, section.end))
            else:
                units.append((section, start, section.end))
        for child in section.children:
            visit(child)

    for top in root.children:
        visit(top)
    if carry is not None and units:  # a trailing bare heading: keep it with the previous unit
        prev, p_start, _ = units.pop()
        units.append((prev, p_start, size))

    chunks: list[Chunk] = []
    for section, start, end in units:
        start, end = _trim(source, start, end)
        if end <= start:
            continue
        parts = [(start, end)]
        if end - start > max_chars:
            parts = _pack(_pieces(source, start, end, max_chars, 0, separators), max_chars, min_chars)
        for n, (a, b) in enumerate(parts, start=1):
            a, b = _trim(source, a, b)
            suffix = f":p{n}" if len(parts) > 1 else ""
            chunks.append(
                Chunk(
                    chunk_id=f"{meta.doc_id}:{section.section_id}{suffix}",
                    doc_id=meta.doc_id,
                    doc_title=meta.title,
                    section_id=section.section_id,
                    section_path=list(section.path),
                    kind=section.kind,
                    text=source[a:b],
                    order=len(chunks),
                    start=a,
                    end=b,
                    province=meta.province,
                    year=meta.year,
                    issuer=meta.issuer,
                )
            )
    return chunks
