"""Benchmarks of the product on this machine (measurements, not tests): ingest, retrieval, directive
lookup, streaming, the local model, memory, and how retrieval cost grows with the corpus.

`run_bench` builds everything in a temporary directory (fresh data dir and fresh embedding cache, so the cold
ingest is really cold), measures, prints a table beside the targets and writes
eval/results/<YYYY-MM-DD>-bench.json (`-bench-quick.json` for --quick). Times are seconds; p50/p95
interpolate linearly between samples (with ~10 samples p95 is close to the maximum).

- ingest: corpus/ cold (new data dir, new embedding cache: the embedder loads and embeds every chunk),
  warm rerun (same data dir again: every file unchanged) and warm cache (new data dir, the cold run's
  embedding cache).
- search (`Assistant.search`), directive lookup and the time to the `sources` event of
  `Assistant.stream`, over fixed questions written below (not the eval dataset's), after a warm-up.
- unless quick, with the configured model (default: the assembled Qwen2.5-Coder-1.5B GGUF on llama.cpp):
  time to the first model token and to the full answer of each question that takes the model path, the
  answer-cache hit (the same question again), and generation tokens/s through our generator vs raw
  llama.cpp (eval/rawbench.py) on the same prompt. Our generator's tokens are counted by re-tokenising
  its text (greedy output re-tokenises to the same tokens in practice).
- peak RSS (`ru_maxrss`) once the index and the model are loaded: what a serving process holds.
- unless quick, a synthetic corpus recombined from the real documents' sections: as many chunks as fit
  the time budget with real embeddings (ingest time and per-chunk cost measured, the requested size
  extrapolated), and, when that is less than requested, the full size again with approximate vectors
  (real vectors of the corpus chunks plus noise, no embedding model) to measure retrieval at that size.

`python -m eval.bench [--quick] [--synthetic-chunks N] [--synthetic-budget S]` runs it from the shell.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import hashlib
import json
import logging
import math
import os
import platform
import random
import re
import resource
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from eval.machine import cpu_info
from rag.assistant import Assistant
from rag.config import PROJECT_ROOT, Settings
from rag.embeddings import CachedEmbedder
from rag.errors import PlanbotError
from rag.ingest import passage_text
from rag.interfaces import Closes, Embedder, Generator, Loads
from rag.lexicon.sentences import ITEM_ENDS, sentence_pieces

log = logging.getLogger(__name__)

DEFAULT_OUT_DIR = PROJECT_ROOT / "eval" / "results"

# Realistic user questions about the content of one plan (each should take the model path).
QUESTIONS: tuple[str, ...] = (
    "Sở Văn hóa, Thể thao và Du lịch Phú Yên được giao tổ chức những hoạt động tuyên truyền gì?",
    "Kế hoạch tuyên truyền xây dựng Đảng của Liên đoàn Lao động Lai Châu đặt ra mục đích gì?",
    "Mặt trận Khánh Hòa tuyên truyền qua hệ thống loa phát thanh cơ sở và đội truyền thông lưu động ra sao?",
    "Ban Tuyên giáo Tỉnh ủy Hòa Bình đề nghị tuyên truyền những nội dung gì về xây dựng Đảng?",
    "Đề cương tuyên truyền của MTTQ Sóc Trăng nêu kết quả gì về phòng, chống tham nhũng, tiêu cực?",
    "Phú Yên yêu cầu công tác tuyên truyền xây dựng Đảng năm 2021 phải bảo đảm những yêu cầu gì?",
    "Liên đoàn Lao động Lai Châu chỉ đạo đội ngũ báo cáo viên, tuyên truyền viên làm gì?",
    "Ủy ban MTTQ tỉnh Khánh Hòa giao Ban Thường trực những việc gì để triển khai kế hoạch?",
    "MTTQ Sóc Trăng tuyên truyền việc học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh thế nào?",
    "Phú Yên tuyên truyền về xây dựng Đảng trên các trang mạng xã hội như thế nào?",
)

# Directive references the way users type them.
DIRECTIVE_QUERIES: tuple[str, ...] = (
    "21-KL/TW", "nghị quyết 21", "Kết luận 21", "chỉ thị 05", "Quy định 37-QĐ/TW", "nq 28",
    "Nghị quyết 35-NQ/TW", "kl 14", "Quy định 101", "hướng dẫn 122",
)

TARGETS: dict[str, float] = {
    "sources_p50_s": 0.3,
    "first_token_p50_s": 6.0,
    "answer_p50_s": 15.0,
    "no_model_answer_p50_s": 0.5,  # section, metadata, directive, tasks answers (issue 10)
    "generator_overhead": 0.10,
    "peak_rss_gb": 2.0,
}


# ---------------------------------------------------------------- statistics
def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100) with linear interpolation between closest ranks (numpy's default)."""
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= q <= 100:
        raise ValueError(f"percentile {q} outside 0–100")
    xs = sorted(values)
    pos = (len(xs) - 1) * q / 100
    lo = math.floor(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def summarize(values: Sequence[float], digits: int = 4) -> dict[str, float]:
    """n, p50, p95, mean, min and max of timing samples (seconds)."""
    if not values:
        return {"n": 0}
    return {
        "n": len(values),
        "p50": round(percentile(values, 50), digits),
        "p95": round(percentile(values, 95), digits),
        "mean": round(statistics.fmean(values), digits),
        "min": round(min(values), digits),
        "max": round(max(values), digits),
    }


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (Linux reports ru_maxrss in KiB)."""
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(kib / 1024, 1)


def current_rss_mb() -> float | None:
    """Resident set size now (from /proc), in MB; None where /proc is unavailable."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


# ---------------------------------------------------------------- synthetic corpus
_PROVINCES = (
    "Hà Giang", "Cao Bằng", "Lào Cai", "Điện Biên", "Sơn La", "Yên Bái", "Tuyên Quang", "Thái Nguyên",
    "Lạng Sơn", "Quảng Ninh", "Bắc Giang", "Phú Thọ", "Vĩnh Phúc", "Bắc Ninh", "Hải Dương", "Hưng Yên",
    "Thái Bình", "Hà Nam", "Nam Định", "Ninh Bình", "Thanh Hóa", "Nghệ An", "Hà Tĩnh", "Quảng Bình",
    "Quảng Trị", "Quảng Nam", "Quảng Ngãi", "Bình Định", "Ninh Thuận", "Bình Thuận", "Kon Tum", "Gia Lai",
    "Đắk Lắk", "Đắk Nông", "Lâm Đồng", "Bình Phước", "Tây Ninh", "Bình Dương", "Đồng Nai", "Long An",
    "Tiền Giang", "Bến Tre", "Trà Vinh", "Vĩnh Long", "Đồng Tháp", "An Giang", "Kiên Giang", "Hậu Giang",
    "Bạc Liêu", "Cà Mau",
)
_ISSUERS = (
    ("BAN TUYÊN GIÁO TỈNH ỦY", "BTGTU", "TRƯỞNG BAN"),
    ("ỦY BAN MTTQ VIỆT NAM TỈNH", "MTTQ", "CHỦ TỊCH"),
    ("LIÊN ĐOÀN LAO ĐỘNG TỈNH", "LĐLĐ", "CHỦ TỊCH"),
    ("TỈNH ĐOÀN", "TĐTN", "BÍ THƯ"),
    ("HỘI NÔNG DÂN TỈNH", "HND", "CHỦ TỊCH"),
    ("HỘI LIÊN HIỆP PHỤ NỮ TỈNH", "HLHPN", "CHỦ TỊCH"),
    ("SỞ THÔNG TIN VÀ TRUYỀN THÔNG", "STTTT", "GIÁM ĐỐC"),
)
_TOPICS = (
    "Tuyên truyền về công tác xây dựng Đảng và hệ thống chính trị năm {year}",
    "Tuyên truyền kỷ niệm các ngày lễ lớn và sự kiện lịch sử năm {year}",
    "Đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh năm {year}",
    "Thông tin, tuyên truyền về phòng, chống tham nhũng, tiêu cực giai đoạn {year}-{next_year}",
    "Tuyên truyền bảo vệ nền tảng tư tưởng của Đảng trên không gian mạng năm {year}",
    "Tuyên truyền Đại hội Mặt trận Tổ quốc các cấp nhiệm kỳ {year}-{end_year}",
)
_SECTIONS = (
    "MỤC ĐÍCH, YÊU CẦU", "NỘI DUNG TUYÊN TRUYỀN", "HÌNH THỨC TUYÊN TRUYỀN", "TỔ CHỨC THỰC HIỆN",
    "KINH PHÍ THỰC HIỆN", "CHẾ ĐỘ BÁO CÁO",
)
_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")
_SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi", "Đỗ", "Lò", "Hà")
_GIVEN = ("Văn Hùng", "Thị Lan", "Minh Tuấn", "Thị Hoa", "Quốc Bảo", "Thanh Sơn", "Văn Thắng", "Thị Mai")
_LEAD_RE = re.compile(r"^\s*(?:[IVX]+\s*[.\-–:]|\d{1,2}(?:\.\d{1,2})*[.)]?|[a-zđ][)/]|[-–—•+*])\s*")


@dataclass
class SyntheticCorpus:
    """What `synthetic_corpus` wrote: the files and the number of chunks the pipeline makes of them."""

    files: list[Path] = field(default_factory=list)
    chunks: int = 0


def _passages(sources: Sequence[Path]) -> list[str]:
    """Body paragraphs of the real documents (numbering stripped), from the pipeline's own chunks."""
    from rag.parsing import parse_document

    out: list[str] = []
    for path in sources:
        for chunk in parse_document(path.name, path.read_bytes(), doc_id=path.stem).chunks:
            if chunk.kind not in ("body", "annex"):
                continue
            for line in chunk.text.splitlines():
                line = _LEAD_RE.sub("", line.strip()).strip()
                if len(line) >= 80 and not line.isupper():
                    out.append(line)
    return out


def _splice(rng: random.Random, passages: Sequence[str], max_chars: int = 900) -> str:
    """A paragraph made of the start of one real paragraph and the end of another."""
    first = sentence_pieces(rng.choice(passages), ITEM_ENDS)
    second = sentence_pieces(rng.choice(passages), ITEM_ENDS)
    head = first[: max(1, (len(first) + 1) // 2)]
    tail = second[len(second) // 2:] or second
    text = " ".join(head + tail)
    if len(text) > max_chars:
        cut = text.rfind(" ", 0, max_chars)
        text = text[: cut if cut > 0 else max_chars].rstrip(",;: ") + "."
    return text


def _synthetic_plan(rng: random.Random, passages: Sequence[str], n: int, items: int) -> str:
    """One plan shaped like the real ones: header, title, Roman sections of numbered items, signature."""
    province = rng.choice(_PROVINCES)
    issuer, code, title = rng.choice(_ISSUERS)
    year = rng.randint(2019, 2025)
    topic = rng.choice(_TOPICS).format(year=year, next_year=year + 1, end_year=year + 5)
    day, month = rng.randint(1, 28), rng.randint(1, 12)
    lines = [
        f"{issuer} {province.upper()}", "", f"Số: {100 + n}/KH-{code}", "",
        f"{province}, ngày {day:02d} tháng {month} năm {year}", "", "KẾ HOẠCH", "", topic, "",
        f"Căn cứ chương trình công tác năm {year}, {issuer.capitalize()} {province} ban hành kế hoạch "
        "triển khai thực hiện như sau:", "",
    ]
    n_sections = rng.randint(4, len(_SECTIONS))
    per_section = [items // n_sections + (1 if i < items % n_sections else 0) for i in range(n_sections)]
    for i, count in enumerate(per_section):
        lines += [f"{_ROMAN[i]}. {_SECTIONS[i]}", ""]
        for j in range(max(1, count)):
            lines += [f"{j + 1}. {_splice(rng, passages)}", ""]
    signer = f"{rng.choice(_SURNAMES)} {rng.choice(_GIVEN)}"
    lines += [
        "Nơi nhận:", "- Ban Tuyên giáo Trung ương;", f"- Thường trực Tỉnh ủy {province};", "- Lưu VT.", "",
        f"T/M {issuer}", title, "(Đã ký)", "", signer, "",
    ]
    return "\n".join(lines)


def _count_chunks(path: Path) -> int:
    from rag.parsing import parse_document

    return len(parse_document(path.name, path.read_bytes(), doc_id=path.stem).chunks)


def synthetic_corpus(
    sources: Sequence[Path], out_dir: Path, *, chunks: int, chunks_per_doc: int = 25, seed: int = 0
) -> SyntheticCorpus:
    """Write synthetic plans (.txt) recombined from the real documents' paragraphs until the pipeline
    would make at least `chunks` chunks of them (~`chunks_per_doc` each: 10,000 → ~400 plans).
    Deterministic for a seed."""
    if chunks <= 0:
        raise ValueError("chunks must be positive")
    passages = _passages(sources)
    if not passages:
        raise ValueError("the source documents have no body paragraphs to recombine")
    rng = random.Random(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    corpus = SyntheticCorpus()
    n = 0
    while corpus.chunks < chunks:
        # ~4 chunks are not items: header, preamble, recipients, signature.
        items = max(2, min(chunks_per_doc, chunks - corpus.chunks) - 4)
        path = out_dir / f"ke-hoach-tong-hop-{n:04d}.txt"
        path.write_text(_synthetic_plan(rng, passages, n, items), encoding="utf-8")
        corpus.files.append(path)
        corpus.chunks += _count_chunks(path)
        n += 1
    return corpus


# ---------------------------------------------------------------- instrumentation
@dataclass
class _Call:
    messages: list[dict[str, str]]
    started: float
    stamps: list[float] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self.parts)


class TimedGenerator:
    """Wraps a Generator and records each call's prompt and the arrival time of every text delta."""

    def __init__(self, inner: Generator) -> None:
        self.inner = inner
        self.name = inner.name
        self.calls: list[_Call] = []

    def load(self) -> Any:
        """Load the inner model now when it supports it (Assistant.warm_up calls this)."""
        return self.inner.load() if isinstance(self.inner, Loads) else None

    def stream(
        self, messages: Sequence[dict[str, str]], *, max_tokens: int, stop: Sequence[str] = ()
    ) -> Iterator[str]:
        """The inner stream, timed."""
        call = _Call(messages=[dict(m) for m in messages], started=time.perf_counter())
        self.calls.append(call)
        return self._timed(self.inner.stream(messages, max_tokens=max_tokens, stop=stop), call)

    @staticmethod
    def _timed(deltas: Iterator[str], call: _Call) -> Iterator[str]:
        try:
            for delta in deltas:
                call.stamps.append(time.perf_counter())
                call.parts.append(delta)
                yield delta
        finally:
            if isinstance(deltas, Closes):
                deltas.close()


class ApproxEmbedder:
    """Passages: a real corpus vector chosen by the text's hash plus hash-seeded noise (no model);
    queries: the real embedder. For measuring retrieval cost at a corpus size too large to embed here."""

    def __init__(self, base: Sequence[Sequence[float]], query_embedder: Embedder, noise: float = 0.3) -> None:
        self._base = np.asarray(base, dtype=np.float32)
        if self._base.ndim != 2 or not len(self._base):
            raise ValueError("ApproxEmbedder needs at least one base vector")
        self._query = query_embedder
        self._noise = noise
        self.dim = int(self._base.shape[1])
        self.name = f"approx:{query_embedder.name}"

    def embed_batch(self, texts: Sequence[str], *, is_query: bool = False) -> list[list[float]]:
        """Real vectors for queries, approximate ones for passages."""
        if is_query:
            return self._query.embed_batch(texts, is_query=True)
        out = []
        for text in texts:
            h = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")
            rng = np.random.default_rng(h)
            noise = rng.standard_normal(self.dim).astype(np.float32) * (self._noise / math.sqrt(self.dim))
            vec = self._base[h % len(self._base)] + noise
            out.append((vec / np.linalg.norm(vec)).tolist())
        return out


# ---------------------------------------------------------------- measurements
def _timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def _bench_settings(settings: Settings, data_dir: Path, **extra: Any) -> Settings:
    """The given settings with a private data dir, a local Chroma and the default embedding cache location."""
    update: dict[str, Any] = {"data_dir": data_dir, "chroma_url": None, "embed_cache_path": None}
    update.update(extra)
    return settings.model_copy(update=update)


def _time_to_sources(assistant: Assistant, question: str) -> float:
    """Seconds from calling stream() to its `sources` event (the stream is closed there: no model call)."""
    started = time.perf_counter()
    with assistant.stream(question) as events, contextlib.suppress(PlanbotError):  # a failure ends it too
        for event in events:
            if event.type == "sources":
                break
    return time.perf_counter() - started


def _measure_interactive(assistant: Assistant, questions: Sequence[str], directive_queries: Sequence[str],
                         rounds: int) -> dict[str, Any]:
    """search, directive lookup and time to sources (after a warm-up)."""
    assistant.warm_up(model=False)
    assistant.search(questions[0])
    assistant.lookup_directive(directive_queries[0])
    search: list[float] = []
    hybrid: list[float] = []
    lookup: list[float] = []
    sources: list[float] = []
    found = 0
    k = assistant.settings.top_k
    for _ in range(max(1, rounds)):
        for q in questions:
            search.append(_timed(lambda q=q: assistant.search(q)))  # type: ignore[misc]
            hybrid.append(_timed(lambda q=q: assistant.retriever.search(q, k=k)))  # type: ignore[misc]
        for q in directive_queries:
            started = time.perf_counter()
            records = assistant.lookup_directive(q)
            lookup.append(time.perf_counter() - started)
            found += bool(records)
        for q in questions:
            sources.append(_time_to_sources(assistant, q))
    return {
        "search": summarize(search),
        "retriever_search": summarize(hybrid),
        "directive_lookup": {**summarize(lookup), "found": found, "queries": len(lookup)},
        "sources": summarize(sources),
    }


def _count_tokens(llm: Any, text: str) -> int | None:
    if llm is None or not text:
        return None
    return len(llm.tokenize(text.encode("utf-8"), add_bos=False, special=False))


def _decode_rate(tokens: int | None, call: _Call) -> float | None:
    """Generation tokens/s after the first token (the prefill is excluded)."""
    if not tokens or tokens < 2 or len(call.stamps) < 2:
        return None
    span = call.stamps[-1] - call.stamps[0]
    return round((tokens - 1) / span, 2) if span > 0 else None


def _measure_model(assistant: Assistant, timed: TimedGenerator, settings: Settings, model_path: Path | None,
                   questions: Sequence[str], overhead_repeats: int) -> dict[str, Any]:
    """Answers through the assistant (first token, full answer, cache hit); our generator vs raw."""
    load_s = _timed(timed.load)
    llm = timed.load() if settings.llm_backend == "llamacpp" else None
    rows: list[dict[str, Any]] = []
    ttft: list[float] = []
    full: list[float] = []
    cache_hits: list[float] = []
    rates: list[float] = []
    for q in questions:
        calls_before = len(timed.calls)
        started = time.perf_counter()
        first: float | None = None
        answer = None
        error = None
        try:
            for event in assistant.stream(q):
                if event.type == "token" and first is None and len(timed.calls) > calls_before:
                    first = time.perf_counter() - started
                elif event.type == "done":
                    answer = event.answer
        except PlanbotError as exc:  # recorded in the row; the run goes on
            error = {"code": exc.code, "message": exc.user_message}
        total = time.perf_counter() - started
        row: dict[str, Any] = {"question": q, "mode": answer.mode if answer else None, "error": error,
                               "total_s": round(total, 3)}
        if len(timed.calls) > calls_before:
            call = timed.calls[-1]
            tokens = _count_tokens(llm, call.text)
            rate = _decode_rate(tokens, call)
            row.update(model=True, first_token_s=round(first, 3) if first is not None else None,
                       generated_tokens=tokens, generation_tok_s=rate,
                       engine_timings_ms=answer.timings_ms if answer else None)
            full.append(total)
            if first is not None:
                ttft.append(first)
            if rate:
                rates.append(rate)
        else:
            row["model"] = False
        hit = _timed(lambda q=q: assistant.ask(q))  # type: ignore[misc]
        row["cache_hit_s"] = round(hit, 5)
        cache_hits.append(hit)
        rows.append(row)
        log.info("bench answer %s", row)
    structural = [r["total_s"] for r in rows if not r.get("model") and r.get("mode") not in (None, "refused")]
    result: dict[str, Any] = {
        "backend": settings.llm_backend, "model": str(model_path) if model_path else settings.llm_model,
        "no_model_answer": summarize(structural),
        "no_model_modes": sorted({r["mode"] for r in rows if not r.get("model") and r.get("mode")}),
        "model_load_s": round(load_s, 2), "questions": len(questions), "model_path_answers": len(full),
        "first_token": summarize(ttft), "answer": summarize(full), "cache_hit": summarize(cache_hits, 6),
        "generation_tok_s_in_answers": summarize(rates, 2), "per_question": rows,
    }
    result["overhead"] = _measure_overhead(timed, settings, model_path, llm, overhead_repeats)
    return result


def _measure_overhead(timed: TimedGenerator, settings: Settings, model_path: Path | None, llm: Any,
                      repeats: int) -> dict[str, Any]:
    """Decode tokens/s of LlamaCppGenerator.stream vs raw llama.cpp on one prompt (the longest answer's)."""
    if llm is None or model_path is None:
        return {"skipped": f"raw llama.cpp comparison needs llm_backend=llamacpp (is {settings.llm_backend})"}
    calls = [c for c in timed.calls if c.parts]
    if not calls:
        return {"skipped": "no model call to take the prompt from"}
    from eval.rawbench import raw_llamacpp_tokens_per_second

    call = max(calls, key=lambda c: len(c.text))
    ours: list[float] = []
    raw: list[float] = []
    raw_runs: list[dict[str, float | int]] = []
    for _ in range(max(1, repeats)):
        probe = TimedGenerator(timed.inner)
        for _delta in probe.stream(call.messages, max_tokens=settings.llm_max_tokens, stop=["\n\n\n"]):
            pass
        rate = _decode_rate(_count_tokens(llm, probe.calls[0].text), probe.calls[0])
        if rate:
            ours.append(rate)
        run = raw_llamacpp_tokens_per_second(model_path, call.messages, settings.llm_max_tokens,
                                             settings.llm_threads, n_ctx=settings.llm_ctx, llm=llm)
        raw_runs.append(run)
        raw.append(float(run["generation_tok_s"]))
    ours_tok_s = statistics.median(ours) if ours else 0.0
    raw_tok_s = statistics.median(raw) if raw else 0.0
    return {
        "prompt_tokens": raw_runs[-1]["prompt_tokens"],
        "ours_tok_s": round(ours_tok_s, 2), "raw_tok_s": round(raw_tok_s, 2),
        "ours_runs": ours, "raw_runs": raw_runs,
        "overhead": round(1 - ours_tok_s / raw_tok_s, 4) if raw_tok_s else None,
    }


def _ingest_timed(assistant: Assistant, paths: Sequence[Path]) -> tuple[float, Any]:
    started = time.perf_counter()
    report = assistant.ingest(paths)
    return time.perf_counter() - started, report


def _retrieval_at_scale(assistant: Assistant, questions: Sequence[str]) -> dict[str, Any]:
    """First search after ingest (snapshot and BM25 built), then Assistant.search and one hybrid retrieval."""
    first = _timed(lambda: assistant.search(questions[0]))
    k = assistant.settings.top_k
    samples = [_timed(lambda q=q: assistant.search(q)) for q in questions]  # type: ignore[misc]
    hybrid = [_timed(lambda q=q: assistant.retriever.search(q, k=k)) for q in questions]  # type: ignore[misc]
    return {"first_search_s": round(first, 3), "search": summarize(samples),
            "retriever_search": summarize(hybrid)}


def _measure_synthetic(settings: Settings, work: Path, sources: Sequence[Path], cold: Assistant,
                       per_chunk_s: float, requested: int, budget_s: float,
                       questions: Sequence[str]) -> dict[str, Any]:
    """Real-embedding ingest of as many synthetic chunks as fit the budget, then the full size if needed with
    approximate vectors."""
    inner: Embedder = getattr(cold.embedder, "inner", cold.embedder)
    feasible = int(budget_s / per_chunk_s) if per_chunk_s > 0 else requested
    n_real = max(1, min(requested, feasible))
    result: dict[str, Any] = {"requested_chunks": requested, "budget_s": budget_s,
                              "estimated_s_per_chunk_from_cold_ingest": round(per_chunk_s, 4)}

    corpus = synthetic_corpus(sources, work / "synthetic-real", chunks=n_real)
    data = work / "data-synthetic-real"
    s = _bench_settings(settings, data)
    assistant = Assistant(s, embedder=CachedEmbedder(inner, data / "embeddings.sqlite3"))
    seconds, report = _ingest_timed(assistant, corpus.files)
    real: dict[str, Any] = {"documents": report.documents, "chunks": report.chunks,
                            "ingest_s": round(seconds, 1),
                            "s_per_chunk": round(seconds / max(1, report.chunks), 4),
                            "chunks_per_s": round(report.chunks / seconds, 2) if seconds > 0 else None}
    real.update(_retrieval_at_scale(assistant, questions))
    real["extrapolated_ingest_s_for_requested"] = round(real["s_per_chunk"] * requested, 0)
    result["real_embeddings"] = real
    del assistant
    gc.collect()

    if report.chunks < requested:
        base = cold.embedder.embed_batch([passage_text(c, header=settings.embed_doc_header)
                                          for c in cold.catalog.chunks()])
        corpus = synthetic_corpus(sources, work / "synthetic-approx", chunks=requested, seed=1)
        data = work / "data-synthetic-approx"
        approx = Assistant(_bench_settings(settings, data), embedder=ApproxEmbedder(base, inner))
        seconds, report = _ingest_timed(approx, corpus.files)
        entry: dict[str, Any] = {"documents": report.documents, "chunks": report.chunks,
                                 "ingest_s_without_embedding": round(seconds, 1),
                                 "note": "passage vectors approximated (no embedding model); "
                                         "queries embedded"}
        entry.update(_retrieval_at_scale(approx, questions))
        result["approx_vectors"] = entry
        del approx
        gc.collect()
    return result


# ---------------------------------------------------------------- report
def _target_rows(results: dict[str, Any]) -> list[tuple[str, str, str, bool | None]]:
    """(label, measured, target, met) rows for the summary table."""
    rows: list[tuple[str, str, str, bool | None]] = []

    def sec(v: float | None) -> str:
        return "—" if v is None else (f"{v * 1000:.0f} ms" if v < 1 else f"{v:.2f} s")

    ing = results["ingest"]
    rows.append((f"Ingest cold ({ing['chunks']} chunks)", sec(ing["cold_s"]), "", None))
    rows.append(("Ingest again (unchanged)", sec(ing["warm_rerun_s"]), "", None))
    rows.append(("Ingest into a new data dir, embeddings cached", sec(ing["warm_cache_s"]), "", None))
    for key, label in (("search", "Assistant.search"), ("retriever_search", "Hybrid retrieval (one pass)"),
                       ("directive_lookup", "Directive lookup")):
        m = results[key]
        rows.append((f"{label} p50 / p95", f"{sec(m.get('p50'))} / {sec(m.get('p95'))}", "", None))
    src = results["sources"]
    rows.append(("Time to sources event p50 / p95", f"{sec(src.get('p50'))} / {sec(src.get('p95'))}",
                 f"≤ {TARGETS['sources_p50_s']} s", src.get("p50", math.inf) <= TARGETS["sources_p50_s"]))
    model = results.get("model")
    if isinstance(model, dict) and "first_token" in model:
        ft, ans = model["first_token"], model["answer"]
        rows.append((f"First token p50 / p95 ({ft.get('n', 0)} questions)",
                     f"{sec(ft.get('p50'))} / {sec(ft.get('p95'))}",
                     f"≤ {TARGETS['first_token_p50_s']:.0f} s",
                     ft.get("p50", math.inf) <= TARGETS["first_token_p50_s"] if ft.get("n") else None))
        rows.append(("Full answer p50 / p95", f"{sec(ans.get('p50'))} / {sec(ans.get('p95'))}",
                     f"≤ {TARGETS['answer_p50_s']:.0f} s",
                     ans.get("p50", math.inf) <= TARGETS["answer_p50_s"] if ans.get("n") else None))
        nm = model.get("no_model_answer", {})
        if nm.get("n"):
            rows.append((f"Answer without the model p50 / p95 ({nm['n']} questions: "
                         f"{', '.join(model.get('no_model_modes', []))})",
                         f"{sec(nm.get('p50'))} / {sec(nm.get('p95'))}", f"≤ {TARGETS['no_model_answer_p50_s']} s",
                         nm["p50"] <= TARGETS["no_model_answer_p50_s"]))
        ov = model["overhead"]
        if "overhead" in ov and ov["overhead"] is not None:
            rows.append((f"Generation ours / raw llama.cpp ({ov['prompt_tokens']}-token prompt)",
                         f"{ov['ours_tok_s']} / {ov['raw_tok_s']} tok/s → {ov['overhead']:+.1%}",
                         f"≤ {TARGETS['generator_overhead']:.0%}",
                         ov["overhead"] <= TARGETS["generator_overhead"]))
        else:
            rows.append(("Generator overhead vs raw llama.cpp", ov.get("skipped", "—"), "", None))
        rows.append(("Cached answer p50", sec(model["cache_hit"].get("p50")), "", None))
        rows.append(("Model load", sec(model["model_load_s"]), "", None))
    else:
        rows.append(("Model", "skipped (--quick)", "", None))
    mem = results["memory"]
    label = "Peak RSS (index + model)" if mem["model_loaded"] else "Peak RSS (index, no model)"
    rows.append((label, f"{mem['peak_rss_mb'] / 1024:.2f} GB", f"≤ {TARGETS['peak_rss_gb']:.0f} GB",
                 mem["peak_rss_mb"] / 1024 <= TARGETS["peak_rss_gb"]))
    syn = results.get("synthetic")
    if isinstance(syn, dict) and "real_embeddings" in syn:
        real = syn["real_embeddings"]
        rows.append((f"Synthetic {real['chunks']} chunks: ingest", f"{sec(real['ingest_s'])} "
                     f"({real['chunks_per_s']} chunks/s)", "", None))
        rows.append((f"Synthetic {real['chunks']} chunks: search / retrieval p50",
                     f"{sec(real['search'].get('p50'))} / {sec(real['retriever_search'].get('p50'))}",
                     "", None))
        rows.append((f"Estimated ingest of {syn['requested_chunks']} chunks",
                     sec(real["extrapolated_ingest_s_for_requested"]), "", None))
        approx = syn.get("approx_vectors")
        if approx:
            rows.append((f"Synthetic {approx['chunks']} chunks (approx. vectors): search / retrieval p50",
                         f"{sec(approx['search'].get('p50'))} / {sec(approx['retriever_search'].get('p50'))}",
                         "", None))
            rows.append((f"Synthetic {approx['chunks']} chunks: first search after ingest",
                         sec(approx["first_search_s"]), "", None))
            rows.append((f"Synthetic {approx['chunks']} chunks: ingest without embedding",
                         sec(approx["ingest_s_without_embedding"]), "", None))
    else:
        rows.append(("Synthetic corpus", "skipped", "", None))
    return rows


def print_bench(results: dict[str, Any]) -> None:
    """The summary table beside the targets (rich)."""
    from rich.console import Console
    from rich.table import Table

    load = results["machine"]
    table = Table(title=f"Benchmark — {results['date']} — {load['cpus']} CPU, load "
                        f"{load['load_avg_start'][0]:.1f} → {load['load_avg_end'][0]:.1f}")
    table.add_column("Measure")
    table.add_column("Result", justify="right")
    table.add_column("Target", justify="right")
    table.add_column("Met", justify="center")
    for label, value, target, met in _target_rows(results):
        table.add_row(label, value, target, "" if met is None else ("✓" if met else "✗"))
    console = Console()
    console.print(table)
    console.print(f"Details: {results['path']}")


# ---------------------------------------------------------------- entry point
def run_bench(
    settings: Settings,
    *,
    quick: bool = False,
    out_dir: Path = DEFAULT_OUT_DIR,
    corpus_dir: Path | None = None,
    synthetic_chunks: int = 10_000,
    synthetic_budget_s: float = 600.0,
    rounds: int = 2,
    overhead_repeats: int = 2,
    questions: Sequence[str] = QUESTIONS,
    directive_queries: Sequence[str] = DIRECTIVE_QUERIES,
    show: bool = True,
) -> dict[str, Any]:
    """Measure everything described in the module docstring; print the table, write and return the results.

    quick: no model and no synthetic corpus. synthetic_chunks=0 skips the synthetic corpus too.
    """
    from rag.ingest import iter_files

    corpus = corpus_dir or settings.corpus_dir
    sources = [p for p in iter_files([corpus]) if p.suffix.lower() in (".txt", ".md", ".docx", ".pdf")]
    results: dict[str, Any] = {
        "date": date.today().isoformat(), "quick": quick,
        "machine": {"cpus": os.cpu_count(), "load_avg_start": list(os.getloadavg()),
                    "platform": platform.platform(), "python": platform.python_version()},
        "settings": {"embed_backend": settings.embed_backend, "llm_backend": settings.llm_backend,
                     "llm_model_package": settings.llm_model_package, "llm_threads": settings.llm_threads,
                     "llm_ctx": settings.llm_ctx, "llm_max_tokens": settings.llm_max_tokens,
                     "top_k": settings.top_k},
        "corpus": {"dir": str(corpus), "files": len(sources)},
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{results['date']}-bench{'-quick' if quick else ''}.json"
    results["path"] = str(path)

    def save() -> None:
        """Write what is measured so far (a long run that fails late keeps its earlier stages)."""
        path.write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str), encoding="utf-8")

    with tempfile.TemporaryDirectory(prefix="planbot-bench-", ignore_cleanup_errors=True) as tmp:
        work = Path(tmp)
        model_path: Path | None = None
        extra: dict[str, Any] = {}
        if not quick and settings.llm_backend == "llamacpp":
            from rag.llm.assets import ensure_model

            model_path = ensure_model(settings)  # in the configured data dir: never re-assembled per run
            extra["llm_model_path"] = model_path
        timed: TimedGenerator | None = None
        if not quick:
            from rag.llm.factory import build_generator

            timed = TimedGenerator(build_generator(_bench_settings(settings, work / "data", **extra)))

        # Ingest: cold, rerun, fresh index with a warm embedding cache.
        cold_settings = _bench_settings(settings, work / "data", **extra)
        assistant = Assistant(cold_settings, generator=timed)
        cold_s, report = _ingest_timed(assistant, [corpus])
        rerun_s, _ = _ingest_timed(assistant, [corpus])
        warm_dir = work / "data-warm"
        warm_cache = work / "data" / "embeddings.sqlite3"
        warm = Assistant(_bench_settings(settings, warm_dir, embed_cache_path=warm_cache))
        warm_s, _ = _ingest_timed(warm, [corpus])
        del warm
        gc.collect()
        results["corpus"].update(documents=report.documents, chunks=report.chunks,
                                 directives=report.directives)
        results["ingest"] = {"cold_s": round(cold_s, 2), "warm_rerun_s": round(rerun_s, 3),
                             "warm_cache_s": round(warm_s, 2), "chunks": report.chunks,
                             "cold_s_per_chunk": round(cold_s / max(1, report.chunks), 4),
                             "skipped": report.skipped}

        save()
        results.update(_measure_interactive(assistant, questions, directive_queries, rounds))
        save()
        if timed is not None:
            results["model"] = _measure_model(assistant, timed, cold_settings, model_path, questions,
                                              overhead_repeats)
        else:
            results["model"] = {"skipped": "quick"}
        results["memory"] = {"peak_rss_mb": peak_rss_mb(), "rss_now_mb": current_rss_mb(),
                             "model_loaded": timed is not None,
                             "note": "ru_maxrss after ingest, index, embedder"
                                     + (" and model" if timed else "")}
        save()

        if quick or synthetic_chunks <= 0:
            results["synthetic"] = {"skipped": "quick" if quick else "synthetic_chunks=0"}
        else:
            per_chunk = cold_s / max(1, report.chunks)
            results["synthetic"] = _measure_synthetic(settings, work, sources, assistant, per_chunk,
                                                      synthetic_chunks, synthetic_budget_s, questions)
    results["machine"]["load_avg_end"] = list(os.getloadavg())
    results["machine"]["cpu"] = cpu_info()
    save()
    if show:
        print_bench(results)
    return results


def main(argv: Sequence[str] | None = None) -> None:
    """`python -m eval.bench [--quick] [--synthetic-chunks N] [--synthetic-budget S] [--out-dir DIR]`."""
    parser = argparse.ArgumentParser(description="Benchmark the assistant on this machine.")
    parser.add_argument("--quick", action="store_true", help="skip the model and the synthetic corpus")
    parser.add_argument("--synthetic-chunks", type=int, default=10_000,
                        help="synthetic corpus size (0 = skip)")
    parser.add_argument("--synthetic-budget", type=float, default=600.0,
                        help="seconds of real embedding allowed for the synthetic corpus")
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT_DIR)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    run_bench(Settings(), quick=args.quick, out_dir=args.out_dir, synthetic_chunks=args.synthetic_chunks,
              synthetic_budget_s=args.synthetic_budget)


if __name__ == "__main__":
    main()
