"""Provinces before and after the 2025 merger, communes, wards and special zones."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from rag.text import fold, nfc, normalize_tones, strip_diacritics

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


def name_key(name: str) -> str:
    """Comparison key of a place name: folded, dashes and dots as spaces, single spaces."""
    return " ".join(re.sub(r"[-–—.]", " ", fold(name)).split())


@lru_cache(maxsize=1)
def _by_key() -> dict[str, str]:
    table = {name_key(p): p for p in ALL_PROVINCES}
    table.update({name_key(a): c for a, c in PROVINCE_ALIASES.items()})
    return table


def province_canonical(name: str | None) -> str | None:
    """Canonical province for any spelling, old or new ('tỉnh Khánh Hoà' → 'Khánh Hòa', 'TP.HCM' → 'Thành phố
    Hồ Chí Minh', 'Thừa Thiên - Huế' → 'Thừa Thiên Huế'); None when it is not a province."""
    if not name:
        return None
    k = name_key(name)
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
