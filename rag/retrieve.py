"""Hybrid retrieval over the live index snapshot: dense (FAISS) fused with BM25."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from .chunk import Chunk
from .cite import content_tokens
from .embed import Embedder
from .errors import ConfigError
from .index import IndexSnapshot


@dataclass(frozen=True)
class Passage:
    rank: int  # 1-based
    score: float  # cosine similarity of question and passage
    chunk: Chunk

    def to_dict(self) -> dict:
        c = self.chunk
        return {
            "rank": self.rank,
            "score": round(self.score, 4),
            "doc": c.doc,
            "chunk_id": c.chunk_id,
            "start": c.start,
            "end": c.end,
            "text": c.text,
        }


def bm25_scores(
    query: list[str], docs: list[list[str]], k1: float = 1.2, b: float = 0.75
) -> list[float]:
    """Okapi BM25 of every document for the query terms.

    >>> [round(x, 3) for x in bm25_scores(["harbin"], [["harbin", "expo"], ["trade"]])]
    [0.61, 0]
    """
    n = len(docs)
    if not n:
        return []
    avgdl = sum(len(d) for d in docs) / n or 1.0
    df = Counter(t for d in docs for t in set(d))
    idf = {t: math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5)) for t in set(query) if df[t]}
    out = []
    for d in docs:
        tf = Counter(d)
        norm = k1 * (1 - b + b * len(d) / avgdl)
        out.append(sum(w * tf[t] * (k1 + 1) / (tf[t] + norm) for t, w in idf.items() if tf[t]))
    return out


def fuse_ranks(*rankings: list[int], k: int = 60) -> list[int]:
    """Reciprocal-rank fusion of several rankings (lists of ids, best first).

    >>> fuse_ranks([1, 2, 3], [3, 1, 2])
    [1, 3, 2]
    """
    score: dict[int, float] = {}
    for ranking in rankings:
        for r, i in enumerate(ranking):
            score[i] = score.get(i, 0.0) + 1.0 / (k + r + 1)
    return sorted(score, key=lambda i: (-score[i], i))


class Retriever:
    """Ranks passages of the current snapshot for a query."""

    def __init__(
        self, snapshot: Callable[[], IndexSnapshot | None], embedder: Embedder, top_k: int = 5
    ):
        if top_k < 1:
            raise ConfigError(f"top_k={top_k}: must be at least 1")
        self._snapshot = snapshot
        self.embedder = embedder
        self.top_k = top_k
        self._token_cache: tuple[object, list[list[str]]] = (None, [])

    def run(self, query: str, top_k: int | None = None) -> list[Passage]:
        k = top_k or self.top_k
        snap = self._snapshot()
        if snap is None or snap.index.ntotal == 0 or not query.strip():
            return []
        vec = self.embedder.embed([query])
        # Dense ranking over a wider pool, fused with BM25 so that rare exact terms (codes,
        # names, years) count; the passage score reported stays the cosine similarity.
        pool = min(max(4 * k, 20), snap.index.ntotal)
        scores, ids = snap.index.search(vec, pool)
        cosine = {int(i): float(s) for s, i in zip(scores[0], ids[0], strict=True) if i >= 0}
        lexical = bm25_scores(content_tokens(query), self._tokens(snap))
        by_bm25 = sorted((i for i, x in enumerate(lexical) if x > 0), key=lambda i: -lexical[i])
        order = fuse_ranks(list(cosine), by_bm25[:pool])[:k]
        missing = [i for i in order if i not in cosine]
        if missing:  # lexical hits outside the dense pool: score them too
            for i in missing:
                cosine[i] = float(snap.index.reconstruct(i) @ vec[0])
        return [Passage(rank, cosine[i], snap.chunks[i]) for rank, i in enumerate(order, 1)]

    def _tokens(self, snap: IndexSnapshot) -> list[list[str]]:
        if self._token_cache[0] is not snap:  # once per index generation
            self._token_cache = (snap, [content_tokens(c.text) for c in snap.chunks])
        return self._token_cache[1]
