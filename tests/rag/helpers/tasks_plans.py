"""A small made-up plan with dated duties, and catalog-like records of real plans, for the tasks tests."""

from __future__ import annotations

from pathlib import Path

from rag.catalog import DocumentRecord
from rag.parsing import parse_document

ROOT = Path(__file__).resolve().parents[3]

DATED_PLAN = """ỦY BAN NHÂN DÂN
TỈNH TUYÊN QUANG

Số: 12/KH-UBND

Tuyên Quang, ngày 05 tháng 9 năm 2025

KẾ HOẠCH
Tuyên truyền kỷ niệm ngày thành lập tỉnh năm 2025

I. MỤC ĐÍCH, YÊU CẦU

Tuyên truyền sâu rộng trong cán bộ, đảng viên và nhân dân.

II. TỔ CHỨC THỰC HIỆN

1. Sở Văn hóa, Thể thao và Du lịch

- Chủ trì tổ chức chương trình nghệ thuật chào mừng, hoàn thành trước ngày 15/12/2025.
- Tổng hợp kết quả, báo cáo UBND tỉnh (qua Văn phòng UBND tỉnh) trước ngày 20/12/2025.

2. Ban Tuyên giáo và Dân vận Tỉnh ủy

- Định hướng nội dung tuyên truyền trên báo chí trong quý IV/2025.

3. UBND các xã, phường

- Treo băng rôn, khẩu hiệu tuyên truyền chậm nhất ngày 30/11/2025.
- Định kỳ 6 tháng báo cáo kết quả về Sở Văn hóa, Thể thao và Du lịch.

Nơi nhận:
- Như trên;
- Lưu: VT.

TM. ỦY BAN NHÂN DÂN
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH

Nguyễn Văn A
"""


def record(filename: str, data: bytes, doc_id: str) -> DocumentRecord:
    """What the catalog's `get`/`documents` return for a parsed document."""
    parsed = parse_document(filename, data, doc_id=doc_id)
    return DocumentRecord(doc_id=doc_id, filename=filename, source_path=filename, sha256=parsed.meta.sha256 or doc_id,
                          version="v1", meta=parsed.meta, tree=parsed.root, ingested_at=0.0)


def corpus_record(key: str) -> DocumentRecord:
    (path,) = sorted((ROOT / "corpus").glob(f"{key}_*.txt"))
    return record(path.name, path.read_bytes(), key)


def dated_record() -> DocumentRecord:
    return record("tuyen-quang_ke-hoach-12.txt", DATED_PLAN.encode(), "tuyen-quang-12")


class FakeCatalog:
    """The Catalog's public read API over fixed records."""

    def __init__(self, records: list[DocumentRecord]) -> None:
        self._records = {r.doc_id: r for r in records}

    def get(self, doc_id: str) -> DocumentRecord | None:
        return self._records.get(doc_id)

    def documents(self) -> list[DocumentRecord]:
        return [self._records[k] for k in sorted(self._records)]
