"""Replicas on two "hosts" sharing state: a real PostgreSQL (catalog, registry, feedback, answers), a real
`chroma run` server (vectors), and two `planbot serve` processes with separate data dirs on loopback ports.

A plan uploaded through one replica is answered by the other within seconds; a rating of an answer given by
one replica is taken by the other; a replica killed with SIGKILL mid-upload leaves the others consistent.
The language model is a scripted OpenAI-compatible endpoint in this process (the real one has its own test,
tests/rag/llm/test_server.py): what matters here is where state lives, not what the model says.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from rag.config import PROJECT_ROOT
from tests.conftest import EMBED_CACHE
from tests.rag.helpers.postgres import postgres_cluster
from tests.rag.helpers.support import consistency_problems, corpus_file, doc_id_of, make_assistant
from tests.rag.test_store import chroma_server, free_port  # noqa: F401 - the fixture is reused here

pytestmark = pytest.mark.integration

READER, ADMIN = "reader-key-for-replica-tests-0001", "admin-key-for-replica-tests-0001"
STARTUP_S = 240


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    yield from postgres_cluster()


class _ScriptedChat(BaseHTTPRequestHandler):
    """POST /v1/chat/completions → one streamed reply (SSE), like any OpenAI-compatible server."""

    REPLY = "Theo kế hoạch, Ban Tuyên giáo chủ trì."

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        chunk = {"choices": [{"index": 0, "delta": {"content": self.REPLY}}]}
        body = f"data: {json.dumps(chunk, ensure_ascii=False)}\n\ndata: [DONE]\n\n".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def llm_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _ScriptedChat)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Replica:
    name: str
    url: str
    proc: subprocess.Popen[bytes]
    log: Path

    def client(self, key: str = READER) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers={"Authorization": f"Bearer {key}"}, timeout=120)

    def wait_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"replica {self.name} exited ({self.proc.returncode}): {self.tail()}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        pytest.fail(f"replica {self.name} not ready in {STARTUP_S} s: {self.tail()}")

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-1500:] if self.log.exists() else ""

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def planbot_cli() -> list[str]:
    script = Path(sys.executable).parent / "planbot"
    return [str(script)] if script.exists() else [sys.executable, "-c", "from planbot.cli import app; app()"]


def start_replica(name: str, root: Path, corpus: Path, database_url: str, chroma_url: str, llm_url: str) -> Replica:
    """`planbot serve` with its own data dir (another host) and the shared database and Chroma server."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLANBOT_")}
    # This checkout's code, whatever the interpreter's editable install points at.
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PROJECT_ROOT), env.get("PYTHONPATH", "")) if p)
    env.update({
        "PLANBOT_DATA_DIR": str(root / name), "PLANBOT_CORPUS_DIR": str(corpus),
        "PLANBOT_DATABASE_URL": database_url, "PLANBOT_CHROMA_URL": chroma_url,
        # B embeds for real (its own cache): its uploads take long enough to be killed in the middle.
        "PLANBOT_EMBED_CACHE_PATH": str(EMBED_CACHE if name == "a" else root / f"{name}-embeddings.sqlite3"),
        "PLANBOT_API_KEYS": READER, "PLANBOT_ADMIN_API_KEYS": ADMIN, "PLANBOT_RATE_LIMIT_PER_MINUTE": "1000",
        "PLANBOT_LLM_BACKEND": "openai", "PLANBOT_LLM_URL": llm_url,
        "PLANBOT_LOG_LEVEL": "INFO",
    })
    log = root / f"{name}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([*planbot_cli(), "serve", "--host", "127.0.0.1", "--port", str(port)],
                                env=env, stdout=out, stderr=subprocess.STDOUT, cwd=root)
    return Replica(name, f"http://127.0.0.1:{port}", proc, log)


@pytest.fixture(scope="module")
def cluster(pg_url: str, chroma_server: str, llm_url: str,  # noqa: F811
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Replica A (ingests a 2-plan corpus into the empty shared index) and replica B (an empty corpus dir)."""
    root = tmp_path_factory.mktemp("replicas")
    corpus_a, corpus_b = root / "corpus-a", root / "corpus-b"
    corpus_a.mkdir()
    corpus_b.mkdir()
    for key in ("hoa-binh", "lai-chau"):
        shutil.copy(corpus_file(key), corpus_a)
    a = start_replica("a", root, corpus_a, pg_url, chroma_server, llm_url)
    replicas = [a]
    try:
        a.wait_ready()
        b = start_replica("b", root, corpus_b, pg_url, chroma_server, llm_url)
        replicas.append(b)
        b.wait_ready()
        yield {"a": a, "b": b, "root": root, "pg": pg_url, "chroma": chroma_server}
    finally:
        for replica in replicas:
            replica.stop()


def doc_ids(replica: Replica) -> set[str]:
    with replica.client() as client:
        response = client.get("/v1/documents")
    assert response.status_code == 200, response.text
    return {d["doc_id"] for d in response.json()["documents"]}


def search_docs(replica: Replica, query: str) -> list[str]:
    with replica.client() as client:
        response = client.post("/v1/search", json={"query": query, "top_k": 5})
    assert response.status_code == 200, response.text
    return [h["doc_id"] for h in response.json()["hits"]]


def upload(replica: Replica, path: Path) -> httpx.Response:
    with replica.client(ADMIN) as client:
        return client.post("/v1/documents", files={"file": (path.name, path.read_bytes(), "text/plain")})


def test_both_replicas_see_the_corpus_the_first_one_ingested(cluster: dict[str, Any]) -> None:
    want = {doc_id_of("hoa-binh"), doc_id_of("lai-chau")}
    assert doc_ids(cluster["a"]) == want
    assert doc_ids(cluster["b"]) == want  # B ingested nothing: its corpus dir is empty


def test_a_plan_uploaded_through_one_replica_is_answered_by_the_other(cluster: dict[str, Any]) -> None:
    a, b = cluster["a"], cluster["b"]
    path = corpus_file("khanh-hoa")
    doc_id = doc_id_of("khanh-hoa")
    response = upload(b, path)
    assert response.status_code == 201, response.text
    uploaded = time.monotonic()
    while doc_id not in doc_ids(a):
        assert time.monotonic() - uploaded < 5, "replica A did not see the upload within 5 s"
        time.sleep(0.1)
    # A answers from the new plan: its lexical index and snapshot were refreshed on the generation change.
    assert doc_id in search_docs(a, "Mặt trận Tổ quốc tỉnh Khánh Hòa tuyên truyền xây dựng Đảng")
    with a.client() as client:
        detail = client.get(f"/v1/documents/{doc_id}")
    assert detail.status_code == 200 and detail.json()["outline"]


def test_uploads_at_the_same_moment_on_both_replicas_both_become_live(cluster: dict[str, Any]) -> None:
    """Two writers on one database at once: both commits land, the generation serialises them, nothing is lost.

    (Whether one ingest's garbage collection spares the other's vectors written but not yet committed, a window
    of milliseconds this test does not reliably hit, is tested deterministically in test_catalog_inflight.py.)"""
    a, b = cluster["a"], cluster["b"]
    paths = {"a": corpus_file("soc-trang"), "b": corpus_file("phu-yen")}  # B's cold cache: a longer upload
    codes: dict[str, int] = {}

    def send(replica: Replica) -> None:
        codes[replica.name] = upload(replica, paths[replica.name]).status_code

    threads = [threading.Thread(target=send, args=(r,)) for r in (b, a)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert codes == {"a": 201, "b": 201}
    checker = make_assistant(cluster["root"] / "checker-concurrent", database_url=cluster["pg"],
                             chroma_url=cluster["chroma"])
    assert consistency_problems(checker) == []
    assert {doc_id_of("soc-trang"), doc_id_of("phu-yen")} <= doc_ids(a) == doc_ids(b)
    for path in paths.values():  # leave the corpus as the next tests expect it
        with a.client(ADMIN) as client:
            assert client.delete(f"/v1/documents/{path.stem}").status_code == 204


def test_a_rating_reaches_the_replica_that_did_not_answer(cluster: dict[str, Any]) -> None:
    a, b = cluster["a"], cluster["b"]
    with a.client() as client:
        asked = client.post("/v1/ask", json={"question": "Ai chủ trì tuyên truyền xây dựng Đảng ở Lai Châu?"})
    assert asked.status_code == 200, asked.text
    answer = asked.json()
    with b.client() as client:
        rated = client.post("/v1/feedback", json={"answer_id": answer["answer_id"], "rating": "down",
                                                  "comment": "Ngoài phạm vi"})
    assert rated.status_code == 201, rated.text
    with a.client(ADMIN) as client:
        listed = client.get("/v1/feedback")
    assert listed.status_code == 200
    assert [i["answered"]["answer_id"] for i in listed.json()["items"]] == [answer["answer_id"]]


def test_a_replica_killed_mid_upload_leaves_the_others_consistent(cluster: dict[str, Any]) -> None:
    a, b = cluster["a"], cluster["b"]
    path = corpus_file("phu-yen")
    doc_id = doc_id_of("phu-yen")
    results: list[object] = []
    # Every paragraph carries a fresh marker, so no embedding is cached anywhere and B is still at work (parsing,
    # embedding, committing) when it is killed: a warm cache let the whole upload finish within the delay.
    salt = uuid.uuid4().hex[:8]
    salted = cluster["root"] / "salted" / path.name
    salted.parent.mkdir(exist_ok=True)
    lines = path.read_text(encoding="utf-8").splitlines()
    salted.write_text("\n".join(f"{line} (bản {salt}-{i})" if len(line) > 40 else line
                                for i, line in enumerate(lines)), encoding="utf-8")

    def send() -> None:
        try:
            results.append(upload(b, salted).status_code)
        except httpx.HTTPError as exc:  # the connection dies with the replica
            results.append(exc)

    sender = threading.Thread(target=send)
    sender.start()
    time.sleep(0.3)  # parsing / embedding (B's cache is cold) / committing: somewhere in the middle
    os.kill(b.proc.pid, signal.SIGKILL)
    b.proc.wait()
    sender.join(timeout=60)
    assert len(results) == 1 and isinstance(results[0], httpx.HTTPError), f"not killed mid-upload: {results}"

    # The others: the document is either fully there or absent; nothing half-written is live.
    assistant = make_assistant(cluster["root"] / "checker", database_url=cluster["pg"],
                               chroma_url=cluster["chroma"])
    assistant.ingestor.reconcile()  # what the next ingest on any replica does: drop vectors never made live
    assert consistency_problems(assistant) == []
    present = doc_id in assistant.catalog.versions()
    assert (doc_id in doc_ids(a)) == present
    if present:
        assert len(assistant.catalog.chunks(doc_id)) > 0

    # The survivor takes the upload again and answers from it.
    response = upload(a, path)
    assert response.status_code in (200, 201), response.text
    assert doc_id in search_docs(a, "Tỉnh ủy Phú Yên tuyên truyền xây dựng Đảng năm 2021")
    assert consistency_problems(assistant) == []
