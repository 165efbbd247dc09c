"""Vector store: Chroma through LlamaIndex's ChromaVectorStore (embedded PersistentClient or a Chroma server)."""

from __future__ import annotations

import json
import logging
import math
import threading
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlparse

from rag.config import Settings
from rag.errors import BackendError
from rag.types import Chunk

log = logging.getLogger(__name__)

_FLAT_FIELDS = ("doc_id", "doc_title", "section_id", "kind", "order", "start", "end", "province", "year", "issuer")


def _chunk_metadata(chunk: Chunk, version: str) -> dict[str, Any]:
    meta: dict[str, Any] = {key: getattr(chunk, key) for key in _FLAT_FIELDS}
    meta["section_path_json"] = json.dumps(chunk.section_path, ensure_ascii=False)
    meta["chunk_id"] = chunk.chunk_id
    meta["version"] = version
    # Chroma metadata values must be scalars; None is not allowed.
    return {k: ("" if v is None else v) for k, v in meta.items()}


def _chunk_from_metadata(meta: dict[str, Any], text: str) -> Chunk:
    return Chunk(
        chunk_id=str(meta["chunk_id"]),
        doc_id=str(meta["doc_id"]),
        doc_title=str(meta.get("doc_title", "")),
        section_id=str(meta.get("section_id", "")),
        section_path=json.loads(str(meta.get("section_path_json", "[]"))),
        kind=meta.get("kind") or "body",
        text=text,
        order=int(meta.get("order") or 0),
        start=int(meta.get("start") or 0),
        end=int(meta.get("end") or 0),
        province=meta.get("province") or None,
        year=int(meta["year"]) if meta.get("year") not in (None, "") else None,
        issuer=meta.get("issuer") or None,
    )


class ChromaStore:
    """Chunks + vectors in a Chroma collection (cosine space, no Chroma-side embedding function)."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._vs: Any = None
        self._lock = threading.Lock()

    def _store(self) -> Any:
        with self._lock:
            if self._vs is None:
                self._vs = self._open()
            return self._vs

    def _open(self) -> Any:
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from llama_index.vector_stores.chroma import ChromaVectorStore

        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        try:
            if self._settings.chroma_url:
                url = urlparse(self._settings.chroma_url)
                client = chromadb.HttpClient(
                    host=url.hostname or "127.0.0.1",
                    port=url.port or (443 if url.scheme == "https" else 8000),
                    ssl=url.scheme == "https",
                    settings=chroma_settings,
                )
            else:
                self._settings.chroma_dir.mkdir(parents=True, exist_ok=True)
                client = chromadb.PersistentClient(path=str(self._settings.chroma_dir), settings=chroma_settings)
            # embedding_function=None: never let Chroma fall back to its default model (it would download one).
            collection = client.get_or_create_collection(
                self._settings.chroma_collection,
                embedding_function=None,
                metadata={"hnsw:space": "cosine"},
            )
        except Exception as exc:  # chromadb raises many types (connection, value, internal)
            raise BackendError(f"cannot open Chroma ({self._settings.chroma_url or 'embedded'}): {exc}") from exc
        return ChromaVectorStore(chroma_collection=collection)

    @property
    def collection(self) -> Any:
        return self._store().client

    @staticmethod
    def store_id(chunk_id: str, version: str) -> str:
        """Vector-store id of a chunk: versioned, so a new version never overwrites the live one."""
        return f"{chunk_id}#{version}" if version else chunk_id

    def upsert(self, chunks: Sequence[Chunk], vectors: Sequence[Sequence[float]], version: str = "") -> None:
        """Insert or replace chunks (ids are the chunk ids)."""
        from llama_index.core.schema import NodeRelationship, RelatedNodeInfo, TextNode

        if not chunks:
            return
        store = self._store()
        ids = [self.store_id(c.chunk_id, version) for c in chunks]
        store.delete_nodes(node_ids=ids)
        nodes = []
        for chunk, vector, sid in zip(chunks, vectors, ids, strict=True):
            node = TextNode(id_=sid, text=chunk.text, metadata=_chunk_metadata(chunk, version),
                            embedding=list(vector))
            node.relationships[NodeRelationship.SOURCE] = RelatedNodeInfo(node_id=chunk.doc_id)
            nodes.append(node)
        store.add(nodes)

    def delete_document(self, doc_id: str) -> None:
        """Remove every chunk of a document (all versions)."""
        self.collection.delete(where={"doc_id": doc_id})

    def delete_ids(self, ids: Sequence[str]) -> None:
        if ids:
            self.collection.delete(ids=list(ids))

    def query(
        self, vector: Sequence[float], k: int, where: dict[str, object] | None = None,
        live: dict[str, str] | None = None,
    ) -> list[tuple[Chunk, float]]:
        """Nearest chunks with cosine similarity; with `live` (doc_id → version) other versions are dropped."""
        from llama_index.core.vector_stores.types import VectorStoreQuery

        store = self._store()
        n = self.count()
        if n == 0:
            return []
        try:
            result = store.query(
                VectorStoreQuery(query_embedding=list(vector), similarity_top_k=min(k, n)),
                where=where or None,
            )
        except Exception as exc:  # chromadb raises internal/connection errors of many types
            raise BackendError(f"Chroma query failed: {exc}") from exc
        out: list[tuple[Chunk, float]] = []
        for node, sim in zip(result.nodes or [], result.similarities or [], strict=False):
            cosine = 1.0 + math.log(max(sim, 1e-12))  # LlamaIndex reports exp(-distance); distance = 1 - cos
            meta = node.metadata
            if live is not None and live.get(str(meta.get("doc_id"))) != str(meta.get("version", "")):
                continue
            out.append((_chunk_from_metadata(meta, node.get_content()), cosine))
        return out

    def stale_ids(self, live: dict[str, str], doc_id: str | None = None) -> list[str]:
        """Store ids whose (doc_id, version) is not live (left by a crash or a replaced version)."""
        got = self.collection.get(where={"doc_id": doc_id} if doc_id else None, include=["metadatas"])
        stale = []
        for sid, meta in zip(got["ids"], got["metadatas"] or [], strict=False):
            meta = meta or {}
            if live.get(str(meta.get("doc_id"))) != str(meta.get("version", "")):
                stale.append(sid)
        return stale

    def chunk_ids(self, doc_id: str | None = None) -> set[str]:
        got = self.collection.get(where={"doc_id": doc_id} if doc_id else None, include=[])
        return set(got["ids"])

    def count(self) -> int:
        return int(self.collection.count())
