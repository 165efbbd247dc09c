"""AnswerStream: iteration, .answer(), close stopping the generation, failures raised as exceptions."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pytest

from rag.answer.stream import AnswerStream
from rag.config import Settings
from rag.errors import BackendError, ModelUnavailableError, PlanbotError
from rag.types import Answer, StreamEvent
from tests.conftest import ScriptedGenerator
from tests.rag.answer.conftest import FakeCorpus, make_engine
from tests.rag.answer.test_generated import _source_sentence as source_sentence
from tests.rag.conftest import ParsedDoc

pytestmark = pytest.mark.unit

# a question that reaches the model (no section of the plan answers it on its own)
QUESTION = "Lai Châu tuyên truyền trên báo, đài của tỉnh bằng cách nào?"


class FailingGenerator(ScriptedGenerator):
    """A model whose backend fails after a first token."""

    def __init__(self, error: PlanbotError) -> None:
        super().__init__("Một")
        self.error = error

    def _tokens(self, text: str) -> Iterator[str]:
        yield text
        raise self.error


class Tracked:
    """An event generator that records whether it was closed before its end."""

    def __init__(self, events: Sequence[StreamEvent]) -> None:
        self.events = events
        self.closed_early = 0

    def __call__(self) -> Iterator[StreamEvent]:
        finished = False
        try:
            yield from self.events
            finished = True
        finally:
            if not finished:
                self.closed_early += 1


def _answer(text: str = "Trả lời [1].") -> Answer:
    return Answer(question=QUESTION, answer=text)


def _events(answer: Answer) -> list[StreamEvent]:
    return [StreamEvent(type="sources"), StreamEvent(type="token", text=answer.answer),
            StreamEvent(type="done", answer=answer)]


@pytest.fixture()
def fake(corpus: dict[str, ParsedDoc]) -> FakeCorpus:
    return FakeCorpus([corpus["lai-chau"], corpus["soc-trang"]])


def test_iteration_gives_sources_tokens_then_done(settings: Settings, fake: FakeCorpus) -> None:
    model = ScriptedGenerator("Lai Châu tuyên truyền qua hội nghị [1].")
    stream = AnswerStream(make_engine(settings, fake, generator=model).stream(QUESTION))
    kinds = [event.type for event in stream]
    assert kinds[0] == "sources" and kinds[-1] == "done" and set(kinds) <= {"sources", "token", "done"}
    assert stream.closed


def test_answer_drains_and_returns_the_final_answer(settings: Settings, fake: FakeCorpus) -> None:
    model = ScriptedGenerator("Lai Châu tuyên truyền qua hội nghị [1].")
    events = list(make_engine(settings, fake, generator=model).stream(QUESTION))
    stream = AnswerStream(make_engine(settings, fake, generator=ScriptedGenerator(model.reply)).stream(QUESTION))
    next(stream)  # partly read: .answer() reads the rest
    answer = stream.answer()
    assert events[-1].answer is not None and answer.answer == events[-1].answer.answer
    assert stream.closed


def test_close_stops_the_model(settings: Settings, fake: FakeCorpus) -> None:
    model = ScriptedGenerator(lambda m: f"{source_sentence(m)} [1]. " * 3 + "Câu cuối chưa xong")
    with AnswerStream(make_engine(settings, fake, generator=model).stream(QUESTION)) as stream:
        for event in stream:
            if event.type == "token":
                break  # a reader leaves after the first verified sentence
        assert model.prompts and model.closed_early == 0
    assert model.closed_early == 1 and stream.closed


def test_close_is_idempotent_and_ends_iteration() -> None:
    source = Tracked(_events(_answer()))
    stream = AnswerStream(source())
    assert next(stream).type == "sources"
    stream.close()
    stream.close()
    assert source.closed_early == 1
    assert list(stream) == []


def test_a_backend_failure_raises_from_iteration(settings: Settings, fake: FakeCorpus) -> None:
    model = FailingGenerator(ModelUnavailableError("llama.cpp is gone"))
    stream = AnswerStream(make_engine(settings, fake, generator=model).stream(QUESTION))
    seen: list[str] = []
    with pytest.raises(ModelUnavailableError) as info:
        for event in stream:
            seen.append(event.type)
    assert seen and "error" not in seen  # no error event: the exception itself, code and message intact
    assert info.value.code == "model_unavailable" and info.value.user_message == ModelUnavailableError.user_message
    assert stream.closed and list(stream) == []


def test_a_backend_failure_raises_from_answer(settings: Settings, fake: FakeCorpus) -> None:
    model = FailingGenerator(BackendError("connection refused", user_message="Máy chủ mô hình không trả lời."))
    stream = AnswerStream(make_engine(settings, fake, generator=model).stream(QUESTION))
    with pytest.raises(BackendError, match="connection refused") as info:
        stream.answer()
    assert info.value.user_message == "Máy chủ mô hình không trả lời."


def test_a_stream_without_a_final_answer_is_a_backend_error() -> None:
    with pytest.raises(BackendError):
        AnswerStream(_events(_answer())[:2]).answer()


def test_a_stream_closed_before_done_has_no_answer() -> None:
    stream = AnswerStream(Tracked(_events(_answer()))())
    stream.close()
    with pytest.raises(BackendError):
        stream.answer()


def test_of_answer_replays_a_finished_answer() -> None:
    answer = _answer("Đã trả lời [1].")
    stream = AnswerStream.of_answer(answer)
    events = list(stream)
    assert [e.type for e in events] == ["sources", "token", "done"]
    assert events[1].text == answer.answer and events[2].answer is answer
    assert AnswerStream.of_answer(answer).answer() is answer
