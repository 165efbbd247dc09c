"""A lying scripted model asked for a value the shipped plans do not hold (a role's holder, an event's date, an
amount spent, a count): the invented value never reaches the reader, and the gate says so before the model."""

from __future__ import annotations

import pytest

from rag.assistant import Assistant
from tests.conftest import ScriptedGenerator

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(("question", "lie", "value"), [
    ("Giám đốc Sở Văn hóa tỉnh Phú Yên hiện nay là ai?",
     "Giám đốc Sở Văn hóa tỉnh Phú Yên là đồng chí Trần Quốc Bảo [1].", "Trần Quốc Bảo"),
    ("Hội nghị báo cáo viên của Liên đoàn Lao động tỉnh Lai Châu tổ chức ngày nào?",
     "Hội nghị báo cáo viên dự kiến tổ chức vào ngày 14/9/2026 [1].", "14/9/2026"),
    ("Ủy ban MTTQ tỉnh Sóc Trăng bố trí bao nhiêu tỷ đồng cho công tác tuyên truyền xây dựng Đảng?",
     "Kinh phí tuyên truyền xây dựng Đảng là 3 tỷ đồng [1].", "3 tỷ"),
    ("Khánh Hòa có bao nhiêu đoàn viên tham gia tuyên truyền xây dựng Đảng?",
     "Có 12.500 đoàn viên tham gia tuyên truyền xây dựng Đảng [1].", "12.500"),
])
def test_an_invented_value_is_never_shown(corpus_assistant: Assistant, scripted: ScriptedGenerator, question: str,
                                          lie: str, value: str) -> None:
    scripted.reply = lie
    events = list(corpus_assistant.stream(question))
    final = events[-1].answer
    assert events[-1].type == "done" and final is not None
    assert value not in final.answer
    assert all(value not in e.text for e in events if e.type == "token")
    assert final.refused and scripted.prompts == []  # decided from the evidence, before any model call
