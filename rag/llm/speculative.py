"""Greedy decoding with drafts (prompt lookup, or a smaller draft model) and explicit KV-prefix reuse, for
llama.cpp on a CPU.

Answers copy phrases from the evidence in the prompt, so the tokens that follow the last few generated tokens
are often already in the prompt. Prompt-lookup decoding (https://github.com/apoorvumang/prompt-lookup-decoding)
proposes those tokens as a draft and verifies the whole draft in one batched decode: every accepted draft token
is a decode step saved. Verification is exact under greedy sampling: the output is the token sequence of
plain greedy decoding, up to the float rounding of batched evaluation (a near-tie may go the other way).
Whether it pays depends on the CPU: a batch of k+1 tokens must cost less than 1 + accepted single decodes.

llama-cpp-python ships this (`Llama(draft_model=LlamaPromptLookupDecoding())`) but forces `logits_all=True`
for it: logits for every prompt token (slower prefill, the first-token cost) and an n_ctx x n_vocab score
buffer (1.2 GB for Qwen2.5 at n_ctx=2048). This loop asks for logits only where it needs them: the last prompt
token, and each position of a draft being verified.

The loop talks to the model through `DecodeSession` (implemented for llama_cpp.Llama by `LlamaSession`; tests
use a fake), and reports what happened per request in `GenerationStats`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Protocol

import numpy as np

Drafter = Callable[[Sequence[int]], Sequence[int]]


@dataclass
class GenerationStats:
    """What one request cost: prompt size, how much of it came from the KV cache, drafting outcome."""

    prompt_tokens: int = 0
    reused_prefix_tokens: int = 0  # prompt tokens whose KV entries were kept from the previous request
    prefill_s: float = 0.0  # evaluating the rest of the prompt, up to the first token's logits
    generated_tokens: int = 0
    decode_steps: int = 0  # model calls after the prefill
    drafted_tokens: int = 0
    accepted_tokens: int = 0
    draft_s: float = 0.0  # time spent proposing drafts (a draft model's own prefill and decodes)

    @property
    def acceptance_rate(self) -> float | None:
        """Accepted / proposed draft tokens (None when nothing was proposed)."""
        return self.accepted_tokens / self.drafted_tokens if self.drafted_tokens else None

    def as_dict(self) -> dict[str, Any]:
        """Plain dict (for logs and benchmark JSON)."""
        out: dict[str, Any] = asdict(self)
        out["prefill_s"] = round(self.prefill_s, 3)
        out["draft_s"] = round(self.draft_s, 3)
        rate = self.acceptance_rate
        out["acceptance_rate"] = None if rate is None else round(rate, 3)
        return out


class DecodeSession(Protocol):
    """The model as the loop sees it: a KV cache holding `cached` tokens, extended by `decode`."""

    @property
    def cached(self) -> Sequence[int]:
        """Tokens whose KV entries are in the cache, in order."""
        ...

    @property
    def n_ctx(self) -> int:
        """Context size in tokens."""
        ...

    def truncate(self, n: int) -> bool:
        """Keep only the first n cached tokens; False when the cache cannot be cut (caller then resets)."""
        ...

    def decode(self, tokens: Sequence[int], *, all_logits: bool) -> np.ndarray:
        """Append `tokens` to the cache; logits (rows x vocab) of every token, or of the last one only."""
        ...

    def is_eog(self, token: int) -> bool:
        """Whether `token` ends the generation."""
        ...


def prompt_lookup_drafter(max_ngram: int = 3, num_tokens: int = 8) -> Drafter:
    """A drafter proposing up to `num_tokens` tokens that followed the longest (≤ max_ngram) earlier occurrence
    of the context's last n-gram (the reference algorithm, as in llama-cpp-python's LlamaPromptLookupDecoding)."""
    if max_ngram < 1 or num_tokens < 1:
        raise ValueError("max_ngram and num_tokens must be at least 1")

    def draft(context: Sequence[int]) -> Sequence[int]:
        ids = np.asarray(context, dtype=np.int64)
        n = ids.shape[0]
        for size in range(min(max_ngram, n - 1), 0, -1):
            windows = np.lib.stride_tricks.sliding_window_view(ids[:-1], size)  # never the suffix itself
            hits = np.nonzero(np.all(windows == ids[-size:], axis=1))[0]
            if hits.size:
                start = int(hits[0]) + size
                return ids[start:start + num_tokens].tolist()
        return []

    return draft


def model_drafter(session: DecodeSession, num_tokens: int = 4) -> Drafter:
    """A drafter running a smaller model with the same tokenizer (e.g. Qwen2.5 0.5B for the 1.5B) greedily for
    up to `num_tokens` tokens. Its KV cache follows the context: the common prefix with what it holds is kept
    (so its prompt prefill happens once, at the first draft, i.e. after the first token), rejected drafts are
    cut off at the next call. An end-of-generation token ends the draft (the verifier may accept it)."""
    if num_tokens < 1:
        raise ValueError("num_tokens must be at least 1")

    def draft(context: Sequence[int]) -> Sequence[int]:
        if not context or len(context) + num_tokens > session.n_ctx:
            return []
        reuse = min(_common_prefix(session.cached, context), len(context) - 1)
        if not session.truncate(reuse):
            reuse = 0
            session.truncate(0)
        logits = session.decode(context[reuse:], all_logits=False)
        out: list[int] = []
        while True:
            token = int(np.argmax(logits[-1]))
            out.append(token)
            if len(out) >= num_tokens or session.is_eog(token):
                return out
            logits = session.decode([token], all_logits=False)

    return draft


def _common_prefix(a: Sequence[int], b: Sequence[int]) -> int:
    n = min(len(a), len(b))
    if n == 0:
        return 0
    x = np.asarray(a[:n], dtype=np.int64)
    y = np.asarray(b[:n], dtype=np.int64)
    diff = np.nonzero(x != y)[0]
    return int(diff[0]) if diff.size else n


def greedy_generate(
    session: DecodeSession,
    prompt: Sequence[int],
    *,
    max_tokens: int,
    drafter: Drafter | None = None,
    stats: GenerationStats | None = None,
) -> Generator[int, None, None]:
    """Token ids of the greedy continuation of `prompt` (end-of-generation token excluded).

    The KV entries of the longest common prefix with what the session already holds are kept (at least one
    prompt token is always evaluated, for fresh logits). With a drafter, each step decodes the last token plus
    the draft and keeps the draft's longest prefix that greedy decoding agrees with.
    """
    if not prompt:
        raise ValueError("empty prompt")
    if len(prompt) + max_tokens > session.n_ctx:
        raise ValueError(f"Requested tokens ({len(prompt) + max_tokens}) exceed context window of {session.n_ctx}")
    stats = stats if stats is not None else GenerationStats()
    stats.prompt_tokens = len(prompt)
    reuse = min(_common_prefix(session.cached, prompt), len(prompt) - 1)
    if not session.truncate(reuse):
        reuse = 0
        session.truncate(0)
    stats.reused_prefix_tokens = reuse
    started = time.perf_counter()
    logits = session.decode(prompt[reuse:], all_logits=False)
    token = int(np.argmax(logits[-1]))
    stats.prefill_s = time.perf_counter() - started
    produced = 0
    context = list(prompt)
    while True:
        if session.is_eog(token):
            return
        produced += 1
        stats.generated_tokens = produced
        yield token
        context.append(token)
        room = min(max_tokens - produced, session.n_ctx - len(context)) - 1
        if room < 0:
            return
        draft: list[int] = []
        if drafter is not None and room > 0:
            drafting = time.perf_counter()
            draft = list(drafter(context))[:room]
            stats.draft_s += time.perf_counter() - drafting
        base = len(session.cached)
        logits = session.decode([token, *draft], all_logits=bool(draft))
        stats.decode_steps += 1
        stats.drafted_tokens += len(draft)
        accepted = 0
        for i, proposed in enumerate(draft):
            predicted = int(np.argmax(logits[i]))
            if predicted != proposed:
                token = predicted
                break
            accepted += 1
            stats.accepted_tokens += 1
            if session.is_eog(proposed):
                session.truncate(base + 1 + accepted)
                return
            produced += 1
            stats.generated_tokens = produced
            yield proposed
            context.append(proposed)
        else:
            token = int(np.argmax(logits[len(draft)]))
        if accepted < len(draft):
            session.truncate(base + 1 + accepted)


class LlamaSession:
    """`DecodeSession` over a llama_cpp.Llama, keeping its input_ids / n_tokens bookkeeping consistent (so its
    own generate() still finds the prefix we left in the cache, and vice versa)."""

    def __init__(self, llm: Any) -> None:
        self._llm = llm
        self._n_vocab = int(llm.n_vocab())
        model = getattr(llm, "_model", None)
        self._eog = getattr(model, "token_is_eog", None)
        self._eos = int(llm.token_eos())

    @property
    def cached(self) -> Sequence[int]:
        llm = self._llm
        ids: Sequence[int] = llm.input_ids[: llm.n_tokens]
        return ids

    @property
    def n_ctx(self) -> int:
        return int(self._llm.n_ctx())

    def truncate(self, n: int) -> bool:
        llm = self._llm
        if n >= llm.n_tokens:
            return True
        if n == 0:
            llm.reset()
            llm._ctx.kv_cache_seq_rm(-1, 0, -1)
            return True
        if not llm._ctx.kv_cache_seq_rm(-1, n, -1):
            return False
        llm.n_tokens = n
        return True

    def decode(self, tokens: Sequence[int], *, all_logits: bool) -> np.ndarray:
        llm = self._llm
        if not tokens:
            raise ValueError("nothing to decode")
        if all_logits and len(tokens) > llm.n_batch:
            raise ValueError("all_logits over more than one batch is not supported")
        rows = 1
        for i in range(0, len(tokens), llm.n_batch):
            part = list(tokens[i:i + llm.n_batch])
            n_past = llm.n_tokens
            llm._batch.set_batch(batch=part, n_past=n_past, logits_all=all_logits)
            llm._ctx.decode(llm._batch)
            llm.input_ids[n_past:n_past + len(part)] = part
            llm.n_tokens = n_past + len(part)
            rows = len(part) if all_logits else 1
        llm._requires_eval = False
        flat = np.ctypeslib.as_array(llm._ctx.get_logits(), shape=(rows * self._n_vocab,))
        return flat.reshape(rows, self._n_vocab).copy()

    def is_eog(self, token: int) -> bool:
        return bool(self._eog(token)) if self._eog is not None else token == self._eos
