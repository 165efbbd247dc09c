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


def _question_words(question: str) -> tuple[set[str], set[str]]:
    """The question's words as written (lower case), and folded when the question is typed without accents
    ('tinh' in 'mít tinh' is not 'tỉnh'; in 'le mit tinh' it may be either)."""
    written = set(re.findall(r"\w+", normalize(question).lower()))
    plain = fold(question) == normalize(question).lower()
    return written, ({fold(w) for w in written} if plain else set())


def _known(token: str, question: tuple[set[str], set[str]]) -> bool:
    words = re.findall(r"\w+", normalize(token).lower())
    return bool(words) and all(w in question[0] or fold(w) in question[1] for w in words)


def _span(question: tuple[set[str], set[str]], sentence: str) -> tuple[int, int]:
    """The longest run of words of `sentence` the question does not hold (punctuation trimmed)."""
    best = (0, 0)
    run_start: int | None = None
    run_end = 0
    for m in _TOKEN.finditer(sentence + " ."):
        known = _known(m.group(0), question)
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
    start, end = _span(_question_words(question), sentence)
    return Pick(index, sentence, start, end)


def proper_names(sentence: str) -> list[str]:
    """Names: runs of words with at least two capitalised ones ('Sở Thông tin và Truyền thông', 'Ban Chấp hành
    Trung ương'): a lower-case syllable may follow a capitalised one ('Chấp hành'), 'và'/'của' may join two
    capitalised words; a one-word run counts when it is an abbreviation ('UBND', 'MTTQ')."""
    tokens = _TOKEN.findall(normalize(sentence))
    names: list[str] = []
    run: list[str] = []

    def capital(word: str) -> bool:
        return word[0].isupper()

    def flush() -> None:
        while run and not capital(run[-1]) and (run[-1].lower() in _NAME_GLUE or len(run) == 1):
            run.pop()
        capitals = sum(1 for i, w in enumerate(run) if capital(w) and (i or not opens[0]))
        if capitals >= 2 or any(w.isupper() and len(w) > 1 for w in run):
            names.append(" ".join(run))
        run.clear()

    opens = [False]  # whether the run began with the sentence (its capital is only the sentence's)
    for index, token in enumerate(tokens):
        word = token.strip(_PUNCT)
        if not run:
            opens[0] = index == 0
        if word and token[0] in _PUNCT:
            flush()
        if not word:
            flush()
            continue
        if capital(word):
            run.append(word)
        elif run and (capital(run[-1]) or word.lower() in _NAME_GLUE):
            if word.lower() in _NAME_GLUE or capital(run[-1]):
                run.append(word)
            else:
                flush()
        else:
            flush()
        if token[-1] in ",;:.()”\"»":  # punctuation ends a name ("Báo Hòa Bình, Đài …")
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
