"""Raw llama.cpp throughput on one prompt, as the baseline our generator's overhead is measured against.

Same model parameters as rag.llm.llamacpp (n_ctx, threads, repack off), same chat template (the GGUF's),
greedy sampling; but tokens are evaluated and sampled directly (no streaming chat layer, no stop-string scan).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from rag.llm.llamacpp import load_llama
from rag.llm.textstream import chat_prompt_tokens


def _prompt_tokens(llm: Any, messages: list[dict[str, str]]) -> list[int]:
    """Tokens of the chat prompt built from the GGUF's own template, as create_chat_completion builds it."""
    return chat_prompt_tokens(llm, messages)


def raw_llamacpp_tokens_per_second(
    model_path: Path,
    messages: list[dict[str, str]],
    max_tokens: int,
    n_threads: int | None,
    *,
    n_ctx: int = 2048,
    llm: Any = None,
) -> dict[str, float | int]:
    """Prefill tok/s, generation tok/s and time to first token of raw llama.cpp on `messages`.

    Pass an already loaded `llm` (e.g. `LlamaCppGenerator.load()`) to avoid a second copy in memory; its KV
    cache is reset first, so the measurement is always cold.
    """
    if llm is None:
        llm = load_llama(model_path, n_ctx=n_ctx, n_threads=n_threads)
    tokens = _prompt_tokens(llm, messages)
    if len(tokens) + max_tokens > llm.n_ctx():
        raise ValueError(f"prompt ({len(tokens)} tokens) + max_tokens exceeds n_ctx={llm.n_ctx()}")
    llm.reset()
    llm._sampler = None  # sample() then builds a fresh greedy sampler (no state from earlier generations)
    eog = getattr(llm._model, "token_is_eog", None)
    eos = llm.token_eos()
    started = time.perf_counter()
    llm.eval(tokens)
    prefill_s = time.perf_counter() - started
    token = llm.sample(temp=0.0)
    first_token_s = time.perf_counter() - started
    generated = 1
    gen_started = time.perf_counter()
    while generated < max_tokens and not (eog(token) if eog else token == eos):
        llm.eval([token])
        token = llm.sample(temp=0.0)
        generated += 1
    gen_s = time.perf_counter() - gen_started
    decoded = max(generated - 1, 0)  # tokens evaluated after the first one (each costs one decode)
    return {
        "prompt_tokens": len(tokens),
        "generated_tokens": generated,
        "prefill_s": round(prefill_s, 3),
        "prefill_tok_s": round(len(tokens) / prefill_s, 2) if prefill_s > 0 else 0.0,
        "time_to_first_token_s": round(first_token_s, 3),
        "generation_s": round(gen_s, 3),
        "generation_tok_s": round(decoded / gen_s, 2) if gen_s > 0 and decoded else 0.0,
    }
