"""The catalog (SQLite): atomic version commits, live chunks, deletions, generations, persistence."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.catalog import Catalog, tree_outline
from rag.errors import BackendError, NotFoundError
from rag.types import Chunk, DocumentMeta, Section

pytestmark = pytest.mark.unit


def make_tree(doc_id: str, texts: list[str]) -> Section:
    """A root with one child section per text."""
    children = [
        Section(section_id=f"s{i}", heading=f"{i}. Mục {i}", path=[f"{i}. Mục {i}"], level=1, text=text)
        for i, text in enumerate(texts, start=1)
    ]
    return Section(section_id="root", heading=doc_id, path=[], level=0, children=children)


def make_doc(doc_id: str, texts: list[str]) -> tuple[DocumentMeta, Section, list[Chunk]]:
    """Metadata, tree and one chunk per section of a small document."""
    meta = DocumentMeta(doc_id=doc_id, title=f"Kế hoạch {doc_id}", filename=f"{doc_id}.txt", sha256="x" * 64,
                        province="Lai Châu", year=2023)
    tree = make_tree(doc_id, texts)
    chunks = [
        Chunk(chunk_id=f"{doc_id}:{s.section_id}", doc_id=doc_id, doc_title=meta.title, section_id=s.section_id,
              section_path=s.path, text=s.text, order=i)
        for i, s in enumerate(tree.children)
    ]
    return meta, tree, chunks


def commit(catalog: Catalog, doc_id: str, version: str, texts: list[str]) -> list[Chunk]:
    """Commit one version of a small document; returns its chunks."""
    meta, tree, chunks = make_doc(doc_id, texts)
    catalog.commit_document(meta=meta, source_path=f"/src/{doc_id}.txt", version=version, tree=tree, chunks=chunks)
    return chunks


@pytest.fixture()
def catalog(tmp_path: Path) -> Catalog:
    return Catalog(tmp_path / "catalog.sqlite3")


def test_empty_catalog(catalog: Catalog) -> None:
    assert catalog.documents() == []
    assert catalog.versions() == {}
    assert catalog.chunks() == []
    assert catalog.chunk_ids() == set()
    assert catalog.get("x") is None
    assert catalog.generation() == 0
    assert catalog.stats() == {"documents": 0, "chunks": 0, "sections": 0}


def test_commit_makes_a_version_live_with_its_chunks(catalog: Catalog) -> None:
    chunks = commit(catalog, "a", "v1", ["Một", "Hai", "Ba"])
    record = catalog.get("a")
    assert record is not None
    assert (record.version, record.registry_version, record.source_path) == ("v1", "", "/src/a.txt")
    assert record.meta.province == "Lai Châu" and record.tree.children[1].text == "Hai"
    assert catalog.versions() == {"a": "v1"}
    assert [c.chunk_id for c in catalog.chunks("a")] == [c.chunk_id for c in chunks]  # document order
    assert catalog.chunks("a")[2].text == "Ba"
    assert catalog.stats() == {"documents": 1, "chunks": 3, "sections": 3}
    assert catalog.generation() == 1


def test_a_new_version_replaces_all_chunks_of_the_old(catalog: Catalog) -> None:
    commit(catalog, "a", "v1", ["Một", "Hai", "Ba"])
    commit(catalog, "b", "v1", ["Khác"])
    commit(catalog, "a", "v2", ["Mới"])
    assert catalog.versions() == {"a": "v2", "b": "v1"}
    assert [c.text for c in catalog.chunks("a")] == ["Mới"]
    assert catalog.chunk_ids() == {"a:s1", "b:s1"}
    assert [c.doc_id for c in catalog.chunks()] == ["a", "b"]
    assert catalog.generation() == 3


def test_a_failed_commit_leaves_the_previous_version_live(catalog: Catalog) -> None:
    commit(catalog, "a", "v1", ["Một", "Hai"])
    meta, tree, chunks = make_doc("a", ["Mới", "Mới nữa"])
    duplicated = [chunks[0], chunks[0].model_copy(update={"text": "trùng id"})]  # violates the primary key
    with pytest.raises(BackendError):
        catalog.commit_document(meta=meta, source_path="/src/a.txt", version="v2", tree=tree, chunks=duplicated)
    assert catalog.versions() == {"a": "v1"}
    assert [c.text for c in catalog.chunks("a")] == ["Một", "Hai"]
    assert catalog.generation() == 1


def test_mark_registry_records_the_registry_version(catalog: Catalog) -> None:
    commit(catalog, "a", "v1", ["Một"])
    generation = catalog.generation()
    catalog.mark_registry("a", "v1")
    record = catalog.get("a")
    assert record is not None and record.registry_version == "v1"
    assert catalog.generation() == generation  # not a content change
    commit(catalog, "a", "v2", ["Hai"])
    record = catalog.get("a")
    assert record is not None and record.registry_version == ""  # a new version needs the registry again


def test_delete_document(catalog: Catalog) -> None:
    commit(catalog, "a", "v1", ["Một", "Hai"])
    commit(catalog, "b", "v1", ["Ba"])
    catalog.delete_document("a")
    assert catalog.versions() == {"b": "v1"}
    assert catalog.chunks("a") == [] and catalog.chunk_ids() == {"b:s1"}
    assert catalog.generation() == 3
    with pytest.raises(NotFoundError) as info:
        catalog.delete_document("a")
    assert "«a»" in info.value.user_message
    assert catalog.generation() == 3  # a failed delete changes nothing


def test_state_is_shared_by_instances_over_the_same_file(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "catalog.sqlite3"
    first = Catalog(path)
    commit(first, "a", "v1", ["Một"])
    second = Catalog(path)
    assert second.versions() == {"a": "v1"}
    assert second.generation() == first.generation() == 1
    commit(second, "a", "v2", ["Hai"])
    assert [c.text for c in first.chunks("a")] == ["Hai"]


def test_tree_outline_drops_texts_and_keeps_structure() -> None:
    tree = make_tree("a", ["Một", "Hai"])
    tree.children[0].children.append(
        Section(section_id="s1.1", heading="1.1.", path=["1. Mục 1", "1.1."], level=2, text="Con")
    )
    outline = tree_outline(tree)
    assert [s.section_id for s in outline] == ["s1", "s2"]
    assert [c.section_id for c in outline[0].children] == ["s1.1"]
    assert all(s.text == "" for top in outline for s in top.walk())
    assert tree.children[0].text == "Một"  # the input is not modified
