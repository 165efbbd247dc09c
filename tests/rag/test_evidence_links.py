"""Stricter support: words in the source's own phrases, numbers linked to what they number, quotes exact,
worked-example sentences never verify, and verified sentences stream as they complete."""

from __future__ import annotations

import pytest

from rag.evidence import close_to, numbers_linked, phrase_coverage, supports
from rag.prompts import PromptTemplate
from rag.verify import VerifiedStream, example_sentences, parse_claims, render, verify

pytestmark = pytest.mark.unit

PREAMBLE = ("Thực hiện Kế hoạch số 07-KH/BTGTW, ngày 15/3/2025 của Ban Tuyên giáo Trung ương về tuyên truyền "
            "năm 2025, Ban Thường vụ Tỉnh ủy xây dựng Kế hoạch thực hiện như sau:")
FORMS = ("1.2. Tổ chức tọa đàm, diễn đàn trao đổi về công tác xây dựng Đảng trên các phương tiện thông tin đại "
         "chúng, nhất là trên Đài Phát thanh - Truyền hình tỉnh.")
BUDGET = "3. Hỗ trợ 50 triệu đồng cho Giải báo chí về xây dựng Đảng; kinh phí tổ chức hội nghị do Sở Tài chính bảo đảm."
HEADER = "TỈNH ỦY MẪU, ngày 14/9/2025. Đại hội đại biểu Mặt trận Tổ quốc tỉnh nhiệm kỳ 2024-2029."


def test_words_must_come_in_the_sources_phrases() -> None:
    # the same words scattered over the source are not its phrases
    assert phrase_coverage("Tổ chức tọa đàm trên Đài Phát thanh - Truyền hình tỉnh", FORMS) == 1.0
    assert phrase_coverage("Tỉnh đài thanh phát đàm tọa hình truyền", FORMS) < 0.6
    assert supports("Tổ chức tọa đàm, diễn đàn trên Đài Phát thanh - Truyền hình tỉnh [1].", FORMS)


def test_another_documents_number_and_date_are_not_the_plans() -> None:
    assert supports("Kế hoạch thực hiện Kế hoạch số 07-KH/BTGTW, ngày 15/3/2025 của Ban Tuyên giáo Trung ương.",
                    PREAMBLE)
    assert not supports("Kế hoạch của Ban Thường vụ Tỉnh ủy có số hiệu 07-KH/BTGTW, ký ngày 15/3/2025.", PREAMBLE)
    assert not supports("Ban Thường vụ Tỉnh ủy xây dựng Kế hoạch thực hiện, được ký ngày 15/3/2025.", PREAMBLE)


def test_a_date_written_for_something_else_is_not_an_events_date() -> None:
    assert not numbers_linked("Đại hội đại biểu Mặt trận Tổ quốc tỉnh dự kiến tổ chức ngày 14/9/2025.", HEADER)
    assert not supports("Đại hội đại biểu Mặt trận Tổ quốc tỉnh dự kiến tổ chức ngày 14/9/2025.", HEADER)


def test_an_amount_belongs_to_what_the_source_gives_it_for() -> None:
    assert supports("Hỗ trợ 50 triệu đồng cho Giải báo chí về xây dựng Đảng [1].", BUDGET)
    assert not supports("Kinh phí tổ chức hội nghị là 50 triệu đồng [1].", BUDGET)
    assert not supports("Kinh phí tổ chức hội nghị do Sở Tài chính bảo đảm 70 triệu đồng.", BUDGET)


def test_quoted_titles_are_exact() -> None:
    source = "Tổ chức cuộc thi «Tìm hiểu lịch sử Đảng bộ tỉnh» trong đoàn viên, hội viên năm 2025."
    assert supports("Tổ chức cuộc thi «Tìm hiểu lịch sử Đảng bộ tỉnh» trong đoàn viên, hội viên.", source)
    assert not supports("Tổ chức cuộc thi «Tìm hiểu lịch sử Đảng bộ tỉnh và địa phương» trong đoàn viên.", source)


def _examples() -> list[str]:
    template = PromptTemplate.load("answer")
    return example_sentences(template.render_messages(**{v: "" for v in template.list_variables()}))


def test_worked_example_sentences_never_verify_against_a_real_section() -> None:
    examples = _examples()
    assert examples and all("?" not in e for e in examples)
    example = examples[0]
    claims = parse_claims(f"{example} [1]")
    # close enough to a real section for a word-overlap check, yet the section does not hold the sentence
    section = FORMS + " Tuyên truyền trên Báo Mẫu, đài phát thanh các huyện và Truyền hình tỉnh."
    assert supports(example, section)  # words, numbers and names alone would let it through
    kept, dropped = verify(claims, [section], examples=examples)
    assert kept == [] and dropped == 1
    # a source that does hold the sentence supports it
    kept, _ = verify(claims, [f"Các hình thức: {example}"], examples=examples)
    assert len(kept) == 1
    assert not close_to("Hình thức tuyên truyền", example)  # a shared phrase alone is not reuse


def test_verified_stream_emits_only_verified_sentences_as_they_complete() -> None:
    raw = ("- Tổ chức tọa đàm, diễn đàn trên Đài Phát thanh - Truyền hình tỉnh [1].\n"
           "- Kinh phí tổ chức hội nghị là 50 triệu đồng [2].\n"
           "- Hỗ trợ 50 triệu đồng cho Giải báo chí về xây dựng Đảng [2].")
    evidence = [FORMS, BUDGET]
    stream = VerifiedStream(evidence)
    emitted: list[tuple[int, str]] = []
    words = raw.split(" ")
    for i, word in enumerate(words):
        for piece in stream.feed(word if i == 0 else " " + word):
            emitted.append((i, piece))
    for piece in stream.finish():
        emitted.append((len(words), piece))
    assert emitted[0][0] < len(words) // 2  # the first sentence is out before the model finishes
    assert "".join(p for _, p in emitted) == stream.text
    assert stream.text == render(verify(parse_claims(raw), evidence)[0])[0]
    assert "Kinh phí tổ chức hội nghị là" not in stream.text and stream.dropped == 1
    assert stream.order == [1, 2]


def test_a_marker_after_the_full_stop_still_belongs_to_its_sentence() -> None:
    raw = ("Tổ chức tọa đàm, diễn đàn trên Đài Phát thanh - Truyền hình tỉnh.\n[1]\n"
           "Hỗ trợ 50 triệu đồng cho Giải báo chí về xây dựng Đảng. [2]")
    stream = VerifiedStream([FORMS, BUDGET])
    pieces = [p for ch in raw for p in stream.feed(ch)] + stream.finish()
    assert "".join(pieces) == stream.text == render(verify(parse_claims(raw), [FORMS, BUDGET])[0])[0]
    assert stream.text.count("[1]") == 1 and stream.text.count("[2]") == 1 and stream.dropped == 0
