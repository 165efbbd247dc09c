"""Crash-test worker: ingest files with the real Assistant, optionally freezing right after one write step.

Run from the repository root with PLANBOT_DATA_DIR set:

    python -m tests.rag.helpers.ingest_worker FILE... [--pause-at STEP --pause-nth N --marker PATH]

STEP is one of `upsert` (new vectors written), `commit` (catalog made the version live), `delete` (stale
vectors removed), `registry` (directive registry rewritten, not yet marked). At the N-th such step the worker
writes PATH and sleeps, so the test can SIGKILL it exactly there (it exits by itself if
the test process goes away or after 10 minutes). It prints `DONE <json report>` on success.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from rag.assistant import Assistant
from rag.catalog import Catalog
from rag.config import Settings
from rag.directives import DirectiveRegistry
from rag.store import ChromaStore
from rag.types import DirectiveRecord

STEPS = ("upsert", "commit", "delete", "registry")

Hook = Callable[[str], None]


class PausingStore(ChromaStore):
    """ChromaStore that reports its writes to a hook (after they are done)."""

    def __init__(self, settings: Settings, hook: Hook) -> None:
        super().__init__(settings)
        self._hook = hook

    def upsert(self, chunks: Sequence[Any], vectors: Sequence[Sequence[float]], version: str = "") -> None:
        """Write the vectors, then report."""
        super().upsert(chunks, vectors, version=version)
        self._hook("upsert")

    def delete_ids(self, ids: Sequence[str]) -> None:
        """Delete the ids, then report."""
        super().delete_ids(ids)
        self._hook("delete")


class PausingCatalog(Catalog):
    """Catalog that reports a committed version to a hook."""

    def __init__(self, path: Path, hook: Hook) -> None:
        super().__init__(path)
        self._hook = hook

    def commit_document(self, **kwargs: Any) -> None:
        """Commit, then report."""
        super().commit_document(**kwargs)
        self._hook("commit")


class PausingRegistry(DirectiveRegistry):
    """Directive registry that reports a rewritten document to a hook."""

    def __init__(self, path: Path, hook: Hook) -> None:
        super().__init__(path)
        self._hook = hook

    def replace_document(self, doc_id: str, records: Sequence[DirectiveRecord]) -> None:
        """Rewrite, then report."""
        super().replace_document(doc_id, records)
        self._hook("registry")


class Freezer:
    """Counts write steps; at the chosen one it writes the marker file and sleeps until killed."""

    def __init__(self, step: str | None, nth: int, marker: Path | None) -> None:
        self.step = step
        self.nth = nth
        self.marker = marker
        self.seen = 0

    def __call__(self, step: str) -> None:
        if step != self.step:
            return
        self.seen += 1
        if self.seen == self.nth:
            if self.marker is not None:
                self.marker.write_text(step, encoding="utf-8")
            print(f"PAUSED {step} {self.seen}", flush=True)
            parent = os.getppid()
            deadline = time.monotonic() + 600
            while os.getppid() == parent and time.monotonic() < deadline:  # never outlive the test run
                time.sleep(0.1)
            os._exit(3)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, wire the Assistant (with pausing parts when asked) and ingest."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--pause-at", choices=STEPS, default=None)
    parser.add_argument("--pause-nth", type=int, default=1)
    parser.add_argument("--marker", type=Path, default=None)
    args = parser.parse_args(argv)

    settings = Settings(_env_file=None)  # type: ignore[call-arg]  # PLANBOT_DATA_DIR from the environment
    if args.pause_at is None:
        assistant = Assistant(settings)
    else:
        hook = Freezer(args.pause_at, args.pause_nth, args.marker)
        assistant = Assistant(settings, store=PausingStore(settings, hook))
        assistant.ingestor.catalog = PausingCatalog(settings.data_dir / "catalog.sqlite3", hook)
        assistant.ingestor.registry = PausingRegistry(settings.registry_path, hook)
    report = assistant.ingest(list(args.paths))
    print("DONE " + report.model_dump_json(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
