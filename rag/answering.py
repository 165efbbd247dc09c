"""Grounded answering. The system finds, quotes and verifies the evidence; the model only condenses.

Paths (chosen in code by rag.routing): metadata questions and directive lookups are answered from extracted data,
cross-plan questions are composed from per-document evidence, the rest go to the model with a small numbered
context, and its answer is verified sentence by sentence (unsupported sentences dropped; nothing left → an
extractive answer made of the sources' own sentences). Refusal is decided from evidence before any model call.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from rag import messages, metrics
from rag.config import Settings
from rag.directives import DOC_TYPES, DirectiveStore, looks_like_directive_query
from rag.errors import InvalidInputError
from rag.evidence import (
    CorpusStats,
    best_window,
    coverage,
    question_words,
)
from rag.injection import is_injection, strip_injections
from rag.interfaces import Generator
from rag.lexicon import NUMBER_RE, merger_notes
from rag.prompts import PromptTemplate
from rag.refusal import EvidenceGate
from rag.retrieval import Retriever, validate_filters
from rag.routing import Route, docs_named, route, standalone_question
from rag.tasks_answer import tasks_composed
from rag.text import fold
from rag.types import (
    SECTION_SEP,
    Answer,
    ChatTurn,
    Chunk,
    Citation,
    DirectiveRecord,
    DocumentMeta,
    SearchHit,
    Section,
)
from rag.verify import VerifiedStream, example_sentences

log = logging.getLogger(__name__)

# Words of the question that describe the question form rather than its topic (cross-plan questions).
_FORM_WORDS = frozenset((
    "ke hoach", "tinh", "cac tinh", "tai lieu", "van ban", "so sanh", "nhung", "nao", "tat ca", "ca hai",
    "dia phuong", "giong", "khac", "khac nhau", "giong nhau", "diem chung", "cung", "deu", "nhac", "nhac den",
    "de cap", "noi", "co", "nhau", "ra sao", "the nao", "nhu the nao", "diem", "gi",
))


@dataclass
class Source:
    """One numbered piece of evidence: a chunk and the sentences of it we quote."""

    chunk: Chunk
    quote: str
    score: float

    def citation(self, n: int) -> Citation:
        return Citation(n=n, doc_id=self.chunk.doc_id, doc_title=self.chunk.doc_title,
                        section_path=SECTION_SEP.join(self.chunk.section_path), quote=self.quote,
                        score=round(self.score, 4), section_id=self.chunk.section_id)


@dataclass
class Event:
    """Internal stream event (the facade wraps these into rag.assistant.StreamEvent)."""

    type: str
    sources: list[Citation] | None = None
    text: str = ""
    answer: Answer | None = None


def _fmt_date(iso: str | None) -> str | None:
    if not iso:
        return None
    y, m, d = iso.split("-")
    return f"{int(d):02d}/{int(m)}/{y}"


def _compact(text: str) -> str:
    return re.sub(r"[\s*]+", "", fold(text))


class AnswerEngine:
    """Turns a question (+ history) into a verified Answer, as a stream of events."""

    def __init__(self, settings: Settings, retriever: Retriever, registry: DirectiveStore,
                 generator: Callable[[], Generator], trees: Callable[[str], Section | None]) -> None:
        self.settings = settings
        self.retriever = retriever
        self.registry = registry
        self._generator = generator
        self._trees = trees
        self._template = PromptTemplate.load("answer")
        # the worked examples' sentences: a claim that reuses one verifies only if its source holds it
        self._examples = example_sentences(self._template.render_messages(
            **{name: "" for name in self._template.list_variables()}))
        self.gate = EvidenceGate(registry, settings.refusal_min_score)
        self._stats: tuple[int, CorpusStats] | None = None
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ helpers
    def stats(self) -> CorpusStats:
        snap = self.retriever.snapshot()
        with self._lock:
            if self._stats is None or self._stats[0] != snap.generation:
                self._stats = (snap.generation, CorpusStats([c.index_text() for c in snap.chunks.values()]))
            return self._stats[1]

    def check_question(self, question: str) -> str:
        """Strip and validate a question; raise InvalidInputError with a Vietnamese message."""
        if not isinstance(question, str) or not question.strip():
            raise InvalidInputError("empty question", user_message=messages.EMPTY_QUESTION)
        question = question.strip()
        limit = self.settings.max_question_chars
        if len(question) > limit:
            raise InvalidInputError(f"question too long ({len(question)} chars)",
                                    user_message=messages.TOO_LONG.format(limit=limit))
        return question

    def make_sources(self, words: Sequence[str], chunks: Sequence[tuple[Chunk, float]], budget: int,
                     sentences: int = 3) -> list[Source]:
        """Quote the best sentences of each chunk, within a character budget for the prompt."""
        stats = self.stats()
        sources: list[Source] = []
        per_source = max(300, budget // max(1, len(chunks)))
        used = 0
        for chunk, score in chunks:
            if used >= budget:
                break
            body = strip_injections(chunk.text).strip()  # planted instructions are never quoted nor prompted
            if not body:
                continue
            if len(body) <= per_source and sentences >= 3:
                quote = body
            else:
                window = best_window(words, body, stats, max_chars=per_source, max_sentences=sentences)
                quote = window.text if window else body[:per_source]
            if not quote:
                continue
            sources.append(Source(chunk, quote, score))
            used += len(quote)
        return sources

    # ------------------------------------------------------------------ search with query understanding
    _FIELD_KINDS: ClassVar[dict[str, tuple[str, ...]]] = {
        "date": ("header", "preamble"), "number": ("header", "preamble"), "signer": ("signature",),
        "recipients": ("recipients",), "issuer": ("signature", "header"), "basis": ("preamble", "header"),
    }

    def search(self, query: str, k: int, filters: dict[str, Any] | None = None,
               history: Sequence[ChatTurn] = ()) -> list[SearchHit]:
        """Hybrid search, plus: chunks of the plans the question names rank first, and for questions about a
        plan's particulars (date, signer, recipients…) the header/signature/recipient sections come first."""
        filters = validate_filters(filters)
        snap = self.retriever.snapshot()
        allowed = self.retriever.allowed_docs(filters)
        metas = [m for m in snap.metas.values() if allowed is None or m.doc_id in allowed]
        standalone = standalone_question(query, history, metas)
        plan = route(standalone, metas, is_directive=looks_like_directive_query(standalone))
        lists: list[tuple[float, list[Chunk]]] = []
        base = self.retriever.search(standalone, k=k, filters=filters)
        if looks_like_directive_query(standalone):
            mentioned = {(m.doc_id, m.section_id) for r in self.registry.lookup(standalone, limit=3)
                         for m in r.mentions}
            cited = [c for c in snap.chunks.values() if (c.doc_id, c.section_id) in mentioned
                     and (not filters or c.doc_id in (self.retriever.allowed_docs(filters) or set()))]
            cited.sort(key=lambda c: (c.doc_id, c.order))
            lists.append((2.0, cited))
        if plan.meta_fields and (plan.kind == "metadata" or plan.docs):
            targets = plan.docs or ([base[0].chunk.doc_id] if base else [])
            kinds = {kind for f in plan.meta_fields for kind in self._FIELD_KINDS[f]}
            structural = [c for c in snap.chunks.values() if c.doc_id in targets and c.kind in kinds]
            structural.sort(key=lambda c: (targets.index(c.doc_id), c.order))
            lists.append((3.0, structural))
        if plan.docs and "doc_id" not in filters and plan.kind != "cross_plan":
            for doc_id in plan.docs[:3]:
                doc_hits = self.retriever.search(standalone, k=k, filters={**filters, "doc_id": doc_id})
                lists.append((2.0, [h.chunk for h in doc_hits]))
        if not lists:
            return base
        lists.append((1.0, [h.chunk for h in base]))
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

    # ------------------------------------------------------------------ entry point
    def stream(self, question: str, history: Sequence[ChatTurn] = (), *, top_k: int | None = None,
               filters: dict[str, Any] | None = None) -> Iterator[Event]:
        """Events: `sources` (retrieval only), `token` deltas, then `done` with the verified Answer."""
        started = time.perf_counter()
        question = self.check_question(question)
        filters = validate_filters(filters)
        history = list(history)[-2 * self.settings.history_turns:]
        snap = self.retriever.snapshot()
        allowed = self.retriever.allowed_docs(filters)
        metas = [m for m in snap.metas.values() if allowed is None or m.doc_id in allowed]
        if not metas:
            filtered_out = bool(snap.metas)
            metrics.record_refusal("filter_no_match" if filtered_out else "no_documents")
            yield from self._nothing(question, messages.NO_FILTER_MATCH if filtered_out else messages.NO_DOCUMENTS)
            return
        standalone = standalone_question(question, history, metas)
        if allowed is not None:
            named = docs_named(standalone, list(snap.metas.values()))
            if named and not allowed.intersection(named):  # the plan asked about is outside the filters
                metrics.record_refusal("filter_no_match")
                yield from self._nothing(question, messages.NO_FILTER_MATCH)
                return
        # ---- tasks strategy (rag.tasks_answer): who does what by when, from the plans' own tables, no model call
        tasks = tasks_composed(question, standalone, metas, self._trees)
        if tasks is not None:
            tasks[0].standalone_question = standalone if standalone != question else None
            tasks[0].timings_ms = {"total_ms": round((time.perf_counter() - started) * 1000, 1)}
            yield from (Event("sources", sources=tasks[1]), Event("token", text=tasks[0].answer),
                        Event("done", answer=tasks[0]))
            return
        # ---- end tasks strategy
        early = self.gate.precheck(standalone, metas, self.stats())
        if early.refuse:
            log.info("refused before retrieval: %s", early.reason)
            metrics.record_refusal(early.reason)
            answer = Answer(question=question, answer=messages.REFUSAL, refused=True, mode="refused",
                            standalone_question=standalone if standalone != question else None,
                            timings_ms={"total_ms": round((time.perf_counter() - started) * 1000, 1)})
            yield Event("sources", sources=[])
            yield Event("token", text=answer.answer)
            yield Event("done", answer=answer)
            return
        is_directive = looks_like_directive_query(standalone)
        plan = route(standalone, metas, is_directive=is_directive)
        k = top_k or self.settings.top_k
        timings: dict[str, float] = {}

        composed: tuple[Answer, list[Citation]] | None = None
        if plan.kind == "metadata":
            composed = self._metadata_answer(question, standalone, plan, metas, filters)
        asks_which = bool(self._WHICH.search(fold(standalone)))
        # "Hướng dẫn 40-HD/BTGDVTW là văn bản nào?", "KH 310 UBND": a document named by its own number, asked
        # which it is (or just typed), is a registry lookup; what it says is its own text (general path).
        names_itself = is_directive and plan.kind == "general" and len(plan.docs) == 1 and (
            bool(self._WHAT_IS.search(fold(standalone))) or len(fold(standalone).split()) <= 4)
        if composed is None and (plan.kind == "directive" or names_itself
                                 or (asks_which and plan.kind == "general" and not plan.docs)):
            composed = self._directive_answer(question, standalone)
        if composed is None and plan.kind == "cross_plan":
            composed = self._cross_plan_answer(question, standalone, plan, metas, filters)
        if composed is not None:
            answer, sources = composed
            timings["retrieval_ms"] = round((time.perf_counter() - started) * 1000, 1)
            yield Event("sources", sources=sources)
            yield Event("token", text=answer.answer)
            answer.standalone_question = standalone if standalone != question else None
            answer.timings_ms = {**timings, "total_ms": round((time.perf_counter() - started) * 1000, 1)}
            yield from self._with_merger_note(iter([Event("done", answer=answer)]), standalone, metas)
            return

        yield from self._with_merger_note(self._general(question, standalone, plan, k, filters, started),
                                          standalone, metas)

    @staticmethod
    def _with_merger_note(events: Iterator[Event], standalone: str, metas: Sequence[DocumentMeta]
                          ) -> Iterator[Event]:
        """Pass the events through; when the answer cites plans filed under the other side of the 2025 merger
        of a province the question names ('Đắk Lắk' → a Phú Yên plan), add one line saying so."""
        by_id = {m.doc_id: m for m in metas}
        for event in events:
            answer = event.answer
            if event.type == "done" and answer is not None and not answer.refused:
                cited = [by_id[c.doc_id].province for c in answer.citations if c.doc_id in by_id]
                note = merger_notes(standalone, [p for p in cited if p])
                if note:
                    answer.answer = f"{answer.answer}\n{note}"
                    yield Event("token", text=f"\n{note}")
            yield event

    @staticmethod
    def _nothing(question: str, text: str) -> Iterator[Event]:
        """A refusal without evidence: no document (or none within the filters) to answer from."""
        yield Event("sources", sources=[])
        yield Event("token", text=text)
        yield Event("done", answer=Answer(question=question, answer=text, refused=True, mode="refused"))

    # ------------------------------------------------------------------ general path (model condenses)
    def _general(self, question: str, standalone: str, plan: Route, k: int, filters: dict[str, Any],
                 started: float) -> Iterator[Event]:
        stats = self.stats()
        words = question_words(standalone, stats)
        hits = self.search(standalone, k, filters)
        chunks = [h.chunk for h in hits]
        verdict = self.gate.check(standalone, words, chunks, list(self.retriever.snapshot().metas.values()), stats)
        support = verdict.support
        retrieval_ms = round((time.perf_counter() - started) * 1000, 1)
        if verdict.refuse:
            log.info("refused: %s", verdict.reason)
            metrics.record_refusal(verdict.reason)
            related = [Source(h.chunk, strip_injections(h.chunk.text)[:300], h.score).citation(i + 1)
                       for i, h in enumerate(hits[:3])]
            text = messages.REFUSAL
            if verdict.missing is not None and support >= self.settings.refusal_min_score and hits:
                # the documents hold what is asked about, not the value: say which is missing
                text = messages.NOT_STATED.format(doc=f"«{hits[0].chunk.doc_title}»", label=verdict.missing.label)
            answer = Answer(question=question, answer=text, refused=True, mode="refused",
                            related=related, timings_ms={"retrieval_ms": retrieval_ms})
            yield Event("sources", sources=[])
            yield Event("token", text=answer.answer)
            answer.timings_ms["total_ms"] = round((time.perf_counter() - started) * 1000, 1)
            yield Event("done", answer=answer)
            return

        content = [h for h in hits if h.chunk.kind not in ("header", "signature", "recipients")] or hits
        ranked = sorted(((h.chunk, coverage(words, h.chunk.index_text(), stats)) for h in content),
                        key=lambda x: -(x[1] + 0.5 * coverage(words, x[0].path_str, stats)))
        ranked = [(c, s) for c, s in ranked if s >= 0.5 * support][:4]
        sources = self.make_sources(words, ranked, self.settings.context_chars)
        yield Event("sources", sources=[s.citation(i + 1) for i, s in enumerate(sources)])

        prompt = self._template.render_messages(
            sources="\n".join(
                f"[{i + 1}] {s.chunk.province or s.chunk.doc_title} › {SECTION_SEP.join(s.chunk.section_path)}"
                f"\n{s.quote}"
                for i, s in enumerate(sources)
            ),
            question=standalone,
        )
        gen_started = time.perf_counter()
        first_token_ms: float | None = None
        deltas = 0
        checker = VerifiedStream([s.quote for s in sources], self._examples)
        stream = self._generator().stream(prompt, max_tokens=self.settings.llm_max_tokens, stop=["\n\n\n"])
        try:
            for delta in stream:
                if first_token_ms is None:
                    first_token_ms = round((time.perf_counter() - started) * 1000, 1)
                deltas += 1
                for piece in checker.feed(delta):  # only verified sentences reach a reader
                    yield Event("token", text=piece)
        finally:
            close = getattr(stream, "close", None)
            if close is not None:
                close()
        for piece in checker.finish():
            yield Event("token", text=piece)
        raw = checker.raw.strip()
        generation_ms = round((time.perf_counter() - gen_started) * 1000, 1)
        metrics.record_generation(self._generator(), prompt, total_s=generation_ms / 1000, deltas=deltas,
                                  first_token_s=None if first_token_ms is None
                                  else max(0.0, first_token_ms / 1000 - (gen_started - started)))

        dropped = checker.dropped
        mode = "generated"
        if checker.kept:
            text, order = checker.text, checker.order
        elif fold(messages.REFUSAL)[:30] in fold(raw):
            log.info("model found nothing in the evidence; refusing")
            metrics.record_refusal("model_found_nothing")
            related = [s.citation(i + 1) for i, s in enumerate(sources[:3])]
            yield Event("token", text=messages.REFUSAL)
            yield Event("done", answer=Answer(
                question=question, answer=messages.REFUSAL, refused=True, mode="refused", related=related,
                standalone_question=standalone if standalone != question else None,
                timings_ms={"retrieval_ms": retrieval_ms, "generation_ms": generation_ms,
                            "total_ms": round((time.perf_counter() - started) * 1000, 1)}))
            return
        else:
            mode = "extractive"
            text, order = self._extractive(sources)
            yield Event("token", text=text)
        if dropped:
            log.info("verification dropped %d of %d sentences", dropped, checker.claims)
        citations = [sources[n - 1].citation(i + 1) for i, n in enumerate(order)]
        answer = Answer(
            question=question, answer=text, mode=mode, citations=citations,  # type: ignore[arg-type]
            standalone_question=standalone if standalone != question else None,
            directives=self._directives_in(text + " " + " ".join(c.quote for c in citations)),
            timings_ms={"retrieval_ms": retrieval_ms, "first_token_ms": first_token_ms or 0.0,
                        "generation_ms": generation_ms,
                        "total_ms": round((time.perf_counter() - started) * 1000, 1)},
        )
        yield Event("done", answer=answer)

    @staticmethod
    def _extractive(sources: Sequence[Source]) -> tuple[str, list[int]]:
        """An answer made of the best sources' own sentences, cited."""
        lines = [messages.EXTRACTIVE_INTRO]
        order: list[int] = []
        for i, source in enumerate(sources[:3]):
            lines.append(f"- «{' '.join(source.quote.split())}» [{i + 1}]")
            order.append(i + 1)
        return "\n".join(lines), order

    def _directives_in(self, text: str) -> list[DirectiveRecord]:
        if not looks_like_directive_query(text):
            return []
        found: list[DirectiveRecord] = []
        for match in NUMBER_RE.finditer(text):  # the lexicon's pattern: 35-NQ/TW, 464/KH-LĐLĐ, 55/2022/QH15
            for record in self.registry.lookup(match.group(0), limit=2):
                if record.directive_id not in {r.directive_id for r in found}:
                    found.append(record)
        return found[:10]

    # ------------------------------------------------------------------ metadata path
    def _target_docs(self, standalone: str, plan: Route, metas: Sequence[DocumentMeta],
                     filters: dict[str, Any]) -> list[DocumentMeta]:
        by_id = {m.doc_id: m for m in metas}
        if plan.docs:
            return [by_id[d] for d in plan.docs if d in by_id]
        hits = self.retriever.search(standalone, k=3, filters=filters)
        return [by_id[hits[0].chunk.doc_id]] if hits and hits[0].chunk.doc_id in by_id else []

    def _locate(self, doc_id: str, needles: Sequence[str], kinds: Sequence[str]) -> tuple[Section, str] | None:
        """The section (preferring `kinds`) and line where one of the needles is written."""
        tree = self._trees(doc_id)
        if tree is None:
            return None
        sections = sorted(tree.walk()[1:], key=lambda s: 0 if s.kind in kinds else 1)
        for needle in (_compact(n) for n in needles if n):  # the most specific needle first
            for section in sections:
                for line in section.text.splitlines():
                    if needle and needle in _compact(line) and not is_injection(line):
                        return section, line.strip().strip("*").strip()
        return None

    def _metadata_answer(self, question: str, standalone: str, plan: Route, metas: Sequence[DocumentMeta],
                         filters: dict[str, Any]) -> tuple[Answer, list[Citation]] | None:
        docs = self._target_docs(standalone, plan, metas, filters)
        if not docs:
            return None
        lines: list[str] = []
        citations: list[Citation] = []
        missing = 0
        for meta in docs:
            title = meta.title or meta.doc_id
            basis_said = False
            for field in plan.meta_fields:
                found = self._metadata_field(meta, field)
                if found is None:
                    missing += 1
                    line = f"- {title}: văn bản không ghi {messages.FIELD_LABELS[field]}."
                    basis = (self._metadata_field(meta, "basis")
                             if field in ("date", "number") and not basis_said and "basis" not in plan.meta_fields
                             else None)
                    if basis is not None:  # the particulars it shows are those of the plans it implements
                        basis_said = True
                        sentence, section, quote = basis
                        n = len(citations) + 1
                        citations.append(Citation(n=n, doc_id=meta.doc_id, doc_title=title,
                                                  section_path=SECTION_SEP.join(section.path) or section.heading,
                                                  quote=quote, score=1.0, section_id=section.section_id))
                        line += f" {messages.OTHER_DOCUMENTS} {sentence} [{n}]"
                    lines.append(line)
                    continue
                sentence, section, quote = found
                n = len(citations) + 1
                citations.append(Citation(n=n, doc_id=meta.doc_id, doc_title=title,
                                          section_path=SECTION_SEP.join(section.path) or section.heading,
                                          quote=quote, score=1.0, section_id=section.section_id))
                lines.append(f"- {sentence} [{n}]")
        if not citations:
            return None
        text = lines[0][2:] if len(lines) == 1 else "\n".join(lines)
        answer = Answer(question=question, answer=text, mode="metadata", citations=citations,
                        refused=missing == len(lines))
        return answer, citations

    def _metadata_field(self, meta: DocumentMeta, field: str) -> tuple[str, Section, str] | None:
        kind_prefix = (meta.doc_type or "Văn bản")
        who = f"{kind_prefix} «{meta.title}»" if meta.title else kind_prefix
        if meta.issuer and fold(meta.province or "") not in fold(meta.title or ""):
            who += f" của {meta.issuer}"
        if field == "date" and meta.date:
            y, m, d = meta.date.split("-")
            needles = [f"ngày {d} tháng {int(m)} năm {y}", f"ngày {int(d)} tháng {int(m)} năm {y}",
                       f"{d}/{m}/{y}", f"{int(d)}/{int(m)}/{y}", f"{d}/{int(m)}/{y}", f"{int(d)}/{m}/{y}"]
            loc = self._locate(meta.doc_id, needles, ("header", "preamble", "annex"))
            if loc:
                place = f" tại {meta.place}" if meta.place else ""
                return f"{who} được ban hành ngày {_fmt_date(meta.date)}{place}.", loc[0], loc[1]
        if field == "number" and meta.number:
            loc = self._locate(meta.doc_id, [meta.number], ("header", "annex", "preamble"))
            if loc:
                return f"{who} có số hiệu {meta.number}.", loc[0], loc[1]
        if field == "signer" and meta.signer:
            loc = self._locate(meta.doc_id, [meta.signer], ("signature",))
            if loc:
                section = loc[0]
                title = f" ({meta.signer_title})" if meta.signer_title else ""
                return f"Người ký {who}: {meta.signer}{title}.", section, strip_injections(section.text).strip()
        if field == "recipients" and meta.recipients:
            loc = self._locate(meta.doc_id, meta.recipients[:1], ("recipients",))
            if loc:
                section = loc[0]
                items = "; ".join(meta.recipients)
                return f"Nơi nhận của {who}: {items}.", section, strip_injections(section.text).strip()
        if field == "basis" and meta.implements:
            loc = self._locate(meta.doc_id, meta.implements[:1], ("preamble", "header", "body"))
            if loc:
                described = []
                for number in meta.implements:
                    record = next(iter(self.registry.lookup(number, limit=1)), None)
                    if record is None or record.number != number:
                        described.append(number)
                        continue
                    text = f"{record.doc_type} số {record.number}"
                    if record.date:
                        text += f" ngày {_fmt_date(record.date)}"
                    if record.issuer:
                        text += f" của {record.issuer}"
                    described.append(text)
                return f"{who} được xây dựng căn cứ/để thực hiện: {'; '.join(described)}.", loc[0], loc[1]
        if field == "issuer" and meta.issuer:
            generic = re.sub(rf"\s*{re.escape(meta.province)}$", "", meta.issuer) if meta.province else meta.issuer
            loc = self._locate(meta.doc_id, [meta.issuer, generic, " ".join(meta.issuer.split()[-2:])],
                               ("preamble", "signature", "header"))
            if loc:
                return f"{who} do {meta.issuer} ban hành.", loc[0], loc[1]
        return None

    # ------------------------------------------------------------------ directive path
    _WHICH = re.compile(r"\b(nao|so may|so bao nhieu|la gi|so hieu|ten la gi|cu the)\b")
    _WHAT_IS = re.compile(r"\bla (?:van ban |tai lieu )?(?:nao|gi)\b")

    def find_directives(self, query: str, limit: int = 5) -> list[DirectiveRecord]:
        """Registry records for a number ('nq 35') or, failing that, for a type + subject ('Nghị quyết về
        chuyển đổi số của Tỉnh ủy') matched against the records' subjects and citing sentences."""
        records = self.registry.lookup(query, limit=limit)
        if records:
            return records
        folded = f" {fold(query)} "
        types = {name for key, name in DOC_TYPES.items() if f" {key} " in folded}
        if not types:
            return []
        stats = self.stats()
        type_words = {fold(t) for t in types} | {"so"}
        words = [w for w in question_words(query, stats) if w not in type_words and w not in _FORM_WORDS]
        if not words:
            return []
        scored = []
        for record in self.registry.all():
            if record.doc_type not in types:
                continue
            text = " ".join([record.subject or "", record.issuer or "", *(m.sentence for m in record.mentions)])
            scored.append((coverage(words, text, stats), record))
        scored.sort(key=lambda x: -x[0])
        return [r for score, r in scored[:limit] if score >= 0.6 and score >= scored[0][0] - 0.05]

    def _directive_answer(self, question: str, standalone: str) -> tuple[Answer, list[Citation]] | None:
        records = self.find_directives(standalone)
        if not records:
            return None
        lines: list[str] = []
        citations: list[Citation] = []
        if len(records) > 1:
            lines.append(f"Có {len(records)} văn bản khớp với «{standalone.strip()}»:")
        for record in records[:3]:
            head = f"{record.doc_type} số {record.number}"
            if record.date:
                head += f" ngày {_fmt_date(record.date)}"
            if record.issuer:
                head += f" của {record.issuer}"
            if record.term:
                head += f" ({record.term})"
            if record.subject:
                head += f" về {record.subject.removeprefix('về ').strip()}"
            if not record.subject and record.mentions:
                context = " ".join(strip_injections(record.mentions[0].sentence).split())
                if len(context) > 220:
                    context = context[:220].rsplit(" ", 1)[0] + "…"
                head += f". Các kế hoạch nhắc đến văn bản này trong ngữ cảnh: «{context}»"
            docs = list(dict.fromkeys(m.doc_title for m in record.mentions))
            bullet = "- " if len(records) > 1 else ""
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
        answer = Answer(question=question, answer="\n".join(lines), mode="directive", citations=citations,
                        directives=records)
        return answer, citations

    def _own_citation(self, record: DirectiveRecord, n: int) -> Citation | None:
        """A citation of an ingested document's own first section (its header: number, date, issuer)."""
        chunks = [c for c in self.retriever.snapshot().chunks.values() if c.doc_id == record.doc_id]
        if not chunks:
            return None
        first = min(chunks, key=lambda c: c.order)
        quote = " ".join(strip_injections(first.text).split())
        if len(quote) > 240:
            quote = quote[:240].rsplit(" ", 1)[0] + "…"
        return Citation(n=n, doc_id=first.doc_id, doc_title=first.doc_title, section_path=first.path_str,
                        quote=quote, score=1.0, section_id=first.section_id)

    # ------------------------------------------------------------------ cross-plan path
    _ABBREVIATIONS: ClassVar[dict[str, str]] = {
        "mttq": "mat tran to quoc", "ldld": "lien doan lao dong", "btv": "ban thuong vu", "tu": "tinh uy",
        "ubnd": "uy ban nhan dan", "cong doan": "lien doan lao dong",
    }

    def _plans_by_issuer(self, words: Sequence[str], metas: Sequence[DocumentMeta]
                         ) -> tuple[Answer, list[Citation]] | None:
        """'Which plans did the Fatherland Front issue?': answered from the plans' issuers, cited to where the
        issuer is written."""
        def expand(text: str) -> str:
            folded = f" {fold(text)} "
            return folded + " ".join(v for k, v in self._ABBREVIATIONS.items() if f" {k} " in folded)

        wanted = [w for w in words if w not in ("ban hanh", "kho", "may", "tinh")]
        if not wanted:
            return None
        matches = []
        for meta in metas:
            issuer = f" {expand(meta.issuer or '')} "
            if all(f" {w} " in issuer for w in wanted):
                matches.append(meta)
        if not matches or len(matches) == len(metas):
            return None
        citations: list[Citation] = []
        lines = [f"Có {len(matches)} văn bản do cơ quan này ban hành:"]
        for meta in matches:
            found = self._metadata_field(meta, "issuer")
            if found is None:
                continue
            _, section, quote = found
            n = len(citations) + 1
            citations.append(Citation(n=n, doc_id=meta.doc_id, doc_title=meta.title,
                                      section_path=SECTION_SEP.join(section.path) or section.heading,
                                      quote=quote, score=1.0, section_id=section.section_id))
            when = f", {_fmt_date(meta.date)}" if meta.date else (f", năm {meta.year}" if meta.year else "")
            lines.append(f"- {meta.province or meta.issuer}: {meta.title} ({meta.issuer}{when}) [{n}]")
        if not citations:
            return None
        return Answer(question="", answer="\n".join(lines), mode="cross_plan", citations=citations), citations

    def _outline_source(self, doc_id: str, words: Sequence[str]) -> Source | None:
        """A section whose heading names the whole topic ('III. HÌNH THỨC TUYÊN TRUYỀN'), quoted as its items."""
        tree = self._trees(doc_id)
        if tree is None or not words:
            return None
        stats = self.stats()
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

    def _cross_plan_answer(self, question: str, standalone: str, plan: Route, metas: Sequence[DocumentMeta],
                           filters: dict[str, Any]) -> tuple[Answer, list[Citation]] | None:
        stats = self.stats()
        by_id = {m.doc_id: m for m in metas}
        named = [by_id[d] for d in plan.docs if d in by_id]
        place_words = {fold(x) for m in named for x in (m.province, m.place) if x}
        words = [w for w in question_words(standalone, stats) if w not in _FORM_WORDS and w not in place_words]
        if not words:
            return None
        candidates = named if len(named) >= 2 else list(metas)
        by_issuer = self._plans_by_issuer(words, candidates) if len(named) < 2 else None
        if by_issuer:
            return by_issuer
        rows: list[tuple[DocumentMeta, Source, float]] = []
        for meta in candidates:
            outline = self._outline_source(meta.doc_id, words) if len(named) >= 2 else None
            if outline is not None:
                rows.append((meta, outline, 1.0))
                continue
            hits = self.retriever.search(" ".join(words), k=4, filters={**filters, "doc_id": meta.doc_id})
            if not hits:
                continue
            best = max(hits, key=lambda h: coverage(words, h.chunk.index_text(), stats)
                       + 0.5 * coverage(words, h.chunk.path_str, stats))
            cov = coverage(words, best.chunk.index_text(), stats)
            rows.append((meta, self.make_sources(words, [(best.chunk, cov)], 400, sentences=1)[0], cov))
        threshold = self.settings.refusal_min_score
        comparing = len(named) >= 2
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
            when = f", {_fmt_date(meta.date)}" if meta.date else (f", năm {meta.year}" if meta.year else "")
            lines.append(f"- {label} ({meta.title}{when}): «{' '.join(source.quote.split())}» [{n}]")
        answer = Answer(question=question, answer="\n".join(lines), mode="cross_plan", citations=citations)
        return answer, citations
