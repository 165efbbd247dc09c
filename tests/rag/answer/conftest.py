"""Fakes for the answering strategies: a word-overlap corpus over parsed shipped plans and an in-memory registry."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from rag.answer.engine import AnswerEngine
from rag.config import Settings
from rag.errors import NotFoundError
from rag.retrieval import doc_matches
from rag.text import fold
from rag.types import Chunk, DirectiveRecord, DocumentMeta, SearchHit, Section
from tests.conftest import ScriptedGenerator, make_settings
from tests.rag.conftest import ParsedDoc


@dataclass
class FakeSnapshot:
    generation: int
    chunks: dict[str, Chunk]
    metas: dict[str, DocumentMeta]


@dataclass
class FakeCorpus:
    """Search by shared folded words (no embeddings), over parsed documents; counts searches."""

    docs: Sequence[ParsedDoc]
    searches: list[str] = field(default_factory=list)

    def snapshot(self) -> FakeSnapshot:
        return FakeSnapshot(1, {c.chunk_id: c for d in self.docs for c in d.chunks},
                            {d.meta.doc_id: d.meta for d in self.docs})

    def allowed_docs(self, filters: Mapping[str, Any]) -> set[str] | None:
        if not filters:
            return None
        return {d.meta.doc_id for d in self.docs if doc_matches(d.meta, filters)}

    def search(self, query: str, k: int = 6, filters: Mapping[str, Any] | None = None) -> list[SearchHit]:
        self.searches.append(query)
        allowed = self.allowed_docs(filters or {})
        words = set(re.findall(r"\w+", fold(query)))
        scored = []
        for doc in self.docs:
            if allowed is not None and doc.meta.doc_id not in allowed:
                continue
            for chunk in doc.chunks:
                shared = len(words & set(re.findall(r"\w+", fold(chunk.index_text()))))
                if shared:
                    scored.append((shared / max(1, len(words)), chunk))
        scored.sort(key=lambda x: -x[0])
        return [SearchHit(chunk=c, score=s, rank=i + 1) for i, (s, c) in enumerate(scored[:k])]

    def trees(self) -> Callable[[str], Section | None]:
        by_id = {d.meta.doc_id: d.root for d in self.docs}
        return by_id.get


@dataclass
class FakeRegistry:
    """A DirectiveStore over a fixed list of records; `lookup` matches the folded number."""

    records: list[DirectiveRecord] = field(default_factory=list)

    def replace_document(self, doc_id: str, records: Sequence[DirectiveRecord]) -> None:
        self.records = [r for r in self.records if r.doc_id != doc_id] + list(records)

    def delete_document(self, doc_id: str) -> None:
        self.records = [r for r in self.records if r.doc_id != doc_id]

    def documents(self) -> list[str]:
        return sorted({m.doc_id for r in self.records for m in r.mentions})

    def get(self, directive_id: str) -> DirectiveRecord:
        for record in self.records:
            if record.directive_id == directive_id:
                return record
        raise NotFoundError(directive_id)

    def all(self) -> list[DirectiveRecord]:
        return list(self.records)

    def count(self) -> int:
        return len(self.records)

    def mentions_for_doc(self, doc_id: str) -> list[DirectiveRecord]:
        return [r for r in self.records if any(m.doc_id == doc_id for m in r.mentions)]

    def lookup(self, query: str, limit: int = 20) -> list[DirectiveRecord]:
        q = fold(query).replace(" ", "")
        return [r for r in self.records if fold(r.number).replace(" ", "") in q][:limit]


@pytest.fixture()
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


def make_engine(settings: Settings, corpus: FakeCorpus, registry: FakeRegistry | None = None,
                generator: ScriptedGenerator | None = None) -> AnswerEngine:
    model = generator or ScriptedGenerator()
    return AnswerEngine(settings, corpus, registry or FakeRegistry(), lambda: model, corpus.trees())
