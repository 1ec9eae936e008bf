"""A thing the documents print under another line item (rag.answer.vocabulary.defined_as):
"R&D" over a filing whose "Technology and infrastructure costs include ... research and
development" is read from that row, and says so; words a row of their own holds never are."""

from __future__ import annotations

import pytest

from rag.answer.reading import ReaderGenerator
from tests.conftest import build_rag, rag_over

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


@pytest.fixture(scope="module")
def rag(tmp_path_factory, embedder, reader):
    text = f"ACME quarterly report for the quarter ended March 31, 2023.\n\n{STATEMENT}\n{NOTES}"
    return rag_over(
        tmp_path_factory.mktemp("line-items"), {"2023 Q1 ACME.txt": text}, embedder, reader
    )


def test_a_thing_defined_as_part_of_a_line_item_reads_that_row(rag):
    a = rag.ask("What did ACME spend on R&D in Q1 2023?")
    assert not a.abstained, a.why
    assert "20,450" in a.answer
    assert "Technology and infrastructure" in a.citations[0].quote
    assert "“research and development” as “Technology and infrastructure”" in a.notice
    # a row's own words are its own: never read as the item a sentence says includes them
    b = rag.ask("What was ACME's stock-based compensation expense in Q1 2023?")
    assert "4,757" in b.answer and "10,172" not in b.answer
    assert "Sales and marketing" not in b.notice


def test_what_a_line_item_includes_is_its_definition_not_its_row(rag):
    """ "What does Amazon's technology and infrastructure cost include?" had been answered with
    the row's figures: a row says how much, its definition what is in it."""
    for q in (
        "What does ACME's technology and infrastructure cost include?",
        "What is included in ACME's sales and marketing expenses?",
    ):
        a = rag.ask(q)
        assert not a.abstained, (q, a.why)
        quote = a.citations[0].quote
        assert " costs include " in quote and "—" not in quote, (q, quote)
        assert a.answer.startswith(quote[:40]), a.answer
    a = rag.ask("What does ACME's sales and marketing cost include?")
    assert a.answer.startswith("Sales and marketing costs include advertising"), a.answer
    # the figure is still the row's
    assert (
        "20,450" in rag.ask("What was ACME's technology and infrastructure cost in Q1 2023?").answer
    )


def test_the_definition_read_is_of_the_thing_asked_whole():
    """ "What does Apple's Services net sales include?" had quoted the products' footnote; a
    label the question names only part of ("Total net sales") is not the thing asked, and a
    sentence does not end at a decimal point."""
    from rag.answer.vocabulary import what_it_includes
    from rag.ingest.chunk import Chunk
    from rag.retrieve import Passage

    text = (
        "Total net sales include $3.2 billion of revenue deferred as of the year's start. "
        "Products net sales include amortization of software upgrade rights. "
        "Services net sales also include amortization of services bundled with products. "
        "Fulfillment costs primarily consist of operating fulfillment centers. "
        "The primary components of other income (expense), net are related to equity valuations."
    )
    chunks = {"d": [Chunk("d::0", "d", 0, len(text), text)]}

    def ask(q):
        out = what_it_includes(q, ["d"], chunks.__getitem__, lambda c: Passage(1, 0.5, c))
        return out and out.supports[0][0]

    assert ask("What does Apple's Services net sales include?") == (
        "Services net sales also include amortization of services bundled with products."
    )
    assert ask("What do the Products net sales include?").startswith("Products net sales")
    assert ask("What do total net sales include?").endswith("as of the year's start.")
    assert ask("What is included in fulfillment expenses?").startswith("Fulfillment costs")
    assert ask("What were total net sales in Q1?") is None  # asks how much, not what is in it
    assert ask("What does marketing include?") is None  # no definition of it
    # a sentence naming the parts of a line item, asked with or without its "net"
    components = "The primary components of other income (expense), net are related to equity"
    assert ask("What are the key components of other income (expense)?").startswith(components)
    assert ask("What does other income (expense), net include?").startswith(components)
    # "cost of sales" less its cost words is no "Total net sales" less its amount words
    assert ask("What are the main components of cost of sales?") is None
    # a definition is of the thing asked whole: neither "Harvard Art Museums comprises three
    # museums" nor "Other museums include ..." says what the Fogg Museum of Art covers
    museums = (
        "The Harvard Art Museums comprises three museums. Other museums include the Carpenter "
        "Center for the Visual Arts."
    )
    chunks["d"] = [Chunk("d::0", "d", 0, len(museums), museums)]
    assert ask("What does the Fogg Museum of Art cover?") is None


def test_a_figure_asked_whether_it_increased_is_its_own_row(tmp_path, embedder, reader):
    """ "Did Amazon's net income increase in Q3 2023?" had read "Net increase (decrease) in
    cash ...": the verb asks which way the figure went, it names no row; "the net increase in
    cash" still names that row."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "2023 Q1 ACME.txt").write_text(
        "ACME quarterly report for the quarter ended March 31, 2023.\n\n"
        "Operating income — Three Months Ended March 31, 2022: 3,669; Three Months Ended March "
        "31, 2023: 4,774\n"
        "Interest income — Three Months Ended March 31, 2022: 108; Three Months Ended March 31, "
        "2023: 611\n"
        "Other income (expense), net — Three Months Ended March 31, 2022: (8,570); Three Months "
        "Ended March 31, 2023: 1,054\n"
        "Income (loss) before income taxes — Three Months Ended March 31, 2022: (5,194); Three "
        "Months Ended March 31, 2023: 4,001\n"
        "Net income (loss) — Three Months Ended March 31, 2022: (3,844); Three Months Ended "
        "March 31, 2023: 3,172\n"
        "Net increase (decrease) in cash, cash equivalents, and restricted cash — Three Months "
        "Ended March 31, 2022: (12,291); Three Months Ended March 31, 2023: 1,203\n",
        encoding="utf-8",
    )
    rag = build_rag(docs, tmp_path, embedder, reader)
    for q in (
        "Did ACME's net income increase in Q1 2023?",
        "Has ACME's net income grown in Q1 2023?",
    ):
        a = rag.ask(q)
        # its row's quarter and the same quarter a year before, and the change
        assert a.answer.startswith("- Net income (loss) — "), (q, a.answer)
        assert "3,172 [2]" in a.answer and "+182.5%" in a.answer
    a = rag.ask("What was ACME's net increase in cash in Q1 2023?")
    assert a.citations[0].quote.startswith("Net increase (decrease) in cash"), a.answer


def _filing(quarter: str, ended: str, name: str, statement: str, shares: str) -> str:
    return (
        f"ACME quarterly report for {quarter}.\n\n"
        f"Operating expenses: Fulfillment — Three Months Ended {ended}: 900\n"
        f"Operating expenses: {name} — Three Months Ended {ended}: {statement}\n"
        f"Total operating expenses — Three Months Ended {ended}: 2,000\n\n"
        "Stock-based compensation expense is as follows (in millions):\n\n"
        f"Fulfillment — Three Months Ended {ended}: 80\n"
        f"{name} — Three Months Ended {ended}: {shares}\n"
        f"Total stock-based compensation expense — Three Months Ended {ended}: 400\n\n"
        f"{name} costs include payroll and related expenses for employees involved in the "
        "research and development of new and existing products and services, and "
        "infrastructure costs.\n"
    )


def test_spending_over_the_quarters_reads_the_statement_row_under_its_new_name(
    tmp_path, embedder, reader
):
    """Amazon's R&D over the quarters had shown two filings of four, each the stock-based
    compensation note's "Technology and content" row: "spending" is an expense (the
    statement's row), and the 2023 filings print the item, defined in the same words, as
    "Technology and infrastructure"."""
    rag = rag_over(
        tmp_path,
        {
            "2022 Q4 ACME.txt": _filing(
                "Q4 2022", "December 31, 2022", "Technology and content", "1,100", "310"
            ),
            "2023 Q1 ACME.txt": _filing(
                "Q1 2023", "March 31, 2023", "Technology and content", "1,150", "320"
            ),
            "2023 Q2 ACME.txt": _filing(
                "Q2 2023", "June 30, 2023", "Technology and infrastructure", "1,200", "330"
            ),
        },
        embedder,
        reader,
    )
    a = rag.ask("What was ACME's research and development spending over the last quarters?")
    assert a.form == "comparison" and not a.abstained, a.why
    assert [c.quote.split(": ")[-1] for c in a.citations] == ["1,100", "1,150", "1,200"]
    assert "Operating expenses: Technology and infrastructure" in a.answer.splitlines()[2]
