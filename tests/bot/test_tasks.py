"""/viec <đơn vị> through the real PTB Application and the fake Bot API."""

from __future__ import annotations

from typing import Any

import pytest

from bot.formatting import MAX_MESSAGE_CHARS
from bot.texts import TASKS_USAGE
from tests.bot.conftest import USER, BotHarness, FakeAssistant, reply_text_to
from tests.rag.helpers.tasks_plans import DATED_PLAN, FakeCatalog, corpus_record, dated_record, record

pytestmark = pytest.mark.integration

LONG_DUTY = ("Phối hợp với các cơ quan, đơn vị liên quan tổ chức tuyên truyền nội dung số {n} của kế hoạch trên "
             "cổng thông tin điện tử, mạng xã hội và hệ thống truyền thanh cơ sở, bảo đảm đúng tiến độ đề ra.")


def _long_plan() -> bytes:
    duties = "\n".join(f"- {LONG_DUTY.format(n=n)}" for n in range(1, 41))
    head, _, _ = DATED_PLAN.partition("II. TỔ CHỨC THỰC HIỆN")
    return f"{head}II. TỔ CHỨC THỰC HIỆN\n\n1. Sở Nội vụ\n\n{duties}\n\nNơi nhận:\n- Lưu: VT.\n".encode()


class TaskAssistant(FakeAssistant):
    def __init__(self) -> None:
        super().__init__()
        self.catalog = FakeCatalog([dated_record(), corpus_record("soc-trang"),
                                    record("noi-vu.txt", _long_plan(), "noi-vu")])


def test_viec_lists_an_agencys_duties_with_deadlines(run_bot: Any) -> None:
    async def scenario(h: BotHarness) -> None:
        sent = h.api.send_text("/viec sở văn hóa")
        found = await reply_text_to(h.api, USER, sent["message_id"], "Việc cần làm")
        text = found["text"]
        assert "Sở Văn hóa, Thể thao và Du lịch — II. TỔ CHỨC THỰC HIỆN" in text
        assert "• Chủ trì tổ chức chương trình nghệ thuật chào mừng" in text
        assert "⏰ hoàn thành trước ngày 15/12/2025 (→ 15/12/2025)" in text
        assert "báo cáo UBND tỉnh (qua Văn phòng UBND tỉnh)" in text

        sent = h.api.send_text("/viec")
        usage = await reply_text_to(h.api, USER, sent["message_id"], "Cú pháp: /viec")
        assert usage["text"] == TASKS_USAGE
        sent = h.api.send_text("/viec Sở Tư pháp")
        await reply_text_to(h.api, USER, sent["message_id"], "Không tìm thấy nhiệm vụ nào giao cho “Sở Tư pháp”")

    run_bot(scenario, assistant=TaskAssistant())


def test_viec_splits_a_long_list(run_bot: Any) -> None:
    async def scenario(h: BotHarness) -> None:
        sent = h.api.send_text("/viec Sở Nội vụ")
        await reply_text_to(h.api, USER, sent["message_id"], "nội dung số 40 ")
        parts = [m["text"] for m in h.api.bot_messages(USER) if m["message_id"] > sent["message_id"]]
        assert len(parts) >= 2 and all(len(p) <= MAX_MESSAGE_CHARS for p in parts)
        joined = "\n".join(parts)
        assert all(f"nội dung số {n} " in joined for n in range(1, 41))  # nothing lost at the cut

    run_bot(scenario, assistant=TaskAssistant())
