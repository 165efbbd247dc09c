"""llama.cpp micro-benchmark on this CPU: prefill and decode rates per thread count and weight repacking, and the
cost of a batched verify step (what speculative decoding must beat), main and draft model.

Configurations are interleaved round by round (A B C D, B C D A, …) so that load from other processes hits all
of them alike; medians are reported. The prompt is real: the chat prompt of the first bench question that
reaches the model over an ingested data dir (PLANBOT_DATA_DIR), else the answer template's worked example.

`python -m eval.llama_micro [--rounds 3] [--threads 1,2] [--draft]` prints a JSON summary and a markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Sequence
from typing import Any

from rag.config import PROJECT_ROOT, Settings
from rag.llm.assets import ensure_model
from rag.llm.llamacpp import load_llama
from rag.llm.speculative import LlamaSession


def _timed(fn: Any, cpu: list[float] | None = None) -> float:
    """Wall seconds of fn(); its process CPU seconds are appended to `cpu` (on a shared machine, tokens per CPU
    second approximate the rate of an idle one at 1 thread, cache contention aside)."""
    c, t = time.process_time(), time.perf_counter()
    fn()
    if cpu is not None:
        cpu.append(time.process_time() - c)
    return time.perf_counter() - t


def measure(llm: Any, tokens: Sequence[int], threads: int, *, prefill: int, decode: int,
            verify: int) -> dict[str, float]:
    """Seconds for: `prefill` tokens in one batch (cold cache), `decode` single-token steps, and a verify batch
    of `verify` tokens after the same context."""
    llm._ctx.set_n_threads(threads, threads)
    session = LlamaSession(llm)
    session.truncate(0)
    pre_cpu: list[float] = []
    step_cpu: list[float] = []
    pre = _timed(lambda: session.decode(tokens[:prefill], all_logits=False), pre_cpu)
    base = len(session.cached)
    steps = []
    for i in range(decode):
        steps.append(_timed(lambda i=i: session.decode([tokens[prefill + i]], all_logits=False), step_cpu))
    session.truncate(base)
    batch = list(tokens[prefill:prefill + verify])
    ver = _timed(lambda: session.decode(batch, all_logits=True))
    return {"prefill_tok_s": prefill / pre, "decode_tok_s": 1 / statistics.median(steps),
            "verify_over_decode": ver / statistics.median(steps),
            "prefill_tok_cpu_s": prefill / pre_cpu[0], "decode_tok_cpu_s": len(step_cpu) / sum(step_cpu)}


def _prompt(settings: Settings, llm: Any) -> list[int]:
    from eval.bench import QUESTIONS
    from eval.speed import capture
    from rag.llm.textstream import chat_prompt_tokens

    try:
        captured = [c for c in capture(settings, [("bench", q, []) for q in QUESTIONS]) if c.prompts]
    except Exception:  # no ingested data: fall back to the template alone
        captured = []
    if captured:
        return chat_prompt_tokens(llm, captured[0].prompts[0]["messages"])
    tokens: list[int] = llm.tokenize((PROJECT_ROOT / "prompts" / "answer.txt").read_bytes())  # no data dir
    return tokens


def run(settings: Settings, *, rounds: int, threads: Sequence[int], draft: bool, prefill: int,
        decode: int = 16) -> dict[str, Any]:
    """Median rates per (model, repack, threads) configuration over interleaved rounds."""
    models: dict[str, Any] = {}
    main_path = ensure_model(settings)
    for repack in (False, True):
        models[f"1.5B repack={'on' if repack else 'off'}"] = load_llama(
            main_path, n_ctx=2048, n_threads=threads[0], repack=repack)
    if draft:
        draft_path = ensure_model(settings.model_copy(update={"llm_model_package": "qwen2.5-coder-0.5b",
                                                              "llm_model_path": None}))
        for repack in (False, True):
            models[f"0.5B repack={'on' if repack else 'off'}"] = load_llama(
                draft_path, n_ctx=2048, n_threads=threads[0], repack=repack)
    tokens = _prompt(settings, next(iter(models.values())))
    tokens = (tokens * (1 + (prefill + 40) // len(tokens)))[: prefill + 40]
    configs = [(name, n) for name in models for n in threads]
    samples: dict[str, list[dict[str, float]]] = {f"{name}, {n} thr": [] for name, n in configs}
    for r in range(rounds):
        shift = r % len(configs)
        for name, n in configs[shift:] + configs[:shift]:
            row = measure(models[name], tokens, n, prefill=prefill, decode=decode, verify=5)
            samples[f"{name}, {n} thr"].append(row)
            print(json.dumps({"config": f"{name}, {n} thr", "load_1m": os.getloadavg()[0],
                              **{k: round(v, 2) for k, v in row.items()}}), flush=True)
    for llm in models.values():
        llm.close()
    return {key: {m: round(statistics.median(s[m] for s in rows), 2) for m in rows[0]}
            for key, rows in samples.items()}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="llama.cpp prefill/decode/verify rates on this CPU.")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--prefill", type=int, default=300, help="prompt tokens prefilled in one batch")
    parser.add_argument("--decode", type=int, default=16, help="single-token decode steps timed")
    parser.add_argument("--draft", action="store_true", help="also the 0.5B draft model")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    load = os.getloadavg()
    out = run(Settings(), rounds=args.rounds, threads=[int(t) for t in args.threads.split(",")],
              draft=args.draft, prefill=args.prefill, decode=args.decode)
    print(json.dumps({"load_start": load, "load_end": os.getloadavg(),
                      "runtime_s": round(time.perf_counter() - started, 1), "medians": out}, indent=1))
    print("| config | prefill tok/s | decode tok/s | verify(5) / decode | prefill tok/CPU-s | decode tok/CPU-s |")
    print("|---|---|---|---|---|---|")
    for key, v in out.items():
        print(f"| {key} | {v['prefill_tok_s']} | {v['decode_tok_s']} | {v['verify_over_decode']} | "
              f"{v['prefill_tok_cpu_s']} | {v['decode_tok_cpu_s']} |")


if __name__ == "__main__":
    main()
