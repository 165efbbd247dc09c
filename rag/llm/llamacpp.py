"""Generator on llama-cpp-python (the default): a local GGUF, CPU, loaded lazily, one generation at a time.

Consecutive prompts on the same instance reuse the KV cache of their common token prefix, so keep the system
prompt and any fixed examples at the start of the messages. Greedy requests on a GGUF with a chat template take
the fast path (rag/llm/speculative.py: draft-model drafts when settings.llm_draft_package, else prompt-lookup
drafts when settings.llm_prompt_lookup; per-request stats in `last_stats`); sampling with a temperature goes
through create_chat_completion.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from rag.config import Settings
from rag.errors import BackendError, ModelUnavailableError
from rag.llm.assets import ensure_model
from rag.llm.speculative import (
    Drafter,
    GenerationStats,
    LlamaSession,
    greedy_generate,
    model_drafter,
    prompt_lookup_drafter,
)
from rag.llm.textstream import chat_formatter, chat_prompt_tokens, text_deltas

log = logging.getLogger(__name__)

# llama-cpp-python 0.3.36 has no Llama() argument for llama_model_params.use_extra_bufts ("repack"), so it is
# switched off by wrapping llama_model_default_params() while a model loads. The wrapper is module state
# shared by every thread: this lock makes load-time patching one-at-a-time.
_PARAMS_PATCH_LOCK = threading.Lock()

# Chat formats (llama-cpp-python names) for GGUFs without a chat template, by general.architecture prefix.
_FALLBACK_CHAT_FORMATS = (("gemma", "gemma"), ("qwen", "chatml"))


def _import_llama_cpp() -> Any:
    try:
        import llama_cpp
    except ImportError as exc:  # pragma: no cover - a hard dependency, but built from source
        raise ModelUnavailableError(
            "llama-cpp-python is not installed; run scripts/install.sh (it builds it without AMX)"
        ) from exc
    return llama_cpp


@contextlib.contextmanager
def _model_params_override(llama_cpp: Any, *, repack: bool) -> Iterator[None]:
    """While loading, make llama_model_default_params() return params with use_extra_bufts=`repack`."""
    lowlevel = llama_cpp.llama_cpp
    with _PARAMS_PATCH_LOCK:
        original = lowlevel.llama_model_default_params

        def patched() -> Any:
            params = original()
            params.use_extra_bufts = repack
            return params

        lowlevel.llama_model_default_params = patched
        try:
            yield
        finally:
            lowlevel.llama_model_default_params = original


def llama_kwargs(n_ctx: int, n_threads: int | None) -> dict[str, Any]:
    """Keyword arguments for llama_cpp.Llama shared by the generator and the raw benchmark."""
    threads = n_threads or os.cpu_count() or 1
    return {"n_ctx": n_ctx, "n_threads": threads, "n_threads_batch": threads, "verbose": False}


def load_llama(model_path: Path, *, n_ctx: int, n_threads: int | None, repack: bool = False) -> Any:
    """Load a GGUF with our settings (repack off by default: faster and 600 MB smaller on this CPU)."""
    llama_cpp = _import_llama_cpp()
    if not Path(model_path).is_file():
        raise ModelUnavailableError(f"GGUF model file not found: {model_path}")
    started = time.perf_counter()
    try:
        with _model_params_override(llama_cpp, repack=repack):
            llm = llama_cpp.Llama(model_path=str(model_path), **llama_kwargs(n_ctx, n_threads))
    except (ValueError, RuntimeError, OSError) as exc:
        raise ModelUnavailableError(f"could not load {model_path}: {exc}") from exc
    if "tokenizer.chat_template" not in llm.metadata:
        # Without a template llama-cpp-python falls back to Llama-2's [INST] format; use the family's.
        arch = str(llm.metadata.get("general.architecture", ""))
        fallback = next((fmt for prefix, fmt in _FALLBACK_CHAT_FORMATS if arch.startswith(prefix)), None)
        if fallback:
            llm.chat_format = fallback
        log.warning("%s has no chat template; using chat format %r", model_path, llm.chat_format)
    elapsed = time.perf_counter() - started
    log.info("loaded %s in %.1f s (n_ctx=%d, repack=%s)", model_path, elapsed, n_ctx, repack)
    return llm


class LlamaCppGenerator:
    """`Generator` over a local GGUF with llama.cpp; greedy when settings.llm_temperature is 0."""

    def __init__(self, settings: Settings, *, model_path: Path | None = None, repack: bool | None = None) -> None:
        self._settings = settings
        self._model_path = model_path
        self._repack = settings.llm_repack if repack is None else repack
        self._llm: Any = None
        self._load_lock = threading.Lock()
        self._generate_lock = threading.Lock()
        self._formatter: Any = None
        label = model_path or settings.llm_model_path
        self.name = f"llamacpp:{Path(label).stem if label else settings.llm_model_package}"
        # Switchable per instance (the benchmark measures off/on on one loaded model).
        self.prompt_lookup = settings.llm_prompt_lookup
        self.draft_model = settings.llm_draft_package is not None
        self._draft_llm: Any = None
        self.last_stats: GenerationStats | None = None

    @property
    def loaded(self) -> bool:
        """Whether the model is in memory."""
        return self._llm is not None

    def load(self) -> Any:
        """The llama_cpp.Llama instance, loaded (and assembled from its packages) on first call."""
        if self._llm is None:
            with self._load_lock:
                if self._llm is None:
                    path = self._model_path or ensure_model(self._settings)
                    self._llm = load_llama(
                        path,
                        n_ctx=self._settings.llm_ctx,
                        n_threads=self._settings.llm_threads,
                        repack=self._repack,
                    )
        return self._llm

    def close(self) -> None:
        """Free the model (a later `stream` loads it again)."""
        with self._load_lock, self._generate_lock:
            if self._llm is not None:
                self._llm.close()
                self._llm = None
            if self._draft_llm is not None:
                self._draft_llm.close()
                self._draft_llm = None

    def load_draft(self) -> Any:
        """The draft model (settings.llm_draft_package, default 0.5B), loaded on first use; it must share the
        main model's vocabulary (ModelUnavailableError otherwise)."""
        if self._draft_llm is None:
            llm = self.load()
            with self._load_lock:
                if self._draft_llm is None:
                    package = self._settings.llm_draft_package or "qwen2.5-coder-0.5b"
                    path = ensure_model(self._settings.model_copy(
                        update={"llm_model_package": package, "llm_model_path": None}))
                    draft = load_llama(path, n_ctx=self._settings.llm_ctx, n_threads=self._settings.llm_threads,
                                       repack=self._repack)
                    if draft.n_vocab() != llm.n_vocab():
                        draft.close()
                        raise ModelUnavailableError(
                            f"draft model {package} has {draft.n_vocab()} tokens, the main model {llm.n_vocab()}")
                    self._draft_llm = draft
        return self._draft_llm

    def _drafter(self) -> Drafter | None:
        settings = self._settings
        if self.draft_model:
            return model_drafter(LlamaSession(self.load_draft()), settings.llm_draft_tokens)
        if self.prompt_lookup:
            return prompt_lookup_drafter(settings.llm_lookup_ngram, settings.llm_lookup_tokens)
        return None

    def stream(
        self, messages: Sequence[dict[str, str]], *, max_tokens: int, stop: Sequence[str] = ()
    ) -> Iterator[str]:
        """Text deltas of the reply. Waits while another generation of this instance runs."""
        return self._stream(list(messages), max_tokens, list(stop))

    def _stream(self, messages: list[dict[str, str]], max_tokens: int, stop: list[str]) -> Iterator[str]:
        llm = self.load()
        if self.draft_model:
            self.load_draft()  # before the generation lock: loading takes the load lock (close() takes both)
        with self._generate_lock:
            if self._settings.llm_temperature == 0 and self._settings.llm_fast_path:
                if self._formatter is None:
                    self._formatter = chat_formatter(llm) or False
                if self._formatter:
                    yield from self._fast(llm, messages, max_tokens, stop)
                    return
            self.last_stats = None
            chunks = llm.create_chat_completion(
                messages=messages,
                stream=True,
                max_tokens=max_tokens,
                stop=stop or None,
                temperature=self._settings.llm_temperature,
            )
            try:
                while True:
                    try:
                        chunk = next(chunks)
                    except StopIteration:
                        return
                    except ValueError as exc:  # e.g. "Requested tokens (n) exceed context window"
                        raise BackendError(f"llama.cpp rejected the prompt: {exc}") from exc
                    delta = chunk["choices"][0]["delta"].get("content")
                    if delta:
                        yield delta
            finally:
                chunks.close()

    def _fast(self, llm: Any, messages: list[dict[str, str]], max_tokens: int, stop: list[str]) -> Iterator[str]:
        """Greedy decoding with KV-prefix reuse and, when enabled, draft-model or prompt-lookup drafts."""
        stats = GenerationStats()
        self.last_stats = stats
        drafter = self._drafter()
        prompt = chat_prompt_tokens(llm, messages, self._formatter)
        try:
            tokens = greedy_generate(LlamaSession(llm), prompt, max_tokens=max_tokens, drafter=drafter,
                                     stats=stats)
            deltas = text_deltas(tokens, llm.detokenize, stop)
            try:
                yield from deltas
            finally:
                deltas.close()
                tokens.close()
        except (ValueError, RuntimeError) as exc:  # e.g. prompt too long for the context, llama_decode error
            raise BackendError(f"llama.cpp rejected the prompt: {exc}") from exc
        finally:
            log.debug("generation stats %s", stats.as_dict())
