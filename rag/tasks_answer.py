"""Answers about who does what by when, composed from the task tables of `rag.tasks` (no model call).

"Sở Văn hóa phải làm gì?" → that agency's duties, verbatim, each cited; "hạn báo cáo khi nào?" → the reports owed,
to whom and by when; "việc gì phải xong trước tháng 12?" → duties whose dated deadline falls before it.
`answer_tasks` returns None when the question is not one of these, so other strategies answer it.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rag.lexicon import find_provinces
from rag.lexicon import tasks as lx
from rag.routing import docs_named
from rag.tasks import DEFAULT_INDEX, AgencyTasks, Deadline, Duty, PlanTasks, TaskIndex, agency_matches, aligned_fold
from rag.types import Answer, Citation, DocumentMeta, Section

MIN_AGENCY_MATCH = 0.6
MAX_ITEMS = 40


@dataclass
class _Item:
    plan: PlanTasks
    agency: AgencyTasks
    duty: Duty


def _fmt(iso: str | None) -> str:
    if not iso:
        return ""
    y, m, d = iso.split("-")
    return f"{d}/{m}/{y}"


_RECURRENCE = {"daily": "hằng ngày", "monthly": "hằng tháng", "quarterly": "hằng quý", "half_yearly": "6 tháng một lần",
               "yearly": "hằng năm", "periodic": "định kỳ"}


def show_deadline(d: Deadline) -> str:
    """'trước ngày 30 tháng 11 (→ 30/11/2025)' — the phrase as written beside its normalised form."""
    if d.start and d.end and d.start != d.end:
        return f"{d.phrase} (→ {_fmt(d.start)}–{_fmt(d.end)})"
    if d.end:
        return f"{d.phrase} (→ {_fmt(d.end)})"
    if d.recurrence:
        label = _RECURRENCE.get(d.recurrence, d.recurrence)
        return d.phrase if aligned_fold(label) == aligned_fold(d.phrase) else f"{d.phrase} (→ {label})"
    return d.phrase


def agency_phrases(question: str) -> list[str]:
    """Every way the question may name an agency, as typed: from each agency start word up to the question
    words ("Tỉnh ủy Phú Yên, Sở Thông tin và Truyền thông được giao …" → both), first position first."""
    folded = aligned_fold(question)
    starts: dict[int, int] = {}
    for start in lx.AGENCY_STARTS:
        for m in re.finditer(r"(?<!\w)" + re.escape(start) + r"(?!\w)", folded):
            if not any(folded.startswith(w, m.start()) for w in lx.NOT_AGENCY):
                starts[m.start()] = max(starts.get(m.start(), 0), m.end())
    out: list[str] = []
    for begin, first_end in sorted(starts.items()):
        end = len(folded)
        for word in lx.ASK_AGENCY_END:
            stop = re.search(r"(?<!\w)" + re.escape(word) + r"(?!\w)", folded[first_end:])
            if stop:
                end = min(end, first_end + stop.start())
        phrase = question[begin:end].strip(" ?.,:;!")
        if phrase and phrase not in out:
            out.append(phrase)
    return out


def agency_phrase(question: str) -> str | None:
    """The first agency the question names, as typed."""
    phrases = agency_phrases(question)
    return phrases[0] if phrases else None


def match_agencies(plans: Sequence[PlanTasks], phrases: Sequence[str]) -> list[tuple[PlanTasks, AgencyTasks]]:
    """Agencies whose names hold a typed phrase's words (best match per plan, above MIN_AGENCY_MATCH)."""
    best: list[tuple[tuple[float, float], PlanTasks, AgencyTasks]] = []
    for plan in plans:
        # how much of the phrase the name holds, then (ties) how much of the name the phrase holds
        scored = [(max(((round(agency_matches(a.agency, p), 3), agency_matches(p, a.agency)) for p in phrases),
                       default=(0.0, 0.0)), a) for a in plan.agencies]
        top = max((s for s, _ in scored), default=(0.0, 0.0))
        if top[0] >= MIN_AGENCY_MATCH:
            best.extend((s, plan, a) for s, a in scored if s == top)
    if not best:
        return []
    # across plans: the best phrase cover, and a name not much wider than the best one's
    first = max(s[0] for s, _, _ in best)
    second = max(s[1] for s, _, _ in best if s[0] == first)
    return [(plan, a) for s, plan, a in best if s[0] == first and s[1] >= second / 2]


def _before(question: str) -> tuple[int | None, int, int] | None:
    """(year or None, month, day) a question asks 'before'."""
    folded = aligned_fold(question)
    exact = lx.ASK_BEFORE_DATE.search(folded)
    if exact:
        return (int(exact["y"]) if exact["y"] else None, int(exact["m"]), int(exact["d"]))
    month = lx.ASK_BEFORE_MONTH.search(folded)
    if month:
        return (int(month["y"]) if month["y"] else None, int(month["m"]), int(month["d"] or 1))
    return None


def _due_before(duty: Duty, when: tuple[int | None, int, int]) -> bool:
    year, month, day = when
    for d in duty.deadlines:
        if not d.end:
            continue
        end = dt.date.fromisoformat(d.end)
        try:
            limit = dt.date(year or end.year, month, day)
        except ValueError:
            continue
        if end < limit:
            return True
    return False


def _compose(title: str, items: Sequence[_Item], *, with_agency: bool) -> Answer:
    lines = [title]
    citations: list[Citation] = []
    current: tuple[str, str] | None = None
    for item in items[:MAX_ITEMS]:
        head = (item.plan.doc_id, item.agency.agency if not with_agency else "")
        if head != current:
            current = head
            label = item.plan.doc_title if with_agency else f"{item.agency.agency} — {item.plan.doc_title}"
            lines.append(f"\n**{label}** ({item.agency.section_path}):")
        n = len(citations) + 1
        citations.append(Citation(n=n, doc_id=item.plan.doc_id, doc_title=item.plan.doc_title,
                                  section_path=item.duty.section_path, quote=item.duty.text,
                                  section_id=item.duty.section_id, score=1.0))
        extra = []
        if with_agency:
            extra.append(f"{item.agency.agency}:")
        line = " ".join([*extra, item.duty.text]) + f" [{n}]"
        notes = [show_deadline(d) for d in item.duty.deadlines]
        report = item.duty.report
        if report and report.to:
            notes.append("báo cáo " + report.to + (f" ({report.via})" if report.via else ""))
        if notes:
            line += " — " + "; ".join(notes)
        lines.append(f"- {line}")
    if len(items) > MAX_ITEMS:
        lines.append(f"\n(và {len(items) - MAX_ITEMS} việc khác)")
    return Answer(question="", answer="\n".join(lines), mode="tasks", citations=citations)


def answer_tasks(question: str, plans: Sequence[PlanTasks]) -> Answer | None:
    """An answer from the task tables, or None when the question is not about duties, deadlines or reports."""
    folded = aligned_fold(question)
    plans = [p for p in plans if p.agencies]
    if not plans:
        return None
    asks_duties = bool(lx.ASK_DUTIES.search(folded))
    asks_deadline = bool(lx.ASK_DEADLINE.search(folded))
    asks_report = bool(lx.ASK_REPORT.search(folded)) and asks_deadline
    everything = [_Item(p, a, d) for p in plans for a in p.agencies for d in a.duties]
    when = _before(question)
    answer: Answer | None = None
    if when is not None and (asks_duties or "xong" in folded or "hoan thanh" in folded):
        due = [i for i in everything if _due_before(i.duty, when)]
        label = f"{when[2]:02d}/{when[1]:02d}" + (f"/{when[0]}" if when[0] else "")
        answer = (_compose(f"Việc phải xong trước {label}:", due, with_agency=True) if due else None)
    elif asks_report:
        # only reports the plan gives a time for: "when" about a report with no date stays unanswered here
        owed = [i for i in everything if i.duty.report is not None and i.duty.deadlines]
        if owed:
            answer = _compose("Báo cáo phải gửi, cho ai và khi nào:", owed, with_agency=True)
    elif asks_duties or asks_deadline:
        phrases = agency_phrases(question)
        found = match_agencies(plans, phrases) if phrases else []
        items = []
        if found:
            items = [_Item(p, a, d) for p, a in found for d in a.duties]
            if asks_deadline and not asks_duties:
                items = [i for i in items if i.duty.deadlines]
        if items:
            names = list(dict.fromkeys(a.agency for _, a in found))
            answer = _compose(f"Nhiệm vụ của {', '.join(names)} theo kế hoạch:", items, with_agency=False)
    if answer is not None:
        answer.question = question
    return answer


def tasks_for(metas: Sequence[DocumentMeta], trees: Callable[[str], Section | None],
              index: TaskIndex = DEFAULT_INDEX) -> list[PlanTasks]:
    """Task tables of these documents (cached by doc_id and content hash)."""
    out = []
    for meta in metas:
        plan = index.get(meta, functools.partial(trees, meta.doc_id), meta.sha256)
        if plan is not None:
            out.append(plan)
    return out


def asks_about_tasks(question: str) -> bool:
    """Cheap check before any table is built: does the question ask about duties, deadlines or reports?"""
    folded = aligned_fold(question)
    return bool(lx.ASK_DUTIES.search(folded) or lx.ASK_DEADLINE.search(folded) or "xong" in folded
                or "hoan thanh" in folded)


def tasks_composed(question: str, standalone: str, metas: Sequence[DocumentMeta],
                   trees: Callable[[str], Section | None]) -> tuple[Answer, list[Citation]] | None:
    """The answering hook: (answer, sources) when the task tables answer the question, else None.
    Plans the question names (province, number, issuer) narrow the tables; otherwise all plans count."""
    if not asks_about_tasks(standalone):
        return None
    named = set(docs_named(standalone, metas))
    if not named and find_provinces(standalone):
        return None  # a province no plan is filed under: not ours to answer (the evidence gate refuses it)
    chosen = [m for m in metas if m.doc_id in named] or list(metas)
    answer = answer_tasks(standalone, tasks_for(chosen, trees))
    if answer is None:
        return None
    answer.question = question
    return answer, list(answer.citations)
