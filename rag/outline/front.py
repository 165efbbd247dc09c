"""Front matter: the title block, a news headline, and the header / preamble / paragraph sections before the body.

Functions over the document's `Line`s; `rag.outline.parser` calls them before and after its main pass.
"""

from __future__ import annotations

import re

from rag.lexicon import PROVINCES, RECIPIENTS_RE
from rag.outline.headings import Node, heading_candidate
from rag.outline.lines import (
    DATE_LINE_RE,
    INTRO_RE,
    SENTENCE_END,
    SEPARATOR_RE,
    TITLE_RE,
    Line,
    is_upper,
    signature_start,
)
from rag.text import fold


def find_title(nonblank: list[Line]) -> int | None:
    """Index (into the lines) of the title keyword line, searched before the first Roman heading."""
    for ln in nonblank[:30]:
        cand = heading_candidate(ln.clean)
        if cand is not None and cand[0] == "roman":
            return None
        m = TITLE_RE.match(ln.clean)
        if m and is_upper(ln.clean[: m.end()]) and (len(ln.clean) == m.end() or is_upper(ln.clean)):
            return ln.idx
    return None


def title_block_end(lines: list[Line], title_idx: int) -> int:
    """Index of the line after the title block (title keyword line + subtitle lines)."""
    taken = 0
    last = title_idx
    for ln in lines[title_idx + 1 :]:
        if ln.blank:
            continue
        c = ln.clean
        if (
            taken >= 4
            or INTRO_RE.match(c)
            or heading_candidate(c)
            or SEPARATOR_RE.match(c)
            or DATE_LINE_RE.search(c)
            or c.startswith(("(Kèm theo", "(kèm theo"))
            or re.match(r"^Số\s*[:\d]", c)
            or len(c) > 320
            or c.endswith((".", "như sau:"))
            or RECIPIENTS_RE.match(fold(c))
            or signature_start(c)
        ):
            break
        taken += 1
        last = ln.idx
    return last + 1


def compose_title(lines: list[Line], title_idx: int, block_end: int) -> str:
    """'KẾ HOẠCH' + subtitle lines → 'Kế hoạch thông tin, tuyên truyền...'."""
    first = lines[title_idx].clean
    m = TITLE_RE.match(first)
    kw = m.group("kw") if m else first
    rest_parts = [first[m.end() :].strip()] if m else []
    rest_parts += [ln.clean for ln in lines[title_idx + 1 : block_end] if not ln.blank]
    rest = re.sub(r"\s+", " ", " ".join(p for p in rest_parts if p)).strip().strip("*").strip(" ,;")
    if rest and is_upper(rest):
        rest = _restore_case(rest.lower())
    elif rest and len(rest) > 1 and rest[0].isupper() and not rest.split()[0].isupper():
        rest = rest[0].lower() + rest[1:]
    return f"{kw.capitalize()} {rest}".strip()  # 'KẾ HOẠCH' → 'Kế hoạch'


def _restore_case(lowered: str) -> str:
    """Re-capitalise the province names and a few proper nouns after lower-casing an upper-case title."""
    out = lowered
    for name in (*PROVINCES, "Việt Nam", "Đảng", "Nhà nước", "Mặt trận Tổ quốc"):
        out = re.sub(re.escape(name.lower()), name, out)
    return out


def find_headline(lines: list[Line]) -> int | None:
    """A news headline: the first title-like line, preceded only by short lines (category, site name)."""
    nb = [ln for ln in lines if not ln.blank]
    for ln in nb[:5]:
        c = ln.clean
        words = c.split()
        if (
            15 <= len(c) <= 250
            and len(words) >= 3
            and not c.endswith((".", ";", ":", ","))
            and not DATE_LINE_RE.search(c)
            and not INTRO_RE.match(c)
        ):
            return ln.idx
        if len(c) >= 40:
            return None
    return None


def front_nodes(
    lines: list[Line],
    title_idx: int | None,
    block_end: int | None,
    front_end: int,
    *,
    has_headings: bool,
    title: str,
) -> tuple[list[Node], str]:
    """Header, preamble and (for documents without headings) paragraph sections, and the document title
    (`title`, or a news headline when there is no title line)."""
    front = [ln for ln in lines[:front_end] if not ln.blank]
    if not front:
        return [], title
    nodes: list[Node] = []
    pre_start: Line | None = None  # first line of the preamble
    if title_idx is not None and title_idx < front_end:
        head = [ln for ln in front if ln.idx < title_idx]
        if head:
            nodes.append(Node("header", "Thông tin văn bản", head[0].start, sid="header"))
        pre_start = lines[title_idx]
        intro_from = block_end if block_end is not None else title_idx + 1
    else:
        hl = find_headline(lines[:front_end])
        if hl is not None:
            head = [ln for ln in front if ln.idx < hl]
            if head:
                nodes.append(Node("header", "Thông tin văn bản", head[0].start, sid="header"))
            pre_start = lines[hl]
            if not title:
                title = re.sub(r"\s+", " ", pre_start.clean)
            intro_from = hl + 1
        else:
            intro_from = front[0].idx
            if has_headings:
                pre_start = front[0]
    if pre_start is not None:
        nodes.append(Node("preamble", "Mở đầu", pre_start.start, sid="preamble"))
    if not has_headings:
        # Headline/title, then its date lines and the intro paragraph stay in the preamble; the rest
        # becomes paragraph sections.
        paras = paragraphs([ln for ln in front if ln.idx >= intro_from])
        if pre_start is not None and paras:
            while paras and DATE_LINE_RE.search(paras[0][0].clean) and len(paras[0][0].clean) < 60:
                paras.pop(0)
            if paras and INTRO_RE.match(paras[0][0].clean):
                paras.pop(0)
        for n, para in enumerate(paras, start=1):
            nodes.append(Node("body", f"Đoạn {n}", para[0].start, sid=f"s{n}"))
    return nodes, title


def paragraphs(lines: list[Line]) -> list[list[Line]]:
    """Paragraphs: a new one at each line, unless the line continues a sentence cut by a line break."""
    paras: list[list[Line]] = []
    prev: Line | None = None
    for ln in lines:
        cont = prev is not None and not prev.clean.endswith(tuple(SENTENCE_END)) and ln.clean[:1].islower()
        if cont and paras:
            paras[-1].append(ln)
        else:
            paras.append([ln])
        prev = ln
    return paras
