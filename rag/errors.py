"""One small exception hierarchy; the edges (HTTP, Telegram, CLI) turn it into user messages.

Every failure a user can meet is a `PlanbotError`: `str(exc)` is English (logs), `exc.user_message` Vietnamese
(shown), `exc.code` a stable machine code (API bodies `{error: {code, message}}`, SSE `error` events). Code
raises them and lets them travel: exceptions stay exceptions until an edge renders them (`api/errors.py` for
HTTP, `api.answering.error_event` for the SSE streams, the bot's handlers for Telegram, `planbot/cli.py` for the
terminal); an answer's stream (`rag.answer.stream.AnswerStream`) raises them from iteration. A subclass inherits
its parent's code unless it names its own; `error_for_code` rebuilds the exception of a code (e.g. from an error
body a client received).

The tree (class, code, HTTP status, defining module). The status column is the API's: `api.errors.ERROR_STATUS`
is the one table mapping a class to its status (a class without a row takes its nearest ancestor's);
`HttpError` stands for any other status the web framework raises and keeps that status.
tests/api/test_error_registry.py checks this drawing against the code.

    PlanbotError                       internal_error          500  rag.errors
    ├── InvalidInputError              invalid_input           422  rag.errors
    │   ├── UnsupportedDocumentError   unsupported_document    415  rag.errors
    │   ├── DocumentReadError          unreadable_document     422  rag.errors
    │   │   └── DocumentParseError     unreadable_document     422  rag.parsing
    │   ├── QuestionTooLongError       question_too_long       422  rag.errors
    │   ├── PayloadTooLargeError       payload_too_large       413  api.errors
    │   ├── BadRequestError            bad_request             400  api.errors
    │   ├── MalformedJsonError         malformed_json          400  api.errors
    │   ├── MalformedBodyError         malformed_body          400  api.errors
    │   ├── MethodNotAllowedError      method_not_allowed      405  api.errors
    │   ├── NotAcceptableError         not_acceptable          406  api.errors
    │   └── UnsupportedMediaTypeError  unsupported_media_type  415  api.errors
    ├── NotFoundError                  not_found               404  rag.errors
    │   └── RouteNotFoundError         not_found               404  api.errors
    ├── BackendError                   backend_error           503  rag.errors
    │   ├── ModelUnavailableError      model_unavailable       503  rag.errors
    │   └── NotReadyError              not_ready               503  api.errors
    ├── BusyError                      busy                    503  rag.errors
    │   └── QueueFullError             busy                    503  api.errors
    ├── PromptError                    prompt_error            500  rag.prompts
    │   ├── MissingVariableError       prompt_error            500  rag.prompts
    │   └── UnexpectedVariableError    prompt_error            500  rag.prompts
    ├── UnauthorizedError              unauthorized            401  api.errors
    ├── ForbiddenError                 forbidden               403  api.errors
    ├── RateLimitedError               rate_limited            429  api.errors
    ├── HttpError                      http_error              500  api.errors
    └── UnsafeBindError                unsafe_bind             500  api.server

Outside the tree, on purpose: `rag.ocr.OcrError` (caught in `rag.pdf_reader`: the page is noted as unreadable)
and `eval.sets.MissingCorpus` (caught in `planbot/cli.py`); neither reaches a user as such. Validation errors of
request bodies are rendered by `api/errors.py` with code `invalid_input` (422) and per-field details.
"""

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


class QuestionTooLongError(InvalidInputError):
    """A question over settings.max_question_chars (checked once, in rag.answer.plan.check_question)."""

    code = "question_too_long"


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
