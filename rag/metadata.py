"""Document metadata (title, type, number, issuer, place, date, province, signer...) from its own text.

Only what the document says about itself counts: the header block (`Số:`, `Place, ngày ... tháng ... năm`),
the title, the preamble (`Thực hiện`/`Căn cứ` ... `<issuer> ban hành kế hoạch`), the signature and
`Nơi nhận` blocks, and an attached annex's `(Kèm theo Kế hoạch số ..., ngày ...)`. Numbers and dates of
documents the text merely cites are never taken. A field the text does not give stays None.

Conventions (checked against a hand-written table of real documents, tests/rag/test_metadata_table.py):
- title: document type + subject lines joined, in the document's own casing ('Kế hoạch nâng cao năng lực...');
  never a header line or web-page chrome ('Bản in Gởi bài viết').
- issuer: the header's issuing body in full, its lowest line qualified by its parent where that line names no
  place or scope ('Ban Tuyên giáo và Dân vận Trung ương', 'Ủy ban nhân dân tỉnh Bắc Ninh'); else the preamble's
  '<body> ban hành', the signature's 'TM. <body>' or the annex's '(Kèm theo ... của <body>)'.
- number: None when left blank ('Số: /KH-UBND'); date: ISO, None when the day is left blank (year kept).
- signer_title: every title line of the signature, ' / '-joined ('KT. CHỦ TỊCH / PHÓ CHỦ TỊCH'), the 'TM. <body>'
  line left out unless it is the only one ('T/M BAN BÍ THƯ'); see rag/metadata_sign.py.
- province: the issuing body's province; None for central bodies.
"""

from __future__ import annotations

import re
from collections import Counter

from rag.lexicon import PROVINCES, find_provinces, province_of
from rag.metadata_front import DOC_TYPES, Front, fallback_title, issuer_of, read_front
from rag.metadata_preamble import (
    ABBREVIATIONS,
    INTRO_RE,
    ORG_START,
    expand,
    first_number,
    implements,
    intro_text,
    issuer_phrase,
)
from rag.metadata_sign import recipients_of, signature_of
from rag.metadata_text import CaseModel, is_upper
from rag.outline import clean_line
from rag.text import fold, nfc, normalize_tones
from rag.types import DocumentMeta, Section

_DOC_TYPE_WORDS = DOC_TYPES

_DATE_LINE_RE = re.compile(
    r"^(?P<place>[^\d,;:]{2,40}?),?\s*ngày\s*(?P<d>\d{1,2})?\s*(?:/|tháng)\s*(?P<m>\d{1,2})?\s*(?:/|năm)\s*"
    r"(?P<y>\d{4})\b"
)
_NUMERIC_DATE_RE = re.compile(r"^(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_ANNEX_REF_RE = re.compile(
    r"[Kk]èm theo\s+(?P<type>[^\d(),]{2,30}?)\s*số\s*:?\s*(?P<num>[^,;)\n]+?)\s*(?:[,;)]|$)"
    r"(?:[^)]*?ngày\s*(?P<d>\d{1,2})\s*[/.-]\s*(?P<m>\d{1,2})\s*[/.-]\s*(?P<y>\d{4}))?",
    re.MULTILINE,
)
_NUMBER_LINE_RE = re.compile(r"^Số\s*:?\s*(?P<rest>.*)$")
_YEAR_IN_TITLE_RE = re.compile(r"\bnăm\s+(\d{4})\b", re.IGNORECASE)


def _sections(root: Section, kind: str) -> list[Section]:
    """Top-level sections of one kind."""
    return [s for s in root.walk() if s.kind == kind and s.level == 1]


def _first(root: Section, kind: str) -> Section | None:
    """The first top-level section of one kind, if any."""
    found = _sections(root, kind)
    return found[0] if found else None


def _lines(text: str) -> list[str]:
    """Non-empty cleaned lines (NFC, no markdown emphasis)."""
    return [c for c in (clean_line(x).replace("**", "") for x in nfc(text).split("\n")) if c]


def _iso(d: str | None, m: str | None, y: str | None) -> str | None:
    """ISO date from day/month/year strings, None when a part is missing or impossible."""
    if not (d and m and y):
        return None
    day, month, year = int(d), int(m), int(y)
    if not (1 <= day <= 31 and 1 <= month <= 12 and 1900 <= year <= 2100):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _front_lines(root: Section) -> list[str]:
    """Short lines of the header block and of the preamble's head (title, dateline), not its sentences."""
    out: list[str] = []
    header = _first(root, "header")
    if header:
        out.extend(_lines(header.text))
    preamble = _first(root, "preamble")
    if preamble:
        out.extend(_lines(preamble.text)[:6])
    return [ln for ln in out if len(ln) <= 80 and not INTRO_RE.match(ln)]


def _place_date(root: Section) -> tuple[str | None, str | None, int | None]:
    """(place, ISO date, year) from the header's dateline, the annex reference or a news dateline."""
    for line in _front_lines(root):
        m = _DATE_LINE_RE.match(line)
        if m:
            place = m.group("place").strip(" ,")
            year = int(m.group("y"))
            return place or None, _iso(m.group("d"), m.group("m"), m.group("y")), year
    for annex in _sections(root, "annex"):
        m = _ANNEX_REF_RE.search(nfc(annex.text))
        if m and m.group("y"):
            return None, _iso(m.group("d"), m.group("m"), m.group("y")), int(m.group("y"))
    for line in _front_lines(root):
        m = _NUMERIC_DATE_RE.match(line)
        if m:
            return None, _iso(m.group("d"), m.group("m"), m.group("y")), int(m.group("y"))
    return None, None, None


def _number(root: Section) -> str | None:
    """'Số: 464/KH-LĐLĐ' in the header, else the annex's '(Kèm theo Kế hoạch số: 374 /KH-MTTQ-BTT ...)'."""
    for line in _front_lines(root):
        m = _NUMBER_LINE_RE.match(line)
        if m:
            return first_number(m.group("rest"))
    for annex in _sections(root, "annex"):
        m = _ANNEX_REF_RE.search(nfc(annex.text))
        if m:
            return first_number(m.group("num"))
    return None


def _doc_type(root: Section) -> str | None:
    """From the title's first words, a news dateline ('Tin bài') or the annex reference."""
    title = root.heading
    for word in _DOC_TYPE_WORDS:
        if title.startswith(word):
            return word
    for line in _front_lines(root):
        if _NUMERIC_DATE_RE.match(line):
            return "Tin bài"
    for annex in _sections(root, "annex"):
        m = _ANNEX_REF_RE.search(nfc(annex.text))
        if m:
            kind = m.group("type").strip()
            return kind[:1].upper() + kind[1:].lower()
    return None


def _province(root: Section, text: str, place: str | None) -> str | None:
    """From the place, then the title, then 'tỉnh X'/'Tỉnh ủy X' mentions, then any capitalised mention."""
    found = province_of(place)
    if found:
        return found
    in_title = find_provinces(root.heading)
    if in_title:
        return in_title[0][0]
    mentions = find_provinces(text)
    qualified = Counter(
        canon for canon, _, before in mentions if re.search(r"(?:tinh|tinh uy|thanh pho|tp\.?|thanh uy)\s*$", before)
    )
    if qualified:
        return qualified.most_common(1)[0][0]
    counts = Counter(canon for canon, _, _ in mentions)
    return counts.most_common(1)[0][0] if counts else None


def _issuer(root: Section, province: str | None, signature: Section | None) -> str | None:
    """The issuing body: preamble subject, else the signature's 'TM. ...'; province appended."""
    found = issuer_phrase(intro_text(root))
    phrase = found[0] if found else None
    if phrase is None and signature is not None:
        first = _lines(signature.text)[0] if _lines(signature.text) else ""
        m = re.match(r"^(?:T/M|TM)\s*[.:]?\s+(.+)$", first)
        if m:
            body = m.group(1).strip()
            phrase = body[:1] + body[1:].lower()
    if phrase is None:
        return None
    phrase = expand(phrase)
    if (
        province
        and province_of(phrase) is None
        and not find_provinces(phrase)
        and (re.search(r"(?:\btỉnh|Tỉnh [uủ]y|Tỉnh uỷ|thành phố|Thành ủy)$", phrase))
    ):
        phrase = f"{phrase} {province}"
    return phrase


# Usual spellings of bodies' names, evidence for restoring the case of upper-case headers and titles when the
# document itself does not write them. Lead: move into rag/lexicon.py with the other body names.
_KNOWN_NAMES = (
    "Ban Chấp hành Trung ương",
    "Bộ Chính trị",
    "Ban Bí thư",
    "Ban Tổ chức Trung ương",
    "Ban Tuyên giáo và Dân vận Trung ương",
    "Ban Thường vụ Tỉnh ủy",
    "Ban Thường trực",
    "Ủy ban Kiểm tra",
    "Văn phòng Chính phủ",
    "Thủ tướng Chính phủ",
    "Mặt trận Tổ quốc Việt Nam",
    "Ủy ban MTTQ Việt Nam",
    "Tỉnh ủy",
    "Thành ủy",
    "Đảng ủy",
    "Quốc hội",
)


def _title(front: Front, root: Section, case: CaseModel, text: str) -> str:
    """Document type + subject in the document's own casing; else the parsed title, never web-page chrome."""
    if front.doc_type and front.subject:
        joined = " ".join(front.subject)
        subject = case.restore(joined) if is_upper(joined) else joined
        if not _keeps_capital(subject, case):
            subject = subject[:1].lower() + subject[1:]
        return f"{front.doc_type} {subject}"
    return fallback_title(text, root.heading)


def _keeps_capital(subject: str, case: CaseModel) -> bool:
    """Whether the subject's first word is capitalised in the document's own text (a name: 'Đề án', 'Luật')."""
    first = subject.split()[0] if subject.split() else ""
    seen = case.words.get(normalize_tones(nfc(first)).lower())
    return seen is not None and seen.most_common(1)[0][0][:1].isupper()


def _front_date(front: Front) -> tuple[str | None, int | None]:
    """(ISO date, year) of the header's dateline; a blank day or month keeps the year alone."""
    if front.year is None:
        return None, None
    return _iso(front.day, front.month, front.year), int(front.year)


def _annex_issuer(root: Section, case: CaseModel) -> str | None:
    """'(Kèm theo Hướng dẫn số 40-HD/BTGDVTW, ngày 27/11/2025 của Ban Tuyên giáo và Dân vận Trung ương)'."""
    for annex in _sections(root, "annex"):
        m = _ANNEX_REF_RE.search(nfc(annex.text))
        if m:
            tail = re.match(r"[^)]*?\bcủa\s+([^)]+)\)", nfc(annex.text)[m.start() :].replace("\n", " "))
            if tail:
                org = re.sub(r"[*_]+", "", tail.group(1)).strip(" .,")
                return expand(case.restore(org)) if org.startswith(ORG_START) else None
    return None


def _is_central(issuer: str | None) -> bool:
    """A central Party or state body (no province of its own). Lead: move these names into rag/lexicon.py."""
    f = fold(issuer or "")
    return bool(re.search(r"\btrung uong\b|\bchinh phu\b|\bquoc hoi\b|^bo\s|^ban chap hanh trung uong", f))


def extract_metadata(text: str, root: Section, *, doc_id: str, filename: str) -> DocumentMeta:
    """Everything the document says about itself; None where the text does not say it."""
    front = read_front(text)
    case = CaseModel.of(text, (*PROVINCES, *ABBREVIATIONS.values(), *_KNOWN_NAMES))
    place, date, year = _place_date(root)
    if front.year is not None:
        place, (date, year) = front.place, _front_date(front)
    if year is None:
        m = _YEAR_IN_TITLE_RE.search(root.heading)
        year = int(m.group(1)) if m else None
    signature = _first(root, "signature")
    signer, signer_title = signature_of(signature)
    header_issuer = issuer_of(front.body_levels, text, case)
    named = find_provinces(header_issuer or "", capitalised=False)
    province = None if _is_central(header_issuer) else named[0][0] if named else _province(root, text, place)
    issuer = header_issuer or _issuer(root, province, signature) or _annex_issuer(root, case)
    if _is_central(issuer):
        province = None
    number = first_number(front.number_text or "") if front.has_number_line else _number(root)
    return DocumentMeta(
        doc_id=doc_id,
        title=_title(front, root, case, text),
        filename=filename,
        doc_type=front.doc_type if front.subject else _doc_type(root),
        number=number,
        issuer=issuer,
        place=place,
        date=date,
        year=year,
        province=province,
        signer=signer,
        signer_title=signer_title,
        recipients=recipients_of(_first(root, "recipients"), text),
        implements=implements(root),
    )
