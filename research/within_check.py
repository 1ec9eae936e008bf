"""Ranking inside the steered documents, measured on the 10-Q filings (rag.retrieve.within).

A question naming a company and a period is steered to that company's filings
(rag.steering.steer); this script asks where the passage holding the gold quote ranks when
those documents' passages are
  prefer    fused over the whole collection, the steered documents' first (the old default)
  within    ranked inside the steered documents only, for the question without the words
            that chose them (rag.steering.within_query), at dense weight ALPHA
  perdoc    the same, each steered document searched alone and their passages taken in turn
Passage hit@k: one of the first k passages overlaps a gold quote's span (as `rag eval`).
Choose on the validation half; the seeds gold set is the regression check (`rag eval`).

    python research/within_check.py --index-dir /tmp/retr/sec-idx \\
        --gold eval/sec10q/gold-validation.jsonl --alphas 0.6 0.75 0.85 0.95
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout's rag

from rag import steering  # noqa: E402
from rag.evaluation.runner import load_gold, spans_overlap  # noqa: E402
from rag.pipeline import RAG  # noqa: E402
from rag.settings import Settings  # noqa: E402

DOCS = Path("/work/shared/data/sec-10-q/docs")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--index-dir", type=Path, required=True)
    ap.add_argument("--docs", type=Path, default=DOCS)
    ap.add_argument("--gold", type=Path, default=Path("eval/sec10q/gold-validation.jsonl"))
    ap.add_argument("--alphas", type=float, nargs="+", default=[0.6, 0.75, 0.85, 0.95])
    ap.add_argument("--k", type=int, default=20)
    args = ap.parse_args()
    rag = RAG(Settings.from_env().replace(documents_dir=args.docs, index_dir=args.index_dir))
    rag.refresh()
    items = [i for i in load_gold(args.gold, args.docs) if i.answerable]
    snap = rag.store.current()
    r = rag.retriever

    def rank(it, passages) -> int | None:
        for i, p in enumerate(passages, 1):
            if spans_overlap(p.chunk.doc, p.chunk.start, p.chunk.end, it.spans):
                return i
        return None

    def prefer(it, docs):
        vec = rag.embedder.embed_cached([it.question])
        return r.search(snap, it.question, vec, args.k, docs)

    def within(alpha, per_doc):
        def run(it, docs):
            if not docs:
                return prefer(it, docs)
            saved = steering.WITHIN_ALPHA, steering.PER_DOCUMENT
            steering.WITHIN_ALPHA, steering.PER_DOCUMENT = alpha, per_doc
            try:
                return r.within(snap, it.question, sorted(docs), args.k)
            finally:
                steering.WITHIN_ALPHA, steering.PER_DOCUMENT = saved

        return run

    variants = {"prefer": prefer}
    for a in args.alphas:
        variants[f"within a={a}"] = within(a, False)
        variants[f"perdoc a={a}"] = within(a, True)
    out = {}
    for name, run in variants.items():
        ranks = []
        for it in items:
            _, docs = steering.steer(snap, it.question, "prefer")
            ranks.append(rank(it, run(it, docs)))
        n = len(ranks)
        row = {f"hit@{k}": round(sum(1 for x in ranks if x and x <= k) / n, 3) for k in (1, 5, 20)}
        out[name] = row
        print(f"{name:18s}", row, flush=True)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
