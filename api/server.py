"""`serve`: run the API with uvicorn, refusing to expose a keyless server beyond loopback."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from api.security import auth_enabled, is_loopback
from rag.config import Settings
from rag.errors import PlanbotError
from rag.logs import configure_logging

if TYPE_CHECKING:
    from api.app import Companion
    from rag.assistant import Assistant

logger = logging.getLogger("planbot.api")


class UnsafeBindError(PlanbotError):
    """Binding a non-loopback address with no API key configured and open access not allowed."""

    user_message = (
        "Không có khóa API nào được cấu hình nên máy chủ chỉ được chạy trên 127.0.0.1. "
        "Đặt PLANBOT_API_KEYS / PLANBOT_ADMIN_API_KEYS, hoặc PLANBOT_OPEN_ACCESS=true nếu thật sự muốn mở."
    )
    code = "unsafe_bind"


def check_exposure(settings: Settings, host: str) -> list[str]:
    """Raise UnsafeBindError for a keyless non-loopback bind without open_access; return warnings to log."""
    if auth_enabled(settings):
        return []
    if is_loopback(host):
        return [f"no API key configured: serving without authentication on loopback ({host}) only"]
    if not settings.open_access:
        raise UnsafeBindError(f"refusing to serve {host} without API keys (set PLANBOT_OPEN_ACCESS=true)")
    return [f"PLANBOT_OPEN_ACCESS=true: serving {host} WITHOUT authentication (admin endpoints stay local-only)"]


def serve(
    settings: Settings,
    host: str | None = None,
    port: int | None = None,
    *,
    assistant: Assistant | None = None,
    companions: Sequence[Companion] = (),
) -> None:
    """Run the HTTP API and web chat until interrupted (one process: the model is shared by all requests).

    Pass `assistant` to reuse one already built (e.g. by `planbot run` after ingesting); otherwise the app
    builds its own in the lifespan. `companions` run alongside (see `api.app.create_app`).
    """
    import uvicorn

    from api.app import create_app

    bind_host = host or settings.host
    bind_port = port if port is not None else settings.port
    warnings = check_exposure(settings, bind_host)  # refuse before any log line is written
    configure_logging(settings.log_level or "INFO", settings.log_format)
    for warning in warnings:
        logger.warning(warning)
    uvicorn.run(
        create_app(settings, assistant=assistant, companions=companions),
        host=bind_host,
        port=bind_port,
        access_log=False,
        log_level="info",
        log_config=None,  # uvicorn's loggers propagate to our one root handler (text or JSON)
        timeout_graceful_shutdown=10,
    )
