"""The reader as a reranker inside the steered documents, measured on the 10-Q filings.

For each answerable question steered to dated documents (rag.steering.steer + dated), each
document's first POOL fused passages (rag.retrieve.Retriever.within's per-document search) are
read by the shipped reader; a passage's reader score is its best span's margin over "no
answer" (rag.answer.reader.Span.margin; question "asked"/"inner"), the answerability head's
logit for that window ("-head", what rag.rerank uses) or minus the null probability
("-null"). Variants reorder each document's pool
  fused        the fused order (today), cut to the first `pool` passages
  margin       by the reader score alone
  rrf          reciprocal-rank fusion of the fused order and the reader's (weight w)
  blend w      reader score + w * (the passage's cosine with the question)
then take the documents' passages in turn, k of them (3 for a fact, form_top_k for the
other forms, as the pipeline asks). Passage hit@k: one of the first k passages overlaps a
gold quote's span (as `rag eval`). The question read is the user's (`asked`) or the one
searched inside the documents (`inner`, rag.steering.within_query). Choose on validation only.

    python research/rerank_check.py --index-dir /tmp/rerank/sec-idx --pools 10 20 30
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout's rag

from rag import context, steering  # noqa: E402
from rag.answer.forms import classify  # noqa: E402
from rag.answer.reader import Reader  # noqa: E402
from rag.evaluation.runner import load_gold, spans_overlap  # noqa: E402
from rag.pipeline import RAG  # noqa: E402
from rag.settings import Settings  # noqa: E402

DOCS = Path("/work/shared/data/sec-10-q/docs")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--index-dir", type=Path, required=True)
    ap.add_argument("--docs", type=Path, default=DOCS)
    ap.add_argument("--gold", type=Path, default=Path("eval/sec10q/gold-validation.jsonl"))
    ap.add_argument("--pools", type=int, nargs="+", default=[10, 20, 30])
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--facts", action="store_true", help="only the questions classified fact")
    args = ap.parse_args()
    settings = Settings.from_env().replace(documents_dir=args.docs, index_dir=args.index_dir)
    rag = RAG(settings)
    rag.refresh()
    items = [i for i in load_gold(args.gold, args.docs) if i.answerable]
    snap = rag.store.current()
    r = rag.retriever
    reader = Reader(settings.reader_model)
    reader.warm_up()
    top = max(args.pools)
    keys = context.document_keys(snap)

    rows = []
    t_read = 0.0
    if args.facts:
        items = [it for it in items if classify(it.question) == "fact"]
    for it in items:
        s, docs = steering.steer(snap, it.question, "prefer")
        if not docs or not steering.dated(s, docs):
            rows.append(None)
            continue
        inner = steering.within_query(it.question, keys)
        both = rag.embedder.embed_cached([it.question, inner])
        groups = [[d] for d in sorted(docs)]
        per_doc = []
        for g in groups:
            ranked = r.search(
                s.restricted(g), inner, both[1:], top, alpha=steering.WITHIN_ALPHA, scored=both[:1]
            )
            texts = [p.chunk.text for p in ranked]
            sents = [p.chunk.sentence_spans() for p in ranked]
            t0 = time.perf_counter()
            margins = {}
            for name, q in (("asked", it.question), ("inner", inner)):
                m = [float("-inf")] * len(ranked)
                h = [float("-inf")] * len(ranked)
                pn = [float("-inf")] * len(ranked)
                for sp in reader.read(q, texts, sents):
                    m[sp.passage] = sp.margin
                    h[sp.passage] = sp.answerable
                    pn[sp.passage] = -sp.null_prob
                margins[name] = m
                margins[name + "-head"] = h
                margins[name + "-null"] = pn
            t_read += time.perf_counter() - t0
            gold = [
                spans_overlap(p.chunk.doc, p.chunk.start, p.chunk.end, it.spans) for p in ranked
            ]
            per_doc.append({"cos": [p.score for p in ranked], "m": margins, "gold": gold})
        k = 3 if classify(it.question) == "fact" else settings.form_top_k
        rows.append({"k": k, "docs": per_doc, "id": it.id})
    print(f"read time {t_read:.1f}s (two questions per passage)", flush=True)

    def order(d, pool, how, q, w):
        n = min(pool, len(d["cos"]))
        idx = list(range(n))
        m = d["m"][q]
        if how == "fused":
            return idx
        if how == "margin":
            return sorted(idx, key=lambda i: (-m[i], i))
        if how == "rrf":
            by_m = sorted(idx, key=lambda i: (-m[i], i))
            pos = {i: r for r, i in enumerate(by_m)}
            return sorted(idx, key=lambda i: -(1 / (60 + i) + w / (60 + pos[i])))
        if how == "blend":
            return sorted(idx, key=lambda i: (-(m[i] + w * d["cos"][i]), i))
        raise ValueError(how)

    def evaluate(pool, how, q, w, kfact=None):
        ranks = []
        for row in rows:
            if row is None:
                continue
            k = row["k"] if kfact is None or row["k"] != 3 else kfact
            lists = [[(d, i) for i in order(d, pool, how, q, w)] for d in row["docs"]]
            out = []
            for j in range(k):
                for lst in lists:
                    if j < len(lst):
                        out.append(lst[j])
            out = out[:k]
            rk = next((n for n, (d, i) in enumerate(out, 1) if d["gold"][i]), None)
            ranks.append(rk)
        n = len(ranks)
        return {
            "n": n,
            "hit@1": round(sum(1 for x in ranks if x and x <= 1) / n, 3),
            "hit@3": round(sum(1 for x in ranks if x and x <= 3) / n, 3),
            "hit@5": round(sum(1 for x in ranks if x and x <= 5) / n, 3),
            "hit@k": round(sum(1 for x in ranks if x) / n, 3),
        }

    out = {}
    variants = [("fused", "asked", 0.0)]
    for q in ("asked", "inner", "asked-head", "inner-head", "asked-null", "inner-null"):
        variants += [("margin", q, 0.0), ("rrf", q, 1.0), ("rrf", q, 2.0)]
        variants += [("blend", q, w) for w in (5.0, 10.0, 20.0)]
    for pool in args.pools:
        for how, q, w in variants:
            for kfact in (None, 5):
                name = f"pool={pool} {how} q={q} w={w} kfact={kfact or 3}"
                out[name] = res = evaluate(pool, how, q, w, kfact)
                print(f"{name:45s}", res, flush=True)
    if args.out:
        args.out.write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
