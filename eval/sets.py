"""The evaluation sets (dev: shipped corpus; extra: real 2025 documents) and the extra set's hold-out split.

- `dev`: `eval/datasets/dev.jsonl` over `corpus/`.
- `extra`: `eval/datasets/extra.jsonl` over `corpus/` + the 43 real documents of `../shared/corpus-extra/docs`
  (read by path, never copied; `PLANBOT_EVAL_EXTRA_DIR` or `--extra-dir` points elsewhere).

Hold-out: `eval/datasets/extra_split.json` splits the extra DOCUMENTS into a `calibration` half (tune on it) and a
`report` half (report on it). An answerable item belongs to the half of its gold documents (all of them must lie
in one half); an unanswerable item names its half in the file's `unanswerable` map.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from eval.dataset import EvalItem
from rag.config import PROJECT_ROOT

DATASETS = PROJECT_ROOT / "eval" / "datasets"
DEV_DATASET = DATASETS / "dev.jsonl"
EXTRA_DATASET = DATASETS / "extra.jsonl"
EXTRA_SPLIT = DATASETS / "extra_split.json"
DEFAULT_EXTRA_DIR = PROJECT_ROOT.parent / "shared" / "corpus-extra" / "docs"
HALVES = ("calibration", "report")
SET_NAMES = ("dev", "extra")


class MissingCorpus(RuntimeError):
    """The extra documents are not where the set expects them (message in Vietnamese, for the CLI)."""


@dataclass(frozen=True)
class EvalSet:
    """A dataset and the corpus folders it is asked over."""

    name: str
    dataset: Path
    corpus: tuple[Path, ...]


def extra_dir(override: Path | None = None) -> Path:
    """Where the extra documents live: the override, `PLANBOT_EVAL_EXTRA_DIR`, or ../shared/corpus-extra/docs."""
    if override is not None:
        return Path(override)
    env = os.environ.get("PLANBOT_EVAL_EXTRA_DIR")
    return Path(env) if env else DEFAULT_EXTRA_DIR


def get_set(name: str, corpus_dir: Path, extra: Path | None = None) -> EvalSet:
    """The named set; raises MissingCorpus when the extra documents are missing, ValueError for a bad name."""
    if name == "dev":
        return EvalSet("dev", DEV_DATASET, (corpus_dir,))
    if name == "extra":
        folder = extra_dir(extra)
        if not folder.is_dir() or not any(folder.glob("*.md")):
            raise MissingCorpus(
                f"Không tìm thấy thư mục tài liệu bổ sung {folder} (cần cho bộ câu hỏi 'extra'). "
                "Đặt PLANBOT_EVAL_EXTRA_DIR hoặc dùng --extra-dir, hoặc chỉ chạy --set dev."
            )
        return EvalSet("extra", EXTRA_DATASET, (corpus_dir, folder))
    raise ValueError(f"unknown evaluation set {name!r} (known: {', '.join(SET_NAMES)})")


@dataclass(frozen=True)
class Split:
    """Documents (and unanswerable items) of each half."""

    docs: Mapping[str, frozenset[str]]
    unanswerable: Mapping[str, str]

    def half_of(self, item: EvalItem) -> str | None:
        """The item's half, or None when its gold documents straddle both halves or are not split."""
        if not item.answerable:
            return self.unanswerable.get(item.id)
        halves = {h for h in HALVES for d in item.gold_docs if d in self.docs[h]}
        return halves.pop() if len(halves) == 1 and all(
            any(d in self.docs[h] for h in HALVES) for d in item.gold_docs) else None

    def assign(self, items: Sequence[EvalItem]) -> dict[str, str | None]:
        """item id → half (None when unassigned)."""
        return {item.id: self.half_of(item) for item in items}


def load_split(path: Path = EXTRA_SPLIT) -> Split:
    """Read the split file: {"calibration": [doc ids], "report": [doc ids], "unanswerable": {item id: half}}."""
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    docs = {h: frozenset(raw[h]) for h in HALVES}
    unanswerable = {str(k): str(v) for k, v in raw.get("unanswerable", {}).items()}
    return Split(docs=docs, unanswerable=unanswerable)


def split_problems(split: Split, items: Sequence[EvalItem], all_docs: Sequence[str]) -> list[str]:
    """What is wrong with a split: a document in both halves, a corpus document in neither, an item without a
    half, an unknown half name."""
    problems: list[str] = []
    both = split.docs["calibration"] & split.docs["report"]
    if both:
        problems.append(f"documents in both halves: {sorted(both)}")
    unsplit = sorted(set(all_docs) - split.docs["calibration"] - split.docs["report"])
    if unsplit:
        problems.append(f"documents in neither half: {unsplit}")
    for item_id, half in split.unanswerable.items():
        if half not in HALVES:
            problems.append(f"{item_id}: unknown half {half!r}")
    for item in items:
        if split.half_of(item) is None:
            problems.append(f"{item.id}: no half (gold docs straddle the halves, or unanswerable not listed)")
    return problems
