"""What value a question asks for, and whether a passage holds that value linked to what it is asked of.

"Đại hội … dự kiến tổ chức ngày nào?" asks for an event date; a passage answers it only when a date sits in the
same sentence as the event's own words, not when the plan's header date is somewhere in the evidence. Kinds are
data (`ASKED_KINDS`); the link is small code: the sentence holding a value must also hold most of the question's
subject words (its content words minus question forms, places and numbers: places locate, they do not say whose
value it is).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rag.evidence import folded_padded, sentence_spans
from rag.lexicon import find_provinces
from rag.lexicon.places import LOCAL_UNITS
from rag.text import fold


@dataclass(frozen=True)
class AskedKind:
    name: str
    label: str  # Vietnamese, "… không ghi {label}"
    asks: re.Pattern[str]  # over the folded question
    value: re.Pattern[str]  # a value of this kind, over a folded sentence
    cues: tuple[str, ...] = ()  # question words that say the kind, not the subject


ASKED_KINDS: tuple[AskedKind, ...] = (
    AskedKind("money", "kinh phí / số tiền",
              re.compile(r"\b(kinh phi|ngan sach|du toan|bao nhieu tien|chi phi|tien thuong|muc chi|chi bao nhieu)\b"),
              re.compile(r"\d[\d.,]*\s*(dong|trieu|ty|nghin|usd|vnd)\b|\b(trieu|ty|nghin) dong\b"),
              ("bao nhieu tien", "bao nhieu", "muc chi")),
    AskedKind("contact", "thông tin liên hệ (điện thoại, email)",
              re.compile(r"\b(so dien thoai|dien thoai|email|hop thu|dia chi lien he|fax|hotline)\b"),
              re.compile(r"\b\d{2,4}[ .]?\d{3}[ .]?\d{3,4}\b|@"),
              ("so dien thoai", "dien thoai", "email", "hop thu", "fax", "hotline", "lien he")),
    AskedKind("count", "số lượng",
              re.compile(r"\b(bao nhieu|may) (buoi|tin|bai|tin bai|lan|nguoi|cuoc|hoi nghi|lop|doan|chuong trinh"
                         r"|san pham|dot)\b"),
              re.compile(r"\b(\d+|mot|hai|ba|bon|nam|sau|bay|tam|chin|muoi) (buoi|tin|bai|lan|nguoi|cuoc|hoi nghi"
                         r"|lop|doan|chuong trinh|san pham|tac pham|dot)\b"),
              ("bao nhieu", "may")),
    AskedKind("deadline", "thời hạn",
              re.compile(r"\b(han chot|thoi han|han nop|truoc ngay nao|cham nhat|han cuoi)\b"),
              re.compile(r"\b(truoc ngay|cham nhat|thoi han|han chot|han nop|truoc \d{1,2}/\d{1,2}|trong thang"
                         r"|truoc thang)\b"),
              ("han chot", "thoi han", "han nop", "cham nhat", "han cuoi")),
    AskedKind("event_date", "thời gian tổ chức",
              re.compile(r"\b(ngay nao|khi nao|bao gio|thoi gian nao|luc nao|thang nao|dip nao)\b"),
              re.compile(r"\b(ngay \d{1,2}|\d{1,2}/\d{1,2}|thang \d{1,2}|quy (i|ii|iii|iv|\d)|dip|nam 20\d\d)\b"),
              ("ngay nao", "khi nao", "bao gio", "thoi gian", "luc nao", "thang nao", "dip nao", "ngay")),
)

_FORMS = frozenset(("nao", "gi", "bao nhieu", "may", "la", "co", "duoc", "du kien", "cu the", "bao gio", "khi"))
# unit words of places ("tỉnh", "thành phố", "xã"…): they locate, they do not say whose value it is
_UNITS = frozenset(("tinh", "thanh pho", "huyen", "thi xa", *(fold(u) for u in LOCAL_UNITS)))


def asked_kind(question: str) -> AskedKind | None:
    """The kind of value the question asks for, or None (a topic, a list, a plan's own particulars…)."""
    q = " ".join(fold(question).split())
    return next((k for k in ASKED_KINDS if k.asks.search(q)), None)


def subject_words(question: str, words: Sequence[str], kind: AskedKind) -> list[str]:
    """The question's words that say whose value is asked: minus the kind's cues, question forms, places and
    numbers."""
    places = {fold(name) for canon, *_ in find_provinces(question, capitalised=False) for name in (canon,)}
    out = []
    for word in words:
        if word in _FORMS or word in _UNITS or word in places or any(ch.isdigit() for ch in word):
            continue
        if any(word == c or word in c.split() for c in kind.cues):
            continue
        out.append(word)
    return out


def linked_sentences(kind: AskedKind, subject: Sequence[str], text: str, context: str = "",
                     min_share: float = 0.5) -> list[str]:
    """Sentences of `text` that hold a value of `kind` together with at least `min_share` of the subject words
    (`context`, e.g. the section path, and the sentence before, which often labels the value, count too)."""
    found = []
    spans = sentence_spans(text)
    for i, span in enumerate(spans):
        folded = " ".join(fold(span.text).split())
        if not kind.value.search(folded):
            continue
        if subject:
            hay = folded_padded(f"{context} {spans[i - 1].text if i else ''} {span.text}")
            share = sum(1 for w in subject if f" {w} " in hay) / len(subject)
            if share < min_share:
                continue
        found.append(span.text)
    return found
