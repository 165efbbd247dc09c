"""Tokens ↔ text for the llama.cpp fast path: the chat prompt as tokens, and generated tokens as text deltas
with stop strings applied (what create_chat_completion does for us on the standard path)."""

from __future__ import annotations

import codecs
from collections.abc import Callable, Generator, Iterable, Sequence
from typing import Any


def chat_formatter(llm: Any) -> Any | None:
    """The GGUF's own chat template as a llama-cpp-python formatter (None when the GGUF has none)."""
    template = llm.metadata.get("tokenizer.chat_template")
    if not template:
        return None
    from llama_cpp import llama_chat_format

    eos_id, bos_id = llm.token_eos(), llm.token_bos()
    eos = llm.detokenize([eos_id], special=True).decode("utf-8", "replace") if eos_id != -1 else ""
    bos = llm.detokenize([bos_id], special=True).decode("utf-8", "replace") if bos_id != -1 else ""
    return llama_chat_format.Jinja2ChatFormatter(template=template, eos_token=eos, bos_token=bos)


def chat_prompt_tokens(llm: Any, messages: Sequence[dict[str, str]], formatter: Any | None = None) -> list[int]:
    """Tokens of the chat prompt, built as create_chat_completion builds it from the GGUF's template."""
    formatter = formatter or chat_formatter(llm)
    if formatter is None:
        raise ValueError("the model has no chat template in its GGUF metadata")
    result = formatter(messages=list(messages))
    tokens: list[int] = llm.tokenize(result.prompt.encode("utf-8"), add_bos=not result.added_special,
                                     special=True)
    return tokens


def _held_back(text: str, stops: Sequence[str]) -> int:
    """Length of the longest suffix of `text` that is a proper prefix of a stop string (may still become one)."""
    best = 0
    for stop in stops:
        for n in range(min(len(stop) - 1, len(text)), best, -1):
            if text.endswith(stop[:n]):
                best = n
                break
    return best


def text_deltas(tokens: Iterable[int], detokenize: Callable[[list[int]], bytes],
                stop: Sequence[str] = ()) -> Generator[str, None, None]:
    """Text deltas of a token stream: UTF-8 decoded incrementally (a character split across tokens waits for
    its last byte); ends before the first stop string, which is never emitted."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    stops = [s for s in stop if s]
    pending = ""
    for token in tokens:
        pending += decoder.decode(detokenize([token]))
        if stops:
            cut = min((i for i in (pending.find(s) for s in stops) if i >= 0), default=-1)
            if cut >= 0:
                if pending[:cut]:
                    yield pending[:cut]
                return
            keep = _held_back(pending, stops)
            ready, pending = pending[: len(pending) - keep], pending[len(pending) - keep:]
        else:
            ready, pending = pending, ""
        if ready:
            yield ready
    pending += decoder.decode(b"", final=True)
    if pending:
        yield pending
