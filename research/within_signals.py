"""Not adopted. Do two more signals put the answer's passage higher inside a steered filing
than the fused order (`rag.retrieve.Retriever.within`)?

- **focus**: the question's figure alone (the words after the company's possessive, up to a
  preposition or verb: "Apple's inventory levels in the Q3 2022 report" -> "inventory
  levels"), searched inside the same filings, fused with the fused order by reciprocal rank at
  weight 0.5 / 1 / 2;
- **maxsim**: MiniLM's token vectors (the embedder's own model, before pooling) scored
  ColBERT-style, the mean over the question's tokens (all, or its content words only) of the
  best cosine with a passage's tokens, alone (weight 0) or fused at 0.5 / 1 / 2, over each
  filing's first 10 or 30 passages.

Each validation question's steered filings are searched as the pipeline does (30 passages a
filing), each filing's order is changed, and the filings' orders are taken in turn as
`within` does. Passage hit@k as `rag eval`.

    .venv/bin/python research/within_signals.py --index-dir /tmp/sec-index \
        --out eval/results/within-signals.json
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

import numpy as np

from rag import steering
from rag.context import document_keys, embedding_text
from rag.evaluation.runner import load_gold, spans_overlap
from rag.pipeline import RAG
from rag.settings import Settings
from rag.steering import within_query
from rag.text import STOPWORDS

POOL = 30
# the words after a possessive, up to what says when, how or what of it
_FOCUS = re.compile(
    r"\b[A-Z][\w.&-]*['’]s?\s+((?:[\w&/-]+\s+){0,5}?[\w&/-]+?)(?=\s+(?:in|for|during|over|from|"
    r"as|and|to|compare|compared|across|reported|disclosed|change|changed|reflect|relate|been|of|"
    r"on|with|between|affect|contribute|impact)\b|[?,.]|$)"
)


class _Keep:
    """A stand-in reranker: keeps each filing's first POOL passages as `within` ranked them."""

    pool = POOL

    def __init__(self):
        self.lists = []

    def rerank(self, query, ranked, k):
        self.lists.append(ranked[:POOL])
        return ranked[:k]


def _orders(retriever, snap, question: str, docs) -> list:
    keep = _Keep()
    retriever.reranker = keep
    try:
        retriever.within(snap, question, sorted(docs), POOL)
    finally:
        retriever.reranker = None
    return keep.lists


def _rank(item, passages) -> int | None:
    for i, p in enumerate(passages, 1):
        if spans_overlap(p.chunk.doc, p.chunk.start, p.chunk.end, item.spans):
            return i
    return None


def _in_turn(orders: list[list]) -> list:
    out, seen = [], set()
    for i in range(max((len(o) for o in orders), default=0)):
        for o in orders:
            if i < len(o) and o[i].chunk.chunk_id not in seen:
                seen.add(o[i].chunk.chunk_id)
                out.append(o[i])
    return out


def _fuse(base: list, other: list, weight: float, c: int = 60) -> list:
    score, by = {}, {}
    for w, order in ((1.0, base), (weight, other)):
        for r, p in enumerate(order):
            score[p.chunk.chunk_id] = score.get(p.chunk.chunk_id, 0.0) + w / (c + r)
            by[p.chunk.chunk_id] = p
    return [by[k] for k in sorted(score, key=lambda k: -score[k])]


def _hits(ranks: list[int | None]) -> dict:
    n = len(ranks) or 1
    return {f"hit@{k}": round(sum(1 for r in ranks if r and r <= k) / n, 3) for k in (1, 3, 5, 10)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gold", type=Path, default=Path("eval/sec10q/gold-validation.jsonl"))
    ap.add_argument("--docs", type=Path, default=Path("/work/shared/data/sec-10-q/docs"))
    ap.add_argument("--index-dir", type=Path, required=True)
    ap.add_argument("--out", type=Path, default=Path("eval/results/within-signals.json"))
    args = ap.parse_args()

    rag = RAG(Settings.from_env({}).replace(documents_dir=args.docs, index_dir=args.index_dir))
    rag.refresh()
    snap, retriever = rag.store.current(), rag.retriever
    keys = document_keys(snap)
    model = rag.embedder._model  # the embedder's SentenceTransformer: its token vectors
    tok = model.tokenizer
    special = {tok.cls_token_id, tok.sep_token_id, tok.pad_token_id}

    def tokens(text: str) -> tuple[np.ndarray, list[str]]:
        out = model.encode([text], output_value="token_embeddings", convert_to_numpy=False)[0]
        ids = tok(text, truncation=True, max_length=model.max_seq_length)["input_ids"]
        keep = [i for i, x in enumerate(ids) if x not in special]
        vecs = out[: len(ids)].float().numpy()[keep]
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True) + 1e-9
        return vecs, [tok.convert_ids_to_tokens(ids[i]) for i in keep]

    cache: dict[str, np.ndarray] = {}

    def passage_tokens(chunk) -> np.ndarray:
        if chunk.chunk_id not in cache:
            cache[chunk.chunk_id] = tokens(embedding_text(chunk))[0]
        return cache[chunk.chunk_id]

    t0 = time.time()
    items = [i for i in load_gold(args.gold, args.docs) if i.answerable]
    runs = []  # (item, base orders, focus orders or None, maxsim scores per order)
    for item in items:
        _, docs = steering.steer(snap, item.question, "prefer")
        if not docs:
            runs.append((item, None, None, None))
            continue
        base = _orders(retriever, snap, item.question, docs)
        m = _FOCUS.search(item.question)
        focus = None
        if m:
            owners = " ".join(sorted(set(re.findall(r"\b[A-Z][a-z]+(?=['’]s)", item.question))))
            focus = _orders(retriever, snap, f"{owners} {m.group(1)}".strip(), docs)
        q, words = tokens(within_query(item.question, keys))
        content = [
            i
            for i, w in enumerate(words)
            if w.isalpha() and w.lower() not in STOPWORDS and not w.startswith("##")
        ] or list(range(len(words)))
        sims = [
            [
                (float((q @ v.T).max(1).mean()), float((q[content] @ v.T).max(1).mean()))
                for v in (passage_tokens(p.chunk) for p in order)
            ]
            for order in base
        ]
        runs.append((item, base, focus, sims))
    print(f"{len(items)} questions read in {time.time() - t0:.0f} s", file=sys.stderr)

    def variant(how: str, weight: float = 1.0, pool: int = POOL, which: int = 0) -> dict:
        ranks = []
        for item, base, focus, sims in runs:
            if base is None:
                ranks.append(None)
                continue
            orders = []
            for j, order in enumerate(base):
                if how == "focus" and focus is not None and j < len(focus):
                    orders.append(_fuse(order, focus[j], weight))
                elif how == "maxsim":
                    head = order[:pool]
                    s = [x[which] for x in sims[j][:pool]]
                    by = [head[i] for i in sorted(range(len(head)), key=lambda i: -s[i])]
                    fused = by if weight == 0 else _fuse(head, by, 1.0 / weight)
                    orders.append(fused + order[pool:])
                else:
                    orders.append(order)
            ranks.append(_rank(item, _in_turn(orders)))
        return _hits(ranks)

    results = {"questions": len(items), "fused order (as shipped)": variant("base")}
    for w in (0.5, 1.0, 2.0):
        results[f"focus, weight {w}"] = variant("focus", w)
    for which, name in ((0, "all tokens"), (1, "content words")):
        for pool in (10, 30):
            for w in (0.0, 0.5, 1.0, 2.0):
                # weight w: the fused order counts 1/w of the maxsim order (0: maxsim alone)
                results[f"maxsim {name}, pool {pool}, fused order x {w}"] = variant(
                    "maxsim", w, pool, which
                )
    args.out.write_text(json.dumps(results, indent=1) + "\n")
    for k, v in results.items():
        print(k, v)


if __name__ == "__main__":
    main()
