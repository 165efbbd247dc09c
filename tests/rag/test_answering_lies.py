"""A lying scripted model over the real corpus: an invented or misattributed value never reaches the reader.

Each liar reads the sources of its prompt and attaches a value the sources do hold (another document's date, a
date written for something else, an amount given for something else) or an invented one to what the question
asks about, next to one true sentence. The streamed events and the final answer never carry the value.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import pytest

from rag.assistant import Assistant
from tests.conftest import ScriptedGenerator
from tests.rag.test_answering import _first_sentence_of_source

pytestmark = pytest.mark.integration

# a question that reaches the model (no section of the plan answers it on its own)
QUESTION = "Phú Yên tuyên truyền về bảo vệ nền tảng tư tưởng của Đảng bằng cách nào?"
# prompt → (lie, the lied value as the lie attaches it: "được ký ngày 22/10/2018"; a true sentence may still
# carry the bare value, where the source gives it for what it really is)
Liar = Callable[[Sequence[dict[str, str]]], tuple[str, str]]


def _sources(messages: Sequence[dict[str, str]]) -> list[str]:
    user = messages[-1]["content"]
    return [m.group(1) for m in re.finditer(r"^\[\d+\] [^\n]*\n(.*?)(?=^\[\d+\] |\nCÂU HỎI:)", user, re.S | re.M)]


def _first_in_sources(messages: Sequence[dict[str, str]], pattern: str) -> tuple[int, str, str]:
    """(source number, the first match, the words that open the source's sentence holding it)."""
    for n, text in enumerate(_sources(messages), start=1):
        match = re.search(pattern, text)
        if match:
            sentence = re.split(r"(?<=[.;:])\s", text[:match.start()])[-1]
            head = " ".join(re.split(r"[,(]", re.sub(r"^[\d.]+\s*", "", sentence))[0].split()[:12])
            return n, match.group(0), head
    raise AssertionError(f"no source of the prompt holds {pattern!r}: the lie would not be a test")


def other_documents_date(messages: Sequence[dict[str, str]]) -> tuple[str, str]:
    """A date the sources give for a cited directive, claimed as the plan's own signing date (in the words of
    the very sentence that holds it, as an over-eager model would)."""
    n, date, head = _first_in_sources(messages, r"\d{1,2}/\d{1,2}/\d{4}")
    return f"{head} theo Kế hoạch của Tỉnh ủy Phú Yên được ký ngày {date} [{n}].", f"được ký ngày {date}"


def event_date_from_elsewhere(messages: Sequence[dict[str, str]]) -> tuple[str, str]:
    """A date written in the sources for something else, claimed as an event's date."""
    n, date, head = _first_in_sources(messages, r"\d{1,2}/\d{1,2}/\d{4}")
    return f"{head}, dự kiến tổ chức vào ngày {date} [{n}].", f"tổ chức vào ngày {date}"


def invented_event_date(messages: Sequence[dict[str, str]]) -> tuple[str, str]:
    n, _, head = _first_in_sources(messages, r"\w+")
    return f"{head}, dự kiến tổ chức vào ngày 14/9/2026 [{n}].", "14/9/2026"


def amount(messages: Sequence[dict[str, str]]) -> tuple[str, str]:
    """A number of the sources turned into the plan's budget."""
    n, number, head = _first_in_sources(messages, r"\d{2,4}")
    return f"{head}, kinh phí thực hiện là {number} triệu đồng [{n}].", f"{number} triệu"


@pytest.mark.parametrize("liar", [other_documents_date, event_date_from_elsewhere, invented_event_date, amount])
def test_lie_never_reaches_the_reader(corpus_assistant: Assistant, scripted: ScriptedGenerator, liar: Liar) -> None:
    lied: list[str] = []

    def reply(messages: Sequence[dict[str, str]]) -> str:
        lie, value = liar(messages)
        lied.append(value)
        return f"{lie}\n{_first_sentence_of_source(messages).rstrip('.')} [1]."

    scripted.reply = reply
    events = list(corpus_assistant.stream(QUESTION))
    assert lied, "the question should reach the model"
    value = lied[0]
    final = events[-1].answer
    assert events[-1].type == "done" and final is not None
    assert value not in final.answer
    assert all(value not in e.text for e in events if e.type == "token")
    # the true sentence survives, so the lie was dropped rather than the whole answer refused
    assert final.mode == "generated" and "[1]" in final.answer


def test_streamed_text_is_exactly_the_final_answer(corpus_assistant: Assistant, scripted: ScriptedGenerator) -> None:
    scripted.reply = lambda m: (f"{_first_sentence_of_source(m).rstrip('.')} [1].\n"
                                "Kinh phí thực hiện là 100 triệu đồng [1].\n"
                                "Tuyên truyền trên báo, đài phát thanh và truyền hình của tỉnh [1].")
    events = list(corpus_assistant.stream("Lai Châu tuyên truyền trên báo, đài của tỉnh bằng cách nào?"))
    final = events[-1].answer
    assert final is not None and final.mode == "generated"
    streamed = "".join(e.text for e in events if e.type == "token")
    assert streamed == final.answer
    assert "100 triệu" not in streamed
    assert "đài phát thanh và truyền hình của tỉnh" not in streamed  # the worked example's sentence
