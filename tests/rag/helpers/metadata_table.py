"""The hand-written metadata table (tests/rag/fixtures/metadata_expected.json) and per-field scoring against it.

Run `python -m tests.rag.helpers.metadata_table` from the repo root to print per-field accuracy and every miss.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rag.loaders import load_text
from rag.metadata import extract_metadata
from rag.outline import parse_sections
from rag.text import nfc, normalize_tones
from rag.types import DocumentMeta

ROOT = Path(__file__).resolve().parents[3]
TABLE = ROOT / "tests" / "rag" / "fixtures" / "metadata_expected.json"
EXTRA_DOCS = (ROOT / ".." / "shared" / "corpus-extra" / "docs").resolve()
FIELDS = (
    "title",
    "doc_type",
    "number",
    "date",
    "year",
    "place",
    "province",
    "issuer",
    "signer",
    "signer_title",
    "recipients",
)


def table() -> list[dict[str, Any]]:
    """The table's entries."""
    docs: list[dict[str, Any]] = json.loads(TABLE.read_text(encoding="utf-8"))["docs"]
    return docs


def path_of(entry: dict[str, Any]) -> Path:
    """Where an entry's document lives."""
    base = EXTRA_DOCS if entry["source"] == "extra" else ROOT / "corpus"
    return base / entry["file"]


def normalised(text: str) -> str | None:
    """The normalisation stage between loading and parsing; None where this branch does not have it yet."""
    try:
        from rag.normalize import normalize_document  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None
    return str(normalize_document(text).text)


def extract(path: Path, *, normalise: bool = True) -> DocumentMeta:
    """The pipeline as ingest runs it (rag.parsing where this branch has it: load → normalise → parse →
    metadata), or the parser and metadata alone on the raw text."""
    if normalise:
        try:
            from rag.parsing import parse_document  # type: ignore[import-not-found,unused-ignore]
        except ImportError:
            pass
        else:
            meta: DocumentMeta = parse_document(path.name, path.read_bytes(), doc_id=path.stem).meta
            return meta
    text = load_text(path)
    text = (normalised(text) or text) if normalise else text
    root = parse_sections(text)
    return extract_metadata(text, root, doc_id=path.stem, filename=path.name)


def _same_text(a: str, b: str) -> bool:
    """Equal up to Unicode form, tone placement (ủy/uỷ), whitespace and letter case."""

    def key(s: str) -> str:
        return re.sub(r"\s+", " ", normalize_tones(nfc(s))).strip().casefold()

    return key(a) == key(b)


def same(expected: Any, got: Any) -> bool:
    """Whether one field's extracted value matches the hand-written one."""
    if isinstance(expected, list):
        return isinstance(got, list) and len(got) == len(expected) and all(map(_same_text, expected, got))
    if isinstance(expected, str) and isinstance(got, str):
        return _same_text(expected, got)
    return bool(expected == got)


@dataclass
class Score:
    """Fields judged and missed, per split."""

    judged: dict[str, int] = field(default_factory=dict)
    right: dict[str, int] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)

    def add(self, split: str, ok: bool, miss: str) -> None:
        self.judged[split] = self.judged.get(split, 0) + 1
        self.right[split] = self.right.get(split, 0) + int(ok)
        if not ok:
            self.misses.append(miss)

    @property
    def judged_total(self) -> int:
        return sum(self.judged.values())

    @property
    def right_total(self) -> int:
        return sum(self.right.values())

    def accuracy(self, split: str | None = None) -> float:
        splits = [split] if split else list(self.judged)
        judged = sum(self.judged.get(s, 0) for s in splits)
        return sum(self.right.get(s, 0) for s in splits) / judged if judged else 0.0


def score(entries: list[dict[str, Any]], *, normalise: bool = True) -> Score:
    """Compare every judged field of every entry with the pipeline's output."""
    result = Score()
    for entry in entries:
        meta = extract(path_of(entry), normalise=normalise)
        for name in FIELDS:
            if name not in entry:
                continue
            got = getattr(meta, name)
            result.add(
                entry["split"], same(entry[name], got), f"{entry['file']} {name}: want {entry[name]!r} got {got!r}"
            )
    return result


def main() -> None:
    """Print accuracy per split and the misses."""
    entries = [e for e in table() if path_of(e).exists()]
    for normalise in (False, True):
        if normalise and normalised("") is None:
            print("(no rag.normalize on this branch)")
            continue
        result = score(entries, normalise=normalise)
        label = "normalised" if normalise else "raw"
        for split in sorted(result.judged):
            print(f"{label} {split}: {result.right[split]}/{result.judged[split]} = {result.accuracy(split):.1%}")
        print(f"{label} all: {result.right_total}/{result.judged_total} = {result.accuracy():.1%}")
        for miss in result.misses:
            print("MISS", label, miss)


if __name__ == "__main__":
    main()
