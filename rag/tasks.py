"""Who does what by when: per plan, agency → duties (verbatim sentences), deadlines, reports owed.

Computed on demand from a document's section tree (as the catalog keeps it), cached per (doc_id, version);
nothing is stored. The words it looks for are data in `rag.lexicon.tasks`.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Protocol

from rag.directives.sentences import split_sentences
from rag.lexicon import tasks as lx
from rag.tasks_model import (
    GENERAL_AGENCY,
    AgencyTasks,
    Deadline,
    Duty,
    PlanTasks,
    Report,
    aligned_fold,
    find_deadlines,
    find_report,
)
from rag.text import fold
from rag.types import SECTION_SEP, DocumentMeta, Section

_NUMBERING = re.compile(r"^\s*(?:(?:Chương|Điều|Mục)\s+[\dIVXLC]+[.:]?|[IVXLC]+\s*[.\-–)]|\d+(?:\.\d+)*\s*[.)]"
                        r"|[a-zđ]\s*\))\s*", re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[-+•*–]|\d+(?:\.\d+)*\s*[.)]|[a-zđ]\s*\))\s*", re.IGNORECASE)


_NAME_HEADS = frozenset(start.split()[-1] for start in lx.AGENCY_STARTS)

__all__ = ["GENERAL_AGENCY", "AgencyTasks", "Deadline", "Duty", "PlanTasks", "Report", "aligned_fold",
           "find_deadlines", "find_report"]


# ---------------------------------------------------------------------------------------------- agencies
def _starts(folded: str, words: Sequence[str]) -> str | None:
    for w in sorted(words, key=len, reverse=True):
        if folded == w or folded.startswith(w + " ") or folded.startswith(w + ","):
            return w
    return None


def split_agency(line: str) -> tuple[str, str] | None:
    """(agency, rest) of a subsection's first line ("6. Sở Văn hóa …: Chủ trì …"), or None when no agency."""
    text = _NUMBERING.sub("", line.strip(), count=1).strip().strip("*").strip()
    folded = aligned_fold(text)
    prefix = _starts(folded, lx.AGENCY_PREFIXES)
    if prefix:
        text, folded = text[len(prefix):].lstrip(" :"), folded[len(prefix):].lstrip(" :")
    if not _starts(folded, lx.AGENCY_STARTS) or _starts(folded, lx.NOT_AGENCY):
        return None
    cut = len(text)
    colon = text.find(":")
    if 0 < colon < 200:
        cut = colon
    elif len(text) > 150 or text.rstrip().endswith((".", ";")):
        for verb in lx.DUTY_VERBS:
            for m in re.finditer(r"\s" + re.escape(verb) + r"\b", folded):
                before = folded[:m.start()].rsplit(" ", 1)[-1]
                prev = text[:m.start()].rsplit(" ", 1)[-1]
                capital = text[m.start() + 1].isupper() and (  # "các Ban Xây dựng Đảng", "Ủy ban Kiểm tra": a name
                    prev[:1].isupper() or fold(prev) in _NAME_HEADS)
                if 3 < m.start() < cut and before not in lx.NAME_GLUE and not capital:
                    cut = m.start()
                    break
        if cut == len(text):
            return None
    agency = text[:cut].strip(" .,;:-")
    if not agency or len(agency) > lx.MAX_AGENCY_CHARS:
        return None
    return agency, text[cut:].lstrip(" :")


def _is_task_section(section: Section) -> bool:
    label = " ".join(fold(_NUMBERING.sub("", section.heading).strip(" .:*")).split())
    return any(label == h or (label.startswith(h + " ") and len(label[len(h):].split()) <= lx.HEADING_EXTRA_WORDS)
               for h in lx.TASK_HEADINGS)


def _is_report_section(section: Section) -> bool:
    label = " ".join(fold(_NUMBERING.sub("", section.heading)).split())
    return any(h in label for h in lx.REPORT_HEADINGS)


def _sentences(text: str) -> tuple[list[str], list[str]]:
    """(own, general): the sentences of a text, and those from a closing sentence on ("Trên đây là Kế hoạch …
    Đề nghị các cơ quan, đơn vị …"), which address every agency. The closing sentence itself is dropped."""
    own: list[str] = []
    general: list[str] = []
    for sentence in split_sentences(text):
        sentence = _BULLET.sub("", sentence, count=1).strip()
        if not sentence or len(sentence) <= 3 or sentence.upper() == sentence:
            continue  # empty, or a heading line in capitals
        if len(sentence.split()) <= lx.MAX_LABEL_WORDS and sentence[-1] not in ".;:!?…)":
            continue  # a label ("Chế độ báo cáo"), not a sentence
        if _starts(fold(sentence), lx.CLOSING_STARTS):
            own, general = own, general or [""]
            continue
        (general if general else own).append(sentence)
    return own, [g for g in general if g]


def _duties(node: Section, first_text: str, year: int | None) -> tuple[list[Duty], list[Duty]]:
    """(the agency's duties, duties of every agency found in a closing paragraph) of a subsection's subtree."""
    path = SECTION_SEP.join(node.path)
    own, general = _sentences(first_text)
    out = [_duty(s, node.section_id, path, year) for s in own]
    rest = [_duty(s, node.section_id, path, year) for s in general]
    for child in node.children:
        more, more_general = _duties(child, child.text, year)
        (rest if rest else out).extend(more)
        rest.extend(more_general)
    return out, rest


def _duty(sentence: str, section_id: str, path: str, year: int | None) -> Duty:
    return Duty(text=sentence, section_id=section_id, section_path=path, deadlines=find_deadlines(sentence, year),
                report=find_report(sentence))


def _agency_of(section: Section) -> tuple[str, str] | None:
    lines = [ln for ln in section.text.split("\n") if ln.strip()]
    if not lines:
        return None
    found = split_agency(lines[0])
    if found is None:
        return None
    agency, rest = found
    return agency, "\n".join([rest, *lines[1:]])


def extract_tasks(meta: DocumentMeta, tree: Section, version: str = "") -> PlanTasks:
    """The plan's agencies and their duties, from its implementation sections (body only, annexes included)."""
    year = meta.year
    plan = PlanTasks(doc_id=meta.doc_id, doc_title=meta.title, version=version)
    by_name: dict[str, AgencyTasks] = {}

    def visit(node: Section) -> None:
        for child in node.children:
            if child.kind not in ("body", "annex"):
                continue
            if _is_task_section(child):
                collect(child)
            else:
                visit(child)

    done: set[str] = set()

    def collect(section: Section, shared: bool = True) -> None:
        """Agencies of an assignment section; with `shared`, items naming no agency are for every agency."""
        done.add(section.section_id)
        for child in section.children:
            found = _agency_of(child)
            if found is None:
                if _is_task_section(child) or (shared and child.children):
                    collect(child)
                elif shared:  # "1. Căn cứ kế hoạch này, Giám đốc các Sở, …": addressed to every agency
                    mine, closing = _sentences(child.text)
                    path = SECTION_SEP.join(child.path)
                    add(GENERAL_AGENCY, section, [_duty(x, child.section_id, path, year) for x in mine + closing])
                continue
            agency, rest = found
            duties, for_all = _duties(child, rest, year)
            add(agency, child, duties)
            add(GENERAL_AGENCY, section, for_all)
        if not shared:
            return
        own, general = _sentences(section.text)
        path = SECTION_SEP.join(section.path)
        own = [x for x in own if fold(x).strip(" .:") != fold(section.heading).strip(" .:")]
        add(GENERAL_AGENCY, section, [_duty(s, section.section_id, path, year) for s in own + general])

    def add(agency: str, section: Section, duties: list[Duty]) -> None:
        if not duties:
            return
        key = fold(agency)
        if key not in by_name:
            by_name[key] = AgencyTasks(agency=agency, section_id=section.section_id,
                                       section_path=SECTION_SEP.join(section.path))
            plan.agencies.append(by_name[key])
        by_name[key].duties.extend(duties)

    def assignment_lists(node: Section) -> None:
        """No implementation heading found: a section most of whose subsections are headed by an agency
        ("3. Sở Y tế", "4. Sở Xây dựng", …) assigns duties whatever its own heading says."""
        for child in node.children:
            if child.kind not in ("body", "annex"):
                continue
            named = sum(_agency_of(c) is not None for c in child.children)
            if named >= lx.MIN_AGENCY_SUBSECTIONS and 2 * named >= len(child.children):
                collect(child, shared=False)
            else:
                assignment_lists(child)

    def elsewhere(node: Section) -> None:
        """Outside those sections: every sentence of a reporting section ("VII. CHẾ ĐỘ BÁO CÁO"), and dated
        sentences anywhere ("… báo cáo UBND tỉnh trước ngày 30/11 hằng năm"), under the agency they open with."""
        for child in node.children:
            if child.kind != "body" or child.section_id in done:
                continue
            reporting = _is_report_section(child)
            for sub in child.walk() if reporting else [child]:
                own, closing = _sentences(sub.text)
                for sentence in own + closing:
                    duty = _duty(sentence, sub.section_id, SECTION_SEP.join(sub.path), year)
                    if reporting or any(d.kind in lx.DATED_KINDS for d in duty.deadlines):
                        found = split_agency(sentence)
                        add(found[0] if found else GENERAL_AGENCY, sub, [duty])
            if not reporting:
                elsewhere(child)

    visit(tree)
    if not plan.agencies:
        assignment_lists(tree)
    elsewhere(tree)
    return plan


# ---------------------------------------------------------------------------------------------- cache
class TaskIndex:
    """Task tables of documents, computed on demand and cached by (doc_id, version)."""

    def __init__(self, limit: int = 256) -> None:
        self._cache: dict[tuple[str, str], PlanTasks] = {}
        self._limit = limit
        self._lock = threading.Lock()

    def get(self, meta: DocumentMeta, tree: Section | Callable[[], Section | None], version: str
            ) -> PlanTasks | None:
        """The plan's table; `tree` may be a loader, called only on a cache miss (None: the document is gone)."""
        key = (meta.doc_id, version)
        with self._lock:
            hit = self._cache.get(key)
        if hit is not None:
            return hit
        loaded = tree() if callable(tree) else tree
        if loaded is None:
            return None
        plan = extract_tasks(meta, loaded, version)
        with self._lock:
            if len(self._cache) >= self._limit:
                self._cache.pop(next(iter(self._cache)))
            self._cache[key] = plan
        return plan


DEFAULT_INDEX = TaskIndex()


def agency_matches(agency: str, query: str) -> float:
    """How well a typed agency name ("sở văn hóa", "ban tuyên giáo huyện") names `agency`: share of the query's
    words found in the agency name (0 when the query's words are mostly elsewhere)."""
    words = [w for w in re.findall(r"\w+", fold(query)) if len(w) > 1 or w.isdigit()]
    if not words:
        return 0.0
    have = set(re.findall(r"\w+", fold(agency)))
    return sum(w in have for w in words) / len(words)


def due_by(duty: Duty, before: str) -> bool:
    """True when one of the duty's dated deadlines falls on or before `before` (ISO)."""
    return any(d.end is not None and d.end <= before for d in duty.deadlines)


class _Record(Protocol):
    """What the catalog's public read API returns per document (DocumentRecord)."""

    meta: DocumentMeta
    tree: Section


def plans_of(records: Iterable[_Record], index: TaskIndex = DEFAULT_INDEX) -> list[PlanTasks]:
    """Task tables of catalog records, cached by document id and content hash (the meta's sha256)."""
    return [p for r in records if (p := index.get(r.meta, r.tree, r.meta.sha256)) is not None]


def filter_plans(plans: Sequence[PlanTasks], *, agency: str | None = None, before: str | None = None,
                 min_match: float = 0.6) -> list[PlanTasks]:
    """Plans narrowed to agencies whose names hold `agency`'s words and to duties due on or before `before` (ISO);
    plans left without a duty are dropped."""
    out: list[PlanTasks] = []
    for plan in plans:
        agencies: list[AgencyTasks] = []
        for item in plan.agencies:
            if agency and agency_matches(item.agency, agency) < min_match:
                continue
            duties = [d for d in item.duties if before is None or due_by(d, before)]
            if duties:
                agencies.append(item.model_copy(update={"duties": duties}))
        if agencies:
            out.append(plan.model_copy(update={"agencies": agencies}))
    return out
