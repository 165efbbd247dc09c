"""Officers' 👍/👎 on answers: what was answered (in memory and in the database, so any replica can take the
rating), the stored feedback (SQL behind a small Protocol: SQLite by default, the shared database when
`PLANBOT_DATABASE_URL` is set), and the export of feedback as eval dataset candidates."""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, Protocol

from pydantic import BaseModel, Field
from sqlalchemy import case, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite

from rag.config import Settings
from rag.db import FEEDBACK, Database, answers, as_database, feedback_database
from rag.db import feedback as fb
from rag.errors import BackendError
from rag.types import Answer, ChatTurn, Citation, DocumentMeta

log = logging.getLogger(__name__)

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
    """Answers by id, for the feedback that arrives seconds to minutes later.

    The last `capacity` stay in memory; with a `db`, each is also stored (table `answers`, pruned after `ttl_s`)
    so a rating routed to another replica finds it. A database failure never fails the answer: it is logged
    and the answer stays rateable on this replica."""

    def __init__(self, capacity: int = 2000, *, db: Database | None = None, ttl_s: float = 7 * 24 * 3600) -> None:
        self.capacity = capacity
        self.db = db
        self.ttl_s = ttl_s
        self._items: OrderedDict[str, AnsweredQuestion] = OrderedDict()
        self._lock = threading.Lock()
        self._writes = 0

    @classmethod
    def from_settings(cls, settings: Settings) -> RecentAnswers:
        return cls(db=feedback_database(settings), ttl_s=settings.answer_ttl_s)

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
            self._writes += 1
            prune = self._writes % 200 == 1
        if self.db is not None:
            self._store(item, prune=prune)
        return answer_id

    def _store(self, item: AnsweredQuestion, *, prune: bool) -> None:
        assert self.db is not None
        now = time.time()
        try:
            self.db.ensure(FEEDBACK)
            with self.db.begin() as conn:
                if prune:
                    conn.execute(delete(answers).where(answers.c.created_at < now - self.ttl_s))
                conn.execute(answers.insert().values(answer_id=item.answer_id, created_at=now,
                                                     json=item.model_dump_json()))
        except BackendError as exc:
            log.warning("answer %s kept in memory only: %s", item.answer_id, exc)

    def get(self, answer_id: str) -> AnsweredQuestion | None:
        with self._lock:
            item = self._items.get(answer_id)
        if item is not None or self.db is None:
            return item
        try:
            self.db.ensure(FEEDBACK)
            with self.db.read() as conn:
                row = conn.execute(select(answers.c.json).where(answers.c.answer_id == answer_id)).first()
        except BackendError as exc:
            log.warning("cannot look up answer %s: %s", answer_id, exc)
            return None
        return AnsweredQuestion.model_validate_json(row[0]) if row else None


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


class SqlFeedbackStore:
    """FeedbackStore in SQL (`rag/db.py`): the shared database, or a SQLite file (one short transaction each)."""

    def __init__(self, target: Database | Path | str) -> None:
        self.db = as_database(target)
        self.db.ensure(FEEDBACK)

    @classmethod
    def from_settings(cls, settings: Settings) -> SqlFeedbackStore:
        return cls(feedback_database(settings))

    def save(self, feedback: Feedback) -> Feedback:
        created = feedback.created_at or datetime.now(UTC).isoformat(timespec="seconds")
        row = {"answer_id": feedback.answered.answer_id, "created_at": created, "rating": feedback.rating,
               "comment": feedback.comment, "channel": feedback.channel, "identity": feedback.identity,
               "answered_json": feedback.answered.model_dump_json(),
               "doc_versions_json": json.dumps(feedback.doc_versions)}
        with self.db.read() as conn:
            dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
            stmt = dialect.insert(fb).values(**row)
            new = stmt.excluded
            stmt = stmt.on_conflict_do_update(index_elements=["answer_id"], set_={
                "rating": new.rating, "comment": func.coalesce(new.comment, fb.c.comment),
                "created_at": new.created_at,
                "doc_versions_json": case((new.doc_versions_json == "{}", fb.c.doc_versions_json),
                                          else_=new.doc_versions_json),
            })
            conn.execute(stmt)
            found = conn.execute(select(fb.c.id, fb.c.comment).where(fb.c.answer_id == row["answer_id"])).one()
        return feedback.model_copy(update={"id": found[0], "comment": found[1], "created_at": created})

    _COLUMNS = (fb.c.id, fb.c.created_at, fb.c.rating, fb.c.comment, fb.c.channel, fb.c.identity,
                fb.c.answered_json, fb.c.doc_versions_json)

    @staticmethod
    def _item(r: Sequence[Any]) -> Feedback:
        return Feedback(id=r[0], created_at=r[1], rating=r[2], comment=r[3], channel=r[4], identity=r[5],
                        answered=AnsweredQuestion.model_validate_json(r[6]), doc_versions=json.loads(r[7]))

    def list(self, *, rating: Rating | None = None, limit: int = 100, offset: int = 0) -> list[Feedback]:
        query = select(*self._COLUMNS)
        if rating is not None:
            query = query.where(fb.c.rating == rating)
        query = query.order_by(fb.c.id.desc()).limit(min(max(0, limit), _SQL_INT_MAX))
        query = query.offset(min(max(0, offset), _SQL_INT_MAX))
        with self.db.read() as conn:
            rows = conn.execute(query).all()
        return [self._item(r) for r in rows]

    def get(self, answer_id: str) -> Feedback | None:
        with self.db.read() as conn:
            row = conn.execute(select(*self._COLUMNS).where(fb.c.answer_id == answer_id)).first()
        return None if row is None else self._item(row)

    def count(self, *, rating: Rating | None = None) -> int:
        query = select(func.count()).select_from(fb)
        if rating is not None:
            query = query.where(fb.c.rating == rating)
        with self.db.begin() as conn:
            return int(conn.execute(query).scalar() or 0)


SqliteFeedbackStore = SqlFeedbackStore  # the historical name (it takes a SQLite file path too)


def feedback_store(settings: Settings) -> SqlFeedbackStore:
    """The feedback store the settings name (shared database, else SQLite under the data dir)."""
    return SqlFeedbackStore.from_settings(settings)


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
