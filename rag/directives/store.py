"""The directive store: records merged across documents, behind a `Protocol`, kept in SQL (`rag/db.py`)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.engine import Connection

from rag.config import Settings
from rag.db import REGISTRY, Database, as_database, database, doc_directives
from rag.db import mentions as mentions_t
from rag.directives.common import make_directive_id, number_key, number_lead, pick
from rag.directives.query import parse_directive_query, rank
from rag.errors import NotFoundError
from rag.types import DirectiveRecord, Mention

log = logging.getLogger(__name__)

# ----------------------------------------------------------------------------------------------------
# Registry

class DirectiveStore(Protocol):
    """What the answering paths, the API and the bot need from a directive store."""

    def replace_document(self, doc_id: str, records: Sequence[DirectiveRecord]) -> None: ...
    def delete_document(self, doc_id: str) -> None: ...
    def documents(self) -> list[str]: ...
    def get(self, directive_id: str) -> DirectiveRecord: ...
    def all(self) -> list[DirectiveRecord]: ...
    def count(self) -> int: ...
    def mentions_for_doc(self, doc_id: str) -> list[DirectiveRecord]: ...
    def lookup(self, query: str, limit: int = 20) -> list[DirectiveRecord]: ...


class DirectiveRegistry:
    """Directives cited by the ingested documents, merged across documents (SQL, see `rag/db.py`).

    Each document contributes its own view of a directive (a row of `doc_directives`) and its mentions; a
    directive is the union of those views, its fields voted from them. Deleting a document removes its rows,
    so a directive nobody cites any more disappears. One transaction per call: safe from FastAPI worker
    threads, the bot's event loop and other replicas sharing the database.
    """

    def __init__(self, target: Database | Path | str) -> None:
        self.db = as_database(target)
        self.path = Path(target) if not isinstance(target, Database) else None
        self._ready = False
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> DirectiveRegistry:
        return cls(database(settings, "registry"))

    @contextmanager
    def _connect(self, *, read: bool = False) -> Iterator[Connection]:
        """One transaction (schema created on first use); commits on success, rolls back on error."""
        if not self._ready:
            with self._lock:
                if not self._ready:
                    self.db.ensure(REGISTRY)
                    if self.db.is_sqlite:
                        with self.db.begin() as conn:
                            _migrate(conn)
                    self._ready = True
        with self.db.read() if read else self.db.begin() as conn:
            yield conn

    def replace_document(self, doc_id: str, records: Sequence[DirectiveRecord]) -> None:
        """Replace everything `doc_id` says about directives, in one transaction."""
        views: dict[str, dict[str, object]] = {}
        rows: list[dict[str, object]] = []
        for i, rec in enumerate(records):
            did = rec.directive_id or make_directive_id(rec.number, rec.date)
            views[did] = {  # a later view of the same directive replaces an earlier one (as before)
                "doc_id": doc_id, "directive_id": did, "ord": i, "number": rec.number,
                "lead": number_lead(rec.number), "doc_type": rec.doc_type, "date": rec.date, "issuer": rec.issuer,
                "term": rec.term, "subject": rec.subject, "is_self": int(rec.doc_id == doc_id),
                "title": rec.title if rec.doc_id else None,
            }
            if any(m.doc_id != doc_id for m in rec.mentions):
                log.warning("mentions of %s filed under %s (their doc_id differs)", did, doc_id)
            rows.extend(
                {"doc_id": doc_id, "directive_id": did, "ord": j, "doc_title": m.doc_title,
                 "section_id": m.section_id, "section_path": m.section_path, "sentence": m.sentence}
                for j, m in enumerate(rec.mentions)
            )
        with self._connect(read=True) as conn:
            conn.execute(delete(doc_directives).where(doc_directives.c.doc_id == doc_id))
            conn.execute(delete(mentions_t).where(mentions_t.c.doc_id == doc_id))
            if views:
                conn.execute(doc_directives.insert(), list(views.values()))
            if rows:
                conn.execute(mentions_t.insert(), rows)

    def delete_document(self, doc_id: str) -> None:
        """Forget a document's mentions (directives only it cited disappear)."""
        with self._connect(read=True) as conn:
            conn.execute(delete(doc_directives).where(doc_directives.c.doc_id == doc_id))
            conn.execute(delete(mentions_t).where(mentions_t.c.doc_id == doc_id))

    def _load(self, where: ColumnElement[bool] | None = None) -> list[DirectiveRecord]:
        """Merged records for the directive ids selected by `where` (over doc_directives)."""
        inner = select(doc_directives.c.directive_id)
        if where is not None:
            inner = inner.where(where)
        with self._connect(read=True) as conn:
            rows = [dict(r._mapping) for r in conn.execute(
                select(doc_directives).where(doc_directives.c.directive_id.in_(inner))
                .order_by(doc_directives.c.doc_id, doc_directives.c.ord)
            ).all()]
            ids = sorted({str(r["directive_id"]) for r in rows})
            mrows: list[dict[str, object]] = []
            for part in (ids[i:i + 500] for i in range(0, len(ids), 500)):
                mrows.extend(dict(m._mapping) for m in conn.execute(
                    select(mentions_t).where(mentions_t.c.directive_id.in_(part))
                    .order_by(mentions_t.c.doc_id, mentions_t.c.ord)
                ).all())
        views: dict[str, list[dict[str, object]]] = {}
        for r in rows:
            views.setdefault(str(r["directive_id"]), []).append(r)
        found: dict[str, list[Mention]] = {}
        for m in mrows:
            found.setdefault(str(m["directive_id"]), []).append(
                Mention(doc_id=str(m["doc_id"]), doc_title=str(m["doc_title"]), section_id=str(m["section_id"]),
                        section_path=str(m["section_path"]), sentence=str(m["sentence"]))
            )
        out = [_record(did, vs, found.get(did, [])) for did, vs in views.items()]
        out.sort(key=lambda r: (number_lead(r.number) or 0, number_key(r.number), r.date or ""))
        return out

    def documents(self) -> list[str]:
        """Ids of the documents that have directive records here."""
        with self._connect() as conn:
            rows = conn.execute(
                select(doc_directives.c.doc_id).distinct().order_by(doc_directives.c.doc_id)
            ).all()
        return [str(r[0]) for r in rows]

    def get(self, directive_id: str) -> DirectiveRecord:
        """One directive by id; NotFoundError when unknown."""
        found = self._load(doc_directives.c.directive_id == directive_id)
        if not found:
            raise NotFoundError(
                f"directive {directive_id!r} not found",
                user_message=f"Không tìm thấy văn bản có mã «{directive_id}» trong các kế hoạch đã nạp.",
            )
        return found[0]

    def all(self) -> list[DirectiveRecord]:
        """Every directive, ordered by number then date."""
        return self._load()

    def count(self) -> int:
        """How many distinct directives are registered."""
        with self._connect() as conn:
            value = conn.execute(select(func.count(doc_directives.c.directive_id.distinct()))).scalar()
        return int(value or 0)

    def mentions_for_doc(self, doc_id: str) -> list[DirectiveRecord]:
        """The directives one document cites, each with that document's mentions only."""
        records = self._load(doc_directives.c.doc_id == doc_id)
        out = []
        for rec in records:
            own = [m for m in rec.mentions if m.doc_id == doc_id]
            out.append(rec.model_copy(update={"mentions": own}))
        return out

    def lookup(self, query: str, limit: int = 20) -> list[DirectiveRecord]:
        """Directives (and ingested documents) matching what a user typed, best first; [] when nothing matches.

        An undated citation of a number that exactly one ingested document carries (and no other dated record)
        is taken to cite that document: its mentions are listed under the document."""
        q = parse_directive_query(query)
        if q is None or q.lead is None:
            return []
        candidates = _attach_undated(self._load(doc_directives.c.lead == q.lead))
        ranked: list[tuple[tuple[int, int, int, int, str, str], DirectiveRecord]] = []
        for rec in candidates:
            r = rank(rec, q)
            if r is None:
                continue
            docs = len({m.doc_id for m in rec.mentions})
            ranked.append(((r[0], r[1], r[2], -docs, number_key(rec.number), rec.date or ""), rec))
        ranked.sort(key=lambda x: x[0])
        return [rec for _, rec in ranked[:limit]]


def _migrate(conn: Connection) -> None:
    """Add the columns later versions need to a SQLite registry file written by an earlier one."""
    have = {row[1] for row in conn.exec_driver_sql("PRAGMA table_info(doc_directives)")}
    for column, decl in (("is_self", "INTEGER NOT NULL DEFAULT 0"), ("title", "TEXT")):
        if column not in have:
            conn.exec_driver_sql(f"ALTER TABLE doc_directives ADD COLUMN {column} {decl}")


def _record(did: str, views: Sequence[dict[str, Any]], mentions: list[Mention]) -> DirectiveRecord:
    """One directive from every document's view of it; the document's own view (when ingested) wins."""
    own = next((v for v in views if v["is_self"]), None)
    first = own or views[0]
    return DirectiveRecord(
        directive_id=did,
        number=own["number"] if own else pick([v["number"] for v in views]) or first["number"],
        doc_type=own["doc_type"] if own else pick([v["doc_type"] for v in views]) or first["doc_type"],
        date=first["date"],
        issuer=(own["issuer"] if own else None) or pick([v["issuer"] for v in views]),
        term=pick([v["term"] for v in views]),
        subject=pick([v["subject"] for v in views], shortest=True),
        mentions=mentions,
        doc_id=own["doc_id"] if own else None,
        title=own["title"] if own else None,
    )


def _attach_undated(records: list[DirectiveRecord]) -> list[DirectiveRecord]:
    """Undated citations joined to the one ingested document with that number (see `lookup`)."""
    by_key: dict[str, list[DirectiveRecord]] = {}
    for rec in records:
        by_key.setdefault(number_key(rec.number), []).append(rec)
    out: list[DirectiveRecord] = []
    for group in by_key.values():
        own = [r for r in group if r.doc_id]
        undated = [r for r in group if r.date is None and not r.doc_id]
        other_dated = [r for r in group if r.date and not r.doc_id]
        if len(own) != 1 or not undated or other_dated:
            out.extend(group)
            continue
        extra = [m for r in undated for m in r.mentions]
        out.extend(r if r is not own[0] else r.model_copy(update={"mentions": [*r.mentions, *extra]})
                   for r in group if r not in undated)
    return out
