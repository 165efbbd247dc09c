"""Documents: list, detail with outline, section text, upload and delete (admin)."""

from __future__ import annotations

import hashlib
import logging
from pathlib import PurePosixPath
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, File, Path, Response, UploadFile

from api.deps import AdminDep, AssistantDep, ReaderDep, SettingsDep
from api.errors import PayloadTooLargeError
from api.routes.ask import ERRORS
from api.schemas import DocumentList, ErrorResponse, SectionText, UploadResult
from rag.assistant import DocumentDetail, content_holder
from rag.errors import DocumentReadError, PlanbotError, UnsupportedDocumentError
from rag.types import DocumentMeta, IngestReport

logger = logging.getLogger("planbot.api")

router = APIRouter(prefix="/v1/documents", tags=["Tài liệu"])

ALLOWED_SUFFIXES = frozenset({".txt", ".md", ".docx", ".pdf"})
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorResponse, "description": "Không tìm thấy"}}
DocId = Annotated[str, Path(max_length=300, examples=["lai-chau_ldld_ke-hoach-464-tuyen-truyen-xay-dung-dang_2023"])]


@router.get("", response_model=DocumentList, summary="Danh sách kế hoạch đã nạp", responses=ERRORS)
def list_documents(principal: ReaderDep, assistant: AssistantDep) -> DocumentList:
    """Every ingested document with its extracted metadata."""
    return DocumentList(documents=assistant.list_documents())


@router.get(
    "/{doc_id}",
    response_model=DocumentDetail,
    summary="Thông tin và mục lục một kế hoạch",
    responses={**ERRORS, **NOT_FOUND},
)
def get_document(principal: ReaderDep, assistant: AssistantDep, doc_id: DocId) -> DocumentDetail:
    """Metadata and the section outline of one document."""
    return assistant.get_document(doc_id)


@router.get(
    "/{doc_id}/sections/{section_id}",
    response_model=SectionText,
    summary="Toàn văn một mục",
    responses={**ERRORS, **NOT_FOUND},
)
def get_section(
    principal: ReaderDep,
    assistant: AssistantDep,
    doc_id: DocId,
    section_id: Annotated[str, Path(max_length=200, examples=["s2.1"])],
) -> SectionText:
    """Full text of one section (what a citation's 'Xem toàn văn' opens)."""
    return SectionText(doc_id=doc_id, section_id=section_id, text=assistant.get_section_text(doc_id, section_id))


def duplicate_message(filename: str, holder: DocumentMeta) -> str:
    """Vietnamese: this content is already indexed as `holder`."""
    return (f"Nội dung tệp «{filename}» đã có trong hệ thống: tài liệu «{holder.doc_id}» (tệp «{holder.filename}»). "
            "Không nạp thêm bản trùng.")


def safe_filename(name: str | None) -> str:
    """The base name of an uploaded file (no directories), or raise a 422."""
    base = PurePosixPath((name or "").replace("\\", "/")).name.strip()
    if not base or base in (".", "..") or "\x00" in base:
        raise DocumentReadError(
            "upload without a usable file name", user_message="Tệp tải lên phải có tên (ví dụ ke-hoach.docx)."
        )
    return base


@router.post(
    "",
    response_model=UploadResult,
    status_code=201,
    summary="Tải lên một kế hoạch (.txt, .md, .docx, .pdf)",
    responses={
        **ERRORS,
        403: {"model": ErrorResponse, "description": "Cần khóa quản trị"},
        413: {"model": ErrorResponse, "description": "Tệp quá lớn"},
        415: {"model": ErrorResponse, "description": "Định dạng không hỗ trợ"},
        200: {"model": UploadResult, "description": "Nội dung đã có sẵn (không nạp lại)"},
    },
)
async def upload_document(
    principal: AdminDep,
    assistant: AssistantDep,
    settings: SettingsDep,
    response: Response,
    file: Annotated[UploadFile, File(description="Tệp kế hoạch: .txt, .md, .docx hoặc .pdf")],
) -> UploadResult:
    """Ingest one file; needs an admin key. 201 when added or replaced (same name, new content); 200 with
    `already_present: true` and the holding document when the same content is already indexed."""
    filename = safe_filename(file.filename)
    if PurePosixPath(filename).suffix.lower() not in ALLOWED_SUFFIXES:
        raise UnsupportedDocumentError(f"upload {filename!r}")
    limit = settings.max_upload_bytes
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise PayloadTooLargeError(
            f"upload over {limit} bytes", user_message=f"Tệp quá lớn (tối đa {limit // (1024 * 1024)} MB)."
        )
    if not data.strip():
        raise DocumentReadError(f"empty upload {filename!r}")
    digest = hashlib.sha256(data).hexdigest()
    docs = await anyio.to_thread.run_sync(assistant.list_documents)
    holder = content_holder(docs, filename, data)
    if holder is not None:  # the same content under another name: not indexed twice (answers would cite it twice)
        response.status_code = 200
        return UploadResult(report=IngestReport(documents=len(docs), unchanged=1), document=holder,
                            already_present=True, message=duplicate_message(filename, holder))
    try:
        report = await anyio.to_thread.run_sync(assistant.ingest_bytes, filename, data)
    except PlanbotError:
        raise
    except Exception as exc:  # a parser choking on a crafted/corrupt file is the client's input, not a 500
        logger.warning("upload %r could not be read: %s", filename, exc, exc_info=True)
        raise DocumentReadError(f"unreadable upload {filename!r}") from exc
    if report.skipped and not (report.added or report.replaced or report.unchanged):
        raise DocumentReadError(f"upload skipped: {report.skipped}")
    docs = await anyio.to_thread.run_sync(assistant.list_documents)
    document = next((d for d in docs if d.filename == filename and d.sha256 == digest), None)
    if report.unchanged:
        response.status_code = 200
        return UploadResult(report=report, document=document, already_present=True,
                            message=f"Tệp «{filename}» đã có trong hệ thống với cùng nội dung.")
    return UploadResult(report=report, document=document)


@router.delete(
    "/{doc_id}",
    status_code=204,
    summary="Xóa một kế hoạch khỏi chỉ mục",
    responses={**ERRORS, **NOT_FOUND, 403: {"model": ErrorResponse, "description": "Cần khóa quản trị"}},
)
def delete_document(principal: AdminDep, assistant: AssistantDep, doc_id: DocId) -> Response:
    """Remove a document, its sections and its directive mentions; needs an admin key."""
    assistant.delete_document(doc_id)
    return Response(status_code=204)
