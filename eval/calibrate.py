"""Calibrate the refusal threshold on the dev set: the evidence-support score of answerable vs unanswerable items.

`python -m eval.calibrate` prints both distributions and the threshold that maximises balanced accuracy.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from eval.dataset import load_dataset
from rag.config import Settings
from rag.evidence import question_words
from rag.routing import standalone_question
from rag.types import ChatTurn


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


def main() -> None:
    rows = support_scores(Settings(), Path("eval/datasets/dev.jsonl"))
    for r in sorted(rows, key=lambda r: r["support"]):
        print(f"{r['support']:.3f} {'ANS' if r['answerable'] else 'UNA'} {r['kind']:<16} {r['question'][:70]}"
              f"  {r['rule']}")
    threshold, score = best_threshold(rows)
    print(f"best threshold {threshold:.3f} (balanced accuracy {score:.3f})")


if __name__ == "__main__":
    main()
