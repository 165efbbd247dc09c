"""👍/👎 under every Telegram answer, and a comment by replying to the bot's thank-you message."""

from __future__ import annotations

from typing import Any

import pytest

from bot.feedback import parse_vote
from bot.texts import COMMENT_SAVED, FEEDBACK_EXPIRED
from rag.feedback import SqliteFeedbackStore
from tests.bot.conftest import QUESTION, USER, BotHarness, ask, buttons, reply_text_to


@pytest.mark.unit
def test_parse_vote() -> None:
    assert parse_vote("fb:up:abc123") == ("up", "abc123")
    assert parse_vote("fb:down:abc123") == ("down", "abc123")
    assert parse_vote("fb:meh:abc") is None and parse_vote("fb:up:") is None


@pytest.mark.integration
def test_vote_then_comment_is_stored(run_bot: Any) -> None:
    async def scenario(h: BotHarness) -> None:
        answer = await ask(h.api, QUESTION)
        row = buttons(answer)[-2:]
        assert [b["text"] for b in row] == ["👍 Hữu ích", "👎 Chưa đúng"]
        assert all(len(b["callback_data"].encode()) <= 64 for b in buttons(answer))
        h.api.press(answer, row[1]["callback_data"])
        prompt = await reply_text_to(h.api, USER, answer["message_id"], "Cảm ơn bạn đã đánh giá 👎")
        sent = next(c for c in h.api.of("sendMessage") if c.params["text"] == prompt["text"])
        assert sent.params["reply_markup"]["force_reply"] is True

        store = SqliteFeedbackStore(h.settings.feedback_path)
        stored = store.list()
        assert len(stored) == 1 and stored[0].rating == "down" and stored[0].channel == "telegram"
        assert stored[0].identity == f"tg:{USER}" and stored[0].answered.question == QUESTION
        assert stored[0].answered.citations and set(stored[0].doc_versions) <= {"ke-hoach-a", "ke-hoach-b"}
        assert stored[0].doc_versions

        comment = h.api.send_text("Thiếu hình thức sân khấu hóa.", reply_to=prompt)
        await reply_text_to(h.api, USER, comment["message_id"], COMMENT_SAVED)
        updated = store.list()
        assert len(updated) == 1 and updated[0].comment == "Thiếu hình thức sân khấu hóa."
        assert updated[0].rating == "down" and updated[0].doc_versions == stored[0].doc_versions
        assert len(h.assistant.stream_calls) == 1  # the comment was not taken for a question

        h.api.press(answer, "fb:up:0000000000000000")
        await reply_text_to(h.api, USER, comment["message_id"], FEEDBACK_EXPIRED)

    run_bot(scenario)
