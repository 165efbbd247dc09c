"""Who does what by when: deadline/report normalisation, and task tables checked against tables typed by hand
from reading the plans (the shipped corpus and, by path, ../shared/corpus-extra)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.parsing import parse_document
from rag.tasks import GENERAL_AGENCY, PlanTasks, TaskIndex, extract_tasks, find_deadlines, find_report, split_agency
from rag.types import Section

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
EXTRA = ROOT.parent / "shared" / "corpus-extra" / "docs"


def _plan(path: Path) -> PlanTasks:
    parsed = parse_document(path.name, path.read_bytes(), doc_id=path.stem[:24])
    return extract_tasks(parsed.meta, parsed.root)


def _corpus(key: str) -> Path:
    (path,) = sorted((ROOT / "corpus").glob(f"{key}_*.txt"))
    return path


def _extra(name: str) -> Path:
    path = EXTRA / name
    if not path.exists():
        pytest.skip(f"corpus-extra document missing: {path} (../shared/corpus-extra is not checked out here)")
    return path


@pytest.mark.parametrize(("sentence", "kind", "start", "end", "recurrence"), [
    ("Báo cáo kết quả trước ngày 15/12/2025.", "before", None, "2025-12-15", None),
    ("Hoàn thành chậm nhất ngày 20 tháng 3 năm 2026.", "before", None, "2026-03-20", None),
    ("Tổ chức sơ kết trong quý IV/2025.", "quarter", "2025-10-01", "2025-12-31", None),
    ("Tổng kết vào quý II năm 2026.", "quarter", "2026-04-01", "2026-06-30", None),
    ("Định kỳ 6 tháng báo cáo kết quả.", "half_year", None, None, "half_yearly"),
    ("Hằng năm xây dựng kế hoạch tuyên truyền.", "yearly", None, None, "yearly"),
    ("Gửi số liệu trước ngày 20 hằng tháng.", "monthly_day", None, None, "monthly"),
    ("Hoàn thành trước tháng 12/2025.", "before", None, "2025-12-01", None),
    ("Tổng hợp nhu cầu, báo cáo UBND tỉnh trước 19h00 hằng ngày.", "daily", None, None, "daily"),
])
def test_deadlines_are_normalised_beside_the_phrase(sentence: str, kind: str, start: str | None, end: str | None,
                                                    recurrence: str | None) -> None:
    found = find_deadlines(sentence, year=2025)
    assert found, sentence
    first = found[0]
    assert (first.kind, first.start, first.end, first.recurrence) == (kind, start, end, recurrence)
    assert first.phrase in sentence  # verbatim


def test_a_date_without_a_year_takes_the_plans_year() -> None:
    (deadline,) = find_deadlines("Nộp báo cáo trước ngày 30 tháng 11.", year=2025)
    assert deadline.end == "2025-11-30"


def test_report_names_its_recipient_and_channel() -> None:
    report = find_report("Các xã định kỳ báo cáo về UBND tỉnh (qua Sở Văn hóa, Thể thao và Du lịch) trước ngày 10/12.")
    assert report is not None
    assert report.to == "UBND tỉnh"
    assert report.via == "qua Sở Văn hóa, Thể thao và Du lịch"
    assert find_report("Chỉ đạo đội ngũ báo cáo viên tuyên truyền.") is None  # a job title, not a report


@pytest.mark.parametrize(("line", "agency"), [
    ("1. Sở Văn hóa, Thể thao và Du lịch", "Sở Văn hóa, Thể thao và Du lịch"),
    ("2. Ban Tuyên giáo và Dân vận Tỉnh ủy", "Ban Tuyên giáo và Dân vận Tỉnh ủy"),
    ("6. Sở Công Thương: Chủ trì, phối hợp triển khai các nhiệm vụ.", "Sở Công Thương"),
    ("9. Công an tỉnh chủ trì, phối hợp với các đơn vị bảo đảm an ninh trật tự trong suốt thời gian tổ chức các "
     "hoạt động tuyên truyền trên địa bàn.", "Công an tỉnh"),
    ("3. Trách nhiệm của Sở Nội vụ", "Sở Nội vụ"),
    ("5. Các xã, phường", "Các xã, phường"),
])
def test_agency_names_are_cut_from_headings(line: str, agency: str) -> None:
    found = split_agency(line)
    assert found is not None and found[0] == agency


@pytest.mark.parametrize("line", ["1. Mục đích", "2. Kinh phí thực hiện", "a) Hằng năm, các cơ quan xây dựng báo cáo"])
def test_non_agencies_are_not_agencies(line: str) -> None:
    assert split_agency(line) is None


def _table(plan: PlanTasks) -> list[tuple[str, int]]:
    return [(a.agency, len(a.duties)) for a in plan.agencies]


# Tables typed from reading each plan's "TỔ CHỨC THỰC HIỆN" / "PHÂN CÔNG NHIỆM VỤ" section: agency, number of
# duty sentences. GENERAL_AGENCY holds what the closing paragraph or an unnamed item asks of every agency.
LAI_CHAU = [("Liên đoàn Lao động tỉnh", 3),
            ("LĐLĐ các huyện, thành phố, Công đoàn ngành, Công đoàn Viên chức", 2)]
SOC_TRANG = [("Ban Phong trào - Tuyên giáo Ủy ban MTTQ Việt Nam tỉnh", 2),
             ("Văn phòng Ủy ban MTTQ Việt Nam tỉnh", 2),
             ("Ban Thường trực Ủy ban MTTQ Việt Nam các huyện, thị xã, thành phố", 2)]
DONG_THAP = [("Sở Xây dựng", 5), ("Sở Khoa học và Công nghệ", 5), ("Sở Tài chính", 2),
             ("Sở Nông nghiệp và Môi trường", 3), ("Công an Tỉnh", 3), ("Ủy ban nhân dân cấp xã", 6),
             ("Các doanh nghiệp hoạt động trong lĩnh vực xây dựng, giao thông, vận tải, logistics và công nghệ "
              "thông tin trên địa bàn Tỉnh", 3),
             (GENERAL_AGENCY, 3)]
CAN_THO = [("Sở Y tế", 6), ("Sở Nội vụ", 1), ("Ngân hàng Nhà nước chi nhánh khu vực 14", 5),
           ("Sở Khoa học và Công nghệ", 1), ("Ủy ban nhân dân xã, phường", 11),
           ("các tổ chức cung cấp dịch vụ chi trả", 3),
           # the closing paragraph, and "b) Thời gian kiểm tra … trước ngày 31 tháng 12 năm 2025." (section II)
           (GENERAL_AGENCY, 2)]
NGHE_AN = [("Công an tỉnh", 9), ("Bộ Chỉ huy Quân sự tỉnh", 3), ("Sở Khoa học và Công nghệ", 2), ("Sở Nội vụ", 1),
           ("Các sở, ban, ngành, đoàn thể cấp tỉnh và UBND các xã, phường", 3)]


def test_lai_chau_table() -> None:
    plan = _plan(_corpus("lai-chau"))
    assert _table(plan) == LAI_CHAU
    assert not plan.deadlines()  # the plan sets no date
    assert plan.agencies[0].section_path == "IV. TỔ CHỨC THỰC HIỆN › 1. Liên đoàn Lao động tỉnh"


def test_soc_trang_table_and_report() -> None:
    plan = _plan(_corpus("soc-trang"))
    assert _table(plan) == SOC_TRANG
    reports = [d.report for a in plan.agencies for d in a.duties if d.report and d.report.to]
    assert [(r.to, r.via) for r in reports] == [("Ủy ban MTTQ Việt Nam tỉnh", "Qua Văn phòng")]
    assert not [x for _, _, x in plan.deadlines() if x.end]  # "định kỳ" only, no date


def test_dong_thap_table_deadline_and_report() -> None:
    plan = _plan(_extra("689f49d25e51cbaa.md"))
    assert _table(plan) == DONG_THAP
    dated = [(a.agency, x.phrase, x.end) for a, _, x in plan.deadlines() if x.end]
    assert dated == [(GENERAL_AGENCY, "trước ngày 30 tháng 11", "2025-11-30")]
    general = plan.agencies[-1]
    assert next(d.report.to for d in general.duties if d.report and d.report.to) == "Sở Xây dựng"


def test_can_tho_table() -> None:
    plan = _plan(_extra("3a2db039af8c2d05.md"))
    assert _table(plan) == CAN_THO
    (general,) = [a for a in plan.agencies if a.agency == GENERAL_AGENCY]
    assert general.duties[0].report is not None and general.duties[0].report.to == "Sở Y tế"


def test_nghe_an_table_and_reports() -> None:
    plan = _plan(_extra("0a97eb9c3c536047.md"))
    assert _table(plan)[:5] == NGHE_AN
    assert plan.agencies[5].agency.startswith("Văn phòng Tỉnh ủy và các Ban Xây dựng Đảng và Ủy ban Kiểm tra Tỉnh ủy")
    assert len(plan.agencies[5].duties) == 1
    owed = {(d.report.to, d.report.via) for a in plan.agencies for d in a.duties if d.report and d.report.to}
    assert ("Công an tỉnh", "qua Phòng An ninh chính trị nội bộ") in owed
    assert ("Bộ Công an, UBND tỉnh", None) in owed


def test_agency_subsections_under_another_heading_still_assign_duties() -> None:
    # Đắk Lắk 0129/KH-UBND: the agencies' items ("3. Sở Y tế:", "12. Đề nghị Công ty Điện lực Đắk Lắk: …") sit
    # under a section the parser heads "IV. KINH PHÍ - NGUỒN HUY ĐỘNG"; its funding items are nobody's duties.
    plan = _plan(_extra("62f25a030c183151.md"))
    table = dict(_table(plan))
    assert table["Sở Y tế"] == 4
    assert table["Công ty Điện lực Đắk Lắk"] == 2
    assert GENERAL_AGENCY not in table


def test_index_caches_by_version() -> None:
    path = _corpus("lai-chau")
    parsed = parse_document(path.name, path.read_bytes(), doc_id="lai-chau")
    index = TaskIndex()
    loads: list[str] = []

    def load() -> Section:
        loads.append("tree")
        return parsed.root

    first = index.get(parsed.meta, load, "v1")
    assert first is not None and index.get(parsed.meta, load, "v1") is first
    assert loads == ["tree"]  # a hit never loads the tree
    assert index.get(parsed.meta, load, "v2") is not first
    assert index.get(parsed.meta, lambda: None, "v3") is None  # the document is gone
