"""Two short probes for a loaded machine, where the full `python -m eval.speed` run does not fit (issue #12).

- `python -m eval.speed_probes tokens 1500,1000,750,500`: for each evidence budget (context_chars), the prompt
  tokens of the dev questions that reach the model, and the new tokens after the cached fixed prefix (what the
  first token waits for). No model time: prompts are captured, then tokenized with the GGUF's vocabulary only.
- `python -m eval.speed_probes pairs 2`: baseline / prompt lookup / draft model (0.5B) off/on, interleaved, on
  the N bench questions with the shortest prompts; per-request stats as JSON lines, then the summary.

Both run over the ingested PLANBOT_DATA_DIR (corpus/).
"""

from __future__ import annotations

import json
import logging
import statistics
import sys
from collections.abc import Sequence

from eval.bench import QUESTIONS
from eval.speed import DEV_SET, Variant, capture, dataset_items, fixed_prefix_tokens, pair_summary, run_pairs
from rag.config import Settings
from rag.llm.assets import ensure_model
from rag.llm.textstream import chat_prompt_tokens


def tokens(budgets: Sequence[int]) -> None:
    import llama_cpp

    settings = Settings()
    llm = llama_cpp.Llama(str(ensure_model(settings)), vocab_only=True, verbose=False)
    items = dataset_items(DEV_SET)
    for budget in budgets:
        caps = capture(settings.model_copy(update={"context_chars": budget}), items)
        toks = [chat_prompt_tokens(llm, c.prompts[0]["messages"]) for c in caps if c.prompts]
        prefix = fixed_prefix_tokens(toks)
        new = sorted(len(t) - prefix for t in toks)
        print(json.dumps({"context_chars": budget, "reach_model": len(toks), "fixed_prefix": prefix,
                          "prompt_p50": statistics.median(map(len, toks)), "prompt_max": max(map(len, toks)),
                          "new_p50": statistics.median(new), "new_p90": new[int(0.9 * len(new))],
                          "new_max": new[-1]}), flush=True)


def pairs(n: int) -> None:
    from rag.llm.llamacpp import LlamaCppGenerator

    settings = Settings()
    caps = [c for c in capture(settings, [("bench", q, []) for q in QUESTIONS]) if c.prompts]
    gen = LlamaCppGenerator(settings, model_path=ensure_model(settings))
    llm = gen.load()
    toks = [chat_prompt_tokens(llm, c.prompts[0]["messages"]) for c in caps]
    prefix = fixed_prefix_tokens(toks)
    order = sorted(range(len(caps)), key=lambda i: len(toks[i]))[:n]
    prompts = [caps[i].prompts[0] for i in order]
    print(json.dumps({"questions": [caps[i].question for i in order], "prompt_tokens": [len(toks[i]) for i in order],
                      "fixed_prefix": prefix}, ensure_ascii=False), flush=True)
    gen.load_draft()
    rows = run_pairs(gen, llm, Variant("baseline", prompts),
                     [Variant("prompt lookup", prompts, lookup=True),
                      Variant(f"draft model 0.5B ({settings.llm_draft_tokens} tok)", prompts, draft=True)], prefix)
    for row in rows:
        print(json.dumps(row), flush=True)
    print(json.dumps(pair_summary(rows), indent=1))


def main(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.WARNING)
    if len(args) == 2 and args[0] == "tokens":
        tokens([int(x) for x in args[1].split(",")])
    elif len(args) == 2 and args[0] == "pairs":
        pairs(int(args[1]))
    else:
        raise SystemExit("usage: python -m eval.speed_probes tokens 1500,750 | pairs N")


if __name__ == "__main__":
    main()
