"""Structural markers: signature prefixes, Nơi nhận, annex words, preamble openers, organisation starts."""

from __future__ import annotations

import re

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
# Folded words naming an event whose date a question may ask (not the date a document was issued).
EVENT_WORDS: tuple[str, ...] = (
    "dien ra", "khai mac", "be mac", "hoi nghi", "hoi thao", "dai hoi", "cuoc thi", "hoi thi", "tap huan",
    "mit tinh", "ra quan", "trien lam", "le phat dong", "to chuc vao", "to chuc ngay", "to chuc khi", "to chuc o",
    "du kien to chuc",
)
