"""Typed objects shared by every layer (the HTTP API returns these shapes as JSON)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

SECTION_SEP = " › "

SectionKind = Literal["header", "preamble", "body", "annex", "recipients", "signature", "footnotes"]


class DocumentMeta(BaseModel):
    """What we know about one ingested document, extracted from its text."""

    doc_id: str
    title: str
    filename: str
    sha256: str = ""
    doc_type: str | None = None  # "Kế hoạch", "Công văn", "Tin bài"...
    number: str | None = None  # "464/KH-LĐLĐ"
    issuer: str | None = None  # "Ban Thường vụ Liên đoàn Lao động tỉnh Lai Châu"
    place: str | None = None
    date: str | None = None  # ISO yyyy-mm-dd
    year: int | None = None
    province: str | None = None
    signer: str | None = None
    signer_title: str | None = None
    recipients: list[str] = Field(default_factory=list)
    implements: list[str] = Field(default_factory=list)  # numbers of documents it implements (Thực hiện/Căn cứ)


class Section(BaseModel):
    """A node of a document's section tree. `text` includes the heading line; offsets index the source text."""

    section_id: str  # stable within the document: "s3.1.2"
    heading: str  # short label shown in paths: "II. NỘI DUNG TUYÊN TRUYỀN", "1.3.", "Nơi nhận"
    path: list[str]  # headings from the top-level section down to this node (the root's title not included)
    kind: SectionKind = "body"
    level: int = 0
    text: str = ""  # own text (heading line + body up to the first child)
    start: int = 0
    end: int = 0
    children: list[Section] = Field(default_factory=list)

    def walk(self) -> list[Section]:
        """This node and all descendants, in document order."""
        out = [self]
        for child in self.children:
            out.extend(child.walk())
        return out


class Chunk(BaseModel):
    """The unit of retrieval: one section (or part of a long one), with its provenance."""

    chunk_id: str  # f"{doc_id}:{section_id}[:partN]"
    doc_id: str
    doc_title: str
    section_id: str
    section_path: list[str]
    kind: SectionKind = "body"
    text: str  # as written in the source
    order: int = 0  # position in the document
    start: int = 0
    end: int = 0
    province: str | None = None
    year: int | None = None
    issuer: str | None = None

    @property
    def path_str(self) -> str:
        return SECTION_SEP.join(self.section_path)

    def index_text(self) -> str:
        """What gets embedded and indexed: title, issuer/province and section path are part of it."""
        origin = " · ".join(x for x in (self.issuer, self.province) if x)
        head = f"{self.doc_title}\n{origin}" if origin else self.doc_title
        return f"{head}\n{self.path_str}\n{self.text}"


class SearchHit(BaseModel):
    chunk: Chunk
    score: float
    dense_score: float | None = None
    lexical_score: float | None = None
    rank: int = 0


class Mention(BaseModel):
    doc_id: str
    doc_title: str
    section_id: str
    section_path: str
    sentence: str


class DirectiveRecord(BaseModel):
    """A directive-like document cited by the plans (Nghị quyết, Kết luận, Chỉ thị...)."""

    directive_id: str  # stable slug: "35-nq-tw@2018-10-22"
    number: str  # canonical "35-NQ/TW"
    doc_type: str  # "Nghị quyết"
    date: str | None = None  # ISO
    issuer: str | None = None
    term: str | None = None  # "khóa XII"
    subject: str | None = None
    mentions: list[Mention] = Field(default_factory=list)
    doc_id: str | None = None  # set when the document itself is ingested (not only cited)
    title: str | None = None  # that document's title


class Citation(BaseModel):
    n: int
    doc_id: str
    doc_title: str
    section_path: str
    quote: str
    score: float = 0.0
    section_id: str = ""


class ChatTurn(BaseModel):
    role: Literal["user", "assistant"]
    content: str


AnswerMode = Literal["generated", "extractive", "metadata", "directive", "cross_plan", "tasks", "section", "refused"]


class Answer(BaseModel):
    question: str
    answer: str
    refused: bool = False
    mode: AnswerMode = "generated"
    citations: list[Citation] = Field(default_factory=list)
    # the remainder of a long answer ("Xem thêm"): same citation numbers as `answer`; empty when nothing is held back
    more: str = ""
    related: list[Citation] = Field(default_factory=list)  # "có thể liên quan" when refused
    directives: list[DirectiveRecord] = Field(default_factory=list)
    standalone_question: str | None = None  # the follow-up rewritten with its history
    timings_ms: dict[str, float] = Field(default_factory=dict)


class StreamEvent(BaseModel):
    """One event of a streamed answer: `sources` first, then `token` deltas, then `done` with the final answer.

    The answering engine yields these; `rag.answer.stream.AnswerStream` carries them to callers. Failures travel
    as exceptions; only the edges (the API's SSE streams) render one as an `error` event with `error` set to
    `{code, message}`."""

    type: Literal["sources", "token", "done", "error"]
    sources: list[Citation] = Field(default_factory=list)
    text: str = ""
    answer: Answer | None = None
    error: dict[str, str] | None = None


class IngestReport(BaseModel):
    documents: int = 0
    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    deleted: int = 0
    sections: int = 0
    chunks: int = 0
    directives: int = 0
    skipped: list[str] = Field(default_factory=list)  # "file: reason"
    notes: list[str] = Field(default_factory=list)  # "file: 12 dòng bị ngắt đã nối lại; ..." (Vietnamese)
    seconds: float = 0.0
