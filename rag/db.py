"""The SQL database behind the catalog, the directive registry and feedback (SQLAlchemy 2 Core).

`PLANBOT_DATABASE_URL` (e.g. `postgresql+psycopg://planbot:…@db/planbot`) puts every table in one server
database, shared by all API replicas; unset, each part keeps its own SQLite file under the data dir (the
embedded default: `catalog.sqlite3`, `registry.sqlite3`, `feedback.sqlite3`). The schema lives here, once, as
three `MetaData` groups; `Database.ensure` creates a group's tables on first use (`CREATE … IF NOT EXISTS`).

SQLite engines open write transactions (`begin`) with `BEGIN IMMEDIATE` (WAL, `synchronous=FULL`): writers from
several processes on one host are serialised; read transactions (`read`) take no lock and see committed data.
PostgreSQL runs at READ COMMITTED; the catalog serialises its writers on the generation row (`SELECT … FOR
UPDATE`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Column,
    Engine,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from rag.config import Settings
from rag.errors import BackendError

# ---------------------------------------------------------------------------------------------- schema
CATALOG = MetaData()
documents = Table(
    "documents", CATALOG,
    Column("doc_id", String, primary_key=True),
    Column("filename", String, nullable=False),
    Column("source_path", String, nullable=False),
    Column("sha256", String, nullable=False),
    Column("version", String, nullable=False),
    Column("meta_json", Text, nullable=False),
    Column("tree_json", Text, nullable=False),
    Column("ingested_at", Float, nullable=False),
    Column("registry_version", String, nullable=False, server_default=""),
)
chunks = Table(
    "chunks", CATALOG,
    Column("chunk_id", String, primary_key=True),
    Column("doc_id", String, nullable=False),
    Column("ord", Integer, nullable=False),
    Column("json", Text, nullable=False),
    Index("chunks_doc", "doc_id"),
)
state = Table(
    "state", CATALOG,
    Column("key", String, primary_key=True),
    Column("value", String, nullable=False),
)
# Versions whose vectors are being written (not live yet): garbage collection spares them (rag/catalog.py).
pending = Table(
    "pending", CATALOG,
    Column("doc_id", String, primary_key=True),
    Column("version", String, primary_key=True),
    Column("started_at", Float, nullable=False),
    Column("owner", String, nullable=False, server_default=""),  # "host:pid" of the ingesting process
)
# Uploaded originals (so every replica, on any host, can serve and re-ingest them): written in the
# transaction that makes the version live.
sources = Table(
    "sources", CATALOG,
    Column("doc_id", String, primary_key=True),
    Column("filename", String, nullable=False),
    Column("version", String, nullable=False),
    Column("data", LargeBinary, nullable=False),
)

REGISTRY = MetaData()
doc_directives = Table(
    "doc_directives", REGISTRY,
    Column("doc_id", String, primary_key=True),
    Column("directive_id", String, primary_key=True),
    Column("ord", Integer, nullable=False),
    Column("number", String, nullable=False),
    Column("lead", Integer),
    Column("doc_type", String, nullable=False),
    Column("date", String),
    Column("issuer", String),
    Column("term", String),
    Column("subject", Text),
    Column("is_self", Integer, nullable=False, server_default="0"),
    Column("title", Text),
    Index("doc_directives_id", "directive_id"),
    Index("doc_directives_lead", "lead"),
)
mentions = Table(
    "mentions", REGISTRY,
    Column("doc_id", String, nullable=False),
    Column("directive_id", String, nullable=False),
    Column("ord", Integer, nullable=False),
    Column("doc_title", Text, nullable=False),
    Column("section_id", String, nullable=False),
    Column("section_path", Text, nullable=False),
    Column("sentence", Text, nullable=False),
    Index("mentions_doc", "doc_id"),
    Index("mentions_directive", "directive_id"),
)

FEEDBACK = MetaData()
feedback = Table(
    "feedback", FEEDBACK,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("answer_id", String, nullable=False, unique=True),
    Column("created_at", String, nullable=False),
    Column("rating", String, nullable=False),
    Column("comment", Text),
    Column("channel", String, nullable=False),
    Column("identity", String),
    Column("answered_json", Text, nullable=False),
    Column("doc_versions_json", Text, nullable=False),
    Index("feedback_rating", "rating", "id"),
    CheckConstraint("rating IN ('up', 'down')", name="feedback_rating_check"),
    sqlite_autoincrement=True,
)
# Answers that may still be rated, shared by the replicas (a rating may reach another replica).
answers = Table(
    "answers", FEEDBACK,
    Column("answer_id", String, primary_key=True),
    Column("created_at", Float, nullable=False),
    Column("json", Text, nullable=False),
    Index("answers_created", "created_at"),
)


# ---------------------------------------------------------------------------------------------- engines
def _sqlite_engine(url: str) -> Engine:
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (below)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Writers take the write lock up front (no deadlock on upgrade); readers see one WAL snapshot.
        conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get("planbot_read") else "BEGIN IMMEDIATE")

    return engine


_ENGINES: dict[str, Engine] = {}
_ENGINES_LOCK = threading.Lock()


def engine_for(url: str) -> Engine:
    """One engine (one connection pool) per URL and process."""
    with _ENGINES_LOCK:
        engine = _ENGINES.get(url)
        if engine is None:
            try:
                if url.startswith("sqlite"):
                    engine = _sqlite_engine(url)
                else:
                    engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)
            except (SQLAlchemyError, ImportError, ValueError) as exc:
                raise BackendError(f"cannot open database {_redact(url)}: {exc}") from exc
            _ENGINES[url] = engine
        return engine


def _redact(url: str) -> str:
    """The URL without its password (for logs and errors)."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # a malformed URL is shown as a placeholder, never with its secret
        return "<database url>"


class Database:
    """A database URL with its engine; `begin()` is one transaction, errors become BackendError."""

    def __init__(self, url: str, *, path: Path | None = None) -> None:
        self.url = url
        self.path = path  # the SQLite file, when it is one
        self._ensured: set[int] = set()
        self._lock = threading.Lock()

    @classmethod
    def sqlite(cls, path: Path) -> Database:
        path = Path(path).resolve()
        return cls(f"sqlite:///{path}", path=path)

    @property
    def engine(self) -> Engine:
        return engine_for(self.url)

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    def ensure(self, metadata: MetaData) -> None:
        """Create `metadata`'s tables (and indexes) when missing; once per object."""
        if id(metadata) in self._ensured:
            return
        with self._lock:
            if id(metadata) in self._ensured:
                return
            try:
                if self.path is not None:
                    self.path.parent.mkdir(parents=True, exist_ok=True)
                with self.engine.begin() as conn:
                    if not self.is_sqlite:
                        # Replicas starting together: one creates the schema, the others wait for it.
                        conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7245110)")
                    metadata.create_all(conn, checkfirst=True)
            except (SQLAlchemyError, OSError) as exc:
                raise BackendError(f"cannot create the schema in {_redact(self.url)}: {exc}") from exc
            self._ensured.add(id(metadata))

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """One transaction: committed when the block ends, rolled back on any error."""
        try:
            with self.engine.begin() as conn:
                yield conn
        except SQLAlchemyError as exc:
            raise BackendError(f"database error ({_redact(self.url)}): {exc}") from exc

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only transaction (SQLite: deferred, never waits for a writer)."""
        try:
            with self.engine.connect().execution_options(planbot_read=True) as conn, conn.begin():
                yield conn
        except SQLAlchemyError as exc:
            raise BackendError(f"database error ({_redact(self.url)}): {exc}") from exc

    def __repr__(self) -> str:
        return f"Database({_redact(self.url)})"


def database(settings: Settings, name: str) -> Database:
    """The shared database when `PLANBOT_DATABASE_URL` is set, else `<data_dir>/<name>.sqlite3`."""
    if settings.database_url:
        return Database(settings.database_url.get_secret_value())
    return Database.sqlite(settings.data_dir / f"{name}.sqlite3")


def feedback_database(settings: Settings) -> Database:
    """Where feedback and answers-to-rate live: the shared database, else `PLANBOT_FEEDBACK_DB_PATH`."""
    if settings.database_url:
        return Database(settings.database_url.get_secret_value())
    return Database.sqlite(settings.feedback_path)


def as_database(target: Database | Path | str) -> Database:
    """A Database from a Database or a SQLite file path (the constructors' historical argument)."""
    return target if isinstance(target, Database) else Database.sqlite(Path(target))


def upsert(conn: Connection, table: Table, rows: Sequence[dict[str, Any]], keys: Sequence[str],
           update: Sequence[str] | None = None) -> None:
    """INSERT … ON CONFLICT (keys) DO UPDATE the `update` columns (all non-key columns by default)."""
    if not rows:
        return
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(table)
    cols = update if update is not None else [c for c in rows[0] if c not in keys]
    stmt = stmt.on_conflict_do_update(index_elements=list(keys), set_={c: stmt.excluded[c] for c in cols})
    conn.execute(stmt, list(rows))


def insert_ignore(conn: Connection, table: Table, row: dict[str, Any]) -> None:
    """INSERT … ON CONFLICT DO NOTHING."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    conn.execute(dialect.insert(table).on_conflict_do_nothing(), [row])
