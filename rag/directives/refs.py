"""Directive references in one sentence: what a citation says (type, number, date, issuer, term, subject).

Matching works on two aligned views of each sentence: `disp` (NFC, glued words split, spaces collapsed; case
and tone marks as written) and `fold` (the same string without diacritics, lower case). Both have the same
length, so a regex match on `fold` gives the offsets of the as-written text in `disp`. `rag.directives.extract`
turns the references of a whole document into records.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from rag.directives.common import DOC_TYPES, number_key
from rag.directives.sentences import iso_date, locate, quote, views
from rag.lexicon import SO_WORD, inside_file_or_url, number_code
from rag.text import DOC_NUMBER, canonical_number, nfc, normalize
from rag.types import SECTION_SEP, DocumentMeta, Mention, Section

MAX_SUBJECT = 200

_TYPE_ALT = "|".join(sorted((re.escape(k) for k in DOC_TYPES), key=len, reverse=True))
_TYPE_RE = re.compile(rf"(?<![a-z0-9])({_TYPE_ALT})\s*{SO_WORD}")
# "Luật An toàn thông tin mạng số 86/2015/QH13": a law is cited by its name, then its number.
_LAW_RE = re.compile(rf"(?<![a-z0-9])(luat)((?:\s+[a-z]+){{1,10}}?)\s+{SO_WORD}(?=\d)")
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


@dataclass
class Ref:
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
            head.date = iso_date(m.groups())
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


def refs_in_sentence(
    sentence: str,
    meta: DocumentMeta,
    section: Section,
    section_idx: int,
    sentence_idx: int,
    own_key: str | None,
) -> list[Ref]:
    """Every numbered reference in one sentence."""
    disp, folded = views(sentence)
    refs: list[Ref] = []
    seen_numbers: Counter[str] = Counter()
    pos = 0
    while True:
        found = [m for m in (_TYPE_RE.search(folded, pos), _LAW_RE.search(folded, pos)) if m]
        if not found:
            break
        t = min(found, key=lambda m: m.start())
        n = DOC_NUMBER.match(disp, t.end())
        law = t.re is _LAW_RE
        if not n or (law and number_code(n.group(0)) != "qh"):
            pos = t.end() if not law else t.start(2)
            continue
        number = canonical_number(n.group(0))
        pos = n.end()
        nth = seen_numbers[number]
        seen_numbers[number] += 1
        if (own_key and number_key(number) == own_key) or _KEM_THEO.search(folded, 0, t.start()):
            continue
        if inside_file_or_url(disp, n.start(), n.end()):
            continue
        type_fold = t.group(1)
        head = _parse_head(disp, folded, n.end())
        _paren_context(disp, folded, t.start(), type_fold, head)
        if head.date is None:
            b = _DATE_BEFORE.search(folded, 0, t.start())
            if b:
                head.date = iso_date(b.groups()[:6])
                if head.issuer is None:
                    issuer, _ = _parse_issuer(disp, folded, b.start(7))
                    head.issuer = issuer
        subject = head.extras.get("subject") or _parse_subject(disp, folded, head.end)
        if law:
            subject = subject or disp[t.start(2):t.end(2)].strip()
            head.issuer = head.issuer or "Quốc hội"
        mention = Mention(
            doc_id=meta.doc_id,
            doc_title=meta.title,
            section_id=section.section_id,
            section_path=SECTION_SEP.join(section.path),
            sentence=quote(re.sub(r"\s+", " ", nfc(sentence)).strip(), locate(nfc(sentence), number, nth)),
        )
        refs.append(
            Ref(
                number=number,
                doc_type="Luật" if law else DOC_TYPES[type_fold],
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
