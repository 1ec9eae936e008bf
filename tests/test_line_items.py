"""A thing the documents print under another line item (rag.answer.vocabulary.defined_as):
"R&D" over a filing whose "Technology and infrastructure costs include ... research and
development" is read from that row, and says so; words a row of their own holds never are."""

from __future__ import annotations

import pytest

from rag.answer.reading import ReaderGenerator
from tests.conftest import build_rag

STATEMENT = (
    "Operating expenses: Fulfillment — Three Months Ended March 31, 2022: 20,257; Three Months "
    "Ended March 31, 2023: 20,905\n"
    "Operating expenses: Technology and infrastructure — Three Months Ended March 31, 2022: "
    "14,842; Three Months Ended March 31, 2023: 20,450\n"
    "Operating expenses: Sales and marketing — Three Months Ended March 31, 2022: 9,750; Three "
    "Months Ended March 31, 2023: 10,172\n"
    "Operating expenses: Stock-based compensation expense — Three Months Ended March 31, 2022: "
    "3,251; Three Months Ended March 31, 2023: 4,757\n"
)
NOTES = (
    "Technology and infrastructure costs include payroll and related expenses for employees "
    "involved in the research and development of new and existing products and services, and "
    "infrastructure costs.\n\n"
    "Sales and marketing costs include advertising and payroll and related expenses, including "
    "stock-based compensation expense, for personnel engaged in marketing and selling.\n"
)


@pytest.fixture(scope="module")
def reader():
    return ReaderGenerator("shipped")


def test_a_thing_defined_as_part_of_a_line_item_reads_that_row(tmp_path, embedder, reader):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "2023 Q1 ACME.txt").write_text(
        f"ACME quarterly report for the quarter ended March 31, 2023.\n\n{STATEMENT}\n{NOTES}",
        encoding="utf-8",
    )
    rag = build_rag(docs, tmp_path, embedder, reader)
    a = rag.ask("What did ACME spend on R&D in Q1 2023?")
    assert not a.abstained, a.why
    assert "20,450" in a.answer
    assert "Technology and infrastructure" in a.citations[0].quote
    assert "“research and development” as “Technology and infrastructure”" in a.notice
    # a row's own words are its own: never read as the item a sentence says includes them
    b = rag.ask("What was ACME's stock-based compensation expense in Q1 2023?")
    assert "4,757" in b.answer and "10,172" not in b.answer
    assert "Sales and marketing" not in b.notice
