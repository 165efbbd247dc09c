"""Evidence scoring: question words, corpus-weighted coverage, sentence spans, support checks.

Everything here compares on the folded form (no diacritics, new tone placement), so user spelling does not matter.
"""

from __future__ import annotations

import itertools
import math
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from rag.lexicon.sentences import CLAUSE_ENDS, START_ITEM, sentence_offsets, strip_citations
from rag.text import fold, normalize

# Question and function words that carry no topic (folded).
STOPWORDS = frozenset((
    "a", "ai", "anh", "ay", "bao", "bi", "boi", "cac", "cach", "cai", "can", "chi", "cho", "chua", "chu", "co",
    "con", "cua", "cu", "da", "dang", "day", "de", "den", "deu", "di", "do", "duoc", "gi", "gom", "ha", "hay",
    "hoac", "hoi", "khi", "khong", "la", "lam", "lan", "len", "loai", "luc", "ma", "moi", "minh", "mot", "muon",
    "nao", "nay", "neu", "nhe", "nhi", "nho", "nhung", "nhu", "nua", "o", "ong", "ra", "rang", "roi", "sao", "se",
    "sau", "tai", "the", "thi", "thoi", "tra", "trong", "tu", "va", "vao", "van", "ve", "vi", "voi", "vay",
    "xem", "xin", "em", "toi", "chung", "ta", "biet", "giup", "nhieu", "dau", "cho_biet", "hay_cho", "nhac",
    "nhac_den", "de_cap", "neu_ra", "noi", "noi_ve", "the_nao", "nhu_the_nao", "bao_nhieu", "khi_nao", "o_dau",
    "cai_gi", "la_gi", "nhung_gi", "gi_vay", "nao_vay", "duoc_khong", "co_khong", "khong_a", "a_oi", "vay_a",
    "the_a", "nhi_a"
))

_WORD_RE = re.compile(r"[^\W_]+(?:[-/][^\W_]+)*", re.UNICODE)
_NUMBER_RE = re.compile(r"\d+(?:[/.\-]\d+)*(?:[/-][A-Za-zĐđ0-9]+)*")


def _segment(text: str) -> list[str]:
    """Vietnamese word segmentation (pyvi) when available; syllables otherwise."""
    try:
        from pyvi import ViTokenizer  # imported lazily: 2 s on first use
    except ImportError:  # pragma: no cover - pyvi is a dependency
        return _WORD_RE.findall(text)
    return ViTokenizer.tokenize(text).split()


def _join_known_pairs(syllables: list[str], stats: CorpusStats) -> list[str]:
    """Without diacritics pyvi cannot segment: split the syllables into the phrases the corpus uses, preferring
    known phrases to single syllables ('mat tran' + 'to quoc', not 'do mat' + 'tran to'); a phrase neither
    starts nor ends with a stopword."""
    n = len(syllables)
    empty: list[str] = []
    best: list[tuple[float, list[str]]] = [(0.0, empty)] + [(-1.0, empty)] * n
    for end in range(1, n + 1):
        candidates = []
        for length in range(1, min(4, end) + 1):
            parts = syllables[end - length:end]
            if length == 1:
                gain = 1.0
            elif parts[0] in STOPWORDS or parts[-1] in STOPWORDS or stats.df(" ".join(parts)) == 0:
                continue
            else:
                # a known phrase beats its syllables; two pairs beat one long run; inner stopwords cost
                gain = length + 0.5 - 0.75 * sum(p in STOPWORDS for p in parts[1:-1])
            prev_score, prev_words = best[end - length]
            if prev_score >= 0:
                candidates.append((prev_score + gain, [*prev_words, "_".join(parts)]))
        best[end] = max(candidates, key=lambda c: c[0])
    return best[n][1]


def _split_unknown(tokens: list[str], stats: CorpusStats | None) -> list[str]:
    """A segmented word the corpus never uses ('Lai_Châu_nhắc') is split into the longest phrases it does use."""
    if stats is None:
        return tokens
    out: list[str] = []
    for token in tokens:
        parts = token.split("_")
        if len(parts) < 2 or stats.df(fold(" ".join(parts))) > 0:
            out.append(token)
            continue
        i = 0
        while i < len(parts):
            for j in range(len(parts), i, -1):
                if j - i == 1 or stats.df(fold(" ".join(parts[i:j]))) > 0:
                    out.append("_".join(parts[i:j]))
                    i = j
                    break
    return out


def question_words(question: str, stats: CorpusStats | None = None) -> list[str]:
    """Content words of a question, folded, multi-syllable words joined with spaces ('kinh phi')."""
    norm = normalize(question)
    has_marks = fold(norm) != norm.lower()
    raw = _segment(norm) if has_marks else _WORD_RE.findall(norm)
    if not has_marks and stats is not None:
        raw = _join_known_pairs([fold(t) for t in raw], stats)
    words: list[str] = []
    for token in _split_unknown(raw, stats):
        word = fold(token.replace("_", " ")).strip()
        if not word or not any(ch.isalnum() for ch in word):
            continue
        if word.replace(" ", "_") in STOPWORDS or word in STOPWORDS:
            continue  # multi-syllable words are stopwords only as a whole ("bao nhieu", not "bao chi")
        if word not in words:
            words.append(word)
    return words


def folded_padded(text: str) -> str:
    """Folded text with spaces around words so phrase lookups match whole syllables; document numbers also
    contribute their parts ('21-kl/tw' → '21', 'kl', 'tw')."""
    words = _WORD_RE.findall(fold(text.replace("*", "")))
    parts = [p for w in words if "-" in w or "/" in w for p in re.split(r"[-/]", w) if p]
    return " " + " ".join(words) + " " + " ".join(parts) + " "


class CorpusStats:
    """Phrase document frequencies over the live chunks (for IDF-weighted coverage)."""

    def __init__(self, texts: Sequence[str]) -> None:
        self._texts = [folded_padded(t) for t in texts]
        self._lock = threading.Lock()
        self._df: dict[str, int] = {}

    @property
    def size(self) -> int:
        return len(self._texts)

    def df(self, word: str) -> int:
        with self._lock:
            if word not in self._df:
                needle = f" {word} "
                self._df[word] = sum(1 for t in self._texts if needle in t)
            return self._df[word]

    def idf(self, word: str) -> float:
        n = max(self.size, 1)
        df = self.df(word)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))


def coverage(words: Sequence[str], text: str, stats: CorpusStats) -> float:
    """IDF-weighted share of the question's words present in `text` (1.0 = all, rare words count most).

    Words the corpus never uses are left out: they cannot tell passages apart (a paraphrase, or a concept the
    documents lack — the latter is caught by rag.refusal's rules and `unknown_share`).
    """
    if not words:
        return 0.0
    hay = folded_padded(text)
    total = 0.0
    hit = 0.0
    for word in words:
        if stats.df(word) == 0:
            continue
        weight = stats.idf(word)
        total += weight
        if f" {word} " in hay:
            hit += weight
    return hit / total if total else 0.0


def unknown_share(words: Sequence[str], stats: CorpusStats) -> float:
    """Share of the question's words that appear nowhere in the corpus."""
    if not words:
        return 1.0
    return sum(1 for w in words if stats.df(w) == 0) / len(words)


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


def sentence_spans(text: str) -> list[Span]:
    """Sentences / list items of a passage, with offsets into it."""
    offsets = sentence_offsets(text, CLAUSE_ENDS, start=START_ITEM, newlines=True)
    spans = [Span(a, b, text[a:b]) for a, b in offsets]
    merged: list[Span] = []
    for span in spans:
        if merged and len(merged[-1].text) < 16:
            prev = merged.pop()
            span = Span(prev.start, span.end, text[prev.start:span.end])
        merged.append(span)
    return merged


@lru_cache(maxsize=4096)
def content_tokens(text: str) -> frozenset[str]:
    """Folded syllables of a text minus stopwords."""
    return frozenset(t for t in _WORD_RE.findall(fold(text)) if t not in STOPWORDS and len(t) > 1)


def numbers_in(text: str) -> set[str]:
    """Numbers, dates and document numbers (normalised) in a text."""
    out = set()
    for m in _NUMBER_RE.findall(normalize(text)):
        out.add(m.upper().lstrip("0") or "0")
    return out


_NAME_RE = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-ZĐÀ-Ỹ][a-zà-ỹđ]+(?:\s+[A-ZĐÀ-Ỹ][a-zà-ỹđ]+){1,4})")


def names_in(text: str) -> set[str]:
    """Capitalised multi-word names (proper nouns) inside a sentence, folded."""
    return {fold(m) for m in _NAME_RE.findall(normalize(text))}


_QUOTED_RE = re.compile(r"[«“\"]([^»”\"]{4,})[»”\"]")
_CLAUSE_SPLIT = re.compile(r"[,;:()]\s|\s[-–]\s|\n")


def _words(text: str) -> list[str]:
    """Folded words in order, without 'số' ('Nghị quyết số 35' and 'Nghị quyết 35' are the same run)."""
    return [w for w in _WORD_RE.findall(fold(text.replace("*", ""))) if w != "so"]


def _bigrams(words: Sequence[str]) -> set[tuple[str, str]]:
    return set(itertools.pairwise(words))


def _is_content(word: str) -> bool:
    return word not in STOPWORDS and len(word) > 1 and not any(ch.isdigit() for ch in word)


def _is_doc_number(word: str) -> bool:
    """'35-nq/tw', '464/kh-ldld': a document number (a date next to it is that document's date)."""
    return any(ch.isdigit() for ch in word) and any(ch.isalpha() for ch in word)


def phrase_coverage(claim: str, source: str) -> float:
    """Share of the claim's content words that sit in a run of ≥ 2 consecutive claim words also consecutive in
    the source: words must come as the source's phrases, not scattered over it."""
    words = _words(claim)
    pairs = _bigrams(_words(source))
    content = [i for i, w in enumerate(words) if _is_content(w)]
    if not content:
        return 0.0
    covered = sum(1 for i in content if (i > 0 and (words[i - 1], words[i]) in pairs)
                  or (i + 1 < len(words) and (words[i], words[i + 1]) in pairs))
    return covered / len(content)


def numbers_linked(claim: str, source: str) -> bool:
    """Every number of the claim sits in a run shared with the source that also holds a word saying what it is
    the number of (not only 'ngày', 'số', 'triệu đồng'…): a date or amount written elsewhere in the source,
    about something else, does not support it."""
    from rag.lexicon.units import NUMBER_FRAME_WORDS

    words = _words(claim)
    pairs = _bigrams(_words(source))
    for i, word in enumerate(words):
        if not any(ch.isdigit() for ch in word):
            continue
        lo = i
        while lo > 0 and (words[lo - 1], words[lo]) in pairs:
            lo -= 1
        hi = i
        while hi + 1 < len(words) and (words[hi], words[hi + 1]) in pairs:
            hi += 1
        others = words[lo:i] + words[i + 1:hi + 1]
        if not any((_is_content(w) and w not in NUMBER_FRAME_WORDS) or _is_doc_number(w) for w in others):
            return False
    return True


def quoted_titles_exact(claim: str, source: str) -> bool:
    """Text the claim puts in quotes («…», "…") is in the source word for word."""
    hay = " ".join(_words(source))
    return all(" ".join(_words(q)) in hay for q in _QUOTED_RE.findall(claim))


def supports(claim: str, source: str, *, min_overlap: float = 0.6, min_phrases: float = 0.6) -> bool:
    """Whether `source` supports `claim`: enough shared content words, most of them in the source's own
    phrases (ordered runs); every number and name is in the source and every number linked there to what the
    claim says it is; quoted titles are exact."""
    claim = strip_citations(claim)
    claim_tokens = content_tokens(claim)
    if len(claim_tokens) < 3:
        return False  # too little content to check ("Tỉnh A, tỉnh B…"): never passes as supported
    source_tokens = content_tokens(source)
    overlap = len(claim_tokens & source_tokens) / len(claim_tokens)
    if overlap < min_overlap or phrase_coverage(claim, source) < min_phrases:
        return False
    source_numbers = numbers_in(source)
    if any(n not in source_numbers for n in numbers_in(claim)):
        return False
    source_folded = folded_padded(source)
    if not all(f" {name} " in source_folded for name in names_in(claim)):
        return False
    return numbers_linked(claim, source) and quoted_titles_exact(claim, source)


def close_to(claim: str, sentence: str, *, share: float = 0.5) -> bool:
    """Whether `claim` reuses `sentence`: at least `share` of the claim's content words sit in runs of the
    sentence and at least `share` of the sentence's sit in runs of the claim (a shared phrase alone is not)."""
    claim = strip_citations(claim)
    return phrase_coverage(claim, sentence) >= share and phrase_coverage(sentence, claim) >= share


def best_window(words: Sequence[str], text: str, stats: CorpusStats, max_chars: int,
                max_sentences: int = 3) -> Span | None:
    """The run of consecutive sentences (verbatim, ≤ max_chars) covering the question's words best.

    A window never ends on a lead-in ("Hỗ trợ giai đoạn phục hồi:") when the items it introduces follow: alone it
    quotes a heading without its content, so the window takes the next item too (within the same limits)."""
    spans = sentence_spans(text)
    if not spans:
        return None
    best: tuple[float, int, Span] | None = None
    for i in range(len(spans)):
        for j in range(i, min(len(spans), i + max_sentences + 1)):
            length = spans[j].end - spans[i].start
            if length > max_chars and j > i:
                break
            if j + 1 < len(spans) and spans[j].text.rstrip().endswith(":"):
                continue  # a lead-in: extend to its first item
            if j - i >= max_sentences and not spans[j - 1].text.rstrip().endswith(":"):
                break  # the extra sentence is only for a lead-in's item
            window = Span(spans[i].start, spans[j].end, text[spans[i].start:spans[j].end])
            score = coverage(words, window.text, stats)
            key = (score, -length)
            if best is None or key > (best[0], best[1]):
                best = (score, -length, window)
    return best[2] if best else None
