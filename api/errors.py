"""HTTP-level errors and the handlers that turn every failure into `{error: {code, message}}` (Vietnamese)."""

from __future__ import annotations

import logging
import math
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from rag.errors import (
    BackendError,
    BusyError,
    DocumentReadError,
    InvalidInputError,
    NotFoundError,
    PlanbotError,
    UnsupportedDocumentError,
)

logger = logging.getLogger("planbot.api")


class UnauthorizedError(PlanbotError):
    """No key or an unknown key."""

    user_message = "Thiếu hoặc sai khóa API. Gửi khóa trong tiêu đề 'Authorization: Bearer <khóa>'."
    code = "unauthorized"


class ForbiddenError(PlanbotError):
    """A valid key without the role the endpoint needs, or a non-local client in keyless mode."""

    user_message = "Khóa API này không có quyền thực hiện thao tác này."
    code = "forbidden"


class RateLimitedError(PlanbotError):
    """Too many requests from one key (or one address)."""

    user_message = "Bạn gửi quá nhiều yêu cầu. Vui lòng thử lại sau ít giây."
    code = "rate_limited"

    def __init__(self, message: str = "", *, retry_after_s: float = 1.0, user_message: str | None = None) -> None:
        super().__init__(message, user_message=user_message)
        self.retry_after_s = retry_after_s


class QueueFullError(BusyError):
    """The model queue is full; carries an estimate of when to retry."""

    def __init__(self, message: str = "", *, retry_after_s: float = 5.0, user_message: str | None = None) -> None:
        super().__init__(message, user_message=user_message)
        self.retry_after_s = retry_after_s


class NotReadyError(BackendError):
    """The assistant has not been created yet (lifespan still starting)."""

    user_message = "Hệ thống đang khởi động. Vui lòng thử lại sau ít phút."
    code = "not_ready"


class PayloadTooLargeError(InvalidInputError):
    """A request body over the limit for its endpoint."""

    user_message = "Dữ liệu gửi lên quá lớn."
    code = "payload_too_large"


# ---- HTTP-level errors: raised by the framework (routing, body parsing), rendered by the handlers below ----------


class BadRequestError(InvalidInputError):
    """A request the framework rejected (400) for another reason than its JSON or body syntax."""

    user_message = "Yêu cầu không hợp lệ."
    code = "bad_request"


class MalformedJsonError(InvalidInputError):
    """A JSON body that does not parse."""

    user_message = "Nội dung JSON không hợp lệ (sai cú pháp)."
    code = "malformed_json"


class MalformedBodyError(InvalidInputError):
    """A body (form, multipart) the framework could not parse."""

    user_message = "Không đọc được nội dung gửi lên (sai định dạng)."
    code = "malformed_body"


class RouteNotFoundError(NotFoundError):
    """No route for the path."""

    user_message = "Không tìm thấy đường dẫn được yêu cầu."


class MethodNotAllowedError(InvalidInputError):
    """The path exists, not for this HTTP method."""

    user_message = "Phương thức HTTP không được hỗ trợ cho đường dẫn này."
    code = "method_not_allowed"


class NotAcceptableError(InvalidInputError):
    """The client accepts no response format we produce."""

    user_message = "Định dạng phản hồi được yêu cầu không được hỗ trợ."
    code = "not_acceptable"


class UnsupportedMediaTypeError(InvalidInputError):
    """A request body of a content type the endpoint does not take."""

    user_message = "Kiểu nội dung gửi lên không được hỗ trợ."
    code = "unsupported_media_type"


class HttpError(PlanbotError):
    """Any other HTTP error status raised by the framework (the status is the framework's)."""

    user_message = "Yêu cầu không thể xử lý."
    code = "http_error"


# The one registry: exception class → HTTP status. The code and the Vietnamese message are the class's own
# (`code`, `user_message`), so a class's row here is all the API adds. Most specific first: an exception takes
# the first row it is an instance of (a subclass not listed answers with its nearest listed ancestor's status).
# The tree with codes and statuses is drawn in `rag/errors.py` (tests/api/test_error_registry.py checks it).
ERROR_STATUS: tuple[tuple[type[PlanbotError], int], ...] = (
    (UnauthorizedError, 401),
    (ForbiddenError, 403),
    (RateLimitedError, 429),
    (NotFoundError, 404),
    (PayloadTooLargeError, 413),
    (UnsupportedDocumentError, 415),
    (UnsupportedMediaTypeError, 415),
    (MethodNotAllowedError, 405),
    (NotAcceptableError, 406),
    (BadRequestError, 400),
    (MalformedJsonError, 400),
    (MalformedBodyError, 400),
    (DocumentReadError, 422),
    (InvalidInputError, 422),
    (BusyError, 503),
    (BackendError, 503),
    (PlanbotError, 500),
)
# The exceptions that stand for the framework's own HTTP errors, by status (others become HttpError).
_FRAMEWORK_ERRORS: tuple[type[PlanbotError], ...] = (
    BadRequestError,
    UnauthorizedError,
    ForbiddenError,
    RouteNotFoundError,
    MethodNotAllowedError,
    NotAcceptableError,
    PayloadTooLargeError,
    UnsupportedMediaTypeError,
    RateLimitedError,
)


def status_of(cls: type[PlanbotError]) -> int:
    """The HTTP status for an exception class (its row in ERROR_STATUS)."""
    for row_cls, status in ERROR_STATUS:
        if issubclass(cls, row_cls):
            return status
    return 500


def status_for(exc: PlanbotError) -> int:
    """The HTTP status for one of our exceptions."""
    return status_of(type(exc))


def framework_error(status: int, detail: object = None) -> PlanbotError:
    """Our exception for an HTTP error the framework raised (404 route, 405 method, body parsing...)."""
    if status == 400 and isinstance(detail, str) and "parsing the body" in detail:
        return MalformedBodyError(f"HTTP 400: {detail}")
    for cls in _FRAMEWORK_ERRORS:
        if status_of(cls) == status:
            return cls(f"HTTP {status}: {detail}")
    return HttpError(f"HTTP {status}: {detail}")


def retry_after_header(seconds: float) -> dict[str, str]:
    """A Retry-After header (whole seconds, at least 1)."""
    return {"Retry-After": str(max(1, math.ceil(seconds)))}


def error_body(code: str, message: str, request: Request | None = None, **extra: Any) -> dict[str, Any]:
    """The JSON error shape shared by every endpoint."""
    err: dict[str, Any] = {"code": code, "message": message, **extra}
    if request is not None:
        request_id = getattr(request.state, "request_id", None)
        if request_id:
            err["request_id"] = request_id
    return {"error": err}


def error_response(exc: PlanbotError, request: Request | None = None) -> JSONResponse:
    """Render one of our exceptions as a JSON response with the right status and headers."""
    status = status_for(exc)
    headers: dict[str, str] = {}
    if isinstance(exc, QueueFullError | RateLimitedError):
        headers.update(retry_after_header(exc.retry_after_s))
    elif isinstance(exc, BusyError | BackendError):
        headers.update(retry_after_header(10))
    if isinstance(exc, UnauthorizedError):
        headers["WWW-Authenticate"] = "Bearer"
    if status >= 500 and status != 503:
        logger.error("internal error: %s", exc)
    return JSONResponse(error_body(exc.code, exc.user_message, request), status_code=status, headers=headers)


# Vietnamese wording for pydantic error types (field name is prefixed by the caller).
_TYPE_MESSAGES: dict[str, str] = {
    "missing": "là trường bắt buộc nhưng bị thiếu",
    "string_type": "phải là chuỗi ký tự",
    "string_too_short": "không được để trống",
    "string_too_long": "quá dài (tối đa {max_length} ký tự)",
    "int_type": "phải là số nguyên",
    "int_parsing": "phải là số nguyên",
    "int_from_float": "phải là số nguyên",
    "float_type": "phải là số",
    "float_parsing": "phải là số",
    "bool_type": "phải là true hoặc false",
    "bool_parsing": "phải là true hoặc false",
    "list_type": "phải là một danh sách",
    "dict_type": "phải là một đối tượng JSON",
    "model_type": "phải là một đối tượng JSON",
    "model_attributes_type": "phải là một đối tượng JSON",
    "too_short": "cần ít nhất {min_length} phần tử",
    "too_long": "có quá nhiều phần tử (tối đa {max_length})",
    "greater_than_equal": "phải lớn hơn hoặc bằng {ge}",
    "greater_than": "phải lớn hơn {gt}",
    "less_than_equal": "phải nhỏ hơn hoặc bằng {le}",
    "less_than": "phải nhỏ hơn {lt}",
    "literal_error": "chỉ nhận một trong các giá trị: {expected}",
    "enum": "chỉ nhận một trong các giá trị: {expected}",
    "extra_forbidden": "không phải là trường được hỗ trợ",
    "string_unicode": "phải là chuỗi UTF-8 hợp lệ",
    "union_tag_invalid": "có giá trị không hợp lệ",
}


_LOCATIONS = frozenset({"body", "query", "path", "header", "cookie"})


def _field_name(loc: tuple[Any, ...] | list[Any]) -> str:
    """The field a validation error is about: the location prefix (body, query…) dropped, nothing else —
    a field may itself be called `query`."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in _LOCATIONS:
        parts = parts[1:]
    return ".".join(parts) if parts else "nội dung yêu cầu"


def _is_vietnamese(text: str) -> bool:
    """Our own validators speak Vietnamese (diacritics); a library's English message does not."""
    return any(ord(ch) > 127 for ch in text)


def describe_validation_error(err: dict[str, Any]) -> str:
    """One pydantic/FastAPI validation error as a Vietnamese sentence."""
    etype = str(err.get("type", ""))
    loc = err.get("loc", ())
    ctx = err.get("ctx") or {}
    if etype == "value_error":
        inner = ctx.get("error")
        text = str(inner) if inner is not None else str(err.get("msg", ""))
        text = text.removeprefix("Value error, ")
        if _is_vietnamese(text):
            return text
        logger.info("validation error without a Vietnamese message: %s", text)
        if "UploadFile" in text:
            return f"Trường '{_field_name(loc)}' phải là một tệp tải lên (multipart/form-data)."
        return f"Trường '{_field_name(loc)}' có giá trị không hợp lệ."
    template = _TYPE_MESSAGES.get(etype, "có giá trị không hợp lệ")
    try:
        desc = template.format(**{k: v for k, v in ctx.items() if isinstance(k, str)})
    except (KeyError, IndexError, ValueError):
        desc = template
    if etype == "missing" and len(loc) <= 1:
        return "Thiếu nội dung yêu cầu (JSON)."
    return f"Trường '{_field_name(loc)}' {desc}."


async def _validation_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    if any(str(e.get("type")) == "json_invalid" for e in errors):
        malformed = MalformedJsonError("request body is not valid JSON")
        return JSONResponse(
            error_body(malformed.code, malformed.user_message, request), status_code=status_for(malformed)
        )
    details = [
        {
            "field": _field_name(e.get("loc", ())),
            "type": str(e.get("type", "")),
            "message": describe_validation_error(e),
        }
        for e in errors[:20]
    ]
    message = details[0]["message"] if details else "Dữ liệu gửi lên không hợp lệ."
    return JSONResponse(
        error_body(InvalidInputError.code, message, request, details=details), status_code=status_of(InvalidInputError)
    )


async def _http_handler(request: Request, exc: Exception) -> JSONResponse:
    """The framework's HTTP errors: our exception's code and message, the framework's status and headers."""
    assert isinstance(exc, StarletteHTTPException)
    err = framework_error(exc.status_code, exc.detail)
    headers = dict(exc.headers or {})
    return JSONResponse(error_body(err.code, err.user_message, request), status_code=exc.status_code, headers=headers)


async def _planbot_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, PlanbotError)
    return error_response(exc, request)


async def _unexpected_handler(request: Request, exc: Exception) -> JSONResponse:
    logger.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return JSONResponse(
        error_body(PlanbotError.code, PlanbotError.user_message, request), status_code=status_of(PlanbotError)
    )


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers: validation, HTTP, our hierarchy, and a last-resort 500 without traceback."""
    app.add_exception_handler(RequestValidationError, _validation_handler)
    app.add_exception_handler(StarletteHTTPException, _http_handler)
    app.add_exception_handler(PlanbotError, _planbot_handler)
    app.add_exception_handler(Exception, _unexpected_handler)
