"""BM25 over Vietnamese text: terms, ranking, restriction to allowed chunks, persistence per generation."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from rag.lexical import LexicalIndex, lexical_terms
from rag.types import Chunk

pytestmark = pytest.mark.unit

TEXTS = {
    "a:s1": "Thực hiện Kế hoạch số175-KH/TU của Ban Thường vụ Tỉnh ủy Hòa Bình về công tác tuyên truyền.",
    "b:s1": "Liên đoàn Lao động tỉnh Lai Châu đẩy mạnh tuyên truyền xây dựng Đảng trong công nhân lao động.",
    "c:s1": "Ủy ban MTTQ tỉnh Sóc Trăng ban hành đề cương tuyên truyền cho đoàn viên, hội viên.",
    "c:s2": "Kinh phí thực hiện kế hoạch do ngân sách tỉnh bảo đảm theo quy định hiện hành.",
}


def make_chunks(texts: dict[str, str] = TEXTS) -> list[Chunk]:
    """One chunk per text (doc id = the part before ':')."""
    return [
        Chunk(chunk_id=cid, doc_id=cid.split(":")[0], doc_title="", section_id=cid.split(":")[1],
              section_path=[], text=text, order=i)
        for i, (cid, text) in enumerate(texts.items())
    ]


class CountingLoader:
    """A chunks loader that counts how often the index asked for the chunks (i.e. rebuilt)."""

    def __init__(self, chunks: Sequence[Chunk]) -> None:
        self.chunks = list(chunks)
        self.calls = 0

    def __call__(self) -> list[Chunk]:
        self.calls += 1
        return self.chunks


def test_terms_are_folded_unigrams_bigrams_and_whole_numbers() -> None:
    terms = lexical_terms("Kế hoạch số175-KH/TU Hoà Bình")
    assert "175-kh/tu" in terms  # the number stays whole, though glued to 'số'
    assert {"ke", "hoach", "so", "hoa", "binh", "175", "kh", "tu"} <= set(terms)
    assert "ke_hoach" in terms and "hoa_binh" in terms
    assert not any("/" in t and "_" in t for t in terms)  # numbers never form bigrams
    assert lexical_terms("Hoà Bình") == lexical_terms("Hòa Bình") == lexical_terms("hoa binh")
    assert lexical_terms("") == []


def test_search_ranks_the_matching_chunk_first(tmp_path: Path) -> None:
    index = LexicalIndex(tmp_path / "bm25")
    index.ensure(1, CountingLoader(make_chunks()))
    assert index.size == 4
    assert index.search("số 175-KH/TU", 3)[0][0] == "a:s1"
    assert index.search("lien doan lao dong lai chau", 3)[0][0] == "b:s1"
    assert index.search("Sóc Trăng đề cương", 3)[0][0] == "c:s1"
    scores = [s for _, s in index.search("tuyên truyền", 10)]
    assert scores == sorted(scores, reverse=True) and all(s > 0 for s in scores)
    assert index.search("xyzzy", 3) == []
    assert index.search("!!!", 3) == []


def test_search_restricted_to_allowed_chunks(tmp_path: Path) -> None:
    index = LexicalIndex(tmp_path / "bm25")
    index.ensure(1, CountingLoader(make_chunks()))
    hits = index.search("tuyên truyền tỉnh", 10, allowed={"c:s1", "c:s2"})
    assert hits and {cid for cid, _ in hits} <= {"c:s1", "c:s2"}
    assert index.search("tuyên truyền", 10, allowed=set()) == []
    assert index.search("tuyên truyền", 10, allowed={"zzz"}) == []


def test_idf_and_document_frequency(tmp_path: Path) -> None:
    index = LexicalIndex(tmp_path / "bm25")
    index.ensure(1, CountingLoader(make_chunks()))
    assert index.doc_freq("tuyen") == 3 and index.doc_freq("kinh_phi") == 1 and index.doc_freq("xyz") == 0
    assert index.idf("xyz") > index.idf("kinh_phi") > index.idf("tuyen") > 0


def test_same_generation_loads_the_saved_index_without_rebuilding(tmp_path: Path) -> None:
    first = CountingLoader(make_chunks())
    built = LexicalIndex(tmp_path / "bm25")
    built.ensure(7, first)
    built.ensure(7, first)
    assert first.calls == 1
    assert (tmp_path / "bm25" / "g7" / "planbot.json").exists()

    again = CountingLoader(make_chunks())
    loaded = LexicalIndex(tmp_path / "bm25")  # e.g. after a restart
    loaded.ensure(7, again)
    assert again.calls == 0
    assert loaded.size == built.size
    assert loaded.search("số 175-KH/TU", 4) == built.search("số 175-KH/TU", 4)
    assert loaded.idf("tuyen") == built.idf("tuyen")


def test_a_new_generation_rebuilds_and_removes_older_ones(tmp_path: Path) -> None:
    index = LexicalIndex(tmp_path / "bm25")
    index.ensure(1, CountingLoader(make_chunks()))
    fewer = CountingLoader(make_chunks({"b:s1": TEXTS["b:s1"]}))
    index.ensure(2, fewer)
    assert fewer.calls == 1 and index.size == 1
    assert index.search("175-KH/TU", 3) == []
    assert sorted(p.name for p in (tmp_path / "bm25").iterdir()) == ["g2"]


def test_an_unreadable_saved_index_is_rebuilt(tmp_path: Path) -> None:
    LexicalIndex(tmp_path / "bm25").ensure(3, CountingLoader(make_chunks()))
    (tmp_path / "bm25" / "g3" / "planbot.json").write_text("{not json", encoding="utf-8")
    loader = CountingLoader(make_chunks())
    index = LexicalIndex(tmp_path / "bm25")
    index.ensure(3, loader)
    assert loader.calls == 1
    assert index.search("Sóc Trăng", 1)[0][0] == "c:s1"
    assert json.loads((tmp_path / "bm25" / "g3" / "planbot.json").read_text(encoding="utf-8"))["n"] == 4


def test_an_empty_corpus_is_valid(tmp_path: Path) -> None:
    index = LexicalIndex(tmp_path / "bm25")
    index.ensure(0, CountingLoader([]))
    assert index.size == 0 and index.search("tuyên truyền", 5) == []
    reloaded = LexicalIndex(tmp_path / "bm25")
    loader = CountingLoader([])
    reloaded.ensure(0, loader)
    assert loader.calls == 0 and reloaded.search("tuyên truyền", 5) == []
