"""The value a question asks for must be linked, in one sentence, to what it is asked of."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.asked import (
    asked_kind,
    asked_of,
    linked_sentences,
    signed_on_behalf,
    subject_words,
    year_linked,
    years_asked,
)
from rag.assistant import Assistant
from rag.directives import DirectiveRegistry
from rag.evidence import CorpusStats, question_words
from rag.refusal import EvidenceGate
from rag.types import Chunk
from tests.conftest import ScriptedGenerator

CONGRESS = "Đại hội đại biểu MTTQ tỉnh Mẫu Sơn nhiệm kỳ 2024-2029 dự kiến tổ chức ngày nào?"
BUDGET = "Kinh phí thực hiện kế hoạch tuyên truyền của thành phố là bao nhiêu?"


def _linked(question: str, text: str) -> list[str]:
    kind = asked_kind(question)
    assert kind is not None
    return linked_sentences(kind, subject_words(question, question_words(question), kind), text)


@pytest.mark.unit
@pytest.mark.parametrize(("question", "kind"), [
    (CONGRESS, "event_date"), (BUDGET, "money"), ("Số điện thoại của Ban Tuyên giáo là gì?", "contact"),
    ("Lai Châu tổ chức bao nhiêu hội nghị báo cáo viên?", "count"), ("Thời hạn nộp báo cáo là khi nào?", "deadline"),
    ("Kế hoạch đề ra những hình thức tuyên truyền nào?", None),
])
def test_asked_kind(question: str, kind: str | None) -> None:
    found = asked_kind(question)
    assert (found.name if found else None) == kind


@pytest.mark.unit
def test_a_date_elsewhere_is_not_the_events_date() -> None:
    header = "Mẫu Sơn, ngày 14 tháng 9 năm 2023. Chuẩn bị tốt Đại hội đại biểu MTTQ tỉnh nhiệm kỳ 2024-2029."
    assert _linked(CONGRESS, header) == []
    held = "Đại hội đại biểu MTTQ tỉnh lần thứ XI, nhiệm kỳ 2024-2029 dự kiến tổ chức vào tháng 9/2024."
    assert _linked(CONGRESS, held) == [held]


@pytest.mark.unit
def test_an_amount_for_something_else_is_not_the_budget() -> None:
    assert _linked(BUDGET, "Hỗ trợ 50 triệu đồng cho giải báo chí. Tổ chức hội nghị báo cáo viên.") == []
    assert _linked(BUDGET, "Kinh phí thực hiện Kế hoạch: 200 triệu đồng từ ngân sách tỉnh.") != []


@pytest.mark.integration
def test_entity_held_value_not_is_said_plainly(corpus_assistant: Assistant, scripted: ScriptedGenerator) -> None:
    scripted.reply = "Kinh phí thực hiện là 100 triệu đồng [1]."
    answer = corpus_assistant.ask("Kinh phí thực hiện Kế hoạch 464 của LĐLĐ Lai Châu là bao nhiêu?")
    assert answer.refused and "không ghi kinh phí" in answer.answer
    assert "100 triệu" not in answer.answer and scripted.prompts == []


def _asked_linked(question: str, text: str, context: str = "") -> list[str]:
    asked = asked_of(question, question_words(question))
    assert asked is not None
    return asked.linked(text, context)


LAUNCH = "Lễ phát động phong trào thi đua của tỉnh Mẫu Sơn tổ chức ngày nào?"


@pytest.mark.unit
def test_an_events_date_needs_the_events_noun() -> None:
    period = "Phong trào thi đua được tổ chức từ tháng 10 năm 2025 đến hết tháng 3 năm 2026."
    assert _asked_linked(LAUNCH, period) == []
    held = "Lễ phát động phong trào thi đua tổ chức vào ngày 20/10/2025 tại Hội trường tỉnh."
    assert _asked_linked(LAUNCH, held) == [held]


@pytest.mark.unit
def test_a_cited_documents_date_is_not_the_events() -> None:
    cited = "Hội nghị triển khai Chỉ thị số 08-CT/TU ngày 05/8/2025 của Ban Thường vụ Tỉnh ủy."
    assert _asked_linked("Hội nghị triển khai chỉ thị của tỉnh diễn ra ngày nào?", cited) == []


@pytest.mark.unit
def test_a_year_does_not_answer_which_day() -> None:
    yearly = "Tổ chức hội nghị tập huấn cho cán bộ làm công tác việc làm. Thời gian thực hiện: năm 2025."
    assert _asked_linked("Hội nghị tập huấn cho cán bộ diễn ra ngày nào?", yearly) == []
    dated = "Hội nghị tập huấn cho cán bộ dự kiến tổ chức trong tháng 11/2025."
    assert _asked_linked("Hội nghị tập huấn cho cán bộ diễn ra ngày nào?", dated) == [dated]


@pytest.mark.unit
def test_an_amount_must_be_spent_not_lost() -> None:
    question = "Tỉnh chi bao nhiêu tiền hỗ trợ nhu yếu phẩm cho dân vùng lũ?"
    loss = "Mưa lũ gây thiệt hại ước trên 900 tỷ đồng cho dân vùng lũ, nhiều hộ cần hỗ trợ nhu yếu phẩm."
    assert _asked_linked(question, loss) == []
    spent = "Ngân sách tỉnh chi 12 tỷ đồng hỗ trợ nhu yếu phẩm cho dân vùng lũ."
    assert _asked_linked(question, spent) == [spent]
    assert asked_of("Thành phố bố trí bao nhiêu tỷ đồng cho kế hoạch?", []) is not None


@pytest.mark.unit
def test_how_many_wants_the_number_of_that_thing() -> None:
    addicts = "Cần Đước phấn đấu 100% người nghiện được tư vấn; tổ chức 3 lớp tập huấn cho cán bộ."
    assert _asked_linked("Tỉnh hiện có bao nhiêu người nghiện ma túy?", addicts) == []
    counted = "Toàn tỉnh hiện có 1.250 người nghiện ma túy có hồ sơ quản lý."
    assert _asked_linked("Tỉnh hiện có bao nhiêu người nghiện ma túy?", counted) == [counted]
    area = "Diện tích rừng bị lấn chiếm còn lớn, số vụ vi phạm chưa giảm."
    assert _asked_linked("Tỉnh có bao nhiêu héc-ta rừng bị lấn chiếm?", area) == []
    assert _asked_linked("Tỉnh có bao nhiêu héc-ta rừng bị lấn chiếm?", "Có 35 ha rừng bị lấn chiếm.") != []
    share = "Phấn đấu có ít nhất 10% cán bộ xây dựng pháp luật từ nguồn thu hút."
    assert _asked_linked("Tỉnh phấn đấu bao nhiêu phần trăm cán bộ xây dựng pháp luật từ nguồn thu hút?",
                         share) == [share]


DIRECTOR = "Giám đốc Sở Văn hóa tỉnh Mẫu Sơn hiện nay là ai?"


@pytest.mark.unit
@pytest.mark.parametrize("text", [
    "KT. GIÁM ĐỐC SỞ VĂN HÓA PHÓ GIÁM ĐỐC Trần Văn Bình",  # signed on the director's behalf by a deputy
    "Phó Giám đốc Sở Văn hóa Trần Văn Bình chủ trì hội nghị.",
    "Giám đốc Sở Văn hóa chịu trách nhiệm tổ chức thực hiện Kế hoạch này.",  # the role, nobody named
])
def test_a_role_nobody_holds_in_the_text_is_not_linked(text: str) -> None:
    assert _asked_linked(DIRECTOR, text) == []


@pytest.mark.unit
def test_the_role_with_its_holder_or_definition_is_linked() -> None:
    named = "Đồng chí Lê Thị Hoa, Giám đốc Sở Văn hóa, phát biểu khai mạc."
    assert _asked_linked(DIRECTOR, named) == [named]
    defined = "Trưởng Ban Chỉ đạo là Chủ tịch Ủy ban nhân dân tỉnh; Công an tỉnh là cơ quan thường trực."
    assert [s.rstrip(";") for s in _asked_linked("Trưởng Ban Chỉ đạo phòng cháy của tỉnh là ai?", defined)] == [
        defined.split("; ")[0]]


@pytest.mark.unit
def test_the_date_of_a_document_asked_by_its_type_is_its_own() -> None:
    cited = "Thực hiện Chỉ thị số 08-CT/TU ngày 05/8/2025 của Ban Thường vụ Tỉnh ủy về công tác dân vận."
    assert _asked_linked("Chỉ thị của Ban Thường vụ Tỉnh ủy về công tác dân vận ban hành ngày nào?", cited) == [cited]


@pytest.mark.unit
def test_a_year_the_question_names_must_be_about_its_subject() -> None:
    assert years_asked("Kết quả thi đua nhiệm kỳ 2021-2026 của tỉnh ra sao?") == ["2021", "2026"]
    assert years_asked("Thông tư số 34/2023/TT-BYT ngày 31/12/2023 quy định gì?") == []  # a number and a date
    subject = ["thang hanh dong", "binh dang gioi", "chu de"]
    other_year = "Tháng hành động vì bình đẳng giới năm 2025 có chủ đề về phòng, chống bạo lực."
    assert not year_linked("2023", subject, other_year)
    assert year_linked("2025", subject, other_year)
    assert not year_linked("2023", subject, "Theo Thông tư số 12/2023/TT-BYT, tháng hành động có chủ đề mới.")


@pytest.mark.unit
def test_the_deputy_who_signed_for_the_role_is_named_with_their_own_title() -> None:
    signature = "Nơi nhận:\n- Như trên;\n- Lưu VT.\nKT. GIÁM\nĐỐC\nPHÓ GIÁM ĐỐC\nTrần Thị Mai"
    assert signed_on_behalf("giam doc", signature) == "Phó giám đốc Trần Thị Mai"
    assert signed_on_behalf("giam doc", "GIÁM ĐỐC\nTrần Thị Mai") is None  # signed by the director herself
    assert signed_on_behalf("chu tich", signature) is None  # on behalf of another role


@pytest.mark.unit
def test_a_funding_source_needs_no_amount() -> None:
    question = "Kinh phí tổ chức hội thi tuyên truyền lấy từ đâu?"
    source = "Kinh phí tổ chức hội thi tuyên truyền được bố trí trong dự toán chi thường xuyên của Sở."
    assert _asked_linked(question, source) == [source]
    in_section = "Do ngân sách tỉnh bảo đảm theo phân cấp hiện hành."
    assert _asked_linked(question, in_section, "V. KINH PHÍ > Hội thi tuyên truyền") == [in_section]
    assert _asked_linked(question, "Hội thi tuyên truyền tổ chức vào quý III năm 2026.") == []
    assert _asked_linked("kinh phi to chuc hoi thi tuyen truyen lay tu dau", source) == [source]


@pytest.mark.unit
@pytest.mark.parametrize("sentence", [
    "Các xã gửi báo cáo kết quả rà soát về Sở trước ngày 15/12/2025.",
    "Định kỳ 6 tháng, các xã gửi báo cáo kết quả rà soát về Sở.",
    "Các xã hoàn thành rà soát và gửi báo cáo kết quả trong quý IV/2025.",
])
def test_a_deadline_may_be_a_day_a_quarter_or_a_period(sentence: str) -> None:
    assert _asked_linked("Các xã gửi báo cáo kết quả rà soát khi nào?", sentence) == [sentence]


@pytest.mark.unit
def test_a_deadline_is_not_the_plans_header_date_nor_an_often() -> None:
    question = "Hạn chót các xã gửi báo cáo kết quả rà soát là ngày nào?"
    header = "Mẫu Sơn, ngày 14 tháng 9 năm 2025. Các xã gửi báo cáo kết quả rà soát về Sở."
    assert _asked_linked(question, header) == []
    often = "Thường xuyên kiểm tra việc rà soát, các xã gửi báo cáo kết quả về Sở."
    assert _asked_linked(question, often) == []
    periodic = "Định kỳ hằng quý, các xã gửi báo cáo kết quả rà soát về Sở."
    assert _asked_linked(question, periodic) == []  # a period, not the day asked
    assert _asked_linked("Các xã gửi báo cáo kết quả rà soát khi nào?", periodic) == [periodic]


@pytest.mark.unit
def test_a_documents_date_is_linked_but_never_refuses() -> None:
    question = "Quyết định về khen thưởng phong trào thi đua được ban hành ngày nào?"
    cited = "Thực hiện Quyết định số 15/QĐ-UBND ngày 02/3/2025 về khen thưởng phong trào thi đua."
    assert _asked_linked(question, cited) == [cited]
    asked = asked_of(question, question_words(question))
    assert asked is not None and asked.kind.name == "issue_date" and not asked.refuses


@pytest.mark.unit
def test_a_target_count_is_answered_by_a_share_a_stock_count_is_not() -> None:
    share = "Phấn đấu đến năm 2030 có 100% xã đạt chuẩn văn hóa."
    assert _asked_linked("Chỉ tiêu đến năm 2030 bao nhiêu xã đạt chuẩn văn hóa?", share) == [share]
    counted = "Phấn đấu đến năm 2030 có 45 xã đạt chuẩn văn hóa."
    assert _asked_linked("Chỉ tiêu đến năm 2030 bao nhiêu xã đạt chuẩn văn hóa?", counted) == [counted]
    assert _asked_linked("Huyện hiện có bao nhiêu xã đạt chuẩn văn hóa?", share) == []


@pytest.mark.unit
def test_a_rate_is_answered_by_a_share() -> None:
    question = "Tỷ lệ hộ dân dùng nước sạch phấn đấu đạt bao nhiêu?"
    target = "Phấn đấu tỷ lệ hộ dân dùng nước sạch đạt trên 95% vào năm 2027."
    assert _asked_linked(question, target) == [target]
    assert _asked_linked(question, "Hộ dân dùng nước sạch được hỗ trợ lắp đặt 2.000 bồn chứa.") == []


TASKS = ("Sở Tư pháp chủ trì tổ chức tập huấn nghiệp vụ hòa giải ở cơ sở cho cán bộ tư pháp cấp xã. "
         "Sở Tư pháp tổng hợp kết quả, báo cáo Ủy ban nhân dân tỉnh.")


def _gate_check(tmp_path: Path, question: str, text: str) -> tuple[bool, str | None]:
    chunk = Chunk(chunk_id="kh:1", doc_id="kh", doc_title="Kế hoạch tập huấn hòa giải", section_id="1",
                  section_path=["III. TỔ CHỨC THỰC HIỆN", "1. Sở Tư pháp"], text=text)
    gate = EvidenceGate(DirectiveRegistry(tmp_path / "d.sqlite3"), min_support=0.15)
    stats = CorpusStats([chunk.index_text()])
    verdict = gate.check(question, question_words(question, stats), [chunk], [], stats)
    return verdict.refuse, verdict.missing.name if verdict.missing else None


@pytest.mark.unit
def test_a_task_asked_with_its_deadline_is_answered_and_the_deadline_named_missing(tmp_path: Path) -> None:
    combined = "Sở Tư pháp được giao nhiệm vụ gì về tập huấn hòa giải, thời hạn khi nào?"
    assert _gate_check(tmp_path, combined, TASKS) == (False, "deadline")
    alone = "Thời hạn Sở Tư pháp tổ chức tập huấn hòa giải ở cơ sở là khi nào?"
    assert _gate_check(tmp_path, alone, TASKS) == (True, "deadline")
    dated = TASKS + " Thời gian tổ chức tập huấn: hoàn thành trước ngày 30/9/2026."
    assert _gate_check(tmp_path, combined, dated) == (False, None)
