"""Logging for every entry point: one root handler at the configured level (text or one JSON object per line).

Third-party libraries may set their own loggers to DEBUG (bm25s does at import); the handler's own level keeps
their records out unless the operator asks for DEBUG.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from typing import Any

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
QUIET_LIBRARIES = ("httpx", "httpcore", "urllib3", "chromadb", "bm25s", "multipart", "asyncio")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, message (+ the fields of a message that is itself JSON)."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        out: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
        }
        parsed = _json_object(message)
        if parsed is not None:  # e.g. the access log's records are JSON already: merge, do not nest a string
            out.update({k: v for k, v in parsed.items() if k not in out})
        else:
            out["message"] = message
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


def _json_object(text: str) -> dict[str, Any] | None:
    if not text.startswith("{"):
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def configure_logging(level: str | int = "INFO", fmt: str = "text") -> None:
    """Replace the root handlers with one stderr handler at `level`, in `fmt` ("text" or "json")."""
    numeric = logging.getLevelName(level.upper()) if isinstance(level, str) else level
    if not isinstance(numeric, int):
        numeric = logging.INFO
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(numeric)
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(numeric)
    floor = max(numeric, logging.WARNING)
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(floor)

