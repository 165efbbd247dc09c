"""The cross-plan strategy: one line per plan, each quoting that plan's own best sentence on the topic (or, for
'which plans did X issue?', the plans' issuers)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rag.answer.base import Composed, ComposedStrategy, fmt_date
from rag.answer.metadata import MetadataFields, section_citation
from rag.answer.plan import QueryPlan
from rag.answer.ports import Corpus
from rag.answer.sources import Source, make_sources
from rag.config import Settings
from rag.evidence import CorpusStats, coverage, question_words
from rag.injection import strip_injections
from rag.lexicon.questions import FORM_WORDS, ISSUER_QUESTION_WORDS, expand_issuer
from rag.text import fold
from rag.types import Answer, Chunk, Citation, DocumentMeta, Section


def _when(meta: DocumentMeta) -> str:
    return f", {fmt_date(meta.date)}" if meta.date else (f", năm {meta.year}" if meta.year else "")


class CrossPlanStrategy(ComposedStrategy):
    name = "cross_plan"

    def __init__(self, settings: Settings, retriever: Corpus, trees: Callable[[str], Section | None],
                 fields: MetadataFields, stats: Callable[[], CorpusStats]) -> None:
        self.settings = settings
        self.retriever = retriever
        self.trees = trees
        self.fields = fields
        self.stats = stats

    def compose(self, plan: QueryPlan) -> Composed | None:
        if plan.route.kind != "cross_plan":
            return None
        stats = self.stats()
        by_id = {m.doc_id: m for m in plan.metas}
        named = [by_id[d] for d in plan.route.docs if d in by_id]
        place_words = {fold(x) for m in named for x in (m.province, m.place) if x}
        words = [w for w in question_words(plan.standalone, stats) if w not in FORM_WORDS and w not in place_words]
        if not words:
            return None
        comparing = len(named) >= 2
        candidates = named if comparing else list(plan.metas)
        by_issuer = None if comparing else self._plans_by_issuer(plan.question, words, candidates)
        if by_issuer:
            return by_issuer
        rows: list[tuple[DocumentMeta, Source, float]] = []
        for meta in candidates:
            outline = self._outline_source(meta.doc_id, words, stats) if comparing else None
            if outline is not None:
                rows.append((meta, outline, 1.0))
                continue
            hits = self.retriever.search(" ".join(words), k=4, filters={**plan.filters, "doc_id": meta.doc_id})
            if not hits:
                continue
            best = max(hits, key=lambda h: coverage(words, h.chunk.index_text(), stats)
                       + 0.5 * coverage(words, h.chunk.path_str, stats))
            cov = coverage(words, best.chunk.index_text(), stats)
            rows.append((meta, make_sources(words, [(best.chunk, cov)], 400, stats, sentences=1)[0], cov))
        threshold = self.settings.refusal_min_score
        kept = [r for r in rows if comparing or r[2] >= max(threshold, 0.75)]
        if not kept:
            return None
        citations: list[Citation] = []
        lines: list[str] = []
        if not comparing:
            lines.append(f"Có {len(kept)}/{len(candidates)} văn bản đề cập đến nội dung này:")
        for meta, source, _ in kept:
            n = len(citations) + 1
            citations.append(source.citation(n))
            label = meta.province or meta.issuer or meta.title
            lines.append(f"- {label} ({meta.title}{_when(meta)}): «{' '.join(source.quote.split())}» [{n}]")
        answer = Answer(question=plan.question, answer="\n".join(lines), mode="cross_plan", citations=citations)
        return answer, citations

    def _plans_by_issuer(self, question: str, words: Sequence[str], metas: Sequence[DocumentMeta]
                         ) -> Composed | None:
        """'Which plans did the Fatherland Front issue?': answered from the plans' issuers, cited to where the
        issuer is written."""
        wanted = [w for w in words if w not in ISSUER_QUESTION_WORDS]
        if not wanted:
            return None
        matches = []
        for meta in metas:
            issuer = f" {expand_issuer(fold(meta.issuer or ''))} "
            if all(f" {w} " in issuer for w in wanted):
                matches.append(meta)
        if not matches or len(matches) == len(metas):
            return None
        citations: list[Citation] = []
        lines = [f"Có {len(matches)} văn bản do cơ quan này ban hành:"]
        for meta in matches:
            found = self.fields.field(meta, "issuer")
            if found is None:
                continue
            _, section, quote = found
            n = len(citations) + 1
            citations.append(section_citation(n, meta, section, quote))
            lines.append(f"- {meta.province or meta.issuer}: {meta.title} ({meta.issuer}{_when(meta)}) [{n}]")
        if not citations:
            return None
        return Answer(question=question, answer="\n".join(lines), mode="cross_plan", citations=citations), citations

    def _outline_source(self, doc_id: str, words: Sequence[str], stats: CorpusStats) -> Source | None:
        """A section whose heading names the whole topic ('III. HÌNH THỨC TUYÊN TRUYỀN'), quoted as its items."""
        tree = self.trees(doc_id)
        if tree is None or not words:
            return None
        for section in tree.walk()[1:]:
            if not section.children or section.kind not in ("body", "annex"):
                continue
            if coverage(words, section.heading, stats) < 0.99:
                continue
            items = []
            for child in section.children:
                body = strip_injections(child.text).strip()
                if not body and child.text.strip():
                    continue  # an item that only holds a planted instruction
                first = body.splitlines()[0].strip() if body else child.heading
                items.append(first if len(first) <= 160 else first[:157].rsplit(" ", 1)[0] + "…")
            head = section.text.strip().splitlines()[0].strip()
            quote = head + "\n" + "\n".join(items)
            meta = self.retriever.snapshot().metas.get(doc_id)
            chunk = Chunk(chunk_id=f"{doc_id}:{section.section_id}", doc_id=doc_id,
                          doc_title=meta.title if meta else doc_id,
                          section_id=section.section_id, section_path=section.path, kind=section.kind,
                          text=section.text)
            return Source(chunk, quote, 1.0)
        return None
