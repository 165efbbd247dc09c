"""Generator over an OpenAI-compatible chat server (llama.cpp server, vLLM, Ollama, hosted APIs), streamed."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Sequence
from typing import Any

import httpx

from rag.config import Settings
from rag.errors import BackendError, ModelUnavailableError

_DONE = "[DONE]"


def iter_sse_data(lines: Iterator[str]) -> Iterator[str]:
    """The `data:` payloads of a server-sent-event stream, one per event (multi-line data joined by \\n)."""
    buffer: list[str] = []
    for line in lines:
        if line == "":
            if buffer:
                yield "\n".join(buffer)
                buffer = []
            continue
        if line.startswith(":"):
            continue  # comment / keep-alive
        field, _, value = line.partition(":")
        if field == "data":
            buffer.append(value[1:] if value.startswith(" ") else value)
    if buffer:
        yield "\n".join(buffer)


def _delta_text(event: dict[str, Any]) -> str:
    """Text of one chat.completion.chunk (also accepts the non-chat `text` field)."""
    choices = event.get("choices") or []
    if not choices:
        return ""
    choice = choices[0]
    delta = choice.get("delta") or {}
    text = delta.get("content")
    if text is None:
        text = choice.get("text")
    return text or ""


class OpenAICompatGenerator:
    """`Generator` that streams from `{settings.llm_url}/chat/completions`."""

    def __init__(self, settings: Settings) -> None:
        if not settings.llm_url:
            raise ModelUnavailableError("llm_backend=openai needs PLANBOT_LLM_URL (an OpenAI /v1 base URL)")
        self._settings = settings
        self._url = settings.llm_url.rstrip("/") + "/chat/completions"
        self._client: httpx.Client | None = None
        self._client_lock = threading.Lock()
        self.name = f"openai:{settings.llm_model}"

    def _http(self) -> httpx.Client:
        if self._client is None:
            with self._client_lock:
                if self._client is None:
                    headers = {"Accept": "text/event-stream"}
                    if self._settings.llm_api_key is not None:
                        headers["Authorization"] = f"Bearer {self._settings.llm_api_key.get_secret_value()}"
                    seconds = self._settings.llm_timeout_s
                    timeout = httpx.Timeout(seconds, connect=min(10.0, seconds))
                    self._client = httpx.Client(headers=headers, timeout=timeout)
        return self._client

    def close(self) -> None:
        """Close the HTTP connection pool."""
        with self._client_lock:
            if self._client is not None:
                self._client.close()
                self._client = None

    def stream(
        self, messages: Sequence[dict[str, str]], *, max_tokens: int, stop: Sequence[str] = ()
    ) -> Iterator[str]:
        """Text deltas of the reply; closing the iterator closes the HTTP response (the server stops)."""
        payload: dict[str, Any] = {
            "model": self._settings.llm_model,
            "messages": [{"role": m["role"], "content": m["content"]} for m in messages],
            "max_tokens": max_tokens,
            "temperature": self._settings.llm_temperature,
            "stream": True,
        }
        if stop:
            payload["stop"] = list(stop)
        return self._stream(payload)

    def _stream(self, payload: dict[str, Any]) -> Iterator[str]:
        try:
            with self._http().stream("POST", self._url, json=payload) as response:
                if response.status_code >= 400:
                    body = response.read().decode("utf-8", "replace")[:300]
                    unavailable = response.status_code in (401, 403, 404, 503)
                    error_cls = ModelUnavailableError if unavailable else BackendError
                    raise error_cls(f"{self._url} answered HTTP {response.status_code}: {body}")
                for data in iter_sse_data(response.iter_lines()):
                    if data.strip() == _DONE:
                        return
                    try:
                        event = json.loads(data)
                    except json.JSONDecodeError as exc:
                        raise BackendError(f"{self._url} sent a malformed SSE event: {data[:200]!r}") from exc
                    if isinstance(event, dict) and event.get("error"):
                        raise BackendError(f"{self._url} reported an error: {str(event['error'])[:300]}")
                    text = _delta_text(event) if isinstance(event, dict) else ""
                    if text:
                        yield text
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            raise ModelUnavailableError(f"cannot reach the model server at {self._url}: {exc}") from exc
        except httpx.TimeoutException as exc:
            raise BackendError(f"the model server at {self._url} timed out: {exc}") from exc
        except httpx.HTTPError as exc:
            raise BackendError(f"HTTP error talking to {self._url}: {exc}") from exc
