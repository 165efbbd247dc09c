"""rag/db.py and the stores on it: SQLite by default, a real PostgreSQL (shared by replicas) when configured."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from rag.catalog import Catalog
from rag.db import Database, database, feedback_database
from rag.directives import DirectiveRegistry
from rag.errors import BackendError
from rag.feedback import Feedback, RecentAnswers, SqlFeedbackStore
from rag.types import Answer, Chunk, DirectiveRecord, DocumentMeta, Mention, Section
from tests.conftest import make_settings
from tests.rag.helpers.postgres import postgres_cluster


def doc(doc_id: str, texts: list[str]) -> tuple[DocumentMeta, Section, list[Chunk]]:
    children = [Section(section_id=f"s{i}", heading=f"Mục {i}", path=[f"Mục {i}"], level=1, text=t)
                for i, t in enumerate(texts)]
    tree = Section(section_id="root", heading=doc_id, path=[], level=0, children=children)
    meta = DocumentMeta(doc_id=doc_id, filename=f"{doc_id}.txt", title=f"Kế hoạch {doc_id}", sha256=doc_id)
    chunks = [Chunk(chunk_id=f"{doc_id}:s{i}", doc_id=doc_id, doc_title=meta.title, section_id=f"s{i}",
                    section_path=[f"Mục {i}"], text=t, order=i) for i, t in enumerate(texts)]
    return meta, tree, chunks


def commit(catalog: Catalog, doc_id: str, version: str, texts: list[str], source: str = "/src/x.txt") -> None:
    meta, tree, chunks = doc(doc_id, texts)
    catalog.commit_document(meta=meta, source_path=source, version=version, tree=tree, chunks=chunks)


def answer(question: str) -> Answer:
    return Answer(question=question, answer="Trả lời.", citations=[])


# ---------------------------------------------------------------------------------------------- SQLite default
@pytest.mark.unit
def test_without_a_url_each_part_keeps_its_sqlite_file(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data")
    assert database(settings, "catalog").path == (tmp_path / "data" / "catalog.sqlite3").resolve()
    assert feedback_database(settings).path == settings.feedback_path.resolve()
    catalog = Catalog.from_settings(settings)
    commit(catalog, "a", "v1", ["Một"])
    assert (tmp_path / "data" / "catalog.sqlite3").exists()
    assert Catalog(tmp_path / "data" / "catalog.sqlite3").versions() == {"a": "v1"}  # the historical argument


@pytest.mark.unit
def test_uploaded_originals_are_stored_with_the_live_version(tmp_path: Path) -> None:
    uploads = tmp_path / "data" / "uploads"
    uploads.mkdir(parents=True)
    (uploads / "a.txt").write_bytes(b"noi dung")
    catalog = Catalog(tmp_path / "catalog.sqlite3", uploads_dir=uploads)
    commit(catalog, "a", "v1", ["Một"], source=str(uploads / "a.txt"))
    commit(catalog, "b", "v1", ["Hai"], source="/elsewhere/b.txt")
    assert catalog.source("a") == ("a.txt", b"noi dung")
    assert catalog.source("b") is None  # not an upload: the file stays where the operator keeps it
    catalog.delete_document("a")
    assert catalog.source("a") is None


@pytest.mark.unit
def test_a_rating_finds_an_answer_remembered_by_another_process(tmp_path: Path) -> None:
    db = Database.sqlite(tmp_path / "feedback.sqlite3")
    first, second = RecentAnswers(db=db), RecentAnswers(db=Database.sqlite(tmp_path / "feedback.sqlite3"))
    answer_id = first.remember(answer("Ai chủ trì?"))
    found = second.get(answer_id)
    assert found is not None and found.question == "Ai chủ trì?"
    assert second.get("khong-co") is None
    assert RecentAnswers().get(answer_id) is None  # memory only: another process cannot see it


@pytest.mark.unit
def test_old_answers_are_pruned(tmp_path: Path) -> None:
    recent = RecentAnswers(db=Database.sqlite(tmp_path / "f.sqlite3"), ttl_s=-1)  # everything is already old
    old = recent.remember(answer("Một"))
    recent.remember(answer("Hai"))  # the first write prunes; the 200th next
    other = RecentAnswers(db=Database.sqlite(tmp_path / "f.sqlite3"))
    assert other.get(old) is not None  # pruning runs before later inserts, not on every call
    for i in range(200):
        recent.remember(answer(str(i)))
    assert other.get(old) is None


@pytest.mark.unit
def test_an_unwritable_database_keeps_the_answer_in_memory(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    recent = RecentAnswers(db=Database.sqlite(blocker / "sub" / "f.sqlite3"))  # parent is a file
    answer_id = recent.remember(answer("Một"))
    assert recent.get(answer_id) is not None
    with pytest.raises(BackendError):
        SqlFeedbackStore(blocker / "sub" / "g.sqlite3")


# ---------------------------------------------------------------------------------------------- PostgreSQL
@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    yield from postgres_cluster()


@pytest.fixture
def pg(pg_url: str) -> Iterator[Database]:
    """A clean database for each test (tables dropped afterwards)."""
    db = Database(pg_url)
    yield db
    with db.begin() as conn:
        for table in ("documents", "chunks", "state", "sources", "doc_directives", "mentions", "feedback",
                      "answers"):
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS {table} CASCADE")
    db._ensured.clear()


@pytest.mark.integration
def test_catalog_on_postgres(pg: Database) -> None:
    catalog = Catalog(pg)
    assert catalog.generation() == 0
    commit(catalog, "a", "v1", ["Một", "Hai"])
    commit(catalog, "a", "v2", ["Ba"])
    other = Catalog(Database(pg.url))  # another replica
    assert other.versions() == {"a": "v2"}
    assert [c.text for c in other.chunks("a")] == ["Ba"]
    assert other.generation() == 2
    meta, tree, chunks = doc("a", ["Mới", "Mới nữa"])
    with pytest.raises(BackendError):  # duplicate chunk ids: the whole version is rejected
        catalog.commit_document(meta=meta, source_path="/x", version="v3", tree=tree, chunks=[chunks[0], chunks[0]])
    assert other.versions() == {"a": "v2"} and other.generation() == 2
    other.delete_document("a")
    assert catalog.versions() == {} and catalog.generation() == 3
    assert catalog.stats() == {"documents": 0, "chunks": 0, "sections": 0}


@pytest.mark.integration
def test_concurrent_commits_from_replicas_each_move_the_generation(pg: Database) -> None:
    replicas = [Catalog(Database(pg.url)) for _ in range(4)]
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            for j in range(5):
                commit(replicas[i], f"d{i}", f"v{j}", [f"văn bản {i}.{j}", "mục hai"])
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert replicas[0].generation() == 20  # no lost update
    assert replicas[0].versions() == {f"d{i}": "v4" for i in range(4)}
    assert len(replicas[0].chunks()) == 8


@pytest.mark.integration
def test_registry_and_feedback_on_postgres(pg: Database) -> None:
    registry = DirectiveRegistry(pg)
    mention = Mention(doc_id="a", doc_title="Kế hoạch a", section_id="s1", section_path="I", sentence="Theo NQ 35")
    record = DirectiveRecord(directive_id="35-nq-tw", number="35-NQ/TW", doc_type="Nghị quyết", date=None,
                             mentions=[mention])
    registry.replace_document("a", [record, record])  # the same directive twice: one view
    other = DirectiveRegistry(Database(pg.url))
    assert other.count() == 1 and other.documents() == ["a"]
    assert [r.number for r in other.lookup("nghị quyết 35")] == ["35-NQ/TW"]
    other.delete_document("a")
    assert registry.count() == 0

    recent = RecentAnswers(db=pg)
    answer_id = recent.remember(answer("Ai chủ trì?"))
    answered = RecentAnswers(db=Database(pg.url)).get(answer_id)
    assert answered is not None
    store = SqlFeedbackStore(pg)
    saved = store.save(Feedback(rating="down", comment="Thiếu", answered=answered))
    again = store.save(Feedback(rating="up", answered=answered))
    assert again.id == saved.id and again.comment == "Thiếu"  # rating again keeps the comment
    assert store.count() == 1 and store.count(rating="down") == 0
    assert [f.rating for f in SqlFeedbackStore(Database(pg.url)).list()] == ["up"]
