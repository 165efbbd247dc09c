"""The metadata strategy: a plan's particulars (date, number, signer, recipients, issuer, basis) from extracted
metadata, each cited to the line of the plan where it is written."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from rag import messages
from rag.answer.base import Composed, ComposedStrategy, fmt_date
from rag.answer.plan import QueryPlan
from rag.answer.ports import Corpus
from rag.directives import DirectiveStore
from rag.injection import is_injection, strip_injections
from rag.text import fold
from rag.types import SECTION_SEP, Answer, Citation, DocumentMeta, Section

# (sentence of the answer, section where it is written, the line quoted)
Found = tuple[str, Section, str]


def _compact(text: str) -> str:
    return re.sub(r"[\s*]+", "", fold(text))


def section_citation(n: int, meta: DocumentMeta, section: Section, quote: str, title: str | None = None) -> Citation:
    return Citation(n=n, doc_id=meta.doc_id, doc_title=meta.title if title is None else title,
                    section_path=SECTION_SEP.join(section.path) or section.heading, quote=quote, score=1.0,
                    section_id=section.section_id)


class MetadataFields:
    """Finds where a plan's particulars are written and phrases them (shared with the cross-plan strategy)."""

    def __init__(self, trees: Callable[[str], Section | None], registry: DirectiveStore) -> None:
        self.trees = trees
        self.registry = registry

    def locate(self, doc_id: str, needles: Sequence[str], kinds: Sequence[str]) -> tuple[Section, str] | None:
        """The section (preferring `kinds`) and line where one of the needles is written."""
        tree = self.trees(doc_id)
        if tree is None:
            return None
        sections = sorted(tree.walk()[1:], key=lambda s: 0 if s.kind in kinds else 1)
        for needle in (_compact(n) for n in needles if n):  # the most specific needle first
            for section in sections:
                for line in section.text.splitlines():
                    if needle and needle in _compact(line) and not is_injection(line):
                        return section, line.strip().strip("*").strip()
        return None

    def field(self, meta: DocumentMeta, field: str) -> Found | None:
        kind_prefix = (meta.doc_type or "Văn bản")
        who = f"{kind_prefix} «{meta.title}»" if meta.title else kind_prefix
        if meta.issuer and fold(meta.province or "") not in fold(meta.title or ""):
            who += f" của {meta.issuer}"
        if field == "date" and meta.date:
            y, m, d = meta.date.split("-")
            needles = [f"ngày {d} tháng {int(m)} năm {y}", f"ngày {int(d)} tháng {int(m)} năm {y}",
                       f"{d}/{m}/{y}", f"{int(d)}/{int(m)}/{y}", f"{d}/{int(m)}/{y}", f"{int(d)}/{m}/{y}"]
            loc = self.locate(meta.doc_id, needles, ("header", "preamble", "annex"))
            if loc:
                place = f" tại {meta.place}" if meta.place else ""
                return f"{who} được ban hành ngày {fmt_date(meta.date)}{place}.", loc[0], loc[1]
        if field == "number" and meta.number:
            loc = self.locate(meta.doc_id, [meta.number], ("header", "annex", "preamble"))
            if loc:
                return f"{who} có số hiệu {meta.number}.", loc[0], loc[1]
        if field == "signer" and meta.signer:
            loc = self.locate(meta.doc_id, [meta.signer], ("signature",))
            if loc:
                section = loc[0]
                title = f" ({meta.signer_title})" if meta.signer_title else ""
                return f"Người ký {who}: {meta.signer}{title}.", section, strip_injections(section.text).strip()
        if field == "recipients" and meta.recipients:
            loc = self.locate(meta.doc_id, meta.recipients[:1], ("recipients",))
            if loc:
                section = loc[0]
                items = "; ".join(meta.recipients)
                return f"Nơi nhận của {who}: {items}.", section, strip_injections(section.text).strip()
        if field == "basis" and meta.implements:
            loc = self.locate(meta.doc_id, meta.implements[:1], ("preamble", "header", "body"))
            if loc:
                described = [self._describe(number) for number in meta.implements]
                return f"{who} được xây dựng căn cứ/để thực hiện: {'; '.join(described)}.", loc[0], loc[1]
        if field == "issuer" and meta.issuer:
            generic = re.sub(rf"\s*{re.escape(meta.province)}$", "", meta.issuer) if meta.province else meta.issuer
            loc = self.locate(meta.doc_id, [meta.issuer, generic, " ".join(meta.issuer.split()[-2:])],
                              ("preamble", "signature", "header"))
            if loc:
                return f"{who} do {meta.issuer} ban hành.", loc[0], loc[1]
        return None

    def _describe(self, number: str) -> str:
        """'Nghị quyết số 35-NQ/TW ngày 22/10/2018 của Bộ Chính trị' from the registry, or the number alone."""
        record = next(iter(self.registry.lookup(number, limit=1)), None)
        if record is None or record.number != number:
            return number
        text = f"{record.doc_type} số {record.number}"
        if record.date:
            text += f" ngày {fmt_date(record.date)}"
        if record.issuer:
            text += f" của {record.issuer}"
        return text


class MetadataStrategy(ComposedStrategy):
    name = "metadata"

    def __init__(self, fields: MetadataFields, retriever: Corpus) -> None:
        self.fields = fields
        self.retriever = retriever

    def _target_docs(self, plan: QueryPlan) -> list[DocumentMeta]:
        by_id = {m.doc_id: m for m in plan.metas}
        if plan.route.docs:
            return [by_id[d] for d in plan.route.docs if d in by_id]
        hits = self.retriever.search(plan.standalone, k=3, filters=plan.filters)
        return [by_id[hits[0].chunk.doc_id]] if hits and hits[0].chunk.doc_id in by_id else []

    def compose(self, plan: QueryPlan) -> Composed | None:
        if plan.route.kind != "metadata":
            return None
        docs = self._target_docs(plan)
        if not docs:
            return None
        asked = plan.route.meta_fields
        lines: list[str] = []
        citations: list[Citation] = []
        missing = 0
        for meta in docs:
            title = meta.title or meta.doc_id
            basis_said = False
            for field in asked:
                found = self.fields.field(meta, field)
                if found is None:
                    missing += 1
                    line = f"- {title}: văn bản không ghi {messages.FIELD_LABELS[field]}."
                    basis = (self.fields.field(meta, "basis")
                             if field in ("date", "number") and not basis_said and "basis" not in asked else None)
                    if basis is not None:  # the particulars it shows are those of the plans it implements
                        basis_said = True
                        sentence, section, quote = basis
                        citations.append(section_citation(len(citations) + 1, meta, section, quote, title))
                        line += f" {messages.OTHER_DOCUMENTS} {sentence} [{len(citations)}]"
                    lines.append(line)
                    continue
                sentence, section, quote = found
                citations.append(section_citation(len(citations) + 1, meta, section, quote, title))
                lines.append(f"- {sentence} [{len(citations)}]")
        if not citations:
            return None
        text = lines[0][2:] if len(lines) == 1 else "\n".join(lines)
        answer = Answer(question=plan.question, answer=text, mode="metadata", citations=citations,
                        refused=missing == len(lines))
        return answer, citations
