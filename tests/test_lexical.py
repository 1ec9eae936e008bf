"""BM25 over segments against bm25s (the reference implementation, "lucene" variant)."""

import bm25s
import numpy as np
import pytest

from rag.store.lexical import LiveBM25, TermMatrix, tokenize

CORPUS = [
    "Harbin hosted the 6th Sino-Russian EXPO in June.",
    "137 enterprises from Russia took part in the EXPO.",
    "Trade between China and Russia exceeded 100 billion dollars in 2018.",
    "The Amur river separates Heilongjiang from the Russian Far East.",
    "Harbin is the capital of Heilongjiang province; Harbin trade grew.",
    "Khabarovsk lies on the Amur river.",
]


def reference(tokens, query, k1=1.2, b=0.75):
    retriever = bm25s.BM25(method="lucene", k1=k1, b=b)
    retriever.index(tokens, show_progress=False)
    vocab = retriever.vocab_dict
    ids = [vocab[t] for t in query if t in vocab]
    return retriever.get_scores(ids) if ids else np.zeros(len(tokens))


@pytest.mark.parametrize(
    "query", ["Harbin EXPO", "Amur river Russia", "trade 2018", "Heilongjiang Harbin trade"]
)
def test_one_segment_scores_equal_bm25s(query):
    tokens = [tokenize(t) for t in CORPUS]
    expected = reference(tokens, tokenize(query))
    found = LiveBM25([(TermMatrix.build(tokens), np.ones(6, bool))]).search(tokenize(query), 10)
    got = np.zeros(len(CORPUS))
    for _, r, x in found:
        got[r] = x
    assert got == pytest.approx(expected, rel=1e-5)


def test_segments_with_tombstones_score_as_one_live_collection():
    tokens = [tokenize(t) for t in CORPUS]
    # Segment 0 holds passages 0-3 with passage 2 deleted; segment 1 holds 4-5.
    segs = [
        (TermMatrix.build(tokens[:4]), np.array([1, 1, 0, 1], bool)),
        (TermMatrix.build(tokens[4:]), np.ones(2, bool)),
    ]
    live = [tokens[i] for i in (0, 1, 3, 4, 5)]
    for query in ("Harbin trade", "Amur river", "Russia"):
        expected = reference(live, tokenize(query))
        got = {(s, r): x for s, r, x in LiveBM25(segs).search(tokenize(query), 10)}
        where = [(0, 0), (0, 1), (0, 3), (1, 0), (1, 1)]
        assert [got.get(w, 0.0) for w in where] == pytest.approx(list(expected), rel=1e-5)
        assert (0, 2) not in got


def test_top_k_is_ordered_and_round_trips(tmp_path):
    tokens = [tokenize(t) for t in CORPUS]
    m = TermMatrix.build(tokens)
    m.save(tmp_path)
    again = TermMatrix.load(tmp_path)
    alive = np.ones(6, bool)
    hits = LiveBM25([(again, alive)]).search(["harbin"], 2)
    assert [r for _, r, _ in hits] == [4, 0]  # twice in passage 4
    assert hits == LiveBM25([(m, alive)]).search(["harbin"], 2)
    assert LiveBM25([(m, alive)]).search(["absent"], 2) == []
