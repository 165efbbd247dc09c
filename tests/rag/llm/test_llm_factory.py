"""rag.llm.factory and the optional transformers backend (without torch)."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable

import pytest

from rag.config import Settings
from rag.errors import ModelUnavailableError
from rag.interfaces import Generator
from rag.llm.factory import build_generator
from rag.llm.llamacpp import LlamaCppGenerator
from rag.llm.openai_compat import OpenAICompatGenerator
from rag.llm.transformers_backend import cut_at_stops

TORCH_INSTALLED = importlib.util.find_spec("torch") is not None


@pytest.mark.unit
def test_default_backend_is_llamacpp_and_loads_nothing(make_settings: Callable[..., Settings]) -> None:
    gen = build_generator(make_settings())
    assert isinstance(gen, LlamaCppGenerator)
    assert isinstance(gen, Generator)
    assert not gen.loaded
    assert gen.name == "llamacpp:qwen2.5-coder-1.5b"


@pytest.mark.unit
def test_openai_backend(make_settings: Callable[..., Settings]) -> None:
    gen = build_generator(make_settings(llm_backend="openai", llm_url="http://127.0.0.1:9/v1", llm_model="m"))
    assert isinstance(gen, OpenAICompatGenerator)
    assert gen.name == "openai:m"


@pytest.mark.unit
@pytest.mark.skipif(TORCH_INSTALLED, reason="torch is installed: the missing-torch path cannot be exercised")
def test_transformers_without_torch_says_what_to_install(make_settings: Callable[..., Settings]) -> None:
    with pytest.raises(ModelUnavailableError, match=r"pip install 'planbot\[torch\]'"):
        build_generator(make_settings(llm_backend="transformers"))


@pytest.mark.unit
@pytest.mark.parametrize(
    ("deltas", "stops", "expected"),
    [
        (["Xin ", "chào", "\n\nthừa"], ["\n\n"], "Xin chào"),
        (["ab", "c<|", "end|>", "x"], ["<|end|>"], "abc"),
        (["ab", "c<", "d"], ["<|end|>"], "abc<d"),
        (["một", " hai"], [], "một hai"),
        (["STOP"], ["STOP"], ""),
    ],
)
def test_cut_at_stops(deltas: list[str], stops: list[str], expected: str) -> None:
    assert "".join(cut_at_stops(iter(deltas), stops)) == expected
