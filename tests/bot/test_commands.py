"""Commands over the fake Bot API: /start, /help, /tra, /nguon, /moi, unknown commands, non-text input."""

from __future__ import annotations

from typing import Any

import pytest

from bot.texts import (
    EDITED_TEXT,
    EMPTY_QUESTION_TEXT,
    NO_SOURCES_TEXT,
    NON_TEXT_TEXT,
    STOPPED_TEXT,
    UNKNOWN_COMMAND_TEXT,
)
from tests.bot.conftest import (
    ADMIN,
    BOT_USERNAME,
    FOLLOW_UP,
    GROUP,
    QUESTION,
    STRANGER,
    USER,
    BotHarness,
    ask,
    buttons,
    reply_text_to,
)


@pytest.mark.integration
def test_start_shows_help_and_example_buttons(run_bot: Any) -> None:
    async def scenario(h: BotHarness) -> None:
        sent = h.api.send_text("/start")
        message = await reply_text_to(h.api, USER, sent["message_id"], "/tra")
        assert "Trợ lý Kế hoạch" in message["text"]
        assert [b["callback_data"] for b in buttons(message)] == ["ex:0", "ex:1", "ex:2"]
        assert "Quản trị viên" not in message["text"]  # admin hint only for admins
        assert h.api.of("setMyCommands"), "the command menu is published"

        sent = h.api.send_text("/help", user_id=ADMIN)
        admin_help = await reply_text_to(h.api, ADMIN, sent["message_id"], "/tra")
        assert "Quản trị viên" in admin_help["text"]

    run_bot(scenario)


@pytest.mark.integration
def test_tra_looks_up_a_directive_with_buttons_to_citing_sections(run_bot: Any) -> None:
    async def scenario(h: BotHarness) -> None:
        sent = h.api.send_text("/tra nq 35")
        record = await reply_text_to(h.api, USER, sent["message_id"], "35-NQ/TW")
        text = record["text"]
        assert "Nghị quyết số 35-NQ/TW" in text
        assert "22/10/2018" in text and "Bộ Chính trị khóa XII" in text
        assert "&lt;và&gt;" in text  # the subject is escaped
        [button] = buttons(record)
        h.api.press(record, button["callback_data"])
        cited = await reply_text_to(h.api, USER, record["message_id"], "<i>")
        assert "Nghị quyết số 35-NQ/TW" in cited["text"]

        sent = h.api.send_text("/directive 35-NQ/TW")
        await reply_text_to(h.api, USER, sent["message_id"], "Nghị quyết số 35-NQ/TW")
        sent = h.api.send_text("/tra")
        await reply_text_to(h.api, USER, sent["message_id"], "Cú pháp")
        sent = h.api.send_text("/tra 999-KL/TW")
        await reply_text_to(h.api, USER, sent["message_id"], "Không tìm thấy văn bản “999-KL/TW”")

    run_bot(scenario)


@pytest.mark.integration
def test_follow_up_gets_history_and_moi_forgets_it(run_bot: Any) -> None:
    async def scenario(h: BotHarness) -> None:
        await ask(h.api, QUESTION)
        await ask(h.api, FOLLOW_UP)
        question, history = h.assistant.stream_calls[1]
        assert question == FOLLOW_UP
        assert (history[0].role, history[0].content) == ("user", QUESTION)
        assert history[1].role == "assistant" and history[1].content.endswith("[1]")

        sent = h.api.send_text("/nguon")
        sources = await reply_text_to(h.api, USER, sent["message_id"], "Nguồn:")
        assert buttons(sources), "the sources come back with their buttons"

        sent = h.api.send_text("/moi")
        await reply_text_to(h.api, USER, sent["message_id"], "cuộc trò chuyện mới")
        await ask(h.api, QUESTION)
        assert h.assistant.stream_calls[2] == (QUESTION, [])

    run_bot(scenario)


@pytest.mark.integration
def test_nguon_before_any_answer(run_bot: Any) -> None:
    async def scenario(h: BotHarness) -> None:
        sent = h.api.send_text("/nguon")
        await reply_text_to(h.api, USER, sent["message_id"], NO_SOURCES_TEXT)

    run_bot(scenario)


@pytest.mark.integration
def test_moi_stops_an_answer_in_progress(run_bot: Any) -> None:
    async def scenario(h: BotHarness) -> None:
        asked = h.api.send_text("Hình thức tuyên truyền miệng của kế hoạch 464, trả lời chậm thôi")
        await h.api.wait_for(
            lambda: any(c.params["text"].endswith("▌") for c in h.api.of("editMessageText")),
            "a partial answer",
        )
        sent = h.api.send_text("/moi")
        await reply_text_to(h.api, USER, sent["message_id"], STOPPED_TEXT)
        placeholder = h.api.bot_messages(USER)[0]
        await h.api.wait_for(
            lambda: h.api.message(USER, placeholder["message_id"])["text"] == STOPPED_TEXT, "stop"
        )
        h.assistant.release.set()
        await h.api.wait_for(lambda: h.assistant.closed_streams == 1, "the generation to be closed")
        assert not any("Nguồn:" in m["text"] for m in h.api.bot_messages(USER))
        assert asked["message_id"] < placeholder["message_id"]

    run_bot(scenario)


@pytest.mark.integration
def test_group_commands_and_empty_mention(run_bot: Any) -> None:
    async def scenario(h: BotHarness) -> None:
        command = h.api.send_text(f"/help@{BOT_USERNAME}", user_id=STRANGER, chat_id=GROUP)
        await reply_text_to(h.api, GROUP, command["message_id"], "/tra")
        assert h.api.replies_to(command["message_id"])
        empty = h.api.send_text(f"@{BOT_USERNAME}", user_id=STRANGER, chat_id=GROUP)
        await reply_text_to(h.api, GROUP, empty["message_id"], EMPTY_QUESTION_TEXT)

    run_bot(scenario)


@pytest.mark.integration
def test_bad_input_gets_short_useful_replies(run_bot: Any) -> None:
    async def scenario(h: BotHarness) -> None:
        api = h.api
        sticker = api.new_message(
            None,
            sticker={
                "file_id": "st1",
                "file_unique_id": "ust1",
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
            },
        )
        api.push({"message": sticker})
        await reply_text_to(api, USER, sticker["message_id"], NON_TEXT_TEXT)
        photo = api.new_message(
            None, photo=[{"file_id": "p1", "file_unique_id": "up1", "width": 90, "height": 90}], caption="xem"
        )
        api.push({"message": photo})
        await reply_text_to(api, USER, photo["message_id"], NON_TEXT_TEXT)
        edited = api.new_message(QUESTION, edit_date=1)
        api.push({"edited_message": edited})
        await reply_text_to(api, USER, edited["message_id"], EDITED_TEXT)
        unknown = api.send_text("/xyz")
        await reply_text_to(api, USER, unknown["message_id"], UNKNOWN_COMMAND_TEXT)
        huge = api.send_text("tuyên truyền " * 20)
        await reply_text_to(api, USER, huge["message_id"], "quá dài")
        assert h.assistant.stream_calls == []

    run_bot(scenario, max_question_chars=100)
