import pytest

from rag.verify import parse_claims, render, verify

pytestmark = pytest.mark.unit

EVIDENCE = [
    "Tuyên truyền trên Báo Lai Châu, Đài Phát thanh và Truyền hình tỉnh, trang thông tin điện tử của LĐLĐ tỉnh.",
    "Tổ chức hội nghị báo cáo viên định kỳ hằng quý theo Kế hoạch số 464/KH-LĐLĐ.",
]


def test_parse_claims_reads_markers() -> None:
    claims = parse_claims("Câu một [1]. Câu hai [1, 2].\n- Ý ba [2]\n[1]")
    assert [c.sources for c in claims] == [[1], [1, 2], [2, 1]]
    assert claims[0].text == "Câu một."


def test_lies_are_dropped_and_wrong_citations_recited() -> None:
    answer = ("Tuyên truyền trên Báo Lai Châu và Đài Phát thanh và Truyền hình tỉnh [2]. "
              "Kinh phí thực hiện là 100 triệu đồng [1]. "
              "Hội nghị báo cáo viên được tổ chức định kỳ hằng quý [1].")
    kept, dropped = verify(parse_claims(answer), EVIDENCE)
    assert dropped == 1
    assert [k.sources for k in kept] == [[1], [2]]
    text, order = render(kept)
    assert "100 triệu" not in text
    assert order == [1, 2]
    assert text.count("[1]") == 1 and text.count("[2]") == 1


def test_wrong_number_is_dropped() -> None:
    kept, dropped = verify(parse_claims("Hội nghị báo cáo viên theo Kế hoạch số 465/KH-LĐLĐ [2]."), EVIDENCE)
    assert not kept and dropped == 1


def test_out_of_range_marker_is_recited_or_dropped() -> None:
    kept, _ = verify(parse_claims("Tổ chức hội nghị báo cáo viên định kỳ hằng quý [7]."), EVIDENCE)
    assert kept and kept[0].sources == [2]


def test_numbered_items_are_not_split_from_their_text() -> None:
    claims = parse_claims("1. Tuyên truyền trên báo chí [1].\n2. Tổ chức hội nghị báo cáo viên [2].")
    assert [c.text for c in claims] == ["1. Tuyên truyền trên báo chí.", "2. Tổ chức hội nghị báo cáo viên."]


def test_render_keeps_an_ellipsis_before_the_marker() -> None:
    claims = parse_claims("Tuyên truyền trên Báo Lai Châu, Đài Phát thanh và Truyền hình tỉnh... [1]")
    kept, _ = verify(claims, EVIDENCE)
    text, _ = render(kept)
    assert text.endswith("tỉnh… [1]")
