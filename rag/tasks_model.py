"""The shapes of task tables (agency → duties, deadlines, reports) and the sentence-level finders of deadlines and
reports. Extraction from a document's tree is `rag.tasks`; the words are data in `rag.lexicon.tasks`."""

from __future__ import annotations

import calendar
import datetime as dt

from pydantic import BaseModel, Field

from rag.lexicon import tasks as lx
from rag.text import fold, strip_diacritics

# The agency of duties addressed to every agency of the plan (a closing paragraph, the section's own text).
GENERAL_AGENCY = "Các cơ quan, đơn vị (chung)"


class Deadline(BaseModel):
    """A time phrase as written, and its normalised form: a date range and/or a recurrence."""

    phrase: str  # verbatim, as in the sentence
    kind: str  # a name of rag.lexicon.tasks.DEADLINE_PATTERNS: before, on, quarter, month, monthly_day, daily…
    start: str | None = None  # ISO date the range starts (quarter, month)
    end: str | None = None  # ISO date it must be done by
    recurrence: str | None = None  # "daily", "monthly", "quarterly", "half_yearly", "yearly", "periodic"


class Report(BaseModel):
    to: str | None = None  # "UBND tỉnh"
    via: str | None = None  # "qua Sở Văn hóa, Thể thao và Du lịch"
    sentence: str


class Duty(BaseModel):
    text: str  # verbatim sentence
    section_id: str
    section_path: str
    deadlines: list[Deadline] = Field(default_factory=list)
    report: Report | None = None


class AgencyTasks(BaseModel):
    agency: str
    section_id: str
    section_path: str
    duties: list[Duty] = Field(default_factory=list)


class PlanTasks(BaseModel):
    doc_id: str
    doc_title: str
    version: str = ""
    agencies: list[AgencyTasks] = Field(default_factory=list)

    def deadlines(self) -> list[tuple[AgencyTasks, Duty, Deadline]]:
        return [(a, d, x) for a in self.agencies for d in a.duties for x in d.deadlines]


def aligned_fold(text: str) -> str:
    """A folded view of `text` with the same length, so a match's offsets quote the original verbatim."""
    folded = strip_diacritics(text).lower()
    if len(folded) == len(text):
        return folded
    return "".join((strip_diacritics(ch).lower() or " ")[:1] for ch in text)


# ---------------------------------------------------------------------------------------------- deadlines
def _year(raw: str | None, default: int | None) -> int | None:
    return int(raw) if raw else default


def _iso(y: int | None, m: int, d: int) -> str | None:
    if y is None:
        return None
    try:
        return dt.date(y, m, d).isoformat()
    except ValueError:
        return None


def _month_end(y: int | None, m: int) -> str | None:
    if y is None or not 1 <= m <= 12:
        return None
    return dt.date(y, m, calendar.monthrange(y, m)[1]).isoformat()


def find_deadlines(sentence: str, year: int | None = None) -> list[Deadline]:
    """Deadline phrases of a sentence, normalised; `year` (the plan's) fills in dates written without one."""
    folded = aligned_fold(sentence)
    out: list[Deadline] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in lx.DEADLINE_PATTERNS:
        for m in pattern.finditer(folded):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            phrase = sentence[m.start():m.end()]
            g = m.groupdict()
            item = Deadline(phrase=phrase, kind=kind)
            if kind in ("before", "on"):
                y = _year(g.get("y"), year)
                item.end = _iso(y, int(g["m"]), int(g["d"]))
                if kind == "on":
                    item.start = item.end
            elif kind == "quarter":
                y, q = _year(g.get("y"), year), lx.QUARTERS[g["q"]]
                item.start = _iso(y, 3 * q - 2, 1)
                item.end = _month_end(y, 3 * q)
            elif kind == "month":
                y, month = _year(g.get("y"), year), int(g["m"])
                if "truoc" in m.group(0):
                    item.end = _iso(y, month, 1) if 1 <= month <= 12 else None
                    item.kind = "before"
                else:
                    item.start = _iso(y, month, 1) if 1 <= month <= 12 else None
                    item.end = _month_end(y, month)
            elif kind == "monthly_day":
                item.recurrence = "monthly"
            else:
                item.recurrence = {"half_year": "half_yearly"}.get(kind, kind)
            out.append(item)
    return out


# ---------------------------------------------------------------------------------------------- reports
def find_report(sentence: str) -> Report | None:
    """The report a sentence asks for, and to whom ("báo cáo UBND tỉnh (qua Sở …)")."""
    folded = aligned_fold(sentence)
    if not lx.REPORT_WORD.search(folded):
        return None
    m = lx.REPORT_TO.search(folded) or lx.REPORT_DIRECT.search(folded)
    if m is None:
        return Report(sentence=sentence)

    def span(name: str) -> str | None:
        if m.group(name) is None:
            return None
        return sentence[m.start(name):m.end(name)].strip(" ,")

    to = span("to")
    if to:
        folded_to = aligned_fold(to)
        cuts = [folded_to.find(" " + w) for w in lx.REPORT_TO_END if folded_to.find(" " + w) > 0]
        if cuts:
            to = to[:min(cuts)].strip(" ,")
    if to and not any(aligned_fold(to).startswith(s + " ") or fold(to) == s for s in lx.AGENCY_STARTS):
        to = None  # "báo cáo về tiến độ …": a subject, not a recipient
    return Report(to=to, via=span("via"), sentence=sentence)
