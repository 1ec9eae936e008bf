"""A quarter named by the month it ends in (rag.answer.periods.in_document_periods), over tiny
reports with the real reader and embedder."""

from __future__ import annotations

from rag.answer.reading import ReaderGenerator
from tests.conftest import build_rag


def test_a_quarter_named_by_its_month_reads_the_report_whose_cover_says_it_ended_then(
    tmp_path, embedder
):
    """A company whose fiscal year ends in September: its "2023 Q3" report is of the quarter
    ended July 1, 2023, which it calls the June quarter. "The June quarter of 2023" had been
    read as the year 2023 alone, and answered from the first 2023 report. Another company's
    report of a quarter ended June 30 (a cover naming "June") does not count as Birch's."""
    docs = tmp_path / "docs"
    docs.mkdir()
    covers = {
        "2023 Q1 Birch.txt": ("December 31, 2022", "117"),
        "2023 Q2 Birch.txt": ("April 1, 2023", "94"),
        "2023 Q3 Birch.txt": ("July 1, 2023", "81"),
        "2023 Q2 Cedar.txt": ("June 30, 2023", "12"),
    }
    for name, (day, sales) in covers.items():
        company = name.split()[-1].removesuffix(".txt")
        (docs / name).write_text(
            f"{company} Foods quarterly report.\n\nFor the quarterly period ended {day}.\n\n"
            f"Net sales of {company} Foods were ${sales} billion for the quarter.",
            encoding="utf-8",
        )
    rag = build_rag(docs, tmp_path, embedder, ReaderGenerator("shipped"))
    a = rag.ask("What were Birch Foods' net sales in the June quarter of 2023?")
    assert not a.abstained, a.why
    assert [c.doc for c in a.citations] == ["2023 Q3 Birch.txt"]
    assert a.short_answer.text == "$81 billion"
    b = rag.ask("What were Birch Foods' net sales in the quarter ended in March 2023?")
    assert [c.doc for c in b.citations] == ["2023 Q2 Birch.txt"]
    c = rag.ask("What were Cedar Foods' net sales in the June quarter of 2023?")
    assert [c.doc for c in c.citations] == ["2023 Q2 Cedar.txt"]


def test_a_quarter_typed_short_and_a_change_from_the_quarter_before(tmp_path, embedder):
    """ "bell net sales q3 23" had been refused ("The documents never mention 23"), "the QoQ
    change in Q3 2023" too ("never mention QoQ"), and "Bell's net sales growth from Q2 2023
    to Q3 2023" read as a fact (a sentence's figure): each reads the two filings' rows."""
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, day, sales in (
        ("2023 Q2 BELL.txt", "June 30, 2023", "134,383"),
        ("2023 Q3 BELL.txt", "September 30, 2023", "143,083"),
    ):
        (docs / name).write_text(
            f"Bell Instruments Inc. quarterly report.\n\nFor the quarterly period ended {day}.\n\n"
            f"Total net sales — Three Months Ended {day}: {sales}\n",
            encoding="utf-8",
        )
    rag = build_rag(docs, tmp_path, embedder, ReaderGenerator("shipped"))
    a = rag.ask("bell net sales q3 23")
    assert not a.abstained, a.why
    assert [c.doc for c in a.citations] == ["2023 Q3 BELL.txt"]
    last = "- Change: from 134,383 to 143,083, +8,700 (+6.5%), computed from [1] and [2]"
    for q in (
        "What's the QoQ change in Bell's net sales in Q3 2023?",
        "What was Bell's net sales growth from Q2 2023 to Q3 2023?",
    ):
        b = rag.ask(q)
        assert b.form == "comparison", q
        assert [c.doc for c in b.citations] == ["2023 Q2 BELL.txt", "2023 Q3 BELL.txt"], q
        assert b.answer.splitlines()[-1] == last, q
