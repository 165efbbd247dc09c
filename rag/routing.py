"""Deciding what kind of question this is, from the text (never from the model).

- metadata: a plan's own particulars (date, number, signer, recipients, issuer) → answered from extracted metadata
- cross_plan: "which plans…", "compare A and B" → per-document retrieval, composed in code
- directive: a directive number or a type + number → the registry
- follow-ups are rewritten into a standalone question from the recent history first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from rag.asked import asked_kind
from rag.evidence import STOPWORDS
from rag.lexicon import CITED_TYPES, EVENT_WORDS, find_provinces, province_equivalents, province_successor
from rag.lexicon.asked import WHEN_FORMS
from rag.text import DOC_NUMBER, fold, normalize
from rag.types import ChatTurn, DocumentMeta

MetaField = Literal["date", "number", "signer", "recipients", "issuer", "basis"]

_META_PATTERNS: list[tuple[MetaField, re.Pattern[str]]] = [
    ("recipients", re.compile(r"\b(noi nhan|gui (cho|den|toi) (ai|nhung ai|co quan|don vi|nhung)|nhan duoc ke hoach"
                              r"|gui nhung dau|duoc gui)\b")),
    ("signer", re.compile(r"\b(ai ky|nguoi ky|ky ten|ky boi|ky ban hanh|chu ky|ai da ky|ky ke hoach|do ai ky"
                          r"|ky van ban|nguoi ky ten)\b")),
    ("number", re.compile(r"\b(so hieu|so ky hieu|ky hieu|so may|so bao nhieu|mang so|co so la|so van ban"
                          r"|so cua ke hoach|ke hoach so may)\b")),
    ("date", re.compile(r"\b(ngay nao|khi nao|ngay ban hanh|ban hanh ngay|ban hanh khi|ban hanh vao|thoi diem ban"
                        r"|ngay thang|ngay ky|ky ngay|ra doi khi|ban hanh luc|ngay may|nam nao)\b")),
    ("basis", re.compile(r"\b(can cu (vao )?(van ban|ke hoach|huong dan|cong van|nghi quyet|gi|nao)|can cu nao"
                         r"|de thuc hien (van ban|ke hoach|chi thi|huong dan|cong van|gi)"
                         r"|thuc hien (nhung |cac )?(van ban|ke hoach) nao"
                         r"|trien khai (van ban|ke hoach|huong dan|cong van) nao|dua tren (van ban|co so) nao"
                         r"|xay dung (de|nham) thuc hien)\b")),
    ("issuer", re.compile(r"\b(co quan nao ban hanh|ai ban hanh|don vi nao ban hanh|ban hanh boi|do ai ban hanh"
                          r"|co quan ban hanh|don vi ban hanh|cua co quan nao|do co quan nao|do don vi nao"
                          r"|ai la nguoi ban hanh|to chuc nao ban hanh)\b")),
]

_CROSS_PATTERNS = re.compile(
    r"\b(nhung ke hoach nao|ke hoach nao|cac ke hoach|nhung tai lieu nao|tai lieu nao|van ban nao|nhung van ban"
    r"|tinh nao|nhung tinh|cac tinh|dia phuong nao|so sanh|ca hai|ca ba|tat ca|moi ke hoach|giua|khac nhau"
    r"|giong nhau|diem chung|bao nhieu ke hoach|may ke hoach"
    r"|nhung (?:ke hoach|van ban|tai lieu)(?: [a-z]+){1,5} nao)\b"  # "những kế hoạch thi đua nào"
)
# An event the question asks the date of ("lễ phát động … tổ chức ngày nào", "hội nghị diễn ra khi nào").
_EVENT = re.compile(r"\b(" + "|".join(EVENT_WORDS) + r")\b")
_TYPE_ALT = "|".join(k for k in CITED_TYPES if k != "ke hoach")  # longest first
_OTHER_TYPES = re.compile(rf"\b({_TYPE_ALT})\b")
_REFERENT = re.compile(rf"\b({_TYPE_ALT}|van ban) (do|nay|ay|tren)\b")
_FOLLOWUP_MARKERS = re.compile(
    r"\b(do|nay|ay|tren|thi sao|con|nua|vay|the con|cung vay|ke hoach do|van ban do|tai lieu do|no)\b"
)


@dataclass
class Route:
    kind: Literal["metadata", "cross_plan", "directive", "general"]
    meta_fields: list[MetaField] = field(default_factory=list)
    docs: list[str] = field(default_factory=list)  # doc ids the question names


def _named(question: str, metas: Sequence[DocumentMeta], *, narrow: bool = True) -> tuple[list[str], int]:
    """Documents the question names, and how many distinct things it names (provinces, places, numbers).

    A place is a scope, not a choice: when several plans of one province are named only by the province, the
    plan whose title shares the most of the question's words is taken (all of them when none stands out, or when
    `narrow` is off: "which plans of X…"). Plans filed under a province's old and new names are one place."""
    q = " " + " ".join(re.findall(r"[a-z0-9/-]+", fold(question))) + " "
    q_compact = re.sub(r"\s+", "", q)
    named = {fold(n) for canon, _, _ in find_provinces(question, capitalised=False)
             for n in province_equivalents(canon)}
    by_number: list[str] = []
    by_place: dict[str, list[str]] = {}
    for meta in metas:
        if meta.number:
            num = fold(meta.number).replace(" ", "")
            lead = num.split("/")[0].split("-")[0]
            if num in q_compact or (lead and re.search(rf"\b(ke hoach|kh|so)\s*{re.escape(lead)}\b", q)):
                by_number.append(meta.doc_id)
                continue
        for key in (meta.province, meta.place):
            if key and (f" {fold(key)} " in q or fold(key) in named):
                place = province_successor(meta.province) or meta.province or key
                by_place.setdefault(fold(place), []).append(meta.doc_id)
                break
    numbered = {fold(province_successor(m.province) or m.province or "") for m in metas if m.doc_id in by_number}
    places = {key: _best_titles(question, [m for m in metas if m.doc_id in ids]) if narrow else ids
              for key, ids in by_place.items() if key not in numbered}  # "Kế hoạch 987 của Nghệ An": one plan
    found = list(dict.fromkeys([*by_number, *(d for ids in places.values() for d in ids)]))
    return found, len(set(by_number)) + len(places)


def _best_titles(question: str, metas: Sequence[DocumentMeta]) -> list[str]:
    """Of several plans of one place, the one whose title shares clearly most words with the question."""
    if len(metas) <= 1:
        return [m.doc_id for m in metas]
    words = set(re.findall(r"[a-z0-9]+", fold(question)))
    scored = sorted(((len(words & set(re.findall(r"[a-z0-9]+", fold(m.title or "")))), m.doc_id) for m in metas),
                    reverse=True)
    if scored[0][0] >= 2 and scored[0][0] > scored[1][0]:
        return [scored[0][1]]
    return [m.doc_id for m in metas]


def docs_named(question: str, metas: Sequence[DocumentMeta]) -> list[str]:
    """Documents the question names by province (old or 2025 name), place, number or distinctive issuer words."""
    return _named(question, metas)[0]


def meta_fields(question: str) -> list[MetaField]:
    q = fold(question)
    return [name for name, pattern in _META_PATTERNS if pattern.search(q)]


_WHEN_SYLLABLES = frozenset(w for form in WHEN_FORMS for w in form.split())


def asks_document_date(question: str, metas: Sequence[DocumentMeta]) -> bool:
    """Whether a "when" question asks for a document's own date: said with an issue word ("ban hành ngày nào",
    "ký ngày mấy"), or naming nothing but the document ("Kế hoạch tuyên truyền của MTTQ Khánh Hòa ngày nào?": every
    word is in its type, title, issuer or place). "Từ ngày nào luật phải được thực hiện thống nhất?" asks for a date
    the plan sets, and a deadline ("hạn chót", "chậm nhất") is never the plan's own date."""
    kind = asked_kind(question)
    if kind is None or kind.name == "issue_date":
        return True
    if kind.name == "deadline":
        return False  # a deadline is never the plan's date of issue
    named = " ".join(fold(f"{m.doc_type or ''} {m.title or ''} {m.issuer or ''} {m.province or ''} {m.place or ''}")
                     for m in metas)
    known = set(re.findall(r"[a-z0-9]+", named)) | STOPWORDS | _WHEN_SYLLABLES
    return all(w in known for w in re.findall(r"[a-z]+", fold(question)))


def route(question: str, metas: Sequence[DocumentMeta], *, is_directive: bool) -> Route:
    """Pick the answering path for a (standalone) question."""
    q = fold(question)
    explicit_cross = bool(_CROSS_PATTERNS.search(q))
    docs, distinct = _named(question, metas, narrow=not explicit_cross)
    fields = meta_fields(question)
    if _OTHER_TYPES.search(q) and not re.search(r"\b(ke hoach|kh|van ban nay)\b", q):
        fields = []  # the date/number asked is a cited directive's, not a plan's: the registry answers
    if _EVENT.search(q) and not re.search(r"\b(ban hanh|ky)\b", q):
        fields = [f for f in fields if f != "date"]  # when an event takes place is not the plan's date of issue
    if "date" in fields and not asks_document_date(question, [m for m in metas if m.doc_id in docs] or metas):
        fields = [f for f in fields if f != "date"]  # a date the plan sets ("từ ngày nào … phải thực hiện")
    if fields and (len(docs) == 1 or len(metas) == 1):
        return Route("metadata", fields, docs or [m.doc_id for m in metas])
    if fields and (distinct >= 2 or (docs and not explicit_cross)):
        return Route("metadata", fields, docs)  # e.g. "So sánh người ký kế hoạch của A và B"
    if fields and not docs and re.search(r"\b(ke hoach|van ban|tai lieu)\b", q) and not is_directive \
            and not explicit_cross:
        return Route("metadata", fields, [])  # document taken from the conversation or retrieval
    if is_directive and len(docs) == 1:
        return Route("general", fields, docs)  # what one plan says about a directive: that plan's text
    if is_directive and not docs:
        return Route("directive", fields, docs)  # the registry lists every citing plan
    # Several plans are compared only when asked ("kế hoạch nào…", "so sánh…") or when two places or numbers are
    # named; plans that merely share the province the question names are its scope (general path, boosted).
    if (explicit_cross and len(docs) != 1) or distinct >= 2:
        return Route("cross_plan", fields, docs)
    return Route("general", fields, docs)


def standalone_question(question: str, history: Sequence[ChatTurn], metas: Sequence[DocumentMeta]) -> str:
    """Rewrite a follow-up ('Còn tỉnh Sóc Trăng thì sao?', 'ai ký kế hoạch đó?') using the last user turn."""
    previous = next((t.content for t in reversed(history) if t.role == "user"), None)
    if not previous:
        return question
    q = fold(question)
    words = q.split()
    is_followup = bool(_FOLLOWUP_MARKERS.search(q)) or len(words) <= 5
    if not is_followup:
        return question
    referent = _REFERENT.search(q)
    numbers = DOC_NUMBER.findall(normalize(previous))
    if referent and numbers:
        # "nghị quyết đó" → the directive the previous question named
        number = "".join(numbers[0]).replace(" ", "")
        words_before = len(q[:referent.start()].split())
        tokens = question.split()
        span_len = len(referent.group(0).split())
        pointer = words_before + span_len - 1  # the "đó/này/ấy/trên" word
        if pointer < len(tokens):
            tokens[pointer] = number
        question = " ".join(tokens)
        q = fold(question)
    new_docs = docs_named(question, metas)
    old_docs = docs_named(previous, metas)
    by_id = {m.doc_id: m for m in metas}
    if new_docs and re.search(r"\b(thi sao|con|cung vay|the con|nua)\b", q) and len(words) <= 8:
        # Same question, another plan: swap the place names of the previous question.
        rewritten = previous
        asked = [canon for canon, _, _ in find_provinces(question, capitalised=False)]
        target = asked[0] if asked else by_id[new_docs[0]].province  # the name as typed ("Đắk Lắk", not "Phú Yên")
        for doc_id in old_docs:
            meta = by_id[doc_id]
            for name in (meta.province, meta.place):
                if name:
                    rewritten = re.sub(re.escape(name), target or name, rewritten,
                                       flags=re.IGNORECASE)
        if rewritten == previous:
            rewritten = f"{previous} ({question})"
        return rewritten
    if not new_docs and old_docs:
        place = by_id[old_docs[0]].province or by_id[old_docs[0]].place or ""
        return f"{question.rstrip(' ?')} (kế hoạch của {place})?" if place else question
    if not new_docs and not old_docs:
        return f"{question.rstrip(' ?')} ({previous.rstrip(' ?')})?"
    return question
