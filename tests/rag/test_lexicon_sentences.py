"""The one sentence splitter and the one `[n]` citation parser (rag/lexicon/sentences.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rag.lexicon.sentences import (
    CLAUSE_ENDS,
    CLOSING_MARKS,
    ITEM_ENDS,
    START_CAPITAL,
    START_ITEM,
    START_LETTER,
    citation_numbers,
    sentence_breaks,
    sentence_offsets,
    sentence_pieces,
    strip_citations,
)

pytestmark = pytest.mark.unit

PASSAGE = "Tuyên truyền sâu rộng. Thông qua đó góp phần cổ vũ; tạo khí thế: thi đua! Hết?"


def test_sentence_ends_by_default_and_items_or_clauses_on_request() -> None:
    assert sentence_pieces(PASSAGE) == [
        "Tuyên truyền sâu rộng.", "Thông qua đó góp phần cổ vũ; tạo khí thế: thi đua!", "Hết?"
    ]
    assert sentence_pieces(PASSAGE, ITEM_ENDS)[1:3] == ["Thông qua đó góp phần cổ vũ;", "tạo khí thế: thi đua!"]
    assert "tạo khí thế:" in sentence_pieces(PASSAGE, CLAUSE_ENDS)


def test_start_policies() -> None:
    text = "Chi 1.5 tỷ. 2 đơn vị. tiếp theo. (Xem Điều 3). “Trích dẫn”. Hết"
    assert sentence_pieces(text, start=START_LETTER) == [
        "Chi 1.5 tỷ. 2 đơn vị.", "tiếp theo.", "(Xem Điều 3).", "“Trích dẫn”.", "Hết"
    ]
    assert sentence_pieces(text, start=START_CAPITAL) == [
        "Chi 1.5 tỷ. 2 đơn vị. tiếp theo.", "(Xem Điều 3).", "“Trích dẫn”.", "Hết"
    ]
    assert sentence_pieces(text, start=START_ITEM) == [
        "Chi 1.5 tỷ.", "2 đơn vị. tiếp theo.", "(Xem Điều 3).", "“Trích dẫn”.", "Hết"
    ]
    assert sentence_pieces("Đã ký. - Gửi các đơn vị.", start=START_ITEM) == ["Đã ký.", "- Gửi các đơn vị."]


def test_closing_marks_may_follow_the_end_mark() -> None:
    text = "Theo “Nghị quyết.” Tiếp (Điều 3.) Sau đó"
    assert sentence_pieces(text) == [text]
    assert sentence_pieces(text, closers=CLOSING_MARKS) == ["Theo “Nghị quyết.”", "Tiếp (Điều 3.)", "Sau đó"]


def test_newlines_are_boundaries_on_request() -> None:
    text = "MỤC ĐÍCH\n\n- Tuyên truyền\n- Vận động"
    assert sentence_pieces(text) == [text]
    assert sentence_pieces(text, newlines=True) == ["MỤC ĐÍCH", "- Tuyên truyền", "- Vận động"]


def test_numberings_and_abbreviations_are_no_sentence_end_on_request() -> None:
    text = "Xem mục 1.3. Tại Tp. Hồ Chí Minh, v.v. Kết thúc. Hết"
    assert sentence_pieces(text, start=START_CAPITAL) == [
        "Xem mục 1.3.", "Tại Tp.", "Hồ Chí Minh, v.v.", "Kết thúc.", "Hết"
    ]
    assert sentence_pieces(text, start=START_CAPITAL, abbreviations=True) == [
        "Xem mục 1.3. Tại Tp. Hồ Chí Minh, v.v. Kết thúc.", "Hết"
    ]


def test_offsets_index_the_text_and_skip_blank_pieces() -> None:
    text = "  Một câu.   \n\n  Hai câu.\n"
    offsets = sentence_offsets(text, newlines=True)
    assert [text[a:b] for a, b in offsets] == ["Một câu.", "Hai câu."]
    assert sentence_breaks(text, newlines=True)[0] == (text.index(".") + 1, text.index("Hai"))


@given(st.text(alphabet="aĐ. ;:!?…\n\t“”()-1[]", max_size=60), st.sampled_from(["", CLOSING_MARKS]),
       st.sampled_from([None, START_LETTER, START_CAPITAL, START_ITEM]), st.booleans(), st.booleans())
def test_pieces_and_gaps_rebuild_the_text(
    text: str, closers: str, start: str | None, newlines: bool, abbreviations: bool
) -> None:
    kw = {"closers": closers, "start": start, "newlines": newlines, "abbreviations": abbreviations}
    pieces = sentence_pieces(text, CLAUSE_ENDS, **kw)  # type: ignore[arg-type]
    gaps = sentence_breaks(text, CLAUSE_ENDS, **kw)  # type: ignore[arg-type]
    assert len(pieces) == len(gaps) + 1
    rebuilt = pieces[0] + "".join(text[a:b] + piece for (a, b), piece in zip(gaps, pieces[1:], strict=True))
    assert rebuilt == text
    assert all(not text[a:b].strip() for a, b in gaps)


def test_citation_numbers_in_order_with_repeats() -> None:
    answer = "Tuyên truyền [1]. Tổ chức hội nghị [2, 3] và thi [ 4 ; 1 ]. Không phải [a] hay [2025-1]."
    assert citation_numbers(answer) == [1, 2, 3, 4, 1]
    assert citation_numbers("Không có trích dẫn.") == []


def test_strip_citations_with_or_without_the_space_before() -> None:
    answer = "Tuyên truyền [1]. Tổ chức [2, 3]."
    assert strip_citations(answer) == "Tuyên truyền . Tổ chức ."
    assert strip_citations(answer, space_before=True) == "Tuyên truyền. Tổ chức."
    assert strip_citations("Mục [a] còn nguyên") == "Mục [a] còn nguyên"
