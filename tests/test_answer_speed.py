"""What the answer-time work of issue 27 relies on: question-time embedding in small batches gives
the vectors a text gets alone, and a list or comparison embeds only sentences sharing a
question word (the only ones it may say), with the real embedding model."""

from __future__ import annotations

import numpy as np

from rag.answer.forms import score_lines
from rag.ingest.chunk import Chunk
from rag.retrieve import Passage

FARM = (
    "The farm grows rice in the wet fields. The tractor was repaired in May. "
    "The farm also grows tea on the hills. Visitors came in spring."
)


def test_embed_cached_small_batches_match_single_texts(embedder):
    short = ["Rice.", "The tractor was repaired in May."]
    long_row = "Total net sales — Three Months Ended June 25, 2022: 82,959; " * 6
    texts = [long_row, *short, "Tea grows on the hills of the farm, east of the river."]
    got = embedder.embed_cached(texts)
    alone = np.vstack([embedder.embed([t]) for t in texts])
    assert got.shape == (4, embedder.dim)
    assert np.abs(got - alone).max() < 1e-5
    assert all(t in embedder._cache for t in texts)
    assert np.array_equal(embedder.embed_cached(short), got[1:3])  # from the cache


def test_form_sentences_embedded_only_when_sharing_a_question_word(embedder):
    passage = Passage(1, 0.5, Chunk("farm.txt::0", "farm.txt", 0, len(FARM), FARM, context=""))
    seen: list[str] = []

    class Counting:
        def embed_cached(self, texts):
            seen.extend(texts)
            return embedder.embed_cached(texts)

    question = "What does the farm grow?"
    lines = score_lines(question, [passage], Counting(), 0.5)
    assert [x.text for x in lines] == [
        "The farm grows rice in the wet fields.",
        "The farm also grows tea on the hills.",
    ]
    assert seen == [question, *(x.text for x in lines)]
    assert all(x.shared >= 1 for x in lines)


def test_embed_orders_batches_by_word_pieces_and_keeps_the_callers_order(embedder):
    # More texts than a batch, uneven in characters per word piece (numbers against prose).
    texts = [
        ("Net sales were 82,959; 81,434; 304,182. " * (i % 5 + 1))
        if i % 2
        else ("The farm grows rice in the wet fields of the valley. " * (i % 4 + 1))
        for i in range(40)
    ]
    texts = [f"{i}: {t}" for i, t in enumerate(texts)]
    got = embedder.embed(texts, batch_size=8)
    alone = np.vstack([embedder.embed([t]) for t in texts])
    assert got.shape == (40, embedder.dim)
    assert np.abs(got - alone).max() < 1e-5


def test_index_vectors_are_each_passages_own_whatever_the_batches(tmp_path, embedder):
    from rag.context import embedding_text
    from rag.pipeline import RAG
    from rag.settings import Settings

    docs = tmp_path / "docs"
    docs.mkdir()
    paragraphs = [
        "Net sales — Q1: 82,959; Q2: 81,434; Q3: 304,182; Q4: 282,457." * (i % 3 + 1)
        if i % 2
        else "The farm grows rice in the wet fields. " * (i % 4 + 1)
        for i in range(12)
    ]
    (docs / "mixed.txt").write_text("\n\n".join(paragraphs), encoding="utf-8")
    s = Settings(
        documents_dir=docs,
        index_dir=tmp_path / "index",
        cache_dir=tmp_path / "cache",
        generator="extractive",
        chunk_tokens=32,
        chunk_overlap_tokens=0,
    )
    rag = RAG(s, embedder=embedder)
    rag.refresh(None, 4)  # 4 passages an embedding call: several calls, sorted by length
    snap = rag.store.current()
    keys = [(si, ci) for si, seg in enumerate(snap.segments) for ci in range(len(seg.chunks))]
    assert len(keys) > 8
    stored = np.vstack([snap.vector(k) for k in keys])
    alone = np.vstack([embedder.embed([embedding_text(snap.chunk(k))]) for k in keys])
    assert np.abs(stored - alone).max() < 1e-5
