"""rag.llm.openai_compat against a real streaming HTTP server on 127.0.0.1."""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

import pytest

from rag.config import Settings
from rag.errors import BackendError, ModelUnavailableError
from rag.interfaces import Generator
from rag.llm.openai_compat import OpenAICompatGenerator, iter_sse_data

MESSAGES = [{"role": "system", "content": "Trả lời ngắn."}, {"role": "user", "content": "Xin chào"}]


def _generator(make_settings: Callable[..., Settings], url: str, **overrides: Any) -> OpenAICompatGenerator:
    return OpenAICompatGenerator(make_settings(llm_backend="openai", llm_url=url, **overrides))


@pytest.mark.unit
def test_sse_parser_handles_comments_and_multiline_data() -> None:
    lines = [": ping", "data: a", "data: b", "", "event: x", "data:c", "", "data: tail"]
    assert list(iter_sse_data(iter(lines))) == ["a\nb", "c", "tail"]


@pytest.mark.unit
def test_missing_url_is_a_configuration_error(make_settings: Callable[..., Settings]) -> None:
    with pytest.raises(ModelUnavailableError, match="PLANBOT_LLM_URL"):
        OpenAICompatGenerator(make_settings(llm_backend="openai"))


@pytest.mark.integration
def test_streams_deltas_until_done(make_settings: Callable[..., Settings], chat_server: Any) -> None:
    gen = _generator(make_settings, chat_server.url, llm_model="qwen", llm_api_key="sk-test")
    assert isinstance(gen, Generator)
    deltas = list(gen.stream(MESSAGES, max_tokens=50, stop=["\n\n"]))
    gen.close()
    assert deltas == ["Xin", " chào", ", tôi là", " trợ lý."]  # nothing after [DONE]
    request = chat_server.state.requests[0]
    assert request["model"] == "qwen"
    assert request["messages"] == MESSAGES
    assert request["max_tokens"] == 50
    assert request["stream"] is True
    assert request["stop"] == ["\n\n"]
    assert request["temperature"] == 0.0
    assert chat_server.state.headers[0]["authorization"] == "Bearer sk-test"


@pytest.mark.integration
def test_no_key_sends_no_authorization(make_settings: Callable[..., Settings], chat_server: Any) -> None:
    gen = _generator(make_settings, chat_server.url)
    assert "".join(gen.stream(MESSAGES, max_tokens=5)) == "Xin chào, tôi là trợ lý."
    assert "authorization" not in chat_server.state.headers[0]
    assert "stop" not in chat_server.state.requests[0]


@pytest.mark.integration
def test_http_error_becomes_backend_error(make_settings: Callable[..., Settings], chat_server: Any) -> None:
    gen = _generator(make_settings, chat_server.url, llm_model="http-500")
    with pytest.raises(BackendError, match="HTTP 500") as info:
        list(gen.stream(MESSAGES, max_tokens=5))
    assert not isinstance(info.value, ModelUnavailableError)


@pytest.mark.integration
def test_wrong_path_means_model_unavailable(make_settings: Callable[..., Settings], chat_server: Any) -> None:
    gen = _generator(make_settings, chat_server.url.removesuffix("/v1") + "/nope")
    with pytest.raises(ModelUnavailableError, match="HTTP 404"):
        list(gen.stream(MESSAGES, max_tokens=5))


@pytest.mark.integration
def test_malformed_event_is_a_backend_error(make_settings: Callable[..., Settings], chat_server: Any) -> None:
    gen = _generator(make_settings, chat_server.url, llm_model="malformed")
    with pytest.raises(BackendError, match="malformed"):
        list(gen.stream(MESSAGES, max_tokens=5))


@pytest.mark.integration
def test_unreachable_server_means_model_unavailable(make_settings: Callable[..., Settings]) -> None:
    with socket.socket() as sock:  # a port that was free a moment ago and has no listener
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    gen = _generator(make_settings, f"http://127.0.0.1:{port}/v1")
    with pytest.raises(ModelUnavailableError, match="cannot reach"):
        list(gen.stream(MESSAGES, max_tokens=5))


@pytest.mark.integration
def test_closing_the_stream_disconnects(make_settings: Callable[..., Settings], chat_server: Any) -> None:
    gen = _generator(make_settings, chat_server.url, llm_model="endless")
    stream = gen.stream(MESSAGES, max_tokens=5)
    received = [next(stream) for _ in range(3)]
    stream.close()  # type: ignore[attr-defined]
    assert received == ["tok0 ", "tok1 ", "tok2 "]
    assert chat_server.state.finished.wait(60), "the server kept streaming after the client closed"
    assert chat_server.state.chunks_sent < 100_000
