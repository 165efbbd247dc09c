"""Text helpers for metadata: cleaned lines of raw or normalised text, and the document's own casing of words
(to restore the case of upper-case headers and titles)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from rag.text import fold, nfc, normalize_tones

_DEBRIS_RE = re.compile(r"^[\s\-=_*~.|#:]*$")
_WORD_RE = re.compile(r"^(?P<pre>\W*)(?P<core>.*?)(?P<post>\W*)$")
_MARKER_RE = re.compile(r"^(?:[-–—+•*]|\d{1,2}(?:\.\d{1,2})*[.)]|[a-zđ]\)|[IVX]{1,5}[.)-])$")  # bullets, '1.', 'a)'
_PLACE_WORDS = frozenset({"tỉnh", "phố", "xã", "phường", "huyện", "quận", "khu"})


def clean(line: str) -> str:
    """A source line without Markdown emphasis, table pipes, heading marks or repeated spaces."""
    s = nfc(line).replace("\\", "")
    s = re.sub(r"\*+|__+|^#+\s*|\|", " ", s)
    return re.sub(r"\s+", " ", s).strip()


def front_lines(text: str) -> list[str]:
    """The text's non-empty cleaned lines (separator and table debris dropped)."""
    return [c for c in (clean(x) for x in text.split("\n")) if c and not _DEBRIS_RE.match(c)]


def is_upper(s: str) -> bool:
    """Every letter is upper case (and there is at least one)."""
    letters = [c for c in s if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def _key(word: str) -> str:
    return normalize_tones(nfc(word)).lower()


def _split_word(raw: str) -> tuple[str, str, str]:
    """(leading punctuation, word, trailing punctuation)."""
    m = _WORD_RE.match(raw)
    return (m.group("pre"), m.group("core"), m.group("post")) if m else ("", raw, "")


@dataclass
class CaseModel:
    """How the document itself writes each word: next to its neighbours, and alone."""

    pairs: dict[tuple[str, str], Counter[tuple[str, str]]] = field(default_factory=dict)
    words: dict[str, Counter[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, text: str, known: tuple[str, ...] = ()) -> CaseModel:
        """Counts over the running text's mixed-case lines (and `known` names: usual spellings of bodies and
        places); sentence-initial words are no evidence alone."""
        model = cls()
        lines = front_lines(text)
        for n, line in enumerate([*lines, *known]):
            if is_upper(line):
                continue
            prior = n >= len(lines)  # a known name: evidence for word pairs only, not for words alone
            prev: tuple[str, str] | None = None  # (key, as written) of the word before, within a phrase
            start = True  # at a sentence or list-item start, where any word is capitalised
            for raw in line.split():
                pre, core, post = _split_word(raw)
                if not core or _MARKER_RE.match(raw):
                    prev, start = None, True
                    continue
                k = _key(core)
                if prev:
                    model.pairs.setdefault((prev[0], k), Counter())[(prev[1], core)] += 1
                if not start and not prior and not pre.strip('“"('):
                    model.words.setdefault(k, Counter())[core] += 1
                prev = None if post.strip() else (k, core)
                start = post.strip()[-1:] in (".", ":", ";", "!", "?")
        return model

    def _form(self, prev: str, k: str, nxt: str, core: str, in_place: bool) -> str:
        """The word's usual spelling: by its neighbours in the text, else alone; else a code or acronym as
        written, a place name capitalised, any other word in lower case."""
        votes: Counter[str] = Counter()
        for (_, second), n in (self.pairs.get((prev, k)) or {}).items():
            votes[second] += n
        for (first, _), n in (self.pairs.get((k, nxt)) or {}).items():
            votes[first] += n
        if not votes:
            votes = self.words.get(k) or Counter()
        if not votes:
            if re.search(r"\d", core) or re.fullmatch(r"[IVXLC]+", core) or not re.search(r"[aeiouy]", fold(core)):
                return core  # numbers, codes, Roman numerals, acronyms (MTTQ, HĐND)
            return core.capitalize() if in_place else core.lower()
        best = votes.most_common(1)[0][0]
        if is_upper(best) and len(best) > 1 and any(not is_upper(f) for f in self.words.get(k, ())):
            best = next(f for f, _ in (self.words.get(k) or Counter()).most_common() if not is_upper(f))
        return best

    def restore(self, phrase: str, *, names_place: bool = False) -> str:
        """An upper-case phrase in the document's own casing ('ỦY BAN NHÂN DÂN TỈNH BẮC NINH' → 'Ủy ban...').
        `names_place`: the phrase is a body's name, so the words after 'tỉnh', 'xã'... are a place name."""
        parts = [_split_word(raw) for raw in phrase.split()]
        keys = [_key(core) for _, core, _ in parts]
        out: list[str] = []
        in_place = False  # after 'tỉnh', 'xã', 'thành phố'...: the words of a place name
        for i, (pre, core, post) in enumerate(parts):
            prev = keys[i - 1] if i and not parts[i - 1][2].strip() else ""
            nxt = keys[i + 1] if i + 1 < len(parts) and not post.strip() else ""
            cased = self._form(prev, keys[i], nxt, core, in_place) if core else core
            in_place = names_place and (in_place or keys[i] in _PLACE_WORDS) and not post.strip()
            if i == 0:
                cased = cased[:1].upper() + cased[1:]
            out.append(f"{pre}{cased}{post}")
        return " ".join(out)
