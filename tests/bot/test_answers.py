"""Long answers over the fake Bot API: split into messages, "Xem thêm" under the last part, the remainder on press."""

from __future__ import annotations

from typing import Any

import pytest

from bot.answers import strip_mention
from bot.formatting import MAX_MESSAGE_CHARS
from bot.keyboards import MORE_PREFIX
from bot.texts import MORE_BUTTON, MORE_EXPIRED, SOURCES_HEADER
from tests.bot.conftest import (
    SECTION_ITEMS,
    USER,
    BotHarness,
    SectionAssistant,
    section_answer,
)
from tests.bot.test_handlers import QUESTION, ask, buttons


def after(h: BotHarness, message_id: int) -> list[dict[str, Any]]:
    """The bot's messages in the user's chat newer than `message_id`, oldest first."""
    return [m for m in h.api.bot_messages(USER) if m["message_id"] > message_id]


@pytest.mark.integration
def test_section_answer_is_split_with_xem_them_under_its_last_part(run_bot: Any) -> None:
    async def scenario(h: BotHarness) -> None:
        last = await ask(h.api, QUESTION)
        expected = section_answer(QUESTION)
        parts = [m for m in h.api.bot_messages(USER) if m["message_id"] <= last["message_id"]]
        assert len(parts) >= 2, "a 12-item section answer needs more than one message"
        assert all(len(m["text"]) <= MAX_MESSAGE_CHARS for m in parts)
        joined = "\n".join(m["text"] for m in parts)
        for i in range(1, SECTION_ITEMS + 1):
            assert f"{i}. Hình thức {i}:" in joined
        assert "Phần còn lại" not in joined, "the remainder is held back"
        assert not any(buttons(m) for m in parts[:-1]), "buttons only under the last part"
        rows = last["reply_markup"]["inline_keyboard"]
        assert [b["text"] for b in rows[0]] == [MORE_BUTTON], "'Xem thêm' is the first, full-width row"
        assert [b["text"] for b in buttons(last)].count(MORE_BUTTON) == 1, "no other button says 'Xem thêm'"
        assert rows[0][0]["callback_data"].startswith(MORE_PREFIX)
        assert [b["callback_data"][:2] for b in rows[-1]] == ["fb", "fb"], "👍/👎 stay last"
        assert len(rows) == 1 + len(expected.citations) + 1  # more, one row per source, feedback

        shown_before = len(buttons(last))  # `last` is the fake server's live copy of the message
        h.api.press(last, rows[0][0]["callback_data"])
        await h.api.wait_for(lambda: any(SOURCES_HEADER in m["text"] for m in after(h, last["message_id"])),
                             "the remainder")
        more = after(h, last["message_id"])
        assert len(more) >= 2, "the remainder is longer than one message"
        assert all(len(m["text"]) <= MAX_MESSAGE_CHARS for m in more)
        for message in more:  # cut at line boundaries: every message starts with an item or the source list
            first_line = message["text"].split("\n", 1)[0]
            assert first_line.split(".", 1)[0].isdigit() or first_line == f"<b>{SOURCES_HEADER}</b>"
        text = "\n".join(m["text"] for m in more)
        for i in range(1, SECTION_ITEMS + 1):
            assert f"{i}. (tiếp) Phần còn lại {i}:" in text
        assert "&lt;a&gt; &amp; b [3]" in text, "escaped, with the answer's citation numbers"
        assert f"[3] {expected.citations[2].doc_title} › {expected.citations[2].section_path}" in text
        await h.api.wait_for(lambda: h.api.of("editMessageReplyMarkup"), "the button to be removed")
        shown = h.api.message(USER, last["message_id"])
        assert not any(b["callback_data"].startswith(MORE_PREFIX) for b in buttons(shown))
        assert len(buttons(shown)) == shown_before - 1, "sources and 👍/👎 stay"

        h.api.press(last, rows[0][0]["callback_data"])  # an old copy of the button: the remainder is gone
        await h.api.wait_for(lambda: any(MORE_EXPIRED in m["text"] for m in after(h, more[-1]["message_id"])),
                             "the expired message")

    run_bot(scenario, assistant=SectionAssistant())


@pytest.mark.integration
def test_short_answer_has_no_xem_them_and_unknown_key_expires(run_bot: Any) -> None:
    async def scenario(h: BotHarness) -> None:
        answer = await ask(h.api, QUESTION)
        assert not any(b["callback_data"].startswith(MORE_PREFIX) for b in buttons(answer))
        h.api.press(answer, f"{MORE_PREFIX}99")
        await h.api.wait_for(lambda: any(MORE_EXPIRED in m["text"] for m in after(h, answer["message_id"])),
                             "the expired message")

    run_bot(scenario)


@pytest.mark.unit
def test_strip_mention() -> None:
    assert strip_mention("@PlanBot  kế hoạch 464?", "planbot") == "kế hoạch 464?"
    assert strip_mention("hỏi @planbotx", "planbot") == "hỏi @planbotx"
    assert strip_mention("  a   b ", "") == "a b"
