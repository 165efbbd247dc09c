"""The evaluation dataset: schema (`EvalItem`), loader and consistency checker.

Run `python -m eval.dataset [path]` to print the problems of a dataset file (none expected for dev.jsonl).
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from eval.metrics import mentions, quote_key
from rag.text import canonical_number, normalize

Kind = Literal[
    "fact", "list", "cross_plan", "directive", "directive_lookup",
    "unanswerable", "paraphrase", "follow_up", "metadata",
]
KINDS: tuple[str, ...] = Kind.__args__  # type: ignore[attr-defined]
DIRECTIVE_KINDS = frozenset({"directive", "directive_lookup"})
QUOTE_MIN, QUOTE_MAX = 30, 200
DEFAULT_DATASET = Path(__file__).resolve().parent / "datasets" / "dev.jsonl"
CORPUS_SUFFIXES = (".txt", ".md")


class Turn(BaseModel):
    """One earlier chat turn of a follow-up question."""

    model_config = ConfigDict(extra="forbid")

    role: Literal["user", "assistant"]
    content: str = Field(min_length=1)


class DirectiveSpec(BaseModel):
    """The expected directive: canonical number, ISO date, issuer (None when the corpus does not say)."""

    model_config = ConfigDict(extra="forbid")

    number: str = Field(min_length=3)
    date: str | None = None
    issuer: str | None = None

    @field_validator("date")
    @classmethod
    def _iso(cls, value: str | None) -> str | None:
        if value is not None:
            date.fromisoformat(value)
        return value


class EvalItem(BaseModel):
    """One evaluation question with its gold evidence and what a good answer must contain."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    question: str = Field(min_length=2)
    history: list[Turn] = Field(default_factory=list)
    kind: Kind
    gold_docs: list[str] = Field(default_factory=list)
    gold_sections: list[str] = Field(default_factory=list)
    gold_quotes: list[str] = Field(default_factory=list)
    reference_answer: str = Field(min_length=1)
    must_mention: list[str] = Field(default_factory=list)
    directive: DirectiveSpec | None = None

    @property
    def answerable(self) -> bool:
        """False for questions the corpus cannot answer (the product must refuse)."""
        return self.kind != "unanswerable"

    def history_dicts(self) -> list[dict[str, str]]:
        """History as plain {role, content} dicts."""
        return [turn.model_dump() for turn in self.history]


def load_dataset(path: Path) -> list[EvalItem]:
    """Read a JSONL dataset; raises ValueError naming the line of the first invalid item."""
    items: list[EvalItem] = []
    for lineno, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            items.append(EvalItem.model_validate(json.loads(line)))
        except (json.JSONDecodeError, ValidationError) as exc:
            raise ValueError(f"{path}:{lineno}: invalid item: {exc}") from exc
    return items


def load_corpus(corpus_dirs: Path | Sequence[Path]) -> dict[str, str]:
    """doc_id (the file stem) → text as written, for the files of one or more corpus folders.

    The harness maps the product's ids (`rag.ingest.doc_id_for`) back to stems (`eval.sets.stem_ids`)."""
    dirs = [corpus_dirs] if isinstance(corpus_dirs, (str, Path)) else list(corpus_dirs)
    return {
        p.stem: p.read_text(encoding="utf-8")
        for folder in dirs
        for p in sorted(Path(folder).iterdir())
        if p.is_file() and p.suffix.lower() in CORPUS_SUFFIXES
    }


_MARKUP = re.compile(r"\*+")
_SPACE = re.compile(r"\s+")


def collapse(text: str) -> str:
    """Text with `*` emphasis markup removed and every run of whitespace (line breaks included) made one
    space: the form in which gold quotes must be verbatim spans of their document."""
    return _SPACE.sub(" ", _MARKUP.sub("", text)).strip()


def _date_spellings(iso: str) -> list[str]:
    d = date.fromisoformat(iso)
    return [
        f"{day}/{month}/{d.year}"
        for day in {str(d.day), f"{d.day:02d}"}
        for month in {str(d.month), f"{d.month:02d}"}
    ]


def _number_in(number: str, text: str) -> bool:
    squashed = re.sub(r"\s+", "", normalize(text)).upper()
    return canonical_number(number) in squashed


def _check_item(item: EvalItem, corpus: Mapping[str, str], keyed: Mapping[str, str],
                collapsed: Mapping[str, str]) -> list[str]:
    """Problems of one (schema-valid) item against the corpus."""
    problems: list[str] = []
    where = f"{item.id}:"
    if item.kind == "follow_up":
        if not item.history or item.history[0].role != "user":
            problems.append(f"{where} follow_up needs a history starting with a user turn")
    elif item.history:
        problems.append(f"{where} only follow_up items have a history")
    if not item.answerable:
        if item.gold_docs or item.gold_quotes or item.must_mention:
            problems.append(f"{where} unanswerable items have no gold_docs, gold_quotes or must_mention")
        return problems

    if not item.gold_docs:
        problems.append(f"{where} answerable item without gold_docs")
    if not 1 <= len(item.gold_quotes) <= 3:
        problems.append(f"{where} needs 1-3 gold_quotes (has {len(item.gold_quotes)})")
    if not 2 <= len(item.must_mention) <= 6:
        problems.append(f"{where} needs 2-6 must_mention phrases (has {len(item.must_mention)})")
    if not item.gold_sections:
        problems.append(f"{where} answerable item without gold_sections")
    if item.kind == "metadata" and len(item.gold_docs) != 1:
        problems.append(f"{where} metadata is about one plan: exactly 1 gold doc")
    if (item.kind in DIRECTIVE_KINDS) != (item.directive is not None):
        problems.append(f"{where} directive is required for directive kinds and only for them")

    unknown = [d for d in item.gold_docs if d not in corpus]
    for doc_id in unknown:
        problems.append(f"{where} gold doc {doc_id!r} is not in the corpus")
    gold_texts = {d: corpus[d] for d in item.gold_docs if d in corpus}
    gold_collapsed = [collapsed[d] for d in gold_texts]

    for quote in item.gold_quotes:
        short = quote[:60].replace("\n", "⏎")
        if not QUOTE_MIN <= len(quote) <= QUOTE_MAX:
            problems.append(f"{where} quote length {len(quote)} outside {QUOTE_MIN}-{QUOTE_MAX}: {short!r}")
        if gold_texts and not any(collapse(quote) in text for text in gold_collapsed):
            problems.append(f"{where} quote is not verbatim in any gold doc: {short!r}")
        key = quote_key(quote)
        elsewhere = sorted(d for d, text in keyed.items() if d not in item.gold_docs and key in text)
        if elsewhere:
            problems.append(f"{where} quote also occurs in non-gold doc(s) {elsewhere}: {short!r}")

    for phrase in item.must_mention:
        if not mentions(item.reference_answer, phrase):
            problems.append(f"{where} must_mention {phrase!r} is not in the reference answer")

    if item.directive is not None and gold_texts:
        spec = item.directive
        if not any(_number_in(spec.number, text) for text in gold_texts.values()):
            problems.append(f"{where} directive number {spec.number!r} not found in the gold docs")
        if spec.date and not any(
            s in text for s in _date_spellings(spec.date) for text in gold_collapsed
        ):
            problems.append(f"{where} directive date {spec.date} not found in the gold docs")
    return problems


def check_dataset(items: Sequence[EvalItem | Mapping[str, Any]], corpus_dir: Path | Sequence[Path]) -> list[str]:
    """Every problem found: schema errors, duplicate ids/questions, quotes that are not verbatim spans of a
    gold document (once `collapse`d: markup and line breaks do not matter, every character else does) or that
    also occur in a non-gold one, and kind-specific requirements. `corpus_dir` may be several folders."""
    corpus = load_corpus(corpus_dir)
    keyed = {doc_id: quote_key(text) for doc_id, text in corpus.items()}
    collapsed = {doc_id: collapse(text) for doc_id, text in corpus.items()}
    problems: list[str] = []
    valid: list[EvalItem] = []
    for index, raw in enumerate(items):
        if isinstance(raw, EvalItem):
            valid.append(raw)
            continue
        try:
            valid.append(EvalItem.model_validate(raw))
        except ValidationError as exc:
            label = raw.get("id", f"#{index}") if isinstance(raw, Mapping) else f"#{index}"
            errors = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            problems.append(f"{label}: schema: {errors}")
    for item_id, count in Counter(i.id for i in valid).items():
        if count > 1:
            problems.append(f"{item_id}: duplicate id ({count} items)")
    for question, count in Counter(i.question.strip().lower() for i in valid).items():
        if count > 1:
            problems.append(f"duplicate question ({count} items): {question[:60]!r}")
    for item in valid:
        problems.extend(_check_item(item, corpus, keyed, collapsed))
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    """Print the problems of a dataset file; exit status 1 when there are any."""
    from rag.config import Settings

    args = list(sys.argv[1:] if argv is None else argv)
    path = Path(args[0]) if args else DEFAULT_DATASET
    items = load_dataset(path)
    problems = check_dataset(items, Settings().corpus_dir)
    kinds: Counter[str] = Counter(i.kind for i in items)
    print(f"{len(items)} items: " + ", ".join(f"{k}={kinds.get(k, 0)}" for k in KINDS))
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
