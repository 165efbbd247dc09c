"""Fakes and a real uvicorn server on 127.0.0.1 for the HTTP API tests."""

from __future__ import annotations

import hashlib
import io
import shutil
import socket
import threading
import time
import zipfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from api.app import create_app
from rag.assistant import AnswerStream, DocumentDetail, StreamEvent
from rag.config import Settings
from rag.errors import DocumentReadError, NotFoundError, PlanbotError, UnsupportedDocumentError
from rag.types import (
    Answer,
    ChatTurn,
    Chunk,
    Citation,
    DirectiveRecord,
    DocumentMeta,
    IngestReport,
    Mention,
    SearchHit,
    Section,
)
from tests.rag.helpers.tasks_plans import FakeCatalog

REFUSAL = "Không tìm thấy thông tin này trong các kế hoạch đã nạp."


def make_settings(tmp_path: Path, **overrides: Any) -> Settings:
    """Settings isolated from the environment and .env, with a tmp data dir and no rate limit by default."""
    values: dict[str, Any] = {"data_dir": tmp_path / "data", "rate_limit_per_minute": 0, "queue_size": 4}
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


class FakeAssistant:
    """Canned data with the facade's methods. `gate` (when set) pauses streaming/answers between steps."""

    def __init__(self) -> None:
        self.gate: threading.Event | None = None
        self.permits: threading.Semaphore | None = None
        self.step_timeout_s = 30.0
        self.closed = threading.Event()
        self.started = threading.Event()
        self.tokens_sent = 0
        self.fail_with: PlanbotError | None = None
        self.warm_gate: threading.Event | None = None
        self._ready = False
        self.calls: list[tuple[str, Any]] = []
        self.catalog = FakeCatalog([])  # the Catalog's read API (tasks routes); tests/api/routes/test_tasks.py fills it
        self.docs: dict[str, tuple[DocumentMeta, list[Section]]] = {}
        self._add_doc(
            "lai-chau-464",
            "Kế hoạch tuyên truyền xây dựng Đảng năm 2023",
            "464/KH-LĐLĐ",
            "Lai Châu",
            2023,
            [
                (
                    "s1",
                    "I. MỤC ĐÍCH, YÊU CẦU",
                    "I. MỤC ĐÍCH, YÊU CẦU\nNâng cao nhận thức của đoàn viên về công tác "
                    "xây dựng Đảng, bảo vệ nền tảng tư tưởng của Đảng.",
                ),
                ("s2", "II. NỘI DUNG", "II. NỘI DUNG\nTuyên truyền Nghị quyết số 35-NQ/TW ngày 22/10/2018."),
            ],
        )
        self._add_doc(
            "soc-trang-374",
            "Kế hoạch tuyên truyền và đề cương",
            "374/KH-MTTQ",
            "Sóc Trăng",
            2023,
            [("s1", "I. MỤC ĐÍCH", "I. MỤC ĐÍCH\nTuyên truyền sâu rộng trong Nhân dân về Mặt trận Tổ quốc.")],
        )

    def _add_doc(
        self,
        doc_id: str,
        title: str,
        number: str,
        province: str,
        year: int,
        sections: list[tuple[str, str, str]],
    ) -> None:
        meta = DocumentMeta(
            doc_id=doc_id,
            title=title,
            filename=f"{doc_id}.txt",
            number=number,
            province=province,
            year=year,
            sha256=hashlib.sha256(doc_id.encode()).hexdigest(),
        )
        secs = [Section(section_id=sid, heading=h, path=[h], text=t) for sid, h, t in sections]
        self.docs[doc_id] = (meta, secs)

    # --- retrieval ---
    def _chunks(self) -> list[Chunk]:
        out = []
        for meta, secs in self.docs.values():
            for i, s in enumerate(secs):
                out.append(
                    Chunk(
                        chunk_id=f"{meta.doc_id}:{s.section_id}",
                        doc_id=meta.doc_id,
                        doc_title=meta.title,
                        section_id=s.section_id,
                        section_path=s.path,
                        text=s.text,
                        order=i,
                        province=meta.province,
                        year=meta.year,
                    )
                )
        return out

    def search(self, query: str, *, top_k: int | None = None, filters: dict[str, Any] | None = None) -> list[SearchHit]:
        self.calls.append(("search", query))
        words = {w for w in query.lower().split() if len(w) > 2}
        scored = []
        for chunk in self._chunks():
            if filters and any(getattr(chunk, k, None) != v and k != "doc_id" for k, v in filters.items()):
                continue
            if filters and "doc_id" in filters and chunk.doc_id != filters["doc_id"]:
                continue
            score = sum(1 for w in words if w in chunk.text.lower()) / max(1, len(words))
            if score > 0:
                scored.append((score, chunk))
        scored.sort(key=lambda x: -x[0])
        return [SearchHit(chunk=c, score=s, rank=i + 1) for i, (s, c) in enumerate(scored[: top_k or 6])]

    def _answer(self, question: str) -> Answer:
        hits = self.search(question)
        if not hits:
            return Answer(question=question, answer=REFUSAL, refused=True, mode="refused")
        cites = [
            Citation(
                n=i + 1,
                doc_id=h.chunk.doc_id,
                doc_title=h.chunk.doc_title,
                section_path=h.chunk.path_str,
                quote=h.chunk.text.split("\n", 1)[-1],
                score=h.score,
                section_id=h.chunk.section_id,
            )
            for i, h in enumerate(hits[:2])
        ]
        body = " ".join(f"{c.quote} [{c.n}]" for c in cites)
        return Answer(
            question=question, answer=f"Theo các kế hoạch: {body}", citations=cites, timings_ms={"total": 1.0}
        )

    def _wait_gate(self) -> None:
        if self.permits is not None and not self.permits.acquire(timeout=self.step_timeout_s):
            raise TimeoutError("no permit for the next token")
        if self.gate is not None and not self.gate.wait(self.step_timeout_s):
            raise TimeoutError("test gate never opened")

    def ask(
        self,
        question: str,
        history: Sequence[ChatTurn] = (),
        *,
        top_k: int | None = None,
        filters: dict[str, Any] | None = None,
    ) -> Answer:
        self.calls.append(("ask", {"question": question, "history": list(history), "filters": filters}))
        self.started.set()
        if self.fail_with is not None:
            raise self.fail_with
        self._wait_gate()
        return self._answer(question)

    def stream(
        self,
        question: str,
        history: Sequence[ChatTurn] = (),
        *,
        top_k: int | None = None,
        filters: dict[str, Any] | None = None,
    ) -> AnswerStream:
        return AnswerStream(self._events(question, history))

    def _events(self, question: str, history: Sequence[ChatTurn]) -> Iterator[StreamEvent]:
        self.calls.append(("stream", {"question": question, "history": list(history)}))
        self.started.set()
        try:
            if self.fail_with is not None:
                raise self.fail_with
            answer = self._answer(question)
            yield StreamEvent(type="sources", sources=answer.citations)
            if not answer.refused:
                words = answer.answer.split(" ")
                for i, word in enumerate(words):
                    self._wait_gate()
                    self.tokens_sent += 1
                    yield StreamEvent(type="token", text=word if i == 0 else " " + word)
            yield StreamEvent(type="done", answer=answer)
        finally:
            self.closed.set()

    # --- directives and documents ---
    def _directive(self) -> DirectiveRecord:
        meta, secs = self.docs.get("lai-chau-464", next(iter(self.docs.values())))
        return DirectiveRecord(
            directive_id="35-nq-tw@2018-10-22",
            number="35-NQ/TW",
            doc_type="Nghị quyết",
            date="2018-10-22",
            issuer="Bộ Chính trị",
            term="khóa XII",
            mentions=[
                Mention(
                    doc_id=meta.doc_id,
                    doc_title=meta.title,
                    section_id=secs[-1].section_id,
                    section_path=secs[-1].heading,
                    sentence=secs[-1].text.split("\n")[-1],
                )
            ],
        )

    def lookup_directive(self, query: str) -> list[DirectiveRecord]:
        return [self._directive()] if "35" in query else []

    def get_directive(self, directive_id: str) -> DirectiveRecord:
        record = self._directive()
        if directive_id != record.directive_id:
            raise NotFoundError(directive_id)
        return record

    def list_documents(self) -> list[DocumentMeta]:
        return [meta for meta, _ in self.docs.values()]

    def get_document(self, doc_id: str) -> DocumentDetail:
        if doc_id not in self.docs:
            raise NotFoundError(doc_id)
        meta, secs = self.docs[doc_id]
        return DocumentDetail(meta=meta, outline=[s.model_copy(update={"text": ""}) for s in secs])

    def get_section_text(self, doc_id: str, section_id: str) -> str:
        if doc_id not in self.docs:
            raise NotFoundError(doc_id)
        for s in self.docs[doc_id][1]:
            if s.section_id == section_id:
                return s.text
        raise NotFoundError(section_id)

    def ingest(self, paths: Sequence[Path]) -> IngestReport:
        return IngestReport()

    def ingest_bytes(self, filename: str, data: bytes) -> IngestReport:
        suffix = Path(filename).suffix.lower()
        if suffix not in (".txt", ".md", ".docx", ".pdf"):
            raise UnsupportedDocumentError(filename)
        if suffix == ".docx":
            try:
                zipfile.ZipFile(io.BytesIO(data))
            except zipfile.BadZipFile as exc:
                raise DocumentReadError(filename) from exc
            text = "docx"
        elif suffix == ".pdf":
            if not data.startswith(b"%PDF"):
                raise DocumentReadError(filename)
            text = "pdf"
        else:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise DocumentReadError(filename) from exc
        doc_id = Path(filename).stem
        meta = DocumentMeta(
            doc_id=doc_id,
            title=text.splitlines()[0][:80] if text else doc_id,
            filename=filename,
            sha256=hashlib.sha256(data).hexdigest(),
        )
        self.docs[doc_id] = (
            meta,
            [Section(section_id="s1", heading="Toàn văn", path=["Toàn văn"], text=text)],
        )
        return IngestReport(documents=1, added=1, sections=1, chunks=1)

    def delete_document(self, doc_id: str) -> None:
        if doc_id not in self.docs:
            raise NotFoundError(doc_id)
        del self.docs[doc_id]

    def warm_up(self) -> None:
        if self.warm_gate is not None:
            self.warm_gate.wait(30)
        self._ready = True

    @property
    def ready(self) -> bool:
        return self._ready


class LiveServer:
    """A real uvicorn server for `app` on 127.0.0.1 (random free port) in a background thread."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, lifespan="on", log_level="warning", timeout_graceful_shutdown=2)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def start(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(15)
        self.sock.close()

    def client(self, **kwargs: Any) -> httpx.Client:
        kwargs.setdefault("timeout", 30)
        return httpx.Client(base_url=self.url, **kwargs)


def wait_until(predicate: Callable[[], bool], what: str, limit_s: float = 20.0) -> None:
    """Poll until `predicate` holds (a synchronisation helper, not a timing assertion)."""
    deadline = time.monotonic() + limit_s
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.02)


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture
def browser() -> Iterator[Any]:
    """Headless Debian chromium driven by Playwright (the browser tests, tests/api/test_browser*.py)."""
    if CHROMIUM is None:
        pytest.skip("Debian chromium is not installed (apt-get install chromium, or scripts/install.sh --browser)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def fake() -> FakeAssistant:
    return FakeAssistant()


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., LiveServer]]:
    """Start live servers: serve(assistant, **settings_overrides) → LiveServer (stopped after the test)."""
    servers: list[LiveServer] = []

    def start(assistant: Any, **overrides: Any) -> LiveServer:
        settings = make_settings(tmp_path, **overrides)
        server = LiveServer(create_app(settings, assistant=assistant)).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def server(serve: Callable[..., LiveServer], fake: FakeAssistant) -> LiveServer:
    """A keyless server (loopback) over the fake assistant."""
    return serve(fake)


@pytest.fixture
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with server.client() as c:
        yield c
