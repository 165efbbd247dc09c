"""The signature block (signer and every title line) and the `Nơi nhận` list of a document.

Signer title format: the signature's title lines as written, wrapped pieces joined, separated by ' / ':
'KT. CHỦ TỊCH / PHÓ CHỦ TỊCH', 'K/T TRƯỞNG BAN / PHÓ TRƯỞNG BAN THƯỜNG TRỰC'. The 'TM. <body>' line names the
body signed for, not the signer's office, so it is left out, except when it is the only title line
('T/M BAN BÍ THƯ'): then it is all the signature says about the signer.
"""

from __future__ import annotations

import re

from rag.metadata_text import clean, is_upper
from rag.outline import SIGNED_RE, is_person_name
from rag.text import fold
from rag.types import Section

_PREFIX_RE = re.compile(r"^(?:T/M|TM|K/T|KT|TL|T/L|TUQ|Q)\s*[.:]?\s+\S", re.IGNORECASE)
_TM_RE = re.compile(r"^(?:T/M|TM)\b")
# Folded first words of an office: a title line starting so is a new line, not the wrapped end of the last one.
_OFFICE_STARTS = (
    "pho ",
    "chu tich",
    "chu nhiem",
    "truong ",
    "giam doc",
    "bi thu",
    "chanh ",
    "bo truong",
    "thu truong",
    "tong ",
    "cuc truong",
    "vien truong",
    "hieu truong",
    "uy vien",
    "thu tuong",
    "thuong truc",
    "tong bi thu",
)
_RECIPIENT_PREFIX = re.compile(r"^_*N[ơo]i\s+(?:nh[ậa]n|g[ửu]i)_*\s*:?\s*", re.IGNORECASE)
_BULLET_RE = re.compile(r"^[-–—•+·]\s*")
_COPIES_RE = re.compile(r"\s*\(\s*\d+\s*(?:bản|b)\s*\)", re.IGNORECASE)
_COPIES_LINE_RE = re.compile(r"^\(?\d{1,3}\s*(?:bản|b|[A-ZĐ]{1,4})\)?\.?$")  # '09 KH', '05 bản': copies made


def _title_lines(lines: list[str]) -> list[str]:
    """Upper-case title lines before the name, wrapped pieces joined ('TM. ỦY BAN NHÂN' + 'DÂN')."""
    out: list[str] = []
    for line in lines:
        f = fold(line)
        new = bool(_PREFIX_RE.match(line)) or (f.startswith(_OFFICE_STARTS) and not (out and out[-1].endswith(",")))
        if out and not new:
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return out


def signature_of(section: Section | None) -> tuple[str | None, str | None]:
    """(signer, title) from a signature section."""
    if section is None:
        return None, None
    lines = [c for c in (clean(x) for x in section.text.split("\n")) if c]
    name_at = next((i for i, ln in enumerate(lines) if is_person_name(ln)), None)
    head = lines[:name_at] if name_at is not None else lines
    titles = [ln for ln in head if is_upper(ln) and len(ln) <= 80 and not SIGNED_RE.match(ln)]
    joined = _title_lines(titles)
    kept = [t for t in joined if not _TM_RE.match(t)] or joined
    name = lines[name_at] if name_at is not None else None
    return name, (" / ".join(kept) or None)


def recipients_of(section: Section | None, text: str = "") -> list[str]:
    """Items of the Nơi nhận section, else of the first 'Nơi nhận:' block found in `text` (its end: the
    signature's first upper-case line)."""
    if section is not None:
        return recipients_in(section.text)
    lines = text.split("\n")
    start = next((i for i, ln in enumerate(lines) if _RECIPIENT_PREFIX.match(clean(ln))), None)
    if start is None:
        return []
    block = [lines[start]]
    for raw in lines[start + 1 : start + 40]:
        c = clean(raw)
        if c and (is_upper(c) or is_person_name(c)):
            break
        block.append(raw)
    return recipients_in("\n".join(block))


def recipients_in(block: str) -> list[str]:
    """Items of a Nơi nhận block: bullets dropped, wrapped lines joined, copy counts '(02 bản)' stripped."""
    items: list[str] = []
    bulleted = False  # the list marks its items with dashes: an unmarked line continues the last item
    open_item = False  # the last item did not end its line with a separator
    for n, raw in enumerate(block.split("\n")):
        line = clean(raw)
        if n == 0:
            line = _RECIPIENT_PREFIX.sub("", line)
        if not line or _COPIES_LINE_RE.match(line):
            continue
        if _BULLET_RE.match(line):
            bulleted = True
            items.append(_BULLET_RE.sub("", line))
        elif items and (line[:1].islower() or raw[:1] in (" ", "\t") or (bulleted and open_item)):
            items[-1] = f"{items[-1]} {line}"
        else:
            items.append(line)
        open_item = not items[-1].endswith((";", ",", "."))
    cleaned = [_COPIES_RE.sub("", it).strip().rstrip(";,.").strip() for it in items]
    return [c for c in cleaned if c]
