"""Instruction-like lines planted in documents (prompt injection), as folded patterns.

A line of an administrative document never addresses the reader's assistant: it does not tell anyone to ignore
instructions, to answer only some text, to reveal a prompt or to play a role. Patterns are matched against the
folded text (`rag.text.fold`: no diacritics, lower case), so "Bỏ qua mọi hướng dẫn", "bo qua moi huong dan" and
"BỎ QUA MỌI HƯỚNG DẪN" are the same line. Each entry is one regular expression over folded text.
"""

from __future__ import annotations

import re

INJECTION_PATTERNS: tuple[str, ...] = (
    # Vietnamese: ignore / forget / disregard the (previous, all) instructions or rules
    r"\b(?:bo qua|phot lo|lo di|quen di|quen het|quen|khong can tuan theo|dung tuan theo)\s+"
    r"(?:(?:moi|tat ca|toan bo|cac|nhung|het|nay|do)\s+)*"
    r"(?:huong dan|chi dan|quy tac|yeu cau|lenh|menh lenh|cau lenh|loi nhac)\b",
    # answer only / reply exactly / print only "…"
    r"\b(?:tra loi|phan hoi|in ra|viet ra|xuat ra)\s+(?:\w+\s+){0,3}?(?:duy nhat|nguyen van)\b",
    r"\bchi (?:tra loi|phan hoi|in ra|viet ra|xuat ra)\b.{0,15}(?:[\"'“«]|:|\bbang\b|\bla\b)",
    # reveal / disclose the prompt, the instructions, secrets, keys
    r"\b(?:tiet lo|in ra|hien thi)\b.{0,30}\b(?:system prompt|loi nhac|prompt|huong dan he thong"
    r"|chi dan he thong|cau hinh|mat khau|khoa api|api key)\b",
    # role play / new identity addressed to the assistant
    r"\b(?:ban la|hay dong vai|tu nay ban|ke tu bay gio ban)\b.{0,40}\b(?:tro ly|chatbot|mo hinh|ai|tro ly ao)\b",
    r"\b(?:gui|nhan) (?:toi|den) (?:tro ly|chatbot|mo hinh ngon ngu|ai)\b",
    # English
    r"\b(?:ignore|disregard|forget)\b.{0,30}\b(?:instructions?|prompts?|rules?|directions?)\b",
    r"\b(?:reveal|print|show|disclose)\b.{0,30}\b(?:system prompt|instructions|prompt|secret|api key)\b",
    r"\b(?:answer|reply|respond|say)\b.{0,15}\bonly\b.{0,10}(?:[\"'“«]|:|\bwith\b)",
    r"\byou are now\b|\bact as\b.{0,30}\b(?:assistant|model|ai)\b",
)

INJECTION_RE = re.compile("|".join(f"(?:{p})" for p in INJECTION_PATTERNS))
