"""The preamble's own statements: who issues the document ('..., Ban Thường vụ LĐLĐ tỉnh ban hành Kế hoạch')
and which documents it implements ('Thực hiện Kế hoạch số 70-KH/TU ...'). Numbers of documents the body merely
cites are never taken."""

from __future__ import annotations

import re

from rag.lexicon import ISSUER_ABBREVIATIONS as ABBREVIATIONS
from rag.lexicon import NUMBER_RE, ORG_START
from rag.text import canonical_number, nfc
from rag.types import Section

_ISSUE_VERB_RE = re.compile(
    r"\s+(?:đã\s+|sẽ\s+)?(?:ban hành|xây dựng|triển khai|hướng dẫn)\s+"
    r"(?:[Kk]ế hoạch|[Cc]ông văn|[Hh]ướng dẫn|[Vv]ăn bản|[Cc]hương trình|[Qq]uyết định|[Tt]hông báo|"
    r"[Đđ]ề cương|[Cc]hỉ thị)"
)
_ORG_LOWER_WORDS = frozenset(
    {
        "tỉnh",
        "huyện",
        "thành",
        "phố",
        "thị",
        "xã",
        "ủy",
        "uỷ",
        "ban",
        "nhân",
        "dân",
        "và",
        "lao",
        "động",
        "trực",
        "vụ",
        "quốc",
        "nam",
    }
)
INTRO_RE = re.compile(r"^(?:Căn cứ|Thực hiện|Theo|Trên cơ sở|Thi hành|Triển khai)\b")
_NOT_IN_NAMES = frozenset(
    {
        "về",
        "của",
        "theo",
        "đã",
        "với",
        "cho",
        "để",
        "trong",
        "tại",
        "do",
        "từ",
        "là",
        "nhằm",
        "sẽ",
        "được",
        "có",
        "các",
        "những",
        "này",
        "đó",
    }
)


def _first(root: Section, kind: str) -> Section | None:
    """The first top-level section of one kind, if any."""
    return next((s for s in root.walk() if s.kind == kind and s.level == 1), None)


def first_number(text: str) -> str | None:
    """The first document number in `text`, canonical."""
    m = NUMBER_RE.search(text)
    return canonical_number(m.group(0)) if m else None


def intro_text(root: Section) -> str:
    """The preamble without its title block (where 'Thực hiện/Căn cứ ... ban hành' sits)."""
    preamble = _first(root, "preamble")
    if preamble is None:
        return ""
    text = nfc(preamble.text)
    m = re.search(r"(?m)^\s*(?:\*\*)?(?:Căn cứ|Thực hiện|Theo|Trên cơ sở|Thi hành|Triển khai)\b", text)
    return text[m.start() :] if m else text


def issuer_phrase(text: str) -> tuple[str, int] | None:
    """(organisation, offset) right before 'ban hành/xây dựng Kế hoạch', walking back over its name."""
    for m in _ISSUE_VERB_RE.finditer(text):
        words = text[: m.start()].split()[-14:]
        span: list[str] = []
        best = ""
        for i in range(len(words) - 1, -1, -1):
            bare = words[i].strip('“”"()')
            before = words[i - 1] if i > 0 else ""
            if not bare or bare[-1] in ",;:." or bare in _NOT_IN_NAMES:
                break
            # lower-case words belong to a name after a capitalised word (Tuyên giáo, Thường vụ) or if usual.
            if not (bare[0].isupper() or bare in _ORG_LOWER_WORDS or before[:1].isupper()):
                break
            span.insert(0, bare)
            joined = " ".join(span)
            if joined.startswith(ORG_START):
                best = joined
        if best:
            return best, m.start() - len(best)
    return None


def expand(org: str) -> str:
    """Spell out abbreviations that appear in issuer names (LĐLĐ, UBND, HĐND)."""
    for short, full in ABBREVIATIONS.items():
        org = re.sub(rf"(?<!\w){short}(?!\w)", full, org)
    return org


def implements(root: Section) -> list[str]:
    """Numbers of the documents named at the head of each clause of the 'Thực hiện/Căn cứ ...' sentence."""
    intro = intro_text(root)
    if not intro:
        return []
    m = re.match(r"\s*(?:\*\*)?(?:Căn cứ|Thực hiện|Theo|Trên cơ sở|Thi hành|Triển khai)\b", intro)
    if not m:
        return []
    sentence = intro.split("\n\n", 1)[0]
    issuer = issuer_phrase(sentence)
    if issuer:
        sentence = sentence[: issuer[1]]
    out: list[str] = []
    for clause in re.split(r";|\n|(?<=[,.])\s*(?=(?:Căn cứ|Thực hiện)\b)", sentence):
        num = first_number(clause)
        if num and num not in out:
            out.append(num)
    return out
