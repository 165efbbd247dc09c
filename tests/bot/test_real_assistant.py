"""The bot over the real Assistant and the shipped corpus (real Chroma, real embedder).

The model is the shared ScriptedGenerator (it copies the first sentence of source [1], so the answer passes
verification), except in the `slow` test, which loads the real default model.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from bot.formatting import escape
from bot.texts import REFUSED_TEXT, SECTION_BUTTON
from rag.assistant import Assistant
from tests.bot.conftest import ADMIN, USER, BotHarness
from tests.conftest import CORPUS, ScriptedGenerator, make_settings

# a question that reaches the model (no section of the plan answers it on its own)
QUESTION = "Kế hoạch 464/KH-LĐLĐ của Lai Châu tuyên truyền trên báo, đài của tỉnh về việc gì?"


def copy_first_source(messages: Sequence[dict[str, str]]) -> str:
    """A model reply that quotes the longest sentence of source [1] of the last prompt, cited."""
    last = messages[-1]["content"]
    match = re.search(r"^\[1\][^\n]*\n(.+?)(?=\n\[2\] |\n\nCÂU HỎI|\Z)", last, flags=re.MULTILINE | re.DOTALL)
    if match is None:
        return REFUSED_TEXT
    sentences = re.split(r"(?<=[.;:])\s+|\n+", match.group(1).strip())
    sentence = max(sentences, key=len).strip().rstrip(".;:")
    return f"- {sentence} [1]."


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    markup = message.get("reply_markup") or {}
    return [b for row in markup.get("inline_keyboard", []) for b in row]


async def bot_message(h: BotHarness, chat_id: int, after_id: int, needle: str, timeout: float = 60.0) -> Any:
    """A bot message newer than `after_id` containing `needle`."""

    def found() -> dict[str, Any] | None:
        return next(
            (m for m in h.api.bot_messages(chat_id) if m["message_id"] > after_id and needle in m["text"]),
            None,
        )

    return await h.api.wait_for(found, repr(needle), timeout=timeout)


@pytest.mark.integration
def test_question_sources_and_lookup_over_the_real_corpus(run_bot: Any, corpus_data_dir: Path) -> None:
    scripted = ScriptedGenerator(copy_first_source)
    assistant = Assistant(make_settings(corpus_data_dir), generator=scripted)

    async def scenario(h: BotHarness) -> None:
        asked = h.api.send_text(QUESTION)
        answer = await bot_message(h, USER, asked["message_id"], "Nguồn:")
        assert len(scripted.prompts) == 1
        reply = copy_first_source(scripted.prompts[0])
        sentence = reply.removeprefix("- ").removesuffix(" [1].")
        assert escape(sentence) in answer["text"], "the verified answer is shown, escaped"
        titles = [escape(meta.title) for meta in assistant.list_documents()]
        assert any(f"[1] {title} › " in answer["text"] for title in titles), (
            "numbered source: title › section"
        )
        more = [b for b in buttons(answer) if b["text"] == SECTION_BUTTON]
        assert more, "each cited source has a button for its full section"
        h.api.press(answer, more[0]["callback_data"])
        section = await bot_message(h, USER, answer["message_id"], "</b>\n\n")
        assert len(section["text"]) > 40

        asked = h.api.send_text("/tra 35-NQ/TW")
        record = await bot_message(h, USER, asked["message_id"], "35-NQ/TW")
        assert "Nghị quyết" in record["text"]
        assert buttons(record), "buttons to the plans that cite it"

        asked = h.api.send_text("Kinh phí mua xe ô tô cho ban tuyên giáo là bao nhiêu tỷ đồng?")
        refused = await bot_message(h, USER, asked["message_id"], REFUSED_TEXT)
        assert "Nguồn:" not in refused["text"]

    run_bot(scenario, assistant=assistant)


@pytest.mark.integration
def test_admin_upload_is_ingested_by_the_real_assistant(run_bot: Any, tmp_path: Path) -> None:
    assistant = Assistant(make_settings(tmp_path / "data"), generator=ScriptedGenerator(copy_first_source))
    path = sorted(CORPUS.glob("hoa-binh_*.txt"))[0]
    data = path.read_bytes()

    async def scenario(h: BotHarness) -> None:
        h.api.files["plan"] = data
        document = {
            "file_id": "plan",
            "file_unique_id": "uplan",
            "file_name": path.name,
            "file_size": len(data),
        }
        upload = h.api.new_message(None, user_id=ADMIN, document=document)
        h.api.push({"message": upload})
        done = await bot_message(h, ADMIN, upload["message_id"], "Đã nạp tài liệu", timeout=300)
        assert "Tài liệu: 1 (mới 1" in done["text"]
        assert re.search(r"Mục: [1-9]\d*; đoạn chỉ mục: [1-9]", done["text"]), done["text"]
        assert [m.filename for m in assistant.list_documents()] == [path.name]

    run_bot(scenario, assistant=assistant)


@pytest.mark.integration
@pytest.mark.slow
def test_real_default_model_answers_through_the_bot(run_bot: Any, real_assistant: Assistant) -> None:
    assistant = real_assistant  # the real default model (llama.cpp GGUF), shared by the session

    async def scenario(h: BotHarness) -> None:
        asked = h.api.send_text(QUESTION)

        def final() -> dict[str, Any] | None:
            for m in h.api.bot_messages(USER):
                if m["message_id"] > asked["message_id"] and (
                    "Nguồn:" in m["text"] or REFUSED_TEXT in m["text"]
                ):
                    return m
            return None

        answer = await h.api.wait_for(final, "the model's answer", timeout=900)
        assert "Nguồn:" in answer["text"], answer["text"]
        assert re.search(r"\[1\]", answer["text"])
        assert buttons(answer)

    run_bot(scenario, assistant=assistant, edit_interval_s=1.5)
