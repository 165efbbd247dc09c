"""Generator on Hugging Face transformers (optional extra `torch`): a local HF directory or a GGUF file.

Slow on CPU compared with llama.cpp (a GGUF is dequantised to fp32: ~8.8 GB RSS for the 1.5B model); it exists
for models llama.cpp cannot run. torch and transformers are imported only when the model loads.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from rag.config import Settings
from rag.errors import BackendError, ModelUnavailableError
from rag.llm.assets import ensure_model

_INSTALL_HINT = "pip install 'planbot[torch]'"


def _first_stop(text: str, stops: Sequence[str]) -> int:
    """Index of the earliest stop string in `text`, or -1."""
    hits = [i for i in (text.find(s) for s in stops if s) if i >= 0]
    return min(hits) if hits else -1


def cut_at_stops(deltas: Iterator[str], stops: Sequence[str]) -> Iterator[str]:
    """Pass text deltas through, ending before the first stop string (held back while it may be a prefix)."""
    stops = [s for s in stops if s]
    if not stops:
        yield from deltas
        return
    hold = max(len(s) for s in stops) - 1
    pending = ""
    for delta in deltas:
        pending += delta
        cut = _first_stop(pending, stops)
        if cut >= 0:
            if cut:
                yield pending[:cut]
            return
        if len(pending) > hold:
            emit = len(pending) - hold
            yield pending[:emit]
            pending = pending[emit:]
    if pending:
        yield pending


class TransformersGenerator:
    """`Generator` using AutoModelForCausalLM + TextIteratorStreamer (generation runs in a worker thread)."""

    def __init__(self, settings: Settings, *, model_path: Path | None = None) -> None:
        missing = [m for m in ("torch", "transformers") if importlib.util.find_spec(m) is None]
        if missing:
            raise ModelUnavailableError(
                f"the transformers backend needs {', '.join(missing)}: {_INSTALL_HINT}"
            )
        self._settings = settings
        self._model_path = model_path
        self._model: Any = None
        self._tokenizer: Any = None
        self._load_lock = threading.Lock()
        self._generate_lock = threading.Lock()
        label = model_path or settings.llm_model_path
        self.name = f"transformers:{Path(label).name if label else settings.llm_model_package}"

    def load(self) -> tuple[Any, Any]:
        """(model, tokenizer), loaded on first call: from an HF directory, or from a GGUF via gguf_file=."""
        if self._model is None:
            with self._load_lock:
                if self._model is None:
                    import torch
                    from transformers import AutoModelForCausalLM, AutoTokenizer

                    path = Path(self._model_path or ensure_model(self._settings))
                    if self._settings.llm_threads:
                        torch.set_num_threads(self._settings.llm_threads)
                    kwargs: dict[str, Any] = {}
                    source = str(path)
                    if path.is_file():
                        source, kwargs["gguf_file"] = str(path.parent), path.name
                    try:
                        tokenizer = AutoTokenizer.from_pretrained(source, **kwargs)
                        model = AutoModelForCausalLM.from_pretrained(source, **kwargs)
                    except (OSError, ValueError, RuntimeError, ImportError) as exc:
                        raise ModelUnavailableError(f"transformers could not load {path}: {exc}") from exc
                    model.eval()
                    self._tokenizer, self._model = tokenizer, model
        return self._model, self._tokenizer

    def stream(
        self, messages: Sequence[dict[str, str]], *, max_tokens: int, stop: Sequence[str] = ()
    ) -> Iterator[str]:
        """Text deltas of the reply; closing the iterator stops the worker thread at the next token."""
        return cut_at_stops(self._stream(list(messages), max_tokens), stop)

    def _stream(self, messages: list[dict[str, str]], max_tokens: int) -> Iterator[str]:
        from transformers import StoppingCriteria, StoppingCriteriaList, TextIteratorStreamer

        model, tokenizer = self.load()
        cancelled = threading.Event()

        class _Cancel(StoppingCriteria):
            def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> bool:
                return cancelled.is_set()

        with self._generate_lock:
            inputs = tokenizer.apply_chat_template(
                messages, add_generation_prompt=True, return_tensors="pt", return_dict=True
            )
            streamer = TextIteratorStreamer(
                tokenizer, skip_prompt=True, skip_special_tokens=True, timeout=self._settings.llm_timeout_s
            )
            temperature = self._settings.llm_temperature
            sampling: dict[str, Any] = (
                {"do_sample": True, "temperature": temperature} if temperature > 0 else {"do_sample": False}
            )
            failure: list[BaseException] = []

            def work() -> None:
                try:
                    model.generate(
                        **inputs,
                        max_new_tokens=max_tokens,
                        streamer=streamer,
                        stopping_criteria=StoppingCriteriaList([_Cancel()]),
                        **sampling,
                    )
                except BaseException as exc:  # re-raised in the consumer thread
                    failure.append(exc)
                    streamer.end()

            worker = threading.Thread(target=work, name="transformers-generate", daemon=True)
            worker.start()
            try:
                for text in streamer:
                    if text:
                        yield text
                if failure:
                    raise BackendError(f"transformers generation failed: {failure[0]}") from failure[0]
            finally:
                cancelled.set()
                worker.join()
