"""The directive store: records merged across documents, behind a `Protocol`, kept in SQLite."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

from rag.directives.common import make_directive_id, number_key, number_lead, pick
from rag.directives.query import parse_directive_query, rank
from rag.errors import BackendError, NotFoundError
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


_SCHEMA = """
CREATE TABLE IF NOT EXISTS doc_directives (
    doc_id TEXT NOT NULL,
    directive_id TEXT NOT NULL,
    ord INTEGER NOT NULL,
    number TEXT NOT NULL,
    lead INTEGER,
    doc_type TEXT NOT NULL,
    date TEXT,
    issuer TEXT,
    term TEXT,
    subject TEXT,
    is_self INTEGER NOT NULL DEFAULT 0,
    title TEXT,
    PRIMARY KEY (doc_id, directive_id)
);
CREATE INDEX IF NOT EXISTS doc_directives_id ON doc_directives (directive_id);
CREATE INDEX IF NOT EXISTS doc_directives_lead ON doc_directives (lead);
CREATE TABLE IF NOT EXISTS mentions (
    doc_id TEXT NOT NULL,
    directive_id TEXT NOT NULL,
    ord INTEGER NOT NULL,
    doc_title TEXT NOT NULL,
    section_id TEXT NOT NULL,
    section_path TEXT NOT NULL,
    sentence TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS mentions_doc ON mentions (doc_id);
CREATE INDEX IF NOT EXISTS mentions_directive ON mentions (directive_id);
"""


class DirectiveRegistry:
    """Directives cited by the ingested documents, merged across documents, in one SQLite file.

    Each document contributes its own view of a directive (a row of `doc_directives`) and its mentions; a
    directive is the union of those views, its fields voted from them. Deleting a document removes its rows,
    so a directive nobody cites any more disappears. One connection per call (WAL), writes serialised by a
    lock: safe from FastAPI worker threads and the bot's event loop.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        self._ready = False

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """A fresh connection (schema created on first use); commits on success, rolls back on error."""
        try:
            if not self._ready:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=30)
        except (OSError, sqlite3.Error) as exc:
            raise BackendError(f"cannot open directive registry {self.path}: {exc}") from exc
        try:
            conn.row_factory = sqlite3.Row
            if not self._ready:
                with self._lock:
                    conn.execute("PRAGMA journal_mode=WAL")
                    conn.executescript(_SCHEMA)
                    _migrate(conn)
                    self._ready = True
            yield conn
            conn.commit()
        except sqlite3.Error as exc:
            conn.rollback()
            raise BackendError(f"directive registry error: {exc}") from exc
        finally:
            conn.close()

    def replace_document(self, doc_id: str, records: Sequence[DirectiveRecord]) -> None:
        """Replace everything `doc_id` says about directives, in one transaction."""
        with self._lock, self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("DELETE FROM doc_directives WHERE doc_id = ?", (doc_id,))
            conn.execute("DELETE FROM mentions WHERE doc_id = ?", (doc_id,))
            for i, rec in enumerate(records):
                did = rec.directive_id or make_directive_id(rec.number, rec.date)
                conn.execute(
                    "INSERT OR REPLACE INTO doc_directives (doc_id, directive_id, ord, number, lead, doc_type, "
                    "date, issuer, term, subject, is_self, title) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (doc_id, did, i, rec.number, number_lead(rec.number), rec.doc_type, rec.date,
                     rec.issuer, rec.term, rec.subject, int(rec.doc_id == doc_id), rec.title if rec.doc_id else None),
                )
                if any(m.doc_id != doc_id for m in rec.mentions):
                    log.warning("mentions of %s filed under %s (their doc_id differs)", did, doc_id)
                conn.executemany(
                    "INSERT INTO mentions VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [
                        (doc_id, did, j, m.doc_title, m.section_id, m.section_path, m.sentence)
                        for j, m in enumerate(rec.mentions)
                    ],
                )

    def delete_document(self, doc_id: str) -> None:
        """Forget a document's mentions (directives only it cited disappear)."""
        with self._lock, self._connect() as conn:
            conn.execute("DELETE FROM doc_directives WHERE doc_id = ?", (doc_id,))
            conn.execute("DELETE FROM mentions WHERE doc_id = ?", (doc_id,))

    def _load(self, where: str = "", params: Sequence[object] = ()) -> list[DirectiveRecord]:
        """Merged records for the directive ids selected by `where` (over doc_directives)."""
        with self._connect() as conn:
            rows = conn.execute(
                f"SELECT * FROM doc_directives WHERE directive_id IN "
                f"(SELECT directive_id FROM doc_directives {where}) ORDER BY doc_id, ord",
                tuple(params),
            ).fetchall()
            ids = sorted({r["directive_id"] for r in rows})
            mrows: list[sqlite3.Row] = []
            for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500)):
                marks = ",".join("?" * len(chunk))
                mrows.extend(
                    conn.execute(
                        f"SELECT * FROM mentions WHERE directive_id IN ({marks}) ORDER BY doc_id, ord",
                        chunk,
                    ).fetchall()
                )
        views: dict[str, list[sqlite3.Row]] = {}
        for r in rows:
            views.setdefault(r["directive_id"], []).append(r)
        mentions: dict[str, list[Mention]] = {}
        for m in mrows:
            mentions.setdefault(m["directive_id"], []).append(
                Mention(doc_id=m["doc_id"], doc_title=m["doc_title"], section_id=m["section_id"],
                        section_path=m["section_path"], sentence=m["sentence"])
            )
        out = [_record(did, vs, mentions.get(did, [])) for did, vs in views.items()]
        out.sort(key=lambda r: (number_lead(r.number) or 0, number_key(r.number), r.date or ""))
        return out

    def documents(self) -> list[str]:
        """Ids of the documents that have directive records here."""
        with self._connect() as conn:
            rows = conn.execute("SELECT DISTINCT doc_id FROM doc_directives ORDER BY doc_id").fetchall()
        return [str(r[0]) for r in rows]

    def get(self, directive_id: str) -> DirectiveRecord:
        """One directive by id; NotFoundError when unknown."""
        found = self._load("WHERE directive_id = ?", (directive_id,))
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
            row = conn.execute("SELECT COUNT(DISTINCT directive_id) FROM doc_directives").fetchone()
        return int(row[0])

    def mentions_for_doc(self, doc_id: str) -> list[DirectiveRecord]:
        """The directives one document cites, each with that document's mentions only."""
        records = self._load("WHERE doc_id = ?", (doc_id,))
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
        candidates = _attach_undated(self._load("WHERE lead = ?", (q.lead,)))
        ranked: list[tuple[tuple[int, int, int, int, str, str], DirectiveRecord]] = []
        for rec in candidates:
            r = rank(rec, q)
            if r is None:
                continue
            docs = len({m.doc_id for m in rec.mentions})
            ranked.append(((r[0], r[1], r[2], -docs, number_key(rec.number), rec.date or ""), rec))
        ranked.sort(key=lambda x: x[0])
        return [rec for _, rec in ranked[:limit]]


def _migrate(conn: sqlite3.Connection) -> None:
    """Add the columns later versions need to a registry file written by an earlier one."""
    have = {row[1] for row in conn.execute("PRAGMA table_info(doc_directives)")}
    for column, decl in (("is_self", "INTEGER NOT NULL DEFAULT 0"), ("title", "TEXT")):
        if column not in have:
            conn.execute(f"ALTER TABLE doc_directives ADD COLUMN {column} {decl}")


def _record(did: str, views: Sequence[sqlite3.Row], mentions: list[Mention]) -> DirectiveRecord:
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
