"""The generated strategy (general path): retrieval, the evidence gate, the model condensing a small numbered
context, sentence-by-sentence verification, and an extractive answer when no model sentence holds."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from collections.abc import Generator as Gen

from rag import messages, metrics
from rag.answer.base import elapsed_ms, with_merger_note
from rag.answer.directive import directives_in
from rag.answer.linked import linked_answer
from rag.answer.plan import QueryPlan
from rag.answer.ports import Corpus
from rag.answer.search import PlanSearch
from rag.answer.sources import Source, make_sources, prompt_label
from rag.config import Settings
from rag.directives import DirectiveStore
from rag.evidence import CorpusStats, coverage, question_words
from rag.injection import strip_injections
from rag.interfaces import Generator
from rag.prompts import PromptTemplate
from rag.refusal import EvidenceGate
from rag.text import fold
from rag.types import Answer, Chunk, SearchHit, StreamEvent
from rag.verify import VerifiedStream, example_sentences

log = logging.getLogger(__name__)


def extractive(sources: Sequence[Source]) -> tuple[str, list[int]]:
    """An answer made of the best sources' own sentences, cited."""
    lines = [messages.EXTRACTIVE_INTRO]
    order: list[int] = []
    for i, source in enumerate(sources[:3]):
        lines.append(f"- «{' '.join(source.quote.split())}» [{i + 1}]")
        order.append(i + 1)
    return "\n".join(lines), order


def rank_evidence(words: Sequence[str], hits: Sequence[SearchHit], support: float, stats: CorpusStats,
                  limit: int = 4) -> list[tuple[Chunk, float]]:
    """Hits ordered by how well they cover the question (their section heading counts half), those within half
    of the best support kept, at most `limit`."""
    ranked = sorted(((h.chunk, coverage(words, h.chunk.index_text(), stats)) for h in hits),
                    key=lambda x: -(x[1] + 0.5 * coverage(words, x[0].path_str, stats)))
    return [(c, s) for c, s in ranked if s >= 0.5 * support][:limit]


def _refused(plan: QueryPlan, related: Sequence[Source], timings: dict[str, float]) -> Iterator[StreamEvent]:
    """The refusal's events: its text, then the answer with the related passages shown under it."""
    yield StreamEvent(type="token", text=messages.REFUSAL)
    yield StreamEvent(type="done", answer=Answer(
        question=plan.question, answer=messages.REFUSAL, refused=True, mode="refused",
        related=[s.citation(i + 1) for i, s in enumerate(related)], standalone_question=plan.rewritten,
        timings_ms={**timings, "total_ms": elapsed_ms(plan.started)}))


def _relay(deltas: Iterator[str]) -> Gen[str, None, None]:
    """The model's deltas as a generator: closing it closes the model's stream too (PEP 380 `yield from`)."""
    yield from deltas


class GeneratedStrategy:
    """Always answers (it is the last strategy): verified model sentences, an extractive answer, or a refusal."""

    name = "generated"

    def __init__(self, settings: Settings, retriever: Corpus, registry: DirectiveStore, gate: EvidenceGate,
                 search: PlanSearch, generator: Callable[[], Generator], stats: Callable[[], CorpusStats]) -> None:
        self.settings = settings
        self.retriever = retriever
        self.registry = registry
        self.gate = gate
        self.search = search
        self.generator = generator
        self.stats = stats
        self.template = PromptTemplate.load("answer")
        # the worked examples' sentences: a claim that reuses one verifies only if its source holds it
        self.examples = example_sentences(self.template.render_messages(
            **{name: "" for name in self.template.list_variables()}))

    def run(self, plan: QueryPlan) -> Iterator[StreamEvent]:
        return with_merger_note(self._events(plan), plan.standalone, plan.metas)

    def _events(self, plan: QueryPlan) -> Iterator[StreamEvent]:
        question, standalone, started = plan.question, plan.standalone, plan.started
        stats = self.stats()
        words = question_words(standalone, stats)
        hits = self.search.search(plan, plan.top_k)
        chunks = [h.chunk for h in hits]
        verdict = self.gate.check(standalone, words, chunks, list(self.retriever.snapshot().metas.values()), stats)
        support = verdict.support
        retrieval_ms = elapsed_ms(started)
        if verdict.refuse:
            log.info("refused: %s", verdict.reason)
            metrics.record_refusal(verdict.reason)
            related = [Source(h.chunk, strip_injections(h.chunk.text)[:300], h.score).citation(i + 1)
                       for i, h in enumerate(hits[:3])]
            text = messages.REFUSAL
            if verdict.missing is not None and support >= self.settings.refusal_min_score and hits:
                # the documents hold what is asked about, not the value: say which is missing
                text = messages.NOT_STATED.format(doc=f"«{hits[0].chunk.doc_title}»", label=verdict.missing.label)
                if verdict.detail:  # what the documents say instead (the deputy who signed for the role)
                    text = verdict.detail
            answer = Answer(question=question, answer=text, refused=True, mode="refused",
                            related=related, timings_ms={"retrieval_ms": retrieval_ms})
            yield StreamEvent(type="sources", sources=[])
            yield StreamEvent(type="token", text=answer.answer)
            answer.timings_ms["total_ms"] = elapsed_ms(started)
            yield StreamEvent(type="done", answer=answer)
            return

        content = [h for h in hits if h.chunk.kind not in ("header", "signature", "recipients")]
        # the body first; the header/signature only when no body passage is close (a document's own date)
        ranked = rank_evidence(words, content, support, stats) or rank_evidence(words, hits, support, stats)
        linked = linked_answer(standalone, words, ranked) if self.settings.extractive_first else None
        if linked is not None:  # the evidence states the asked value: its sentence is the answer, no model call
            citation = linked.source.citation(1)
            yield StreamEvent(type="sources", sources=[citation])
            yield StreamEvent(type="token", text=linked.text)
            yield StreamEvent(type="done", answer=Answer(
                question=question, answer=linked.text, mode="extractive", citations=[citation],
                standalone_question=standalone if standalone != question else None,
                directives=directives_in(self.registry, f"{linked.text} {citation.quote}"),
                timings_ms={"retrieval_ms": retrieval_ms, "total_ms": elapsed_ms(started)}))
            return
        sources = make_sources(words, ranked, self.settings.context_chars, stats,
                               max_sources=self.settings.context_sources)
        if not sources:  # nothing to quote: no model call, no empty extract
            log.info("no evidence passage to quote; refusing")
            metrics.record_refusal("no_evidence")
            yield StreamEvent(type="sources", sources=[])
            yield from _refused(plan, [], {"retrieval_ms": retrieval_ms})
            return
        yield StreamEvent(type="sources", sources=[s.citation(i + 1) for i, s in enumerate(sources)])

        prompt = self.template.render_messages(
            sources="\n".join(f"[{i + 1}] {prompt_label(s)}\n{s.quote}" for i, s in enumerate(sources)),
            question=standalone,
        )
        gen_started = time.perf_counter()
        first_token_ms: float | None = None
        deltas = 0
        checker = VerifiedStream([s.quote for s in sources], self.examples)
        model = self.generator()
        stream = _relay(model.stream(prompt, max_tokens=self.settings.llm_max_tokens, stop=["\n\n\n"]))
        try:
            for delta in stream:
                if first_token_ms is None:
                    first_token_ms = elapsed_ms(started)
                deltas += 1
                for piece in checker.feed(delta):  # only verified sentences reach a reader
                    yield StreamEvent(type="token", text=piece)
        finally:
            stream.close()  # a reader that stops reading stops the generation
        for piece in checker.finish():
            yield StreamEvent(type="token", text=piece)
        raw = checker.raw.strip()
        generation_ms = round((time.perf_counter() - gen_started) * 1000, 1)
        metrics.record_generation(model, prompt, total_s=generation_ms / 1000, deltas=deltas,
                                  first_token_s=None if first_token_ms is None
                                  else max(0.0, first_token_ms / 1000 - (gen_started - started)))

        mode = "generated"
        if checker.kept:
            text, order = checker.text, checker.order
        elif fold(messages.REFUSAL)[:30] in fold(raw):
            log.info("model found nothing in the evidence; refusing")
            metrics.record_refusal("model_found_nothing")
            yield from _refused(plan, sources[:3], {"retrieval_ms": retrieval_ms, "generation_ms": generation_ms})
            return
        else:
            mode = "extractive"
            text, order = extractive(sources)
            yield StreamEvent(type="token", text=text)
        if checker.dropped:
            log.info("verification dropped %d of %d sentences", checker.dropped, checker.claims)
        citations = [sources[n - 1].citation(i + 1) for i, n in enumerate(order)]
        answer = Answer(
            question=question, answer=text, mode=mode, citations=citations,  # type: ignore[arg-type]
            standalone_question=plan.rewritten,
            directives=directives_in(self.registry, text + " " + " ".join(c.quote for c in citations)),
            timings_ms={"retrieval_ms": retrieval_ms, "first_token_ms": first_token_ms or 0.0,
                        "generation_ms": generation_ms, "total_ms": elapsed_ms(started)},
        )
        yield StreamEvent(type="done", answer=answer)
