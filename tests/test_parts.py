"""The parts of a total (rag.answer.parts) and follow-ups asking a figure in its parts or by a
division (rag.standalone.another_breakdown), with the real reader and embedder over a tiny
filing."""

from __future__ import annotations

import pytest

from rag.answer.reading import ReaderGenerator
from tests.conftest import build_rag

STATEMENT = (
    "Bell Instruments Inc. quarterly report.\n\n"
    "CONDENSED CONSOLIDATED STATEMENTS OF OPERATIONS\n\n"
    "Total net sales — Three Months Ended July 1, 2023: 81,797; Three Months Ended June 25, "
    "2022: 82,959\n"
    "Gross margin — Three Months Ended July 1, 2023: 36,413; Three Months Ended June 25, "
    "2022: 35,885\n"
    "Operating expenses: Research and development — Three Months Ended July 1, 2023: 7,442; "
    "Three Months Ended June 25, 2022: 6,797\n"
    "Operating expenses: Selling, general and administrative — Three Months Ended July 1, "
    "2023: 5,973; Three Months Ended June 25, 2022: 6,012\n"
    "Total operating expenses — Three Months Ended July 1, 2023: 13,415; Three Months Ended "
    "June 25, 2022: 12,809\n\n"
    "The Company reports its results by geographic segment. Each segment's net sales are "
    "those of customers in its region, and its operating income is measured before "
    "research and development and other unallocated costs.\n\n"
    "SEGMENT INFORMATION\n\n"
    "Americas: Net sales — Three Months Ended July 1, 2023: $35,383; Three Months Ended June "
    "25, 2022: $37,472\n"
    "Europe: Net sales — Three Months Ended July 1, 2023: $20,205; Three Months Ended June "
    "25, 2022: $19,287\n"
    "Greater China: Net sales — Three Months Ended July 1, 2023: $15,758; Three Months Ended "
    "June 25, 2022: $14,604\n"
)


@pytest.fixture(scope="module")
def bell(tmp_path_factory, embedder):
    base = tmp_path_factory.mktemp("parts")
    docs = base / "docs"
    docs.mkdir()
    (docs / "2023 Q3 BELL.txt").write_text(STATEMENT, encoding="utf-8")
    return build_rag(docs, base, embedder, ReaderGenerator("shipped"))


def test_a_total_broken_down_is_the_rows_above_it_under_its_heading(bell):
    """ "Break down Bell's total operating expenses" had been read as a fact and refused: its
    parts are the rows the statement prints above the total under the total's heading (not
    the gross margin above them), each at the quarter asked, then the total."""
    a = bell.ask("Break down Bell's total operating expenses in Q3 2023.")
    assert a.form == "list" and not a.abstained, a.why
    assert a.answer.splitlines() == [
        "- Operating expenses: Research and development — Three Months Ended July 1, 2023: "
        "7,442 [1]",
        "- Operating expenses: Selling, general and administrative — Three Months Ended July "
        "1, 2023: 5,973 [2]",
        "- Total operating expenses — Three Months Ended July 1, 2023: 13,415 [3]",
    ]
    assert all(STATEMENT[c.start : c.end] == c.quote for c in a.citations)


def test_a_follow_up_asks_the_figure_before_in_its_parts_or_by_a_division(bell):
    """ "Break them down." after a total had been refused, and "And by region?" after net
    sales read as a figure of its own ("What was Bell's by region in Q3 2023?")."""
    before = ["What were Bell's total operating expenses in Q3 2023?"]
    a = bell.ask("Break them down.", history=before)
    assert a.question == "Break down Bell's total operating expenses in Q3 2023."
    assert [c.quote for c in a.citations] == [
        "Three Months Ended July 1, 2023: 7,442",
        "Three Months Ended July 1, 2023: 5,973",
        "Three Months Ended July 1, 2023: 13,415",
    ]
    b = bell.ask("And by region?", history=["What were Bell's total net sales in Q3 2023?"])
    assert b.question == "Break down Bell's total net sales by region in Q3 2023."
    assert b.form == "list" and [c.quote for c in b.citations] == [
        "Three Months Ended July 1, 2023: $35,383",
        "Three Months Ended July 1, 2023: $20,205",
        "Three Months Ended July 1, 2023: $15,758",
    ]
