"""Language-model layer: model files (assets), generators (llama.cpp, OpenAI-compatible, transformers).

Importing this package is cheap: llama_cpp, httpx clients, torch and transformers load on first use.
"""

from __future__ import annotations

from rag.llm.assets import describe_model, ensure_model
from rag.llm.factory import build_generator

__all__ = ["build_generator", "describe_model", "ensure_model"]
