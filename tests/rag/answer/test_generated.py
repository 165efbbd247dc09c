"""The generated strategy with a scripted model: verified sentences, extractive fallback, early close."""

from __future__ import annotations

import re
from collections.abc import Sequence

import pytest

from rag.config import Settings
from rag.types import Answer
from tests.conftest import ScriptedGenerator
from tests.rag.answer.conftest import FakeCorpus, make_engine
from tests.rag.conftest import ParsedDoc

pytestmark = pytest.mark.unit

# a question that reaches the model (no section of the plan answers it on its own)
QUESTION = "Lai Châu tuyên truyền trên báo, đài của tỉnh bằng cách nào?"


def _source_sentence(messages: Sequence[dict[str, str]]) -> str:
    """The first full sentence of source [1] in the prompt."""
    block = re.search(r"^\[1\] [^\n]*\n(.*?)(?=^\[\d+\] |\nCÂU HỎI:)", messages[-1]["content"], re.S | re.M)
    assert block, messages[-1]["content"]
    return next(p for p in re.split(r"(?<=[.;])\s", block.group(1).replace("\n", " ")) if len(p) > 20)


@pytest.fixture()
def fake(corpus: dict[str, ParsedDoc]) -> FakeCorpus:
    return FakeCorpus([corpus["lai-chau"], corpus["soc-trang"]])


def _ask(settings: Settings, fake: FakeCorpus, model: ScriptedGenerator) -> Answer:
    events = list(make_engine(settings, fake, generator=model).stream(QUESTION))
    assert events[0].type == "sources" and events[-1].type == "done" and events[-1].answer is not None
    return events[-1].answer


def test_true_sentence_is_kept_and_cited(settings: Settings, fake: FakeCorpus) -> None:
    model = ScriptedGenerator(lambda m: f"{_source_sentence(m)} [1].")
    answer = _ask(settings, fake, model)
    assert answer.mode == "generated" and "[1]" in answer.answer
    assert answer.citations[0].doc_id == "lai-chau"
    assert set(answer.timings_ms) >= {"retrieval_ms", "generation_ms", "total_ms"}


def test_only_lies_fall_back_to_the_sources_own_sentences(settings: Settings, fake: FakeCorpus) -> None:
    model = ScriptedGenerator("Tỉnh chi 7 tỷ đồng cho tuyên truyền trong năm 2031 [1].")
    answer = _ask(settings, fake, model)
    assert answer.mode == "extractive" and "7 tỷ" not in answer.answer
    assert answer.citations and all(c.quote for c in answer.citations)


def test_closing_the_stream_stops_the_model(settings: Settings, fake: FakeCorpus) -> None:
    model = ScriptedGenerator(lambda m: f"{_source_sentence(m)} [1]. " * 3 + "Câu cuối chưa xong")
    events = make_engine(settings, fake, generator=model).stream(QUESTION)
    for event in events:
        if event.type == "token":
            break  # a reader leaves after the first verified sentence
    events.close()
    assert model.closed_early == 1


def test_evidence_falls_back_to_the_header_only_when_no_body_passage_is_close() -> None:
    from rag.answer.generated import rank_evidence
    from rag.evidence import CorpusStats, question_words
    from rag.types import Chunk, SearchHit

    def hit(i: int, kind: str, text: str) -> SearchHit:
        return SearchHit(chunk=Chunk(chunk_id=f"d:{i}", doc_id="d", doc_title="Kết luận", section_id=str(i),
                                     section_path=["Thông tin văn bản" if kind == "header" else "1. Nội dung"],
                                     kind=kind, text=text), score=1.0, rank=i)  # type: ignore[arg-type]

    header = hit(0, "header", "BAN CHẤP HÀNH TRUNG ƯƠNG Số 221-KL/TW Hà Nội, ngày 28 tháng 11 năm 2025")
    body = hit(1, "body", "Bộ Chính trị yêu cầu các cấp ủy tiếp tục sắp xếp bộ máy.")
    stats = CorpusStats([h.chunk.index_text() for h in (header, body)])
    words = question_words("Kết luận 221-KL/TW ban hành ngày nào tại Hà Nội?", stats)
    support = max(coverage for _, coverage in rank_evidence(words, [header, body], 0.0, stats))
    assert rank_evidence(words, [body], support, stats) == []
    ranked = rank_evidence(words, [body], support, stats) or rank_evidence(words, [header, body], support, stats)
    assert ranked[0][0].kind == "header"
