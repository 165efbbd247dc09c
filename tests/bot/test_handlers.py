"""The wiring: the one error handler (polite reply, logged once) and no token in the logs."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from rag.errors import BackendError
from tests.bot.conftest import (
    QUESTION,
    TOKEN,
    USER,
    BotHarness,
    BrokenAssistant,
    ask,
)


@pytest.mark.integration
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


@pytest.mark.integration
def test_token_never_reaches_the_logs(run_bot: Any, caplog: pytest.LogCaptureFixture) -> None:
    async def scenario(h: BotHarness) -> None:
        await ask(h.api, QUESTION)
        logging.getLogger("httpx").warning("HTTP Request: POST %s/getMe", h.settings.telegram_api_url + TOKEN)

    with caplog.at_level(logging.DEBUG):
        run_bot(scenario)
    assert caplog.records, "something was logged"
    assert TOKEN not in caplog.text
    assert any("<token>" in r.getMessage() for r in caplog.records if r.name == "httpx")
