"""The directive strategy: a directive looked up in the registry (by number, or by type + subject), listed with
the plans that cite it, each citation quoting the citing sentence."""

from __future__ import annotations

from collections.abc import Callable

from rag.answer.base import Composed, ComposedStrategy, fmt_date
from rag.answer.plan import QueryPlan
from rag.answer.ports import Corpus
from rag.directives import DOC_TYPES, DirectiveStore, looks_like_directive_query
from rag.evidence import CorpusStats, coverage, question_words
from rag.injection import strip_injections
from rag.lexicon import NUMBER_RE
from rag.lexicon.questions import FORM_WORDS
from rag.text import fold
from rag.types import Answer, Citation, DirectiveRecord


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


def find_directives(registry: DirectiveStore, stats: CorpusStats, query: str, limit: int = 5
                    ) -> list[DirectiveRecord]:
    """Registry records for a number ('nq 35') or, failing that, for a type + subject ('Nghị quyết về
    chuyển đổi số của Tỉnh ủy') matched against the records' subjects and citing sentences."""
    records = registry.lookup(query, limit=limit)
    if records:
        return records
    folded = f" {fold(query)} "
    types = {name for key, name in DOC_TYPES.items() if f" {key} " in folded}
    if not types:
        return []
    type_words = {fold(t) for t in types} | {"so"}
    words = [w for w in question_words(query, stats) if w not in type_words and w not in FORM_WORDS]
    if not words:
        return []
    scored = []
    for record in registry.all():
        if record.doc_type not in types:
            continue
        text = " ".join([record.subject or "", record.issuer or "", *(m.sentence for m in record.mentions)])
        scored.append((coverage(words, text, stats), record))
    scored.sort(key=lambda x: -x[0])
    return [r for score, r in scored[:limit] if score >= 0.6 and score >= scored[0][0] - 0.05]


def directives_in(registry: DirectiveStore, text: str) -> list[DirectiveRecord]:
    """The registry records of the directives an answer (and its quotes) names."""
    if not looks_like_directive_query(text):
        return []
    found: list[DirectiveRecord] = []
    for match in NUMBER_RE.finditer(text):  # the lexicon's pattern: 35-NQ/TW, 464/KH-LĐLĐ, 55/2022/QH15
        for record in registry.lookup(match.group(0), limit=2):
            if record.directive_id not in {r.directive_id for r in found}:
                found.append(record)
    return found[:10]


class DirectiveStrategy(ComposedStrategy):
    name = "directive"

    def __init__(self, registry: DirectiveStore, retriever: Corpus, stats: Callable[[], CorpusStats]) -> None:
        self.registry = registry
        self.retriever = retriever
        self.stats = stats

    @staticmethod
    def applies(plan: QueryPlan) -> bool:
        """A directive asked about, a document named by its own number, or 'which document…' naming no plan."""
        kind = plan.route.kind
        return kind == "directive" or plan.names_itself or (plan.asks_which and kind == "general"
                                                             and not plan.route.docs)

    def compose(self, plan: QueryPlan) -> Composed | None:
        if not self.applies(plan):
            return None
        standalone = plan.standalone
        records = find_directives(self.registry, self.stats(), standalone)
        if not records:
            return None
        lines: list[str] = []
        citations: list[Citation] = []
        if len(records) > 1:
            lines.append(f"Có {len(records)} văn bản khớp với «{standalone.strip()}»:")
        for record in records[:3]:
            docs = list(dict.fromkeys(m.doc_title for m in record.mentions))
            bullet = "- " if len(records) > 1 else ""
            head = self._head(record)
            if record.doc_id:
                own = self._own_citation(record, len(citations) + 1)
                if own is not None:
                    citations.append(own)
                ref = f" [{own.n}]" if own is not None else ""
                lines.append(f"{bullet}{head}. Văn bản có trong kho tài liệu: «{record.title or record.number}»"
                             f" (mã tài liệu: {record.doc_id}){ref}.")
                if not docs:
                    lines.append("  Chưa có văn bản nào khác trong kho nhắc đến văn bản này.")
                    continue
                lines.append(f"  Được nhắc đến trong {len(docs)} văn bản:")
            else:
                lines.append(f"{bullet}{head}. Được nhắc đến trong {len(docs)} văn bản:")
            first_per_doc = list({m.doc_id: m for m in reversed(record.mentions)}.values())[::-1]
            extra = [m for m in record.mentions if m not in first_per_doc]
            for mention in (first_per_doc + extra)[:max(6, len(first_per_doc))]:
                n = len(citations) + 1
                citations.append(Citation(n=n, doc_id=mention.doc_id, doc_title=mention.doc_title,
                                          section_path=mention.section_path, score=1.0,
                                          quote=strip_injections(mention.sentence), section_id=mention.section_id))
                lines.append(f"  • {mention.doc_title} › {mention.section_path} [{n}]")
        answer = Answer(question=plan.question, answer="\n".join(lines), mode="directive", citations=citations,
                        directives=records)
        return answer, citations

    @staticmethod
    def _head(record: DirectiveRecord) -> str:
        head = f"{record.doc_type} số {record.number}"
        if record.date:
            head += f" ngày {fmt_date(record.date)}"
        if record.issuer:
            head += f" của {record.issuer}"
        if record.term:
            head += f" ({record.term})"
        if record.subject:
            head += f" về {record.subject.removeprefix('về ').strip()}"
        if not record.subject and record.mentions:
            context = _shorten(strip_injections(record.mentions[0].sentence), 220)
            head += f". Các kế hoạch nhắc đến văn bản này trong ngữ cảnh: «{context}»"
        return head

    def _own_citation(self, record: DirectiveRecord, n: int) -> Citation | None:
        """A citation of an ingested document's own first section (its header: number, date, issuer)."""
        chunks = [c for c in self.retriever.snapshot().chunks.values() if c.doc_id == record.doc_id]
        if not chunks:
            return None
        first = min(chunks, key=lambda c: c.order)
        return Citation(n=n, doc_id=first.doc_id, doc_title=first.doc_title, section_path=first.path_str,
                        quote=_shorten(strip_injections(first.text), 240), score=1.0, section_id=first.section_id)
