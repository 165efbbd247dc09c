"""Routing on a corpus where one province has several plans (the usual case for a unit's own uploads)."""

from __future__ import annotations

import pytest

from rag.routing import docs_named, route
from rag.types import DocumentMeta

pytestmark = pytest.mark.unit


def _meta(doc_id: str, title: str, province: str, number: str) -> DocumentMeta:
    return DocumentMeta(doc_id=doc_id, title=title, filename=f"{doc_id}.md", province=province, number=number,
                        doc_type="Kế hoạch")


METAS = [
    _meta("dl-lu", "Kế hoạch hỗ trợ nhu yếu phẩm khẩn cấp cho Nhân dân bị ảnh hưởng mưa lũ", "Đắk Lắk", "0129/KH-UBND"),
    _meta("dl-thidua", "Kế hoạch phát động Phong trào thi đua thực hiện thành công cuộc bầu cử", "Đắk Lắk",
          "0125/KH-UBND"),
    _meta("dl-moitruong", "Kế hoạch khắc phục môi trường và phòng, chống dịch bệnh sau lụt bão", "Đắk Lắk",
          "0130/KH-UBND"),
    _meta("py-2021", "Kế hoạch tuyên truyền về công tác xây dựng Đảng năm 2021", "Phú Yên", "04-KH/TU"),
    _meta("na-5g", "Kế hoạch phát triển hệ thống sóng viễn thông 5G tại các khu công nghiệp", "Nghệ An",
          "987/KH-UBND"),
    _meta("na-bimat", "Kế hoạch bảo vệ bí mật nhà nước trong tình hình mới", "Nghệ An", "1026/KH-UBND"),
]


def test_plans_sharing_a_province_are_a_scope_not_a_comparison() -> None:
    r = route("Đắk Lắk cần những nhu yếu phẩm gì để hỗ trợ khẩn cấp cho dân vùng lũ?", METAS, is_directive=False)
    assert r.kind == "general" and r.docs == ["dl-lu"]  # the title that shares the question's words


def test_no_title_stands_out_keeps_every_plan_of_the_place_in_scope() -> None:
    r = route("Đắk Lắk giao Sở Tài chính việc gì?", METAS, is_directive=False)
    assert r.kind == "general"
    # the old province Phú Yên belongs to Đắk Lắk since 2025: one place, its plans in scope too
    assert set(r.docs) == {"dl-lu", "dl-thidua", "dl-moitruong", "py-2021"}


def test_which_plans_of_a_place_is_a_cross_plan_question_over_all_of_them() -> None:
    r = route("Phó chủ tịch đã ký những kế hoạch thi đua nào của Đắk Lắk?", METAS, is_directive=False)
    assert r.kind == "cross_plan" and {"dl-lu", "dl-thidua", "dl-moitruong"} <= set(r.docs)


def test_two_places_named_are_compared() -> None:
    r = route("Kế hoạch 5G của Nghệ An và kế hoạch hỗ trợ mưa lũ của Đắk Lắk khác gì?", METAS, is_directive=False)
    assert r.kind == "cross_plan" and set(r.docs) == {"na-5g", "dl-lu"}


def test_a_number_with_its_place_names_one_plan() -> None:
    r = route("Kế hoạch 987 về sóng 5G của Nghệ An ký ngày nào, ai ký?", METAS, is_directive=False)
    assert r.kind == "metadata" and r.docs == ["na-5g"] and set(r.meta_fields) == {"signer", "date"}


def test_an_event_date_is_not_the_plans_date_of_issue() -> None:
    r = route("Lễ phát động phong trào thi đua bầu cử của Đắk Lắk tổ chức ngày nào, ở đâu?", METAS,
              is_directive=False)
    assert "date" not in r.meta_fields and r.kind == "general"
    issued = route("Kế hoạch phát động phong trào thi đua bầu cử của Đắk Lắk ban hành ngày nào?", METAS,
                   is_directive=False)
    assert issued.kind == "metadata" and issued.meta_fields == ["date"] and issued.docs == ["dl-thidua"]


def test_docs_named_without_diacritics() -> None:
    assert docs_named("ke hoach ho tro nhu yeu pham mua lu cua dak lak so may", METAS) == ["dl-lu"]


@pytest.mark.parametrize("question", [
    "Kế hoạch bảo vệ bí mật nhà nước của Nghệ An ban hành ngày nào?",
    "ke hoach 987 cua nghe an ky ngay may",
    "Kế hoạch bảo vệ bí mật nhà nước trong tình hình mới của Nghệ An ngày nào?",  # nothing but the document
])
def test_a_documents_own_date_is_metadata(question: str) -> None:
    r = route(question, METAS, is_directive=False)
    assert r.kind == "metadata" and r.meta_fields == ["date"]


@pytest.mark.parametrize("question", [
    "Từ ngày nào các khu công nghiệp ở Nghệ An phải phủ sóng 5G?",
    "Phong trào thi đua bầu cử ở Đắk Lắk triển khai trong thời gian nào, khi nào tổng kết?",
    "phong trao thi dua bau cu o dak lak keo dai tu ngay nao den ngay nao",
])
def test_a_date_the_plan_sets_is_not_its_own_date(question: str) -> None:
    r = route(question, METAS, is_directive=False)
    assert "date" not in r.meta_fields and r.kind != "metadata"
