"""Extractive first for facts: the cited sentence that answers, with its answer span marked; and the check that
decides whether a model's rewording of a source sentence may replace it (every key fact kept).

- `pick_sentence(question, sentences)`: the sentence sharing most of the question's content words (ties: the one
  holding a fact: a number, a date, a name), and within it the answer span: the longest run of words the question
  does not already hold.
- `keeps_key_facts(model_sentence, source_sentence)`: every number, document number, quoted title and proper name of
  the source sentence is in the model sentence (compared folded, so accents and case do not matter).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rag.lexicon.sections import QUESTION_WORDS
from rag.text import DOC_NUMBER, fold, normalize

_TOKEN = re.compile(r"\S+")
_NUMBER = re.compile(r"\d+(?:[.,/:-]\d+)*")
_QUOTED = re.compile(r"[“\"«]([^”\"»]{2,200})[”\"»]")
_UPPER_START = re.compile(r"^[A-ZĐÀ-Ỹ]")
# lower-case words that may stand inside a proper name ("Sở Văn hóa, Thể thao và Du lịch")
_NAME_GLUE = frozenset(("và", "của", "các"))
_PUNCT = ".,;:!?()[]“”\"«»…'"


@dataclass(frozen=True)
class Pick:
    index: int  # which sentence
    sentence: str
    start: int  # the answer span, as offsets into `sentence`
    end: int

    @property
    def span(self) -> str:
        return self.sentence[self.start:self.end]

    def marked(self) -> str:
        """The sentence with its answer span in bold."""
        if self.start >= self.end:
            return self.sentence
        return f"{self.sentence[:self.start]}**{self.span}**{self.sentence[self.end:]}"


def _content(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", fold(text)) if w not in QUESTION_WORDS}


def _has_fact(sentence: str) -> bool:
    return bool(_NUMBER.search(sentence) or _QUOTED.search(sentence) or proper_names(sentence))


def _span(question_words: set[str], sentence: str) -> tuple[int, int]:
    """The longest run of words of `sentence` the question does not hold (punctuation trimmed)."""
    best = (0, 0)
    run_start: int | None = None
    run_end = 0
    for m in _TOKEN.finditer(sentence + " ."):
        words = set(re.findall(r"[a-z0-9]+", fold(m.group(0))))
        known = bool(words) and words <= question_words
        if m.end() > len(sentence) or known:
            if run_start is not None and run_end - run_start > best[1] - best[0]:
                best = (run_start, run_end)
            run_start = None
            continue
        if run_start is None:
            run_start = m.start()
        run_end = m.end()
    start, end = best
    while start < end and sentence[start] in _PUNCT + " ":
        start += 1
    while end > start and sentence[end - 1] in _PUNCT + " ":
        end -= 1
    return start, end


def pick_sentence(question: str, sentences: Sequence[str]) -> Pick | None:
    """The sentence that answers the question and its answer span; None when no sentence shares a content word."""
    q_words = _content(question)
    if not q_words:
        return None
    best: tuple[tuple[float, int, int], int] | None = None
    for i, sentence in enumerate(sentences):
        shared = len(q_words & _content(sentence))
        if not shared:
            continue
        rank = (shared / len(q_words), int(_has_fact(sentence)), -i)
        if best is None or rank > best[0]:
            best = (rank, i)
    if best is None:
        return None
    index = best[1]
    sentence = sentences[index]
    all_words = set(re.findall(r"[a-z0-9]+", fold(question)))
    start, end = _span(all_words, sentence)
    return Pick(index, sentence, start, end)


def proper_names(sentence: str) -> list[str]:
    """Runs of capitalised words (with 'và', 'của' inside) not opening the sentence: 'Sở Thông tin và Truyền
    thông', 'Đại hội XIII'. A one-word run counts only when it is all capitals (an abbreviation: 'MTTQ')."""
    tokens = _TOKEN.findall(normalize(sentence))
    names: list[str] = []
    run: list[str] = []

    def flush() -> None:
        while run and run[-1].strip(_PUNCT).lower() in _NAME_GLUE:
            run.pop()
        if len(run) >= 2 or (len(run) == 1 and run[0].strip(_PUNCT).isupper() and len(run[0].strip(_PUNCT)) > 1):
            names.append(" ".join(w.strip(_PUNCT) for w in run))
        run.clear()

    for i, token in enumerate(tokens):
        word = token.strip(_PUNCT)
        if not word:
            flush()
            continue
        capital = bool(_UPPER_START.match(word)) and i > 0
        glue = bool(run) and word.lower() in _NAME_GLUE
        if capital or glue:
            run.append(word)
        else:
            flush()
        if token[-1] in ",;:.()":  # a comma ends a name ("Báo Hòa Bình, Đài …")
            flush()
    flush()
    return names


def key_facts(sentence: str) -> list[str]:
    """The facts a rewording must keep: numbers and dates, document numbers, quoted titles, proper names."""
    text = normalize(sentence)
    facts = ["".join(m.groups()) for m in DOC_NUMBER.finditer(text)]
    facts += [m.group(0) for m in _NUMBER.finditer(text)]
    facts += [m.group(1).strip() for m in _QUOTED.finditer(text)]
    facts += proper_names(text)
    return list(dict.fromkeys(f for f in facts if f))


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9/]+", "", fold(text))


def _number_key(number: str) -> tuple[int, ...]:
    """'07/6/2012' and '7/6/2012' are one date; '1.500' and '1500' one number."""
    parts = re.split(r"[/:-]", number.replace(".", "").replace(",", ""))
    return tuple(int(p) for p in parts if p.isdigit())


def keeps_key_facts(model_sentence: str, source_sentence: str) -> bool:
    """Whether the model's sentence holds every key fact of the source sentence (`key_facts`): numbers compared
    as numbers (whole, not inside another), everything else folded and without spaces or punctuation."""
    model = normalize(model_sentence)
    have = _squash(model)
    numbers = {_number_key(m.group(0)) for m in _NUMBER.finditer(model)}
    for fact in key_facts(source_sentence):
        if _NUMBER.fullmatch(fact):
            if _number_key(fact) not in numbers:
                return False
        elif _squash(fact) not in have:
            return False
    return True
