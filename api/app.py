"""create_app: wires settings, the shared assistant, middleware, error handlers and routes."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

from api.docs_ui import install_docs
from api.errors import install_error_handlers
from api.metrics import app_registry
from api.metrics import router as metrics_router
from api.middleware import RequestContextMiddleware
from api.queue import ModelQueue
from api.routes import ask, chat, directives, documents, feedback, health, models, search, tasks, web
from api.security import RateLimiter
from rag.assistant import Assistant
from rag.config import Settings
from rag.feedback import RecentAnswers

logger = logging.getLogger("planbot.api")

CORPUS_SUFFIXES = frozenset({".txt", ".md", ".docx", ".pdf"})

Stop = Callable[[], Awaitable[None]]
# Something run alongside the app (the Telegram bot): started in the lifespan with the app, the settings and the
# assistant; returns how to stop it, or None when it has nothing to run. The API does not know what it is.
Companion = Callable[[FastAPI, Settings, Assistant], Awaitable[Stop | None]]

DESCRIPTION = """
API của **Trợ lý Kế hoạch**: hỏi đáp có trích dẫn trên các kế hoạch thông tin, tuyên truyền.

- Xác thực: `Authorization: Bearer <khóa>` (khóa đọc `PLANBOT_API_KEYS`,
  khóa quản trị `PLANBOT_ADMIN_API_KEYS`).
- Lỗi luôn có dạng `{"error": {"code": "...", "message": "..."}}` với thông báo tiếng Việt.
- `POST /v1/ask` trả JSON, hoặc luồng SSE (`sources`, `token`, `done`, `error`) khi gửi
  `Accept: text/event-stream` hoặc `"stream": true`.
"""


def bootstrap(assistant: Assistant, settings: Settings, readiness: dict[str, str | None], ingest: bool) -> None:
    """Ingest the shipped corpus into an empty index (when asked), then load the index and the model."""
    try:
        if ingest and not assistant.list_documents() and settings.corpus_dir.is_dir():
            paths = sorted(p for p in settings.corpus_dir.iterdir() if p.suffix.lower() in CORPUS_SUFFIXES)
            if paths:
                logger.info("index empty: ingesting %d files from %s", len(paths), settings.corpus_dir)
                assistant.ingest(paths)
        assistant.warm_up()
        readiness.update(status="ready", detail=None)
        logger.info("assistant ready")
    except Exception as exc:
        logger.exception("warm-up failed")
        readiness.update(status="error", detail=type(exc).__name__)


def create_app(
    settings: Settings, assistant: Assistant | None = None, *, companions: Sequence[Companion] = ()
) -> FastAPI:
    """The FastAPI app. Without `assistant`, one is built in the lifespan (lazy, warmed up in a thread).

    `companions` run in the same process for the app's lifetime (the Telegram bot: `planbot.companions`).
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        built = assistant is None
        app.state.assistant = Assistant(settings) if assistant is None else assistant
        app.state.readiness.update(status="starting", detail=None)
        thread = threading.Thread(
            target=bootstrap,
            args=(app.state.assistant, settings, app.state.readiness, built),
            name="planbot-warm-up",
            daemon=True,
        )
        thread.start()
        stops = [stop for start in companions if (stop := await start(app, settings, app.state.assistant))]
        try:
            yield
        finally:
            for stop in reversed(stops):
                await stop()
            app.state.assistant = None

    app = FastAPI(
        title="Trợ lý Kế hoạch API",
        version="1.0.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # served from local assets by install_docs (no CDN)
        redoc_url=None,
        openapi_tags=[
            {"name": "Hỏi đáp", "description": "Hỏi và nhận câu trả lời có trích dẫn"},
            {"name": "Tra cứu", "description": "Tìm kiếm mục và văn bản chỉ đạo (không gọi mô hình)"},
            {"name": "Tài liệu", "description": "Danh sách, chi tiết, tải lên, xóa kế hoạch"},
            {"name": "Tương thích OpenAI", "description": "Dùng được với SDK/ứng dụng chat chuẩn OpenAI"},
            {"name": "Góp ý", "description": "Đánh giá câu trả lời (👍/👎) và xem góp ý (quản trị)"},
            {"name": "Vận hành", "description": "Kiểm tra sống / sẵn sàng, số liệu Prometheus"},
        ],
    )
    app.state.settings = settings
    app.state.assistant = None
    app.state.readiness = {"status": "starting", "detail": None}
    app.state.model_queue = ModelQueue(settings.queue_size)
    app.state.metrics_registry = app_registry(app.state.model_queue)
    app.state.recent_answers = RecentAnswers.from_settings(settings)  # shared by replicas
    app.state.feedback_store = None  # opened on first use (api/routes/feedback.py)
    app.state.rate_limiter = RateLimiter(settings.rate_limit_per_minute)

    install_error_handlers(app)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "DELETE", "OPTIONS"],
            allow_headers=["Authorization", "Content-Type", "Accept", "X-Request-ID"],
            expose_headers=["X-Request-ID", "Retry-After"],
            max_age=600,
        )
    app.add_middleware(RequestContextMiddleware, settings=settings)

    for module in (health, ask, search, directives, documents, tasks, chat, models, feedback, web):
        app.include_router(module.router)
    app.include_router(metrics_router)
    install_docs(app)
    app.mount("/static", StaticFiles(directory=web.STATIC_DIR), name="static")
    return app
