"""Versions in flight: vectors written for a version whose catalog commit is still to come (on this or another
replica sharing the database) survive the garbage collection another ingest runs meanwhile."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import update

from rag.catalog import Catalog, spare_in_flight
from rag.db import pending
from rag.store import ChromaStore
from tests.conftest import make_settings
from tests.rag.test_db import doc
from tests.rag.test_store import unit

pytestmark = pytest.mark.integration  # a real (embedded) Chroma


def write_vectors(store: ChromaStore, doc_id: str, version: str, texts: list[str]) -> None:
    _, _, chunks = doc(doc_id, texts)
    store.upsert(chunks, [unit(i) for i in range(len(chunks))], version=version)


def test_vectors_of_versions_in_flight_are_spared_until_commit_or_expiry(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "catalog.sqlite3")
    store = ChromaStore(make_settings(tmp_path / "data"))
    meta, tree, chunks = doc("a", ["Một", "Hai"])
    write_vectors(store, "a", "v1", ["Một", "Hai"])
    catalog.commit_document(meta=meta, source_path="/x/a.txt", version="v1", tree=tree, chunks=chunks)

    # Another replica is uploading a new version of `a` and a new document `b`: vectors in, commit to come.
    catalog.reserve("a", "v2")
    write_vectors(store, "a", "v2", ["Mới"])
    catalog.reserve("b", "v1")
    write_vectors(store, "b", "v1", ["Ba"])
    stale = store.stale_ids(catalog.versions())
    assert sorted(stale) == ["a:s0#v2", "b:s0#v1"]  # without the reservation, both would be deleted
    assert spare_in_flight(catalog, store, stale) == []

    # `b` commits: no longer in flight (and live, so not stale either).
    meta_b, tree_b, chunks_b = doc("b", ["Ba"])
    catalog.commit_document(meta=meta_b, source_path="/x/b.txt", version="v1", tree=tree_b, chunks=chunks_b)
    assert catalog.in_flight() == [("a", "v2")]
    assert spare_in_flight(catalog, store, store.stale_ids(catalog.versions())) == []

    # The uploader of a@v2 crashed: once its reservation expires, the garbage collection takes its vectors.
    assert catalog.in_flight(max_age_s=-1) == []
    assert spare_in_flight(catalog, store, store.stale_ids(catalog.versions())) == ["a:s0#v2"]


def test_a_failed_ingest_releases_its_reservation(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "catalog.sqlite3")
    with pytest.raises(RuntimeError), catalog.reservation("a", "v1"):
        assert catalog.in_flight() == [("a", "v1")]
        raise RuntimeError("embedding failed")
    assert catalog.in_flight() == []


def test_a_reservation_by_a_dead_process_on_this_host_is_forgotten(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "catalog.sqlite3")
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    catalog.reserve("a", "v1")
    catalog.reserve("b", "v1")
    with catalog.db.begin() as conn:  # as if `b` had been reserved by the process that is gone
        conn.execute(update(pending).where(pending.c.doc_id == "b").values(owner=f"{socket.gethostname()}:{gone.pid}"))
        conn.execute(update(pending).where(pending.c.doc_id == "a").values(owner="other-host:1"))
    assert catalog.in_flight() == [("a", "v1")]  # another host's: unknowable, kept until it expires
