"""Telegram HTML rendering: escaping, splitting at the 4,096-character limit, answers, sources, directives."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from bot import texts
from bot.texts import REFUSED_TEXT, RELATED_HEADER, SEARCHING_TEXT, SOURCES_HEADER
from rag.types import SECTION_SEP, Answer, Citation, DirectiveRecord
from rag.verify import parse_claims

MAX_MESSAGE_CHARS = 4096
PREVIEW_CHARS = 3800  # the streamed preview is cut here (a footer and an ellipsis still fit)
QUOTE_CHARS = 1200

# A position must never fall inside an HTML tag or an entity (`&amp;`) when we cut.
_TAG_OR_ENTITY = re.compile(r"<[^<>]*>|&[#a-zA-Z0-9]+;")


def escape(text: str) -> str:
    """Escape text for Telegram's HTML parse mode (only <, > and & are special there)."""
    return html.escape(text, quote=False)


def shorten(text: str, limit: int) -> str:
    """Cut plain text to `limit` characters at a word boundary, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: max(1, limit - 1)]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.") + "…"


def _safe_cut(text: str, limit: int) -> int:
    """The largest index <= limit that is not inside a tag or an entity, preferring a line or word break."""
    cut = limit
    for match in _TAG_OR_ENTITY.finditer(text, 0, limit + 16):
        if match.start() < cut < match.end():
            cut = match.start()
            break
    window = text[:cut]
    for sep in ("\n", " "):
        pos = window.rfind(sep)
        if pos > cut // 2:
            return pos + 1
    return cut if cut > 0 else limit


def _split_long_block(block: str, limit: int) -> list[str]:
    """Split one paragraph that is itself longer than the limit (lines first, then words, then hard)."""
    parts: list[str] = []
    rest = block
    while len(rest) > limit:
        cut = _safe_cut(rest, limit)
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        parts.append(rest)
    return parts


def split_message(text: str, limit: int = MAX_MESSAGE_CHARS) -> list[str]:
    """Split (HTML) text into messages of at most `limit` characters, on paragraph boundaries when possible.

    Tags must not span paragraphs (our renderers keep tags within one line), so each piece stays valid HTML.
    """
    text = text.strip()
    if len(text) <= limit:
        return [text] if text else []
    chunks: list[str] = []
    current = ""
    for paragraph in re.split(r"\n{2,}", text):
        paragraph = paragraph.strip("\n")
        if not paragraph:
            continue
        pieces = [paragraph] if len(paragraph) <= limit else _split_long_block(paragraph, limit)
        for piece in pieces:
            candidate = f"{current}\n\n{piece}" if current else piece
            if len(candidate) <= limit:
                current = candidate
            else:
                if current:
                    chunks.append(current)
                current = piece
    if current:
        chunks.append(current)
    return chunks


def source_label(citation: Citation) -> str:
    """Plain 'document title › section' label of one citation."""
    path = citation.section_path.strip()
    return f"{citation.doc_title}{SECTION_SEP}{path}" if path else citation.doc_title


def format_source_list(citations: Sequence[Citation], header: str = SOURCES_HEADER) -> str:
    """Numbered source list: '[n] document title › section'."""
    if not citations:
        return ""
    lines = [f"<b>{escape(header)}</b>"]
    lines.extend(f"[{c.n}] {escape(source_label(c))}" for c in citations)
    return "\n".join(lines)


def format_preview(text: str) -> str:
    """The growing answer while it streams (escaped, then cut to fit one message)."""
    html = escape(text.strip())
    if not html:
        return escape(SEARCHING_TEXT)
    if len(html) > PREVIEW_CHARS:
        html = html[: _safe_cut(html, PREVIEW_CHARS)].rstrip() + "…"
    return f"{html} ▌"


def format_answer(answer: Answer) -> str:
    """The final verified answer with its numbered source list (or a plain refusal with related sections)."""
    if answer.refused:
        parts = [escape(REFUSED_TEXT)]
        body = answer.answer.strip()
        if body and body != REFUSED_TEXT:
            parts.append(escape(body))
        if answer.related:
            parts.append(format_source_list(answer.related, header=RELATED_HEADER))
        return "\n\n".join(parts)
    parts = [escape(answer.answer.strip()) or escape(REFUSED_TEXT)]
    if answer.citations:
        parts.append(format_source_list(answer.citations))
    return "\n\n".join(parts)


def cited_numbers(text: str) -> set[int]:
    """The citation numbers ([n], [n, m]) used in a text."""
    return {n for claim in parse_claims(text) for n in claim.sources}


def format_more(more: str, citations: Sequence[Citation]) -> str:
    """The held-back remainder of a long answer, rendered like the answer: its text, then the sources it cites.

    May be longer than one message: split it afterwards (split_message cuts at paragraph, then line boundaries).
    """
    used = cited_numbers(more)
    parts = [escape(more.strip())]
    listed = [c for c in citations if c.n in used]
    if listed:
        parts.append(format_source_list(listed))
    return "\n\n".join(p for p in parts if p)


def format_quote(citation: Citation) -> str:
    """One cited passage: its label and the quoted text."""
    quote = shorten(citation.quote, QUOTE_CHARS) if citation.quote else texts.NO_QUOTE_TEXT
    return f"<b>[{citation.n}] {escape(source_label(citation))}</b>\n\n<i>{escape(quote)}</i>"


def format_section(title: str, path: str, text: str) -> str:
    """The full text of a section (its source button); may be longer than one message: split it afterwards."""
    label = f"{title}{SECTION_SEP}{path}" if path else title
    return f"<b>{escape(label)}</b>\n\n{escape(text.strip())}"


def format_directive(record: DirectiveRecord, max_mentions: int = 8) -> str:
    """A registry entry: type, number, date, issuer, subject and the plans that cite it."""
    title = texts.DIRECTIVE_TITLE.format(doc_type=record.doc_type, number=record.number)
    lines = [f"<b>{escape(title)}</b>"]
    if record.date:
        lines.append(texts.DIRECTIVE_DATE.format(date=escape(_vn_date(record.date))))
    issuer = record.issuer or ""
    if record.term:
        issuer = f"{issuer} {record.term}".strip()
    if issuer:
        lines.append(texts.DIRECTIVE_ISSUER.format(issuer=escape(issuer)))
    if record.subject:
        lines.append(texts.DIRECTIVE_SUBJECT.format(subject=escape(record.subject)))
    if record.doc_id:
        lines.append(texts.DIRECTIVE_STORED.format(
            title=escape(record.title or record.number), doc_id=escape(record.doc_id)))
    if record.mentions:
        lines.append("")
        lines.append(texts.DIRECTIVE_MENTIONS.format(count=len(record.mentions)))
        for i, mention in enumerate(record.mentions[:max_mentions], start=1):
            label = f"{mention.doc_title}{SECTION_SEP}{mention.section_path}"
            lines.append(f"{i}. {escape(label)}")
        if len(record.mentions) > max_mentions:
            lines.append(texts.DIRECTIVE_MORE_MENTIONS.format(count=len(record.mentions) - max_mentions))
    else:
        lines.append(texts.DIRECTIVE_UNCITED)
    return "\n".join(lines)


def _vn_date(iso: str) -> str:
    """'2018-10-22' → '22/10/2018' (anything else unchanged)."""
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", iso)
    if not match:
        return iso
    year, month, day = match.groups()
    return f"{day}/{month}/{year}"
