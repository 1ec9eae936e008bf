"""A learned relevance inside the steered filings, measured on the 10-Q validation halves.

Each answerable question of the validation set and its two rewordings is steered as the
pipeline steers it; inside each filing the first POOL passages of today's order (dense + BM25,
table rows fused: `Retriever.with_rows`) are scored by a logistic regression on features at
hand without another model: the passage's place, its cosine with the question and with the
question searched inside (`steering.within_query`), whether a row of its tables matched and
how well, and (`+had`) the elementwise product of question and passage embeddings (a learned
weighting of the cosine). Trained on one company's questions (all three wordings), tested on
the other's, both ways: passage hit@1 / hit@5 as `rag eval` counts them, documents taken in
turn, against today's order. Choose on validation only.

    python research/relevance_check.py --index-dir /tmp/sec-idx --out eval/results/relevance-check.json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout's rag

from rag import context, steering  # noqa: E402
from rag.answer.forms import classify  # noqa: E402
from rag.answer.tables import asked_names, row_passages  # noqa: E402
from rag.evaluation.runner import load_gold, spans_overlap  # noqa: E402
from rag.pipeline import RAG  # noqa: E402
from rag.settings import Settings  # noqa: E402

DOCS = Path("/work/shared/data/sec-10-q/docs")
SETS = [
    Path("eval/sec10q/gold-validation.jsonl"),
    Path("eval/sec10q/gold-validation-paraphrased.jsonl"),
    Path("eval/sec10q/gold-validation-chat.jsonl"),
]
POOL = 40


def collect(rag, settings) -> dict[str, list[dict]]:
    snap = rag.store.current()
    r = rag.retriever
    keys = context.document_keys(snap)
    every = [k for k, _ in snap.dense(np.zeros((1, 384), dtype="float32"), snap.ntotal)]
    vec_of = {snap.chunk(k).chunk_id: snap.vector(k) for k in every}
    out = {}
    for path in SETS:
        rows = []
        for it in (i for i in load_gold(path, DOCS) if i.answerable):
            s, docs = steering.steer(snap, it.question, "prefer")
            if not docs or not steering.dated(s, docs):
                continue
            inner = steering.within_query(it.question, keys)
            names = asked_names(it.question, keys)
            both = rag.embedder.embed_cached([it.question, inner])
            per = []
            for d in sorted(docs):
                sub = s.restricted([d])
                fused = r.search(
                    sub,
                    inner,
                    both[1:],
                    max(POOL, r.candidates),
                    alpha=steering.WITHIN_ALPHA,
                    scored=both[:1],
                )
                found = row_passages(it.question, list(sub.doc_chunks(d)), names, r.row_min_score)
                ranked = r.with_rows(sub, fused, found, both[:1], POOL)
                row_rank = {c.chunk_id: i for i, (_, c) in enumerate(found)}
                per.append(
                    {
                        "cos": np.array([p.score for p in ranked]),
                        "inner": np.array(
                            [float(vec_of[p.chunk.chunk_id] @ both[1]) for p in ranked]
                        ),
                        "vec": np.stack([vec_of[p.chunk.chunk_id] for p in ranked]),
                        "row": np.array([row_rank.get(p.chunk.chunk_id, -1) for p in ranked]),
                        "gold": [
                            bool(spans_overlap(p.chunk.doc, p.chunk.start, p.chunk.end, it.spans))
                            for p in ranked
                        ],
                    }
                )
            k = 5 if classify(it.question) == "fact" else settings.form_top_k
            rows.append(
                {"id": it.id, "company": it.extra.get("company"), "q": both[0], "docs": per, "k": k}
            )
        out[path.stem] = rows
    return out


def features(row, d, with_products: bool) -> np.ndarray:
    pos = np.arange(len(d["cos"]))
    matched = d["row"] >= 0
    base = np.stack(
        [
            1 / (1 + pos),
            np.log1p(pos),
            d["cos"],
            d["inner"],
            matched.astype(float),
            np.where(matched, 1 / (1 + np.maximum(d["row"], 0)), 0.0),
        ],
        1,
    )
    return np.concatenate([base, d["vec"] * row["q"][None, :]], 1) if with_products else base


def hits(rows, model, with_products: bool) -> tuple[float, float]:
    h1 = h5 = 0
    for row in rows:
        orders = []
        for d in row["docs"]:
            n = len(d["cos"])
            if model is None:
                orders.append(list(range(n)))
            else:
                s = model.decision_function(features(row, d, with_products))
                orders.append(sorted(range(n), key=lambda i: (-s[i], i)))
        taken = [  # the documents' passages in turn, as `Retriever.within` takes them
            (d, o[j])
            for j in range(row["k"])
            for d, o in zip(row["docs"], orders, strict=True)
            if j < len(o)
        ]
        rank = next((m for m, (d, i) in enumerate(taken[: row["k"]], 1) if d["gold"][i]), None)
        h1 += rank == 1
        h5 += bool(rank and rank <= 5)
    return round(h1 / len(rows), 3), round(h5 / len(rows), 3)


def main() -> None:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    ap = argparse.ArgumentParser()
    ap.add_argument("--index-dir", type=Path, required=True)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    settings = Settings.from_env().replace(documents_dir=DOCS, index_dir=args.index_dir)
    rag = RAG(settings)
    rag.refresh()
    data = collect(rag, settings)
    companies = sorted({r["company"] for rows in data.values() for r in rows})
    result = {}
    for with_products in (False, True):
        for scaled in (False, True):
            for c in (0.001, 0.01, 0.1, 1.0):
                name = f"{'+products' if with_products else 'base'} scaled={scaled} C={c}"
                per_set = {}
                for held in companies:
                    train = [r for rows in data.values() for r in rows if r["company"] != held]
                    X = np.concatenate(
                        [features(r, d, with_products) for r in train for d in r["docs"]]
                    )
                    y = np.array([g for r in train for d in r["docs"] for g in d["gold"]])
                    lr = LogisticRegression(C=c, max_iter=3000, class_weight="balanced")
                    model = make_pipeline(StandardScaler(), lr) if scaled else lr
                    model.fit(X, y)
                    for set_name, rows in data.items():
                        test = [r for r in rows if r["company"] == held]
                        got = per_set.setdefault(
                            set_name, {"n": 0, "before": [0, 0], "after": [0, 0]}
                        )
                        b, a = hits(test, None, with_products), hits(test, model, with_products)
                        got["n"] += len(test)
                        for j in (0, 1):
                            got["before"][j] += b[j] * len(test)
                            got["after"][j] += a[j] * len(test)
                result[name] = {
                    s: {
                        "hit@1": f"{g['before'][0] / g['n']:.3f} -> {g['after'][0] / g['n']:.3f}",
                        "hit@5": f"{g['before'][1] / g['n']:.3f} -> {g['after'][1] / g['n']:.3f}",
                    }
                    for s, g in per_set.items()
                }
                print(name, result[name], flush=True)
    if args.out:
        args.out.write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
