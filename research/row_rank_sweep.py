"""Table rows as a third ranking signal inside steered documents (rag.retrieve.with_rows).

Inside the documents a question is steered to (`Retriever.within`), the passages holding the
table rows whose labels best match the question (`rag.answer.tables.row_passages`) are fused
with the dense/BM25 order by weighted reciprocal rank. This script asks where the passage
holding the gold quote ranks for each weight (0: off), row-score floor and fusion constant.
Passage hit@k as `rag eval`: one of the first k passages overlaps a gold quote's span; split
by the gold rows' `chunk_type` (table / text). Choose on the validation half only.

    python research/row_rank_sweep.py --index-dir /tmp/rowrank/sec-idx \\
        --gold eval/sec10q/gold-validation.jsonl --out eval/results/row-rank-sweep.json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout's rag

from rag import retrieve, steering  # noqa: E402
from rag.evaluation.runner import load_gold, spans_overlap  # noqa: E402
from rag.pipeline import RAG  # noqa: E402
from rag.settings import Settings  # noqa: E402

DOCS = Path("/work/shared/data/sec-10-q/docs")
KS = (1, 5, 10, 20)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--index-dir", type=Path, required=True)
    ap.add_argument("--docs", type=Path, default=DOCS)
    ap.add_argument("--gold", type=Path, default=Path("eval/sec10q/gold-validation.jsonl"))
    ap.add_argument("--weights", type=float, nargs="+", default=[0.25, 0.5, 1.0, 2.0])
    ap.add_argument("--floors", type=float, nargs="+", default=[0.2, 0.4, 0.6])
    ap.add_argument("--constants", type=int, nargs="+", default=[10, 60])
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    s = Settings.from_env().replace(documents_dir=args.docs, index_dir=args.index_dir)
    rag = RAG(s)
    rag.refresh()
    items = [i for i in load_gold(args.gold, args.docs) if i.answerable]
    snap = rag.store.current()
    r = rag.retriever
    steered = []
    for it in items:
        _, docs = steering.steer(snap, it.question, s.doc_steer)
        steered.append(sorted(docs) if docs and steering.dated(snap, docs) else None)
    print(f"{len(items)} answerable, {sum(d is not None for d in steered)} steered", flush=True)

    def rank(it, passages) -> int | None:
        for i, p in enumerate(passages, 1):
            if spans_overlap(p.chunk.doc, p.chunk.start, p.chunk.end, it.spans):
                return i
        return None

    def measure(weight: float, floor: float, const: int) -> dict:
        r.row_weight, r.row_min_score, retrieve.ROW_FUSION_K = weight, floor, const
        ranks = [
            rank(
                it,
                r.within(snap, it.question, docs, KS[-1]) if docs else r.run(it.question, KS[-1]),
            )
            for it, docs in zip(items, steered, strict=True)
        ]
        out = {}
        for kind in ("all", "table", "text"):
            sel = [
                x
                for x, it in zip(ranks, items, strict=True)
                if kind == "all" or it.extra.get("chunk_type") == kind
            ]
            n = len(sel) or 1
            out[kind] = {f"hit@{k}": round(sum(1 for x in sel if x and x <= k) / n, 3) for k in KS}
            out[kind]["n"] = len(sel)
        return out

    results = {"off": measure(0.0, 0.4, 60)}
    print(f"{'off':24s}", results["off"], flush=True)
    for c in args.constants:
        for f in args.floors:
            for w in args.weights:
                name = f"w={w} floor={f} k={c}"
                results[name] = measure(w, f, c)
                print(f"{name:24s}", results[name], flush=True)
    if args.out:
        args.out.write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
