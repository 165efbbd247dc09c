"""Fakes for the eval tests: an oracle assistant that knows the dataset, a blind one, a fixed baseline."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from eval.dataset import DEFAULT_DATASET, EvalItem, load_dataset
from eval.harness import retrieval_query
from rag.types import (
    Answer,
    ChatTurn,
    Chunk,
    Citation,
    DirectiveRecord,
    IngestReport,
    SearchHit,
)

FILLER = "Nội dung khác của kế hoạch không liên quan tới câu hỏi. " * 3


def _chunk(doc_id: str, text: str, n: int) -> Chunk:
    return Chunk(chunk_id=f"{doc_id}:s{n}", doc_id=doc_id, doc_title=doc_id, section_id=f"s{n}",
                 section_path=["Mục", str(n)], text=text)


def standalone(item: EvalItem) -> str:
    """The standalone question the oracle claims to have rewritten a follow-up into."""
    return f"{item.question} [độc lập]"


class OracleAssistant:
    """Answers every item perfectly: the gold quotes come first, the answer is the reference answer."""

    def __init__(self, items: Sequence[EvalItem]) -> None:
        self.by_question = {i.question: i for i in items}
        self.by_query: dict[str, EvalItem] = {}
        for item in items:
            self.by_query[retrieval_query(item)] = item
            self.by_query[standalone(item)] = item
        self.ingested: list[Path] = []
        self.queries: list[str] = []

    def ingest(self, paths: Sequence[Path]) -> IngestReport:
        self.ingested.extend(paths)
        return IngestReport(documents=5, chunks=10)

    def search(self, query: str, *, top_k: int | None = None) -> list[SearchHit]:
        self.queries.append(query)
        item = self.by_query.get(query)
        texts = [FILLER] * 3
        docs = ["other"] * 3
        if item is not None and item.gold_quotes:
            texts = [f"{FILLER}{q}" for q in item.gold_quotes] + texts
            docs = list(item.gold_docs[:1]) * len(item.gold_quotes) + docs
        hits = [_chunk(d, t, n) for n, (d, t) in enumerate(zip(docs, texts, strict=True))]
        return [SearchHit(chunk=c, score=1.0 - n / 10, rank=n + 1) for n, c in enumerate(hits[: top_k or 10])]

    def ask(self, question: str, history: Sequence[ChatTurn] = ()) -> Answer:
        item = self.by_question[question]
        citations = [
            Citation(n=n, doc_id=item.gold_docs[0], doc_title="", section_path="Mục", quote=q)
            for n, q in enumerate(item.gold_quotes, start=1)
        ]
        directives = []
        if item.directive is not None:
            directives = [self._record(item)]
        return Answer(question=question, answer=item.reference_answer, refused=not item.answerable,
                      citations=citations, directives=directives,
                      standalone_question=standalone(item) if item.history else None)

    @staticmethod
    def _record(item: EvalItem) -> DirectiveRecord:
        spec = item.directive
        assert spec is not None
        return DirectiveRecord(directive_id=spec.number, number=spec.number, doc_type="Nghị quyết",
                               date=spec.date, issuer=spec.issuer or "Trung ương")

    def lookup_directive(self, query: str) -> list[DirectiveRecord]:
        item = self.by_question.get(query)
        return [self._record(item)] if item is not None and item.directive is not None else []

    def get_section_text(self, doc_id: str, section_id: str) -> str:
        return FILLER


class BlindAssistant(OracleAssistant):
    """Finds nothing relevant and refuses everything."""

    def search(self, query: str, *, top_k: int | None = None) -> list[SearchHit]:
        self.queries.append(query)
        return [SearchHit(chunk=_chunk("other", FILLER, 0), score=0.1, rank=1)]

    def ask(self, question: str, history: Sequence[ChatTurn] = ()) -> Answer:
        return Answer(question=question, answer="Không tìm thấy thông tin trong tài liệu.", refused=True)

    def lookup_directive(self, query: str) -> list[DirectiveRecord]:
        return []


class FixedBaseline:
    """A baseline that always returns the same unrelated chunk and an unhelpful answer."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, list[Mapping[str, str]]]] = []

    def search(self, query: str, top_k: int = 10) -> list[tuple[str, float]]:
        return [(FILLER, 0.5)]

    def ask(self, question: str, history: Sequence[Mapping[str, str]] = ()) -> tuple[str, list[str]]:
        self.asked.append((question, list(history)))
        return "Tôi không có thông tin về vấn đề này.", [FILLER]


@pytest.fixture(scope="session")
def dev_items() -> list[EvalItem]:
    return load_dataset(DEFAULT_DATASET)
