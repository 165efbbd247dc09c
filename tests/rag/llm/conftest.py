"""Fixtures for the language-model layer: fake part packages on disk, settings, a local SSE chat server."""

from __future__ import annotations

import itertools
import json
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from rag.config import Settings
from rag.llm.assets import ModelPackage

_PACKAGE_COUNTER = itertools.count()


@pytest.fixture
def make_settings(tmp_path: Path) -> Callable[..., Settings]:
    """Settings isolated from the environment's .env, with data under tmp_path unless overridden."""

    def build(**overrides: Any) -> Settings:
        overrides.setdefault("data_dir", tmp_path / "data")
        return Settings(_env_file=None, **overrides)  # type: ignore[call-arg]

    return build


@dataclass
class FakeParts:
    """Fake part packages written to disk: the package spec and the bytes they concatenate to."""

    package: ModelPackage
    content: bytes
    root: Path


@pytest.fixture
def make_parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., FakeParts]:
    """Write importable packages `<prefix>_part<i>` with get_part_path() → data/partNN.bin, on sys.path."""
    root = tmp_path / "site"
    root.mkdir()
    monkeypatch.syspath_prepend(str(root))

    def build(chunks: list[bytes], *, expected_sha256: str | None = None) -> FakeParts:
        prefix = f"fakemodel{next(_PACKAGE_COUNTER)}_{tmp_path.name.replace('-', '_')}"
        parts: list[tuple[str, str]] = []
        for i, chunk in enumerate(chunks, start=1):
            module = f"{prefix}_part{i}"
            pkg = root / module
            (pkg / "data").mkdir(parents=True)
            (pkg / "data" / f"part{i:02d}.bin").write_bytes(chunk)
            (pkg / "__init__.py").write_text(
                "import os\n"
                "def get_part_path():\n"
                "    here = os.path.dirname(os.path.abspath(__file__))\n"
                f"    return os.path.join(here, 'data', 'part{i:02d}.bin')\n",
                encoding="utf-8",
            )
            parts.append((module, f"{prefix.replace('_', '-')}-part{i}"))
        for module, _ in parts:
            sys.modules.pop(module, None)
        package = ModelPackage(name=prefix, parts=tuple(parts), expected_sha256=expected_sha256)
        return FakeParts(package=package, content=b"".join(chunks), root=root)

    return build


@dataclass
class ChatServerState:
    """What the local chat server saw and did."""

    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    chunks_sent: int = 0
    finished: threading.Event = field(default_factory=threading.Event)


@dataclass
class ChatServer:
    url: str
    state: ChatServerState


def _sse(payload: object) -> bytes:
    data = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
    return f"data: {data}\n\n".encode()


def _chunk(text: str) -> dict[str, Any]:
    return {"object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {"content": text}}]}


class _Handler(BaseHTTPRequestHandler):
    """A tiny OpenAI-compatible /v1/chat/completions that streams SSE. The `model` field picks a behaviour."""

    state: ChatServerState
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # keep pytest output clean
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
        self.state.requests.append(body)
        self.state.headers.append({k.lower(): v for k, v in self.headers.items()})
        try:
            if self.path != "/v1/chat/completions":
                self._plain(404, b'{"error": "not found"}')
                return
            behaviour = body.get("model")
            if behaviour == "http-500":
                self._plain(500, b'{"error": {"message": "model crashed"}}')
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Connection", "close")
            self.end_headers()
            if behaviour == "malformed":
                self.wfile.write(b"data: {not json\n\n")
                return
            if behaviour == "endless":
                for i in range(100_000):
                    self.wfile.write(_sse(_chunk(f"tok{i} ")))
                    self.wfile.flush()
                    self.state.chunks_sent += 1
                    time.sleep(0.005)
                return
            self.wfile.write(_sse({"choices": [{"index": 0, "delta": {"role": "assistant"}}]}))
            self.wfile.write(b": keep-alive\n\n")
            for piece in ("Xin", " chào", ", tôi là", " trợ lý."):
                self.wfile.write(_sse(_chunk(piece)))
                self.state.chunks_sent += 1
            self.wfile.write(_sse({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}))
            self.wfile.write(_sse("[DONE]"))
            self.wfile.write(_sse(_chunk("after done")))
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            self.state.finished.set()

    def _plain(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def chat_server() -> Iterator[ChatServer]:
    """A real HTTP server on 127.0.0.1 (random port) speaking the OpenAI streaming chat protocol."""
    state = ChatServerState()
    handler = type("Handler", (_Handler,), {"state": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield ChatServer(url=f"http://127.0.0.1:{server.server_address[1]}/v1", state=state)
    finally:
        server.shutdown()
        server.server_close()
