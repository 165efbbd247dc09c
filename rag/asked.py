"""What value a question asks for, and whether a passage holds that value linked to what it is asked of.

"Đại hội … dự kiến tổ chức ngày nào?" asks for an event date; a passage answers it only when a date sits in the
same sentence as the event's own words, not when the plan's header date is somewhere in the evidence. Kinds are
data (`ASKED_KINDS`, words in `rag.lexicon.asked`); the link is small code:
- the sentence holding a value must also hold most of the question's subject words (its content words minus
  question forms, places and numbers: places locate, they do not say whose value it is);
- a date right after a document number is that document's date, never an asked value;
- an event's date must sit with the event's noun ("lễ phát động", "hội nghị"); "ngày nào" wants a day or a
  month, not only a year;
- an amount must sit with a word saying it is spent, budgeted or awarded, not with "thiệt hại";
- "bao nhiêu X" wants a number written with X ("120 người", "35 ha"), not a percentage of X;
- "Giám đốc Sở … là ai" wants that role, not "K/T Giám đốc" or "Phó Giám đốc", written with a person's name
  or defined ("Trưởng Ban Chỉ đạo là Chủ tịch UBND tỉnh").
The families are told apart by their cue words (`rag.lexicon.asked`), with or without diacritics:
- a document's own date ("ban hành ngày nào", "ký ngày mấy", "có hiệu lực từ khi nào") is the document's
  particular, known from its header or the registry: a sentence holding it answers, its absence refuses nothing;
- a deadline ("hạn chót", "thời hạn", "nộp báo cáo khi nào") is answered by "trước ngày …", "chậm nhất",
  "quý IV", "định kỳ 6 tháng", not by an event's date;
- a funding source ("kinh phí lấy từ đâu", "nguồn kinh phí") by "từ nguồn ngân sách", "bố trí trong dự toán",
  with no amount; a rate ("tỷ lệ … bao nhiêu", "bao nhiêu phần trăm") by a share; a target count ("chỉ tiêu bao
  nhiêu xã") by a number or a share of them;
- a value asked beside something else (a task, a content, a basis: "giao việc gì, thời hạn khi nào") never
  refuses alone: the rest is answerable.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rag.evidence import folded_padded, sentence_spans
from rag.lexicon import QUERY_TYPES, find_provinces
from rag.lexicon.asked import (
    CONTACT_ASKS,
    COUNT_UNITS,
    CURRENCY_WORDS,
    DEADLINE_CUES,
    DEADLINE_DUTIES,
    DEADLINE_VALUES,
    EVENT_FRAMES,
    EVENT_NOUNS,
    FROM_START_AFTER,
    FUNDING_FRAMES,
    FUNDING_SOURCE_CUES,
    FUNDING_SOURCES,
    ISSUE_NOUNS,
    ISSUE_VERBS,
    MONEY_ASKS,
    MONEY_FRAMES,
    MONEY_OTHER,
    MONEY_UNITS,
    NOT_COUNTED,
    NOT_ISSUE_BEFORE,
    ON_BEHALF,
    OTHER_ASKS,
    RATE_CUES,
    ROLE_HEADS,
    SURNAMES,
    TARGET_CUES,
    UNIT_FORMS,
    WHEN_FORMS,
    WHO_FORMS,
)
from rag.lexicon.places import LOCAL_UNITS
from rag.text import fold, normalize


def _alt(words: Sequence[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_NUMBER_WORDS = r"\d[\d.,]*|mot|hai|ba|bon|nam|sau|bay|tam|chin|muoi"
_WHEN = _alt(WHEN_FORMS)
_DAY_FORMS = r"ngay \d{1,2}|\d{1,2}/\d{1,2}|thang \d{1,2}"  # a day or a month, written out
_QUARTER = r"quy (?:i|ii|iii|iv|\d)"
_DATE = rf"{_DAY_FORMS}|{_QUARTER}"
_ISSUE_VERB = "".join(f"(?<!{w} )" for w in NOT_ISSUE_BEFORE) + rf"\b({_alt(ISSUE_VERBS)})"
_FUNDING_CUE = rf"\b({_alt(FUNDING_SOURCE_CUES)})\b(?! ({_alt(FROM_START_AFTER)})\b)"


@dataclass(frozen=True)
class AskedKind:
    name: str
    label: str  # Vietnamese, "… không ghi {label}"
    asks: re.Pattern[str]  # over the folded question
    value: re.Pattern[str]  # a value of this kind, over a folded sentence
    cues: tuple[str, ...] = ()  # question words that say the kind, not the subject
    frames: tuple[str, ...] = ()  # one of these must be in the value's sentence (or its section path)
    against: tuple[str, ...] = ()  # none of these may be in the value's sentence
    refuses: bool = True  # no linked value refuses the question (False: the value is known from elsewhere)


ASKED_KINDS: tuple[AskedKind, ...] = (
    # a document's own date is its metadata (header) or the registry's: found in a sentence it answers at once,
    # missing there it refuses nothing (a document nobody holds is refused by the prechecks)
    AskedKind("issue_date", "ngày ban hành",
              re.compile(rf"{_ISSUE_VERB}( vao| tu)? ({_WHEN})\b|\b({_alt(ISSUE_NOUNS)})\b"),
              re.compile(rf"\b({_DATE}|nam 20\d\d)\b"),
              (*ISSUE_VERBS, *ISSUE_NOUNS, *WHEN_FORMS, "vao", "ngay"), refuses=False),
    # where the money comes from, not how much ("kinh phí lấy từ đâu", "nguồn kinh phí")
    AskedKind("funding_source", "nguồn kinh phí",
              re.compile(rf"^(?=.*\b({_alt(FUNDING_FRAMES)}|tien)\b).*{_FUNDING_CUE}"),
              re.compile(rf"\b({_alt(FUNDING_SOURCES)})\b"),
              (*FUNDING_SOURCE_CUES, *FUNDING_FRAMES, "lay", "tu", "dau", "tien"), FUNDING_FRAMES),
    AskedKind("money", "kinh phí / số tiền",
              re.compile(rf"\b({_alt(MONEY_ASKS)}|bao nhieu ({_alt(MONEY_UNITS)}))\b"),
              re.compile(rf"\d[\d.,]*\s*({_alt(CURRENCY_WORDS)})\b|\b(trieu|ty|nghin) dong\b"),
              ("bao nhieu tien", "bao nhieu", "muc chi", *MONEY_UNITS),
              MONEY_FRAMES, MONEY_OTHER),
    AskedKind("contact", "thông tin liên hệ (điện thoại, email)",
              re.compile(rf"\b({_alt(CONTACT_ASKS)})\b"),
              re.compile(r"\b\d{2,4}[ .]?\d{3}[ .]?\d{3,4}\b|@"),
              (*CONTACT_ASKS, "lien he")),
    # a share or a target rate, not a count ("tỷ lệ … đạt bao nhiêu", "bao nhiêu phần trăm")
    AskedKind("rate", "tỷ lệ",
              re.compile(r"\bbao nhieu ?(phan tram|%)|^(?=.*\b(ty le|ti le)\b).*\b(bao nhieu|muc nao|may)\b"),
              re.compile(r"\d[\d.,]*\s*(%|phan tram)|\b(mot nua|toan bo|tat ca)\b"),
              (*RATE_CUES, "bao nhieu", "muc nao", "may", "dat")),
    AskedKind("count", "số lượng",
              re.compile(rf"\bbao nhieu (?!({_alt(NOT_COUNTED)})\b)[a-z]|\bmay ({_alt(COUNT_UNITS)})\b"),
              re.compile(rf"\b({_NUMBER_WORDS})\s"),  # the asked unit after it: `Asked.unit`
              ("bao nhieu", "may")),
    # when something must be done or reported by: its cue words, or a duty asked "when" ("nộp báo cáo khi nào")
    AskedKind("deadline", "thời hạn",
              re.compile(rf"\b({_alt(DEADLINE_CUES)})\b|\bhan (la )?({_WHEN})\b"
                         rf"|\b({_alt(DEADLINE_DUTIES)})\b.*\b({_WHEN})\b|\b({_WHEN}) (phai|can) "
                         rf"({_alt(DEADLINE_DUTIES)})\b"),
              re.compile(rf"\b({_alt(DEADLINE_VALUES)}|{_QUARTER}|(truoc|den|vao|trong) ({_DATE}))\b"),
              (*DEADLINE_CUES, *WHEN_FORMS, "han", "phai")),
    AskedKind("event_date", "thời gian tổ chức",
              re.compile(rf"\b({_WHEN})\b"),
              re.compile(rf"\b({_DATE}|dip|nam 20\d\d)\b"),
              (*WHEN_FORMS, "thoi gian", "ngay")),
    AskedKind("person", "người giữ chức vụ",
              re.compile(rf"\b({_alt(ROLE_HEADS)})\b.*\b({_alt(WHO_FORMS)})\b|\b(ai la|ai dang la) "
                         rf"({_alt(ROLE_HEADS)})\b"),
              re.compile(r"."),  # the role's holder: `Asked._person`
              WHO_FORMS),
)

_FORMS = frozenset(("nao", "gi", "bao nhieu", "may", "la", "co", "duoc", "du kien", "cu the", "bao gio", "khi",
                    "hien nay", "hien", "hien tai", "ai"))
# unit words of places ("tỉnh", "thành phố", "xã"…): they locate, they do not say whose value it is
_UNITS = frozenset(("tinh", "thanh pho", "huyen", "thi xa", *(fold(u) for u in LOCAL_UNITS)))
# "số 02-CT/TU ngày 05/8/2025", "Kế hoạch 12/KH-UBND, ngày 3 tháng 4 năm 2025": a document's own date
_DOC_DATE = re.compile(r"(\b\d+[\w.]*[/-][\w./-]*[a-z][\w./-]*)\s*,?\s*(ngay \d{1,2}( thang |/|-)\d{1,2}"
                       r"((/|-| nam )\d{4})?)")
_DAY = re.compile(rf"\b({_DAY_FORMS})\b")
_ASKS_DAY = re.compile(r"\b(ngay nao|hom nao|ngay may|thang nao)\b")
_EVENT_NOUN = re.compile(rf"\b({_alt(EVENT_NOUNS)})\b")
_DOC_TYPE = re.compile(rf"\b({_alt(tuple(QUERY_TYPES))})\b")
_ROLE = re.compile(rf"\b({_alt(ROLE_HEADS)})\b")
_STOP_ROLE = re.compile(rf"\s*\b({_alt(WHO_FORMS)}|hien nay|hien tai|hien|cua|o|tai|va)\b|[,?.;]")
_UNIT_AFTER = re.compile(r"\b(?:bao nhieu|may) ([a-z-]+(?: [a-z]+)?)")
_NAME = re.compile(r"\b([A-ZĐÀ-Ỹ][A-Za-zĐđÀ-ỹ]*(?:\s+[A-ZĐÀ-Ỹ][A-Za-zĐđÀ-ỹ]*){1,3})")


def asked_kind(question: str) -> AskedKind | None:
    """The kind of value the question asks for, or None (a topic, a list, a plan's own particulars…)."""
    q = " ".join(fold(question).split())
    return next((k for k in ASKED_KINDS if k.asks.search(q)), None)


def subject_words(question: str, words: Sequence[str], kind: AskedKind | None = None) -> list[str]:
    """The question's words that say whose value is asked: minus the kind's cues, question forms, places and
    numbers."""
    places = {fold(name) for canon, *_ in find_provinces(question, capitalised=False) for name in (canon,)}
    out = []
    for word in words:
        if word in _FORMS or word in _UNITS or word in places or any(ch.isdigit() for ch in word):
            continue
        if kind is not None and any(word == c or word in c.split() for c in kind.cues):
            continue
        out.append(word)
    return out


def _has(words: Sequence[str], folded: str) -> bool:
    padded = f" {folded} "
    return any(f" {w} " in padded for w in words)


def _role_of(q: str) -> tuple[str, list[str]] | None:
    """The asked role's head ('giam doc') and the syllables that follow it up to the question form, places
    and place units dropped ('cong an')."""
    match = _ROLE.search(q)
    if match is None:
        return None
    rest = q[match.end():]
    stop = _STOP_ROLE.search(rest)
    tail = f" {rest[:stop.start()] if stop else rest} "
    for canon, *_ in find_provinces(tail, capitalised=False):
        tail = tail.replace(f" {fold(canon)} ", " ")
    return match.group(1), [w for w in tail.split() if w not in _UNITS]


def _person_name(sentence: str) -> bool:
    """A personal name (capitalised words opened by a family name) in the sentence."""
    for match in _NAME.finditer(normalize(sentence)):
        words = fold(match.group(1)).split()
        if words[0] in SURNAMES and 2 <= len(words) <= 4:
            return True
    return False


@dataclass(frozen=True)
class Asked:
    """A question's asked value: its kind, subject words and what else the link needs."""

    kind: AskedKind
    subject: tuple[str, ...]
    event: str | None = None  # the event noun the date belongs to
    day: bool = False  # asks for a day ("ngày nào"): a year alone (or, for a deadline, "định kỳ") does not answer
    unit: tuple[str, ...] = ()  # "bao nhiêu X": how X may be written after the number
    role: tuple[str, tuple[str, ...]] | None = None  # the asked role's head and the words after it
    of_document: bool = False  # the date of a document the question names by type ("nghị quyết … ngày nào")
    target: bool = False  # a count asked as a target ("chỉ tiêu bao nhiêu xã"): a share of it answers too
    also: bool = False  # the question asks something else too (a task, a content): the value alone never refuses

    @property
    def refuses(self) -> bool:
        """Whether no linked value refuses the question: the kind says so and nothing else is asked."""
        return self.kind.refuses and not self.also

    def linked(self, text: str, context: str = "", min_share: float = 0.5) -> list[str]:
        """Sentences of `text` holding a value of the kind linked to the subject (`context`, e.g. the section
        path, and the sentence before, which often labels the value, count for the subject words)."""
        found = []
        spans = sentence_spans(text)
        for i, span in enumerate(spans):
            folded = " ".join(fold(span.text).split())
            if not self.of_document:
                folded = _DOC_DATE.sub(r"\1", folded)
            prev = spans[i - 1].text if i else ""
            if not self._holds_value(folded, span.text, f"{context} {prev}"):
                continue
            if self.subject:
                hay = folded_padded(f"{context} {prev} {span.text}")
                share = sum(1 for w in self.subject if f" {w} " in hay) / len(self.subject)
                if share < min_share:
                    continue
            found.append(span.text)
        return found

    def _holds_value(self, folded: str, sentence: str, around: str) -> bool:
        kind = self.kind
        if self.role is not None:
            return self._person(folded, sentence)
        if self.unit:
            units = _alt(self.unit)
            share = r"(\s*%\s*(so\s+)?)?" if self.target else ""
            if not re.search(rf"\b({_NUMBER_WORDS})\s*{share}({units})(?![a-z])", folded):
                return False
        elif not kind.value.search(folded):
            return False
        if kind.against and _has(kind.against, folded):
            return False
        around_f = " ".join(fold(around).split())
        if kind.frames and not (_has(kind.frames, folded) or _has(kind.frames, around_f)):
            return False
        if self.day and not _DAY.search(folded):
            return False
        if self.event is not None:
            if not (_has((self.event,), folded) or _has((self.event,), around_f)):
                return False
            return _has(EVENT_FRAMES, folded) or _has(EVENT_FRAMES, around_f)
        return True

    def _person(self, folded: str, sentence: str) -> bool:
        """The role itself (not signed on its behalf, not its deputy) with a name or a definition after it."""
        assert self.role is not None
        head, after = self.role
        phrase = " ".join((head, *after[:2]))
        for match in re.finditer(rf"\b{re.escape(phrase)}\b", folded):
            before = folded[:match.start()].split()
            if before and (before[-1].rstrip(".:") in ON_BEHALF or before[-1] == "pho"):
                continue
            if _person_name(sentence) or folded[match.end():].lstrip().startswith("la "):
                return True
        return False


def asked_of(question: str, words: Sequence[str]) -> Asked | None:
    """What the question asks for, with everything the link needs; None when it asks for no particular value."""
    kind = asked_kind(question)
    if kind is None:
        return None
    q = " ".join(fold(question).split())
    subject = subject_words(question, words, kind)
    if kind.name == "person":
        role = _role_of(q)
        if role is None:
            return None
        role_of = (role[0], tuple(role[1]))
        return Asked(kind, (), role=role_of)  # the role itself is the subject
    unit: tuple[str, ...] = ()
    if kind.name == "count":
        match = _UNIT_AFTER.search(q)
        if match:
            noun = match.group(1).replace("-", " ").split()
            unit = UNIT_FORMS.get(" ".join(noun[:2])) or UNIT_FORMS.get(noun[0]) or (noun[0],)
            forms = unit
            asked_noun = {*noun[:2], *(p for f in forms for p in f.split())}
            subject = [w for w in subject if not set(w.replace("-", " ").split()) <= asked_noun]
    event = None
    if kind.name == "event_date":
        match = _EVENT_NOUN.search(q)
        event = match.group(1) if match else None
    of_document = kind.name == "issue_date" or (event is None and bool(_DOC_TYPE.search(q)))
    plain = " ".join(re.sub(r"[^\w%]+", " ", q).split())  # "việc gì, thời hạn khi nào?": words only
    others = [a for a in OTHER_ASKS if f" {a} " in f" {plain} "]  # what else is asked: its words are no subject
    subject = [w for w in subject if not any(f" {w} " in f" {a} " for a in others)]
    day = bool(_ASKS_DAY.search(q)) and kind.name in ("event_date", "deadline")
    return Asked(kind, tuple(subject), event=event, day=day, unit=unit, of_document=of_document,
                 target=kind.name == "count" and _has(TARGET_CUES, plain), also=bool(others))


def linked_sentences(kind: AskedKind, subject: Sequence[str], text: str, context: str = "",
                     min_share: float = 0.5) -> list[str]:
    """Sentences of `text` that hold a value of `kind` together with at least `min_share` of the subject words
    (no event, role or unit of the question taken into account: `asked_of(…).linked` does)."""
    return Asked(kind, tuple(subject)).linked(text, context, min_share)


# A year written on its own ("năm 2023", "nhiệm kỳ 2021-2026"), not inside a document number or a date.
_YEAR = re.compile(r"(?<![\w/.])(?<![a-z]-)((?:19|20)\d\d)(?![\w/]|\.\d|-[a-z])")


def years_asked(question: str) -> list[str]:
    """Years the question names on their own: the year of the plan, programme or term it asks about."""
    return list(dict.fromkeys(_YEAR.findall(" ".join(fold(question).split()))))


def year_linked(year: str, subject: Sequence[str], text: str, context: str = "", min_share: float = 0.34) -> bool:
    """Whether a sentence of `text` names `year` on its own together with at least `min_share` of the subject
    words (the section path `context` and the sentence before count too)."""
    spans = sentence_spans(text)
    for i, span in enumerate(spans):
        if year not in _YEAR.findall(fold(span.text)):
            continue
        if not subject:
            return True
        hay = folded_padded(f"{context} {spans[i - 1].text if i else ''} {span.text}")
        if sum(1 for w in subject if f" {w} " in hay) / len(subject) >= min_share:
            return True
    return False


def signed_on_behalf(role_head: str, text: str) -> str | None:
    """'K/T TRƯỞNG BAN / PHÓ TRƯỞNG BAN THƯỜNG TRỰC / Hoàng Đăng Quang': the deputy who signed on behalf of the
    asked role, with their own title ('Phó Trưởng Ban Thường trực Hoàng Đăng Quang'); None when the text has no
    such signature."""
    lines = [ln.strip(" *|_") for ln in normalize(text).splitlines()]
    lines = [ln for ln in lines if ln]
    for i, line in enumerate(lines):
        words = fold(line).split()
        if not (2 <= len(words) <= 4 and words[0] in SURNAMES and _person_name(f"x {line}")) or i < 2:
            continue
        title = lines[i - 1]
        prefix = " ".join(fold(ln) for ln in lines[max(0, i - 4):i - 1])
        behalf = re.search(rf"(?<![a-z])({_alt(ON_BEHALF)})[.:]?\s+{re.escape(role_head)}\b", prefix)
        if behalf and not fold(title).startswith(role_head):
            return f"{title[:1]}{title[1:].lower()} {line}"
    return None
