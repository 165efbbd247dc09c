"""Public bodies, their abbreviations, and what they became in 2025."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rag.lexicon.places import name_key as _key


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
