"""The directive registry: every Nghị quyết, Kết luận, Chỉ thị... the plans cite, and where they cite it.

Two halves:
- `extract_directives(meta, sections)`: a pure function from one document's sections to its directive records
  (number, type, date, issuer, term, subject, and the sentences that mention it).
- `DirectiveRegistry`: a small SQLite store merging those records across documents, with `lookup` for what
  people actually type ("35-NQ/TW", "nq 35", "Kết luận 21", "qd 205", "18-NQ/TW 2017").

Matching works on two aligned views of each sentence: `disp` (NFC, glued words split, spaces collapsed; case
and tone marks as written) and `fold` (the same string without diacritics, lower case). Both have the same
length, so a regex match on `fold` gives the offsets of the as-written text in `disp`.

Identity: a directive is (canonical number, date). The corpus has two different `18-NQ/TW` (25/10/2017 and
16/6/2022), so the number alone is not enough. Inside one document, a mention without a date joins the single
dated record of that number compatible with it (same term when both are known); when several remain, the one
cited in the same sentence, then in the same section, wins; otherwise the mention stays a record of its own
with an undated id ("05-ct-tw"). The registry does not attach undated records across documents: it cannot know
which of two same-numbered directives another plan meant, so it keeps them apart and `lookup` returns both.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel

from rag.errors import BackendError, NotFoundError
from rag.text import DOC_NUMBER, canonical_number, fold, nfc, normalize, strip_diacritics, unglue
from rag.types import SECTION_SEP, DirectiveRecord, DocumentMeta, Mention, Section

log = logging.getLogger(__name__)

MAX_SUBJECT = 200
MAX_SENTENCE = 400

# Folded type word → display name (the regex tries longer words first: "thong bao ket luan" first).
DOC_TYPES: dict[str, str] = {
    "thong bao ket luan": "Thông báo kết luận",
    "nghi quyet": "Nghị quyết",
    "ket luan": "Kết luận",
    "chi thi": "Chỉ thị",
    "quy dinh": "Quy định",
    "quyet dinh": "Quyết định",
    "ke hoach": "Kế hoạch",
    "huong dan": "Hướng dẫn",
    "cong van": "Công văn",
    "chuong trinh": "Chương trình",
    "de an": "Đề án",
    "thong bao": "Thông báo",
    "nghi dinh": "Nghị định",
    "thong tu": "Thông tư",
}
# Abbreviation people type (folded) → the number codes and document types it stands for.
KINDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "nq": (frozenset({"nq"}), frozenset({"Nghị quyết"})),
    "kl": (frozenset({"kl"}), frozenset({"Kết luận"})),
    "ct": (frozenset({"ct"}), frozenset({"Chỉ thị"})),
    "qd": (frozenset({"qd"}), frozenset({"Quy định", "Quyết định"})),
    "kh": (frozenset({"kh"}), frozenset({"Kế hoạch"})),
    "hd": (frozenset({"hd"}), frozenset({"Hướng dẫn"})),
    "cv": (frozenset({"cv"}), frozenset({"Công văn"})),
    "ctr": (frozenset({"ctr"}), frozenset({"Chương trình"})),
    "da": (frozenset({"da"}), frozenset({"Đề án"})),
    "tb": (frozenset({"tb"}), frozenset({"Thông báo", "Thông báo kết luận"})),
    "tbkl": (frozenset({"tb"}), frozenset({"Thông báo kết luận"})),
    "qh": (frozenset({"qh"}), frozenset()),
    "nd": (frozenset({"nd"}), frozenset({"Nghị định"})),
    "tt": (frozenset({"tt"}), frozenset({"Thông tư"})),
}
# Type word → its usual number code (for ranking "quy định 61" → 61-QĐ/TW, a Quyết định, after exact types).
_TYPE_CODE: dict[str, str] = {
    "Thông báo kết luận": "tb", "Nghị quyết": "nq", "Kết luận": "kl", "Chỉ thị": "ct", "Quy định": "qd",
    "Quyết định": "qd", "Kế hoạch": "kh", "Hướng dẫn": "hd", "Công văn": "cv", "Chương trình": "ctr",
    "Đề án": "da", "Thông báo": "tb", "Nghị định": "nd", "Thông tư": "tt",
}

_TYPE_ALT = "|".join(sorted((re.escape(k) for k in DOC_TYPES), key=len, reverse=True))
_TYPE_RE = re.compile(rf"(?<![a-z0-9])({_TYPE_ALT})\s*(?:so\b\s*:?\s*)?")
_KEM_THEO = re.compile(r"kem theo\s*\(?\s*$")
_DATE = r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})|(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})"
_DATE_AFTER = re.compile(rf"\s*,?\s*(?:ban hanh\s+)?ngay\s+(?:{_DATE})")
_DATE_BEFORE = re.compile(rf"ngay\s+(?:{_DATE})\s*,\s*(\S.{{2,80}}?)\s+(?:da\s+)?ban hanh\s*$")
_TERM_AFTER = re.compile(r"\s*,?\s*(\()?\s*khoa\s+([ivxlc]+)\b(?(1)\s*\))")
_TERM_ANY = re.compile(r"khoa\s+([ivxlc]+)\b")
_OF = re.compile(r"\s*,?\s*cua\s+")
_INTRO = re.compile(r"[\W\d]*(?:can cu|thuc hien|trien khai)\b")
_HOI_NGHI = re.compile(
    r"hoi nghi\s+(?:(?:lan thu\s+\S+|trung uong\s+\d+)\s+)?(?:(ban chap hanh trung uong)(\s+dang)?)?"
)
_QUOTES = {"“": "”", '"': '"', "«": "»"}
# Lower-case words that occur inside issuer names ("Ban Thường vụ Tỉnh ủy", "Bộ Chính trị").
_ISSUER_LOWER = frozenset(
    re.findall(
        r"\S+",
        "vụ ủy uỷ hành trị thư thứ trực chức giáo ban nhân dân tỉnh huyện thành phố thị xã nghị lần bộ vận "
        "kiểm tra đạo phủ đồng tướng đoàn quốc hội ương đảng trận động công",
    )
)
# Folded words that cannot start a subject written without "về" ("… của Tỉnh ủy được thực hiện …").
_SUBJECT_DENY = frozenset(
    re.findall(
        r"\S+",
        "va hoac cua ngay da duoc den trong tai cho voi de nham theo tu gan cung nay la thi ma con o sau "
        "truoc nhu ke",
    )
)
# Query side.
_Q_NUMBER = re.compile(
    r"(?<![\w/-])(\d{1,5})\s*([/-])\s*((?:\d{4}/)?[a-z][a-z0-9]*(?:[/-][a-z][a-z0-9]*)*)(?![\w])"
)
_KIND_WORDS = {**{k: DOC_TYPES[k] for k in DOC_TYPES}, **{k: k for k in KINDS}}
_KIND_ALT = "|".join(sorted((re.escape(k) for k in _KIND_WORDS), key=len, reverse=True))
_Q_KIND_NUMBER = re.compile(rf"(?<![a-z0-9])({_KIND_ALT})\s*(so\b)?\s*:?\s*(\d{{1,5}})(?![\w/-])")
_Q_YEAR = re.compile(r"(?<![\d/-])((?:19|20)\d{2})(?![\d/-])")


# ----------------------------------------------------------------------------------------------------
# Helpers shared by extraction and lookup


def number_key(number: str) -> str:
    """Comparison key of a document number: folded, no spaces, no leading zeros ('05-CT/TW' → '5-ct/tw')."""
    key = re.sub(r"\s+", "", fold(number))
    return re.sub(r"^0+(?=\d)", "", key)


def number_lead(number: str) -> int | None:
    """The leading integer of a number ('05-CT/TW' → 5)."""
    m = re.match(r"\s*(\d+)", number)
    return int(m.group(1)) if m else None


def number_code(number: str) -> str | None:
    """The type code inside a number: 35-NQ/TW → nq, 464/KH-LĐLĐ → kh, 55/2022/QH15 → qh, 32-CTr/TU → ctr."""
    parts = [p for p in re.split(r"[/-]", number_key(number))[1:] if p and not p.isdigit()]
    if not parts:
        return None
    code = re.sub(r"\d+$", "", parts[0])
    return code or None


def make_directive_id(number: str, date: str | None) -> str:
    """URL-safe stable id: '35-NQ/TW' + 2018-10-22 → '35-nq-tw@2018-10-22'."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(number)).strip("-")
    return f"{slug}@{date}" if date else slug


def _iso(groups: Sequence[str | None]) -> str | None:
    """ISO date from a _DATE match's groups, or None when it is not a real date."""
    vals = [g for g in groups if g is not None]
    if len(vals) != 3:
        return None
    try:
        return dt.date(int(vals[2]), int(vals[1]), int(vals[0])).isoformat()
    except ValueError:
        return None


def _views(text: str) -> tuple[str, str]:
    """(disp, fold) aligned views of one sentence (see the module docstring)."""
    disp = re.sub(r"\s+", " ", unglue(nfc(text))).strip()
    folded = strip_diacritics(disp).lower()
    if len(folded) != len(disp):  # a character whose folding changes length: fall back to normalize
        disp = normalize(text)
        folded = strip_diacritics(disp).lower()
        if len(folded) != len(disp):
            folded = "".join(strip_diacritics(ch).lower()[:1] or " " for ch in disp)
    return disp, folded


def _pick(values: Sequence[str | None], *, shortest: bool = False) -> str | None:
    """The most frequent non-empty value (compared folded); ties → first seen, or shortest."""
    seen: dict[str, str] = {}
    counts: Counter[str] = Counter()
    order: dict[str, int] = {}
    for v in values:
        if not v:
            continue
        k = fold(v)
        counts[k] += 1
        seen.setdefault(k, v)
        order.setdefault(k, len(order))
    if not counts:
        return None
    best = min(counts, key=lambda k: (-counts[k], len(k) if shortest else 0, order[k]))
    return seen[best]


# ----------------------------------------------------------------------------------------------------
# Extraction


@dataclass
class _Ref:
    """One reference found in one sentence."""

    number: str
    doc_type: str
    date: str | None
    issuer: str | None
    term: str | None
    subject: str | None
    section_idx: int
    sentence_idx: int
    mention: Mention
    key: tuple[str, str | None] = ("", None)
    directive_id: str = ""


@dataclass
class _Head:
    """What follows a number: its date, issuer and term, and where that stops."""

    end: int
    date: str | None = None
    issuer: str | None = None
    term: str | None = None
    extras: dict[str, str] = field(default_factory=dict)


def _split_sentences(text: str) -> list[str]:
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
        start = 0
        for m in re.finditer(r"(?<=[.!?…])\s+(?=[“\"(]?[A-ZĐÀ-Ỹ])", block):
            prev = block[start:m.start()].rsplit(" ", 1)[-1]
            if re.fullmatch(r"[\dIVX]+(\.\d+)*\.|[A-ZĐ][a-z]{0,2}\.|v\.v\.+", prev):
                continue  # numbering "1.3." or an abbreviation "TP."
            out.append(block[start:m.start()].strip())
            start = m.end()
        out.append(block[start:].strip())
    return [s for s in out if s]


def _parse_issuer(disp: str, folded: str, pos: int) -> tuple[str | None, int]:
    """An issuer name starting at `pos` ("Ban Thường vụ Tỉnh ủy", "Bộ Chính trị"...), and where it ends."""
    m = _HOI_NGHI.match(folded, pos)
    if m:
        # "Hội nghị Trung ương 5", "Hội nghị lần thứ sáu Ban Chấp hành Trung ương": the issuer is the BCH TW.
        if m.group(1) or "trung uong" in m.group(0):
            name = "Ban Chấp hành Trung ương" + (" Đảng" if m.group(2) else "")
            return name, m.end()
        return None, pos
    end = pos
    words: list[str] = []
    for tok in re.finditer(r"\S+", disp[pos:]):
        start = pos + tok.start()
        raw = tok.group(0)
        if raw.startswith(("(", "“", '"')) or (words and _TYPE_RE.match(folded, start)):
            break
        core = raw.rstrip(",;:.)”\"…")
        if not core:
            break
        low = core.lower()
        nxt = folded[start + len(raw):].lstrip()
        if low == "ban" and nxt.startswith("hanh"):
            break  # "... ban hành ..." is a verb, not "Ủy ban"
        ok = (
            core[0].isupper()
            or (words and low in _ISSUER_LOWER)
            or (words and core.isdigit() and words[-1].lower() == "ương")
        )
        if not ok or (not words and not core[0].isupper()):
            break
        words.append(core)
        end = start + len(core)
        if len(core) != len(raw) or len(words) >= 14:
            break
    while words and words[-1].lower() in {"ban", "và"}:
        words.pop()
    if not words:
        return None, pos
    return normalize(" ".join(words)), end


def _parse_head(disp: str, folded: str, pos: int) -> _Head:
    """Date, issuer and term written right after a number (in any order), e.g. ', ngày 22/10/2018 của Bộ
    Chính trị (khóa XII)'."""
    head = _Head(end=pos)
    i = pos
    for _ in range(5):
        m = _DATE_AFTER.match(folded, i)
        if m and head.date is None:
            head.date = _iso(m.groups())
            i = m.end()
            continue
        m = _TERM_AFTER.match(folded, i)
        if m and head.term is None and disp[m.start(2):m.end(2)].isupper():
            head.term = "khóa " + disp[m.start(2):m.end(2)]
            i = m.end()
            continue
        m = _OF.match(folded, i)
        if m and head.issuer is None:
            issuer, j = _parse_issuer(disp, folded, m.end())
            if issuer:
                head.issuer = issuer
                i = j
                continue
        break
    head.end = i
    return head


def _ref_at(disp: str, folded: str, pos: int) -> tuple[re.Match[str], re.Match[str]] | None:
    """A (type word, number) reference starting exactly at `pos`, or None."""
    t = _TYPE_RE.match(folded, pos)
    if not t:
        return None
    n = DOC_NUMBER.match(disp, t.end())
    return (t, n) if n else None


def _parse_subject(disp: str, folded: str, pos: int) -> str | None:
    """The subject written after a reference's head: 'về …', a quoted title, or a verb phrase.

    It ends at ';', ':', an unbalanced ')', the end of the sentence, ', ngày', ', <next reference>',
    ' và <next reference>'; in an opening clause ("Căn cứ …, Ban Thường vụ … ban hành") also at ', <Capital>'.
    """
    intro = bool(_INTRO.match(folded))
    m = re.compile(r"\s*(ve(?:\s+viec)?\s+)?").match(folded, pos)
    assert m is not None
    start = m.end()
    has_ve = bool(m.group(1))
    if start >= len(disp):
        return None
    first = disp[start]
    if first in _QUOTES:
        close = disp.find(_QUOTES[first], start + 1)
        if close > start:
            text = disp[start + 1:close]
            return _clean_subject(text)
    if not has_ve:
        word = re.match(r"[a-z]+", folded[start:])
        if not first.islower() or not word or word.group(0) in _SUBJECT_DENY:
            return None
    k = start
    depth = 0
    n = len(disp)
    while k < n:
        ref = _ref_at(disp, folded, k) if folded[k].isalpha() and (k == 0 or folded[k - 1] == " ") else None
        if ref:
            k = _parse_head(disp, folded, ref[1].end()).end
            continue
        ch = disp[k]
        if ch in _QUOTES:
            close = disp.find(_QUOTES[ch], k + 1)
            k = close + 1 if close > k else k + 1
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            if depth == 0:
                break
            depth -= 1
        elif depth == 0 and (ch in ";:" or (ch == "." and (k + 1 >= n or disp[k + 1] == " "))):
            break
        elif ch == "," and depth == 0:
            rest = disp[k + 1:].lstrip()
            off = n - len(rest)
            if rest and (
                (intro and rest[0].isupper()) or folded.startswith("ngay ", off) or _ref_at(disp, folded, off)
            ):
                break
        elif ch == " " and folded.startswith(" va ", k) and _ref_at(disp, folded, k + 4):
            break
        k += 1
    return _clean_subject(disp[start:k])


def _clean_subject(text: str) -> str | None:
    """Trim a subject: spaces, dangling punctuation, a leading 'về', at most MAX_SUBJECT characters."""
    text = text.strip(" ,.-–")
    if text[:1] in _QUOTES and text.endswith(_QUOTES[text[0]]):
        text = text[1:-1].strip()
    text = re.sub(r"^[Vv]ề\s+(việc\s+)?", "", text)
    if len(text) < 8:
        return None
    if len(text) > MAX_SUBJECT:
        cut = text[: MAX_SUBJECT - 1].rsplit(" ", 1)[0].rstrip(" ,;")
        text = cut + "…"
    return text


def _paren_context(disp: str, folded: str, type_start: int, doc_type_fold: str, head: _Head) -> None:
    """'Nghị quyết Hội nghị lần thứ 5 BCH TW khóa XIII về … (Nghị quyết số 18-NQ/TW, ngày 16/6/2022)':
    fill term, issuer and subject from the unnumbered mention right before the parenthesis."""
    before = disp[:type_start].rstrip()
    if not before.endswith("(") or not disp[head.end:].lstrip().startswith(")"):
        return
    paren = len(before) - 1
    clause_start = max(disp.rfind(";", 0, paren), disp.rfind(")", 0, paren)) + 1
    ctx = folded[clause_start:paren]
    at = ctx.rfind(doc_type_fold)
    if at < 0:
        return
    seg_start = clause_start + at + len(doc_type_fold)
    ve = folded.find(" ve ", seg_start, paren)
    if ve < 0:
        return
    pre = folded[seg_start:ve]
    if head.term is None:
        terms = list(_TERM_ANY.finditer(pre))
        if terms:
            roman = disp[seg_start + terms[-1].start(1):seg_start + terms[-1].end(1)]
            if roman.isupper():
                head.term = "khóa " + roman
    if head.issuer is None:
        for key, name in (
            ("ban chap hanh trung uong", "Ban Chấp hành Trung ương"),
            ("bo chinh tri", "Bộ Chính trị"),
            ("ban bi thu", "Ban Bí thư"),
            ("quoc hoi", "Quốc hội"),
        ):
            if key in pre:
                head.issuer = name
                break
    subject = _clean_subject(disp[ve + 4:paren])
    if subject:
        head.extras["subject"] = subject


def _locate(sentence: str, number: str, nth: int) -> int:
    """Offset of the nth occurrence of `number` in the as-written sentence (0 when not found)."""
    parts = [re.escape(p) for p in re.split(r"([/-])", number)]
    pattern = r"\s*".join(parts)
    hits = [m.start() for m in re.finditer(pattern, sentence, re.IGNORECASE)]
    if not hits:
        return 0
    return hits[min(nth, len(hits) - 1)]


def _quote(sentence: str, at: int) -> str:
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


def _refs_in_sentence(
    sentence: str,
    meta: DocumentMeta,
    section: Section,
    section_idx: int,
    sentence_idx: int,
    own_key: str | None,
) -> list[_Ref]:
    """Every numbered reference in one sentence."""
    disp, folded = _views(sentence)
    refs: list[_Ref] = []
    seen_numbers: Counter[str] = Counter()
    pos = 0
    while True:
        t = _TYPE_RE.search(folded, pos)
        if not t:
            break
        n = DOC_NUMBER.match(disp, t.end())
        if not n:
            pos = t.end()
            continue
        number = canonical_number(n.group(0))
        pos = n.end()
        nth = seen_numbers[number]
        seen_numbers[number] += 1
        if (own_key and number_key(number) == own_key) or _KEM_THEO.search(folded, 0, t.start()):
            continue
        type_fold = t.group(1)
        head = _parse_head(disp, folded, n.end())
        _paren_context(disp, folded, t.start(), type_fold, head)
        if head.date is None:
            b = _DATE_BEFORE.search(folded, 0, t.start())
            if b:
                head.date = _iso(b.groups()[:6])
                if head.issuer is None:
                    issuer, _ = _parse_issuer(disp, folded, b.start(7))
                    head.issuer = issuer
        subject = head.extras.get("subject") or _parse_subject(disp, folded, head.end)
        mention = Mention(
            doc_id=meta.doc_id,
            doc_title=meta.title,
            section_id=section.section_id,
            section_path=SECTION_SEP.join(section.path),
            sentence=_quote(re.sub(r"\s+", " ", nfc(sentence)).strip(), _locate(nfc(sentence), number, nth)),
        )
        refs.append(
            _Ref(
                number=number,
                doc_type=DOC_TYPES[type_fold],
                date=head.date,
                issuer=head.issuer,
                term=head.term,
                subject=subject,
                section_idx=section_idx,
                sentence_idx=sentence_idx,
                mention=mention,
            )
        )
    return refs


def _resolve_undated(refs: list[_Ref]) -> None:
    """Give every reference its identity key; undated ones join a unique compatible dated record."""
    dated: dict[str, list[_Ref]] = {}
    for r in refs:
        if r.date:
            dated.setdefault(number_key(r.number), []).append(r)
    for r in refs:
        nk = number_key(r.number)
        if r.date:
            r.key = (nk, r.date)
            continue
        cands = dated.get(nk, [])
        if r.term:
            cands = [c for c in cands if c.term is None or fold(c.term) == fold(r.term)]
        chosen: str | None = None
        for scope in (
            cands,
            [c for c in cands if (c.section_idx, c.sentence_idx) == (r.section_idx, r.sentence_idx)],
            [c for c in cands if c.section_idx == r.section_idx],
        ):
            dates = {c.date for c in scope}
            if len(dates) == 1:
                chosen = dates.pop()
                break
        r.key = (nk, chosen)


def _merge(refs: Sequence[_Ref]) -> DirectiveRecord:
    """One record from the references sharing an identity (fields from whichever mention has them)."""
    dated = [r for r in refs if r.date]
    base = dated[0] if dated else refs[0]
    mentions: list[Mention] = []
    seen: set[tuple[str, str, str]] = set()
    for r in refs:
        k = (r.mention.doc_id, r.mention.section_id, r.mention.sentence)
        if k not in seen:
            seen.add(k)
            mentions.append(r.mention)
    date = refs[0].key[1]
    return DirectiveRecord(
        directive_id=make_directive_id(base.number, date),
        number=base.number,
        doc_type=_pick([r.doc_type for r in refs]) or base.doc_type,
        date=date,
        issuer=_pick([r.issuer for r in refs]),
        term=_pick([r.term for r in refs]),
        subject=_pick([r.subject for r in refs], shortest=True),
        mentions=mentions,
    )


def extract_directives(meta: DocumentMeta, sections: Sequence[Section]) -> list[DirectiveRecord]:
    """Every directive-like document that `meta`'s document cites, one record per distinct directive."""
    own_key = number_key(meta.number) if meta.number else None
    refs: list[_Ref] = []
    for s_idx, section in enumerate(sections):
        for k, sentence in enumerate(_split_sentences(section.text)):
            refs.extend(_refs_in_sentence(sentence, meta, section, s_idx, k, own_key))
    _resolve_undated(refs)
    groups: dict[tuple[str, str | None], list[_Ref]] = {}
    for r in refs:
        groups.setdefault(r.key, []).append(r)
    return [_merge(g) for g in groups.values()]


# ----------------------------------------------------------------------------------------------------
# Queries


class DirectiveQuery(BaseModel):
    """What `parse_directive_query` understood: a full number, or a leading number with a type hint."""

    number: str | None = None  # canonical full number when one was typed ("35-NQ/TW")
    lead: int | None = None  # leading integer (35)
    kind: str | None = None  # folded abbreviation ("nq", "qd") when one was typed or implied by the number
    doc_type: str | None = None  # type word when one was typed ("Nghị quyết")
    year: int | None = None


def parse_directive_query(query: str) -> DirectiveQuery | None:
    """Parse '35-NQ/TW', 'nq 35', 'Nghị quyết số 35', 'qd 205', '18-NQ/TW 2017'... None when no number."""
    folded = fold(query)
    q = DirectiveQuery()
    spans: list[tuple[int, int]] = []
    m = _Q_NUMBER.search(folded)
    if m:
        q.number = canonical_number(m.group(0))
        q.lead = int(m.group(1))
        code = number_code(m.group(0))
        if code in KINDS:
            q.kind = code
        spans.append(m.span())
    for km in _Q_KIND_NUMBER.finditer(folded):
        word = km.group(1)
        if word in DOC_TYPES:
            q.doc_type = q.doc_type or DOC_TYPES[word]
            q.kind = q.kind or _TYPE_CODE[DOC_TYPES[word]]
        elif q.kind is None:
            q.kind = word
        if q.lead is None:
            q.lead = int(km.group(3))
        spans.append(km.span())
        break
    if q.doc_type is None:
        tw = _TYPE_RE.search(folded)
        if tw and q.lead is not None:
            q.doc_type = DOC_TYPES[tw.group(1)]
    for y in _Q_YEAR.finditer(folded):
        if not any(a <= y.start() < b for a, b in spans):
            q.year = int(y.group(1))
            break
    return q if q.lead is not None else None


def looks_like_directive_query(text: str) -> bool:
    """True when the text names a directive: a number like 35-NQ/TW, or a type word/abbreviation + number."""
    folded = fold(text)
    for m in _Q_NUMBER.finditer(folded):
        segs = [s for s in re.split(r"[/-]", m.group(3)) if s]
        code = number_code(m.group(0))
        if code in KINDS or (len(segs) >= 2 and any(c.isalpha() for c in segs[-1])):
            return True
    for m in _Q_KIND_NUMBER.finditer(folded):
        value = int(m.group(3))
        if m.group(2) or not (1900 <= value <= 2100):
            return True
    return False


def _rank(rec: DirectiveRecord, q: DirectiveQuery) -> tuple[int, int] | None:
    """(tier, year penalty) of a record for a query; None when it does not match at all."""
    if q.lead is None or number_lead(rec.number) != q.lead:
        return None
    code = number_code(rec.number)
    if q.number is not None:
        if number_key(rec.number) == number_key(q.number):
            tier = 0
        elif code is not None and code == number_code(q.number):
            tier = 1
        else:
            return None
    else:
        codes, types = KINDS.get(q.kind or "", (frozenset(), frozenset()))
        if q.doc_type is not None:
            exact = rec.doc_type == q.doc_type
        elif q.kind is not None:
            exact = code in codes or rec.doc_type in types
        else:
            exact = True
        if exact:
            tier = 0
        elif q.kind is not None and code in codes:
            tier = 1
        else:
            tier = 2
    if q.year is None:
        penalty = 0
    elif rec.date is None:
        penalty = 1
    else:
        penalty = 0 if rec.date.startswith(str(q.year)) else 2
    return tier, penalty


# ----------------------------------------------------------------------------------------------------
# Registry

_SCHEMA = """
CREATE TABLE IF NOT EXISTS doc_directives (
    doc_id TEXT NOT NULL,
    directive_id TEXT NOT NULL,
    ord INTEGER NOT NULL,
    number TEXT NOT NULL,
    lead INTEGER,
    doc_type TEXT NOT NULL,
    date TEXT,
    issuer TEXT,
    term TEXT,
    subject TEXT,
    PRIMARY KEY (doc_id, directive_id)
);
CREATE INDEX IF NOT EXISTS doc_directives_id ON doc_directives (directive_id);
CREATE INDEX IF NOT EXISTS doc_directives_lead ON doc_directives (lead);
CREATE TABLE IF NOT EXISTS mentions (
    doc_id TEXT NOT NULL,
    directive_id TEXT NOT NULL,
    ord INTEGER NOT NULL,
    doc_title TEXT NOT NULL,
    section_id TEXT NOT NULL,
    section_path TEXT NOT NULL,
    sentence TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS mentions_doc ON mentions (doc_id);
CREATE INDEX IF NOT EXISTS mentions_directive ON mentions (directive_id);
"""


class DirectiveRegistry:
    """Directives cited by the ingested documents, merged across documents, in one SQLite file.

    Each document contributes its own view of a directive (a row of `doc_directives`) and its mentions; a
    directive is the union of those views, its fields voted from them. Deleting a document removes its rows,
    so a directive nobody cites any more disappears. One connection per call (WAL), writes serialised by a
    lock: safe from FastAPI worker threads and the bot's event loop.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        self._ready = False

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """A fresh connection (schema created on first use); commits on success, rolls back on error."""
        try:
            if not self._ready:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=30)
        except (OSError, sqlite3.Error) as exc:
            raise BackendError(f"cannot open directive registry {self.path}: {exc}") from exc
        try:
            conn.row_factory = sqlite3.Row
            if not self._ready:
                with self._lock:
                    conn.execute("PRAGMA journal_mode=WAL")
                    conn.executescript(_SCHEMA)
                    self._ready = True
            yield conn
            conn.commit()
        except sqlite3.Error as exc:
            conn.rollback()
            raise BackendError(f"directive registry error: {exc}") from exc
        finally:
            conn.close()

    def replace_document(self, doc_id: str, records: Sequence[DirectiveRecord]) -> None:
        """Replace everything `doc_id` says about directives, in one transaction."""
        with self._lock, self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("DELETE FROM doc_directives WHERE doc_id = ?", (doc_id,))
            conn.execute("DELETE FROM mentions WHERE doc_id = ?", (doc_id,))
            for i, rec in enumerate(records):
                did = rec.directive_id or make_directive_id(rec.number, rec.date)
                conn.execute(
                    "INSERT OR REPLACE INTO doc_directives VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (doc_id, did, i, rec.number, number_lead(rec.number), rec.doc_type, rec.date,
                     rec.issuer, rec.term, rec.subject),
                )
                if any(m.doc_id != doc_id for m in rec.mentions):
                    log.warning("mentions of %s filed under %s (their doc_id differs)", did, doc_id)
                conn.executemany(
                    "INSERT INTO mentions VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [
                        (doc_id, did, j, m.doc_title, m.section_id, m.section_path, m.sentence)
                        for j, m in enumerate(rec.mentions)
                    ],
                )

    def delete_document(self, doc_id: str) -> None:
        """Forget a document's mentions (directives only it cited disappear)."""
        with self._lock, self._connect() as conn:
            conn.execute("DELETE FROM doc_directives WHERE doc_id = ?", (doc_id,))
            conn.execute("DELETE FROM mentions WHERE doc_id = ?", (doc_id,))

    def _load(self, where: str = "", params: Sequence[object] = ()) -> list[DirectiveRecord]:
        """Merged records for the directive ids selected by `where` (over doc_directives)."""
        with self._connect() as conn:
            rows = conn.execute(
                f"SELECT * FROM doc_directives WHERE directive_id IN "
                f"(SELECT directive_id FROM doc_directives {where}) ORDER BY doc_id, ord",
                tuple(params),
            ).fetchall()
            ids = sorted({r["directive_id"] for r in rows})
            mrows: list[sqlite3.Row] = []
            for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500)):
                marks = ",".join("?" * len(chunk))
                mrows.extend(
                    conn.execute(
                        f"SELECT * FROM mentions WHERE directive_id IN ({marks}) ORDER BY doc_id, ord",
                        chunk,
                    ).fetchall()
                )
        views: dict[str, list[sqlite3.Row]] = {}
        for r in rows:
            views.setdefault(r["directive_id"], []).append(r)
        mentions: dict[str, list[Mention]] = {}
        for m in mrows:
            mentions.setdefault(m["directive_id"], []).append(
                Mention(doc_id=m["doc_id"], doc_title=m["doc_title"], section_id=m["section_id"],
                        section_path=m["section_path"], sentence=m["sentence"])
            )
        out = []
        for did, vs in views.items():
            out.append(
                DirectiveRecord(
                    directive_id=did,
                    number=_pick([v["number"] for v in vs]) or vs[0]["number"],
                    doc_type=_pick([v["doc_type"] for v in vs]) or vs[0]["doc_type"],
                    date=vs[0]["date"],
                    issuer=_pick([v["issuer"] for v in vs]),
                    term=_pick([v["term"] for v in vs]),
                    subject=_pick([v["subject"] for v in vs], shortest=True),
                    mentions=mentions.get(did, []),
                )
            )
        out.sort(key=lambda r: (number_lead(r.number) or 0, number_key(r.number), r.date or ""))
        return out

    def documents(self) -> list[str]:
        """Ids of the documents that have directive records here."""
        with self._connect() as conn:
            rows = conn.execute("SELECT DISTINCT doc_id FROM doc_directives ORDER BY doc_id").fetchall()
        return [str(r[0]) for r in rows]

    def get(self, directive_id: str) -> DirectiveRecord:
        """One directive by id; NotFoundError when unknown."""
        found = self._load("WHERE directive_id = ?", (directive_id,))
        if not found:
            raise NotFoundError(
                f"directive {directive_id!r} not found",
                user_message=f"Không tìm thấy văn bản có mã «{directive_id}» trong các kế hoạch đã nạp.",
            )
        return found[0]

    def all(self) -> list[DirectiveRecord]:
        """Every directive, ordered by number then date."""
        return self._load()

    def count(self) -> int:
        """How many distinct directives are registered."""
        with self._connect() as conn:
            row = conn.execute("SELECT COUNT(DISTINCT directive_id) FROM doc_directives").fetchone()
        return int(row[0])

    def mentions_for_doc(self, doc_id: str) -> list[DirectiveRecord]:
        """The directives one document cites, each with that document's mentions only."""
        records = self._load("WHERE doc_id = ?", (doc_id,))
        out = []
        for rec in records:
            own = [m for m in rec.mentions if m.doc_id == doc_id]
            out.append(rec.model_copy(update={"mentions": own}))
        return out

    def lookup(self, query: str, limit: int = 20) -> list[DirectiveRecord]:
        """Directives matching what a user typed, best first; [] when nothing matches."""
        q = parse_directive_query(query)
        if q is None or q.lead is None:
            return []
        candidates = self._load("WHERE lead = ?", (q.lead,))
        ranked: list[tuple[tuple[int, int, int, str, str], DirectiveRecord]] = []
        for rec in candidates:
            rank = _rank(rec, q)
            if rank is None:
                continue
            docs = len({m.doc_id for m in rec.mentions})
            ranked.append(((rank[0], rank[1], -docs, number_key(rec.number), rec.date or ""), rec))
        ranked.sort(key=lambda x: x[0])
        return [rec for _, rec in ranked[:limit]]
