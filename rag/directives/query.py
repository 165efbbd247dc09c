"""Directive queries: what people type ("35-NQ/TW", "nq 35", "Kết luận 21", "hướng dẫn 37", "KH 159 UBND").

The type the user typed decides: "hướng dẫn 37" only matches a Hướng dẫn (or a number coded HD), never Nghị
quyết 37; "nq 35" only numbers coded NQ or records typed Nghị quyết. A bare number ("văn bản số 37") matches
every type, and the caller lists the candidates. File names and URLs ("KH-330-TU_signed.pdf") are not queries.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

from rag.directives.common import KINDS, TYPE_CODE, number_code, number_key, number_lead
from rag.lexicon import ABBREVIATIONS, FILE_OR_URL_RE, FOLDED_NUMBER_RE, QUERY_TYPES, SO_WORD
from rag.text import canonical_number, fold
from rag.types import DirectiveRecord

_ANY_TYPE = "van ban"  # "văn bản số 21": a number without a type
_KIND_WORDS = {**QUERY_TYPES, **{k: k for k in KINDS}, _ANY_TYPE: _ANY_TYPE}
_KIND_ALT = "|".join(sorted((re.escape(k) for k in _KIND_WORDS), key=len, reverse=True))
_Q_KIND_NUMBER = re.compile(rf"(?<![a-z0-9])({_KIND_ALT})\s*({SO_WORD})(\d{{1,5}})(?![\w/-])")
_TYPE_WORD = re.compile(rf"(?<![a-z0-9])({'|'.join(re.escape(k) for k in QUERY_TYPES)})(?![a-z0-9])")
_Q_YEAR = re.compile(r"(?<![\d/-])((?:19|20)\d{2})(?![\d/-])")
# Folded issuer/body codes a user may add after the number ("KH 159 UBND", "hd 37 btgdvtw").
_ISSUER_CODES = frozenset(re.sub(r"[^a-z0-9]", "", fold(a)) for a in ABBREVIATIONS)
_WORD = re.compile(r"[a-z0-9&]+")


class DirectiveQuery(BaseModel):
    """What `parse_directive_query` understood: a full number, or a leading number with a type hint."""

    number: str | None = None  # canonical full number when one was typed ("35-NQ/TW")
    lead: int | None = None  # leading integer (35)
    kind: str | None = None  # folded abbreviation ("nq", "qd") when one was typed or implied by the number
    doc_type: str | None = None  # type word when one was typed ("Nghị quyết")
    year: int | None = None
    codes: list[str] = Field(default_factory=list)  # issuer codes typed besides the number ("ubnd")


def _clean(query: str) -> str:
    """The folded query without file names and URLs."""
    return fold(FILE_OR_URL_RE.sub(" ", query))


def parse_directive_query(query: str) -> DirectiveQuery | None:
    """Parse '35-NQ/TW', 'nq 35', 'Nghị quyết số 35', 'hướng dẫn 37', 'KH 159 UBND', '18-NQ/TW 2017'...
    None when no number."""
    folded = _clean(query)
    q = DirectiveQuery()
    spans: list[tuple[int, int]] = []
    m = FOLDED_NUMBER_RE.search(folded)
    if m:
        q.number = canonical_number(m.group(0))
        q.lead = int(m.group(1))
        code = number_code(m.group(0))
        if code in KINDS:
            q.kind = code
        spans.append(m.span())
    for km in _Q_KIND_NUMBER.finditer(folded):
        if m and km.start() >= m.start():
            break  # "hd 37-hd/btgdvtw": the full number already says it
        word = km.group(1)
        if word in QUERY_TYPES:
            q.doc_type = q.doc_type or QUERY_TYPES[word]
            q.kind = q.kind or TYPE_CODE.get(QUERY_TYPES[word])
        elif q.kind is None and word != _ANY_TYPE:
            q.kind = word
        if q.lead is None:
            q.lead = int(km.group(3))
        spans.append(km.span())
        break
    if q.doc_type is None and q.lead is not None:
        tw = _TYPE_WORD.search(folded)
        if tw:
            q.doc_type = QUERY_TYPES[tw.group(1)]
    for y in _Q_YEAR.finditer(folded):
        if not any(a <= y.start() < b for a, b in spans):
            q.year = int(y.group(1))
            break
    rest = "".join(" " if any(a <= i < b for a, b in spans) else ch for i, ch in enumerate(folded))
    q.codes = [w for w in dict.fromkeys(_WORD.findall(rest)) if w.replace("&", "") in _ISSUER_CODES and w != q.kind]
    return q if q.lead is not None else None


def looks_like_directive_query(text: str) -> bool:
    """True when the text names a directive: a number like 35-NQ/TW, or a type word/abbreviation + number."""
    folded = _clean(text)
    for m in FOLDED_NUMBER_RE.finditer(folded):
        segs = [s for s in re.split(r"[/-]", m.group(3)) if s.strip()]
        code = number_code(m.group(0))
        if code in KINDS or (len(segs) >= 2 and any(c.isalpha() for c in segs[-1])):
            return True
    for m in _Q_KIND_NUMBER.finditer(folded):
        value = int(m.group(3))
        if m.group(2) or not (1900 <= value <= 2100):
            return True
    return False


def _type_tier(rec: DirectiveRecord, code: str | None, q: DirectiveQuery) -> int | None:
    """0: the type typed; 1: only the number code agrees ('quy định 61' → 61-QĐ/TW, a Quyết định); None: other."""
    if q.doc_type is not None:
        if rec.doc_type == q.doc_type:
            return 0
        wanted = TYPE_CODE.get(q.doc_type)
        return 1 if wanted is not None and code == wanted else None
    if q.kind is not None:
        codes, types = KINDS.get(q.kind, (frozenset(), frozenset()))
        return 0 if code in codes or rec.doc_type in types else None
    return 0


def rank(rec: DirectiveRecord, q: DirectiveQuery) -> tuple[int, int, int] | None:
    """(tier, year penalty, issuer-code misses) of a record for a query; None when it does not match at all."""
    if q.lead is None or number_lead(rec.number) != q.lead:
        return None
    code = number_code(rec.number)
    tier: int | None
    if q.number is not None:
        if number_key(rec.number) == number_key(q.number):
            tier = 0
        elif code is not None and code == number_code(q.number):
            tier = 1
        else:
            return None
    else:
        tier = _type_tier(rec, code, q)
        if tier is None:
            return None
    if q.year is None:
        penalty = 0
    elif rec.date is None:
        penalty = 1
    else:
        penalty = 0 if rec.date.startswith(str(q.year)) else 2
    parts = set(re.split(r"[/-]", number_key(rec.number).replace("&", "")))
    misses = sum(1 for c in q.codes if c.replace("&", "") not in parts)
    return tier, penalty, misses
