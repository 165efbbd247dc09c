"""The errors loaders raise: English for logs, Vietnamese `user_message` naming the file."""

from __future__ import annotations

from rag.errors import DocumentReadError, UnsupportedDocumentError


def unsupported(name: str) -> UnsupportedDocumentError:
    """The error for a suffix we cannot read."""
    return UnsupportedDocumentError(
        f"unsupported document type: {name}",
        user_message=f"Tệp “{name}” có định dạng không được hỗ trợ. Hãy gửi tệp .txt, .md, .docx hoặc .pdf.",
    )


def unreadable(name: str, reason: str, user_reason: str) -> DocumentReadError:
    """The error for a file we cannot read, with a Vietnamese reason for the user."""
    return DocumentReadError(
        f"cannot read document {name}: {reason}",
        user_message=f"Không đọc được tệp “{name}”: {user_reason}.",
    )
