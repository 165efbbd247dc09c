import pytest

from rag.evidence import (
    CorpusStats,
    best_window,
    coverage,
    numbers_in,
    question_words,
    sentence_spans,
    supports,
    unknown_share,
)

pytestmark = pytest.mark.unit

SOURCE = ("Những thành tựu căn bản trong việc bảo vệ nền tảng tư tưởng của Đảng theo tinh thần Nghị quyết số "
          "35-NQ/TW ngày 22/10/2018 của Bộ Chính trị khóa XII.")


def test_question_words_drop_question_forms() -> None:
    words = question_words("Kinh phí thực hiện kế hoạch tuyên truyền của Lai Châu là bao nhiêu?")
    assert "kinh phi" in words and "lai chau" in words
    assert not {"la", "bao nhieu", "cua"} & set(words)


def test_question_words_without_diacritics_join_corpus_phrases() -> None:
    stats = CorpusStats(["kế hoạch thực hiện tuyên truyền"])
    assert question_words("ke hoach thuc hien la gi", stats) == ["ke hoach", "thuc hien"]


def test_coverage_weights_rare_words() -> None:
    stats = CorpusStats(["tuyên truyền ở tỉnh", "tuyên truyền báo chí", "giải búa liềm vàng tuyên truyền"])
    words = question_words("giải búa liềm vàng tuyên truyền")
    assert coverage(words, "giải búa liềm vàng", stats) > 0.8
    # a word no document uses cannot rank passages: coverage leaves it out, unknown_share reports it
    words = question_words("kinh phí tuyên truyền")
    assert coverage(words, "tuyên truyền báo chí", stats) == 1.0
    assert unknown_share(words, stats) == 0.5
    assert coverage(question_words("giải báo chí"), "giải búa liềm vàng", stats) < 1.0


def test_supports_requires_numbers_and_words_from_source() -> None:
    assert supports("Nghị quyết 35-NQ/TW ngày 22/10/2018 bảo vệ nền tảng tư tưởng của Đảng [1].", SOURCE)
    assert not supports("Nghị quyết 35-NQ/TW ngày 22/10/2019 bảo vệ nền tảng tư tưởng của Đảng.", SOURCE)
    assert not supports("Kinh phí thực hiện là 100 triệu đồng.", SOURCE)
    assert not supports("Nghị quyết 35-NQ/TW do Quốc Hội Khóa Mười ban hành để bảo vệ tư tưởng.", SOURCE)


def test_numbers_and_sentences() -> None:
    assert {"35-NQ/TW", "22/10/2018"} <= numbers_in(SOURCE)
    spans = sentence_spans("1. Mục đích\n- Tuyên truyền sâu rộng. Thông qua tuyên truyền góp phần cổ vũ; x.")
    text = "1. Mục đích\n- Tuyên truyền sâu rộng. Thông qua tuyên truyền góp phần cổ vũ; x."
    assert all(text[s.start:s.end] == s.text for s in spans)
    assert len(spans) >= 2


def test_best_window_is_a_verbatim_run_of_sentences() -> None:
    text = ("1. Mục đích chung của kế hoạch. Tuyên truyền về Giải Búa liềm vàng năm 2023. "
            "Phát động viết bài về xây dựng Đảng. Tổng kết vào cuối năm.")
    stats = CorpusStats([text, "tuyên truyền chung"])
    window = best_window(question_words("giải búa liềm vàng"), text, stats, max_chars=80)
    assert window is not None
    assert window.text == text[window.start:window.end]
    assert "Giải Búa liềm vàng" in window.text and len(window.text) <= 80
