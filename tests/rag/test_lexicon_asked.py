"""rag.lexicon.asked: the cue words telling apart the values officers ask for (a document's date, an event's
date, a deadline, an amount, a funding source, a count, a rate), with and without diacritics."""

from __future__ import annotations

import pytest

from rag.asked import asked_kind, asked_of
from rag.evidence import question_words
from rag.lexicon import asked as tables
from rag.text import fold

pytestmark = pytest.mark.unit

WORD_TABLES = {name: value for name, value in vars(tables).items()
               if name.isupper() and isinstance(value, (tuple, frozenset))}


def test_tables_are_folded_and_without_repeats() -> None:
    assert {"WHEN_FORMS", "ISSUE_VERBS", "DEADLINE_CUES", "FUNDING_SOURCE_CUES", "RATE_CUES", "OTHER_ASKS"} \
        <= set(WORD_TABLES)
    for name, words in WORD_TABLES.items():
        assert all(w == fold(w) == " ".join(w.split()) for w in words), name
        if isinstance(words, tuple):
            assert len(set(words)) == len(words), name


def _kind(question: str) -> str | None:
    found = asked_kind(question)
    return found.name if found else None


def _both(question: str) -> tuple[str, str]:
    """The question as typed and without its diacritics (officers type both)."""
    return question, fold(question)


@pytest.mark.parametrize("question", [
    *_both("Quyết định khen thưởng của tỉnh được ban hành ngày nào?"),
    *_both("Kế hoạch phòng chống thiên tai của huyện ký ngày mấy?"),
    *_both("Ngày ban hành của Hướng dẫn về công tác thi đua là ngày nào?"),
    *_both("Thông tư về quản lý lưu trữ có hiệu lực từ khi nào?"),
    *_both("Công văn của Sở Y tế đề ngày bao nhiêu?"),
])
def test_a_documents_own_date_is_not_an_events_date(question: str) -> None:
    assert _kind(question) == "issue_date"


@pytest.mark.parametrize("question", [
    *_both("Hội nghị tổng kết công tác dân vận diễn ra ngày nào?"),
    *_both("Lễ ra quân chiến dịch tình nguyện tổ chức khi nào?"),
    *_both("Chương trình giao lưu văn nghệ chào mừng Đại hội diễn ra khi nào?"),
])
def test_an_event_asked_when_is_an_events_date(question: str) -> None:
    assert _kind(question) == "event_date"


@pytest.mark.parametrize("question", [
    *_both("Hạn chót gửi hồ sơ đề nghị khen thưởng là ngày nào?"),
    *_both("Các xã nộp báo cáo kết quả khi nào?"),
    *_both("Thời hạn hoàn thành việc rà soát hộ nghèo?"),
    *_both("Hạn báo cáo sơ kết là khi nào?"),
    *_both("Chậm nhất ngày nào các đơn vị phải gửi danh sách?"),
    *_both("Các phường gửi báo cáo định kỳ khi nào?"),  # "định kỳ", not "ký"
])
def test_a_duty_asked_when_is_a_deadline(question: str) -> None:
    assert _kind(question) == "deadline"


@pytest.mark.parametrize("question", [
    *_both("Kinh phí tổ chức hội thi lấy từ đâu?"),
    *_both("Nguồn kinh phí thực hiện chương trình là gì?"),
    *_both("Tiền hỗ trợ hộ nghèo chi từ nguồn nào?"),
])
def test_where_the_money_comes_from_is_not_an_amount(question: str) -> None:
    assert _kind(question) == "funding_source"


@pytest.mark.parametrize(("question", "kind"), [
    ("Kinh phí tổ chức hội thi là bao nhiêu?", "money"),
    ("kinh phi to chuc hoi thi la bao nhieu", "money"),
    ("Tỷ lệ hộ dân dùng nước sạch phấn đấu đạt bao nhiêu?", "rate"),
    ("ty le tre em tiem chung day du dat bao nhieu", "rate"),
    ("Huyện phấn đấu bao nhiêu phần trăm trường học đạt chuẩn?", "rate"),
    ("Huyện có bao nhiêu trường học đạt chuẩn?", "count"),
    ("Dữ liệu dân cư lấy từ đâu?", None),  # "from where", but no money asked
    ("Từ đầu năm đến nay tỉnh đã chi bao nhiêu kinh phí cho tuyên truyền?", "money"),  # "from the start"
    ("tu dau nhiem ky den nay huyen da chi bao nhieu kinh phi", "money"),
])
def test_amount_rate_and_count_are_told_apart(question: str, kind: str | None) -> None:
    assert _kind(question) == kind


def test_a_target_count_may_be_answered_by_a_share() -> None:
    target = asked_of("Chỉ tiêu bao nhiêu xã đạt chuẩn văn hóa?", [])
    stock = asked_of("Huyện hiện có bao nhiêu xã đạt chuẩn văn hóa?", [])
    assert target is not None and target.target
    assert stock is not None and not stock.target


@pytest.mark.parametrize("question", [
    "Sở Tư pháp được giao việc gì, thời hạn khi nào?",
    "So Tu phap duoc giao nhiem vu gi, han chot la ngay nao",
    "Chỉ thị về phòng cháy ban hành ngày nào, về vấn đề gì?",
    "Hội nghị tập huấn diễn ra khi nào, nội dung gì?",
])
def test_a_value_asked_with_a_task_or_content_never_refuses_alone(question: str) -> None:
    asked = asked_of(question, question_words(question))
    assert asked is not None and not asked.refuses


@pytest.mark.parametrize("question", [
    "Lễ phát động phong trào thi đua tổ chức ngày nào, ở đâu?",  # two values asked, nothing else
    "Hạn chót nộp báo cáo tổng kết là ngày nào?",
    "Kinh phí lấy từ đâu?",
])
def test_a_value_asked_alone_still_refuses(question: str) -> None:
    asked = asked_of(question, question_words(question))
    assert asked is not None and asked.refuses



@pytest.mark.parametrize(("question", "kind"), [
    *((q, "money") for q in _both("Hội thi được bố trí bao nhiêu tiền?")),
    *((q, "money") for q in _both("Mức chi cho mỗi buổi tuyên truyền là bao nhiêu?")),
    *((q, "contact") for q in _both("Số điện thoại đường dây nóng của Ban Chỉ đạo là gì?")),
    *((q, "contact") for q in _both("Gửi bài dự thi về hộp thư nào?")),
    *((q, "count") for q in _both("Tỉnh tổ chức mấy hội nghị báo cáo viên?")),
    *((q, None) for q in _both("Đợt tuyên truyền kéo dài bao nhiêu lâu?")),
])
def test_money_contact_and_count_cues_come_from_the_tables(question: str, kind: str | None) -> None:
    assert _kind(question) == kind
