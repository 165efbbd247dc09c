"""Dense evidence: make_sources keeps to its budget and source count; prompt labels stay short."""

from __future__ import annotations

import pytest

from rag.answer.sources import Source, make_sources, prompt_label
from rag.evidence import CorpusStats, question_words
from rag.types import Chunk

pytestmark = pytest.mark.unit

SENTENCES = [
    "Sở Văn hóa chủ trì tổ chức hội thi tuyên truyền viên giỏi trong quý III năm 2025.",
    "Các xã, phường treo băng rôn, khẩu hiệu tại trụ sở và nơi công cộng.",
    "Đài Phát thanh mở chuyên mục hằng tuần về chuyển đổi số.",
    "Kinh phí thực hiện từ nguồn ngân sách nhà nước giao trong dự toán năm.",
]


def chunk(i: int, text: str, path: list[str] | None = None) -> Chunk:
    return Chunk(chunk_id=f"d:{i}", doc_id="d", doc_title="Kế hoạch tuyên truyền chuyển đổi số năm 2025",
                 section_id=str(i), section_path=path or ["II. NỘI DUNG", f"{i}. Mục {i}"], text=text,
                 province="Tỉnh A")


@pytest.fixture()
def ranked() -> list[tuple[Chunk, float]]:
    body = " ".join(SENTENCES)
    return [(chunk(i, body), 1.0 - i / 10) for i in range(6)]


@pytest.fixture()
def stats(ranked: list[tuple[Chunk, float]]) -> CorpusStats:
    return CorpusStats([c.index_text() for c, _ in ranked])


@pytest.mark.parametrize("budget", [150, 300, 500, 900])
def test_budget_is_a_hard_stop_after_the_first_source(ranked: list[tuple[Chunk, float]], stats: CorpusStats,
                                                      budget: int) -> None:
    words = question_words("Ai tổ chức hội thi tuyên truyền viên giỏi?", stats)
    sources = make_sources(words, ranked, budget, stats)
    assert sources
    assert sum(len(s.quote) for s in sources[1:]) <= budget - len(sources[0].quote) or len(sources) == 1
    assert sum(len(s.quote) for s in sources) <= max(budget, len(sources[0].quote))


def test_every_quote_is_verbatim_whole_sentences(ranked: list[tuple[Chunk, float]], stats: CorpusStats) -> None:
    words = question_words("Kinh phí thực hiện lấy từ nguồn nào?", stats)
    for source in make_sources(words, ranked, 400, stats):
        assert source.quote in source.chunk.text
        assert any(source.quote.startswith(s) for s in SENTENCES)
        assert source.quote.endswith(".")


def test_the_best_sentence_comes_first(ranked: list[tuple[Chunk, float]], stats: CorpusStats) -> None:
    words = question_words("Kinh phí thực hiện lấy từ nguồn nào?", stats)
    first = make_sources(words, ranked, 200, stats)[0]
    assert "ngân sách" in first.quote


def test_max_sources_caps_the_count(ranked: list[tuple[Chunk, float]], stats: CorpusStats) -> None:
    words = question_words("băng rôn khẩu hiệu", stats)
    assert len(make_sources(words, ranked, 5000, stats, max_sources=2)) == 2
    assert len(make_sources(words, ranked, 5000, stats)) == 4


def test_a_long_first_sentence_is_kept_whole(stats: CorpusStats) -> None:
    long = "Tuyên truyền " + "sâu rộng, " * 40 + "thiết thực."
    sources = make_sources(["tuyen truyen"], [(chunk(0, long), 1.0), (chunk(1, SENTENCES[1]), 0.5)], 150, stats)
    assert [s.quote for s in sources] == [long]  # no room is left for a second source


def test_prompt_label_drops_the_heading_the_quote_starts_with() -> None:
    c = chunk(1, "", ["III. HÌNH THỨC TUYÊN TRUYỀN", "2. Tuyên truyền trên báo chí, đài phát thanh và truyền hình…"])
    label = prompt_label(Source(c, "2. Tuyên truyền trên báo chí, đài phát thanh và truyền hình của tỉnh.", 1.0))
    assert label == "Tỉnh A › III. HÌNH THỨC TUYÊN TRUYỀN"


def test_prompt_label_keeps_top_and_own_heading_cut_short() -> None:
    own = "3.1. Tổ chức Giải báo chí về xây dựng Đảng (Giải Búa liềm vàng) tỉnh A năm 2025 và các năm tiếp theo"
    c = chunk(1, "", ["III. HÌNH THỨC TUYÊN TRUYỀN", "3. Tổ chức giải báo chí…", own])
    label = prompt_label(Source(c, "Qua đó lựa chọn tác phẩm gửi dự giải toàn quốc.", 1.0))
    parts = label.split(" › ")
    assert parts[:2] == ["Tỉnh A", "III. HÌNH THỨC TUYÊN TRUYỀN"]
    assert parts[2].startswith("3.1. Tổ chức Giải báo chí") and parts[2].endswith("…")
    assert len(parts) == 3 and all(len(p) <= 61 for p in parts)


def test_a_lead_in_is_quoted_with_its_first_item() -> None:
    body = ("Mục tiêu chung là khôi phục đời sống của người dân.\n- Hỗ trợ giai đoạn phục hồi:\n"
            "- Gạo, dầu ăn, tấm lợp, dây thép.\n- Hỗ trợ giống cây trồng vụ sau.")
    stats = CorpusStats([body, *SENTENCES])
    words = question_words("Giai đoạn phục hồi cần hỗ trợ gì?", stats)
    quote = make_sources(words, [(chunk(0, body), 1.0)], 120, stats, sentences=1)[0].quote
    assert quote.startswith("- Hỗ trợ giai đoạn phục hồi:") and "Gạo, dầu ăn" in quote
