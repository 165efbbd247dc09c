"""Build the configured generator (nothing heavy happens here: models load on first use)."""

from __future__ import annotations

from rag.config import Settings
from rag.errors import ModelUnavailableError
from rag.interfaces import Generator


def build_generator(settings: Settings) -> Generator:
    """The `Generator` for settings.llm_backend: llamacpp (default), openai or transformers."""
    if settings.llm_backend == "llamacpp":
        from rag.llm.llamacpp import LlamaCppGenerator

        return LlamaCppGenerator(settings)
    if settings.llm_backend == "openai":
        from rag.llm.openai_compat import OpenAICompatGenerator

        return OpenAICompatGenerator(settings)
    if settings.llm_backend == "transformers":
        from rag.llm.transformers_backend import TransformersGenerator

        return TransformersGenerator(settings)
    raise ModelUnavailableError(f"unknown llm_backend {settings.llm_backend!r}")
