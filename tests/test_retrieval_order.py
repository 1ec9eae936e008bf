"""Retrieval order on a tiny two-segment index: exact passage ids for several questions and
fusions, and the same order as a brute-force reference (exact cosines, bm25s scores,
reciprocal-rank fusion written out). Guards the fast paths of `LiveBM25` and `IndexSnapshot`."""

from dataclasses import dataclass

import bm25s
import numpy as np
import pytest

from rag.ingest.chunk import Chunk
from rag.retrieve import Retriever
from rag.store.lexical import tokenize
from rag.store.segments import IndexStore

TEXTS = [
    "Harbin hosted the 6th Sino-Russian EXPO in June.",
    "137 enterprises from Russia took part in the EXPO.",
    "Trade between China and Russia exceeded 100 billion dollars in 2018.",
    "The Amur river separates Heilongjiang from the Russian Far East.",
    "Harbin is the capital of Heilongjiang province; Harbin trade grew.",
    "Khabarovsk lies on the Amur river.",
    "The EXPO drew buyers from Khabarovsk and Harbin alike.",
    "Russian trade fairs in June attract Chinese enterprises.",
    "Ice sculptures in Harbin draw visitors every winter.",
    "The river freezes in winter, and trade crosses the ice.",
]
QUESTIONS = ["Harbin EXPO June", "Amur river trade", "Russia enterprises", "winter ice Harbin"]


@dataclass(frozen=True)
class Given:
    name: str = "given"
    dim: int = 8
    max_tokens: int = 256


def vectors(n: int, seed: int) -> np.ndarray:
    v = np.random.default_rng(seed).standard_normal((n, 8)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    """Passages 0-5 in one segment, 6-9 in a second; document d1 (passages 2-3) then removed
    by rewriting it into the second segment, so the first segment holds tombstones."""
    store = IndexStore(tmp_path_factory.mktemp("index"), Given(), 200, 40)
    vecs = vectors(len(TEXTS), 0)
    docs = [f"d{i // 2}" for i in range(len(TEXTS))]
    chunks = [
        Chunk(f"{d}::{i}", d, 0, len(t), t)
        for i, (d, t) in enumerate(zip(docs, TEXTS, strict=True))
    ]
    store.write_passages(chunks[:6], vecs[:6], {d: d for d in docs})
    # d1 again (passages 2-3), with d3 and d4: its first copy becomes a tombstone.
    again = [chunks[2], chunks[3], *chunks[6:]]
    snap = store.write_passages(again, np.vstack([vecs[2:4], vecs[6:]]), {d: d for d in docs})
    return snap, vecs


def reference(snap, vecs, question, qvec, fusion, k):
    """Brute force over the live passages: (chunk id) ranking for `fusion`."""
    live = [c.chunk_id for c in snap.chunks]
    ids = [int(c.split("::")[1]) for c in live]
    cos = {c: float(vecs[i] @ qvec) for c, i in zip(live, ids, strict=True)}
    bm = bm25s.BM25(method="lucene", k1=1.2, b=0.75)
    bm.index([tokenize(TEXTS[i]) for i in ids], show_progress=False)
    terms = [bm.vocab_dict[t] for t in tokenize(question) if t in bm.vocab_dict]
    scores = bm.get_scores(terms) if terms else np.zeros(len(live))
    # Ties: the store's order, segment then row, is the order of `live`.
    dense = sorted(live, key=lambda c: (-cos[c], live.index(c)))
    lexical = [c for c in sorted(live, key=lambda c: (-scores[live.index(c)], live.index(c)))]
    lexical = [c for c in lexical if scores[live.index(c)] > 0]
    if fusion == "dense":
        return dense[:k]
    if fusion == "bm25":
        return lexical[:k]
    fused = {}
    for ranking in (dense, lexical):
        for r, c in enumerate(ranking):
            fused[c] = fused.get(c, 0.0) + 1.0 / (61 + r)
    return sorted(fused, key=lambda c: (-fused[c], live.index(c)))[:k]


EXPECTED = {  # chunk ids, best first: rrf, 3 candidates a side, top 3
    "Harbin EXPO June": ["d3::6", "d0::0", "d4::9"],
    "Amur river trade": ["d1::3", "d3::6", "d4::9"],
    "Russia enterprises": ["d0::1", "d1::3", "d4::9"],
    "winter ice Harbin": ["d0::1", "d1::2", "d4::9"],
}


@pytest.mark.parametrize("fusion", ["rrf", "dense", "bm25"])
@pytest.mark.parametrize("question", QUESTIONS)
def test_order_matches_brute_force(index, question, fusion):
    snap, vecs = index
    qvec = vectors(1, QUESTIONS.index(question) + 1)[0]
    pool = snap.ntotal  # every live passage a candidate: the reference ranks them all
    got = Retriever(lambda: snap, None, 4, fusion=fusion, candidates=pool).search(
        snap, question, qvec[None, :]
    )
    assert [p.chunk.chunk_id for p in got] == reference(snap, vecs, question, qvec, fusion, 4)
    ids = [int(p.chunk.chunk_id.split("::")[1]) for p in got]
    assert [p.score for p in got] == pytest.approx([float(vecs[i] @ qvec) for i in ids], abs=1e-5)


def test_small_pools_give_these_exact_ids(index):
    """Three candidates a side, top 3: the ids the store gave before its fast paths."""
    snap, _ = index
    retriever = Retriever(lambda: snap, None, 3, candidates=3)
    got = {
        q: [p.chunk.chunk_id for p in retriever.search(snap, q, vectors(1, QUESTIONS.index(q) + 1))]
        for q in QUESTIONS
    }
    assert got == EXPECTED


def test_bm25_reads_an_abbreviation_as_the_words_statements_print(tmp_path):
    """ "R&D" is "r" and "d" to BM25, words no passage holds: the passage saying "research and
    development" is found by the expansion read after the question's own words."""
    store = IndexStore(tmp_path / "index", Given(), 200, 40)
    texts = [
        "Research and development expenses rose to 7,709 in the quarter.",
        "Harbin hosted the 6th Sino-Russian EXPO in June.",
    ]
    chunks = [Chunk(f"d{i}::0", f"d{i}", 0, len(t), t) for i, t in enumerate(texts)]
    snap = store.write_passages(chunks, vectors(2, 5), {"d0": "d0", "d1": "d1"})
    got = Retriever(lambda: snap, None, 2, fusion="bm25").search(
        snap, "How much was spent on R&D?", vectors(1, 6)
    )
    assert [p.chunk.chunk_id for p in got] == ["d0::0"]
