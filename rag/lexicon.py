"""Language knowledge of Vietnamese administrative documents, as data tables with small accessors.

One place for what other modules used to keep as private copies: document types and the codes used inside
their numbers, number patterns, provinces (before and after the 2025 merger), communes and wards, central and
provincial bodies (with their 2025 renamings/mergers), and structural markers (signature prefixes, Nơi nhận,
Đề cương/Phụ lục, preamble openers). Names are matched through `rag.text.fold`, so Hoà/Hòa, missing accents and
case do not matter. Tables are plain tuples/dicts so existing modules can switch by import only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from rag.text import fold, nfc, normalize_tones, strip_diacritics

# ----------------------------------------------------------------------------------------------------
# Document types


@dataclass(frozen=True)
class DocType:
    """A document type: its name as written in running text, and the codes its numbers use (folded)."""

    name: str  # "Kế hoạch"
    codes: tuple[str, ...]  # ("kh",) — the code in "464/KH-LĐLĐ"; first = the usual one; () when none
    title: bool = True  # appears as an upper-case title keyword ("KẾ HOẠCH") of a document

    @property
    def upper(self) -> str:
        return self.name.upper()

    @property
    def folded(self) -> str:
        return fold(self.name)


DOC_TYPE_TABLE: tuple[DocType, ...] = (
    DocType("Kế hoạch", ("kh",)),
    DocType("Công văn", ("cv",)),
    DocType("Quyết định", ("qd",)),
    DocType("Chỉ thị", ("ct",)),
    DocType("Hướng dẫn", ("hd",)),
    DocType("Báo cáo", ("bc",)),
    DocType("Thông báo", ("tb",)),
    DocType("Nghị quyết", ("nq",)),
    DocType("Chương trình", ("ctr",)),
    DocType("Đề án", ("da",)),
    DocType("Tờ trình", ("ttr",)),
    DocType("Kết luận", ("kl",)),
    DocType("Quy chế", ("qc",)),
    DocType("Quy định", ("qd",)),
    DocType("Đề cương", ()),
    DocType("Thông tri", ("tt",)),
    DocType("Chuyên đề", ()),
    DocType("Phương án", ("pa",)),
    DocType("Thông báo kết luận", ("tb",), title=False),
    DocType("Nghị định", ("nd",)),
    DocType("Thông tư", ("tt",)),
    DocType("Luật", ("qh",)),
)
DOC_TYPE_NAMES: tuple[str, ...] = tuple(t.name for t in DOC_TYPE_TABLE)
# Upper-case title keywords at a line start (structure.py's `_DOC_TYPES`); laws/decrees are never our titles.
TITLE_KEYWORDS: tuple[str, ...] = tuple(t.upper for t in DOC_TYPE_TABLE if t.title and t.name not in {
    "Nghị định", "Thông tư", "Luật"})
# Type words a document's own title starts with (metadata.py's `_DOC_TYPE_WORDS`).
DOC_TYPE_WORDS: tuple[str, ...] = tuple(
    t.name for t in DOC_TYPE_TABLE if t.title and t.name not in {"Chuyên đề", "Phương án", "Nghị định", "Thông tư",
                                                                 "Luật"}
)
# Types a plan cites with a number, whose citations the registry records (directives.py's `DOC_TYPES`):
# folded word → display name, longest first. Reports, submissions, annexes are not recorded when cited.
CITED_TYPES: dict[str, str] = {
    t.folded: t.name for t in sorted(DOC_TYPE_TABLE, key=lambda t: -len(t.folded))
    if t.name not in {"Báo cáo", "Tờ trình", "Quy chế", "Đề cương", "Chuyên đề", "Phương án", "Luật"}
}
# Type words a user types before a number to name a document (folded → name): "hướng dẫn 37", "báo cáo 12".
# Not those usually followed by an ordinal inside a plan ("Chuyên đề 3", "Phương án 2", "Đề cương 1").
QUERY_TYPES: dict[str, str] = {
    t.folded: t.name for t in sorted(DOC_TYPE_TABLE, key=lambda t: -len(t.folded))
    if t.codes and t.name != "Phương án"
}

def _kinds() -> dict[str, tuple[frozenset[str], frozenset[str]]]:
    table: dict[str, tuple[set[str], set[str]]] = {}
    for t in DOC_TYPE_TABLE:
        for code in t.codes:
            codes, names = table.setdefault(code, (set(), set()))
            codes.add(code)
            names.add(t.name)
    table["tbkl"] = ({"tb"}, {"Thông báo kết luận"})
    table["qh"] = ({"qh"}, set())  # a Quốc hội number (55/2022/QH15) says nothing about the type
    return {k: (frozenset(c), frozenset(n)) for k, (c, n) in table.items()}


# Abbreviation a user types (folded) → (number codes, type names) it stands for: "qd" → Quy định and Quyết định.
KINDS: dict[str, tuple[frozenset[str], frozenset[str]]] = _kinds()
# Type name → its usual number code.
TYPE_CODE: dict[str, str] = {t.name: t.codes[0] for t in DOC_TYPE_TABLE if t.codes}


def type_of_code(code: str) -> frozenset[str]:
    """Type names a number code stands for ('KH' → {'Kế hoạch'}, 'QĐ' → {'Quy định', 'Quyết định'})."""
    return KINDS.get(fold(code), (frozenset(), frozenset()))[1]


def type_of_word(word: str) -> str | None:
    """Canonical type name for a type word in any case/accents ('HƯỚNG DẪN', 'huong dan' → 'Hướng dẫn')."""
    f = " ".join(fold(word).split())
    return next((t.name for t in DOC_TYPE_TABLE if t.folded == f), None)


# ----------------------------------------------------------------------------------------------------
# Document numbers

# 464/KH-LĐLĐ, 35-NQ/TW, 374  /KH-MTTQ-BTT, 55/2022/QH15, 06/2022/TT-BTTTT, 44/2025/QĐ-CTUBND, 32-CTr/TU.
NUMBER_RE = re.compile(
    r"(?<![\dA-Za-z/])(\d{1,5})[ \t]*([/-])[ \t]*"
    r"((?:\d{4}/)?[A-ZĐ][A-ZĐa-zđ0-9]*(?:[ \t]*[/-][ \t]*[A-ZĐ][A-ZĐa-zđ0-9]*)*)"
)
# The same over folded text (queries): 'kh 159', '37-hd/btgdvtw', '85/2015/qh13'.
FOLDED_NUMBER_RE = re.compile(
    r"(?<![\w/-])(\d{1,5})\s*([/-])\s*((?:\d{4}/)?[a-z][a-z0-9]*(?:\s*[/-]\s*[a-z][a-z0-9]*)*)(?![\w])"
)
# A header number left blank for the signer to fill: "Số:     /KH-UBND", "Số: - KH/ĐTN", "Số: …/KH-UBND".
BLANK_NUMBER_RE = re.compile(r"^Số\s*:?\s*(?:[.…_ \t]*)\s*[/-]\s*(?P<code>[A-ZĐ][A-ZĐa-zđ0-9]*(?:\s*[/-]\s*"
                             r"[A-ZĐ][A-ZĐa-zđ0-9]*)*)\s*$")
# File names and URLs hold numbers that are not citations: "KH-330-TU_signed.pdf", "https://…/37-HD-BTGDVTW.pdf".
FILE_OR_URL_RE = re.compile(
    r"(?:https?://|www\.)\S+|[\w.-]*\w\.(?:pdf|docx?|xlsx?|pptx?|zip|rar|jpe?g|png|html?|txt|md)\b",
    re.IGNORECASE,
)
# "Kế hoạch số 175" / "số số 46" / "số:46": the word 'số' (once or repeated) between a type word and a number.
SO_WORD = r"(?:so\b\s*:?\s*)*"


def inside_file_or_url(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] lies inside a file name or URL of `text`."""
    return any(m.start() <= start and end <= m.end() for m in FILE_OR_URL_RE.finditer(text))


def number_code(number: str) -> str | None:
    """The type code inside a number: 35-NQ/TW → nq, 464/KH-LĐLĐ → kh, 55/2022/QH15 → qh, 32-CTr/TU → ctr."""
    key = re.sub(r"\s+", "", fold(number))
    parts = [p for p in re.split(r"[/-]", key)[1:] if p and not p.isdigit()]
    if not parts:
        return None
    code = re.sub(r"\d+$", "", parts[0])
    return code or None


# ----------------------------------------------------------------------------------------------------
# Provinces and the 2025 merger

# The 63 provinces and centrally-run cities before the 2025 merger, as usually written (metadata.py's PROVINCES).
PROVINCES: tuple[str, ...] = (
    "An Giang", "Bà Rịa - Vũng Tàu", "Bạc Liêu", "Bắc Giang", "Bắc Kạn", "Bắc Ninh", "Bến Tre", "Bình Dương",
    "Bình Định", "Bình Phước", "Bình Thuận", "Cà Mau", "Cao Bằng", "Cần Thơ", "Đà Nẵng", "Đắk Lắk", "Đắk Nông",
    "Điện Biên", "Đồng Nai", "Đồng Tháp", "Gia Lai", "Hà Giang", "Hà Nam", "Hà Nội", "Hà Tĩnh", "Hải Dương",
    "Hải Phòng", "Hậu Giang", "Hòa Bình", "Hưng Yên", "Khánh Hòa", "Kiên Giang", "Kon Tum", "Lai Châu",
    "Lâm Đồng", "Lạng Sơn", "Lào Cai", "Long An", "Nam Định", "Nghệ An", "Ninh Bình", "Ninh Thuận", "Phú Thọ",
    "Phú Yên", "Quảng Bình", "Quảng Nam", "Quảng Ngãi", "Quảng Ninh", "Quảng Trị", "Sóc Trăng", "Sơn La",
    "Tây Ninh", "Thái Bình", "Thái Nguyên", "Thanh Hóa", "Thành phố Hồ Chí Minh", "Thừa Thiên Huế", "Tiền Giang",
    "Trà Vinh", "Tuyên Quang", "Vĩnh Long", "Vĩnh Phúc", "Yên Bái",
)
# New (2025) name ← the provinces it absorbed on 01/7/2025 (unchanged ones absorb nothing).
MERGER_2025: dict[str, tuple[str, ...]] = {
    "Hà Nội": (), "Huế": (), "Lai Châu": (), "Điện Biên": (), "Sơn La": (), "Lạng Sơn": (), "Quảng Ninh": (),
    "Thanh Hóa": (), "Nghệ An": (), "Hà Tĩnh": (), "Cao Bằng": (),
    "Tuyên Quang": ("Hà Giang",), "Lào Cai": ("Yên Bái",), "Thái Nguyên": ("Bắc Kạn",),
    "Phú Thọ": ("Vĩnh Phúc", "Hòa Bình"), "Bắc Ninh": ("Bắc Giang",), "Hưng Yên": ("Thái Bình",),
    "Hải Phòng": ("Hải Dương",), "Ninh Bình": ("Hà Nam", "Nam Định"), "Quảng Trị": ("Quảng Bình",),
    "Đà Nẵng": ("Quảng Nam",), "Quảng Ngãi": ("Kon Tum",), "Gia Lai": ("Bình Định",), "Khánh Hòa": ("Ninh Thuận",),
    "Lâm Đồng": ("Đắk Nông", "Bình Thuận"), "Đắk Lắk": ("Phú Yên",),
    "Thành phố Hồ Chí Minh": ("Bình Dương", "Bà Rịa - Vũng Tàu"), "Đồng Nai": ("Bình Phước",),
    "Tây Ninh": ("Long An",), "Cần Thơ": ("Sóc Trăng", "Hậu Giang"), "Vĩnh Long": ("Bến Tre", "Trà Vinh"),
    "Đồng Tháp": ("Tiền Giang",), "Cà Mau": ("Bạc Liêu",), "An Giang": ("Kiên Giang",),
}
PROVINCES_2025: tuple[str, ...] = tuple(MERGER_2025)
MERGER_DATE = "01/7/2025"
# Old name → new name, for names that stopped being a province (renames included).
SUCCESSOR: dict[str, str] = {old: new for new, olds in MERGER_2025.items() for old in olds}
SUCCESSOR["Thừa Thiên Huế"] = "Huế"
# Centrally-run cities (written "thành phố X"); every other province is "tỉnh X".
CITIES: frozenset[str] = frozenset({"Hà Nội", "Huế", "Hải Phòng", "Đà Nẵng", "Thành phố Hồ Chí Minh", "Cần Thơ"})
# Other spellings → canonical name (metadata.py's `_PROVINCE_ALIASES`). A bare "Hồ Chí Minh" is not an alias
# (tư tưởng Hồ Chí Minh), nor a bare "Huế" (Đại học Huế): both only through `province_canonical`'s prefixes.
PROVINCE_ALIASES: dict[str, str] = {
    "Bà Rịa-Vũng Tàu": "Bà Rịa - Vũng Tàu",
    "Bà Rịa – Vũng Tàu": "Bà Rịa - Vũng Tàu",
    "TP. Hồ Chí Minh": "Thành phố Hồ Chí Minh",
    "TP.Hồ Chí Minh": "Thành phố Hồ Chí Minh",
    "TP Hồ Chí Minh": "Thành phố Hồ Chí Minh",
    "TP.HCM": "Thành phố Hồ Chí Minh",
    "TP HCM": "Thành phố Hồ Chí Minh",
    "TPHCM": "Thành phố Hồ Chí Minh",
    "Đắc Lắc": "Đắk Lắk",
    "Đắk Lắc": "Đắk Lắk",
    "Đắc Nông": "Đắk Nông",
    "Thừa Thiên - Huế": "Thừa Thiên Huế",
    "Thừa Thiên – Huế": "Thừa Thiên Huế",
    "Thành phố Huế": "Huế",
    "TP. Huế": "Huế",
    "TP Huế": "Huế",
}
ALL_PROVINCES: tuple[str, ...] = (*PROVINCES, "Huế")


def _key(name: str) -> str:
    """Comparison key of a place name: folded, dashes and dots as spaces, single spaces."""
    return " ".join(re.sub(r"[-–—.]", " ", fold(name)).split())


@lru_cache(maxsize=1)
def _by_key() -> dict[str, str]:
    table = {_key(p): p for p in ALL_PROVINCES}
    table.update({_key(a): c for a, c in PROVINCE_ALIASES.items()})
    return table


def province_canonical(name: str | None) -> str | None:
    """Canonical province for any spelling, old or new ('tỉnh Khánh Hoà' → 'Khánh Hòa', 'TP.HCM' → 'Thành phố
    Hồ Chí Minh', 'Thừa Thiên - Huế' → 'Thừa Thiên Huế'); None when it is not a province."""
    if not name:
        return None
    k = _key(name)
    table = _by_key()
    for candidate in (k, re.sub(r"^(?:tinh|thanh pho|tp)\s+", "", k)):
        if candidate in table:
            return table[candidate]
    return None


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


@lru_cache(maxsize=1)
def _province_patterns() -> list[tuple[str, re.Pattern[str]]]:
    pairs = [*((p, p) for p in PROVINCES), *((c, a) for a, c in PROVINCE_ALIASES.items())]
    return [(canon, _name_pattern(name)) for canon, name in pairs]


def find_provinces(text: str, *, capitalised: bool = True) -> list[tuple[str, int, str]]:
    """Province mentions as (canonical, offset, folded text before it); capitalised ones only by default
    (metadata.py's function, same shape). Old and new names alike; a bare "Huế" only as "thành phố Huế"."""
    cased, folded = _aligned_fold(text)
    out: list[tuple[str, int, str]] = []
    for canon, pattern in _province_patterns():
        for m in pattern.finditer(folded):
            if capitalised and not cased[m.start()].isupper():
                continue
            if any(o == m.start() for _, o, _ in out):
                continue  # one mention matched by a name and an alias
            before = folded[max(0, m.start() - 12) : m.start()]
            out.append((canon, m.start(), before))
    out.sort(key=lambda x: x[1])
    return out


province_of = province_canonical  # metadata.py's name for it


def province_successor(name: str | None) -> str | None:
    """The province that covers `name` since 01/7/2025 (itself when it still exists); None if unknown."""
    canon = province_canonical(name)
    if canon is None:
        return None
    return SUCCESSOR.get(canon, canon if canon in MERGER_2025 else None)


def province_equivalents(name: str | None) -> tuple[str, ...]:
    """Names under which documents about the same area may be filed, across the merger: an old name and its
    successor ('Phú Yên' → ('Phú Yên', 'Đắk Lắk')), a new name and what it absorbed ('Đắk Lắk' → ('Đắk Lắk',
    'Phú Yên')). () when the name is not a province."""
    canon = province_canonical(name)
    if canon is None:
        return ()
    new = province_successor(canon)
    out = [canon]
    if new and new != canon:
        out.append(new)
    elif new:
        out.extend(MERGER_2025.get(new, ()))
        if new == "Huế":
            out.append("Thừa Thiên Huế")
    return tuple(dict.fromkeys(out))


def province_label(name: str) -> str:
    """'tỉnh Phú Yên', 'thành phố Hải Phòng' (the canonical 'Thành phố Hồ Chí Minh' keeps its own word)."""
    if name.startswith("Thành phố"):
        return name
    return f"thành phố {name}" if name in CITIES else f"tỉnh {name}"


def merger_note(asked: str, found: str) -> str | None:
    """One Vietnamese line when the province a user asked about and the one a document uses differ only by the
    2025 merger ('Lưu ý: từ 01/7/2025 tỉnh Phú Yên thuộc tỉnh Đắk Lắk.'); None otherwise."""
    a, f = province_canonical(asked), province_canonical(found)
    if a is None or f is None or a == f or f not in province_equivalents(a):
        return None
    old, new = (a, f) if SUCCESSOR.get(a) == f else (f, a)
    if SUCCESSOR.get(old) != new:
        return None
    if old == "Thừa Thiên Huế":
        return f"Lưu ý: tỉnh Thừa Thiên Huế nay là {province_label(new)}."
    return f"Lưu ý: từ {MERGER_DATE} {province_label(old)} thuộc {province_label(new)}."


def merger_notes(question: str, provinces: Sequence[str]) -> str:
    """The merger notes for the provinces a question names against the provinces of the documents cited
    (one line each, no repeats); '' when the question's provinces are the documents' own."""
    have = {province_canonical(p) for p in provinces} - {None}
    notes: list[str] = []
    for asked, _, _ in find_provinces(question, capitalised=False):
        if asked in have:
            continue
        for found in sorted(have, key=str):
            note = merger_note(asked, str(found))
            if note and note not in notes:
                notes.append(note)
    return "\n".join(notes)


# ----------------------------------------------------------------------------------------------------
# Communes, wards, special zones (no district level after 2025)

LOCAL_UNITS: tuple[str, ...] = ("xã", "phường", "đặc khu", "thị trấn")
_UPPER = "A-ZĐÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
_UPPER_WORD = rf"(?:[{_UPPER}][^\s,.;:()\"“”*|]*|\d{{1,2}}\b)"
LOCAL_PLACE_RE = re.compile(
    r"(?<![\w])(?P<unit>[Xx]ã|[Pp]hường|[Đđ]ặc khu|[Tt]hị trấn)\s+(?P<name>" + _UPPER_WORD + r"(?:\s+" + _UPPER_WORD
    + r"){0,3})"
)


def find_local_places(text: str) -> list[tuple[str, str]]:
    """Communes, wards and special zones named in text, as (unit, name): [('xã', 'Lương Minh'), ...]."""
    out: list[tuple[str, str]] = []
    for m in LOCAL_PLACE_RE.finditer(text):
        item = (m.group("unit").lower(), m.group("name").rstrip("-–"))
        if item not in out:
            out.append(item)
    return out


# ----------------------------------------------------------------------------------------------------
# Bodies


@dataclass(frozen=True)
class Body:
    """A public body, its abbreviations, and what it became in 2025 (None when it still exists as is)."""

    name: str
    abbreviations: tuple[str, ...] = ()
    successor: str | None = None
    level: str = "central"  # or "province"


BODIES: tuple[Body, ...] = (
    Body("Ban Tuyên giáo và Dân vận Trung ương", ("BTGDVTW", "BTG&DVTW")),
    Body("Ban Tuyên giáo Trung ương", ("BTGTW",), "Ban Tuyên giáo và Dân vận Trung ương"),
    Body("Ban Dân vận Trung ương", ("BDVTW",), "Ban Tuyên giáo và Dân vận Trung ương"),
    Body("Ban Tuyên giáo và Dân vận Tỉnh ủy", ("BTGDVTU", "BTG&DVTU"), level="province"),
    Body("Ban Tuyên giáo Tỉnh ủy", ("BTGTU",), "Ban Tuyên giáo và Dân vận Tỉnh ủy", "province"),
    Body("Ban Dân vận Tỉnh ủy", ("BDVTU",), "Ban Tuyên giáo và Dân vận Tỉnh ủy", "province"),
    Body("Bộ Khoa học và Công nghệ", ("BKHCN", "KH&CN")),
    Body("Bộ Thông tin và Truyền thông", ("BTTTT", "TT&TT"), "Bộ Khoa học và Công nghệ"),
    Body("Bộ Tài chính", ("BTC",)),
    Body("Bộ Kế hoạch và Đầu tư", ("BKHĐT", "KH&ĐT"), "Bộ Tài chính"),
    Body("Bộ Nông nghiệp và Môi trường", ("BNNMT", "NN&MT")),
    Body("Bộ Nông nghiệp và Phát triển nông thôn", ("BNNPTNT", "NN&PTNT"), "Bộ Nông nghiệp và Môi trường"),
    Body("Bộ Tài nguyên và Môi trường", ("BTNMT", "TN&MT"), "Bộ Nông nghiệp và Môi trường"),
    Body("Bộ Xây dựng", ("BXD",)),
    Body("Bộ Giao thông vận tải", ("BGTVT", "GTVT"), "Bộ Xây dựng"),
    Body("Bộ Nội vụ", ("BNV",)),
    Body("Bộ Lao động - Thương binh và Xã hội", ("BLĐTBXH", "LĐ-TB&XH", "LĐTB&XH"), "Bộ Nội vụ"),
    Body("Bộ Dân tộc và Tôn giáo", ("BDTTG",)),
    Body("Ủy ban Dân tộc", ("UBDT",), "Bộ Dân tộc và Tôn giáo"),
    Body("Sở Khoa học và Công nghệ", ("SKHCN",), level="province"),
    Body("Sở Thông tin và Truyền thông", ("STTTT",), "Sở Khoa học và Công nghệ", "province"),
    Body("Sở Tài chính", ("STC",), level="province"),
    Body("Sở Kế hoạch và Đầu tư", ("SKHĐT",), "Sở Tài chính", "province"),
    Body("Sở Nông nghiệp và Môi trường", ("SNNMT",), level="province"),
    Body("Sở Nông nghiệp và Phát triển nông thôn", ("SNNPTNT",), "Sở Nông nghiệp và Môi trường", "province"),
    Body("Sở Tài nguyên và Môi trường", ("STNMT",), "Sở Nông nghiệp và Môi trường", "province"),
    Body("Sở Xây dựng", ("SXD",), level="province"),
    Body("Sở Giao thông vận tải", ("SGTVT",), "Sở Xây dựng", "province"),
    Body("Sở Nội vụ", ("SNV",), level="province"),
    Body("Sở Lao động - Thương binh và Xã hội", ("SLĐTBXH",), "Sở Nội vụ", "province"),
    Body("Sở Dân tộc và Tôn giáo", ("SDTTG",), level="province"),
    Body("Ban Dân tộc", ("BDT",), "Sở Dân tộc và Tôn giáo", "province"),
)
# Abbreviations spelt out inside issuer names (metadata.py's `_ABBREVIATIONS`): never the short codes (TU, TW).
ISSUER_ABBREVIATIONS: dict[str, str] = {
    "LĐLĐ": "Liên đoàn Lao động",
    "UBND": "Ủy ban nhân dân",
    "HĐND": "Hội đồng nhân dân",
}
# Abbreviations used in issuer names and number codes.
ABBREVIATIONS: dict[str, str] = {
    "LĐLĐ": "Liên đoàn Lao động",
    "UBND": "Ủy ban nhân dân",
    "HĐND": "Hội đồng nhân dân",
    "MTTQ": "Mặt trận Tổ quốc",
    "TU": "Tỉnh ủy",
    "TW": "Trung ương",
    "VPCP": "Văn phòng Chính phủ",
    "VPTW": "Văn phòng Trung ương Đảng",
    "BTCTW": "Ban Tổ chức Trung ương",
    "TTg": "Thủ tướng Chính phủ",
    "CP": "Chính phủ",
    "ĐTN": "Đoàn Thanh niên",
    **{a: b.name for b in BODIES for a in b.abbreviations},
}


@lru_cache(maxsize=1)
def _bodies_by_key() -> dict[str, Body]:
    table: dict[str, Body] = {}
    for b in BODIES:
        table[_key(b.name)] = b
        for a in b.abbreviations:
            table[_key(a)] = b
    return table


def body_of(name: str | None) -> Body | None:
    """The body a name or abbreviation denotes ('Ban Tuyên giáo Trung ương', 'btgdvtw'); None if not listed."""
    if not name:
        return None
    return _bodies_by_key().get(_key(name))


def body_successor(name: str | None) -> str | None:
    """What a body is called since its 2025 merger (itself when unchanged); None if not listed."""
    body = body_of(name)
    if body is None:
        return None
    return body.successor or body.name


def issuer_of_number(number: str | None) -> str | None:
    """The issuing body a number's code names when it names one body unambiguously ('40-HD/BTGDVTW' → 'Ban
    Tuyên giáo và Dân vận Trung ương', '634/TB-VPCP' → 'Văn phòng Chính phủ'); None for local codes such as
    'UBND' or 'TU' (which province?)."""
    if not number:
        return None
    parts = [p for p in re.split(r"[/-]", re.sub(r"\s+", "", number))[1:] if p and not p.isdigit()]
    for part in reversed(parts[1:]):
        name = ABBREVIATIONS.get(part)
        if name and name not in ("Trung ương", "Chính phủ") and any(w in name for w in ("Trung ương", "Chính phủ",
                                                                                        "Bộ ")):
            return name
    return None


# ----------------------------------------------------------------------------------------------------
# Structural markers

# Signature authority prefixes: "TM. BAN THƯỜNG VỤ", "KT. CHỦ TỊCH", "T/M", "K/T", "Q. GIÁM ĐỐC", "TL.", "TUQ.".
SIGNATURE_PREFIXES: tuple[str, ...] = ("T/M", "TM", "K/T", "KT", "TL", "T/L", "TUQ", "Q")
SIGNATURE_PREFIX_RE = re.compile(
    r"^(?P<pre>" + "|".join(re.escape(p) for p in sorted(SIGNATURE_PREFIXES, key=len, reverse=True))
    + r")\s*[.:]?\s+(?P<rest>\S.*)$"
)
# Folded first words of the recipients block.
RECIPIENTS_RE = re.compile(r"^(?:noi nhan|noi gui)\s*(?::.*)?$", re.IGNORECASE)
# Upper-case words that open an attached annex.
ANNEX_WORDS: tuple[str, ...] = ("ĐỀ CƯƠNG", "PHỤ LỤC")
# Words that open a preamble sentence citing the bases of a document.
INTRO_WORDS: tuple[str, ...] = ("Căn cứ", "Thực hiện", "Theo", "Trên cơ sở", "Thi hành", "Triển khai")
# First words of an organisation name (issuer detection).
ORG_START: tuple[str, ...] = (
    "Ban", "Ủy ban", "Uỷ ban", "UBND", "Sở", "Hội", "Liên đoàn", "LĐLĐ", "Tỉnh ủy", "Tỉnh uỷ", "Thường trực",
    "Đảng ủy", "Đảng uỷ", "Huyện ủy", "Thành ủy", "Mặt trận", "Văn phòng", "Đoàn", "Công đoàn", "Trung tâm", "Cục",
    "Bộ", "Hội đồng", "HĐND",
)
