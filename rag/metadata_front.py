"""The document's own front matter: header block (issuing body, number, place and date) and title.

Works on raw Markdown conversions (header tables broken into `|` lines, `**bold**`, lines hard-wrapped inside
names and dates) as well as on normalised text: lines are cleaned of emphasis and table debris first, and wrapped
pieces are joined by what they say, not by where the line breaks fall.

The header block is the run of lines just before the document-type line (KẾ HOẠCH, QUYẾT ĐỊNH, KẾT LUẬN...):
the issuing body on the left (one or more levels, e.g. BAN CHẤP HÀNH TRUNG ƯƠNG / BAN TỔ CHỨC), the national or
Party motto on the right, `Số: ...` and `<place>, ngày ... tháng ... năm ...`. Web-page chrome before it (a
legal-library banner, a metadata table) is never taken: only the run adjacent to the type line counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rag.lexicon import TITLE_TYPE_NAMES as DOC_TYPES
from rag.metadata_text import CaseModel, front_lines, is_upper
from rag.text import fold

_TYPE_BY_FOLD = {fold(t): t for t in DOC_TYPES}
# Mottos printed opposite the issuing body (folded).
_MOTTOS = (
    "cong hoa xa hoi chu nghia viet nam",
    "doc lap - tu do - hanh phuc",
    "dang cong san viet nam",
    "doan tncs ho chi minh",
    "doan thanh nien cong san ho chi minh",
)
# Folded starts of an organisation's name: a header line starting so begins a new level of the issuing body.
_ORG_STARTS = (
    "ban ",
    "van phong",
    "so ",
    "uy ban",
    "ubnd",
    "ubmttq",
    "hdnd",
    "hoi dong",
    "dang uy",
    "dang bo",
    "tinh uy",
    "thanh uy",
    "huyen uy",
    "quan uy",
    "thi uy",
    "chi bo",
    "hoi ",
    "lien doan",
    "ldld",
    "doan ",
    "cong doan",
    "bo ",
    "cuc ",
    "tong cuc",
    "chi cuc",
    "trung tam",
    "mat tran",
    "cong an",
    "vien ",
    "truong ",
    "chu tich",
    "tieu ban",
    "phong ",
    "bch ",
    "tinh doan",
    "thanh doan",
    "huyen doan",
)
# Folded words that make a body's name unambiguous on its own (it names its place or scope).
_SCOPE_RE = re.compile(
    r"\b(?:tinh|thanh pho|xa|phuong|huyen|quan|thi xa|dac khu|trung uong|viet nam|chinh phu|quoc hoi|tw)\b"
)
_PLACE_WORD_RE = re.compile(r"\b(?:tinh|thanh pho|xa|phuong|huyen|quan|thi xa|dac khu)\b")
_NUMBER_LINE_RE = re.compile(r"^S[ốô]\s*:?\s*(?P<rest>(?![^\W\d_]).*)$")
_DATE_RE = re.compile(
    r"ngày\s*(?P<d>\d{1,2})?[\s.…]*(?:tháng|/)\s*(?P<m>\d{1,2})?[\s.…]*(?:năm|/)\s*(?P<y>\d{4})\b",
    re.IGNORECASE,
)
_VV_RE = re.compile(r"^(?:V/v|V/V|v/v|Về việc)\s*:?\s*")
_GREETING_RE = re.compile(r"^Kính\s+gửi\b", re.IGNORECASE)
_STOP_TITLE_RE = re.compile(r"^(?:Căn cứ|Thực hiện|Theo đề nghị|Xét đề nghị|Trên cơ sở)\b")
_AUTHORITY_RE = re.compile(r"^(?:chu tich|truong ban|bo truong|giam doc|thu tuong|chanh van phong)\b")
# Folded phrases of web-page chrome around an article (print/share buttons, breadcrumbs, library banners).
# Lead: these belong in rag/lexicon.py with the other genre tables.
_WEB_CHROME = (
    "ban in",
    "goi bai viet",
    "gui bai viet",
    "in bai viet",
    "in trang",
    "trang chu",
    "tin tuc",
    "chia se",
    "quay lai",
    "tro ve",
    "xem them",
    "luot xem",
    "dang tai van ban",
    "click vao",
    "detailcontroller",
    "facebook",
    "zalo",
    "email",
    "twitter",
    "copy link",
    "ban dich nay thuoc quyen so huu",
)
_CHROME_RE = re.compile(r"\b(?:" + "|".join(re.escape(c) for c in _WEB_CHROME) + r")\b")


def _is_motto(line: str) -> bool:
    """'CỘNG HÒA XÃ HỘI', 'Độc lập - Tự do - Hạnh phúc', 'ĐẢNG CỘNG SẢN VIỆT NAM' or a wrapped piece of one."""
    f = f" {fold(line)} "
    return any(f in f" {m} " or f" {m} " in f for m in _MOTTOS)


def _without_motto(line: str) -> str:
    """The line without a motto printed beside the body on the same line ('UBND TỈNH X CỘNG HÒA...')."""
    if not _is_motto(line):
        return line
    words = line.split()
    folded = [fold(w) for w in words]
    for motto in _MOTTOS:
        m = motto.split()
        for i in range(len(words) - len(m) + 1):
            if folded[i : i + len(m)] == m:
                return " ".join(words[:i] + words[i + len(m) :]).strip(" -")
    return ""


def doc_type_of(line: str) -> str | None:
    """'KẾ HOẠCH' → 'Kế hoạch' for a line that is exactly an upper-case document type."""
    return _TYPE_BY_FOLD.get(fold(line)) if is_upper(line) else None


def is_web_chrome(line: str) -> bool:
    """'Bản in Gởi bài viết', 'Trang chủ | Tin tức': nothing but web-page buttons and breadcrumbs."""
    f = fold(line)
    return bool(_CHROME_RE.search(f)) and len(re.sub(r"[\W\d_]+", "", _CHROME_RE.sub("", f))) <= 3


def fallback_title(text: str, heading: str) -> str:
    """The parsed title, unless it is web-page chrome: then the first substantial line that is not."""
    if not is_web_chrome(heading) and not heading.startswith("Bản dịch này thuộc quyền"):
        return heading
    for line in front_lines(text)[:40]:
        if len(line) >= 15 and not is_web_chrome(line) and not re.match(r"^[\d/:\s]+$", line):
            return line if len(line) <= 200 else line[:200].rsplit(" ", 1)[0] + "…"
    return heading


@dataclass
class Front:
    """What the front matter says; None where it does not say it."""

    doc_type: str | None = None
    subject: list[str] = field(default_factory=list)  # the title's subject lines, as written
    body_levels: list[str] = field(default_factory=list)  # issuing body, top level first, upper case as written
    number_text: str | None = None  # what follows 'Số:' (possibly blank: a draft without its number)
    has_number_line: bool = False
    place: str | None = None
    day: str | None = None
    month: str | None = None
    year: str | None = None


def _type_index(lines: list[str]) -> int | None:
    """Index of the document-type line that heads the document (the first one with a header or at the top)."""
    for i, line in enumerate(lines[:250]):
        if doc_type_of(line) is None:
            continue
        before = lines[max(0, i - 30) : i]
        if i < 8 or any(_NUMBER_LINE_RE.match(b) or _DATE_RE.search(b) or _is_motto(b) for b in before):
            return i
    return None


def _levels(block: list[str]) -> list[str]:
    """Header lines of the issuing body → its levels, wrapped pieces joined ('ỦY BAN NHÂN' + 'DÂN')."""
    levels: list[str] = []
    for line in block:
        f = fold(line)
        starts_org = any(f.startswith(s) for s in _ORG_STARTS) and len(line.split()) >= 2
        prev = levels[-1] if levels else ""
        incomplete = prev.endswith((",", "-")) or fold(prev).split()[-1:] in (["nhan"], ["chap"], ["va"])
        if levels and (not starts_org or incomplete):
            levels[-1] = f"{prev} {line}"
        else:
            levels.append(line)
    return levels


def _header_block(lines: list[str], end: int) -> list[str]:
    """The issuing body's lines: the upper-case run before `end`, mottos skipped, web chrome excluded."""
    block: list[str] = []
    for full in reversed(lines[max(0, end - 25) : end]):
        line = _without_motto(full)
        if not line:
            continue
        if not is_upper(line) or _NUMBER_LINE_RE.match(line):
            if block:
                break
            continue
        block.insert(0, line)
    return block


def _date_from(lines: list[str], i: int, lo: int) -> tuple[str | None, re.Match[str] | None]:
    """(place, date match) for a dateline starting at line i, joined with a wrapped neighbour when needed."""
    joined = lines[i]
    prev = lines[i - 1] if i - 1 >= lo else ""
    if prev and not re.search(r"\d", prev) and not _is_motto(prev) and not is_upper(prev) and ":" not in prev:
        joined = f"{prev} {joined}"
    m = _DATE_RE.search(joined)
    for extra in lines[i + 1 : i + 3]:
        if m:
            break
        joined = f"{joined} {extra}"
        m = _DATE_RE.search(joined)
    if not m or m.start() > 50 or len(joined) > 100:  # a header dateline, not a sentence citing a date
        return None, None
    place = joined[: m.start()]
    place = re.split(r"\d[\w/.-]*\s|Hạnh phúc|:", place)[-1]
    place = place.strip(" ,.-")
    return (place if 2 <= len(place) <= 40 else None), m


def read_front(text: str) -> Front:
    """The header block and title of a document (empty where it has none)."""
    lines = front_lines(text)
    front = Front()
    t = _type_index(lines)
    vv = _vv_index(lines) if t is None else None  # an official letter: 'V/v ...' under its number
    if t is not None:
        end = t
    elif vv is not None:
        end = next((i for i in range(vv, min(len(lines), vv + 10)) if _GREETING_RE.match(lines[i])), vv + 6)
        end = min(end, len(lines))
    else:
        end = min(len(lines), 15)
    lo = max(0, end - 25)
    found: list[int] = []
    for i in range(end - 1, lo - 1, -1):  # nearest to the type line first: the document's own header
        line = lines[i]
        m = _NUMBER_LINE_RE.match(line)
        if m and not front.has_number_line:
            front.has_number_line = True
            rest = m.group("rest").strip()
            if not re.search(r"\d", rest) and i + 1 < end and re.match(r"^\d", lines[i + 1]):
                rest = lines[i + 1]
            front.number_text = rest
            found.append(i)
        if front.year is None and re.search(r"\bngày\b", line, re.IGNORECASE):
            place, dm = _date_from(lines, i, lo)
            if dm:
                front.place, front.day, front.month, front.year = place, dm.group("d"), dm.group("m"), dm.group("y")
                found.append(i)
    first_meta = min(found) if found else None
    if vv is not None:
        front.doc_type = "Công văn"
        front.body_levels = _levels(_header_block(lines, min([*found, vv])))
        front.subject = _vv_subject(lines, vv)
    if t is None:
        return front
    front.doc_type = doc_type_of(lines[t])
    front.body_levels = _levels(_header_block(lines, first_meta if first_meta is not None else t))
    front.subject = _subject(lines, t + 1, front.body_levels)
    return front


def _vv_index(lines: list[str]) -> int | None:
    """Index of an official letter's 'V/v ...' subject line near the top, after its number line."""
    for i, line in enumerate(lines[:40]):
        if _VV_RE.match(line) and any(_NUMBER_LINE_RE.match(b) for b in lines[max(0, i - 6) : i + 1]):
            return i
    return None


def _vv_subject(lines: list[str], start: int) -> list[str]:
    """'V/v triển khai tuyên truyền' + wrapped lines, up to the dateline, the greeting or the body."""
    out = [_VV_RE.sub("về việc ", lines[start]).strip()]
    for line in lines[start + 1 : start + 4]:
        if (
            _GREETING_RE.match(line)
            or _DATE_RE.search(line)
            or _NUMBER_LINE_RE.match(line)
            or _is_motto(line)
            or is_upper(line)
            or _STOP_TITLE_RE.match(line)
        ):
            break
        out.append(line)
    return out


def _subject(lines: list[str], start: int, levels: list[str]) -> list[str]:
    """The upper-case subject lines after the type line (stopping at the enacting body's own line)."""
    body = fold(" ".join(levels))
    out: list[str] = []
    for line in lines[start : start + 12]:
        f = fold(line)
        if not (is_upper(line) or not re.search(r"[^\W\d_]", line)) or _STOP_TITLE_RE.match(line):
            break  # a mixed-case line ends the subject; '2026 - 2030' alone continues it
        if out and (_AUTHORITY_RE.match(f) or (body and (f.startswith(body) or f.endswith(body)))):
            break
        out.append(line)
    return out


def issuer_of(levels: list[str], text: str, case: CaseModel) -> str | None:
    """The issuing body: the header's lowest level, qualified by its parent when it names no place or scope."""
    if not levels:
        return None
    name = levels[-1]
    qualified = len(levels) > 1 and not _SCOPE_RE.search(fold(name))
    if qualified:
        parent = levels[-2]
        pf = fold(parent)
        if pf.startswith("ban chap hanh "):
            parent = " ".join(parent.split()[3:])  # BAN CHẤP HÀNH TRUNG ƯƠNG → TRUNG ƯƠNG
        elif pf.startswith(("uy ban nhan dan", "ubnd")) and (pm := _PLACE_WORD_RE.search(pf)):
            parent = " ".join(parent.split()[len(pf[: pm.start()].split()) :])  # Sở X of UBND tỉnh Y → tỉnh Y
        name = f"{name} {parent}"
    cased = case.restore(name, names_place=True)
    # Party central bodies name themselves '... Trung ương Đảng' where their own text consistently does so.
    plain = len(re.findall(rf"{re.escape(cased)}(?!\s+Đảng)", text, re.IGNORECASE))
    with_party = len(re.findall(rf"{re.escape(cased)}\s+Đảng\b", text, re.IGNORECASE))
    if qualified and fold(cased).endswith("trung uong") and with_party >= 2 and with_party > 3 * plain:
        cased = f"{cased} Đảng"
    return cased
