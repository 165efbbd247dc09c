"""Vietnamese text normalisation for indexing and matching (stored/quoted text stays as written).

Forms:
- `normalize(s)`: NFC, one tone-mark placement (new style: hóa, ủy, khỏe), glued tokens split, spaces collapsed.
- `fold(s)`: `normalize` + lowercase + no diacritics (đ→d): what a user typing without accents produces.
- `tokens(s)`: lexical tokens over the folded form; document numbers such as `35-NQ/TW` stay whole.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_VOWELS = "aăâeêioôơuưy"
# Tone marks as combining characters (NFD).
_TONES = "\u0300\u0301\u0303\u0309\u0323"

# Old → new tone placement for open syllables ending in oa/oe/uy: the mark moves to the first vowel.
_OLD_TONE = re.compile(
    r"(?<![qQ])([oOuU])([aAeEyY])([\u0300\u0301\u0303\u0309\u0323])(?![\w\u0300-\u036f])",
)

_FINALS = ("ch", "ng", "nh", "c", "m", "n", "p", "t")
_INITIALS = frozenset((
    "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng", "ngh", "nh", "p", "ph", "qu",
    "r", "s", "t", "th", "tr", "v", "x"
))
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_LOWER = "a-zàáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
_UPPER = "A-ZÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
# 'số175' splits; 'QH15' (upper-case code) does not.
_LETTER_DIGIT = re.compile(rf"(?<=[{_LOWER}])(?=\d)")
_LOWER_UPPER = re.compile(rf"(?<=[{_LOWER}])(?=[{_UPPER}])")
_SPACES = re.compile(r"[ \t\u00a0\u200b]+")
# Document numbers: 35-NQ/TW, 464/KH-LĐLĐ, 55/2022/QH15, 374 /KH-MTTQ-BTT, 6361/MTTW-BTT.
DOC_NUMBER = re.compile(
    r"\b(\d{1,5})\s*([/-])\s*((?:\d{4}/)?[A-ZĐ][A-ZĐa-zđ0-9]*(?:\s*[/-]\s*[A-ZĐ][A-ZĐa-zđ0-9]*)*)",
)
_TOKEN = re.compile(r"\d+(?:[/-][a-z0-9]+)+|[a-z0-9]+", re.UNICODE)


def nfc(text: str) -> str:
    """Unicode NFC."""
    return unicodedata.normalize("NFC", text)


def normalize_tones(text: str) -> str:
    """Move old-style tone marks (hoá, uỷ, khoẻ) to the new-style vowel (hóa, ủy, khỏe)."""
    decomposed = unicodedata.normalize("NFD", text)
    moved = _OLD_TONE.sub(lambda m: m.group(1) + m.group(3) + m.group(2), decomposed)
    return unicodedata.normalize("NFC", moved)


def strip_diacritics(text: str) -> str:
    """Remove every diacritic; đ→d."""
    decomposed = unicodedata.normalize("NFD", text)
    base = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return base.replace("đ", "d").replace("Đ", "D")


def _is_vowel(ch: str) -> bool:
    return strip_diacritics(ch).lower() in "aeiouy"


def _split_cluster(cluster: str) -> int | None:
    """Where a consonant cluster between two vowel groups splits into final + initial (index), or None."""
    low = cluster.lower()
    for cut in range(len(low) + 1):
        final, initial = low[:cut], low[cut:]
        if (final == "" or final in _FINALS) and initial in _INITIALS:
            return cut
    return None


@lru_cache(maxsize=65536)
def _unglue_word(word: str) -> str:
    """Split a glued Vietnamese word like 'Kếhoạch' into syllables; leave anything else alone."""
    if len(word) < 4 or word.isupper() or word == strip_diacritics(word):
        return word
    parts: list[str] = []
    start = 0
    i = 0
    n = len(word)
    # walk: [consonants][vowels][consonants][vowels]...
    while i < n and not _is_vowel(word[i]):
        i += 1
    while i < n:
        while i < n and _is_vowel(word[i]):
            i += 1
        j = i
        while j < n and not _is_vowel(word[j]):
            j += 1
        if j >= n:
            break
        cut = _split_cluster(word[i:j])
        if cut is None:
            return word
        # "gi"/"qu" initials: the i/u belongs to the initial, already a consonant-like vowel; accept as is.
        parts.append(word[start:i + cut])
        start = i + cut
        i = j
    parts.append(word[start:])
    return " ".join(parts)


def unglue(text: str) -> str:
    """Split glued tokens: 'số175-KH/TU' → 'số 175-KH/TU', 'vụTỉnh' → 'vụ Tỉnh', 'Kếhoạch' → 'Kế hoạch'."""
    text = _LETTER_DIGIT.sub(" ", text)
    text = _LOWER_UPPER.sub(" ", text)
    return _WORD.sub(lambda m: _unglue_word(m.group(0)), text)


def normalize(text: str) -> str:
    """The canonical form used for indexing and matching (never shown to users)."""
    text = normalize_tones(nfc(text))
    text = unglue(text)
    return _SPACES.sub(" ", text).strip()


def fold(text: str) -> str:
    """Lowercase, diacritics-free form of `normalize` (for users typing without accents)."""
    return strip_diacritics(normalize(text)).lower()


def canonical_number(text: str) -> str:
    """Canonical spelling of a document number: no spaces, upper case ('374 /kh-mttq-btt' → '374/KH-MTTQ-BTT')."""
    upper = re.sub(r"\s+", "", nfc(text)).upper()
    return re.sub(r"(?<![A-ZĐ])CTR(?=[/-]|$)", "CTr", upper)  # 'Chương trình' is spelt CTr


def tokens(text: str) -> list[str]:
    """Lexical tokens over the folded text; document numbers (35-nq/tw) are kept whole and also split."""
    folded = fold(text)
    out: list[str] = []
    for tok in _TOKEN.findall(folded):
        out.append(tok)
        if "/" in tok or "-" in tok:
            out.extend(p for p in re.split(r"[/-]", tok) if p)
    return out
