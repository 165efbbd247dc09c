"""The real 2025 documents of ../shared/corpus-extra (read by path, never copied into the project)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.config import PROJECT_ROOT

EXTRA_DIR = (PROJECT_ROOT / ".." / "shared" / "corpus-extra" / "docs").resolve()
SEED_DIR = PROJECT_ROOT / "corpus"


def extra_paths() -> list[Path]:
    """Every corpus-extra document (empty when the folder is missing)."""
    return sorted(EXTRA_DIR.glob("*.md")) if EXTRA_DIR.is_dir() else []


def seed_paths() -> list[Path]:
    """The five shipped plans."""
    return sorted(SEED_DIR.glob("*.txt"))


def extra_doc(name: str) -> str:
    """The text of one corpus-extra document; the test is skipped when the folder is missing."""
    path = EXTRA_DIR / name
    if not path.is_file():
        pytest.skip(f"corpus-extra document {name} not found under {EXTRA_DIR} (../shared/corpus-extra missing)")
    return path.read_text(encoding="utf-8")


def require_extra() -> list[Path]:
    """All corpus-extra documents, or skip the test with the reason."""
    paths = extra_paths()
    if not paths:
        pytest.skip(f"corpus-extra documents not found under {EXTRA_DIR} (../shared/corpus-extra missing)")
    return paths
