"""Section-first answers: "what does this plan say about X" answered with the plan's own section X (no model call).

Officers ask for a plan's forms of propaganda, contents, purposes, tasks, schedule, budget; each plan answers that
in a section with that heading. `find_sections` matches the question to headings (topic words from
`rag.lexicon.sections`, or the question covering a heading's own words, or an agency of the implementation
section); `compose` lists that section's items in order, verbatim and cut only at sentence boundaries, each cited.
A long section shows every item's lead and keeps the rest for `Answer.more` ("Xem thêm").
`sections_composed` is the answering hook (same shape as `rag.tasks_answer.tasks_composed`); it returns None when no
heading clearly answers the question, so the general path answers it.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rag.injection import is_injection, strip_injections
from rag.lexicon import sections as lx
from rag.lexicon import tasks as task_words
from rag.routing import route
from rag.tasks import agency_matches
from rag.tasks_answer import MIN_AGENCY_MATCH, agency_phrases
from rag.text import fold
from rag.types import SECTION_SEP, Answer, Citation, DocumentMeta, Section

_NUMBERING = re.compile(r"^\s*(?:(?:[IVXLC]+|\d+(?:\.\d+)*|[a-zđ])\s*[.)/-]|điều\s+\d+\s*[.:]|[-+•*])\s*",
                        re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?…;])\s+(?=\S)")
_BULLET = re.compile(r"^\s*(?:[-+•*]|[a-zđ]\)|\d+(?:\.\d+)*[.)])\s+")
_WORDS = re.compile(r"[a-z0-9]+")
MAX_HEADING_WORDS = 14


@dataclass(frozen=True)
class Target:
    """A section that answers the question, in one plan."""

    meta: DocumentMeta
    section: Section
    score: tuple[float, ...]


@dataclass(frozen=True)
class Item:
    """One item of a section: its verbatim text, its lead (first sentence(s)) and the rest."""

    section: Section
    text: str
    lead: str
    rest: str


# ---- matching ------------------------------------------------------------------------------------------------

def _words(text: str) -> list[str]:
    return _WORDS.findall(fold(text))


def _pairs(words: Sequence[str]) -> set[tuple[str, str]]:
    return set(itertools.pairwise(words))


def topics_of(text: str) -> set[str]:
    """Topics (`SECTION_TOPICS` keys) whose words the text holds, on whole words."""
    folded = " " + " ".join(_words(text)) + " "
    return {topic for topic, names in lx.SECTION_TOPICS.items() if any(f" {n} " in folded for n in names)}


def heading_line(section: Section) -> str | None:
    """The heading a section is known by: its first line without numbering or trailing colon, when it reads as a
    heading (short); None for a numbered paragraph that is a sentence."""
    first = section.text.strip().split("\n", 1)[0] if section.text.strip() else section.heading
    label = _NUMBERING.sub("", first).strip().rstrip(":").strip()
    if not label or len(label.split()) > MAX_HEADING_WORDS or label.endswith((".", ";")):
        return None
    return label


def asks_list(question: str) -> bool:
    """Whether the question asks for a list or a section's content ("những … nào", "gồm", "ra sao", "là gì")."""
    folded = " ".join(_words(question))
    return bool(lx.LIST_FORM.search(folded) or lx.TOPIC_ASKED.search(folded))


def _score(question_words: list[str], q_topics: set[str], heading: str) -> tuple[float, ...] | None:
    h_words = _words(heading)
    if not h_words:
        return None
    content = set(question_words) - lx.QUESTION_WORDS
    shared = {w for w in h_words if w in content and w not in lx.WEAK_HEADING_WORDS}
    h_pairs = _pairs(h_words) or {(h_words[0], "")}
    q_pairs = _pairs(question_words) | {(w, "") for w in question_words}
    # pairs made only of question words ("tài liệu", "kế hoạch") say nothing about which heading is meant
    matched = len({p for p in h_pairs & q_pairs if not set(p) <= lx.QUESTION_WORDS | {""}})
    cover = matched / len(h_pairs)
    topic = bool(q_topics & topics_of(heading))
    clear = (cover >= lx.MIN_HEADING_COVER and len(shared) >= lx.MIN_SHARED_WORDS) or (
        matched >= lx.MIN_MATCHED_PAIRS and len(shared) >= lx.MIN_PARTIAL_SHARED_WORDS)
    if not (topic or clear):
        return None
    return (matched + (2.0 if topic else 0.0), cover)


def _is_task_section(section: Section) -> bool:
    folded = " ".join(_words(section.heading))
    return any(h in folded for h in task_words.TASK_HEADINGS)


def find_section(question: str, tree: Section) -> tuple[Section, tuple[float, ...]] | None:
    """The section of one plan whose heading the question names, with its score; None when none clearly does.
    Ties go to the higher section (the main "III. HÌNH THỨC" over a sub-item "2. Hình thức")."""
    words = _words(question)
    q_topics = topics_of(question)
    asks_duties = bool(task_words.ASK_DUTIES.search(" ".join(words)))
    phrases = agency_phrases(question) if asks_duties else []
    best: tuple[tuple[float, ...], Section] | None = None
    for top in tree.children:
        if top.kind != "body":
            continue
        for section in top.walk():
            heading = heading_line(section)
            if heading is None:
                continue
            in_tasks = section is not top and _is_task_section(top)
            if in_tasks and not asks_duties:
                continue  # an implementation subsection answers what its agency must do, nothing else
            score = _score(words, q_topics, heading)
            if in_tasks and phrases:
                agency = max(agency_matches(heading, p) for p in phrases)
                if agency >= MIN_AGENCY_MATCH:
                    score = (10.0 + agency, 1.0)
            if score is None:
                continue
            ranked = (*score, -float(section.level))
            if best is None or ranked > best[0]:
                best = (ranked, section)
    if best is None:
        return None
    return best[1], best[0]



# ---- items ---------------------------------------------------------------------------------------------------

def _sentences(text: str) -> list[str]:
    return [s for line in text.split("\n") for s in _SENTENCE_END.split(line.strip()) if s.strip()]


def _split_lead(text: str) -> tuple[str, str]:
    """(lead, rest) of an item's text: the first sentence, two when the first is only a label."""
    sentences = _sentences(text)
    if not sentences:
        return "", ""
    take = 1
    while take < len(sentences) and len(" ".join(sentences[:take])) < lx.SHORT_LEAD_CHARS:
        take += 1
    return " ".join(sentences[:take]), " ".join(sentences[take:])


def _clean(text: str) -> str:
    lines = [ln.strip() for ln in strip_injections(text).split("\n")]
    return "\n".join(ln for ln in lines if ln and not is_injection(ln))


def _own_body(section: Section) -> str:
    """A section's own text without its heading line."""
    text = section.text.strip()
    if heading_line(section) is None:
        return text
    return text.split("\n", 1)[1] if "\n" in text else ""


def _subtree_text(section: Section) -> str:
    return "\n".join(s.text.strip() for s in section.walk() if s.text.strip())


def _item(section: Section, text: str) -> Item | None:
    cleaned = _clean(text)
    if not cleaned:
        return None
    lead, rest = _split_lead(cleaned)
    return Item(section, cleaned, lead, rest)


def _paragraphs(text: str) -> list[str]:
    """Paragraphs of a text: a line that neither opens an item nor follows a finished sentence continues the
    paragraph before it (a paragraph broken across lines)."""
    paragraphs: list[str] = []
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        if paragraphs and not _BULLET.match(line) and not paragraphs[-1].rstrip().endswith((".", ";", ":")):
            paragraphs[-1] += "\n" + line
        else:
            paragraphs.append(line)
    return paragraphs


def section_items(section: Section) -> list[Item]:
    """The section's items in order: the paragraphs of its own text (an introduction ending with ':' is not an
    item), then its subsections, each with everything under it."""
    out: list[Item] = []
    paragraphs = _paragraphs(_own_body(section))
    for para in paragraphs:
        if para.rstrip().endswith(":") and (section.children or len(paragraphs) > 1) and len(para) < 300:
            continue  # "Tập trung tuyên truyền các nội dung sau:"
        item = _item(section, para)
        if item is not None:
            out.append(item)
    for child in section.children:
        if child.kind != "body":
            continue
        item = _item(child, _subtree_text(child))
        if item is not None:
            out.append(item)
    return out


def detailed_items(section: Section) -> list[Item]:
    """Every paragraph under the section as its own item (each cited with its own path): used when a long
    section has only a few subsections, whose own points would otherwise all be held back."""
    out: list[Item] = []
    for node in section.walk():
        if node.kind != "body":
            continue
        for para in _paragraphs(_own_body(node) if node is section else node.text):
            item = _item(node, para)
            if item is not None:
                out.append(item)
    return out


def _is_long(items: Sequence[Item]) -> bool:
    return len(items) > lx.LONG_ITEMS or sum(len(i.text) for i in items) > lx.LONG_CHARS


def answer_items(section: Section) -> list[Item]:
    """The items an answer lists: the section's items, or its paragraphs when it is long but has few items."""
    items = section_items(section)
    if _is_long(items) and len(items) < lx.FEW_ITEMS:
        detailed = detailed_items(section)
        if len(detailed) <= lx.MAX_ITEMS:
            return detailed
    return items


# ---- answer --------------------------------------------------------------------------------------------------

def _flat(text: str) -> str:
    return " ".join(text.split())


def compose(question: str, targets: Sequence[Target]) -> Answer | None:
    """One block per plan: the section path as heading, then every item cited [n]. A long answer lists each
    item's lead and puts the rest of the items in `more`, under the same citation numbers."""
    blocks: list[tuple[Target, list[Item]]] = []
    for target in targets[:lx.MAX_PLANS]:
        items = answer_items(target.section)[:lx.MAX_ITEMS]
        if items:
            blocks.append((target, items))
    if not blocks:
        return None
    all_items = [i for _, items in blocks for i in items]
    long = _is_long(all_items)
    lines: list[str] = []
    more: list[str] = []
    citations: list[Citation] = []
    for target, items in blocks:
        path = SECTION_SEP.join(target.section.path) or target.section.heading
        head = f"**{target.meta.title}** — {path}:"
        lines.append(head)
        more_block: list[str] = []
        for item in items:
            n = len(citations) + 1
            citations.append(Citation(
                n=n, doc_id=target.meta.doc_id, doc_title=target.meta.title,
                section_path=SECTION_SEP.join(item.section.path), quote=item.text,
                section_id=item.section.section_id, score=1.0))
            shown = item.lead if long else f"{item.lead} {item.rest}".strip()
            lines.append(f"- {_flat(shown)} [{n}]")
            if long and item.rest:
                more_block.append(f"- … {_flat(item.rest)} [{n}]")
        lines.append("")
        if more_block:
            more.extend([head, *more_block, ""])
    return Answer(question=question, answer="\n".join(lines).strip(), mode="section", citations=citations,
                  more="\n".join(more).strip())


def find_targets(question: str, metas: Sequence[DocumentMeta],
                 trees: Callable[[str], Section | None]) -> list[Target]:
    """The answering section of each plan (plans where no heading clearly matches are left out)."""
    out: list[Target] = []
    for meta in metas:
        tree = trees(meta.doc_id)
        if tree is None:
            continue
        found = find_section(question, tree)
        if found is not None:
            out.append(Target(meta, found[0], found[1]))
    return out


def sections_composed(question: str, standalone: str, metas: Sequence[DocumentMeta],
                      trees: Callable[[str], Section | None], *,
                      docs: Sequence[str]) -> tuple[Answer, list[Citation]] | None:
    """The answering hook: (answer, sources) when a plan's own section answers the question, else None.

    `docs` are the plans the question names (rag.routing.route(...).docs). None named: the only plan in scope, or
    every plan when the question is explicitly cross-plan; otherwise None (the general path answers)."""
    if not asks_list(standalone) or lx.ASKS_WHICH_PLANS.search(" ".join(_words(standalone))):
        return None
    by_id = {m.doc_id: m for m in metas}
    chosen = [by_id[d] for d in docs if d in by_id]
    if not chosen:
        if len(metas) != 1 and route(standalone, metas, is_directive=False).kind != "cross_plan":
            return None
        chosen = list(metas)
    targets = find_targets(standalone, chosen, trees)
    if not targets:
        return None
    if len(chosen) > 1:  # across plans: only the plans whose best heading is as clear as the best one's
        top = max(t.score[0] for t in targets)
        targets = [t for t in targets if t.score[0] >= top - 1.0]
    answer = compose(question, targets)
    if answer is None:
        return None
    return answer, list(answer.citations)
