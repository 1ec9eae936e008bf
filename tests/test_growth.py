"""A figure against another period read from one filing's row (rag.answer.growth): two quarters a
year apart when no filing is of the earlier one, two days a balance sheet prints side by side,
and a follow-up setting the figure asked before against another period; with the real reader
and embedder over two tiny filings built once."""

from __future__ import annotations

import pytest

from rag.answer.reading import ReaderGenerator
from tests.conftest import rag_over

FILINGS = {
    "2022 Q3 BELL.txt": (
        "Bell Instruments Inc. quarterly report.\n\n"
        "Net income — Three Months Ended September 30, 2022: 700; "
        "Three Months Ended September 30, 2021: 650\n"
    ),
    "2023 Q2 BELL.txt": (
        "Bell Instruments Inc. quarterly report.\n\n"
        "Net income — Three Months Ended June 30, 2023: 900; "
        "Three Months Ended June 30, 2022: 800\n\n"
        "Other income (expense), net — Three Months Ended June 30, 2023: 61; "
        "Three Months Ended June 30, 2022: (5,545)\n\n"
        "Inventories — June 30, 2023: 3,500; December 31, 2022: 3,400\n"
    ),
}
CHANGE = "- Change: from 800 to 900, +100 (+12.5%), computed from [1] and [2]"


@pytest.fixture(scope="module")
def rag(tmp_path_factory, embedder):
    return rag_over(
        tmp_path_factory.mktemp("growth"), FILINGS, embedder, ReaderGenerator("shipped")
    )


def test_two_quarters_a_year_apart_are_read_from_the_later_quarters_filing(rag):
    """No filing is of Q2 2022: the Q2 2023 filing prints it beside its own quarter. The
    comparison had set one filing's "Other income (expense)" against nothing."""
    for q in (
        "How did Bell's net income change from Q2 2022 to Q2 2023?",
        "How did Bell's net income in Q2 2023 compare with Q2 2022?",
    ):
        a = rag.ask(q)
        assert [c.quote for c in a.citations] == [
            "Three Months Ended June 30, 2022: 800",
            "Three Months Ended June 30, 2023: 900",
        ], (q, a.answer)
        assert a.answer.splitlines()[-1] == CHANGE
    # two quarters each with its own filing keep one row a filing; "difference" names no row
    for q in (
        "How did Bell's net income change from Q3 2022 to Q2 2023?",
        "What was the difference between Bell's net income in Q3 2022 and Q2 2023?",
    ):
        both = rag.ask(q)
        assert [c.quote for c in both.citations] == [
            "Three Months Ended September 30, 2022: 700",
            "Three Months Ended June 30, 2023: 900",
        ], (q, both.answer)


def test_two_days_are_read_from_the_one_row_that_prints_both(rag):
    """ "How did Amazon's inventories change between December 31, 2022 and September 30,
    2023?" had set each filing's own day side by side."""
    a = rag.ask("How did Bell's inventories change between December 31, 2022 and June 30, 2023?")
    assert [c.quote for c in a.citations] == ["December 31, 2022: 3,400", "June 30, 2023: 3,500"]
    assert "Change:" not in a.answer  # how it changed: the two lines (`test_transcripts`)
    b = rag.ask(
        "What is the difference in Bell's inventories between December 31, 2022 and June 30, 2023?"
    )
    assert b.answer.splitlines()[-1] == (
        "- Change: from 3,400 to 3,500, +100 (+2.9%), computed from [1] and [2]"
    )


def test_a_follow_up_setting_the_figure_against_another_period_asks_of_that_figure(rag):
    """ "How does that compare with Q2 2022?" stood alone on its period (a number of its own)
    and set other documents' sentences side by side."""
    before = ["What was Bell's net income in Q2 2023?"]
    a = rag.ask("How does that compare with Q2 2022?", history=before)
    assert a.question == "How does Bell's net income in Q2 2023 compare with Q2 2022?"
    assert a.answer.splitlines()[-1] == CHANGE
    b = rag.ask("How does it compare to the same quarter last year?", history=before)
    assert b.question == "How does Bell's net income in Q2 2023 compare with a year before?"
    assert b.answer.splitlines()[-1] == CHANGE


def test_how_a_balance_moved_since_a_day_reads_the_latest_filings_row(tmp_path, embedder):
    """ "How has Amazon's cash changed since December 31, 2022?" had set each 2023 filing's
    December 31 column side by side (the same figure three times): the latest filing's row,
    at that day and at its own."""
    filings = {
        f"2023 Q{q} BELL.txt": (
            "Bell Instruments Inc. quarterly report.\n\n"
            f"Inventories — {day}: {value}; December 31, 2022: 3,400\n"
        )
        for q, day, value in ((1, "March 31, 2023", "3,450"), (2, "June 30, 2023", "3,500"))
    }
    rag = rag_over(tmp_path, filings, embedder, ReaderGenerator("shipped"))
    a = rag.ask("How have Bell's inventories changed since December 31, 2022?")
    assert a.form == "comparison" and not a.abstained, a.why
    assert [(c.doc, c.quote) for c in a.citations] == [
        ("2023 Q2 BELL.txt", "December 31, 2022: 3,400"),
        ("2023 Q2 BELL.txt", "June 30, 2023: 3,500"),
    ]
    # asked after the balance, with no period: of that balance
    b = rag.ask(
        "How has it changed since December 31, 2022?",
        history=["How much inventory does Bell have?"],
    )
    assert b.question == "How has Bell's inventory changed since December 31, 2022?"
    assert [c.quote for c in b.citations] == [c.quote for c in a.citations]
