"""ChromaStore against real Chroma: embedded (PersistentClient in a temp dir) and server mode (`chroma run`)."""

from __future__ import annotations

import math
import shutil
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from rag.config import Settings
from rag.errors import BackendError
from rag.interfaces import VectorStore
from rag.store import ChromaStore
from rag.types import Chunk
from tests.conftest import make_settings
from tests.rag.helpers.servers import running_server
from tests.rag.helpers.support import consistency_problems, corpus_file, doc_id_of, make_assistant

pytestmark = pytest.mark.integration

DIM = 384


def unit(seed: int) -> list[float]:
    """A deterministic random unit vector."""
    vec = np.random.default_rng(seed).normal(size=DIM)
    return [float(x) for x in vec / np.linalg.norm(vec)]


def chunk(doc_id: str, n: int, text: str = "", **fields: object) -> Chunk:
    """A chunk `doc_id:sN` with optional metadata fields."""
    return Chunk(chunk_id=f"{doc_id}:s{n}", doc_id=doc_id, doc_title=f"Kế hoạch {doc_id}", section_id=f"s{n}",
                 section_path=["I. MỤC ĐÍCH", f"{n}."], text=text or f"Đoạn {n} của {doc_id}", order=n,
                 **fields)  # type: ignore[arg-type]


@pytest.fixture()
def store(tmp_path: Path) -> ChromaStore:
    return ChromaStore(make_settings(tmp_path / "data"))


def test_is_a_vector_store(store: ChromaStore) -> None:
    assert isinstance(store, VectorStore)


def test_opening_is_lazy(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data")
    ChromaStore(settings)
    assert not settings.chroma_dir.exists()


def test_upsert_query_round_trip_with_cosine_scores(store: ChromaStore) -> None:
    chunks = [chunk("a", i, province="Lai Châu", year=2023, issuer="LĐLĐ tỉnh") for i in range(3)]
    vectors = [unit(i) for i in range(3)]
    store.upsert(chunks, vectors, version="v1")
    assert store.count() == 3
    assert store.chunk_ids() == {"a:s0#v1", "a:s1#v1", "a:s2#v1"}

    query = unit(1)
    results = store.query(query, k=3)
    assert results[0][0].chunk_id == "a:s1"
    for got, score in results:
        expected = float(np.dot(query, vectors[got.order]))
        assert math.isclose(score, expected, abs_tol=1e-4)  # a true cosine, not a transformed distance
    top = results[0][0]
    assert top == chunks[1]  # every field survives the round trip (None fields included)
    assert top.section_path == ["I. MỤC ĐÍCH", "1."]


def test_none_metadata_survives(store: ChromaStore) -> None:
    original = chunk("a", 0)  # province/year/issuer are None
    store.upsert([original], [unit(0)], version="v1")
    got = store.query(unit(0), k=1)[0][0]
    assert (got.province, got.year, got.issuer) == (None, None, None)
    assert got == original


def test_versions_never_overwrite_each_other(store: ChromaStore) -> None:
    store.upsert([chunk("a", 0, "cũ")], [unit(0)], version="v1")
    store.upsert([chunk("a", 0, "mới")], [unit(0)], version="v2")
    assert store.chunk_ids("a") == {"a:s0#v1", "a:s0#v2"}
    texts = {c.text for c, _ in store.query(unit(0), k=5)}
    assert texts == {"cũ", "mới"}
    assert [c.text for c, _ in store.query(unit(0), k=5, live={"a": "v2"})] == ["mới"]
    assert store.query(unit(0), k=5, live={}) == []
    assert store.stale_ids({"a": "v2"}) == ["a:s0#v1"]
    store.delete_ids(store.stale_ids({"a": "v2"}))
    assert store.chunk_ids() == {"a:s0#v2"}


def test_upsert_of_the_same_version_replaces_in_place(store: ChromaStore) -> None:
    store.upsert([chunk("a", 0, "một")], [unit(0)], version="v1")
    store.upsert([chunk("a", 0, "hai")], [unit(5)], version="v1")
    assert store.count() == 1
    assert store.query(unit(5), k=1)[0][0].text == "hai"


def test_where_filter_and_delete_document(store: ChromaStore) -> None:
    store.upsert([chunk("a", i) for i in range(2)], [unit(i) for i in range(2)], version="v1")
    store.upsert([chunk("b", i) for i in range(2)], [unit(10 + i) for i in range(2)], version="v1")
    store.upsert([chunk("b", 9)], [unit(99)], version="old")
    only_b = store.query(unit(0), k=10, where={"doc_id": {"$in": ["b"]}})
    assert {c.doc_id for c, _ in only_b} == {"b"} and len(only_b) == 3
    store.delete_document("b")  # every version
    assert store.chunk_ids() == {"a:s0#v1", "a:s1#v1"}
    assert store.chunk_ids("b") == set()
    store.delete_ids([])  # a no-op


def test_query_on_an_empty_store(store: ChromaStore) -> None:
    assert store.count() == 0
    assert store.query(unit(0), k=5) == []
    assert store.stale_ids({}) == []
    store.upsert([], [], version="v1")
    assert store.count() == 0


def test_persisted_across_instances(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data")
    ChromaStore(settings).upsert([chunk("a", 0)], [unit(0)], version="v1")
    assert ChromaStore(settings).chunk_ids() == {"a:s0#v1"}


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_unreachable_server_is_a_backend_error(tmp_path: Path) -> None:
    store = ChromaStore(make_settings(tmp_path / "data", chroma_url=f"http://127.0.0.1:{free_port()}"))
    with pytest.raises(BackendError) as info:
        store.count()
    assert "Chroma" in str(info.value) and info.value.user_message


# ---------------------------------------------------------------------------------------------- server mode
def chroma_cli() -> Path | None:
    """The `chroma` executable installed with chromadb next to this interpreter."""
    candidate = Path(sys.executable).parent / "chroma"
    if candidate.exists():
        return candidate
    found = shutil.which("chroma")
    return Path(found) if found else None


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `chroma run` server on 127.0.0.1 with its data in a temp dir; its base URL."""
    cli = chroma_cli()
    if cli is None:
        pytest.skip("the chroma CLI (installed with chromadb) is not on this machine")
    root = tmp_path_factory.mktemp("chroma-server")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with running_server([str(cli), "run", "--path", str(root / "db"), "--host", "127.0.0.1", "--port", str(port)],
                        log=root / "server.log", ready_url=f"{url}/api/v2/heartbeat", timeout_s=90,
                        give_up=pytest.skip):
        yield url


def test_store_against_a_chroma_server(chroma_server: str, tmp_path: Path) -> None:
    settings: Settings = make_settings(tmp_path / "data", chroma_url=chroma_server, chroma_collection="unit")
    store = ChromaStore(settings)
    store.upsert([chunk("a", 0, "cũ")], [unit(0)], version="v1")
    store.upsert([chunk("a", 0, "mới")], [unit(0)], version="v2")
    assert store.count() == 2
    assert [c.text for c, _ in store.query(unit(0), k=5, live={"a": "v2"})] == ["mới"]
    score = store.query(unit(0), k=1)[0][1]
    assert math.isclose(score, 1.0, abs_tol=1e-4)
    store.delete_ids(store.stale_ids({"a": "v2"}))
    assert store.chunk_ids() == {"a:s0#v2"}
    assert not settings.chroma_dir.exists()  # nothing embedded on disk: the server holds the vectors


def test_ingest_and_search_through_a_chroma_server(chroma_server: str, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    assistant = make_assistant(data_dir, chroma_url=chroma_server, chroma_collection="plans-it")
    report = assistant.ingest([corpus_file("hoa-binh"), corpus_file("lai-chau")])
    assert (report.added, report.documents, report.skipped) == (2, 2, [])
    assert assistant.store.count() == report.chunks > 0
    assert not (data_dir / "chroma").exists()
    assert consistency_problems(assistant) == []
    assert assistant.search("Kế hoạch số175-KH/TU", top_k=1)[0].chunk.doc_id == doc_id_of("hoa-binh")
    hits = assistant.search("tuyên truyền", top_k=5, filters={"province": "lai chau"})
    assert hits and all(h.chunk.doc_id == doc_id_of("lai-chau") for h in hits)

    # A second Assistant (another API worker) sees the same vectors through the server.
    other = make_assistant(data_dir, chroma_url=chroma_server, chroma_collection="plans-it")
    assert other.store.chunk_ids() == assistant.store.chunk_ids()
    assert other.ingest([corpus_file("hoa-binh")]).unchanged == 1
    other.delete_document(doc_id_of("hoa-binh"))
    assert assistant.store.chunk_ids(doc_id_of("hoa-binh")) == set()
