"""Calibrate and measure refusals, which are decided before the model.

- `python -m eval.calibrate` prints the evidence-support score of answerable vs unanswerable dev items and the
  threshold that maximises balanced accuracy (the support threshold of `rag.refusal.EvidenceGate`).
- `python -m eval.calibrate --gate [--set dev|extra|both] [--kinds unanswerable,...]` answers every item with a
  silent model (`SilentGenerator`): whatever is refused is refused before any model call (the gate, the
  not-stated answers, the prechecks of every path), so refusal accuracy and false refusals are exact and fast.
  It prints each item's verdict and both rates per set and, for extra, per hold-out half (calibration/report).
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from eval.dataset import EvalItem, load_dataset
from rag.config import Settings
from rag.evidence import question_words
from rag.routing import standalone_question
from rag.types import ChatTurn


class SilentGenerator:
    """A model that says nothing: the answer falls back to extracts, so only pre-model refusals remain."""

    name = "silent"

    def stream(self, messages: Sequence[dict[str, str]], *, max_tokens: int,
               stop: Sequence[str] = ()) -> Iterator[str]:
        return iter(())


def support_scores(settings: Settings, dataset: Path) -> list[dict[str, Any]]:
    """Support score of every general-path item (metadata/directive items are answered from data)."""
    from rag.assistant import Assistant

    assistant = Assistant(settings)
    assistant.ingest([settings.corpus_dir])
    engine = assistant.engine
    metas = list(assistant.retriever.snapshot().metas.values())
    rows = []
    for item in load_dataset(dataset):
        history = [ChatTurn(role=h.role, content=h.content) for h in item.history]
        standalone = standalone_question(item.question, history, metas)
        hits = engine.search(standalone, settings.top_k)
        words = question_words(standalone, engine.stats())
        verdict = engine.gate.check(standalone, words, [h.chunk for h in hits], metas, engine.stats())
        rows.append({"id": item.id, "kind": item.kind, "answerable": item.kind != "unanswerable",
                     "support": verdict.support, "rule": verdict.reason if verdict.refuse else "",
                     "question": item.question})
    return rows


def best_threshold(rows: list[dict[str, Any]]) -> tuple[float, float]:
    """Threshold maximising balanced accuracy (refuse below it)."""
    best = (0.0, 0.0)
    for cand in sorted({round(r["support"], 3) for r in rows} | {0.0}):
        pos = [r for r in rows if r["answerable"]]
        neg = [r for r in rows if not r["answerable"]]
        tpr = sum(r["support"] >= cand for r in pos) / max(1, len(pos))
        tnr = sum(r["support"] < cand for r in neg) / max(1, len(neg))
        score = (tpr + tnr) / 2
        if score > best[1]:
            best = (cand, score)
    return best


def refusal_rates(rows: Sequence[dict[str, Any]]) -> dict[str, float]:
    """Refusal accuracy (unanswerable refused or answered 'not stated') and false refusal rate."""
    neg = [r for r in rows if not r["answerable"]]
    pos = [r for r in rows if r["answerable"]]
    return {
        "n_unanswerable": len(neg), "n_answerable": len(pos),
        "refusal_accuracy": sum(r["refused"] for r in neg) / len(neg) if neg else float("nan"),
        "false_refusal_rate": sum(r["refused"] for r in pos) / len(pos) if pos else float("nan"),
    }


def gate_rows(settings: Settings, name: str, items: Sequence[EvalItem], extra_dir: Path | None = None
              ) -> list[dict[str, Any]]:
    """Every item answered with the silent model over the set's corpus (eval.sets): whether it was refused."""
    from eval.runparts import ingest_all
    from eval.sets import get_set
    from eval.suite import settings_for
    from rag.assistant import Assistant

    spec = get_set(name, settings.corpus_dir, extra_dir)
    assistant = Assistant(settings_for(settings, name, need_model=False), generator=SilentGenerator())
    ingest_all(assistant, list(spec.corpus))
    rows = []
    for item in items:
        history = [ChatTurn(role=h.role, content=h.content) for h in item.history]
        answer = assistant.ask(item.question, history)
        rows.append({"id": item.id, "kind": item.kind, "answerable": item.answerable, "refused": answer.refused,
                     "mode": answer.mode, "answer": answer.answer, "question": item.question})
    return rows


def gate_report(settings: Settings, sets: Sequence[str], kinds: Sequence[str] = (),
                extra_dir: Path | None = None) -> dict[str, dict[str, dict[str, float]]]:
    """Print each item's verdict and the refusal rates per set (and per half of extra); return the rates."""
    from eval.sets import get_set, load_split

    out: dict[str, dict[str, dict[str, float]]] = {}
    for name in sets:
        items = [i for i in load_dataset(get_set(name, settings.corpus_dir, extra_dir).dataset)
                 if not kinds or i.kind in kinds]
        rows = gate_rows(settings, name, items, extra_dir)
        halves = load_split().assign(items) if name == "extra" else {}
        for r in rows:
            ok = r["refused"] != r["answerable"]
            print(f"{'ok ' if ok else 'BAD'} {name:<5} {r['id']:<12} {halves.get(r['id']) or '':<11} "
                  f"{'refused ' if r['refused'] else r['mode']:<10} {r['question'][:70]}")
            if not ok:
                print(f"      → {r['answer'][:200]!r}")
        out[name] = {"all": refusal_rates(rows)}
        for half in sorted({h for h in halves.values() if h}):
            out[name][half] = refusal_rates([r for r in rows if halves.get(r["id"]) == half])
        for part, rates in out[name].items():
            print(f"{name}/{part}: " + ", ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}"
                                                 for k, v in rates.items()))
    return out


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Refusal calibration and gate-only refusal rates.")
    parser.add_argument("--gate", action="store_true", help="refusal rates with a silent model (no generation)")
    parser.add_argument("--set", choices=("dev", "extra", "both"), default="both")
    parser.add_argument("--kinds", default="", help="comma-separated item kinds (default: all)")
    parser.add_argument("--extra-dir", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.gate:
        sets = ("dev", "extra") if args.set == "both" else (args.set,)
        gate_report(Settings(), sets, [k for k in args.kinds.split(",") if k], args.extra_dir)
        return
    rows = support_scores(Settings(), Path("eval/datasets/dev.jsonl"))
    for r in sorted(rows, key=lambda r: r["support"]):
        print(f"{r['support']:.3f} {'ANS' if r['answerable'] else 'UNA'} {r['kind']:<16} {r['question'][:70]}"
              f"  {r['rule']}")
    threshold, score = best_threshold(rows)
    print(f"best threshold {threshold:.3f} (balanced accuracy {score:.3f})")


if __name__ == "__main__":
    main()
