"""HTML escaping, message splitting and rendering of answers, sources and directives."""

from __future__ import annotations

import pytest

from bot.formatting import (
    MAX_MESSAGE_CHARS,
    cited_numbers,
    escape,
    format_answer,
    format_directive,
    format_more,
    format_preview,
    format_quote,
    format_section,
    shorten,
    split_message,
)
from bot.texts import REFUSED_TEXT, SOURCES_HEADER
from rag.types import Answer, Citation, DirectiveRecord, Mention

pytestmark = pytest.mark.unit


def citation(n: int = 1, quote: str = "Tuyên truyền <b> & *in đậm* _x_") -> Citation:
    return Citation(
        n=n,
        doc_id="d",
        doc_title="Kế hoạch <A>",
        section_path="II. NỘI DUNG › 1.",
        quote=quote,
        section_id="s1",
    )


def test_escape_only_html_specials() -> None:
    assert escape("a < b > c & d * e _ f \"g\" 'h'") == "a &lt; b &gt; c &amp; d * e _ f \"g\" 'h'"


def test_short_text_is_one_message() -> None:
    assert split_message("xin chào") == ["xin chào"]
    assert split_message("   ") == []


def test_split_on_paragraph_boundaries() -> None:
    paragraphs = [f"Đoạn {i}: " + "nội dung " * 40 for i in range(60)]
    text = "\n\n".join(paragraphs)
    parts = split_message(text)
    assert len(parts) > 1
    assert all(len(p) <= MAX_MESSAGE_CHARS for p in parts)
    assert all(p.startswith("Đoạn") for p in parts)
    assert "\n\n".join(parts) == text.strip()


def test_split_a_single_huge_paragraph_without_breaking_entities() -> None:
    text = escape("a & b < c " * 2000)  # one paragraph, full of entities
    parts = split_message(text, limit=500)
    assert all(len(p) <= 500 for p in parts)
    for part in parts:
        assert not part.endswith("&") and not part.endswith("&amp") and not part.endswith("&l")
        assert part.count("&") == part.count(";")
    assert " ".join(parts).split() == text.split()


def test_split_keeps_tags_whole() -> None:
    block = "<b>Tiêu đề</b>\n" + "\n".join(f"<i>dòng {i}</i> văn bản" for i in range(300))
    for part in split_message(block, limit=700):
        assert part.count("<i>") == part.count("</i>")
        assert len(part) <= 700


def test_answer_with_sources_is_escaped() -> None:
    answer = Answer(question="q", answer="Theo kế hoạch: a < b & *c* [1]", citations=[citation()])
    html = format_answer(answer)
    assert html.startswith("Theo kế hoạch: a &lt; b &amp; *c* [1]")
    assert "<b>Nguồn:</b>\n[1] Kế hoạch &lt;A&gt; › II. NỘI DUNG › 1." in html


def test_refused_answer_is_plain_with_related() -> None:
    answer = Answer(question="q", answer=REFUSED_TEXT, refused=True, mode="refused", related=[citation(2)])
    html = format_answer(answer)
    assert html.startswith(REFUSED_TEXT)
    assert html.count(REFUSED_TEXT) == 1
    assert "Có thể liên quan:" in html and "[2] Kế hoạch &lt;A&gt;" in html


def test_preview_is_cut_to_fit() -> None:
    preview = format_preview("x " * 5000)
    assert len(preview) < MAX_MESSAGE_CHARS
    assert preview.endswith("▌")
    escaped = format_preview("a & b < c " * 1000)  # escaping makes it longer: cut after escaping
    assert len(escaped) < MAX_MESSAGE_CHARS
    assert escaped.count("&") == escaped.count(";")


def test_quote_and_section() -> None:
    quote = format_quote(citation(quote="Trích <đoạn> " * 500))
    assert quote.startswith("<b>[1] Kế hoạch &lt;A&gt; › II. NỘI DUNG › 1.</b>")
    assert "&lt;đoạn&gt;" in quote and quote.endswith("…</i>")
    assert quote.count("Trích") < 100  # long quotes are shortened
    section = format_section("Kế hoạch", "III. HÌNH THỨC", "1. Tuyên truyền <miệng>")
    assert section == "<b>Kế hoạch › III. HÌNH THỨC</b>\n\n1. Tuyên truyền &lt;miệng&gt;"


def test_directive_card() -> None:
    record = DirectiveRecord(
        directive_id="21-kl-tw",
        number="21-KL/TW",
        doc_type="Kết luận",
        date="2021-10-25",
        issuer="Ban Chấp hành Trung ương",
        term="khóa XIII",
        subject="về đẩy mạnh xây dựng, chỉnh đốn Đảng <và> hệ thống chính trị",
        mentions=[
            Mention(doc_id=f"d{i}", doc_title="KH <x>", section_id="s1", section_path="II › 1.", sentence="…")
            for i in range(10)
        ],
    )
    html = format_directive(record, max_mentions=3)
    assert html.startswith("<b>Kết luận số 21-KL/TW</b>")
    assert "25/10/2021" in html and "Ban Chấp hành Trung ương khóa XIII" in html
    assert "&lt;và&gt;" in html and "1. KH &lt;x&gt; › II › 1." in html
    assert "… và 7 đoạn khác." in html


def test_shorten_on_words() -> None:
    assert shorten("một hai ba bốn năm sáu", 12) == "một hai ba…"
    assert shorten("ngắn", 12) == "ngắn"


def test_cited_numbers() -> None:
    assert cited_numbers("Một [1]. Hai [2, 3].\nBa [3]") == {1, 2, 3}
    assert cited_numbers("Không có nguồn.") == set()


def test_format_more_lists_only_the_sources_it_cites() -> None:
    cites = [citation(1), citation(2), citation(3)]
    html = format_more("1. Phần còn lại <x> & y [1]\n3. Tiếp [3]", cites)
    text, sources = html.split("\n\n")
    assert text == "1. Phần còn lại &lt;x&gt; &amp; y [1]\n3. Tiếp [3]"
    assert sources.splitlines()[0] == f"<b>{SOURCES_HEADER}</b>"
    assert [line.split("]")[0] for line in sources.splitlines()[1:]] == ["[1", "[3"]
    assert format_more("Không trích dẫn.", cites) == "Không trích dẫn."
