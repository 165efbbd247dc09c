"""One small exception hierarchy; the edges (HTTP, Telegram, CLI) turn it into user messages."""

from __future__ import annotations


class PlanbotError(Exception):
    """Base class. `user_message` is Vietnamese, shown to users; str(self) is English, for logs."""

    user_message = "Đã có lỗi xảy ra. Vui lòng thử lại sau."
    code = "internal_error"

    def __init__(self, message: str = "", *, user_message: str | None = None) -> None:
        super().__init__(message or self.__class__.__name__)
        if user_message is not None:
            self.user_message = user_message


class InvalidInputError(PlanbotError):
    """The user's input cannot be processed (empty, too long, wrong type...)."""

    user_message = "Câu hỏi hoặc dữ liệu gửi lên không hợp lệ."
    code = "invalid_input"


class UnsupportedDocumentError(InvalidInputError):
    """A document format we cannot read."""

    user_message = "Định dạng tệp không được hỗ trợ. Hãy gửi tệp .txt, .md, .docx hoặc .pdf."
    code = "unsupported_document"


class DocumentReadError(InvalidInputError):
    """A document that is empty, corrupt or not decodable."""

    user_message = "Không đọc được nội dung tệp (tệp rỗng, hỏng hoặc không phải UTF-8)."
    code = "unreadable_document"


class NotFoundError(PlanbotError):
    """A document, directive or section id that does not exist."""

    user_message = "Không tìm thấy mục được yêu cầu."
    code = "not_found"


class BackendError(PlanbotError):
    """A backend (model, embedder, vector store) failed or is unreachable."""

    user_message = "Hệ thống tạm thời không trả lời được. Vui lòng thử lại sau ít phút."
    code = "backend_error"


class ModelUnavailableError(BackendError):
    """The language model could not be loaded or reached."""

    user_message = "Mô hình ngôn ngữ chưa sẵn sàng. Vui lòng thử lại sau ít phút."
    code = "model_unavailable"


class BusyError(PlanbotError):
    """Too many requests are waiting for the model."""

    user_message = "Hệ thống đang bận, vui lòng thử lại sau ít giây."
    code = "busy"


def error_for_code(code: str, message: str, user_message: str | None = None) -> PlanbotError:
    """Rebuild the exception of a `code` (e.g. from a stream's error event) so edges map it the same way."""
    stack: list[type[PlanbotError]] = [PlanbotError]
    while stack:
        cls = stack.pop()
        if cls.code == code:
            return cls(message, user_message=user_message)
        stack.extend(cls.__subclasses__())
    return PlanbotError(message, user_message=user_message)
