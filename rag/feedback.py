"""Officers' 👍/👎 on answers: what was answered (kept briefly in memory), the stored feedback (SQLite behind a
small Protocol, so a SQL server can replace it), and the export of feedback as eval dataset candidates."""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, Protocol

from pydantic import BaseModel, Field

from rag.types import Answer, ChatTurn, Citation, DocumentMeta

Rating = Literal["up", "down"]
Channel = Literal["web", "widget", "telegram", "api"]
COMMENT_MAX = 2000
QUOTE_MAX = 200  # eval/dataset.py's longest gold quote
_SQL_INT_MAX = 2**63 - 1


class AnsweredQuestion(BaseModel):
    """One answer as it was given: what feedback is about."""

    answer_id: str
    question: str
    history: list[ChatTurn] = Field(default_factory=list)
    answer: str
    refused: bool = False
    mode: str = "generated"
    citations: list[Citation] = Field(default_factory=list)


class Feedback(BaseModel):
    """A rating (and optional comment) of one answer, with the document versions it was based on."""

    id: int | None = None
    created_at: str = ""
    rating: Rating
    comment: str | None = None
    channel: Channel = "api"
    identity: str | None = None  # key fingerprint, Telegram user id or client address: never a secret
    answered: AnsweredQuestion
    doc_versions: dict[str, str] = Field(default_factory=dict)  # doc_id → sha256 of the cited documents


class RecentAnswers:
    """The last `capacity` answers by id (in memory): feedback arrives seconds to minutes later."""

    def __init__(self, capacity: int = 2000) -> None:
        self.capacity = capacity
        self._items: OrderedDict[str, AnsweredQuestion] = OrderedDict()
        self._lock = threading.Lock()

    def remember(self, answer: Answer, history: Sequence[ChatTurn] = ()) -> str:
        """Keep an answer; returns its id (short enough for Telegram's 64-byte callback data)."""
        answer_id = uuid.uuid4().hex[:16]
        item = AnsweredQuestion(answer_id=answer_id, question=answer.question, history=list(history),
                                answer=answer.answer, refused=answer.refused, mode=answer.mode,
                                citations=answer.citations or answer.related)
        with self._lock:
            self._items[answer_id] = item
            while len(self._items) > self.capacity:
                self._items.popitem(last=False)
        return answer_id

    def get(self, answer_id: str) -> AnsweredQuestion | None:
        with self._lock:
            return self._items.get(answer_id)


def doc_versions(answered: AnsweredQuestion, documents: Sequence[DocumentMeta]) -> dict[str, str]:
    """The content hash of each document the answer cites (which version a rating applies to)."""
    cited = {c.doc_id for c in answered.citations}
    return {d.doc_id: d.sha256 for d in documents if d.doc_id in cited and d.sha256}


class FeedbackStore(Protocol):
    """Where feedback lives. One row per answer: rating again (or adding a comment) updates it."""

    def save(self, feedback: Feedback) -> Feedback: ...

    def list(self, *, rating: Rating | None = None, limit: int = 100, offset: int = 0) -> list[Feedback]: ...

    def count(self, *, rating: Rating | None = None) -> int: ...

    def get(self, answer_id: str) -> Feedback | None: ...


_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    answer_id TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    comment TEXT,
    channel TEXT NOT NULL,
    identity TEXT,
    answered_json TEXT NOT NULL,
    doc_versions_json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS feedback_rating ON feedback (rating, id);
"""


class SqliteFeedbackStore:
    """FeedbackStore in one SQLite file under the data dir (WAL; one short transaction per write)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        with closing(self._connect()) as db, db:
            db.executescript(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=10)
        db.execute("PRAGMA journal_mode=WAL")
        return db

    def save(self, feedback: Feedback) -> Feedback:
        created = feedback.created_at or datetime.now(UTC).isoformat(timespec="seconds")
        row = (feedback.answered.answer_id, created, feedback.rating, feedback.comment, feedback.channel,
               feedback.identity, feedback.answered.model_dump_json(), json.dumps(feedback.doc_versions))
        with self._lock, closing(self._connect()) as db, db:
            db.execute(
                "INSERT INTO feedback (answer_id, created_at, rating, comment, channel, identity, answered_json,"
                " doc_versions_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(answer_id) DO UPDATE SET"
                " rating = excluded.rating, comment = COALESCE(excluded.comment, feedback.comment),"
                " created_at = excluded.created_at, doc_versions_json = CASE WHEN excluded.doc_versions_json = '{}'"
                " THEN feedback.doc_versions_json ELSE excluded.doc_versions_json END",
                row,
            )
            found = db.execute("SELECT id, comment FROM feedback WHERE answer_id = ?",
                               (feedback.answered.answer_id,)).fetchone()
        return feedback.model_copy(update={"id": found[0], "comment": found[1], "created_at": created})

    _COLUMNS = "id, created_at, rating, comment, channel, identity, answered_json, doc_versions_json"

    @staticmethod
    def _item(r: Sequence[Any]) -> Feedback:
        return Feedback(id=r[0], created_at=r[1], rating=r[2], comment=r[3], channel=r[4], identity=r[5],
                        answered=AnsweredQuestion.model_validate_json(r[6]), doc_versions=json.loads(r[7]))

    def list(self, *, rating: Rating | None = None, limit: int = 100, offset: int = 0) -> list[Feedback]:
        sql = f"SELECT {self._COLUMNS} FROM feedback"
        args: list[Any] = []
        if rating is not None:
            sql += " WHERE rating = ?"
            args.append(rating)
        sql += " ORDER BY id DESC LIMIT ? OFFSET ?"
        args += [min(max(0, limit), _SQL_INT_MAX), min(max(0, offset), _SQL_INT_MAX)]
        with closing(self._connect()) as db:
            rows = db.execute(sql, args).fetchall()
        return [self._item(r) for r in rows]

    def get(self, answer_id: str) -> Feedback | None:
        with closing(self._connect()) as db:
            row = db.execute(f"SELECT {self._COLUMNS} FROM feedback WHERE answer_id = ?", (answer_id,)).fetchone()
        return None if row is None else self._item(row)

    def count(self, *, rating: Rating | None = None) -> int:
        with closing(self._connect()) as db:
            if rating is None:
                return int(db.execute("SELECT COUNT(*) FROM feedback").fetchone()[0])
            return int(db.execute("SELECT COUNT(*) FROM feedback WHERE rating = ?", (rating,)).fetchone()[0])


def iter_all(store: FeedbackStore, *, rating: Rating | None = None, page: int = 500) -> Iterator[Feedback]:
    """Every stored item (newest first), page by page."""
    offset = 0
    while True:
        batch = store.list(rating=rating, limit=page, offset=offset)
        yield from batch
        if len(batch) < page:
            return
        offset += page


def _quote(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= QUOTE_MAX:
        return text
    cut = text[:QUOTE_MAX].rsplit(" ", 1)[0]
    return cut or text[:QUOTE_MAX]


def eval_candidate(item: Feedback) -> dict[str, Any]:
    """One feedback item in the eval dataset's format (eval/datasets/dev.jsonl, `EvalItem`), to be curated.

    👍: the given answer and its citations are the reference. 👎: the question (and history) with the officer's
    comment as the reference to complete; no gold evidence is claimed.
    """
    a = item.answered
    good = item.rating == "up"
    if good:
        reference = a.answer
    else:
        reference = (f"[CẦN BỔ SUNG] Góp ý: {item.comment}" if item.comment
                     else "[CẦN BỔ SUNG] Câu trả lời đúng (câu trả lời cũ bị đánh giá 👎).")
    cites = a.citations if good and not a.refused else []
    return {
        "id": f"fb-{item.rating}-{item.id}",
        "question": a.question,
        "history": [t.model_dump() for t in a.history],
        "kind": "unanswerable" if good and a.refused else "fact",
        "gold_docs": list(dict.fromkeys(c.doc_id for c in cites)),
        "gold_sections": list(dict.fromkeys(c.section_path for c in cites)),
        "gold_quotes": [_quote(c.quote) for c in cites if c.quote.strip()],
        "reference_answer": reference,
        "must_mention": [],
        "directive": None,
    }


def export_jsonl(store: FeedbackStore, out: Path, *, rating: Rating | None = "down") -> int:
    """Write eval candidates (default: the 👎 items) to `out`; returns how many."""
    count = 0
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as fh:
        for item in iter_all(store, rating=rating):
            fh.write(json.dumps(eval_candidate(item), ensure_ascii=False) + "\n")
            count += 1
    return count
