"""Long answers over the fake Bot API: split into messages, "Xem thêm" under the last part, the remainder on press."""

from __future__ import annotations

from typing import Any

import pytest

from bot.answers import strip_mention
from bot.formatting import MAX_MESSAGE_CHARS
from bot.keyboards import MORE_PREFIX
from bot.texts import (
    MORE_BUTTON,
    MORE_EXPIRED,
    REFUSED_TEXT,
    SEARCHING_TEXT,
    SOURCES_HEADER,
)
from rag.errors import BusyError
from tests.bot.conftest import (
    BOT_USERNAME,
    FOLLOW_UP,
    GROUP,
    LONG_QUESTION,
    QUESTION,
    SECTION_ITEMS,
    SECTIONS,
    STRANGER,
    USER,
    BotHarness,
    BusyAssistant,
    SectionAssistant,
    ask,
    buttons,
    reply_text_to,
    section_answer,
)


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


@pytest.mark.integration
def test_question_streams_edits_and_ends_with_sources_and_buttons(run_bot: Any) -> None:
    async def scenario(h: BotHarness) -> None:
        answer = await ask(h.api, QUESTION)
        first = h.api.sent_to(USER)[0]
        assert first.params["text"] == SEARCHING_TEXT
        edits = [c.params["text"] for c in h.api.of("editMessageText")]
        assert any(text.endswith("▌") for text in edits), "partial answers are shown while streaming"
        assert edits[-1] == answer["text"]
        assert any(c.params.get("action") == "typing" for c in h.api.of("sendChatAction"))
        section = SECTIONS[("ke-hoach-a", "s2.1")]
        assert f"[1] {section['title']} › {section['path']}" in answer["text"]
        # HTML escaping: <, > and & are escaped; * and _ stay as they are
        assert "&lt;cơ sở&gt; &amp; tuyên truyền viên" in answer["text"]
        assert "*định kỳ*" in answer["text"] and "sinh hoạt_công đoàn" in answer["text"]
        assert all(c.params.get("parse_mode") == "HTML" for c in h.api.of("editMessageText"))
        data = [b["callback_data"] for b in buttons(answer)]
        assert data[:2] == ["q:1", "s:1"]
        assert h.assistant.stream_calls == [(QUESTION, [])]

    run_bot(scenario)


@pytest.mark.integration
def test_long_answer_is_split_on_paragraphs(run_bot: Any) -> None:
    async def scenario(h: BotHarness) -> None:
        asked = h.api.send_text(LONG_QUESTION)
        last = await reply_text_to(h.api, USER, asked["message_id"], "Nguồn:")
        messages = [m for m in h.api.bot_messages(USER) if m["message_id"] > asked["message_id"]]
        assert len(messages) >= 3
        assert all(len(m["text"]) <= MAX_MESSAGE_CHARS for m in messages)
        assert all(len(c.params["text"]) <= MAX_MESSAGE_CHARS for c in h.api.of("editMessageText"))
        assert all(m["text"].startswith("Đoạn") for m in messages[1:])  # cut between paragraphs
        joined = "\n\n".join(m["text"] for m in messages)
        for i in range(1, 80):
            assert f"Đoạn {i}:" in joined
        assert buttons(last) and not any(buttons(m) for m in messages[:-1])

    run_bot(scenario)


@pytest.mark.integration
def test_refused_answer_says_so(run_bot: Any) -> None:
    async def scenario(h: BotHarness) -> None:
        answer = await ask(h.api, "Ngân sách cho kế hoạch tuyên truyền miệng 464 là bao nhiêu?")
        assert answer["text"].startswith(REFUSED_TEXT)
        assert "Có thể liên quan:" in answer["text"]
        assert buttons(answer)

    run_bot(scenario)


@pytest.mark.integration
def test_group_answers_only_when_addressed_and_threads_replies(run_bot: Any) -> None:
    async def scenario(h: BotHarness) -> None:
        ignored = h.api.send_text("hình thức tuyên truyền miệng là gì", user_id=STRANGER, chat_id=GROUP)
        other_bot = h.api.send_text("/help@other_bot", user_id=STRANGER, chat_id=GROUP)
        mentioned = h.api.send_text(f"@{BOT_USERNAME.upper()} {QUESTION}", user_id=STRANGER, chat_id=GROUP)
        answer = await reply_text_to(h.api, GROUP, mentioned["message_id"], "Nguồn:")
        assert h.api.replies_to(mentioned["message_id"]), "the answer threads to the question"
        assert not h.api.replies_to(ignored["message_id"])
        assert not h.api.replies_to(other_bot["message_id"])
        assert h.assistant.stream_calls == [(QUESTION, [])]  # the mention is stripped

        replying = h.api.send_text(FOLLOW_UP, user_id=STRANGER, chat_id=GROUP, reply_to=answer)
        await reply_text_to(h.api, GROUP, replying["message_id"], "Nguồn:")
        assert h.assistant.stream_calls[1][0] == FOLLOW_UP
        assert h.api.replies_to(replying["message_id"])

    run_bot(scenario)


@pytest.mark.integration
def test_retry_after_on_an_edit_is_waited_out(run_bot: Any) -> None:
    async def scenario(h: BotHarness) -> None:
        flood = {
            "error_code": 429,
            "description": "Too Many Requests: retry after 1",
            "parameters": {"retry_after": 1},
        }
        h.api.failures["editMessageText"] = [flood]
        answer = await ask(h.api, QUESTION)
        assert "Nguồn:" in answer["text"]
        assert h.api.failures["editMessageText"] == []

    run_bot(scenario)


@pytest.mark.integration
def test_error_event_and_invalid_question_are_reported(run_bot: Any) -> None:
    async def scenario(h: BotHarness) -> None:
        asked = h.api.send_text(QUESTION)
        await reply_text_to(h.api, USER, asked["message_id"], BusyError.user_message)

    run_bot(scenario, assistant=BusyAssistant())

    async def short_question(h: BotHarness) -> None:
        asked = h.api.send_text("??")
        await reply_text_to(h.api, USER, asked["message_id"], "Câu hỏi quá ngắn.")
        assert h.assistant.stream_calls == []

    run_bot(short_question)
