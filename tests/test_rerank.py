"""The reader as reranker inside the documents a question is steered to (rag.rerank)."""

import pytest

from rag import RAG, Settings
from rag.answer.reader import Reader
from rag.ingest.chunk import Chunk
from rag.rerank import Reranker, rerank_order
from rag.retrieve import Passage

QUESTION = "How many employees did Acme have at the end of Q1 2023?"
# Two passages repeating the question's words without answering it, the one that answers in
# other words, and a cover naming the company and the period.
LOOK_ALIKE = (
    "How many employees we have at the end of each quarter matters to us: employees at the "
    "end of the quarter are discussed with the board every quarter."
)
ANSWER = "As of {date}, our workforce totaled {n} full-time staff worldwide."
LOOK_ALIKE_2 = (
    "Employees at the end of the quarter and employees hired during the quarter are counted "
    "by our human resources team at the end of every quarter."
)
COVER = "Quarterly report of Acme for {period}. Acme {period} quarterly report."
REPORTS = {
    "2022 Q1 ACME.html": ("Q1 2022", "March 31, 2022", "11,900"),
    "2023 Q1 ACME.html": ("Q1 2023", "March 31, 2023", "12,400"),
}


def passages(texts: list[str]) -> list[Passage]:
    out = []
    for i, t in enumerate(texts):
        out.append(Passage(i + 1, 0.5, Chunk(f"r::{i}", "r", 0, len(t), t)))
    return out


def test_the_passage_that_answers_outranks_lexical_look_alikes_once_reranked():
    reader = Reader()  # the shipped reader, with its answerability head
    fused = passages(
        [LOOK_ALIKE, ANSWER.format(date="March 31, 2023", n="12,400"), LOOK_ALIKE_2, COVER]
    )
    got = Reranker(lambda: reader, pool=4).rerank(QUESTION, fused, 3)
    # the answer climbs over the look-alike the fused ranking put first; the rest keep order
    assert [p.chunk.chunk_id for p in got] == ["r::1", "r::0", "r::2"]
    assert [p.rank for p in got] == [1, 2, 3]
    # only the first `pool` are read; the others follow in the fused order
    got = Reranker(lambda: reader, pool=2).rerank(QUESTION, fused, 4)
    assert [p.chunk.chunk_id for p in got] == ["r::0", "r::1", "r::2", "r::3"]


def build(tmp_path, embedder, rerank_pool: int) -> RAG:
    docs = tmp_path / "docs"
    docs.mkdir(exist_ok=True)
    for name, (period, date, n) in REPORTS.items():
        paras = [COVER.format(period=period), LOOK_ALIKE, ANSWER.format(date=date, n=n)]
        body = "".join(f"<p>{p}</p>" for p in [*paras, LOOK_ALIKE_2])
        (docs / name).write_text(
            f"<html><head><title>Acme {period} report</title></head><body>{body}</body></html>",
            encoding="utf-8",
        )
    s = Settings(
        documents_dir=docs,
        index_dir=tmp_path / f"index{rerank_pool}",
        cache_dir=tmp_path / "cache",
        chunk_tokens=40,
        chunk_overlap_tokens=0,
        generator="reader",
        rerank_pool=rerank_pool,
    )
    rag = RAG(s, embedder=embedder)
    rag.refresh()
    return rag


def test_steered_retrieval_reranks_with_the_answerers_reader(tmp_path, embedder):
    plain, reranked = build(tmp_path, embedder, 0), build(tmp_path, embedder, 4)
    assert plain.retriever.reranker is None
    fused = plain.retriever.run(QUESTION, 4)
    assert {p.chunk.doc for p in fused} == {"2023 Q1 ACME.html"}
    got = reranked.retriever.run(QUESTION, 2)
    expect = Reranker(lambda: reranked.generator.reader, 4).rerank(QUESTION, fused, 2)
    assert [p.chunk.chunk_id for p in got] == [p.chunk.chunk_id for p in expect]
    assert "12,400" in got[0].chunk.text
    # one reader model: the answerer's
    assert reranked._own_reader is None
    assert reranked._reader() is reranked.generator.reader


def test_rerank_order_fuses_the_reader_with_the_fused_order():
    # the reader's first climbs one place over a passage it ranks last
    assert rerank_order([0.0, 9.0, 1.0, -2.0]) == [1, 0, 2, 3]
    # equal evidence (an adjacent swap, or no head: every score 0) keeps the fused order
    assert rerank_order([1.0, 2.0]) == [0, 1]
    assert rerank_order([0.0, 0.0, 0.0]) == [0, 1, 2]


def test_rerank_pool_is_checked():
    from rag.errors import ConfigError

    with pytest.raises(ConfigError, match="rerank_pool"):
        Settings(rerank_pool=-1)
    assert Settings.from_env({"RAG_RERANK_POOL": "5"}).rerank_pool == 5
