"""Document number patterns, and what is not a number (file names, URLs)."""

from __future__ import annotations

import re

from rag.text import fold

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
