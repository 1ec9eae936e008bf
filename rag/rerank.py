"""The extractive reader as a reranker of the passages inside the documents a question was
steered to (`rag.retrieve.Retriever.within`).

Among one company's filings every passage shares the question's names and periods, and the
fused ranking (MiniLM cosine + BM25) prefers the passage that reads like the question (a
table of contents, a heading) over the one that answers it. The reader (a cross-encoder
trained on SQuAD 2.0, `rag.answer.reader`) reads question and passage together, and its
answerability head (a logistic regression on its [CLS] vector, fit to tell windows that
answer from those that do not) scores each passage; that order is fused with the fused one
by reciprocal rank. On the 10-Q validation half (research/rerank_check.py) the head did
better than the span's margin over "no answer" or the null probability, which ranked worse
than the fused order alone. A reader without a head scores every passage 0: the fused order
stays. The model is the answerer's own, loaded once (`reader` is called when first needed).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from rag.answer.reader import Reader
from rag.retrieve import Passage

# The fused order's weight beside the reader's in their reciprocal-rank fusion (k = 60).
FUSED_WEIGHT = 1.0
RRF_K = 60


def rerank_order(scores: list[float], fused_weight: float = FUSED_WEIGHT) -> list[int]:
    """Indices of passages given in fused order, reordered by reciprocal-rank fusion of that
    order and the order of their reader scores (ties: the fused order).

    >>> rerank_order([0.0, 5.0, 1.0])
    [1, 0, 2]
    >>> rerank_order([0.0, 5.0, 1.0], fused_weight=0.0)
    [1, 2, 0]
    """
    by_reader = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    place = {i: r for r, i in enumerate(by_reader)}

    def score(i: int) -> float:
        return fused_weight / (RRF_K + i) + 1.0 / (RRF_K + place[i])

    return sorted(range(len(scores)), key=lambda i: (-score(i), i))


class Reranker:
    """Reorders passages by what the reader finds in them for the question."""

    def __init__(self, reader: Callable[[], Reader], pool: int):
        self._reader = reader
        self.pool = pool

    def scores(self, question: str, passages: list[Passage]) -> list[float]:
        """The answerability head's logit per passage, for the window of its best span
        (-inf when the passage gave the reader no window)."""
        got = [float("-inf")] * len(passages)
        spans = self._reader().read(
            question, [p.chunk.text for p in passages], [p.chunk.sentence_spans() for p in passages]
        )
        for s in spans:
            got[s.passage] = s.answerable
        return got

    def rerank(self, question: str, passages: list[Passage], k: int) -> list[Passage]:
        """The first `k` of `passages` (fused order, the first `pool` read) once reranked."""
        read = passages[: self.pool]
        if len(read) < 2:
            return passages[:k]
        order = rerank_order(self.scores(question, read))
        out = [read[i] for i in order] + passages[len(read) :]
        return [replace(p, rank=r) for r, p in enumerate(out[:k], 1)]
