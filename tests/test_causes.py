"""Why a figure moved (rag.answer.causes.says_why_of, rag.retrieve.causes_first): the
filing's sentence saying why the asked figure moved is read and quoted, not another figure's
sentence sharing its words, with the real reader."""

from __future__ import annotations

import pytest

from rag.answer.reading import ReaderGenerator
from tests.conftest import rag_over


def _rows(label: str, base: int) -> str:
    return (
        f"Net sales by category: {label} — Three Months Ended April 1, 2023: {base:,}; Three "
        f"Months Ended March 26, 2022: {base + 900:,}; Change: (4)%; Six Months Ended April 1, "
        f"2023: {2 * base:,}; Six Months Ended March 26, 2022: {2 * base + 1500:,}; Change: (5)%"
    )


FILING = "\n\n".join(
    [
        "ACME Inc. quarterly report for the quarter ended April 1, 2023.",
        *(_rows(x, 5000 + 3000 * i) for i, x in enumerate(["iPhone", "Mac", "iPad", "Wearables"])),
        _rows("Services", 20907),
        "Segment Operating Performance. The following table shows net sales by reportable "
        "segment for the three- and six-month periods ended April 1, 2023 and March 26, 2022.",
        "Americas net sales decreased during the second quarter of 2023 compared to the same "
        "period in 2022 due primarily to lower net sales of iPhone and Mac, partially offset by "
        "higher net sales of Services.",
        "Europe net sales decreased during the second quarter of 2023 compared to the same period "
        "in 2022 due primarily to the weakness in foreign currencies relative to the U.S. dollar, "
        "partially offset by higher net sales of Services.",
        "The Company's fiscal year is the 52- or 53-week period that ends on the last Saturday "
        "of September. The Company's business is subject to risks.",
        "Wearables net sales decreased during the second quarter of 2023 due primarily to lower "
        "net sales of AirPods.\n\nServices\n\nServices net sales increased during the second "
        "quarter of 2023 compared to the same period in 2022 due primarily to higher net sales "
        "from cloud services, music and advertising.",
        "Services gross margin percentage decreased during the second quarter of 2023 compared "
        "to the same period in 2022 due primarily to higher Services costs.",
    ]
)


@pytest.fixture(scope="module")
def rag(tmp_path_factory, embedder):
    return rag_over(
        tmp_path_factory.mktemp("causes"),
        {"2023 Q2 ACME.txt": FILING},
        embedder,
        ReaderGenerator("shipped"),
        chunk_tokens=60,
        chunk_overlap_tokens=0,
    )


@pytest.mark.parametrize("figure", ["Services revenue", "Services net sales"])
def test_why_a_figure_moved_quotes_that_figures_sentence(rag, figure):
    """ "Why did Apple's Services revenue change in Q2 2023?" had quoted "Americas net sales
    decreased ... partially offset by higher net sales of Services": the sentence of Services'
    own move was 22nd in the filing, behind the net sales tables."""
    a = rag.ask(f"Why did ACME's {figure} change in Q2 2023?")
    assert not a.abstained, a.why
    assert a.citations[0].quote.startswith("Services net sales increased"), a.answer
    assert "cloud services" in a.answer


CLOUD = (
    "ACME Inc. quarterly report for the quarter ended June 30, 2023.\n\n"
    "Cloud sales increased 12% in Q2 2023, and 13% for the six months ended June 30, 2023 "
    "compared to the comparable prior year periods. The sales growth primarily reflects "
    "increased customer usage, partially offset by pricing changes.\n\n"
    "Retail sales were flat in Q2 2023."
)


def test_why_a_figure_moved_is_the_sentence_going_on_from_its_move(tmp_path, embedder):
    """ "Why did Amazon's AWS sales grow in Q3 2023?" had been answered "increased 12%" from
    "AWS sales increased 12% in Q3 2023 ...": the next sentence, going on from it, says why."""
    rag = rag_over(tmp_path, {"2023 Q2 ACME.txt": CLOUD}, embedder, ReaderGenerator("shipped"))
    a = rag.ask("Why did ACME's Cloud sales grow in Q2 2023?")
    assert not a.abstained, a.why
    assert a.citations[0].quote.startswith("The sales growth primarily reflects"), a.answer
    # asked how much, the move itself answers
    b = rag.ask("By how much did ACME's Cloud sales grow in Q2 2023?")
    assert b.citations[0].quote.startswith("Cloud sales increased 12%"), b.answer


def test_what_was_behind_a_move_asks_why(rag):
    # "What was behind the decrease in Apple's Greater China sales in Q1 2023?" had answered
    # the Greater China row's figure
    a = rag.ask("What was behind the change in ACME's Services net sales in Q2 2023?")
    assert not a.abstained, a.why
    assert a.citations[0].quote.startswith("Services net sales increased"), a.answer


def test_a_segments_move_is_said_without_its_kind_and_with_its_months():
    """ "What drove Amazon's International segment sales growth in Q3 2023?": the filing's
    sentence says "International sales increased 16% in Q3 2023, and 9% for the nine months
    ended September 30, 2023 ..., primarily due to ...": neither "segment" nor the month
    makes it another figure's."""
    from rag.answer.causes import says_why_of

    t = (
        "International sales increased 16% in Q3 2023, and 9% for the nine months ended "
        "September 30, 2023 compared to the comparable prior year periods, primarily due to "
        "increased unit sales."
    )
    q = "What drove ACME's International segment sales growth in Q3 2023?"
    assert says_why_of(q, t, [(0, len(t))])
    assert not says_why_of("What drove ACME's Retail segment sales growth?", t, [(0, len(t))])


def test_a_follow_up_asking_what_drove_the_change_reads_the_figure_asked_before(tmp_path, embedder):
    """ "What drove the change?" after "What were Amazon's AWS net sales in Q3 2023?" had quoted
    "Changes in foreign exchange rates increased International net sales ...": the figure is
    the earlier question's, its move "AWS sales increased 12%" (sales are net sales), and the
    sentence going on from it says why."""
    filing = CLOUD.replace(
        "Retail sales were flat in Q2 2023.",
        "Changes in foreign exchange rates increased Retail net sales by $1.4 billion for Q2 "
        "2023 and reduced them by $1.1 billion for the six months ended June 30, 2023.",
    )
    rag = rag_over(tmp_path, {"2023 Q2 ACME.txt": filing}, embedder, ReaderGenerator("shipped"))
    a = rag.ask("What drove the change?", history=["What were ACME's Cloud net sales in Q2 2023?"])
    assert not a.abstained, a.why
    quotes = [c.quote for c in a.citations]
    assert any(q.startswith("The sales growth primarily reflects") for q in quotes), a.answer
    assert not quotes[0].startswith("Changes in foreign exchange"), a.answer


def test_a_figures_move_is_explained_by_the_sentence_of_its_own_measure():
    """ "How did Apple's Services gross margin change in Q3 2023 and what drove it?" set the
    gross margin's dollars (up) beside "Services gross margin percentage decreased ...", the
    better-scored sentence: an amount's cause is the amount's sentence, a percentage's the
    percentage's."""
    from rag.answer.base import Outcome
    from rag.answer.comparisons import with_causes
    from rag.ingest.chunk import Chunk
    from rag.retrieve import Passage

    rows = (
        "Gross margin: Services — Three Months Ended June 25, 2022: 14,015",
        "Gross margin: Services — Three Months Ended July 1, 2023: 14,965",
    )
    amount = (
        "Services gross margin increased during the third quarter of 2023 due primarily to "
        "higher Services net sales."
    )
    percent = (
        "Services gross margin percentage decreased during the third quarter of 2023 due "
        "primarily to higher Services costs."
    )
    text = "\n\n".join([*rows, amount, percent])
    p = Passage(1, 1.0, Chunk("q3::0", "q3", 0, len(text), text))

    def support(line: str, score: float) -> tuple:
        a = text.index(line)
        return (line, p, a, a + len(line), score)

    table = Outcome([support(r, 1.0) for r in rows], form="comparison", labels=["", ""])
    why = Outcome(
        [support(amount, 0.6), support(percent, 0.7)], form="comparison", labels=["Q3", "Q3"]
    )
    assert with_causes(table, why).supports[-1][0] == amount
    shares = [r.replace("Gross margin:", "Gross margin percentage:") for r in rows]
    text = "\n\n".join([*shares, amount, percent])
    p = Passage(1, 1.0, Chunk("q3::0", "q3", 0, len(text), text))
    table = Outcome([support(r, 1.0) for r in shares], form="comparison", labels=["", ""])
    why = Outcome(
        [support(amount, 0.7), support(percent, 0.6)], form="comparison", labels=["Q3", "Q3"]
    )
    assert with_causes(table, why).supports[-1][0] == percent
