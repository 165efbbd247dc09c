"""What a plan's sections are called and how officers ask for them, as data (used by `rag.section_answers`).

All entries are folded (`rag.text.fold`: lower case, no diacritics), so matching ignores accents and case.
A topic is a group of words that name the same kind of section: a question saying "phương thức" is answered by
the section headed "HÌNH THỨC TUYÊN TRUYỀN", one asking "trọng tâm" by "NỘI DUNG".
"""

from __future__ import annotations

import re

# topic → words naming it (in headings and in questions). Longest phrases first within a topic is not needed:
# matching is on whole words.
SECTION_TOPICS: dict[str, tuple[str, ...]] = {
    "form": ("hinh thuc", "phuong thuc", "cach thuc", "kenh", "bien phap tuyen truyen"),
    "content": ("noi dung", "trong tam"),
    "purpose": ("muc dich", "yeu cau", "muc tieu", "chi tieu"),
    "task": ("nhiem vu", "giai phap"),
    "implementation": ("to chuc thuc hien", "phan cong", "trach nhiem thuc hien", "to chuc trien khai"),
    "schedule": ("thoi gian", "tien do", "lo trinh", "moc thoi gian"),
    "budget": ("kinh phi", "ngan sach", "nguon kinh phi", "nguon luc tai chinh"),
    "audience": ("doi tuong", "pham vi"),
    "activity": ("hoat dong",),
}

# The question asks for a list or the content of a section ("những … nào", "gồm", "ra sao", "là gì").
LIST_FORM = re.compile(
    r"\b(?:nhung|cac|may)\b(?:\s+\w+){0,6}?\s+(?:nao|gi)\b|\bgom\b|\bbao gom\b|\bra sao\b|\bla gi\b"
    r"|\bnhu the nao\b|\bthe nao\b|\bnhung gi\b|\bliet ke\b|\bke ten\b|\bnhung viec\b"
)
# Topics whose name followed by "gì"/"nào" asks for the section's content ("đặt ra mục đích gì", "hình thức
# nào"). Schedule and budget are left out: "thời gian nào", "kinh phí gì" ask for a value (a fact question).
LIST_TOPICS: tuple[str, ...] = ("form", "content", "purpose", "task", "audience", "activity")
TOPIC_ASKED = re.compile(
    r"\b(?:" + "|".join(w for t in LIST_TOPICS for w in SECTION_TOPICS[t]) + r")(?:\s+\w+)?\s+(?:gi|nao)\b"
)

# The question asks which plans (or places) say something: answered by comparing plans, not by one section.
ASKS_WHICH_PLANS = re.compile(
    r"\b(?:ke hoach|van ban|tinh|dia phuong|don vi ban hanh)\s+nao\b|\b(?:may|bao nhieu)\s+(?:ke hoach|van ban|tinh)\b"
)

# Question words that are no part of what is asked (they never make a heading match).
QUESTION_WORDS: frozenset[str] = frozenset((
    "ke", "hoach", "kh", "van", "ban", "tai", "lieu", "cong", "so", "nhung", "cac", "nao", "gi", "gom", "bao",
    "la", "ra", "sao", "cua", "trong", "theo", "ve", "cho", "va", "voi", "de", "duoc", "co", "the", "nhu", "mot",
    "nay", "do", "ay", "o", "tai", "tinh", "thanh", "pho", "huyen", "xa", "nam", "may", "can", "phai", "khi",
    "neu", "liet", "ten", "ro", "xac", "dinh", "dua", "nhung", "qua", "tu", "den", "cung", "hay",
    "vao", "len", "ai", "dau", "bao", "gio", "hien", "muon", "hoi", "cap", "ta", "minh", "moi", "toan",
))

# Heading words too common to make a match on their own (every plan's headings are full of them).
WEAK_HEADING_WORDS: frozenset[str] = frozenset(("tuyen", "truyen", "cong", "tac", "thuc", "hien", "ke", "hoach"))

# A question whose content syllable pairs cover at least this share of a heading's pairs names that heading.
MIN_HEADING_COVER = 0.99
# A heading must share at least this many content syllables with the question (besides a topic word).
MIN_SHARED_WORDS = 2

# Or: the question holds at least this many of a heading's syllable pairs and this many of its content syllables
# (two compound words at least: "tập huấn, bồi dưỡng" names "Tổ chức tập huấn, bồi dưỡng, hướng dẫn …").
MIN_MATCHED_PAIRS = 3
MIN_PARTIAL_SHARED_WORDS = 4

# Long sections: more items or characters than these show only each item's lead; the rest goes to "Xem thêm".
LONG_ITEMS = 8
LONG_CHARS = 1500
# A long section with fewer items than this lists the paragraphs under them instead (each its own lead).
FEW_ITEMS = 4
# A first sentence shorter than this (a label such as "1. Liên đoàn Lao động tỉnh") takes the next one too.
SHORT_LEAD_CHARS = 60
# At most this many plans get a block in one answer; at most this many items per plan.
MAX_PLANS = 6
MAX_ITEMS = 40
