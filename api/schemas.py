"""Request and response bodies of the HTTP API (Vietnamese examples in the OpenAPI schema)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from rag.assistant import FILTER_KEYS
from rag.tasks import PlanTasks
from rag.types import Answer, ChatTurn, Citation, DirectiveRecord, DocumentMeta, IngestReport

# Hard caps in the schema; the question limit from settings (max_question_chars) is checked in the route.
QUESTION_HARD_CAP = 20_000
TURN_CAP = 20_000
HISTORY_CAP = 40
TOP_K_MAX = 50

FilterValue = str | int


def _check_filter_types(value: Any) -> Any:
    """Before coercion: a filter value is a string or a whole number (JSON `true` is not the year 1)."""
    if isinstance(value, dict):
        for key, raw in value.items():
            if isinstance(raw, bool) or not isinstance(raw, str | int):
                if key == "year":
                    raise ValueError("Bộ lọc 'year' phải là một năm (số nguyên), ví dụ 2023.")
                raise ValueError(f"Bộ lọc '{key}' phải là chuỗi ký tự.")
    return value


def _check_filters(value: dict[str, FilterValue] | None) -> dict[str, FilterValue] | None:
    if not value:
        return None
    unknown = sorted(k for k in value if k not in FILTER_KEYS)
    if unknown:
        allowed = ", ".join(sorted(FILTER_KEYS))
        raise ValueError(f"Bộ lọc không hợp lệ: {', '.join(unknown)}. Chỉ dùng được: {allowed}.")
    out: dict[str, FilterValue] = {}
    for key, raw in value.items():
        if key == "year":
            text = str(raw).strip()
            if isinstance(raw, bool) or not text.isdigit():
                raise ValueError("Bộ lọc 'year' phải là một năm (số nguyên), ví dụ 2023.")
            out[key] = int(text)
        else:
            text = str(raw).strip()
            if not text:
                raise ValueError(f"Bộ lọc '{key}' không được để trống.")
            out[key] = text
    return out


def _check_text(value: str, what: str) -> str:
    if not value.strip():
        raise ValueError(f"{what} không được để trống.")
    if "\x00" in value:
        raise ValueError(f"{what} chứa ký tự không hợp lệ.")
    return value


def check_turns(texts: list[str]) -> None:
    """One rule for every conversation turn, whichever endpoint carries it: no NUL, at most TURN_CAP chars."""
    for text in texts:
        if "\x00" in text:
            raise ValueError("Lượt hội thoại chứa ký tự không hợp lệ.")
        if len(text) > TURN_CAP:
            raise ValueError(f"Mỗi lượt hội thoại tối đa {TURN_CAP} ký tự.")


class _FilteredRequest(BaseModel):
    """A request with a `filters` field (declared by each subclass, so the schema keeps its field order):
    one validation of the filters for every endpoint that takes them."""

    @field_validator("filters", mode="before", check_fields=False)
    @classmethod
    def _filter_types(cls, value: Any) -> Any:
        return _check_filter_types(value)

    @field_validator("filters", check_fields=False)
    @classmethod
    def _filters(cls, value: dict[str, FilterValue] | None) -> dict[str, FilterValue] | None:
        return _check_filters(value)


class AskRequest(_FilteredRequest):
    """A question, with recent history for follow-ups."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"question": "Kế hoạch 464 của Liên đoàn Lao động tỉnh Lai Châu có mục đích gì?"},
                {
                    "question": "Còn thời gian thực hiện thì sao?",
                    "history": [
                        {
                            "role": "user",
                            "content": "Kế hoạch 374 của MTTQ Sóc Trăng tuyên truyền nội dung gì?",
                        },
                        {"role": "assistant", "content": "Kế hoạch tuyên truyền về xây dựng Đảng... [1]"},
                    ],
                    "top_k": 6,
                    "filters": {"province": "Sóc Trăng"},
                },
            ]
        }
    )

    question: str = Field(
        min_length=1,
        max_length=QUESTION_HARD_CAP,
        description="Câu hỏi bằng tiếng Việt.",
        examples=["Kế hoạch 464 của Liên đoàn Lao động tỉnh Lai Châu có mục đích gì?"],
    )
    history: list[ChatTurn] = Field(default_factory=list, max_length=HISTORY_CAP)
    top_k: int | None = Field(default=None, ge=1, le=TOP_K_MAX)
    filters: dict[str, FilterValue] | None = Field(
        default=None, description=f"Lọc theo: {', '.join(sorted(FILTER_KEYS))}.", examples=[{"year": 2023}]
    )
    stream: bool = Field(default=False, description="true: trả về Server-Sent Events (sources, token, done).")

    @field_validator("question")
    @classmethod
    def _question(cls, value: str) -> str:
        return _check_text(value, "Câu hỏi")

    @field_validator("history")
    @classmethod
    def _history(cls, value: list[ChatTurn]) -> list[ChatTurn]:
        check_turns([turn.content for turn in value])
        return value


class AnswerOut(Answer):
    """An answer as the API returns it: with the id to rate it by (POST /v1/feedback)."""

    answer_id: str | None = Field(default=None, description="Mã câu trả lời, dùng để gửi góp ý 👍/👎.")


class SearchRequest(_FilteredRequest):
    """A retrieval query (no model call)."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"query": "tuyên truyền Nghị quyết 35-NQ/TW", "top_k": 5}]}
    )

    query: str = Field(min_length=1, max_length=QUESTION_HARD_CAP, examples=["bảo vệ nền tảng tư tưởng của Đảng"])
    top_k: int | None = Field(default=None, ge=1, le=TOP_K_MAX)
    filters: dict[str, FilterValue] | None = None

    @field_validator("query")
    @classmethod
    def _query(cls, value: str) -> str:
        return _check_text(value, "Truy vấn")


class SearchHitOut(BaseModel):
    """One ranked section."""

    rank: int
    score: float
    dense_score: float | None = None
    lexical_score: float | None = None
    doc_id: str
    doc_title: str
    section_id: str
    section_path: str
    kind: str
    text: str
    province: str | None = None
    year: int | None = None


class SearchResponse(BaseModel):
    query: str
    hits: list[SearchHitOut]


class DirectiveList(BaseModel):
    query: str
    directives: list[DirectiveRecord]


class DocumentList(BaseModel):
    documents: list[DocumentMeta]


class TaskList(BaseModel):
    """Who does what by when: per plan, agency → duties (verbatim, with section), deadlines and reports owed."""

    plans: list[PlanTasks]
    agencies: int = 0
    duties: int = 0


class SectionText(BaseModel):
    doc_id: str
    section_id: str
    text: str


class UploadResult(BaseModel):
    """What an upload did, and the stored document when it can be identified."""

    report: IngestReport
    document: DocumentMeta | None = None
    already_present: bool = Field(
        default=False, description="true: cùng nội dung đã có sẵn trong `document`, không nạp thêm."
    )
    message: str | None = None


class ErrorDetail(BaseModel):
    code: str = Field(examples=["invalid_input"])
    message: str = Field(examples=["Câu hỏi không được để trống."])
    request_id: str | None = None
    details: list[dict[str, str]] | None = None


class ErrorResponse(BaseModel):
    error: ErrorDetail


class Health(BaseModel):
    status: Literal["ok"] = "ok"


class Readiness(BaseModel):
    status: Literal["starting", "ready", "error"]
    detail: str | None = None


# --- OpenAI-compatible chat completions ---------------------------------------------------------------


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="allow")

    type: str = "text"
    text: str | None = None


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")

    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[ContentPart] | None = None

    def text(self) -> str:
        """The message's text (content parts of type text joined)."""
        if self.content is None:
            return ""
        if isinstance(self.content, str):
            return self.content
        return "".join(p.text or "" for p in self.content if p.type in ("text", "input_text"))


class ChatCompletionRequest(_FilteredRequest):
    """OpenAI's chat completion request; unknown sampling options are accepted and ignored."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "model": "planbot",
                    "messages": [{"role": "user", "content": "Kế hoạch 374 của MTTQ Sóc Trăng do ai ký?"}],
                }
            ]
        },
    )

    model: str = Field(default="planbot", max_length=200)
    messages: list[ChatMessage] = Field(min_length=1, max_length=HISTORY_CAP + 10)
    stream: bool = False
    top_k: int | None = Field(default=None, ge=1, le=TOP_K_MAX)
    filters: dict[str, FilterValue] | None = None

    @field_validator("messages")
    @classmethod
    def _messages(cls, value: list[ChatMessage]) -> list[ChatMessage]:
        check_turns([m.text() for m in value])
        return value


class ChatCompletionMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class ChatCompletionChoice(BaseModel):
    index: int = 0
    message: ChatCompletionMessage
    finish_reason: Literal["stop"] = "stop"


class ChatCompletionResponse(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[ChatCompletionChoice]
    citations: list[Citation] = Field(default_factory=list)
    refused: bool = False
    answer_id: str | None = None  # for POST /v1/feedback


def search_hit_out(hit: Any) -> SearchHitOut:
    """Flatten a rag SearchHit for the API."""
    chunk = hit.chunk
    return SearchHitOut(
        rank=hit.rank,
        score=hit.score,
        dense_score=hit.dense_score,
        lexical_score=hit.lexical_score,
        doc_id=chunk.doc_id,
        doc_title=chunk.doc_title,
        section_id=chunk.section_id,
        section_path=chunk.path_str,
        kind=chunk.kind,
        text=chunk.text,
        province=chunk.province,
        year=chunk.year,
    )


__all__ = ["Answer", "AskRequest", "ChatCompletionRequest", "SearchRequest"]
