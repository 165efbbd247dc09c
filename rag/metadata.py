"""Document metadata (title, type, number, issuer, place, date, province, signer...) from its own text.

Only what the document says about itself counts: the header block (`Số:`, `Place, ngày ... tháng ... năm`),
the title, the preamble (`Thực hiện`/`Căn cứ` ... `<issuer> ban hành kế hoạch`), the signature and
`Nơi nhận` blocks, and an attached annex's `(Kèm theo Kế hoạch số ..., ngày ...)`. Numbers and dates of
documents the text merely cites are never taken. A field the text does not give stays None.
"""

from __future__ import annotations

import re
from collections import Counter

from rag.structure import (
    SIGNED_RE,
    clean_line,
    is_person_name,
    signature_start,
    signer_title_line,
)
from rag.text import canonical_number, fold, nfc, normalize_tones, strip_diacritics
from rag.types import DocumentMeta, Section

# The 63 provinces and centrally-run cities (before the 2025 merger), as usually written.
PROVINCES: tuple[str, ...] = (
    "An Giang",
    "Bà Rịa - Vũng Tàu",
    "Bạc Liêu",
    "Bắc Giang",
    "Bắc Kạn",
    "Bắc Ninh",
    "Bến Tre",
    "Bình Dương",
    "Bình Định",
    "Bình Phước",
    "Bình Thuận",
    "Cà Mau",
    "Cao Bằng",
    "Cần Thơ",
    "Đà Nẵng",
    "Đắk Lắk",
    "Đắk Nông",
    "Điện Biên",
    "Đồng Nai",
    "Đồng Tháp",
    "Gia Lai",
    "Hà Giang",
    "Hà Nam",
    "Hà Nội",
    "Hà Tĩnh",
    "Hải Dương",
    "Hải Phòng",
    "Hậu Giang",
    "Hòa Bình",
    "Hưng Yên",
    "Khánh Hòa",
    "Kiên Giang",
    "Kon Tum",
    "Lai Châu",
    "Lâm Đồng",
    "Lạng Sơn",
    "Lào Cai",
    "Long An",
    "Nam Định",
    "Nghệ An",
    "Ninh Bình",
    "Ninh Thuận",
    "Phú Thọ",
    "Phú Yên",
    "Quảng Bình",
    "Quảng Nam",
    "Quảng Ngãi",
    "Quảng Ninh",
    "Quảng Trị",
    "Sóc Trăng",
    "Sơn La",
    "Tây Ninh",
    "Thái Bình",
    "Thái Nguyên",
    "Thanh Hóa",
    "Thành phố Hồ Chí Minh",
    "Thừa Thiên Huế",
    "Tiền Giang",
    "Trà Vinh",
    "Tuyên Quang",
    "Vĩnh Long",
    "Vĩnh Phúc",
    "Yên Bái",
)
# Other spellings → canonical name. A bare "Hồ Chí Minh" is not an alias (tư tưởng Hồ Chí Minh).
_PROVINCE_ALIASES: dict[str, str] = {
    "Bà Rịa-Vũng Tàu": "Bà Rịa - Vũng Tàu",
    "Bà Rịa – Vũng Tàu": "Bà Rịa - Vũng Tàu",
    "TP. Hồ Chí Minh": "Thành phố Hồ Chí Minh",
    "TP.Hồ Chí Minh": "Thành phố Hồ Chí Minh",
    "TP Hồ Chí Minh": "Thành phố Hồ Chí Minh",
    "TP.HCM": "Thành phố Hồ Chí Minh",
    "TP HCM": "Thành phố Hồ Chí Minh",
    "Đắc Lắc": "Đắk Lắk",
    "Đắk Lắc": "Đắk Lắk",
    "Thừa Thiên - Huế": "Thừa Thiên Huế",
}
_ABBREVIATIONS: dict[str, str] = {
    "LĐLĐ": "Liên đoàn Lao động",
    "UBND": "Ủy ban nhân dân",
    "HĐND": "Hội đồng nhân dân",
}
_DOC_TYPE_WORDS = (
    "Kế hoạch",
    "Công văn",
    "Quyết định",
    "Chỉ thị",
    "Hướng dẫn",
    "Báo cáo",
    "Thông báo",
    "Nghị quyết",
    "Chương trình",
    "Đề án",
    "Tờ trình",
    "Kết luận",
    "Quy chế",
    "Quy định",
    "Đề cương",
    "Thông tri",
)

# 464/KH-LĐLĐ, 35-NQ/TW, 374  /KH-MTTQ-BTT, 55/2022/QH15, số175-KH/TU (glued to 'số').
NUMBER_RE = re.compile(
    r"(?<![\dA-Za-z/])(\d{1,5})[ \t]*([/-])[ \t]*"
    r"((?:\d{4}/)?[A-ZĐ][A-ZĐa-zđ0-9]*(?:[ \t]*[/-][ \t]*[A-ZĐ][A-ZĐa-zđ0-9]*)*)"
)
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
_ISSUE_VERB_RE = re.compile(
    r"\s+(?:đã\s+|sẽ\s+)?(?:ban hành|xây dựng|triển khai|hướng dẫn)\s+"
    r"(?:[Kk]ế hoạch|[Cc]ông văn|[Hh]ướng dẫn|[Vv]ăn bản|[Cc]hương trình|[Qq]uyết định|[Tt]hông báo|"
    r"[Đđ]ề cương|[Cc]hỉ thị)"
)
_ORG_START = (
    "Ban",
    "Ủy ban",
    "Uỷ ban",
    "UBND",
    "Sở",
    "Hội",
    "Liên đoàn",
    "LĐLĐ",
    "Tỉnh ủy",
    "Tỉnh uỷ",
    "Thường trực",
    "Đảng ủy",
    "Đảng uỷ",
    "Huyện ủy",
    "Thành ủy",
    "Mặt trận",
    "Văn phòng",
    "Đoàn",
    "Công đoàn",
    "Trung tâm",
    "Cục",
    "Bộ",
    "Hội đồng",
    "HĐND",
)
_ORG_LOWER_WORDS = frozenset(
    {
        "tỉnh",
        "huyện",
        "thành",
        "phố",
        "thị",
        "xã",
        "ủy",
        "uỷ",
        "ban",
        "nhân",
        "dân",
        "và",
        "lao",
        "động",
        "trực",
        "vụ",
        "quốc",
        "nam",
    }
)
_INTRO_RE = re.compile(r"^(?:Căn cứ|Thực hiện|Theo|Trên cơ sở|Thi hành|Triển khai)\b")
_NOT_IN_NAMES = frozenset(
    {
        "về",
        "của",
        "theo",
        "đã",
        "với",
        "cho",
        "để",
        "trong",
        "tại",
        "do",
        "từ",
        "là",
        "nhằm",
        "sẽ",
        "được",
        "có",
        "các",
        "những",
        "này",
        "đó",
    }
)
_RECIPIENT_PREFIX = re.compile(r"^N[ơo]i\s+(?:nh[ậa]n|g[ửu]i)\s*:?\s*", re.IGNORECASE)


def _aligned_fold(text: str) -> tuple[str, str]:
    """(cased, folded) forms of equal length: NFC + one tone placement, then no diacritics + lower case."""
    cased = normalize_tones(nfc(text))
    folded = strip_diacritics(cased).lower()
    if len(folded) != len(cased):  # never expected for Vietnamese text; keep positions safe
        folded = cased.lower()
    return cased, folded


def _name_pattern(name: str) -> re.Pattern[str]:
    """Folded, whitespace- and dash-tolerant pattern for a place name."""
    words = [re.escape(w) for w in fold(name).replace("-", " - ").replace("–", " - ").split()]
    body = r"\s+".join(words).replace(r"\s+\-\s+", r"\s*[-–]\s*")
    return re.compile(r"(?<!\w)" + body + r"(?!\w)")


_PROVINCE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (canon, _name_pattern(name))
    for canon, name in [*((p, p) for p in PROVINCES), *((v, k) for k, v in _PROVINCE_ALIASES.items())]
]


def province_of(name: str | None) -> str | None:
    """The canonical province for a place name ('Khánh Hoà' → 'Khánh Hòa'), else None."""
    if not name:
        return None
    f = fold(name).strip(" ,.")
    for candidate in (f, re.sub(r"^(?:tinh|thanh pho|tp\.?)\s+", "", f)):
        for canon, pattern in _PROVINCE_PATTERNS:
            if pattern.fullmatch(candidate):
                return canon
    return None


def find_provinces(text: str, *, capitalised: bool = True) -> list[tuple[str, int, str]]:
    """Province mentions as (canonical, offset, folded text before it); capitalised ones only by default."""
    cased, folded = _aligned_fold(text)
    out: list[tuple[str, int, str]] = []
    for canon, pattern in _PROVINCE_PATTERNS:
        for m in pattern.finditer(folded):
            if capitalised and not cased[m.start()].isupper():
                continue
            before = folded[max(0, m.start() - 12) : m.start()]
            out.append((canon, m.start(), before))
    out.sort(key=lambda x: x[1])
    return out


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
    return [ln for ln in out if len(ln) <= 80 and not _INTRO_RE.match(ln)]


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


def _first_number(text: str) -> str | None:
    """The first document number in `text`, canonical."""
    m = NUMBER_RE.search(text)
    return canonical_number(m.group(0)) if m else None


def _number(root: Section) -> str | None:
    """'Số: 464/KH-LĐLĐ' in the header, else the annex's '(Kèm theo Kế hoạch số: 374 /KH-MTTQ-BTT ...)'."""
    for line in _front_lines(root):
        m = _NUMBER_LINE_RE.match(line)
        if m:
            return _first_number(m.group("rest"))
    for annex in _sections(root, "annex"):
        m = _ANNEX_REF_RE.search(nfc(annex.text))
        if m:
            return _first_number(m.group("num"))
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
        canon
        for canon, _, before in mentions
        if re.search(r"(?:tinh|tinh uy|thanh pho|tp\.?|thanh uy)\s*$", before)
    )
    if qualified:
        return qualified.most_common(1)[0][0]
    counts = Counter(canon for canon, _, _ in mentions)
    return counts.most_common(1)[0][0] if counts else None


def _intro_text(root: Section) -> str:
    """The preamble without its title block (where 'Thực hiện/Căn cứ ... ban hành' sits)."""
    preamble = _first(root, "preamble")
    if preamble is None:
        return ""
    text = nfc(preamble.text)
    m = re.search(r"(?m)^\s*(?:\*\*)?(?:Căn cứ|Thực hiện|Theo|Trên cơ sở|Thi hành|Triển khai)\b", text)
    return text[m.start() :] if m else text


def _issuer_phrase(text: str) -> tuple[str, int] | None:
    """(organisation, offset) right before 'ban hành/xây dựng Kế hoạch', walking back over its name."""
    for m in _ISSUE_VERB_RE.finditer(text):
        words = text[: m.start()].split()[-14:]
        span: list[str] = []
        best = ""
        for i in range(len(words) - 1, -1, -1):
            bare = words[i].strip('“”"()')
            before = words[i - 1] if i > 0 else ""
            if not bare or bare[-1] in ",;:." or bare in _NOT_IN_NAMES:
                break
            # lower-case words belong to a name after a capitalised word (Tuyên giáo, Thường vụ) or if usual.
            if not (bare[0].isupper() or bare in _ORG_LOWER_WORDS or before[:1].isupper()):
                break
            span.insert(0, bare)
            joined = " ".join(span)
            if joined.startswith(_ORG_START):
                best = joined
        if best:
            return best, m.start() - len(best)
    return None


def _expand(org: str) -> str:
    """Spell out abbreviations that appear in issuer names (LĐLĐ, UBND, HĐND)."""
    for short, full in _ABBREVIATIONS.items():
        org = re.sub(rf"(?<!\w){short}(?!\w)", full, org)
    return org


def _issuer(root: Section, province: str | None, signature: Section | None) -> str | None:
    """The issuing body: preamble subject, else the signature's 'TM. ...'; province appended."""
    found = _issuer_phrase(_intro_text(root))
    phrase = found[0] if found else None
    if phrase is None and signature is not None:
        first = _lines(signature.text)[0] if _lines(signature.text) else ""
        m = re.match(r"^(?:T/M|TM)\s*[.:]?\s+(.+)$", first)
        if m:
            body = m.group(1).strip()
            phrase = body[:1] + body[1:].lower()
    if phrase is None:
        return None
    phrase = _expand(phrase)
    if (
        province
        and province_of(phrase) is None
        and not find_provinces(phrase)
        and (re.search(r"(?:\btỉnh|Tỉnh [uủ]y|Tỉnh uỷ|thành phố|Thành ủy)$", phrase))
    ):
        phrase = f"{phrase} {province}"
    return phrase


def _signature(signature: Section | None) -> tuple[str | None, str | None]:
    """(signer, title): 'TM. BAN THƯỜNG TRỰC / PHÓ CHỦ TỊCH / Cao Ngọc Tâm' → name, 'PHÓ CHỦ TỊCH'."""
    if signature is None:
        return None, None
    lines = _lines(signature.text)
    name = next((ln for ln in lines if is_person_name(ln)), None)
    titles: list[str] = []
    for ln in lines:
        if ln == name or SIGNED_RE.match(ln):
            break
        if signature_start(ln):
            m = re.match(r"^(?:T/M|TM)\b", ln)
            if m:
                continue  # "on behalf of" the collective body: not the signer's title
            titles.append(re.sub(r"\s+", " ", ln))
        elif signer_title_line(ln) or (ln.isupper() and len(ln) <= 60):
            titles.append(re.sub(r"\s+", " ", ln))
    return name, (" / ".join(titles) or None)


def _recipients(section: Section | None) -> list[str]:
    """Items of the Nơi nhận block, without leading '-' and trailing ';' ',' '.'; wrapped lines joined."""
    if section is None:
        return []
    items: list[str] = []
    for n, raw in enumerate(nfc(section.text).split("\n")):
        line = clean_line(raw)
        if n == 0:
            line = _RECIPIENT_PREFIX.sub("", line)
        if not line:
            continue
        if re.match(r"^[-–—•+*·]", line):
            items.append(re.sub(r"^[-–—•+*·]\s*", "", line))
        elif items and (line[:1].islower() or raw[:1] in (" ", "\t")):
            items[-1] = f"{items[-1]} {line}"
        else:
            items.append(line)
    cleaned = [re.sub(r"\s+", " ", it).strip().rstrip(";,.").strip() for it in items]
    return [c for c in cleaned if c]


def _implements(root: Section) -> list[str]:
    """Numbers of the documents named at the head of each clause of the 'Thực hiện/Căn cứ ...' sentence."""
    intro = _intro_text(root)
    if not intro:
        return []
    m = re.match(r"\s*(?:\*\*)?(?:Căn cứ|Thực hiện|Theo|Trên cơ sở|Thi hành|Triển khai)\b", intro)
    if not m:
        return []
    sentence = intro.split("\n\n", 1)[0]
    issuer = _issuer_phrase(sentence)
    if issuer:
        sentence = sentence[: issuer[1]]
    out: list[str] = []
    for clause in re.split(r";|\n|(?<=[,.])\s*(?=(?:Căn cứ|Thực hiện)\b)", sentence):
        num = _first_number(clause)
        if num and num not in out:
            out.append(num)
    return out


def extract_metadata(text: str, root: Section, *, doc_id: str, filename: str) -> DocumentMeta:
    """Everything the document says about itself; None where the text does not say it."""
    place, date, year = _place_date(root)
    if year is None:
        m = _YEAR_IN_TITLE_RE.search(root.heading)
        year = int(m.group(1)) if m else None
    province = _province(root, text, place)
    signature = _first(root, "signature")
    signer, signer_title = _signature(signature)
    return DocumentMeta(
        doc_id=doc_id,
        title=root.heading,
        filename=filename,
        doc_type=_doc_type(root),
        number=_number(root),
        issuer=_issuer(root, province, signature),
        place=place,
        date=date,
        year=year,
        province=province,
        signer=signer,
        signer_title=signer_title,
        recipients=_recipients(_first(root, "recipients")),
        implements=_implements(root),
    )
