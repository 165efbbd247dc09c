"""Pure ASGI middleware (streaming-safe): request ids, body size limits, security headers, access logs."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from typing import Any
from urllib.parse import unquote_plus

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import PayloadTooLargeError, error_body
from api.metrics import record_request
from rag.config import Settings

access_logger = logging.getLogger("planbot.access")

JSON_BODY_LIMIT = 256 * 1024
MULTIPART_OVERHEAD = 64 * 1024
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


# Query parameters whose value is a credential: never written to a log, whatever the client sent.
_SECRET_PARAMS = re.compile(r"(?:api[-_]?key|key|token|access[-_]?token|secret|password|passwd|auth\w*)$", re.I)


def redact_query(query: str) -> str:
    """The query string with credential-like parameters' values replaced by `***`."""
    if not query:
        return query
    parts = []
    for pair in query.split("&"):
        name, sep, _value = pair.partition("=")
        decoded = unquote_plus(name).strip()
        parts.append(f"{name}{sep}***" if sep and _SECRET_PARAMS.search(decoded) else pair)
    return "&".join(parts)


def request_id_from(headers: list[tuple[bytes, bytes]]) -> str:
    """The caller's X-Request-ID when it is sane, else a fresh one."""
    for name, value in headers:
        if name.lower() == b"x-request-id":
            text = value.decode("latin-1").strip()
            if _REQUEST_ID.match(text):
                return text
    return uuid.uuid4().hex


class RequestContextMiddleware:
    """Adds X-Request-ID and security headers, enforces body limits, writes one JSON access log line."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    def _limit(self, scope: Scope) -> int:
        if scope["method"] == "POST" and scope["path"].rstrip("/") == "/v1/documents":
            return self.settings.max_upload_bytes + MULTIPART_OVERHEAD
        return JSON_BODY_LIMIT

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        rid = request_id_from(scope.get("headers", []))
        state: dict[str, Any] = scope.setdefault("state", {})
        state["request_id"] = rid
        status_box = {"status": 0, "bytes": 0}
        limit = self._limit(scope)

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_box["status"] = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", rid.encode()))
                headers.append((b"x-content-type-options", b"nosniff"))
                headers.append((b"referrer-policy", b"no-referrer"))
                message["headers"] = headers
            elif message["type"] == "http.response.body":
                status_box["bytes"] += len(message.get("body", b""))
            await send(message)

        try:
            length = _content_length(scope)
            if length is not None and length > limit:
                await self._too_large(send_wrapper, rid)
                return
            received = 0

            async def receive_wrapper() -> Message:
                nonlocal received
                message = await receive()
                if message["type"] == "http.request":
                    received += len(message.get("body", b""))
                    if received > limit:
                        raise HTTPException(status_code=413)
                return message

            await self.app(scope, receive_wrapper, send_wrapper)
        finally:
            self._log(scope, state, status_box, started, rid)
            record_request(scope, status_box["status"] or 499, time.perf_counter() - started)

    async def _too_large(self, send: Send, rid: str) -> None:
        body = json.dumps(
            {
                "error": {
                    **error_body(PayloadTooLargeError.code, PayloadTooLargeError.user_message)["error"],
                    "request_id": rid,
                }
            },
            ensure_ascii=False,
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    def _log(self, scope: Scope, state: dict[str, Any], box: dict[str, int], started: float, rid: str) -> None:
        principal = state.get("principal")
        record: dict[str, Any] = {
            "event": "access",
            "request_id": rid,
            "method": scope.get("method"),
            "path": scope.get("path"),
            "status": box["status"] or 499,
            "bytes": box["bytes"],
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            "client": (scope.get("client") or ("", 0))[0],
            "identity": getattr(principal, "identity", None),
        }
        if not self.settings.production:
            query = redact_query(scope.get("query_string", b"").decode("latin-1"))
            if query:
                record["query"] = query[:200]
            question = state.get("log_question")
            if question:
                record["question"] = str(question)[:200]
        access_logger.info(json.dumps(record, ensure_ascii=False))


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
