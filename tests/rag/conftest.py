"""Fixtures for the document-parsing tests: the shipped corpus, parsed once per session."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from rag.parsing import parse_document
from rag.types import Chunk, DocumentMeta, Section

CORPUS_DIR = Path(__file__).resolve().parents[2] / "corpus"
CORPUS_KEYS = ("lai-chau", "khanh-hoa", "phu-yen", "hoa-binh", "soc-trang")


@dataclass
class ParsedDoc:
    """One corpus document with its text, tree, metadata and chunks."""

    key: str
    path: Path
    text: str
    root: Section
    meta: DocumentMeta
    chunks: list[Chunk]


def corpus_path(key: str) -> Path:
    """The corpus file whose name starts with `key`."""
    matches = sorted(CORPUS_DIR.glob(f"{key}_*.txt"))
    assert len(matches) == 1, f"expected one corpus file for {key}, got {matches}"
    return matches[0]


def parse_doc(key: str) -> ParsedDoc:
    """Load, parse, extract and chunk one corpus document."""
    path = corpus_path(key)
    parsed = parse_document(path.name, path.read_bytes(), doc_id=key)
    return ParsedDoc(key, path, parsed.text, parsed.root, parsed.meta, parsed.chunks)


@pytest.fixture(scope="session")
def corpus() -> dict[str, ParsedDoc]:
    """Every corpus document, parsed once."""
    return {key: parse_doc(key) for key in CORPUS_KEYS}
