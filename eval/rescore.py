"""Recompute the metrics of saved full runs without running the product again.

`python -m eval.rescore <full-run.json> [...] [--json OUT]` reads each results file that `eval.harness.run_eval`
(or `python -m eval.suite`) wrote, loads the dataset named in it, and prints per set: the summary, the metrics
per question kind and, for the extra set, per hold-out half (`eval/datasets/extra_split.json`, split as
`eval.sets.Split` does).

What is recomputed and what is carried:
- answer metrics (`eval.harness.answer_metrics`: must_mention, must_mention_quotes, citation precision overall
  and per answer mode, citation recall, refusal, unsupported sentences) are recomputed from each item's saved
  answer, refusal, mode and citations. A cited source is the citation's quote; the live run used the cited
  section's text instead when the quote is under 30 characters (the file does not hold section texts), so an
  item with such a quote may score differently: `changed` lists every item whose recomputed score differs from
  the score saved with it;
- retrieval metrics (recall@k, MRR, budget recall, directive lookup) need the retrieved chunk texts, which the file
  does not hold: their saved per-item scores are regrouped (per kind, per half), not recomputed;
- fragment_share needs section texts too: its saved summary value is carried for the whole set only.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from eval import metrics as m
from eval.dataset import EvalItem, load_dataset
from eval.harness import LOWER_IS_BETTER, SUMMARY_ORDER, answer_metrics, cell
from eval.runparts import by_half
from eval.sets import DATASETS, EXTRA_SPLIT, load_split

# Metrics whose per-item scores are carried from the file (their inputs are not saved).
CARRIED = ("recall@1", "recall@5", "recall@10", "mrr@10", f"budget_recall@{m.BUDGET_CHARS}", "directive_lookup")


class RescoreError(ValueError):
    """A results file that cannot be rescored (message in Vietnamese, for the CLI)."""


def dataset_path(saved: str) -> Path:
    """The dataset a results file names; when that path is gone (another checkout), the file of the same name in
    this checkout's eval/datasets."""
    path = Path(saved)
    if path.is_file():
        return path
    local = DATASETS / path.name
    if local.is_file():
        return local
    raise RescoreError(f"Không tìm thấy bộ câu hỏi {saved} (cũng không có {local}).")


def runs_from_rows(rows: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """The raw runs `answer_metrics` needs, rebuilt from the per-item rows of a results file."""
    runs: dict[str, dict[str, Any]] = {}
    for row in rows:
        if "answer" not in row:
            raise RescoreError(f"Mục {row.get('id')} không có câu trả lời: tệp không phải kết quả chạy đầy đủ.")
        citations = list(row.get("citations") or ())
        runs[row["id"]] = {
            "answer": row["answer"],
            "refused": bool(row.get("refused")),
            "mode": row.get("mode", "generated"),
            "citations": citations,
            "cited": [m.CitedSource(text=c.get("quote", ""), doc_id=c.get("doc_id")) for c in citations],
        }
    return runs


def score_rows(items: Sequence[EvalItem], rows: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """Summary, per-kind scores and per-item scores of the given items, from their saved rows."""
    chosen = [i for i in items if i.id in rows]
    runs = runs_from_rows([rows[i.id] for i in chosen])
    named: list[tuple[str, m.Score]] = []
    for name in CARRIED:
        per_item = {i.id: float(rows[i.id]["scores"][name]) for i in chosen if name in rows[i.id].get("scores", {})}
        if per_item:
            named.append((name, (sum(per_item.values()) / len(per_item), per_item)))
    recomputed, counts = answer_metrics(chosen, runs)
    named.extend(recomputed)
    summary = {name: score for name, (score, _) in named}
    summary.update(counts)
    kinds = {i.id: i.kind for i in chosen}
    return {
        "summary": summary,
        "by_kind": {name: m.by_kind(per_item, kinds) for name, (_, per_item) in named},
        "per_item": {name: per_item for name, (_, per_item) in named},
    }


def changed(scored: Mapping[str, Any], rows: Mapping[str, Mapping[str, Any]], eps: float = 1e-9
            ) -> dict[str, list[str]]:
    """metric → ids of the items whose recomputed score differs from the one saved with them (or exists on one
    side only), for the metrics the file saved per item."""
    out: dict[str, list[str]] = {}
    for name, per_item in scored["per_item"].items():
        if name in CARRIED:
            continue
        saved = {i: r["scores"][name] for i, r in rows.items() if name in r.get("scores", {})}
        if not saved:
            continue  # a metric the file predates
        ids = sorted(i for i in set(saved) | set(per_item)
                     if i not in saved or i not in per_item or abs(saved[i] - per_item[i]) > eps)
        if ids:
            out[name] = ids
    return out


def rescore(result: Mapping[str, Any], split: Path = EXTRA_SPLIT) -> dict[str, Any]:
    """Rescore one results file's product: {"set", "dataset", "n_items", "summary", "by_kind", "halves" (extra
    set only, halves from `split`), "changed", "carried"}."""
    try:
        product = result["systems"]["product"]
        rows = {row["id"]: row for row in product["items"]}
        dataset = dataset_path(result["dataset"])
    except (KeyError, TypeError) as exc:
        raise RescoreError(f"Tệp kết quả thiếu trường {exc}: không phải kết quả của eval.harness.") from exc
    items = load_dataset(dataset)
    unknown = sorted(set(rows) - {i.id for i in items})
    if unknown:
        raise RescoreError(f"Các mục {unknown[:5]} không có trong bộ câu hỏi {dataset}.")
    scored = score_rows(items, rows)
    carried = {k: v for k, v in product.get("summary", {}).items() if k == "fragment_share"}
    out: dict[str, Any] = {
        "set": result.get("set"), "dataset": str(dataset), "n_items": len(rows),
        "summary": {**scored["summary"], **carried}, "by_kind": scored["by_kind"],
        "changed": changed(scored, rows), "carried": [*CARRIED, *carried],
    }
    if result.get("set") == "extra":
        chosen = [i for i in items if i.id in rows]
        out["halves"] = by_half(chosen, load_split(split).assign(chosen), lambda sub: score_rows(sub, rows))
    return out


def _order(keys: Sequence[str]) -> list[str]:
    return [k for k in SUMMARY_ORDER if k in keys] + [k for k in keys if k not in SUMMARY_ORDER]


def print_rescored(name: str, scored: Mapping[str, Any]) -> None:
    """One set's tables: summary, per kind (all metrics), per hold-out half; then the items that changed."""
    from rich.console import Console
    from rich.table import Table

    console = Console(width=max(Console().width, 160))
    console.rule(f"{name}: {scored['set'] or '?'} — {scored['n_items']} items ({scored['dataset']})")
    summary = scored["summary"]
    halves = scored.get("halves") or {}
    table = Table(title="summary (carried, not recomputed: " + ", ".join(scored["carried"]) + ")")
    table.add_column("metric")
    table.add_column(f"all (n={scored['n_items']})", justify="right")
    for half, values in halves.items():
        table.add_column(f"{half} (n={int(values['n_items'])})", justify="right")
    for key in _order(list(summary)):
        label = key + (" (↓)" if key in LOWER_IS_BETTER else "")
        table.add_row(label, cell(key, summary[key]),
                      *[cell(key, values.get(key, float("nan"))) for values in halves.values()])
    console.print(table)
    by_kind = scored["by_kind"]
    kinds = sorted({kind for values in by_kind.values() for kind in values})
    kind_table = Table(title="by kind (mean over the items of that kind the metric applies to)")
    kind_table.add_column("metric")
    for kind in kinds:
        kind_table.add_column(kind, justify="right")
    for key in _order(list(by_kind)):
        kind_table.add_row(key, *[f"{by_kind[key][kind]:.2f}" if kind in by_kind[key] else "—" for kind in kinds])
    console.print(kind_table)
    for metric, ids in scored["changed"].items():
        console.print(f"recomputed {metric} differs from the saved score on {len(ids)} item(s): {', '.join(ids)}")


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: python -m eval.rescore <full-run.json> [...] [--json OUT]."""
    parser = argparse.ArgumentParser(description="Recompute the metrics of saved full evaluation runs.")
    parser.add_argument("files", nargs="+", type=Path, help="results files of full runs (eval.harness / eval.suite)")
    parser.add_argument("--json", type=Path, default=None, help="also write the rescored figures here")
    args = parser.parse_args(argv)
    everything: dict[str, Any] = {}
    for path in args.files:
        try:
            result = json.loads(path.read_text(encoding="utf-8"))
            scored = rescore(result)
        except (OSError, json.JSONDecodeError) as exc:
            print(f"Lỗi: không đọc được tệp kết quả {path}: {exc}")
            return 1
        except RescoreError as exc:
            print(f"Lỗi ({path}): {exc}")
            return 1
        print_rescored(path.name, scored)
        everything[str(path)] = scored
    if args.json is not None:
        args.json.write_text(json.dumps(everything, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
