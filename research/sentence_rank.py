"""Not adopted. Does ranking a steered filing's passages by their best sentence's cosine with
the question (MiniLM, each sentence embedded alone) put the answer's passage higher than the
fused passage order (`rag.retrieve.Retriever.within`)?

Each validation question's steered filings are searched as the pipeline does (30 passages a
filing), then each filing's first `pool` passages are reordered by the best sentence cosine
(with the question, with the question without its steering words, or the larger of the two),
alone (weight 0) or fused with the fused order by reciprocal rank (weight = the fused order's
weight), and the filings' orders taken in turn as `within` does. Passage hit@k as `rag eval`.

    .venv/bin/python research/sentence_rank.py . /tmp/sec-index eval/sec10q/gold-validation.jsonl
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, sys.argv[1])
from rag import steering
from rag.context import document_keys
from rag.evaluation.runner import load_gold, spans_overlap
from rag.pipeline import RAG
from rag.settings import Settings
from rag.steering import within_query

DOCS = Path("/work/shared/data/sec-10-q/docs")
rag = RAG(Settings.from_env().replace(documents_dir=DOCS, index_dir=Path(sys.argv[2])))
rag.refresh()
gold = sys.argv[3]
items = [i for i in load_gold(Path(gold), DOCS) if i.answerable]
snap = rag.store.current()
r = rag.retriever
emb = rag.embedder
keys = document_keys(snap)
cache = {}


def sent_vecs(chunk):
    v = cache.get(chunk.chunk_id)
    if v is None:
        spans = chunk.sentence_spans() or [(0, len(chunk.text))]
        texts = [chunk.text[a:b] for a, b in spans if chunk.text[a:b].strip()] or [chunk.text]
        v = emb.embed(texts)
        cache[chunk.chunk_id] = v
    return v


class Cap:
    pool = 30

    def rerank(self, q, ranked, k):
        self.last.append(ranked[: self.pool])
        return ranked[:k]


cap = Cap()


def rank(it, passages):
    for i, p in enumerate(passages, 1):
        if spans_overlap(p.chunk.doc, p.chunk.start, p.chunk.end, it.spans):
            return i
    return None


res = []
t0 = time.time()
for it in items:
    _, docs = steering.steer(snap, it.question, "prefer")
    if not docs:
        continue
    cap.last = []
    r.reranker = cap
    r.within(snap, it.question, sorted(docs), 30)
    r.reranker = None
    inner = within_query(it.question, keys)
    qv = emb.embed([it.question, inner])
    lists = []
    for ranked in cap.last:
        ms = []
        for p in ranked:
            sv = sent_vecs(p.chunk)
            ms.append((float((sv @ qv[0]).max()), float((sv @ qv[1]).max())))
        lists.append((ranked, ms))
    res.append((it, lists))
print("questions", len(res), "time", round(time.time() - t0, 1), file=sys.stderr)


def interleave(orders):
    out, seen = [], set()
    for i in range(max(len(o) for o in orders)):
        for o in orders:
            if i < len(o) and o[i].chunk.chunk_id not in seen:
                seen.add(o[i].chunk.chunk_id)
                out.append(o[i])
    return out


def variant(pool, mode, w):
    hits = {1: 0, 3: 0, 5: 0, 10: 0}
    for it, lists in res:
        orders = []
        for ranked, ms in lists:
            read = ranked[:pool]
            if mode == "base":
                order = list(range(len(read)))
            else:
                s = [
                    m[0] if mode == "q" else m[1] if mode == "inner" else max(m) for m in ms[:pool]
                ]
                by = sorted(range(len(read)), key=lambda i: -s[i])
                place = {i: k for k, i in enumerate(by)}
                order = sorted(
                    range(len(read)), key=lambda i: -(w / (60 + i) + 1 / (60 + place[i]))
                )
            orders.append([read[i] for i in order] + ranked[pool:])
        x = rank(it, interleave(orders))
        for k in hits:
            hits[k] += bool(x and x <= k)
    n = len(res)
    return {f"hit@{k}": round(v / n, 3) for k, v in hits.items()}


print("base", variant(30, "base", 1))
for pool in (10, 20, 30):
    for mode in ("q", "inner", "max"):
        for w in (0.0, 0.5, 1.0, 2.0):
            print(pool, mode, w, variant(pool, mode, w), flush=True)
