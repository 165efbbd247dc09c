"""Search with query understanding: the plan's route boosts the plans a question names and, for questions
about a plan's particulars (date, signer, recipients…), the header/signature/recipient sections."""

from __future__ import annotations

from rag.answer.plan import QueryPlan
from rag.answer.ports import Corpus
from rag.directives import DirectiveStore
from rag.types import Chunk, SearchHit

# The section kinds where each particular of a plan is written.
FIELD_KINDS: dict[str, tuple[str, ...]] = {
    "date": ("header", "preamble"), "number": ("header", "preamble"), "signer": ("signature",),
    "recipients": ("recipients",), "issuer": ("signature", "header"), "basis": ("preamble", "header"),
}


class PlanSearch:
    """Hybrid search fused (reciprocal rank) with the lists the plan asks for."""

    def __init__(self, retriever: Corpus, registry: DirectiveStore) -> None:
        self.retriever = retriever
        self.registry = registry

    def search(self, plan: QueryPlan, k: int) -> list[SearchHit]:
        """Chunks of the plans the question names rank first; chunks citing a directive asked about, and the
        sections holding an asked particular, are fused in."""
        standalone, filters, allowed, route = plan.standalone, plan.filters, plan.allowed, plan.route
        snap = self.retriever.snapshot()
        lists: list[tuple[float, list[Chunk]]] = []
        base = self.retriever.search(standalone, k=k, filters=filters)
        if plan.is_directive:
            mentioned = {(m.doc_id, m.section_id) for r in self.registry.lookup(standalone, limit=3)
                         for m in r.mentions}
            cited = [c for c in snap.chunks.values() if (c.doc_id, c.section_id) in mentioned
                     and (not filters or c.doc_id in (allowed or set()))]
            cited.sort(key=lambda c: (c.doc_id, c.order))
            lists.append((2.0, cited))
        if route.meta_fields and (route.kind == "metadata" or route.docs):
            targets = route.docs or ([base[0].chunk.doc_id] if base else [])
            kinds = {kind for f in route.meta_fields for kind in FIELD_KINDS[f]}
            structural = [c for c in snap.chunks.values() if c.doc_id in targets and c.kind in kinds]
            structural.sort(key=lambda c: (targets.index(c.doc_id), c.order))
            lists.append((3.0, structural))
        if route.docs and "doc_id" not in filters and route.kind != "cross_plan":
            for doc_id in route.docs[:3]:
                doc_hits = self.retriever.search(standalone, k=k, filters={**filters, "doc_id": doc_id})
                lists.append((2.0, [h.chunk for h in doc_hits]))
        if not lists:
            return base
        lists.append((1.0, [h.chunk for h in base]))
        return _fuse(lists, base, allowed, k)


def _fuse(lists: list[tuple[float, list[Chunk]]], base: list[SearchHit], allowed: frozenset[str] | None,
          k: int) -> list[SearchHit]:
    fused: dict[str, float] = {}
    by_id: dict[str, Chunk] = {}
    for weight, chunks in lists:
        for rank, chunk in enumerate(c for c in chunks if allowed is None or c.doc_id in allowed):
            fused[chunk.chunk_id] = fused.get(chunk.chunk_id, 0.0) + weight / (60 + rank + 1)
            by_id[chunk.chunk_id] = chunk
    base_by_id = {h.chunk.chunk_id: h for h in base}
    ranked = sorted(fused.items(), key=lambda kv: kv[1], reverse=True)[:k]
    out = []
    for i, (cid, score) in enumerate(ranked):
        prior = base_by_id.get(cid)
        out.append(SearchHit(chunk=by_id[cid], score=round(score, 6), rank=i + 1,
                             dense_score=prior.dense_score if prior else None,
                             lexical_score=prior.lexical_score if prior else None))
    return out
