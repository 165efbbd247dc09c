"""The real PTB Application polling our fake Bot API server, answering with the FakeAssistant."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from bot.formatting import MAX_MESSAGE_CHARS
from bot.texts import (
    DENIED_TEXT,
    EDITED_TEXT,
    EMPTY_QUESTION_TEXT,
    EXAMPLE_QUESTIONS,
    EXPIRED_TEXT,
    NO_SOURCES_TEXT,
    NON_TEXT_TEXT,
    REFUSED_TEXT,
    SEARCHING_TEXT,
    SECTION_BUTTON,
    STOPPED_TEXT,
    UNKNOWN_COMMAND_TEXT,
    UPLOAD_DENIED,
)
from rag.errors import BackendError, BusyError, UnsupportedDocumentError
from tests.bot.conftest import (
    ADMIN,
    BOT_USERNAME,
    GROUP,
    SECTIONS,
    STRANGER,
    TOKEN,
    USER,
    BotHarness,
    BrokenAssistant,
    BusyAssistant,
    FakeBotApi,
)

pytestmark = pytest.mark.integration

QUESTION = "Kế hoạch 464 có những hình thức tuyên truyền miệng nào?"
FOLLOW_UP = "Còn mục đích của kế hoạch đó thì sao?"
LONG_QUESTION = "Cho tôi toàn văn đề cương tuyên truyền phần phụ lục"


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    """Every inline button of a message."""
    markup = message.get("reply_markup") or {}
    return [button for row in markup.get("inline_keyboard", []) for button in row]


async def ask(api: FakeBotApi, text: str, **kwargs: Any) -> dict[str, Any]:
    """Send a question and return the bot's answer message once its sources are shown (final state)."""
    asked = api.send_text(text, **kwargs)
    chat_id = asked["chat"]["id"]

    def final() -> dict[str, Any] | None:
        for message in api.bot_messages(chat_id):
            if message["message_id"] > asked["message_id"] and (
                "Nguồn:" in message["text"] or REFUSED_TEXT in message["text"]
            ):
                return message
        return None

    return await api.wait_for(final, f"the final answer to {text!r}")


async def reply_text_to(api: FakeBotApi, chat_id: int, after_id: int, needle: str) -> dict[str, Any]:
    """Wait for a bot message in a chat, newer than `after_id`, containing `needle`."""

    def found() -> dict[str, Any] | None:
        for message in api.bot_messages(chat_id):
            if message["message_id"] > after_id and needle in message["text"]:
                return message
        return None

    return await api.wait_for(found, f"a message containing {needle!r}")


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


def test_example_button_asks_the_example_question(run_bot: Any) -> None:
    async def scenario(h: BotHarness) -> None:
        sent = h.api.send_text("/start")
        help_message = await reply_text_to(h.api, USER, sent["message_id"], "/tra")
        h.api.press(help_message, "ex:1")
        await reply_text_to(h.api, USER, help_message["message_id"], "Nguồn:")
        assert h.assistant.stream_calls[0][0] == EXAMPLE_QUESTIONS[1]
        assert any(EXAMPLE_QUESTIONS[1] in c.params["text"] for c in h.api.sent_to(USER))

    run_bot(scenario)


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


def test_nguon_before_any_answer(run_bot: Any) -> None:
    async def scenario(h: BotHarness) -> None:
        sent = h.api.send_text("/nguon")
        await reply_text_to(h.api, USER, sent["message_id"], NO_SOURCES_TEXT)

    run_bot(scenario)


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


def test_group_commands_and_empty_mention(run_bot: Any) -> None:
    async def scenario(h: BotHarness) -> None:
        command = h.api.send_text(f"/help@{BOT_USERNAME}", user_id=STRANGER, chat_id=GROUP)
        await reply_text_to(h.api, GROUP, command["message_id"], "/tra")
        assert h.api.replies_to(command["message_id"])
        empty = h.api.send_text(f"@{BOT_USERNAME}", user_id=STRANGER, chat_id=GROUP)
        await reply_text_to(h.api, GROUP, empty["message_id"], EMPTY_QUESTION_TEXT)

    run_bot(scenario)


def test_unauthorised_user_is_refused_politely(run_bot: Any) -> None:
    async def scenario(h: BotHarness) -> None:
        sent = h.api.send_text(QUESTION, user_id=STRANGER)
        refusal = await reply_text_to(h.api, STRANGER, sent["message_id"], str(STRANGER))
        assert refusal["text"] == DENIED_TEXT.format(user_id=STRANGER)
        h.api.press(refusal, "q:1", user_id=STRANGER)
        await h.api.wait_for(lambda: h.api.of("answerCallbackQuery"), "the button refusal")
        assert h.api.of("answerCallbackQuery")[0].params.get("show_alert") in (True, "true", "True")
        assert h.assistant.stream_calls == []

    run_bot(scenario)


def test_open_access_lets_anyone_in(run_bot: Any) -> None:
    async def scenario(h: BotHarness) -> None:
        await ask(h.api, QUESTION, user_id=STRANGER)
        assert h.assistant.stream_calls == [(QUESTION, [])]

    run_bot(scenario, open_access=True, telegram_allowed_users=[], telegram_allowed_chats=[])


def test_empty_allowlists_deny_everyone(run_bot: Any) -> None:
    async def scenario(h: BotHarness) -> None:
        sent = h.api.send_text(QUESTION, user_id=USER)
        await reply_text_to(h.api, USER, sent["message_id"], "chưa được cấp quyền")
        assert h.assistant.stream_calls == []

    run_bot(scenario, telegram_allowed_users=[], telegram_allowed_chats=[], telegram_admins=[])


def test_rate_limit_per_user(run_bot: Any) -> None:
    async def scenario(h: BotHarness) -> None:
        await ask(h.api, QUESTION)
        await ask(h.api, FOLLOW_UP)
        third = h.api.send_text(QUESTION)
        await reply_text_to(h.api, USER, third["message_id"], "quá nhiều yêu cầu")
        assert len(h.assistant.stream_calls) == 2
        sent = h.api.send_text("/help")  # free commands still work
        await reply_text_to(h.api, USER, sent["message_id"], "/tra")
        await ask(h.api, QUESTION, user_id=ADMIN)  # other users are not affected
        assert len(h.assistant.stream_calls) == 3

    run_bot(scenario, telegram_rate_limit_per_minute=2)


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


def test_refused_answer_says_so(run_bot: Any) -> None:
    async def scenario(h: BotHarness) -> None:
        answer = await ask(h.api, "Ngân sách cho kế hoạch tuyên truyền miệng 464 là bao nhiêu?")
        assert answer["text"].startswith(REFUSED_TEXT)
        assert "Có thể liên quan:" in answer["text"]
        assert buttons(answer)

    run_bot(scenario)


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


def test_backend_error_is_reported_politely_and_logged(
    run_bot: Any, caplog: pytest.LogCaptureFixture
) -> None:
    async def scenario(h: BotHarness) -> None:
        asked = h.api.send_text(QUESTION)
        await h.api.wait_for(
            lambda: any(BackendError.user_message in m["text"] for m in h.api.bot_messages(USER)),
            "the error message",
        )
        await h.api.wait_for(
            lambda: any(r.exc_info and isinstance(r.exc_info[1], BackendError) for r in caplog.records),
            "the error log",
        )
        # the placeholder carries the message; no second, duplicate error reply
        assert len([m for m in h.api.bot_messages(USER) if m["message_id"] > asked["message_id"]]) == 1

    with caplog.at_level(logging.ERROR, logger="bot.handlers"):
        run_bot(scenario, assistant=BrokenAssistant())


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


def test_admin_uploads_a_document(run_bot: Any) -> None:
    async def scenario(h: BotHarness) -> None:
        data = "KẾ HOẠCH\n\nI. MỤC ĐÍCH\n\n1. Tuyên truyền <mới>.".encode()
        h.api.files["doc1"] = data
        document = {
            "file_id": "doc1",
            "file_unique_id": "udoc1",
            "file_name": "ke-hoach-moi.txt",
            "mime_type": "text/plain",
            "file_size": len(data),
        }
        upload = h.api.new_message(None, user_id=ADMIN, document=document)
        h.api.push({"message": upload})
        done = await reply_text_to(h.api, ADMIN, upload["message_id"], "Đã nạp tài liệu")
        assert "ke-hoach-moi.txt" in done["text"] and "Mục: 3" in done["text"]
        assert h.assistant.ingested == [("ke-hoach-moi.txt", data)]
        assert h.api.of("getFile")[0].params["file_id"] == "doc1"

        # the content of an indexed document under another name: reported, not indexed twice
        copy = b"ke-hoach-a"  # the fake's documents hash their id
        h.api.files["doc3"] = copy
        dup = h.api.new_message(None, user_id=ADMIN, document={**document, "file_id": "doc3",
                                                               "file_name": "ban-sao.txt", "file_size": len(copy)})
        h.api.push({"message": dup})
        said = await reply_text_to(h.api, ADMIN, dup["message_id"], "đã có trong hệ thống")
        assert "ke-hoach-a" in said["text"] and "ban-sao.txt" in said["text"]
        assert len(h.assistant.ingested) == 1

        bad = h.api.new_message(None, user_id=ADMIN, document={**document, "file_name": "virus.exe"})
        h.api.push({"message": bad})
        await reply_text_to(h.api, ADMIN, bad["message_id"], UnsupportedDocumentError.user_message)
        assert len(h.assistant.ingested) == 1

    run_bot(scenario)


def test_non_admin_upload_is_refused(run_bot: Any) -> None:
    async def scenario(h: BotHarness) -> None:
        h.api.files["doc2"] = b"noi dung"
        upload = h.api.new_message(
            None,
            user_id=USER,
            document={"file_id": "doc2", "file_unique_id": "u2", "file_name": "a.txt", "file_size": 8},
        )
        h.api.push({"message": upload})
        await reply_text_to(h.api, USER, upload["message_id"], UPLOAD_DENIED)
        assert h.assistant.ingested == []
        assert not h.api.of("getFile")

    run_bot(scenario)


def test_token_never_reaches_the_logs(run_bot: Any, caplog: pytest.LogCaptureFixture) -> None:
    async def scenario(h: BotHarness) -> None:
        await ask(h.api, QUESTION)
        logging.getLogger("httpx").warning("HTTP Request: POST %s/getMe", h.settings.telegram_api_url + TOKEN)

    with caplog.at_level(logging.DEBUG):
        run_bot(scenario)
    assert caplog.records, "something was logged"
    assert TOKEN not in caplog.text
    assert any("<token>" in r.getMessage() for r in caplog.records if r.name == "httpx")


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
