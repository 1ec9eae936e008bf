"""Which fusion of dense and BM25 ranks the right passage first? Retrieval only, no reader.

    .venv/bin/python research/fusion_sweep.py --squad ../shared/data/squad/squad-train.json \
        --out eval/results/fusion-sweep.json

Chosen on the validation questions (SQuAD train+dev articles: no retrieval setting was ever fit
on them), then reported, unchanged, on the test articles and on eval/gold.jsonl. A question is
found at rank r when the r-th passage overlaps a gold answer span (SQuAD) or a gold source
quote (gold set); unanswerable questions are left out.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag import RAG, Settings  # noqa: E402
from rag.evaluation.runner import load_gold, spans_overlap, squad_items  # noqa: E402
from rag.retrieve import Retriever  # noqa: E402

CONFIGS = (
    [("dense", 0.0, 20), ("bm25", 0.0, 20)]
    + [("rrf", 0.0, c) for c in (5, 10, 20, 50)]
    + [("convex", a, c) for a in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8) for c in (10, 20, 50)]
)


def measure(rag: RAG, items, k: int = 5) -> dict[str, dict]:
    snap = rag.store.current()
    items = [it for it in items if it.answerable and it.spans]
    vecs = rag.embedder.embed([it.question for it in items], batch_size=64)
    out = {}
    for fusion, alpha, cand in CONFIGS:
        r = Retriever(lambda: snap, rag.embedder, k, fusion, alpha, cand)
        ranks = []
        for it, v in zip(items, vecs, strict=True):
            found = r.search(snap, it.question, v[None, :])
            rank = next(
                (
                    p.rank
                    for p in found
                    if spans_overlap(p.chunk.doc, p.chunk.start, p.chunk.end, it.spans)
                ),
                None,
            )
            ranks.append(rank)
        name = fusion if fusion in ("dense", "bm25") else f"{fusion} a={alpha} c={cand}"
        if fusion == "rrf":
            name = f"rrf c={cand}"
        out[name] = {
            "fusion": fusion,
            "alpha": alpha,
            "candidates": cand,
            "hit@1": round(float(np.mean([x == 1 for x in ranks])), 4),
            "recall@3": round(float(np.mean([x is not None and x <= 3 for x in ranks])), 4),
            "recall@5": round(float(np.mean([x is not None for x in ranks])), 4),
            "mrr@5": round(float(np.mean([1 / x if x else 0 for x in ranks])), 4),
            "questions": len(items),
        }
    return out


def corpus_rag(work: Path, squad: Path, split: str):
    items = squad_items(squad, split, work / "corpus")
    rag = RAG(Settings(documents_dir=work / "corpus", index_dir=work / "index"))
    rag.refresh()
    return rag, items


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--squad", required=True)
    p.add_argument("--work", default="runs/fusion")
    p.add_argument("--out")
    args = p.parse_args(argv)
    work = Path(args.work)
    report = {}
    rag, items = corpus_rag(work / "validation", Path(args.squad), "train+dev")
    report["validation"] = measure(rag, items)
    best = max(report["validation"], key=lambda n: report["validation"][n]["mrr@5"])
    report["chosen_on_validation_by_mrr@5"] = best
    rag, items = corpus_rag(work / "test", Path(args.squad), "test")
    report["test"] = measure(rag, items)
    gold_rag = RAG(Settings(documents_dir=ROOT / "seeds", index_dir=work / "gold-index"))
    gold_rag.refresh()
    report["gold"] = measure(gold_rag, load_gold(ROOT / "eval" / "gold.jsonl", ROOT / "seeds"))
    print(f"{'':24} {'validation':>22} {'test':>22} {'gold':>22}")
    print(f"{'':24}" + "   hit@1  R@5   MRR    " * 3)
    for name in report["validation"]:
        row = f"{name:24}"
        for part in ("validation", "test", "gold"):
            m = report[part][name]
            row += f"   {m['hit@1']:.3f} {m['recall@5']:.3f} {m['mrr@5']:.3f}"
        print(row + ("   <- chosen" if name == best else ""))
    if args.out:
        Path(args.out).write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
