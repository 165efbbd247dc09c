"""Line classification: one document line cleaned of markdown, and what kind of line it looks like.

Everything here looks at one line (or one string) at a time: cleaning (`clean_line`), short labels for section
paths, and the patterns of the structural lines (title keyword, annex, footnote, form, bullet, separator,
signature, person name, date line, preamble opener). Numbered headings are in `rag.outline.headings`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.lexicon import ANNEX_WORDS, SIGNATURE_PREFIX_RE, TITLE_KEYWORDS
from rag.text import fold, nfc

LABEL_MAX = 60

# Title keywords at a line start ('KẾ HOẠCH'), from the lexicon.
TITLE_RE = re.compile(r"^(?P<kw>" + "|".join(TITLE_KEYWORDS) + r")(?![^\W\d_])")
ANNEX_RE = re.compile(r"^(?:" + "|".join(ANNEX_WORDS) + r")(?![^\W\d_])")
ANNEX_MIXED_RE = re.compile(r"^(?:Phụ lục|PHỤ LỤC)\s*(?:[IVX]+|\d+|số\s*\d+)?\s*:?$")
FOOTNOTE_RE = re.compile(r"^\[1\]\s+\S")
# A form or table attached after the signature ('Mẫu biểu số 01', 'Mẫu số 02', 'Biểu mẫu').
FORM_RE = re.compile(r"^(?:Mẫu biểu|Mẫu số|Biểu mẫu|Phụ biểu|Biểu số|MẪU BIỂU|MẪU SỐ|BIỂU MẪU|PHỤ BIỂU)\b")
BULLET_RE = re.compile(r"^[-–—•+*·]")
SEPARATOR_RE = re.compile(r"^[-_=*~.]{3,}$")
_SIGNER_TITLE_RE = re.compile(
    r"^(?:pho )?(?:chu tich|bi thu|giam doc|truong ban|truong phong|chanh van phong|tong bien tap|"
    r"bo truong|thu truong|chu nhiem|truong doan|tong giam doc|hieu truong|vien truong)\b"
)
SIGNED_RE = re.compile(r"^\(?\s*(?:đã ký|ký|da ky|đã ký và đóng dấu)[^)]*\)?$", re.IGNORECASE)
INTRO_RE = re.compile(r"^(?:Căn cứ|Thực hiện|Theo(?! đó)|Trên cơ sở|Thi hành|Triển khai|Nhằm|Để)\b")
DATE_LINE_RE = re.compile(r"ngày\s*\S*\s*tháng\s*\S*\s*năm\s*\d{4}|^\d{1,2}/\d{1,2}/\d{4}")
# Characters a line or a section's text ends with when its sentence is complete.
SENTENCE_END = ".;:!?…)\"”'»"


def clean_line(line: str) -> str:
    """A line without indentation, markdown emphasis/heading markers or trailing spaces."""
    s = nfc(line).strip().replace("\u00a0", " ")
    while True:
        new = re.sub(r"^(?:#{1,6}\s+|\*\*|__)", "", s).strip()
        new = re.sub(r"(?:\*\*|__)$", "", new).strip()
        if new == s:
            return s
        s = new


def short_label(line: str, limit: int = LABEL_MAX) -> str:
    """A short path label: the line itself, or its first clause(s) cut at a word boundary with '…'."""
    s = re.sub(r"\s+", " ", clean_line(line)).strip()
    if len(s) <= limit:
        return s.rstrip(":").strip() if s.endswith(":") and len(s) > 1 else s
    head = s[: limit + 1]
    cut = -1
    for m in re.finditer(r"[,;:.](?=\s)", head):
        if 30 <= m.start() <= limit:
            cut = m.start()
    if cut < 0:
        cut = head.rfind(" ")
        if cut < 10:
            cut = limit
    return s[:cut].rstrip(" ,;:.-–") + "…"


@dataclass
class Line:
    """One line of the input with its offsets and cleaned copy."""

    idx: int
    start: int  # offset of the first non-space character (or line start when blank)
    end: int  # offset of the end of the line content (without the newline)
    raw: str
    clean: str

    @property
    def blank(self) -> bool:
        """No content once cleaned."""
        return not self.clean


def split_lines(text: str) -> list[Line]:
    """Lines with their content offsets (start of the first non-space character, end of content)."""
    lines: list[Line] = []
    pos = 0
    for idx, raw in enumerate(text.split("\n")):
        content = raw.rstrip("\r")
        stripped_left = len(content) - len(content.lstrip())
        stripped_right = len(content.rstrip())
        cl = clean_line(content)
        start = pos + stripped_left if cl else pos
        end = pos + stripped_right if cl else pos
        lines.append(Line(idx, start, end, content, cl))
        pos += len(raw) + 1
    return lines


def is_upper(s: str) -> bool:
    """Every letter is upper case (and there is at least one)."""
    letters = [c for c in s if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def is_person_name(s: str) -> bool:
    """'Cao Ngọc Tâm': 2-6 capitalised alphabetic words."""
    words = s.split()
    if not 2 <= len(words) <= 6:
        return False
    return all(w.isalpha() and w[0].isupper() and (len(w) == 1 or w[1:].islower()) for w in words)


def signature_start(clean: str) -> bool:
    """'TM. BAN THƯỜNG TRỰC', 'KT. CHỦ TỊCH', 'T/M BAN THƯỜNG VỤ' (upper case, short)."""
    if not clean or len(clean) > 80 or not is_upper(clean):
        return False
    m = SIGNATURE_PREFIX_RE.match(clean)
    return bool(m and is_upper(m.group("rest")) and m.group("rest")[0].isalpha())


def signer_title_line(clean: str) -> bool:
    """'PHÓ CHỦ TỊCH', 'BÍ THƯ' (an upper-case title line of a signature)."""
    return bool(clean) and len(clean) <= 60 and is_upper(clean) and bool(_SIGNER_TITLE_RE.match(fold(clean)))
