"""rag.llm.llamacpp: lazy loading, errors, and (slow) real generation with the default model."""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest

from rag.config import Settings
from rag.errors import ModelUnavailableError
from rag.interfaces import Generator
from rag.llm.llamacpp import LlamaCppGenerator, _model_params_override

VIETNAMESE_LETTERS = set("ăâđêôơưĂÂĐÊÔƠƯ")


def _looks_vietnamese(text: str) -> bool:
    """Vietnamese-specific letters, or tone marks on Latin letters (after NFD)."""
    if any(ch in VIETNAMESE_LETTERS for ch in text):
        return True
    decomposed = unicodedata.normalize("NFD", text)
    return any(unicodedata.category(ch) == "Mn" for ch in decomposed)


@pytest.mark.unit
def test_construction_is_lazy_and_missing_file_is_reported(
    make_settings: Callable[..., Settings], tmp_path: Path
) -> None:
    gen = LlamaCppGenerator(make_settings(llm_model_path=tmp_path / "absent.gguf"))
    assert isinstance(gen, Generator)
    assert not gen.loaded
    stream = gen.stream([{"role": "user", "content": "xin chào"}], max_tokens=4)
    with pytest.raises(ModelUnavailableError, match="does not exist"):
        next(stream)


@pytest.mark.unit
def test_corrupt_gguf_is_model_unavailable(make_settings: Callable[..., Settings], tmp_path: Path) -> None:
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"GGUF\x03\x00\x00\x00" + b"garbage" * 10)
    gen = LlamaCppGenerator(make_settings(llm_model_path=bad))
    with pytest.raises(ModelUnavailableError, match="could not load"):
        list(gen.stream([{"role": "user", "content": "xin chào"}], max_tokens=4))
    assert not gen.loaded


@pytest.mark.unit
def test_repack_override_is_scoped_to_the_load() -> None:
    import llama_cpp

    lowlevel = llama_cpp.llama_cpp
    original = lowlevel.llama_model_default_params
    assert original().use_extra_bufts is True  # llama.cpp's default: repack on
    with _model_params_override(llama_cpp, repack=False):
        assert lowlevel.llama_model_default_params().use_extra_bufts is False
    assert lowlevel.llama_model_default_params is original


@pytest.fixture
def llama_generator(real_generator: Generator) -> LlamaCppGenerator:
    """The session's real default model (tests/conftest.py), which must be the llama.cpp generator."""
    if not isinstance(real_generator, LlamaCppGenerator):
        pytest.skip(f"the session generator is {llama_generator.name}, not llama.cpp")
    return real_generator


QUESTION = [
    {"role": "system", "content": "Bạn là trợ lý. Luôn trả lời bằng tiếng Việt có dấu."},
    {"role": "user", "content": "Thủ đô của Việt Nam là thành phố nào? Trả lời một câu."},
]
LONG_TASK = [
    {"role": "system", "content": "Bạn là trợ lý. Luôn trả lời bằng tiếng Việt có dấu."},
    {"role": "user", "content": "Hãy liệt kê 30 tỉnh, thành phố của Việt Nam, mỗi dòng một tên."},
]


@pytest.mark.slow
@pytest.mark.integration
def test_real_model_answers_in_vietnamese(llama_generator: LlamaCppGenerator) -> None:
    deltas = list(llama_generator.stream(QUESTION, max_tokens=40))
    text = "".join(deltas).strip()
    assert text
    assert _looks_vietnamese(text), text
    assert llama_generator.loaded


@pytest.mark.slow
@pytest.mark.integration
def test_real_model_stops_at_stop_string(llama_generator: LlamaCppGenerator) -> None:
    text = "".join(llama_generator.stream(LONG_TASK, max_tokens=30, stop=["\n"]))
    unstopped = "".join(llama_generator.stream(LONG_TASK, max_tokens=30))
    assert text.strip()
    assert "\n" in unstopped.strip()  # the model does write several lines without the stop string
    assert "\n" not in text
    assert unstopped.startswith(text)


@pytest.mark.slow
@pytest.mark.integration
def test_closing_the_stream_stops_generation(llama_generator: LlamaCppGenerator) -> None:
    llm = llama_generator.load()
    full = list(llama_generator.stream(LONG_TASK, max_tokens=40))
    tokens_after_full = llm.n_tokens  # prompt + every generated token
    assert len(full) > 10

    stream = llama_generator.stream(LONG_TASK, max_tokens=40)
    first = [next(stream), next(stream)]
    stream.close()  # type: ignore[attr-defined]
    tokens_after_close = llm.n_tokens
    assert "".join(first) == "".join(full[:2])  # greedy: same start
    assert tokens_after_close <= tokens_after_full - 25  # the model stopped right after the close

    # The instance lock was released: another request runs (in a thread, as the API would).
    result: list[str] = []
    worker = threading.Thread(target=lambda: result.extend(llama_generator.stream(QUESTION, max_tokens=8)))
    worker.start()
    worker.join()
    assert "".join(result).strip()
