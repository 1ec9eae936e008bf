"""Table rows as a ranking signal inside the documents a question is steered to
(rag.retrieve.Retriever.with_rows, rag.answer.tables.row_passages): the passage holding the
row whose label the question names ranks first, where the fused dense/BM25 order alone left it
out of the first few."""

import pytest

from rag.answer.tables import row_passages
from rag.settings import Settings
from tests.conftest import build_rag

HEAD = "Three Months Ended March 31, 2023: {}; Three Months Ended March 31, 2022: {}"


def _rows(*rows) -> str:
    return "\n".join(f"{label} — " + HEAD.format(a, b) for label, a, b in rows)


def report(co: str, x: int) -> str:
    # Prose that says "revenue" three times; the statement says "Net sales", one row a passage
    return "\n\n".join(
        [
            f"{co} quarterly report for Q1 2023. {co} Inc. files this quarterly report.",
            "Revenue in the quarter grew as customers bought more of our instruments.",
            "We expect revenue to grow next year; revenue depends on demand for instruments.",
            "Revenue recognition: we recognise revenue when control of instruments passes.",
            _rows(("Net sales", 1200 + x, 1100), ("Cost of goods sold", 700, 650)),
            _rows(("Research and development", 210, 190), ("Total operating expenses", 450, 410)),
            _rows(("Operating income", 50 + x, 40), ("Net income", 41, 33)),
            "Our liquidity remains strong and operating cash flows fund our expenses.",
        ]
    )


QUESTION = "What was Acme's revenue in Q1 2023?"
NET_SALES = "Net sales — Three Months Ended March 31, 2023: 1200;"


@pytest.fixture(scope="module")
def docs(tmp_path_factory):
    d = tmp_path_factory.mktemp("rowrank") / "docs"
    d.mkdir()
    (d / "2023 Q1 ACME.txt").write_text(report("Acme", 0), encoding="utf-8")
    (d / "2023 Q1 ZETA.txt").write_text(report("Zeta", 7), encoding="utf-8")
    return d


def _ranked(docs, base, embedder, weight: float):
    # small passages: each row line a passage of its own
    rag = build_rag(
        docs, base, embedder, row_rank_weight=weight, chunk_tokens=32, chunk_overlap_tokens=0
    )
    return rag, rag.retriever.run(QUESTION, 3)


def test_the_passage_of_the_row_named_ranks_first_inside_the_steered_report(
    docs, tmp_path, embedder
):
    assert Settings().row_rank_weight > 0  # on by default
    _, before = _ranked(docs, tmp_path / "off", embedder, 0.0)
    assert {p.chunk.doc for p in before} == {"2023 Q1 ACME.txt"}
    assert not any(NET_SALES in p.chunk.text for p in before)
    rag, after = _ranked(docs, tmp_path / "on", embedder, Settings().row_rank_weight)
    assert after[0].chunk.doc == "2023 Q1 ACME.txt"
    assert after[0].chunk.text.startswith(NET_SALES)
    # the prose passages the fused order ranked first follow it
    assert [p.chunk.chunk_id for p in after[1:]] == [p.chunk.chunk_id for p in before[:2]]
    # its score stays the passage's cosine with the whole question, as for every passage
    snap = rag.store.current()
    vec = embedder.embed_cached([QUESTION])
    cosine = {snap.chunk(key).chunk_id: x for key, x in snap.dense(vec, snap.ntotal)}
    assert after[0].score == pytest.approx(cosine[after[0].chunk.chunk_id], abs=1e-5)


def test_row_passages_are_the_passages_of_the_best_labels_each_once():
    from rag.ingest.chunk import Chunk

    text = report("Acme", 0)
    a = Chunk("r::0", "r", 0, len(text), text)
    found = row_passages(QUESTION, [a], {"acme"}, 0.4)
    # "Net sales" is all of the revenue: "net" says which amount, not what
    assert [(round(s, 2), c.chunk_id) for s, c in found] == [(1.0, "r::0")]
    # a question no label names: nothing
    assert row_passages("Who founded Acme?", [a], {"acme"}, 0.4) == []


def test_the_end_of_a_period_names_when_not_which_row():
    """ "at the end of Q2 2023" had made "end" a word the label must say: Amazon's balance
    sheet row "Current assets: Inventories" scored 0.21 and the inventory went unanswered."""
    from rag.ingest.chunk import Chunk

    text = "Current assets: Inventories — December 31, 2022: 34,405; June 30, 2023: 36,587"
    a = Chunk("b::0", "b", 0, len(text), text)
    found = row_passages("What was Acme's inventory at the end of Q2 2023?", [a], {"acme"}, 0.4)
    assert [c.chunk_id for _, c in found] == ["b::0"]
