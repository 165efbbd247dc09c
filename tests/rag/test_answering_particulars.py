"""A plan's own particulars come from its own header/signature; those of the plan it implements are labelled."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.assistant import Assistant
from tests.conftest import ScriptedGenerator, make_settings

pytestmark = pytest.mark.integration

UNNUMBERED = """BAN THƯỜNG VỤ TỈNH ỦY MẪU SƠN

KẾ HOẠCH
Thông tin, tuyên truyền về công tác xây dựng Đảng, xây dựng hệ thống chính trị năm 2021

Thực hiện Kế hoạch số 04-KH/BTCTW, ngày 22/3/2021 của Ban Tổ chức Trung ương về thông tin, tuyên truyền công tác
xây dựng Đảng năm 2021, Ban Thường vụ Tỉnh ủy xây dựng Kế hoạch thực hiện như sau:

I. MỤC ĐÍCH, YÊU CẦU
1. Tuyên truyền kịp thời, sâu rộng các chủ trương của Đảng về công tác xây dựng Đảng.

II. HÌNH THỨC TUYÊN TRUYỀN
1. Tuyên truyền trên hệ thống loa truyền thanh và trang thông tin điện tử.
"""


def test_unnumbered_plan_does_not_take_the_number_of_the_plan_it_implements(tmp_path: Path) -> None:
    doc = tmp_path / "ke-hoach-mau-son-2021.txt"
    doc.write_text(UNNUMBERED, encoding="utf-8")
    generator = ScriptedGenerator("Kế hoạch số 04-KH/BTCTW, ngày 22/3/2021 [1].")
    assistant = Assistant(make_settings(tmp_path / "data"), generator=generator)
    assistant.ingest([doc])
    answer = assistant.ask("Kế hoạch tuyên truyền năm 2021 của Tỉnh ủy Mẫu Sơn có số hiệu là gì?")
    text = answer.answer
    assert "không ghi số hiệu" in text
    # what the plan does hold is said too, labelled as the implemented plan's particulars
    assert "04-KH/BTCTW" in text and "22/3/2021" in text
    assert text.index("văn bản mà nó thực hiện") < text.index("04-KH/BTCTW")
    assert answer.citations and "04-KH/BTCTW" in answer.citations[0].quote
