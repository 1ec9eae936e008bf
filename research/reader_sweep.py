"""How many passages should the reader read, and how well do its signals separate answerable
from unanswerable questions? Measured on one split of a SQuAD-format file (dev, never test).

    .venv/bin/python research/reader_sweep.py --squad ../shared/data/squad/squad-train.json \
        --split dev --ks 1 3 5 8 --out eval/results/reader-dev-sweep.json

For each number of passages k: short-answer F1 / EM if the reader always answered (answerable
questions), how often the answer's passage holds a gold answer, the AUROC of each verifier
feature, and the median reading time. Nothing is fitted here.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag import RAG, Settings  # noqa: E402
from rag.answer.abstain import FEATURES  # noqa: E402
from rag.evaluation.runner import auroc, exact_match, squad_items, token_f1  # noqa: E402


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--squad", required=True)
    p.add_argument("--split", default="dev")
    p.add_argument("--ks", type=int, nargs="+", default=[1, 3, 5, 8])
    p.add_argument("--work", default="runs/sweep")
    p.add_argument("--limit", type=int, default=0)
    p.add_argument("--out", help="write the figures as JSON here")
    args = p.parse_args(argv)
    if args.split == "test":
        print("refusing to tune on the test split", file=sys.stderr)
        return 2
    work = Path(args.work)
    items = squad_items(Path(args.squad), args.split, work / "corpus", args.limit)
    rag = RAG(Settings(documents_dir=work / "corpus", index_dir=work / "index", generator="reader"))
    rag.refresh()
    table = {}
    for k in args.ks:
        f1, em, found, labels, times = [], [], [], [], []
        feats = {f: [] for f in FEATURES}
        for item in items:
            t0 = time.perf_counter()
            cand = rag.candidate(item.question, top_k=k)
            times.append(time.perf_counter() - t0)
            if cand is None:
                continue
            labels.append(item.answerable)
            for f in FEATURES:
                feats[f].append(cand.features[f])
            if item.answerable:
                f1.append(token_f1(cand.span.text, item.answers))
                em.append(exact_match(cand.span.text, item.answers))
                c = cand.passage.chunk
                found.append(any(s.doc == c.doc and c.start <= s.start < c.end for s in item.spans))
        table[k] = {
            "short_token_f1_always_answering": round(statistics.mean(f1), 4),
            "short_exact_match_always_answering": round(statistics.mean(em), 4),
            "answer_passage_holds_gold": round(statistics.mean(found), 4),
            "feature_auroc": {f: round(auroc(v, labels), 4) for f, v in feats.items()},
            "read_seconds_p50": round(statistics.median(times), 4),
            "questions": len(items),
        }
        print(f"k={k}: {json.dumps(table[k])}", flush=True)
    if args.out:
        Path(args.out).write_text(json.dumps({"split": args.split, "by_k": table}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
