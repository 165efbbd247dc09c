"""A fake Telegram Bot API server (aiohttp on 127.0.0.1), a hand-written FakeAssistant and a bot harness.

The bot under test is the real PTB Application from bot.app.build_application, polling our fake server through
`base_url`. The fake server records every call (method + parsed parameters) for assertions.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import itertools
import json
import re
import socket
import threading
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web

from bot.app import build_application
from bot.lifecycle import start_application, stop_application
from bot.texts import REFUSED_TEXT, SOURCES_HEADER
from rag.assistant import AnswerStream, StreamEvent
from rag.config import Settings
from rag.errors import BackendError, BusyError, InvalidInputError
from rag.text import fold
from rag.types import Answer, ChatTurn, Citation, DirectiveRecord, DocumentMeta, IngestReport, Mention

TOKEN = "123456:TEST-token_abcdefghijklmnopqrstuvwxyz"
BOT_ID = 123456
BOT_USERNAME = "planbot_test_bot"
USER = 1001  # allowed user
ADMIN = 1002  # admin
STRANGER = 1003  # not allowed
GROUP = -100777  # allowed group chat
STOP_TIMEOUT_S = 120.0
QUESTION = "Kế hoạch 464 có những hình thức tuyên truyền miệng nào?"
FOLLOW_UP = "Còn mục đích của kế hoạch đó thì sao?"
LONG_QUESTION = "Cho tôi toàn văn đề cương tuyên truyền phần phụ lục"

# Fields sent as JSON strings inside form-encoded bodies.
NESTED_FIELDS = frozenset(
    {
        "reply_markup",
        "reply_parameters",
        "allowed_updates",
        "link_preview_options",
        "entities",
        "caption_entities",
        "commands",
        "scope",
    }
)
INT_FIELDS = frozenset({"chat_id", "message_id", "offset", "limit", "timeout", "reply_to_message_id"})


@dataclass
class ApiCall:
    """One request the bot made to the fake Bot API."""

    method: str
    params: dict[str, Any]


class FakeBotApi:
    """A tiny Bot API: serves injected updates to getUpdates and answers what the bot sends."""

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.calls: list[ApiCall] = []
        self.updates: list[dict[str, Any]] = []
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.chats: dict[int, dict[str, Any]] = {}
        self.files: dict[str, bytes] = {}
        self.failures: dict[str, list[dict[str, Any]]] = {}
        self._ids = itertools.count(500)
        self._update_ids = itertools.count(1)
        self._new_update = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -------------------------------------------------------------- server

    async def start(self) -> None:
        """Listen on a free port of 127.0.0.1."""
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()

    async def stop(self) -> None:
        """Shut the server down."""
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        file_prefix = f"/file/bot{self.token}/"
        if path.startswith(file_prefix):
            file_path = path[len(file_prefix) :]
            file_id = file_path.rsplit("/", 1)[-1]
            if file_id not in self.files:
                return web.Response(status=404)
            return web.Response(body=self.files[file_id])
        match = re.fullmatch(r"/bot([^/]+)/(\w+)", path)
        if match is None:
            return self._error(404, "Not Found")
        if match.group(1) != self.token:
            return self._error(401, "Unauthorized")
        method = match.group(2)
        params = await self._parse(request)
        self.calls.append(ApiCall(method, params))
        queued = self.failures.get(method)
        if queued:
            failure = queued.pop(0)
            return web.json_response({"ok": False, **failure}, status=failure["error_code"])
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            return self._error(404, "Not Found: method not found")
        result = await handler(params)
        if isinstance(result, web.Response):
            return result
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    def _error(code: int, description: str) -> web.Response:
        return web.json_response({"ok": False, "error_code": code, "description": description}, status=code)

    @staticmethod
    async def _parse(request: web.Request) -> dict[str, Any]:
        """Parse a JSON, form-encoded or multipart body; nested objects arrive as JSON strings."""
        if request.content_type == "application/json":
            raw = await request.json()
            return dict(raw) if isinstance(raw, dict) else {}
        form = await request.post()
        params: dict[str, Any] = {}
        for key, value in form.items():
            if not isinstance(value, str):
                params[key] = value
                continue
            if key in NESTED_FIELDS:
                params[key] = json.loads(value)
            elif key in INT_FIELDS and re.fullmatch(r"-?\d+", value):
                params[key] = int(value)
            else:
                params[key] = value
        params.update({k: v for k, v in request.query.items() if k not in params})
        return params

    # -------------------------------------------------------------- Bot API methods

    def _bot_user(self) -> dict[str, Any]:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Trợ lý Kế hoạch",
            "username": BOT_USERNAME,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _api_getMe(self, params: dict[str, Any]) -> Any:
        return self._bot_user()

    async def _api_deleteWebhook(self, params: dict[str, Any]) -> Any:
        return True

    async def _api_setWebhook(self, params: dict[str, Any]) -> Any:
        return True

    async def _api_setMyCommands(self, params: dict[str, Any]) -> Any:
        return True

    async def _api_sendChatAction(self, params: dict[str, Any]) -> Any:
        return True

    async def _api_answerCallbackQuery(self, params: dict[str, Any]) -> Any:
        return True

    async def _api_getUpdates(self, params: dict[str, Any]) -> Any:
        offset = int(params.get("offset") or 0)
        timeout = min(float(params.get("timeout") or 0), 0.5)
        pending = [u for u in self.updates if u["update_id"] >= offset]
        if not pending and timeout > 0:
            self._new_update.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), timeout)
            pending = [u for u in self.updates if u["update_id"] >= offset]
        return pending[: int(params.get("limit") or 100)]

    async def _api_sendMessage(self, params: dict[str, Any]) -> Any:
        chat_id = int(params["chat_id"])
        message = {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": self.chat(chat_id),
            "from": self._bot_user(),
            "text": params["text"],
        }
        markup = params.get("reply_markup")
        if markup and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        self.messages[(chat_id, message["message_id"])] = message
        # Like Telegram: a Message carries inline keyboards only (a ForceReply is a request, not part of it)
        return message

    async def _api_editMessageText(self, params: dict[str, Any]) -> Any:
        key = (int(params["chat_id"]), int(params["message_id"]))
        message = self.messages.get(key)
        if message is None:
            return self._error(400, "Bad Request: message to edit not found")
        markup = params.get("reply_markup")
        if message["text"] == params["text"] and message.get("reply_markup") == markup:
            return self._error(
                400,
                "Bad Request: message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message",
            )
        message["text"] = params["text"]
        if markup:
            message["reply_markup"] = markup
        else:
            message.pop("reply_markup", None)
        message["edit_date"] = int(time.time())
        return message

    async def _api_editMessageReplyMarkup(self, params: dict[str, Any]) -> Any:
        key = (int(params["chat_id"]), int(params["message_id"]))
        message = self.messages[key]
        message["reply_markup"] = params.get("reply_markup")
        return message

    async def _api_getFile(self, params: dict[str, Any]) -> Any:
        file_id = params["file_id"]
        if file_id not in self.files:
            return self._error(400, "Bad Request: invalid file_id")
        return {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_size": len(self.files[file_id]),
            "file_path": f"documents/{file_id}",
        }

    # -------------------------------------------------------------- injecting updates

    def chat(self, chat_id: int) -> dict[str, Any]:
        """The chat object of a chat id (private for positive ids, supergroup otherwise)."""
        if chat_id not in self.chats:
            if chat_id > 0:
                self.chats[chat_id] = {"id": chat_id, "type": "private", "first_name": f"User {chat_id}"}
            else:
                self.chats[chat_id] = {"id": chat_id, "type": "supergroup", "title": "Tổ thông tin"}
        return self.chats[chat_id]

    @staticmethod
    def user(user_id: int) -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": f"Cán bộ {user_id}", "language_code": "vi"}

    def push(self, update: dict[str, Any]) -> int:
        """Queue an update (its update_id is assigned here) and return the update_id."""
        update_id = next(self._update_ids)
        self.updates.append({"update_id": update_id, **update})
        self._new_update.set()
        return update_id

    def new_message(
        self,
        text: str | None = None,
        *,
        user_id: int = USER,
        chat_id: int | None = None,
        reply_to: dict[str, Any] | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        """A user's message object (text, with command/mention entities computed)."""
        chat_id = user_id if chat_id is None else chat_id
        message: dict[str, Any] = {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": self.chat(chat_id),
            "from": self.user(user_id),
        }
        if text is not None:
            message["text"] = text
            entities = []
            if text.startswith("/"):
                entities.append({"type": "bot_command", "offset": 0, "length": len(text.split()[0])})
            for found in re.finditer(r"@\w+", text):
                entities.append({"type": "mention", "offset": found.start(), "length": len(found.group())})
            if entities:
                message["entities"] = entities
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        message.update(extra)
        return message

    def send_text(self, text: str, **kwargs: Any) -> dict[str, Any]:
        """Inject a text message update; return the message."""
        message = self.new_message(text, **kwargs)
        self.push({"message": message})
        return message

    def press(self, message: dict[str, Any], data: str, *, user_id: int = USER) -> int:
        """Inject a press on an inline button of a bot message."""
        return self.push(
            {
                "callback_query": {
                    "id": str(next(self._ids)),
                    "from": self.user(user_id),
                    "chat_instance": "ci",
                    "message": message,
                    "data": data,
                }
            }
        )

    # -------------------------------------------------------------- assertions

    def of(self, method: str) -> list[ApiCall]:
        return [c for c in self.calls if c.method == method]

    def sent_to(self, chat_id: int) -> list[ApiCall]:
        """sendMessage calls to one chat."""
        return [c for c in self.of("sendMessage") if int(c.params["chat_id"]) == chat_id]

    def replies_to(self, message_id: int) -> list[ApiCall]:
        """sendMessage calls threaded to one message."""
        out = []
        for call in self.of("sendMessage"):
            params = call.params.get("reply_parameters") or {}
            if params.get("message_id") == message_id or call.params.get("reply_to_message_id") == message_id:
                out.append(call)
        return out

    def message(self, chat_id: int, message_id: int) -> dict[str, Any]:
        """The current state of a bot message (after edits)."""
        return self.messages[(chat_id, message_id)]

    def bot_messages(self, chat_id: int) -> list[dict[str, Any]]:
        """Current state of every bot message in a chat, oldest first."""
        return [m for (cid, _), m in sorted(self.messages.items()) if cid == chat_id]

    async def wait_for(self, predicate: Callable[[], Any], what: str, timeout: float = 15.0) -> Any:
        """Wait until predicate() is truthy (a hang guard, not a timing assertion)."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() > deadline:
                log = "\n".join(f"{c.method} {c.params}" for c in self.calls if c.method != "getUpdates")
                raise AssertionError(f"gave up waiting for {what}; calls:\n{log}")
            await asyncio.sleep(0.02)


# ------------------------------------------------------------------ FakeAssistant

SECTIONS: dict[tuple[str, str], dict[str, str]] = {
    ("ke-hoach-a", "s2.1"): {
        "title": "Kế hoạch 464/KH-LĐLĐ tuyên truyền xây dựng Đảng",
        "path": "III. HÌNH THỨC TUYÊN TRUYỀN › 1.",
        "text": "1. Tuyên truyền miệng thông qua đội ngũ báo cáo viên <cơ sở> & tuyên truyền viên, "
        "sinh hoạt chi bộ *định kỳ* và sinh hoạt_công đoàn.",
    },
    ("ke-hoach-a", "s1.1"): {
        "title": "Kế hoạch 464/KH-LĐLĐ tuyên truyền xây dựng Đảng",
        "path": "I. MỤC ĐÍCH, YÊU CẦU › 1.",
        "text": "1. Tạo sự thống nhất cao về nhận thức, tư tưởng và hành động trong cán bộ, đoàn viên.",
    },
    ("ke-hoach-b", "s3"): {
        "title": "Kế hoạch tuyên truyền xây dựng Đảng năm 2023 (Khánh Hòa)",
        "path": "II. NỘI DUNG › 1.3.",
        "text": "1.3. Tiếp tục bảo vệ nền tảng tư tưởng của Đảng theo tinh thần Nghị quyết số 35-NQ/TW "
        "ngày 22/10/2018 của Bộ Chính trị khóa XII.",
    },
    ("ke-hoach-c", "s9"): {
        "title": "Đề cương tuyên truyền (toàn văn)",
        "path": "PHỤ LỤC",
        "text": "\n\n".join(
            f"Đoạn {i}: nội dung đề cương tuyên truyền về xây dựng Đảng và hệ thống chính trị, "
            f"với các nhiệm vụ cụ thể cho từng cơ quan, đơn vị trong năm 2023 và các năm tiếp theo."
            for i in range(1, 80)
        ),
    },
}

DIRECTIVES = [
    DirectiveRecord(
        directive_id="35-nq-tw@2018-10-22",
        number="35-NQ/TW",
        doc_type="Nghị quyết",
        date="2018-10-22",
        issuer="Bộ Chính trị",
        term="khóa XII",
        subject="về tăng cường bảo vệ nền tảng tư tưởng của Đảng <và> đấu tranh phản bác",
        mentions=[
            Mention(
                doc_id="ke-hoach-b",
                doc_title=SECTIONS[("ke-hoach-b", "s3")]["title"],
                section_id="s3",
                section_path=SECTIONS[("ke-hoach-b", "s3")]["path"],
                sentence=SECTIONS[("ke-hoach-b", "s3")]["text"],
            )
        ],
    )
]


class FakeAssistant:
    """Same methods as rag.assistant.Assistant, over a few hand-written sections (word-overlap retrieval)."""

    def __init__(self) -> None:
        self.stream_calls: list[tuple[str, list[ChatTurn]]] = []
        self.ingested: list[tuple[str, bytes]] = []
        self.section_requests: list[tuple[str, str]] = []
        self.closed_streams = 0
        self.release = threading.Event()  # questions containing "chậm" wait for it between tokens
        self.release_timeout = 15.0

    def _retrieve(self, question: str, history: Sequence[ChatTurn]) -> list[tuple[str, str]]:
        context = " ".join([t.content for t in history if t.role == "user"] + [question])
        words = {w for w in re.findall(r"\w+", fold(context)) if len(w) > 3}
        scored = []
        for key, section in SECTIONS.items():
            overlap = len(words & set(re.findall(r"\w+", fold(section["title"] + " " + section["text"]))))
            if overlap >= 2:
                scored.append((overlap, key))
        scored.sort(reverse=True)
        return [key for _, key in scored[:2]]

    def stream(
        self,
        question: str,
        history: Sequence[ChatTurn] = (),
        *,
        top_k: int | None = None,
        filters: dict[str, Any] | None = None,
    ) -> AnswerStream:
        """Input errors raise at once (like the facade); then sources, text deltas and the final answer."""
        if len(question.strip()) < 3:
            raise InvalidInputError("question too short", user_message="Câu hỏi quá ngắn.")
        self.stream_calls.append((question, list(history)))
        return AnswerStream(self._events(question, history))

    def _events(self, question: str, history: Sequence[ChatTurn]) -> Iterator[StreamEvent]:
        keys = self._retrieve(question, history)
        citations = [
            Citation(
                n=i,
                doc_id=doc_id,
                doc_title=SECTIONS[(doc_id, sid)]["title"],
                section_path=SECTIONS[(doc_id, sid)]["path"],
                quote=SECTIONS[(doc_id, sid)]["text"][:300],
                section_id=sid,
            )
            for i, (doc_id, sid) in enumerate(keys, start=1)
        ]
        try:
            yield StreamEvent(type="sources", sources=citations)
            if not citations or "ngan sach" in fold(question):
                related = citations[:1]
                yield StreamEvent(
                    type="done",
                    answer=Answer(
                        question=question,
                        answer="Không tìm thấy thông tin này trong các tài liệu hiện có.",
                        refused=True,
                        mode="refused",
                        related=related,
                    ),
                )
                return
            body = SECTIONS[(citations[0].doc_id, citations[0].section_id)]["text"]
            step = 1500 if len(body) > 2000 else 60  # a few deltas per answer
            for i in range(0, len(body), step):
                if i and "chậm" in question:
                    self.release.wait(self.release_timeout)
                yield StreamEvent(type="token", text=body[i : i + step])
            yield StreamEvent(
                type="done",
                answer=Answer(question=question, answer=f"{body} [1]", citations=citations),
            )
        finally:
            self.closed_streams += 1

    def lookup_directive(self, query: str) -> list[DirectiveRecord]:
        """Records whose number digits and type letters all appear in the query."""
        q = fold(query).replace(" ", "")
        return [d for d in DIRECTIVES if re.sub(r"\D", "", d.number) in q and ("nq" in q)]

    def list_documents(self) -> list[DocumentMeta]:
        """One document per doc id of SECTIONS, with a content hash (what feedback records as the version)."""
        titles = {doc_id: section["title"] for (doc_id, _), section in SECTIONS.items()}
        return [DocumentMeta(doc_id=doc_id, title=title, filename=f"{doc_id}.txt",
                             sha256=hashlib.sha256(doc_id.encode()).hexdigest()) for doc_id, title in titles.items()]

    def get_section_text(self, doc_id: str, section_id: str) -> str:
        self.section_requests.append((doc_id, section_id))
        return SECTIONS[(doc_id, section_id)]["text"]

    def ingest_bytes(self, filename: str, data: bytes) -> IngestReport:
        self.ingested.append((filename, data))
        paragraphs = [p for p in data.decode("utf-8").split("\n\n") if p.strip()]
        return IngestReport(
            documents=1, added=1, sections=len(paragraphs), chunks=len(paragraphs), directives=0
        )


class BrokenAssistant(FakeAssistant):
    """A FakeAssistant whose model backend fails after the sources."""

    def _events(self, question: str, history: Sequence[ChatTurn]) -> Iterator[StreamEvent]:
        return self._failing(BackendError("llama.cpp server unreachable"))

    @staticmethod
    def _failing(error: Exception) -> Iterator[StreamEvent]:
        yield StreamEvent(type="sources", sources=[])
        raise error


class BusyAssistant(BrokenAssistant):
    """A FakeAssistant whose stream raises BusyError after the sources."""

    def _events(self, question: str, history: Sequence[ChatTurn]) -> Iterator[StreamEvent]:
        return self._failing(BusyError("queue full"))


SECTION_ITEMS = 12
SECTION_PATH = "III. HÌNH THỨC TUYÊN TRUYỀN"


def section_answer(question: str) -> Answer:
    """A long mode-"section" answer: 12 cited items, each item's lead in `answer`, the rest in `more`.

    Both parts are longer than one Telegram message; the remainder is one block of lines (no blank line), so it
    can only be cut at line boundaries; item 3 carries HTML-special characters.
    """
    doc = SECTIONS[("ke-hoach-a", "s2.1")]
    citations = [
        Citation(n=i, doc_id="ke-hoach-a", doc_title=doc["title"], section_path=f"{SECTION_PATH} › {i}.",
                 quote=f"Hình thức {i}.", section_id=f"s2.{i}")
        for i in range(1, SECTION_ITEMS + 1)
    ]
    lead = "tuyên truyền qua hội nghị, báo cáo viên và mạng xã hội của cơ quan, đơn vị " * 5
    rest = "phối hợp với các cơ quan báo chí, đài phát thanh cơ sở để đưa tin thường xuyên " * 7
    lines = [SECTION_PATH]
    lines += [f"{i}. Hình thức {i}: {lead.strip()} [{i}]" for i in range(1, SECTION_ITEMS + 1)]
    more = [f"{i}. (tiếp) Phần còn lại {i}: {rest.strip()}{' <a> & b' if i == 3 else ''} [{i}]"
            for i in range(1, SECTION_ITEMS + 1)]
    return Answer(question=question, answer="\n\n".join(lines), mode="section", citations=citations,
                  more="\n".join(more))


class SectionAssistant(FakeAssistant):
    """A FakeAssistant that answers every question with section_answer (no tokens: no model call)."""

    def _events(self, question: str, history: Sequence[ChatTurn]) -> Iterator[StreamEvent]:
        answer = section_answer(question)
        return iter([StreamEvent(type="sources", sources=answer.citations), StreamEvent(type="done", answer=answer)])


class FakeLive:
    """Stands in for bot.streaming.LiveMessage: records what would be shown."""

    def __init__(self) -> None:
        self.shown: list[str] = []

    async def update(self, html: str) -> None:
        self.shown.append(html)


# ------------------------------------------------------------------ harness


@dataclass
class BotHarness:
    """A running bot (real PTB Application) against the fake Bot API, with its fake assistant."""

    api: FakeBotApi
    assistant: Any
    settings: Settings
    application: Any = None
    extra: dict[str, Any] = field(default_factory=dict)


def make_settings(api: FakeBotApi, tmp_path: Any, **overrides: Any) -> Settings:
    """Test settings pointing at the fake server (no .env file is read)."""
    values: dict[str, Any] = {
        "telegram_token": TOKEN,
        "telegram_api_url": api.api_url,
        "telegram_file_url": api.file_url,
        "telegram_allowed_users": [USER],
        "telegram_allowed_chats": [GROUP],
        "telegram_admins": [ADMIN],
        "telegram_rate_limit_per_minute": 100,
        "data_dir": tmp_path,
        "open_access": False,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


Scenario = Callable[[BotHarness], Awaitable[None]]


@pytest.fixture
def run_bot(tmp_path: Any) -> Callable[..., None]:
    """Run `scenario(harness)` against a polling bot; settings overrides as keyword arguments."""

    def runner(
        scenario: Scenario, *, assistant: Any = None, edit_interval_s: float = 0.0, **overrides: Any
    ) -> None:
        async def main() -> None:
            api = FakeBotApi()
            await api.start()
            settings = make_settings(api, tmp_path, **overrides)
            harness = BotHarness(api=api, assistant=assistant or FakeAssistant(), settings=settings)
            harness.application = build_application(
                settings, harness.assistant, edit_interval_s=edit_interval_s
            )
            await start_application(harness.application, settings)
            try:
                await scenario(harness)
            finally:
                if isinstance(harness.assistant, FakeAssistant):
                    harness.assistant.release.set()
                # bounded, so that a stuck worker thread fails the test instead of hanging it
                await asyncio.wait_for(stop_application(harness.application), STOP_TIMEOUT_S)
                await api.stop()

        asyncio.run(main())

    return runner


# ------------------------------------------------------------------ helpers for scenarios


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
                SOURCES_HEADER in message["text"] or REFUSED_TEXT in message["text"]
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
