"""Inline buttons over the fake Bot API: a source's quote and section, example questions."""

from __future__ import annotations

from typing import Any

import pytest

from bot.texts import (
    EXAMPLE_QUESTIONS,
    EXPIRED_TEXT,
    SECTION_BUTTON,
)
from tests.bot.conftest import (
    QUESTION,
    SECTIONS,
    USER,
    BotHarness,
    ask,
    buttons,
    reply_text_to,
)


@pytest.mark.integration
def test_source_buttons_open_quote_and_full_section(run_bot: Any) -> None:
    async def scenario(h: BotHarness) -> None:
        answer = await ask(h.api, QUESTION)
        quote_key = buttons(answer)[0]["callback_data"]
        h.api.press(answer, quote_key)
        quote = await reply_text_to(h.api, USER, answer["message_id"], "<i>")
        section = SECTIONS[("ke-hoach-a", "s2.1")]
        assert section["path"] in quote["text"]
        assert "&lt;cơ sở&gt;" in quote["text"]
        more = buttons(quote)
        assert [b["text"] for b in more] == [SECTION_BUTTON]
        h.api.press(quote, more[0]["callback_data"])
        full = await reply_text_to(h.api, USER, quote["message_id"], "sinh hoạt_công đoàn")
        assert full["text"].startswith("<b>")
        assert h.assistant.section_requests == [("ke-hoach-a", "s2.1")]
        assert len(h.api.of("answerCallbackQuery")) == 2

        h.api.press(answer, "q:999")
        await reply_text_to(h.api, USER, full["message_id"], EXPIRED_TEXT)

    run_bot(scenario)


@pytest.mark.integration
def test_example_button_asks_the_example_question(run_bot: Any) -> None:
    async def scenario(h: BotHarness) -> None:
        sent = h.api.send_text("/start")
        help_message = await reply_text_to(h.api, USER, sent["message_id"], "/tra")
        h.api.press(help_message, "ex:1")
        await reply_text_to(h.api, USER, help_message["message_id"], "Nguồn:")
        assert h.assistant.stream_calls[0][0] == EXAMPLE_QUESTIONS[1]
        assert any(EXAMPLE_QUESTIONS[1] in c.params["text"] for c in h.api.sent_to(USER))

    run_bot(scenario)
