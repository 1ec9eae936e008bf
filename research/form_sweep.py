"""Choose the answer-form settings (form_top_k, form_lexical_weight, form_floor,
form_max_items) on the 10-Q validation questions the rule sends to a list, summary or
comparison.

The models and the index load once; retrieval is remembered per (query, k, documents), so each
setting re-runs only the sentence choice. Per setting, over the answerable questions answered in
a form: contains (the answer holds a gold key), citation precision (a cited span overlaps a gold
quote), false abstentions.

    .venv/bin/python research/form_sweep.py --index-dir /tmp/forms2/sec-idx \
        --out eval/results/form-sweep.json
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import sys
import time
from pathlib import Path

from rag.answer.forms import classify
from rag.evaluation.runner import load_gold, score_answer
from rag.pipeline import RAG
from rag.settings import Settings


def metrics(rows: list[dict]) -> dict:
    ans = [r for r in rows if r["answerable"]]
    cited = sum(r["citations_total"] for r in ans)
    ok = sum(r["citations_correct"] for r in ans)
    n = len(ans) or 1
    return {
        "n": len(ans),
        "contains": round(sum(r["contains"] for r in ans) / n, 3),
        "precision": round(ok / cited, 3) if cited else 0.0,
        "false_abstain": round(sum(r["abstained"] for r in ans) / n, 3),
        "citations": cited,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gold", type=Path, default=Path("eval/sec10q/gold-validation.jsonl"))
    ap.add_argument("--docs", type=Path, default=Path("/work/shared/data/sec-10-q/docs"))
    ap.add_argument("--index-dir", type=Path, required=True)
    ap.add_argument("--out", type=Path, default=Path("eval/results/form-sweep.json"))
    ap.add_argument("--top-k", type=int, nargs="+", default=[5, 8, 12])
    ap.add_argument("--weight", type=float, nargs="+", default=[0.0, 0.25, 0.5, 1.0])
    ap.add_argument("--floor", type=float, nargs="+", default=[0.3, 0.4, 0.45, 0.5, 0.6])
    ap.add_argument("--max-items", type=int, nargs="+", default=[2, 3, 5, 8])
    args = ap.parse_args()

    base = dataclasses.replace(
        Settings.from_env({}), documents_dir=args.docs, index_dir=args.index_dir
    )
    rag = RAG(base)
    run, memo = rag.retriever.run, {}

    def remembered(query, top_k=None, documents=None):
        key = (query, top_k, tuple(documents or ()))
        if key not in memo:
            memo[key] = run(query, top_k, documents)
        return memo[key]

    rag.retriever.run = remembered
    items = [i for i in load_gold(args.gold, args.docs) if classify(i.question) != "fact"]
    print(f"{len(items)} questions answered in a form", file=sys.stderr)
    results = []
    grid = itertools.product(args.top_k, args.weight, args.floor, args.max_items)
    for k, w, f, m in grid:
        rag.settings = dataclasses.replace(
            base, form_top_k=k, form_lexical_weight=w, form_floor=f, form_max_items=m
        )
        t0 = time.process_time()
        rows = [{**score_answer(i, rag.ask(i.question).to_dict(), 0), **i.extra} for i in items]
        res = {"form_top_k": k, "weight": w, "floor": f, "max_items": m, **metrics(rows)}
        res["by_form"] = {
            form: metrics([r for r in rows if r.get("form") == form])
            for form in ("list", "summary", "comparison", "fact")
        }
        res["cpu_s"] = round(time.process_time() - t0, 2)
        print(json.dumps({x: y for x, y in res.items() if x != "by_form"}), flush=True)
        results.append(res)
    args.out.write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
