"""The fragment measure: units that start or end inside a word or a sentence, on small known texts."""

from __future__ import annotations

import pytest

from eval.metrics import (
    Unit,
    answer_sentences,
    ends_inside,
    fragment_rates,
    fragment_share,
    label_is_fragment,
    quote_key,
    starts_inside,
)

pytestmark = pytest.mark.unit

SOURCE = (
    "**2. Yêu cầu**\n\nb) Xác định lộ trình cụ thể để\nbảo đảm từ ngày 01 tháng 01 năm 2026, Luật Việc làm được "
    "thực hiện thống nhất.\nĐồng thời, thường xuyên kiểm tra, đôn đốc."
)


def test_whole_sentences_are_not_fragments() -> None:
    sentence = "Đồng thời, thường xuyên kiểm tra, đôn đốc."
    assert not starts_inside(sentence, SOURCE) and not ends_inside(sentence, SOURCE)
    item = ("b) Xác định lộ trình cụ thể để bảo đảm từ ngày 01 tháng 01 năm 2026, Luật Việc làm được thực hiện "
            "thống nhất.")
    assert not starts_inside(item, SOURCE) and not ends_inside(item, SOURCE)


def test_a_lower_case_continuation_starts_inside_a_sentence() -> None:
    assert starts_inside("bảo đảm từ ngày 01 tháng 01 năm 2026, Luật Việc làm", SOURCE)
    assert starts_inside("- các sở, ban, ngành phối hợp")  # marker stripped, then lower case
    assert starts_inside(", đồng thời báo cáo")
    assert not starts_inside("- Các sở, ban, ngành phối hợp")
    assert not starts_inside("1.2. Tổ chức tập huấn")


def test_a_cut_inside_a_word_is_found_with_the_source() -> None:
    assert starts_inside("ác định lộ trình cụ thể", SOURCE)
    assert ends_inside("Đồng thời, thường xuyên kiểm tra, đôn đ", SOURCE)


def test_ending_without_punctuation_where_the_source_goes_on_is_a_fragment() -> None:
    assert ends_inside("Xác định lộ trình cụ thể để", SOURCE)  # source continues "bảo đảm…"
    assert ends_inside("Xác định lộ trình cụ thể để")  # no source: no final punctuation
    assert not ends_inside("2. Yêu cầu", SOURCE)  # a heading: the source starts a new sentence after it
    assert not ends_inside("thực hiện thống nhất.", SOURCE)


def test_a_trailing_ellipsis_is_a_cut_unless_the_source_ends_there() -> None:
    assert ends_inside("Xác định lộ trình cụ thể để bảo đảm…", SOURCE)
    assert ends_inside("Luật Việc làm được thực hiện…")
    assert not ends_inside("Đồng thời, thường xuyên kiểm tra, đôn đốc…", SOURCE)


def test_citation_markers_do_not_hide_the_end() -> None:
    assert not ends_inside("Sở Tư pháp theo dõi, đôn đốc. [2]")
    assert ends_inside("Sở Tư pháp theo dõi, đôn đốc các [2]")


def test_section_labels_cut_mid_phrase() -> None:
    assert not label_is_fragment("II. NỘI DUNG › 1. Phổ biến, giáo dục Luật Việc làm")
    assert not label_is_fragment("II. NỘI DUNG › 1. Phổ biến, giáo dục Luật")  # ends on a noun
    assert label_is_fragment("I. MỤC ĐÍCH › 1. Phổ biến, giáo dục Luật Việc làm và các")
    assert label_is_fragment("III. NHIỆM VỤ › 2. Tăng cường tuyên truyền, phổ biến của")
    assert label_is_fragment("IV. TỔ CHỨC THỰC HIỆN › 1. (Sở Nội vụ chủ trì")
    assert label_is_fragment("IV › khai thi hành Luật")
    assert label_is_fragment("1. Tổ chức thực hiện,")


def test_answer_sentences_split_after_final_punctuation_and_line_breaks() -> None:
    answer = "Kế hoạch 172 ký ngày 18/11/2025 [1]. Sở Nội vụ chủ trì [2].\n- Sở Tài chính bố trí kinh phí"
    assert answer_sentences(answer) == [
        "Kế hoạch 172 ký ngày 18/11/2025 [1].", "Sở Nội vụ chủ trì [2].", "- Sở Tài chính bố trí kinh phí",
    ]


def test_rates_and_share_count_units_per_kind_and_item() -> None:
    units = {
        "a": [Unit("quote", "bảo đảm từ ngày 01 tháng 01", SOURCE), Unit("quote", "Đồng thời, kiểm tra.")],
        "b": [Unit("path_label", "II. NỘI DUNG › 1. Phổ biến và"), Unit("answer_sentence", "Có.")],
        "c": [],
    }
    rates = fragment_rates(units)
    assert rates["quote"] == {"n": 2, "fragments": 1, "rate": 0.5}
    assert rates["path_label"]["fragments"] == 1
    assert rates["all"] == {"n": 4, "fragments": 2, "rate": 0.5}
    score, per_item = fragment_share(units)
    assert per_item == {"a": 0.5, "b": 0.5} and score == 0.5


def test_quote_key_ignores_bold_markup_and_line_breaks() -> None:
    assert quote_key("**Sở Nội vụ**\nchủ trì") == quote_key("Sở Nội vụ chủ trì")
