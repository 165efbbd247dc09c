"""Hybrid retrieval over the ingested corpus (read-only, session data dir): filters, Vietnamese query forms, BM25."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from rag.assistant import Assistant
from rag.errors import InvalidInputError
from rag.lexical import LexicalIndex
from rag.retrieval import FILTER_KEYS, Retriever, doc_matches, validate_filters
from rag.types import Chunk, DocumentMeta, SearchHit
from tests.rag.helpers.support import doc_id_of, make_assistant

HB, LC, KH, PY, ST = (doc_id_of(k) for k in ("hoa-binh", "lai-chau", "khanh-hoa", "phu-yen", "soc-trang"))


@pytest.fixture()
def assistant(corpus_data_dir: Path) -> Assistant:
    """A fresh Assistant over the session corpus (only reads)."""
    return make_assistant(corpus_data_dir)


def ids(hits: Sequence[SearchHit]) -> list[str]:
    return [h.chunk.chunk_id for h in hits]


def docs(hits: Sequence[SearchHit]) -> set[str]:
    return {h.chunk.doc_id for h in hits}


# ---------------------------------------------------------------------------------------------- filter validation
@pytest.mark.unit
def test_validate_filters() -> None:
    assert {"province", "year", "issuer", "doc_id"} == FILTER_KEYS
    assert validate_filters(None) == {} and validate_filters({}) == {}
    assert validate_filters({"year": "2023", "province": "Lai Châu", "issuer": "", "doc_id": None}) == {
        "year": 2023, "province": "Lai Châu"}
    with pytest.raises(InvalidInputError) as info:
        validate_filters({"tinh": "Lai Châu", "nam": 2023, "year": 2023})
    assert "nam, tinh" in info.value.user_message and "province" in info.value.user_message
    with pytest.raises(InvalidInputError, match="bad year"):
        validate_filters({"year": "hai nghìn"})
    with pytest.raises(InvalidInputError):
        validate_filters({"province": ["Lai Châu"]})


@pytest.mark.unit
def test_doc_matches_ignores_case_diacritics_and_tone_placement() -> None:
    meta = DocumentMeta(doc_id="d", title="t", filename="d.txt", province="Hòa Bình", year=2023,
                        issuer="Ban Tuyên giáo Tỉnh ủy Hòa Bình")
    matching: list[dict[str, Any]] = [{"province": "Hòa Bình"}, {"province": "hoa binh"}, {"province": "Hoà Bình"},
                                      {"issuer": "tuyen giao"}, {"issuer": "Tỉnh uỷ"}, {"year": 2023, "doc_id": "d"}]
    for filters in matching:
        assert doc_matches(meta, filters), filters
    failing: list[dict[str, Any]] = [{"province": "Lai Châu"}, {"year": 2021}, {"doc_id": "x"}, {"issuer": "MTTQ"}]
    for filters in failing:
        assert not doc_matches(meta, filters), filters
    assert not doc_matches(meta.model_copy(update={"province": None}), {"province": "hoa binh"})


# ---------------------------------------------------------------------------------------------- filters on the corpus
@pytest.mark.integration
@pytest.mark.parametrize("province", ["Lai Châu", "lai chau", "LAI CHÂU", "Lai Chau"])
def test_province_filter_with_and_without_diacritics(assistant: Assistant, province: str) -> None:
    hits = assistant.retriever.search("tuyên truyền xây dựng Đảng", k=8, filters={"province": province})
    assert len(hits) == 8 and docs(hits) == {LC}
    reference = assistant.retriever.search("tuyên truyền xây dựng Đảng", k=8, filters={"province": "Lai Châu"})
    assert ids(hits) == ids(reference)


@pytest.mark.integration
def test_province_filter_with_old_tone_placement(assistant: Assistant) -> None:
    new = assistant.retriever.search("nội dung tuyên truyền", k=5, filters={"province": "Hòa Bình"})
    old = assistant.retriever.search("nội dung tuyên truyền", k=5, filters={"province": "Hoà Bình"})
    assert docs(new) == {HB} and ids(old) == ids(new)


@pytest.mark.integration
def test_year_filter(assistant: Assistant) -> None:
    hits = assistant.retriever.search("kế hoạch tuyên truyền", k=10, filters={"year": 2021})
    assert hits and docs(hits) == {PY}
    assert ids(assistant.retriever.search("kế hoạch tuyên truyền", k=10, filters={"year": "2021"})) == ids(hits)
    assert assistant.retriever.search("kế hoạch tuyên truyền", k=10, filters={"year": 2019}) == []
    hits_2023 = assistant.retriever.search("kế hoạch tuyên truyền", k=40, filters={"year": 2023})
    assert PY not in docs(hits_2023) and len(docs(hits_2023)) > 1


@pytest.mark.integration
def test_doc_id_filter(assistant: Assistant) -> None:
    hits = assistant.retriever.search("Nghị quyết số 35-NQ/TW", k=10, filters={"doc_id": ST})
    assert hits and docs(hits) == {ST}
    assert assistant.retriever.search("tuyên truyền", k=5, filters={"doc_id": "khong-co"}) == []


@pytest.mark.integration
def test_issuer_filter(assistant: Assistant) -> None:
    hits = assistant.retriever.search("đề cương tuyên truyền", k=20, filters={"issuer": "Ủy ban MTTQ"})
    assert hits and docs(hits) <= {KH, ST}
    folded = assistant.retriever.search("đề cương tuyên truyền", k=20, filters={"issuer": "uy ban mttq"})
    assert ids(folded) == ids(hits)
    union = assistant.retriever.search("kế hoạch tuyên truyền", k=40, filters={"issuer": "mttq"})
    assert docs(union) == {KH, ST}


@pytest.mark.integration
def test_combined_filters_and_empty_results(assistant: Assistant) -> None:
    hits = assistant.retriever.search("tuyên truyền", k=5, filters={"province": "Sóc Trăng", "year": 2023})
    assert hits and docs(hits) == {ST}
    assert assistant.retriever.search("tuyên truyền", k=5, filters={"province": "Sóc Trăng", "year": 2021}) == []


@pytest.mark.integration
@pytest.mark.parametrize("filters", [{"tinh": "Lai Châu"}, {"province": "Lai Châu", "nam": 2023}])
def test_unknown_filter_key_raises(assistant: Assistant, filters: dict[str, Any]) -> None:
    with pytest.raises(InvalidInputError):
        assistant.retriever.search("tuyên truyền", filters=filters)
    with pytest.raises(InvalidInputError):
        assistant.search("tuyên truyền", filters=filters)


# ---------------------------------------------------------------------------------------------- query forms
@pytest.mark.integration
def test_query_without_diacritics_finds_the_same_top_document(assistant: Assistant) -> None:
    accented = assistant.retriever.search("kế hoạch tuyên truyền Lai Châu", k=5)
    plain = assistant.retriever.search("ke hoach tuyen truyen lai chau", k=5)
    assert accented[0].chunk.doc_id == plain[0].chunk.doc_id == LC
    assert assistant.search("ke hoach tuyen truyen lai chau", top_k=3)[0].chunk.doc_id == LC


@pytest.mark.integration
@pytest.mark.parametrize("query", ["số175-KH/TU", "Kế hoạch số175-KH/TU", "so 175-kh/tu", "175-KH/TU"])
def test_glued_document_number_finds_hoa_binh(assistant: Assistant, query: str) -> None:
    hits = assistant.retriever.search(query, k=3)
    assert hits[0].chunk.doc_id == HB
    assert "175-KH/TU" in hits[0].chunk.text
    assert hits[0].lexical_score is not None and hits[0].lexical_score > 0


@pytest.mark.integration
@pytest.mark.parametrize(("old", "new"), [
    ("Ban Tuyên giáo Tỉnh uỷ Hoà Bình", "Ban Tuyên giáo Tỉnh ủy Hòa Bình"),
    ("tuyên truyền về thể chế hoá, cụ thể hoá", "tuyên truyền về thể chế hóa, cụ thể hóa"),
])
def test_old_and_new_tone_placement_give_the_same_results(assistant: Assistant, old: str, new: str) -> None:
    old_hits, new_hits = assistant.retriever.search(old, k=6), assistant.retriever.search(new, k=6)
    assert ids(old_hits) == ids(new_hits)
    assert [h.score for h in old_hits] == [h.score for h in new_hits]
    assert ids(assistant.search(old, top_k=6)) == ids(assistant.search(new, top_k=6))


@pytest.mark.integration
def test_hits_are_live_ranked_and_bounded(assistant: Assistant) -> None:
    live = {c.chunk_id: c for c in assistant.catalog.chunks()}
    hits = assistant.retriever.search("tuyên truyền về công tác xây dựng Đảng", k=7)
    assert len(hits) == 7
    assert [h.rank for h in hits] == list(range(1, 8))
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    for hit in hits:
        assert live[hit.chunk.chunk_id] == hit.chunk
        assert hit.dense_score is not None or hit.lexical_score is not None
        if hit.dense_score is not None:
            assert -1.0 <= hit.dense_score <= 1.0 + 1e-6
    assert len(assistant.search("tuyên truyền", top_k=2)) == 2
    with pytest.raises(InvalidInputError):
        assistant.search("   ")


@pytest.mark.integration
def test_search_on_an_empty_data_dir(tmp_path: Path) -> None:
    empty = make_assistant(tmp_path / "data")
    assert empty.retriever.search("tuyên truyền", k=5) == []
    assert empty.retriever.search("tuyên truyền", k=5, filters={"province": "Lai Châu"}) == []


# ---------------------------------------------------------------------------------------------- BM25 persistence
class CountingLexicalIndex(LexicalIndex):
    """The real BM25 index, counting how often it was built from chunks (instead of loaded from disk)."""

    def __init__(self, directory: Path) -> None:
        super().__init__(directory)
        self.builds = 0

    def _build(self, chunks: Sequence[Chunk], path: Path) -> None:
        self.builds += 1
        super()._build(chunks, path)


@pytest.mark.integration
def test_a_new_retriever_loads_the_saved_bm25_index(assistant: Assistant, corpus_data_dir: Path) -> None:
    first_index = CountingLexicalIndex(corpus_data_dir / "bm25")
    first = Retriever(assistant.catalog, assistant.store, assistant.embedder, first_index)
    reference = first.search("Kế hoạch số175-KH/TU", k=5)
    assert first_index.builds <= 1  # built at most once (another test may already have saved it)
    generation = assistant.catalog.generation()
    assert (corpus_data_dir / "bm25" / f"g{generation}" / "planbot.json").exists()

    second_index = CountingLexicalIndex(corpus_data_dir / "bm25")  # as after a restart
    second = Retriever(assistant.catalog, assistant.store, assistant.embedder, second_index)
    assert ids(second.search("Kế hoạch số175-KH/TU", k=5)) == ids(reference)
    assert second_index.builds == 0
    assert second_index.size == len(assistant.catalog.chunks())
    second.search("tuyên truyền", k=3)
    assert second_index.builds == 0  # same generation: never rebuilt
