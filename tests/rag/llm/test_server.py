"""The product against a real OpenAI-compatible server: llama-cpp-python's own (`python -m llama_cpp.server`)
serving the default GGUF on 127.0.0.1, the product configured with `llm_backend=openai`.

One end-to-end answer over the shipped corpus, streamed: sources first, then several token deltas from the
server, then a final answer that cites the plan the question is about.
"""

from __future__ import annotations

import socket
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from rag.assistant import Assistant
from tests.conftest import make_settings
from tests.rag.helpers.servers import running_server

pytestmark = [pytest.mark.slow, pytest.mark.integration]

ALIAS = "qwen2.5-coder-1.5b"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def llama_server() -> Iterator[str]:
    """`python -m llama_cpp.server` with the default GGUF (assembled once under the temp dir); its /v1 base URL."""
    try:
        import llama_cpp.server.app  # noqa: F401 - the `server` extra's dependencies
    except ImportError as exc:
        pytest.skip(f"llama-cpp-python's server extra is not installed ({exc}): pip install -e '.[dev]'")
    from rag.llm.assets import ensure_model

    model = ensure_model(make_settings(Path(tempfile.gettempdir()) / "planbot-test-model"))
    port = _free_port()
    log = Path(tempfile.mkdtemp(prefix="planbot-llama-server-")) / "server.log"
    url = f"http://127.0.0.1:{port}/v1"
    with running_server([sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--model_alias", ALIAS,
                         "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096", "--verbose", "False"],
                        log=log, ready_url=f"{url}/models", timeout_s=300, give_up=pytest.fail, poll_s=0.5):
        yield url


def test_the_server_lists_the_model(llama_server: str) -> None:
    models = httpx.get(f"{llama_server}/models", timeout=10).json()
    assert [m["id"] for m in models["data"]] == [ALIAS]


def test_an_answer_streamed_through_the_server(llama_server: str, corpus_data_dir: Path) -> None:
    settings = make_settings(corpus_data_dir, llm_backend="openai", llm_url=llama_server, llm_model=ALIAS)
    assistant = Assistant(settings)  # the generator is built from settings: the OpenAI-compatible client
    events = list(assistant.stream("Liên đoàn Lao động tỉnh Lai Châu tuyên truyền trên báo, đài của tỉnh về việc gì?"))

    kinds = [e.type for e in events]
    assert "error" not in kinds, [e.error for e in events if e.error]
    assert kinds[0] == "sources" and kinds[-1] == "done"
    tokens = [e.text for e in events if e.type == "token"]
    assert tokens  # verified sentences stream one by one as they complete (rag.answering)
    final = events[-1].answer
    assert final is not None and not final.refused, final
    assert final.mode == "generated"
    text = final.answer.strip()
    assert len(text) > 20
    assert any(ch in text for ch in "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"), text  # Vietnamese
    assert any("lai-chau" in c.doc_id for c in final.citations), final.citations
    assert assistant.generator().name == f"openai:{ALIAS}"
