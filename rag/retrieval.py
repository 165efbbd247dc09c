"""Hybrid retrieval: dense (Chroma + e5) and lexical (BM25) fused with reciprocal-rank fusion."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from rag.catalog import Catalog
from rag.errors import InvalidInputError
from rag.interfaces import Embedder, VectorStore
from rag.lexical import LexicalIndex
from rag.lexicon import province_equivalents
from rag.text import fold, normalize
from rag.types import Chunk, DocumentMeta, SearchHit

FILTER_KEYS = frozenset({"province", "year", "issuer", "doc_id"})
RRF_K = 60


def validate_filters(filters: Mapping[str, Any] | None) -> dict[str, Any]:
    """Check filter keys and value types; raise InvalidInputError (Vietnamese message) otherwise."""
    if not filters:
        return {}
    unknown = sorted(set(filters) - FILTER_KEYS)
    if unknown:
        raise InvalidInputError(
            f"unknown filters {unknown}",
            user_message=f"Bộ lọc không hợp lệ: {', '.join(unknown)}. Chỉ dùng: {', '.join(sorted(FILTER_KEYS))}.",
        )
    out: dict[str, Any] = {}
    for key, value in filters.items():
        if value is None or value == "":
            continue
        if key == "year":
            try:
                out[key] = int(value)
            except (TypeError, ValueError) as exc:
                raise InvalidInputError(f"bad year {value!r}", user_message="Năm phải là một số, ví dụ 2023.") from exc
        elif isinstance(value, str):
            out[key] = value
        else:
            raise InvalidInputError(f"bad filter value {key}={value!r}",
                                    user_message=f"Giá trị bộ lọc «{key}» phải là chuỗi ký tự.")
    return out


def province_matches(wanted: str, province: str | None) -> bool:
    """Whether a document's province is the one wanted, across the 2025 merger: a filter on 'Đắk Lắk' keeps
    the plans of the former 'Phú Yên' and the other way round. Compared without diacritics."""
    if not province:
        return False
    have = fold(province)
    return any(fold(name) in have for name in province_equivalents(wanted) or (wanted,))


def doc_matches(meta: DocumentMeta, filters: Mapping[str, Any]) -> bool:
    """Whether a document passes the (validated) filters; text compared without diacritics."""
    if "doc_id" in filters and meta.doc_id != filters["doc_id"]:
        return False
    if "year" in filters and meta.year != filters["year"]:
        return False
    if "province" in filters and not province_matches(filters["province"], meta.province):
        return False
    return not ("issuer" in filters and fold(filters["issuer"]) not in fold(meta.issuer or ""))


@dataclass
class _Snapshot:
    generation: int = -1
    chunks: dict[str, Chunk] = field(default_factory=dict)
    metas: dict[str, DocumentMeta] = field(default_factory=dict)
    live: dict[str, str] = field(default_factory=dict)


class Retriever:
    """Dense + BM25 over the live chunks, fused by reciprocal rank."""

    def __init__(self, catalog: Catalog, store: VectorStore, embedder: Embedder, lexical: LexicalIndex) -> None:
        self.catalog = catalog
        self.store = store
        self.embedder = embedder
        self.lexical = lexical
        self._snap = _Snapshot()
        self._lock = threading.Lock()
        self._vectors: OrderedDict[str, list[float]] = OrderedDict()

    def snapshot(self) -> _Snapshot:
        """Live chunks and document metadata, refreshed when the catalog changes."""
        generation = self.catalog.generation()
        with self._lock:
            if generation != self._snap.generation:
                docs = self.catalog.documents()
                chunks = self.catalog.chunks()
                self.lexical.ensure(generation, lambda: chunks)
                self._snap = _Snapshot(
                    generation=generation,
                    chunks={c.chunk_id: c for c in chunks},
                    metas={d.doc_id: d.meta for d in docs},
                    live={d.doc_id: d.version for d in docs},
                )
            return self._snap

    def _query_vector(self, norm: str) -> list[float]:
        """Query embeddings, memoised (one question is searched several times: per plan, per path)."""
        with self._lock:
            cached = self._vectors.get(norm)
            if cached is not None:
                self._vectors.move_to_end(norm)
                return cached
        vector = self.embedder.embed_batch([norm], is_query=True)[0]
        with self._lock:
            self._vectors[norm] = vector
            while len(self._vectors) > 512:
                self._vectors.popitem(last=False)
        return vector

    def allowed_docs(self, filters: Mapping[str, Any]) -> set[str] | None:
        if not filters:
            return None
        snap = self.snapshot()
        return {doc_id for doc_id, meta in snap.metas.items() if doc_matches(meta, filters)}

    def search(self, query: str, k: int = 6, filters: Mapping[str, Any] | None = None,
               pool: int = 40) -> list[SearchHit]:
        """Top-k chunks for the query."""
        filters = validate_filters(filters)
        snap = self.snapshot()
        if not snap.chunks:
            return []
        docs = self.allowed_docs(filters)
        if docs is not None and not docs:
            return []
        allowed = None if docs is None else {cid for cid, c in snap.chunks.items() if c.doc_id in docs}
        norm = normalize(query)
        vector = self._query_vector(norm)
        where: dict[str, object] | None = None if docs is None else {"doc_id": {"$in": sorted(docs)}}
        dense = self.store.query(vector, max(pool, k), where=where, live=snap.live)
        lexical = self.lexical.search(norm, max(pool, k), allowed=allowed)

        fused: dict[str, float] = {}
        dense_scores: dict[str, float] = {}
        lex_scores: dict[str, float] = {}
        for rank, (chunk, score) in enumerate(dense):
            if chunk.chunk_id not in snap.chunks:
                continue
            fused[chunk.chunk_id] = fused.get(chunk.chunk_id, 0.0) + 1.0 / (RRF_K + rank + 1)
            dense_scores[chunk.chunk_id] = score
        for rank, (cid, score) in enumerate(lexical):
            fused[cid] = fused.get(cid, 0.0) + 1.0 / (RRF_K + rank + 1)
            lex_scores[cid] = score
        ranked = sorted(fused.items(), key=lambda kv: kv[1], reverse=True)[:k]
        return [
            SearchHit(chunk=snap.chunks[cid], score=round(score, 6), dense_score=dense_scores.get(cid),
                      lexical_score=lex_scores.get(cid), rank=i + 1)
            for i, (cid, score) in enumerate(ranked)
        ]
