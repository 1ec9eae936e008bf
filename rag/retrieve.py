"""Dense retrieval over the live index snapshot."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .chunk import Chunk
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

    def run(self, query: str, top_k: int | None = None) -> list[Passage]:
        k = top_k or self.top_k
        snap = self._snapshot()
        if snap is None or snap.index.ntotal == 0 or not query.strip():
            return []
        vec = self.embedder.embed([query])
        scores, ids = snap.index.search(vec, min(k, snap.index.ntotal))
        return [
            Passage(rank, float(s), snap.chunks[i])
            for rank, (s, i) in enumerate(zip(scores[0], ids[0], strict=True), 1)
            if i >= 0
        ]
