"""Telegram update handlers: questions with streamed answers, sources, directive lookup, uploads, errors.

The Assistant facade is synchronous and CPU-bound: every call to it runs in a worker thread, and a streamed
answer is bridged from its iterator into the event loop through an asyncio queue, so other chats keep being
served. A generation stops when the user sends /moi or the application stops.
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
import time
import warnings
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

from telegram import (
    BotCommand,
    InlineKeyboardMarkup,
    Message,
    MessageEntity,
    Update,
)
from telegram.constants import ChatAction, ChatType
from telegram.error import BadRequest, RetryAfter, TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.access import AccessPolicy, RateLimiter
from bot.feedback import COMMENT_SAVED, FEEDBACK_PREFIX, TelegramFeedback, comment_reply_box, with_feedback
from bot.formatting import (
    SEARCHING_TEXT,
    escape,
    format_answer,
    format_directive,
    format_preview,
    format_quote,
    format_section,
    format_source_list,
    split_message,
)
from bot.keyboards import (
    EXAMPLE_PREFIX,
    EXAMPLE_QUESTIONS,
    QUOTE_PREFIX,
    SECTION_PREFIX,
    RefStore,
    SourceRef,
    examples_keyboard,
    mentions_keyboard,
    section_keyboard,
    sources_keyboard,
)
from bot.tasks import reply_tasks
from rag.assistant import Assistant, StreamEvent, content_holder
from rag.config import Settings
from rag.errors import PlanbotError, UnsupportedDocumentError, error_for_code
from rag.types import Answer, ChatTurn

logger = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE

EDIT_INTERVAL_S = 1.5  # between two edits of a streamed answer (doubled in groups: 20 messages/min there)
TYPING_INTERVAL_S = 4.5  # Telegram shows "typing…" for about 5 s
POLL_S = 0.5  # how often the streaming loop checks for /moi and shutdown while waiting for tokens
MAX_FINAL_RETRIES = 5
MAX_LOOKUP_RESULTS = 3
MAX_MENTION_BUTTONS = 8
MAX_TELEGRAM_DOWNLOAD = 20 * 1024 * 1024  # getFile limit of the public Bot API
FREE_COMMANDS = frozenset({"start", "help", "nguon", "moi"})
UPLOAD_SUFFIXES = frozenset({".txt", ".md", ".docx", ".pdf"})

GENERIC_ERROR = PlanbotError.user_message
HELP_TEXT = (
    "<b>Trợ lý Kế hoạch</b> trả lời câu hỏi về các kế hoạch thông tin, tuyên truyền đã được nạp, "
    "kèm nguồn trích dẫn (tài liệu › mục).\n\n"
    "• Gửi câu hỏi bằng một tin nhắn văn bản; câu hỏi tiếp theo có thể dựa vào các câu trước.\n"
    "• /tra &lt;số hiệu&gt; — tra cứu văn bản chỉ đạo, ví dụ: /tra 35-NQ/TW hoặc /tra nq 35.\n"
    "• /viec &lt;đơn vị&gt; — việc cần làm, thời hạn, báo cáo của một đơn vị, ví dụ: /viec Sở Văn hóa.\n"
    "• /nguon — xem lại nguồn của câu trả lời gần nhất.\n"
    "• /moi — bắt đầu cuộc trò chuyện mới (dừng câu trả lời đang soạn).\n"
    "• /help — xem hướng dẫn này.\n\n"
    "Trong nhóm, hãy nhắc tên bot (@{username}) hoặc trả lời tin nhắn của bot.\n\n"
    "Câu hỏi ví dụ:"
)
ADMIN_HELP = "\n\nQuản trị viên: gửi tệp .txt, .docx hoặc .pdf để nạp tài liệu mới."
DENIED_TEXT = (
    "Bạn chưa được cấp quyền sử dụng trợ lý này. "
    "Hãy gửi mã người dùng <code>{user_id}</code> cho quản trị viên để được cấp quyền."
)
RATE_LIMITED_TEXT = "Bạn gửi quá nhiều yêu cầu. Vui lòng thử lại sau {seconds} giây."
BUSY_CHAT_TEXT = (
    "Tôi đang trả lời câu hỏi trước trong cuộc trò chuyện này. Vui lòng chờ, hoặc gửi /moi để dừng."
)
STOPPED_TEXT = "Đã dừng câu trả lời."
TOO_LONG_TEXT = "Câu hỏi quá dài (tối đa {limit} ký tự). Hãy hỏi ngắn gọn hơn."
EMPTY_QUESTION_TEXT = "Bạn muốn hỏi gì? Hãy gõ câu hỏi sau tên bot, hoặc gửi /help để xem hướng dẫn."
EDITED_TEXT = "Tôi không xử lý tin nhắn đã sửa. Hãy gửi câu hỏi thành một tin nhắn mới."
NON_TEXT_TEXT = (
    "Tôi chỉ đọc được câu hỏi dạng văn bản. Hãy gõ câu hỏi của bạn, hoặc gửi /help để xem hướng dẫn."
)
UNKNOWN_COMMAND_TEXT = "Lệnh không được hỗ trợ. Các lệnh: /help, /tra, /viec, /nguon, /moi."
EXPIRED_TEXT = "Nút này đã hết hạn. Hãy đặt lại câu hỏi."
NO_SOURCES_TEXT = "Chưa có câu trả lời nào trong cuộc trò chuyện này. Hãy đặt một câu hỏi trước."
RESET_TEXT = "Đã bắt đầu cuộc trò chuyện mới. Các câu hỏi tiếp theo sẽ không dựa vào nội dung trước đó."
LOOKUP_USAGE = "Cú pháp: /tra &lt;số hiệu&gt;, ví dụ: /tra 35-NQ/TW hoặc /tra nq 35."
LOOKUP_NONE = "Không tìm thấy văn bản “{query}” trong danh mục văn bản được các kế hoạch trích dẫn."
LOOKUP_MORE = "Còn {count} kết quả khác; hãy ghi rõ số hiệu để thu hẹp."
UPLOAD_DENIED = (
    "Chỉ quản trị viên mới được nạp tài liệu mới. Bạn vẫn có thể đặt câu hỏi về các tài liệu hiện có."
)
UPLOAD_TOO_BIG = "Tệp quá lớn (tối đa {mb} MB)."
UPLOAD_STARTED = "Đang nạp tài liệu “{name}”…"
UPLOAD_DUPLICATE = (
    "Nội dung tệp “{name}” đã có trong hệ thống: tài liệu “{doc_id}” (tệp “{filename}”). Không nạp thêm bản trùng."
)
SECTION_EMPTY = "Mục này không có nội dung."

BOT_COMMANDS = (
    BotCommand("help", "Hướng dẫn và câu hỏi ví dụ"),
    BotCommand("tra", "Tra cứu văn bản chỉ đạo: /tra 35-NQ/TW"),
    BotCommand("viec", "Việc cần làm của một đơn vị: /viec Sở Văn hóa"),
    BotCommand("nguon", "Nguồn của câu trả lời gần nhất"),
    BotCommand("moi", "Bắt đầu cuộc trò chuyện mới"),
)

_END = object()


def _retry_seconds(exc: RetryAfter) -> float:
    """RetryAfter.retry_after as seconds (an int or a timedelta depending on PTB settings)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _is_not_modified(exc: BadRequest) -> bool:
    """Telegram refuses an edit that changes nothing; that is not an error for us."""
    return "not modified" in str(exc).lower()


def _mark_notified(exc: BaseException) -> BaseException:
    """Flag an exception whose user has already been told (the error handler then only logs it)."""
    exc.planbot_notified = True  # type: ignore[attr-defined]
    return exc


def _user_message(exc: BaseException) -> str:
    """The Vietnamese message for an exception."""
    return exc.user_message if isinstance(exc, PlanbotError) else GENERIC_ERROR


def _chat_data(context: Context) -> dict[Any, Any]:
    """This chat's data dict (always present for chat updates)."""
    data = context.chat_data
    if data is None:  # pragma: no cover - only for updates without a chat, which we never answer
        raise RuntimeError("update without a chat")
    return data


def _refs(context: Context) -> RefStore:
    """This chat's store of source references for buttons."""
    data = _chat_data(context)
    store = data.get("refs")
    if not isinstance(store, RefStore):
        store = RefStore()
        data["refs"] = store
    return store


class LiveMessage:
    """A message edited as the answer grows: throttled best-effort updates, then one final edit that lands."""

    def __init__(self, message: Message, interval_s: float) -> None:
        self.message = message
        self.interval_s = interval_s
        self.shown = ""
        self.next_at = time.monotonic() + interval_s
        self.edits = 0

    async def update(self, html: str) -> None:
        """Show `html` unless an edit happened too recently (or Telegram asked us to wait)."""
        now = time.monotonic()
        if html == self.shown or now < self.next_at:
            return
        try:
            await self.message.edit_text(html)
        except RetryAfter as exc:
            self.next_at = now + _retry_seconds(exc)
            logger.info("Flood control on a streamed edit; backing off %.1f s", _retry_seconds(exc))
            return
        except BadRequest as exc:
            if not _is_not_modified(exc):
                raise
        self.shown = html
        self.edits += 1
        self.next_at = time.monotonic() + self.interval_s

    async def finish(self, html: str, markup: InlineKeyboardMarkup | None = None) -> None:
        """Show the final text; waits out flood control (a few times) instead of skipping."""
        for attempt in range(MAX_FINAL_RETRIES):
            try:
                await self.message.edit_text(html, reply_markup=markup)
                return
            except RetryAfter as exc:
                if attempt == MAX_FINAL_RETRIES - 1:
                    raise
                await asyncio.sleep(_retry_seconds(exc))
            except BadRequest as exc:
                if not _is_not_modified(exc):
                    raise
                if markup is not None:
                    await self.message.edit_reply_markup(markup)
                return


class BotHandlers:
    """All handlers of the bot, sharing the assistant, the access policy and the rate limiter."""

    def __init__(
        self, settings: Settings, assistant: Assistant, *, edit_interval_s: float = EDIT_INTERVAL_S
    ) -> None:
        self.settings = settings
        self.assistant = assistant
        self.access = AccessPolicy.from_settings(settings)
        self.limiter = RateLimiter(settings.telegram_rate_limit_per_minute)
        self.edit_interval_s = edit_interval_s
        self.history_messages = max(0, settings.history_turns) * 2
        self._generations: dict[int, threading.Event] = {}
        self.feedback = TelegramFeedback(settings, assistant)

    def register(self, application: Application) -> None:
        """Add every handler (and the error handler) to the application."""
        application.add_handler(TypeHandler(Update, self.gate), group=-1)
        application.add_handler(MessageHandler(filters.UpdateType.EDITED, self.on_edited))
        application.add_handler(CommandHandler(["start", "help"], self.on_help))
        application.add_handler(CommandHandler(["tra", "directive"], self.on_lookup))
        application.add_handler(CommandHandler("nguon", self.on_sources))
        application.add_handler(CommandHandler("viec", self.on_tasks))
        application.add_handler(CommandHandler("moi", self.on_reset))
        application.add_handler(CallbackQueryHandler(self.on_callback))
        application.add_handler(MessageHandler(filters.Document.ALL, self.on_document))
        application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, self.on_text))
        application.add_handler(MessageHandler(filters.COMMAND, self.on_unknown_command))
        application.add_handler(MessageHandler(filters.ALL, self.on_other))
        application.add_error_handler(self.on_error)

    def cancel_all(self) -> None:
        """Stop every generation in progress (on shutdown)."""
        for stop in list(self._generations.values()):
            stop.set()

    # ----------------------------------------------------------------- gate: addressing, access, rate limit

    def _is_addressed(self, update: Update, context: Context) -> bool:
        """Whether the update is meant for us: private chats, our commands, mentions, replies, buttons."""
        if update.callback_query is not None:
            return True
        message = update.message or update.edited_message
        if message is None:
            return False
        if message.chat.type == ChatType.PRIVATE:
            return True
        username = (context.bot.username or "").lower()
        text = message.text or message.caption or ""
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            target = command.partition("@")[2].lower()
            return not target or target == username
        entities = message.parse_entities() if message.text else message.parse_caption_entities()
        for entity, value in entities.items():
            if entity.type == MessageEntity.MENTION and value.lower() == f"@{username}":
                return True
            if entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == context.bot.id:
                return True
        replied = message.reply_to_message
        return bool(replied and replied.from_user and replied.from_user.id == context.bot.id)

    async def gate(self, update: Update, context: Context) -> None:
        """Runs before every handler: drop what is not for us, refuse strangers, apply the rate limit."""
        if not self._is_addressed(update, context):
            raise ApplicationHandlerStop
        user = update.effective_user
        chat = update.effective_chat
        user_id = user.id if user else None
        if not self.access.is_allowed(user_id, chat.id if chat else None):
            logger.info("Refused an update from user %s in chat %s", user_id, chat.id if chat else None)
            text = DENIED_TEXT.format(user_id=user_id)
            if update.callback_query is not None:
                await update.callback_query.answer(
                    f"Bạn chưa được cấp quyền sử dụng trợ lý này (mã người dùng {user_id}).", show_alert=True
                )
            elif update.effective_message is not None:
                await self._reply(update.effective_message, text)
            raise ApplicationHandlerStop
        if update.message is not None and user_id is not None and not self._is_free_command(update.message):
            wait = self.limiter.check(user_id)
            if wait is not None:
                logger.info("Rate limited user %s", user_id)
                await self._reply(update.message, RATE_LIMITED_TEXT.format(seconds=int(wait + 0.999)))
                raise ApplicationHandlerStop

    @staticmethod
    def _is_free_command(message: Message) -> bool:
        """Commands that cost nothing and are never rate limited (help, sources, reset)."""
        text = message.text or ""
        if not text.startswith("/"):
            return False
        command = text.split(maxsplit=1)[0].partition("@")[0].lstrip("/").lower()
        return command in FREE_COMMANDS

    # ----------------------------------------------------------------- commands

    async def on_help(self, update: Update, context: Context) -> None:
        """/start and /help: what the bot does, with example questions as buttons."""
        message = update.effective_message
        if message is None:
            return
        text = HELP_TEXT.format(username=escape(context.bot.username or "bot"))
        if self.access.is_admin(update.effective_user.id if update.effective_user else None):
            text = text.replace("\n\nCâu hỏi ví dụ:", ADMIN_HELP + "\n\nCâu hỏi ví dụ:")
        await self._reply(message, text, examples_keyboard())

    async def on_lookup(self, update: Update, context: Context) -> None:
        """/tra <số hiệu>: a directive from the registry, with buttons to the plans that cite it."""
        message = update.effective_message
        if message is None:
            return
        query = " ".join(context.args or []).strip()
        if not query:
            await self._reply(message, LOOKUP_USAGE)
            return
        await self._typing(context, message)
        records = await asyncio.to_thread(self.assistant.lookup_directive, query)
        if not records:
            await self._reply(message, LOOKUP_NONE.format(query=escape(query)))
            return
        store = _refs(context)
        for record in records[:MAX_LOOKUP_RESULTS]:
            entries = []
            for i, mention in enumerate(record.mentions[:MAX_MENTION_BUTTONS], start=1):
                ref = SourceRef.from_mention(i, mention)
                entries.append((store.add(ref), ref))
            await self._reply(
                message, format_directive(record, MAX_MENTION_BUTTONS), mentions_keyboard(entries)
            )
        if len(records) > MAX_LOOKUP_RESULTS:
            await self._reply(message, LOOKUP_MORE.format(count=len(records) - MAX_LOOKUP_RESULTS))

    async def on_tasks(self, update: Update, context: Context) -> None:
        """/viec <đơn vị>: that agency's duties, deadlines and reports in the plans (bot/tasks.py)."""
        message = update.effective_message
        if message is not None:
            await reply_tasks(self.assistant, " ".join(context.args or []), lambda html: self._reply(message, html))

    async def on_sources(self, update: Update, context: Context) -> None:
        """/nguon: the sources of the last answer again."""
        message = update.effective_message
        if message is None:
            return
        entries: list[tuple[str, SourceRef]] = _chat_data(context).get("last_sources") or []
        if not entries:
            await self._reply(message, NO_SOURCES_TEXT)
            return
        header = "Có thể liên quan:" if _chat_data(context).get("last_refused") else "Nguồn:"
        text = format_source_list([ref.as_citation() for _, ref in entries], header=header)
        await self._reply(message, text, sources_keyboard(entries))

    async def on_reset(self, update: Update, context: Context) -> None:
        """/moi: forget the conversation and stop an answer in progress."""
        message = update.effective_message
        chat = update.effective_chat
        if message is None or chat is None:
            return
        data = _chat_data(context)
        data.pop("history", None)
        data.pop("last_sources", None)
        data.pop("last_refused", None)
        stop = self._generations.get(chat.id)
        text = RESET_TEXT
        if stop is not None and not stop.is_set():
            stop.set()
            text = f"{STOPPED_TEXT} {RESET_TEXT}"
        await self._reply(message, text)

    async def on_unknown_command(self, update: Update, context: Context) -> None:
        """A command we do not know."""
        if update.effective_message is not None:
            await self._reply(update.effective_message, UNKNOWN_COMMAND_TEXT)

    # ----------------------------------------------------------------- messages

    async def on_text(self, update: Update, context: Context) -> None:
        """Any text is a question (in groups, the bot's mention is removed from it)."""
        message = update.effective_message
        if message is None or message.text is None:
            return
        if await self.feedback.comment(message, _chat_data(context)):
            await self._reply(message, escape(COMMENT_SAVED))
            return
        question = self._strip_mention(message.text, context.bot.username or "")
        if not question:
            await self._reply(message, EMPTY_QUESTION_TEXT)
            return
        if len(question) > self.settings.max_question_chars:
            await self._reply(message, TOO_LONG_TEXT.format(limit=self.settings.max_question_chars))
            return
        await self.answer_question(message, question, context)

    async def on_edited(self, update: Update, context: Context) -> None:
        """Edited messages are not re-answered; say so."""
        if update.edited_message is not None:
            await self._reply(update.edited_message, EDITED_TEXT)

    async def on_other(self, update: Update, context: Context) -> None:
        """Stickers, photos, voice, locations...: ask for text."""
        if update.message is not None:
            await self._reply(update.message, NON_TEXT_TEXT)

    async def on_document(self, update: Update, context: Context) -> None:
        """An uploaded document: admins get it ingested and confirmed with counts; others a polite refusal."""
        message = update.effective_message
        if message is None or message.document is None:
            return
        if not self.access.is_admin(update.effective_user.id if update.effective_user else None):
            await self._reply(message, UPLOAD_DENIED)
            return
        document = message.document
        name = Path(document.file_name or "tai-lieu.txt").name
        if Path(name).suffix.lower() not in UPLOAD_SUFFIXES:
            await self._reply(message, escape(UnsupportedDocumentError.user_message))
            return
        max_bytes = min(self.settings.max_upload_bytes, MAX_TELEGRAM_DOWNLOAD)
        if document.file_size is not None and document.file_size > max_bytes:
            await self._reply(message, UPLOAD_TOO_BIG.format(mb=max_bytes // (1024 * 1024)))
            return
        status = await self._reply(message, UPLOAD_STARTED.format(name=escape(name)))
        try:
            await self._typing(context, message)
            telegram_file = await document.get_file()
            data = bytes(await telegram_file.download_as_bytearray())
            if len(data) > max_bytes:
                await status.edit_text(UPLOAD_TOO_BIG.format(mb=max_bytes // (1024 * 1024)))
                return
            holder = content_holder(await asyncio.to_thread(self.assistant.list_documents), name, data)
            if holder is not None:
                await self._safe_edit(status, escape(UPLOAD_DUPLICATE.format(
                    name=name, doc_id=holder.doc_id, filename=holder.filename)))
                return
            report = await asyncio.to_thread(self.assistant.ingest_bytes, name, data)
        except Exception as exc:
            await self._safe_edit(status, escape(_user_message(exc)))
            raise _mark_notified(exc) from None
        logger.info(
            "Admin %s ingested %s: %s", update.effective_user and update.effective_user.id, name, report
        )
        lines = [
            f"Đã nạp tài liệu “{escape(name)}”.",
            f"• Tài liệu: {report.documents} (mới {report.added}, thay thế {report.replaced}, "
            f"không đổi {report.unchanged})",
            f"• Mục: {report.sections}; đoạn chỉ mục: {report.chunks}; văn bản chỉ đạo: {report.directives}",
        ]
        if report.skipped:
            lines.append("• Bỏ qua: " + escape("; ".join(report.skipped)))
        await self._safe_edit(status, "\n".join(lines))

    # ----------------------------------------------------------------- buttons

    async def on_callback(self, update: Update, context: Context) -> None:
        """Buttons: example questions, a source's quote, a full section."""
        query = update.callback_query
        chat = update.effective_chat
        if query is None or chat is None:
            return
        await query.answer()
        data = query.data or ""
        anchor = query.message if isinstance(query.message, Message) else None
        if data.startswith(FEEDBACK_PREFIX):
            user_id = update.effective_user.id if update.effective_user else None
            text, asks = await self.feedback.vote(data, user_id, _chat_data(context))
            if anchor is not None and asks:
                quote = anchor.chat.type != ChatType.PRIVATE
                prompt = await anchor.reply_text(escape(text), reply_markup=comment_reply_box(), do_quote=quote)
                self.feedback.prompt_sent(prompt, _chat_data(context))
            else:
                await self._send(context, chat.id, escape(text), anchor)
            return
        if data.startswith(EXAMPLE_PREFIX):
            index = (
                int(data.removeprefix(EXAMPLE_PREFIX)) if data.removeprefix(EXAMPLE_PREFIX).isdigit() else -1
            )
            if not 0 <= index < len(EXAMPLE_QUESTIONS):
                await self._send(context, chat.id, EXPIRED_TEXT, anchor)
                return
            user_id = update.effective_user.id if update.effective_user else None
            wait = self.limiter.check(user_id) if user_id is not None else None
            if wait is not None:
                await self._send(
                    context, chat.id, RATE_LIMITED_TEXT.format(seconds=int(wait + 0.999)), anchor
                )
                return
            question = EXAMPLE_QUESTIONS[index]
            asked = await self._send(context, chat.id, f"❓ <b>{escape(question)}</b>", anchor)
            await self.answer_question(asked, question, context)
            return
        prefix, _, key = data.partition(":")
        ref = _refs(context).get(key)
        if ref is None or f"{prefix}:" not in (QUOTE_PREFIX, SECTION_PREFIX):
            await self._send(context, chat.id, EXPIRED_TEXT, anchor)
            return
        if f"{prefix}:" == QUOTE_PREFIX:
            await self._send(
                context, chat.id, format_quote(ref.as_citation()), anchor, section_keyboard(key, ref)
            )
            return
        text = await asyncio.to_thread(self.assistant.get_section_text, ref.doc_id, ref.section_id)
        body = format_section(ref.doc_title, ref.section_path, text) if text.strip() else SECTION_EMPTY
        for part in split_message(body):
            await self._send(context, chat.id, part, anchor)

    # ----------------------------------------------------------------- answering

    async def answer_question(self, message: Message, question: str, context: Context) -> None:
        """Stream an answer to `question` into a reply to `message`, then show it with its sources."""
        chat_id = message.chat.id
        if chat_id in self._generations:
            await self._reply(message, BUSY_CHAT_TEXT)
            return
        stop = threading.Event()
        self._generations[chat_id] = stop
        try:
            await self._answer(message, question, context, stop)
        finally:
            if self._generations.get(chat_id) is stop:
                del self._generations[chat_id]

    async def _answer(self, message: Message, question: str, context: Context, stop: threading.Event) -> None:
        """The body of answer_question (the chat is marked busy around it)."""
        data = _chat_data(context)
        history: list[ChatTurn] = list(data.get("history") or [])
        placeholder = await self._reply(message, escape(SEARCHING_TEXT))
        group = message.chat.type != ChatType.PRIVATE
        live = LiveMessage(placeholder, self.edit_interval_s * (2 if group else 1))
        try:
            answer = await self._stream(question, history, stop, live, context, message)
        except Exception as exc:
            await self._safe_edit(placeholder, escape(_user_message(exc)))
            raise _mark_notified(exc) from None
        if answer is None:
            await self._safe_edit(placeholder, escape(STOPPED_TEXT))
            return
        await self._deliver(answer, live, message, context, self.feedback.remember(answer, history))
        if self.history_messages:
            history += [
                ChatTurn(role="user", content=question),
                ChatTurn(role="assistant", content=answer.answer),
            ]
            data["history"] = history[-self.history_messages :]

    async def _stream(
        self,
        question: str,
        history: Sequence[ChatTurn],
        stop: threading.Event,
        live: LiveMessage,
        context: Context,
        message: Message,
    ) -> Answer | None:
        """Run the assistant's stream in a worker thread; edit the live message as tokens arrive.

        Returns the final answer, or None if the generation was stopped (/moi or shutdown).
        """
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[object] = asyncio.Queue()

        def put(item: object) -> None:
            try:
                loop.call_soon_threadsafe(queue.put_nowait, item)
            except RuntimeError:  # the loop is closed: nobody listens any more
                stop.set()

        def pump() -> None:
            try:
                events = self.assistant.stream(question, history)  # input errors raise here
            except BaseException as exc:
                put(exc)
                put(_END)
                return
            try:
                for event in events:
                    if stop.is_set():
                        break
                    put(event)
            except BaseException as exc:
                put(exc)
            finally:
                close = getattr(events, "close", None)
                if close is not None:
                    close()
                put(_END)

        loop.run_in_executor(None, pump)
        text = ""
        answer: Answer | None = None
        last_typing = 0.0
        while True:
            if not context.application.running:
                stop.set()
            if stop.is_set():
                return None
            now = time.monotonic()
            if not text and now - last_typing >= TYPING_INTERVAL_S:  # until the answer starts to show
                last_typing = now
                await self._typing(context, message)
            try:
                item = await asyncio.wait_for(queue.get(), timeout=POLL_S)
            except TimeoutError:
                continue
            if item is _END:
                break
            if isinstance(item, BaseException):
                raise item
            if not isinstance(item, StreamEvent):
                continue
            if item.type == "sources":
                found = f"Đã tìm thấy {len(item.sources)} đoạn liên quan, đang soạn câu trả lời…"
                await live.update(escape(found) if item.sources else escape(SEARCHING_TEXT))
            elif item.type == "token":
                text += item.text
                await live.update(format_preview(text))
            elif item.type == "done":
                answer = item.answer
            elif item.type == "error":
                error = item.error or {}
                # the facade puts the Vietnamese user message under "message" (English under "detail")
                code = error.get("code", "internal_error")
                detail = error.get("detail") or f"stream error: {code}"
                raise error_for_code(code, detail, error.get("message") or GENERIC_ERROR)
        if answer is None:
            raise PlanbotError("the stream ended without a final answer")
        return answer

    async def _deliver(
        self, answer: Answer, live: LiveMessage, message: Message, context: Context, answer_id: str
    ) -> None:
        """The final answer: the placeholder becomes its first part; source and 👍/👎 buttons go under the last."""
        store = _refs(context)
        cited = answer.related if answer.refused else answer.citations
        entries = [(store.add(ref), ref) for ref in (SourceRef.from_citation(c) for c in cited)]
        data = _chat_data(context)
        data["last_sources"] = entries
        data["last_refused"] = answer.refused
        markup = with_feedback(sources_keyboard(entries), answer_id)
        parts = split_message(format_answer(answer))
        await live.finish(parts[0], markup if len(parts) == 1 else None)
        for i, part in enumerate(parts[1:], start=2):
            await self._reply(message, part, markup if i == len(parts) else None)

    # ----------------------------------------------------------------- errors

    async def on_error(self, update: object, context: Context) -> None:
        """The one error handler: log with the traceback, answer politely in Vietnamese."""
        error = context.error
        logger.error("Error while handling a Telegram update: %s", error, exc_info=error)
        if error is None or getattr(error, "planbot_notified", False) or not isinstance(update, Update):
            return
        chat = update.effective_chat
        if chat is None:
            return
        try:
            await context.bot.send_message(chat.id, escape(_user_message(error)))
        except TelegramError:
            logger.warning("Could not send the error reply to chat %s", chat.id, exc_info=True)

    # ----------------------------------------------------------------- helpers

    @staticmethod
    def _strip_mention(text: str, username: str) -> str:
        """The question without '@botname'."""
        if username:
            text = re.sub(rf"@{re.escape(username)}\b", " ", text, flags=re.IGNORECASE)
        return " ".join(text.split())

    async def _reply(
        self, message: Message, html: str, markup: InlineKeyboardMarkup | None = None
    ) -> Message:
        """Reply in the message's chat; in groups the reply threads to the message."""
        quote = message.chat.type != ChatType.PRIVATE
        return await message.reply_text(html, reply_markup=markup, do_quote=quote)

    async def _send(
        self,
        context: Context,
        chat_id: int,
        html: str,
        anchor: Message | None,
        markup: InlineKeyboardMarkup | None = None,
    ) -> Message:
        """Send to a chat, threading to `anchor` in groups."""
        if anchor is not None:
            return await self._reply(anchor, html, markup)
        return await context.bot.send_message(chat_id, html, reply_markup=markup)

    @staticmethod
    async def _safe_edit(message: Message, html: str) -> None:
        """Edit a status message; failures are logged, never raised."""
        try:
            await message.edit_text(html)
        except TelegramError:
            logger.warning("Could not edit message %s", message.message_id, exc_info=True)

    @staticmethod
    async def _typing(context: Context, message: Message) -> None:
        """Show 'typing…' (best effort)."""
        try:
            await context.bot.send_chat_action(
                message.chat.id,
                ChatAction.TYPING,
                message_thread_id=message.message_thread_id if message.is_topic_message else None,
            )
        except TelegramError:
            logger.debug("sendChatAction failed", exc_info=True)
