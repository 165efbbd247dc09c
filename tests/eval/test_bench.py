"""eval/bench.py: the quick benchmark end to end on a tiny corpus and its pure helpers (no timing asserts)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

from eval.bench import (
    QUESTIONS,
    ApproxEmbedder,
    TimedGenerator,
    percentile,
    summarize,
    synthetic_corpus,
)
from rag.types import Answer, StreamEvent
from tests.conftest import make_settings

TINY_PLAN = """ỦY BAN MTTQ VIỆT NAM TỈNH THỬ NGHIỆM

Số: 12/KH-MTTQ

Thử Nghiệm, ngày 05 tháng 3 năm 2024

KẾ HOẠCH

Tuyên truyền về công tác xây dựng Đảng năm 2024

I. MỤC ĐÍCH, YÊU CẦU

1. Nâng cao nhận thức của cán bộ, đoàn viên, hội viên và Nhân dân về công tác xây dựng Đảng, xây dựng \
hệ thống chính trị trong sạch, vững mạnh. Củng cố niềm tin của Nhân dân đối với Đảng, Nhà nước.

2. Công tác tuyên truyền phải thiết thực, hiệu quả, gắn với nhiệm vụ chính trị của địa phương. Thực hiện \
Nghị quyết số 35-NQ/TW ngày 22/10/2018 của Bộ Chính trị về bảo vệ nền tảng tư tưởng của Đảng.

II. HÌNH THỨC TUYÊN TRUYỀN

1. Tuyên truyền trên trang thông tin điện tử, trang mạng xã hội Facebook, Zalo của Mặt trận tỉnh với các bài \
viết, video ngắn, tin nhắn phù hợp với từng nhóm đối tượng.

2. Tuyên truyền qua hệ thống loa phát thanh cơ sở, đội thông tin lưu động và các buổi sinh hoạt khu dân cư \
do Ban công tác Mặt trận tổ chức hằng tháng.

Nơi nhận:
- Thường trực Tỉnh ủy;
- Lưu VT.

T/M BAN THƯỜNG TRỰC
CHỦ TỊCH
(Đã ký)

Nguyễn Văn An
"""


# ---------------------------------------------------------------- unit: statistics
@pytest.mark.unit
@pytest.mark.parametrize("q", [0, 10, 25, 50, 90, 95, 100])
def test_percentile_matches_numpy_linear(q: float) -> None:
    values = [3.0, 1.0, 4.0, 1.5, 9.0, 2.6, 5.0]
    assert percentile(values, q) == pytest.approx(float(np.percentile(values, q)))


@pytest.mark.unit
def test_percentile_single_value_and_errors() -> None:
    assert percentile([0.7], 95) == 0.7
    with pytest.raises(ValueError):
        percentile([], 50)
    with pytest.raises(ValueError):
        percentile([1.0], 101)


@pytest.mark.unit
def test_summarize() -> None:
    s = summarize([0.1, 0.2, 0.3, 0.4])
    assert s["n"] == 4
    assert s["p50"] == pytest.approx(0.25)
    assert s["min"] == 0.1 and s["max"] == 0.4
    assert s["mean"] == pytest.approx(0.25)
    assert summarize([]) == {"n": 0}


# ---------------------------------------------------------------- unit: synthetic corpus
@pytest.fixture()
def tiny_corpus(tmp_path: Path) -> Path:
    directory = tmp_path / "corpus"
    directory.mkdir()
    (directory / "thu-nghiem_mttq_ke-hoach-12_2024.txt").write_text(TINY_PLAN, encoding="utf-8")
    return directory


@pytest.mark.unit
def test_synthetic_corpus_reaches_the_size_with_realistic_plans(tiny_corpus: Path, tmp_path: Path) -> None:
    from eval.bench import _count_chunks

    sources = sorted(tiny_corpus.glob("*.txt"))
    corpus = synthetic_corpus(sources, tmp_path / "synthetic", chunks=60, chunks_per_doc=15)
    assert corpus.chunks >= 60
    assert len(corpus.files) >= 3  # ~15 chunks per plan
    assert sum(_count_chunks(p) for p in corpus.files) == corpus.chunks
    text = corpus.files[0].read_text(encoding="utf-8")
    assert re.search(r"^Số: \d+/KH-", text, re.MULTILINE)
    assert re.search(r"^KẾ HOẠCH$", text, re.MULTILINE)
    assert re.search(r"^I\. MỤC ĐÍCH, YÊU CẦU$", text, re.MULTILINE)
    assert re.search(r"^1\. \S", text, re.MULTILINE)
    assert "Nơi nhận:" in text
    # Every numbered item starts with a sentence of the source.
    items = [m.group(1) for p in corpus.files
             for m in re.finditer(r"^\d+\. (.+)$", p.read_text(encoding="utf-8"), re.MULTILINE)]
    assert items
    assert all(item[:40] in TINY_PLAN for item in items)


@pytest.mark.unit
def test_synthetic_corpus_is_deterministic(tiny_corpus: Path, tmp_path: Path) -> None:
    sources = sorted(tiny_corpus.glob("*.txt"))
    a = synthetic_corpus(sources, tmp_path / "a", chunks=20, seed=3)
    b = synthetic_corpus(sources, tmp_path / "b", chunks=20, seed=3)
    c = synthetic_corpus(sources, tmp_path / "c", chunks=20, seed=4)
    texts_a = [p.read_text(encoding="utf-8") for p in a.files]
    assert texts_a == [p.read_text(encoding="utf-8") for p in b.files]
    assert texts_a != [p.read_text(encoding="utf-8") for p in c.files]


@pytest.mark.unit
def test_synthetic_corpus_rejects_bad_input(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("KẾ HOẠCH\n\nNgắn.\n", encoding="utf-8")
    with pytest.raises(ValueError):
        synthetic_corpus([empty], tmp_path / "out", chunks=10)
    with pytest.raises(ValueError):
        synthetic_corpus([empty], tmp_path / "out", chunks=0)


# ---------------------------------------------------------------- unit: instrumentation
class _QueryEmbedder:
    name = "fake-query"
    dim = 4

    def __init__(self) -> None:
        self.queries: list[str] = []

    def embed_batch(self, texts: Sequence[str], *, is_query: bool = False) -> list[list[float]]:
        self.queries.extend(texts)
        return [[1.0, 0.0, 0.0, 0.0] for _ in texts]


@pytest.mark.unit
def test_approx_embedder_unit_deterministic_vectors_and_real_queries() -> None:
    inner = _QueryEmbedder()
    emb = ApproxEmbedder([[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0]], inner)
    first = emb.embed_batch(["đoạn một", "đoạn hai"])
    assert first == emb.embed_batch(["đoạn một", "đoạn hai"])
    assert first[0] != first[1]
    for vec in first:
        assert np.linalg.norm(vec) == pytest.approx(1.0, abs=1e-5)
    assert emb.embed_batch(["câu hỏi"], is_query=True) == [[1.0, 0.0, 0.0, 0.0]]
    assert inner.queries == ["câu hỏi"]


class _WordGenerator:
    name = "words"

    def __init__(self) -> None:
        self.closed = False

    def stream(self, messages: Sequence[dict[str, str]], *, max_tokens: int,
               stop: Sequence[str] = ()) -> Iterator[str]:
        return self._words()

    def _words(self) -> Iterator[str]:
        try:
            yield from ("Một", " hai", " ba")
        finally:
            self.closed = True


@pytest.mark.unit
def test_timed_generator_records_prompt_and_deltas() -> None:
    inner = _WordGenerator()
    timed = TimedGenerator(inner)
    messages = [{"role": "user", "content": "Xin chào"}]
    assert "".join(timed.stream(messages, max_tokens=5)) == "Một hai ba"
    assert timed.load() is None  # the inner fake has nothing to load
    call = timed.calls[0]
    assert call.messages == messages
    assert call.text == "Một hai ba"
    assert len(call.stamps) == 3 and call.stamps == sorted(call.stamps)
    assert inner.closed


# ---------------------------------------------------------------- integration
@pytest.mark.integration
def test_quick_bench_runs_end_to_end(tiny_corpus: Path, tmp_path: Path) -> None:
    from eval.bench import run_bench

    settings = make_settings(tmp_path / "data")
    out = tmp_path / "results"
    results = run_bench(settings, quick=True, out_dir=out, corpus_dir=tiny_corpus, questions=QUESTIONS[:3],
                        directive_queries=("35-NQ/TW", "nghị quyết 35"), rounds=1)

    assert results["corpus"]["documents"] == 1
    assert results["corpus"]["chunks"] > 0
    for key in ("cold_s", "warm_rerun_s", "warm_cache_s"):
        assert results["ingest"][key] > 0
    for key in ("search", "retriever_search", "directive_lookup", "sources"):
        assert results[key]["n"] > 0
        assert results[key]["p50"] > 0 and results[key]["p95"] >= results[key]["p50"]
    assert results["directive_lookup"]["found"] > 0
    assert results["memory"]["peak_rss_mb"] > 0
    assert results["memory"]["model_loaded"] is False
    assert results["model"] == {"skipped": "quick"}
    assert results["synthetic"] == {"skipped": "quick"}

    written = Path(results["path"])
    assert written.parent == out and written.name.endswith("-bench-quick.json")
    assert json.loads(written.read_text(encoding="utf-8"))["ingest"] == results["ingest"]


class _ModesAssistant:
    """Answers the first question through the model, the others from structure (a section answer)."""

    def __init__(self, timed: TimedGenerator) -> None:
        self.timed = timed

    def stream(self, question: str) -> Iterator[StreamEvent]:
        model = question == QUESTIONS[0]
        if model:
            text = "".join(self.timed.stream([{"role": "user", "content": question}], max_tokens=8))
            yield StreamEvent(type="token", text=text)
        yield StreamEvent(type="done", answer=Answer(question=question, answer="…",
                                                     mode="generated" if model else "section"))

    def ask(self, question: str) -> Answer:
        return Answer(question=question, answer="…", mode="section")


@pytest.mark.unit
def test_answers_without_the_model_are_reported_beside_their_target(tmp_path: Path) -> None:
    from eval.bench import _measure_model, _target_rows

    settings = make_settings(tmp_path)
    timed = TimedGenerator(_WordGenerator())
    model = _measure_model(_ModesAssistant(timed), timed, settings, None, QUESTIONS[:3],  # type: ignore[arg-type]
                           overhead_repeats=1)
    assert model["model_path_answers"] == 1
    assert model["no_model_answer"]["n"] == 2 and model["no_model_modes"] == ["section"]
    results = {"ingest": {"chunks": 1, "cold_s": 1.0, "warm_rerun_s": 0.1, "warm_cache_s": 0.1},
               **{k: summarize([0.01]) for k in ("search", "retriever_search", "directive_lookup", "sources")},
               "model": model, "memory": {"peak_rss_mb": 100.0, "model_loaded": True}, "synthetic": {}}
    row = next(r for r in _target_rows(results) if r[0].startswith("Answer without the model"))
    assert "2 questions: section" in row[0] and row[2] == "≤ 0.5 s" and row[3] is True
