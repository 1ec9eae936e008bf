"""Measures read from two rows (rag.answer.measures): one the statements do not print, computed
from the two they do, with the real reader and embedder over a tiny filing."""

from __future__ import annotations

import pytest

from rag.answer.reading import ReaderGenerator
from tests.conftest import build_rag
from tests.test_forms import one_document
from tests.test_tables import _labels


@pytest.fixture(scope="module")
def reader():
    return ReaderGenerator("shipped")


def _row(label: str, now: str, before: str) -> str:
    return f"{label} — Three Months Ended July 1, 2023: {now}; Three Months Ended June 25, 2022: {before}"


def test_a_margin_no_row_prints_is_computed_from_the_rows_of_one_statement(
    tmp_path, embedder, reader
):
    """ "What was Bell's gross margin?" was refused: no row is named so. Net sales less the cost
    of sales of the same statement, both cited; a "Cost of sales" row of a table pages later
    (the stock-based compensation it holds) is not the one read."""
    docs = tmp_path / "docs"
    docs.mkdir()
    sales = _row("Total net sales", "9,300", "8,100")
    costs = _row("Operating expenses: Cost of sales", "5,100", "4,600")
    income = _row("Operating income", "930", "700")
    (docs / "2023 Q3 BELL.txt").write_text(
        "Bell Instruments Inc. quarterly report.\n\n"
        "CONDENSED CONSOLIDATED STATEMENTS OF OPERATIONS\n\n"
        f"{sales}\n\n{costs}\n\n{income}\n\n"
        + "Notes to the statements. " * 120
        + "\n\nStock-based compensation expense by line item follows.\n\n"
        + _row("Cost of sales", "$19", "$15")
        + "\n",
        encoding="utf-8",
    )
    rag = build_rag(docs, tmp_path, embedder, reader)
    a = rag.ask("What was Bell's gross margin in Q3 2023?")
    assert not a.abstained, a.why
    # each cites the cell of the quarter asked
    assert [c.quote for c in a.citations] == [
        "Three Months Ended July 1, 2023: 9,300",
        "Three Months Ended July 1, 2023: 5,100",
    ]
    assert a.answer.splitlines()[-1] == (
        "- Gross margin: 9,300 - 5,100 = 4,200 (45.2% of 9,300), computed from [1] and [2]"
    )
    b = rag.ask("What was Bell's operating margin in Q3 2023?")
    assert [c.quote for c in b.citations] == [
        "Three Months Ended July 1, 2023: 930",
        "Three Months Ended July 1, 2023: 9,300",
    ]
    assert b.answer.splitlines()[-1] == (
        "- Operating margin: 930 of 9,300 = 10.0%, computed from [1] and [2]"
    )


def test_a_margin_over_time_is_computed_for_each_filing_from_its_own_quarter(
    tmp_path, embedder, reader
):
    """ "How has Bell's gross margin changed?" read sentences that name gross margin: each
    filing's net sales and cost of sales for its own quarter, cited cell by cell, and each
    quarter's margin computed from its two cells."""
    docs = tmp_path / "docs"
    docs.mkdir()
    quarters = {
        "2023 Q2 BELL.txt": ("April 1, 2023", "March 26, 2022", "9,000", "5,000", "8,000", "4,500"),
        "2023 Q3 BELL.txt": ("July 1, 2023", "June 25, 2022", "9,900", "5,400", "8,100", "4,600"),
    }
    for name, (now, before, s1, c1, s0, c0) in quarters.items():
        (docs / name).write_text(
            "Bell Instruments Inc. quarterly report.\n\n"
            f"Total net sales — Three Months Ended {now}: {s1}; Three Months Ended {before}: {s0}"
            f"\n\nCost of sales — Three Months Ended {now}: {c1}; Three Months Ended {before}: "
            f"{c0}\n",
            encoding="utf-8",
        )
    rag = build_rag(docs, tmp_path, embedder, reader)
    a = rag.ask("How has Bell's gross margin changed over time?")
    assert a.form == "comparison" and not a.abstained, a.why
    # each cites its cell (the header and value), the line says the row's label
    assert [c.quote for c in a.citations] == [
        "Three Months Ended April 1, 2023: 9,000",
        "Three Months Ended April 1, 2023: 5,000",
        "Three Months Ended July 1, 2023: 9,900",
        "Three Months Ended July 1, 2023: 5,400",
    ]
    assert a.answer.splitlines()[:2] == [
        "- Q2 2023: Total net sales — Three Months Ended April 1, 2023: 9,000 [1]",
        "- Q2 2023: Cost of sales — Three Months Ended April 1, 2023: 5,000 [2]",
    ]
    assert a.answer.splitlines()[-1] == (
        "- Gross margin: Q2 2023 4,000 (44.4%) [1, 2]; Q3 2023 4,500 (45.5%) [3, 4]"
    )


GROWTH_ROW = _row("Total net sales", "9,900", "9,000")


def test_growth_computes_the_change_from_the_same_quarter_a_year_before(tmp_path, embedder, reader):
    """ "Revenue growth year over year in Q3 2023" was refused (no row is named growth): the
    row's cell of the quarter asked and its cell a year before, each cited, and the change."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "2023 Q3 BELL.txt").write_text(
        f"Bell Instruments Inc. quarterly report.\n\n{GROWTH_ROW}\n", encoding="utf-8"
    )
    rag = build_rag(docs, tmp_path, embedder, reader)
    a = rag.ask("What was Bell's revenue growth year over year in Q3 2023?")
    assert not a.abstained, a.why
    assert [c.quote for c in a.citations] == [
        "Three Months Ended June 25, 2022: 9,000",
        "Three Months Ended July 1, 2023: 9,900",
    ]
    assert a.answer.splitlines()[-1] == (
        "- Change: from 9,000 to 9,900, +900 (+10.0%), computed from [1] and [2]"
    )
    # "How much did revenue increase in Q3 2023?" had read the quarter's 9,900: by how much it
    # moved in a quarter is against the same quarter a year before
    up = rag.ask("How much did Bell's revenue increase in Q3 2023?")
    assert up.answer.splitlines()[-1] == a.answer.splitlines()[-1], up.answer
    # ... as is how it changed in a quarter, or whether it rose (had read the row's cells alone)
    for q in (
        "How did Bell's total net sales change in Q3 2023?",
        "Did Bell's total net sales increase in Q3 2023?",
    ):
        moved = rag.ask(q)
        assert moved.answer.splitlines()[-1] == a.answer.splitlines()[-1], (q, moved.answer)
    # the quarter a year before the filing's own is its comparative column; others it lacks
    b = rag.ask("What were Bell's total net sales in Q3 2022?")
    assert b.short_answer.text == "9,000", b.answer
    c = rag.ask("What were Bell's total net sales in Q1 2022?")
    assert c.abstained or "9,900" not in c.answer


def test_the_quarter_with_the_highest_figure_is_named_and_a_change_between_two_is_computed(
    tmp_path, embedder, reader
):
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, now, before, sales in (
        ("2023 Q1 BELL.txt", "April 1, 2023", "March 26, 2022", "9,000"),
        ("2023 Q2 BELL.txt", "July 1, 2023", "June 25, 2022", "9,900"),
        ("2023 Q3 BELL.txt", "September 30, 2023", "September 24, 2022", "9,500"),
    ):
        (docs / name).write_text(
            "Bell Instruments Inc. quarterly report.\n\nTotal net sales — Three Months Ended "
            f"{now}: {sales}; Three Months Ended {before}: 8,000\n",
            encoding="utf-8",
        )
    rag = build_rag(docs, tmp_path, embedder, reader)
    a = rag.ask("Which quarter had the highest revenue for Bell?")
    assert a.form == "comparison" and not a.abstained, a.why
    assert a.answer.splitlines()[-1] == "- Highest: Q2 2023, 9,900 [2]"
    b = rag.ask("How did Bell's net sales change from Q1 2023 to Q3 2023?")
    assert b.answer.splitlines()[-1] == (
        "- Change: from 9,000 to 9,500, +500 (+5.6%), computed from [1] and [2]"
    )


def test_a_measure_a_sentence_states_is_not_computed(tmp_path, embedder, reader):
    """The filing says its effective tax rate in a sentence: that sentence answers, though the
    two rows it could be computed from are there."""
    docs = tmp_path / "docs"
    docs.mkdir()
    said = "Our effective tax rate was 19% for the three months ended July 1, 2023."
    (docs / "2023 Q3 BELL.txt").write_text(
        "Bell Instruments Inc. quarterly report.\n\n"
        f"{_row('Income before income taxes', '1,000', '900')}\n\n"
        f"{_row('Provision for income taxes', '190', '150')}\n\n"
        f"Income Taxes\n\n{said}\n",
        encoding="utf-8",
    )
    rag = build_rag(docs, tmp_path, embedder, reader)
    a = rag.ask("What was Bell's effective tax rate in Q3 2023?")
    assert not a.abstained, a.why
    assert [c.quote for c in a.citations] == [said]
    assert "computed" not in a.answer


def test_a_total_the_balance_sheet_splits_is_the_sum_of_its_two_rows(tmp_path, embedder, reader):
    """ "What is Bell's total term debt?" read the current row alone (7,216): the balance sheet
    prints what is due within a year and after, never the total."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "2023 Q3 BELL.txt").write_text(
        "Bell Instruments Inc. quarterly report.\n\n"
        "CONDENSED CONSOLIDATED BALANCE SHEETS\n\n"
        "Current liabilities: Accounts payable — July 1, 2023: 46,699; September 24, 2022: 64,115\n"
        "Current liabilities: Term debt — July 1, 2023: 7,216; September 24, 2022: 11,128\n"
        "Non-current liabilities: Term debt — July 1, 2023: 98,071; September 24, 2022: 98,959\n",
        encoding="utf-8",
    )
    rag = build_rag(docs, tmp_path, embedder, reader)
    a = rag.ask("What is Bell's total term debt as of Q3 2023?")
    assert not a.abstained, a.why
    assert [c.quote for c in a.citations] == ["July 1, 2023: 7,216", "July 1, 2023: 98,071"]
    assert a.answer.splitlines()[-1] == (
        "- Total term debt: 7,216 + 98,071 = 105,287, computed from [1] and [2]"
    )
    # neither part named is the whole too ("term debt as of April 1, 2023" had read the
    # current part, and with it refused, the reader had answered "Current liabilities")
    b = rag.ask("What was Bell's term debt as of July 1, 2023?")
    assert b.answer.splitlines()[-1] == a.answer.splitlines()[-1]
    c = rag.ask("What was Bell's current term debt as of July 1, 2023?")
    assert c.short_answer.text == "7,216"


def test_a_balance_is_summed_only_from_two_parts_of_one_day(tmp_path, embedder, reader):
    """Amazon's lease liabilities had been "74,267 + 7,604": the balance sheet's long-term part
    of March 31 and a maturity schedule's nine months to December 31, which are no total."""
    text = (
        "Bell Instruments Inc. quarterly report.\n\n"
        "CONDENSED CONSOLIDATED BALANCE SHEETS\n\n"
        "Long-term lease liabilities — December 31, 2022: 72,968; March 31, 2023: 74,267\n\n"
        "Lease liabilities mature as follows.\n\n"
        "Operating lease liabilities — Nine Months Ended December 31, 2023: 7,604\n"
    )
    rag = one_document(tmp_path, "2023 Q1 BELL.txt", text, embedder, reader)
    a = rag.ask("What were Bell's total lease liabilities as of March 31, 2023?")
    assert not a.abstained and "computed" not in a.answer, a.answer
    # nor a balance with a flow of the months ended that day ("Proceeds from issuance of term
    # debt" and "Term debt" had made a "total term debt")
    from rag.answer.measures import _summable

    flow = ("Proceeds from issuance of term debt — Nine Months Ended July 1, 2023: 5,228",)
    balance = ("Non-current liabilities: Term debt — July 1, 2023: 98,071",)
    current = ("Current liabilities: Term debt — July 1, 2023: 7,216",)
    assert not _summable("sum", [flow, balance]) and _summable("sum", [current, balance])


def _filing_rag(tmp_path, embedder, reader, period: str, ended: str, rows: dict[str, str]):
    """A RAG over one tiny filing "<period> BELL.txt": a row a line, each of the three months
    ended `ended`."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / f"{period} BELL.txt").write_text(
        "Bell Instruments Inc. quarterly report.\n\n"
        + "\n\n".join(f"{label} — Three Months Ended {ended}: {a}" for label, a in rows.items()),
        encoding="utf-8",
    )
    return build_rag(docs, tmp_path, embedder, reader)


def test_a_measure_as_a_percentage_of_another_reads_its_own_row_and_says_the_share(
    tmp_path, embedder, reader
):
    """ "Operating income as a percentage of net sales" names the part's own measure: Amazon's
    had read a row of its table of expenses as shares of net sales ("Other operating expense
    (income), net": 0.1), and, read as a segment's share, the cash flow's net income."""
    rows = {
        "Total net sales": "134,383",
        "Operating income": "7,681",
        "OPERATING ACTIVITIES: Net income (loss)": "6,750",
        "Percent of Net Sales: Other operating expense (income), net": "0.1",
    }
    rag = _filing_rag(tmp_path, embedder, reader, "2023 Q2", "June 30, 2023", rows)
    a = rag.ask("What was Bell's operating income as a percentage of net sales in Q2 2023?")
    assert not a.abstained, a.why
    assert _labels(a) == ["Operating income", "Total net sales"]
    assert (
        a.answer.splitlines()[-1] == "- Share: 7,681 of 134,383 = 5.7%, computed from [1] and [2]"
    )


def test_compare_two_things_of_one_measure_reads_a_row_each(tmp_path, embedder, reader):
    """ "Compare Apple's Mac and iPad net sales" had read the iPad rows only; "AWS and North
    America operating income" read AWS's net sales: a side naming only a name takes the
    other's measure."""
    rows = {
        "Net sales by category: Mac": "7,735",
        "Net sales by category: iPad": "9,396",
        "Net sales: Lamps": "2,310",
        "Lamps: Operating income": "512",
        "Dials: Operating income": "1,207",
    }
    rag = _filing_rag(tmp_path, embedder, reader, "2023 Q1", "December 31, 2022", rows)
    for question, labels in (
        (
            "Compare Bell's Mac and iPad net sales in Q1 2023.",
            ["Net sales by category: Mac", "Net sales by category: iPad"],
        ),
        (
            "Compare Bell's Lamps and Dials operating income in Q1 2023",
            ["Lamps: Operating income", "Dials: Operating income"],
        ),
    ):
        a = rag.ask(question)
        assert _labels(a) == labels, a.answer


def test_the_reader_answers_no_measure_off_a_row_of_another_and_no_part_of_a_number(
    tmp_path, embedder, reader
):
    """ "How many employees did Amazon have?" read "711" of "Ending additional paid-in capital
    — ...: 92,711": the word pieces of a number are no answer, nor is a row whose label names
    another measure."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "2023 Q3 BELL.txt").write_text(
        "Bell Instruments Inc. quarterly report.\n\nChanges in stockholders' equity:\n\n"
        "Ending additional paid-in capital — Three Months Ended September 30, 2023: 92,711\n\n"
        "Ending accumulated deficit — Three Months Ended September 30, 2023: (4,315)",
        encoding="utf-8",
    )
    rag = build_rag(docs, tmp_path, embedder, reader)
    a = rag.ask("How many employees did Bell have as of September 30, 2023?")
    assert a.abstained, a.answer
    b = rag.ask("What was Bell's ending additional paid-in capital at September 30, 2023?")
    assert b.short_answer.text == "92,711"


def test_free_cash_flow_is_operating_cash_less_what_was_spent_on_property(
    tmp_path, embedder, reader
):
    """ "What was Bell's free cash flow?" had no row to read: the cash operations brought in
    less the purchases of property and equipment, printed as an outflow ("(1,200)"), both
    cited; a filing printing its own "Free cash flow" row answers with it."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "2023 Q3 BELL.txt").write_text(
        "Bell Instruments Inc. quarterly report.\n\n"
        "CONDENSED CONSOLIDATED STATEMENTS OF CASH FLOWS\n\n"
        + _row("Net cash provided by operating activities", "4,000", "3,500")
        + "\n\n"
        + _row("Investing activities: Purchases of property and equipment", "(1,200)", "(900)")
        + "\n\n"
        + _row("Net cash used in investing activities", "(2,000)", "(1,700)")
        + "\n",
        encoding="utf-8",
    )
    rag = build_rag(docs, tmp_path, embedder, reader)
    a = rag.ask("What was Bell's free cash flow in Q3 2023?")
    assert not a.abstained, a.why
    assert [c.quote for c in a.citations] == [
        "Three Months Ended July 1, 2023: 4,000",
        "Three Months Ended July 1, 2023: (1,200)",
    ]
    assert a.answer.splitlines()[-1] == (
        "- Free cash flow: 4,000 less 1,200 = 2,800, computed from [1] and [2]"
    )


def test_a_share_typed_with_a_percent_sign_is_a_share():
    """ "Services as a % of Apple's total revenue in Q3 2023" (typed into a chat, no question
    word) had read one row without the share."""
    from rag.answer.measures import share_sides

    assert share_sides("Services as a % of Acme's total revenue in Q3 2023") == (
        "Services",
        "Acme's total revenue",
    )
    assert share_sides("What % of Acme's revenue came from Services in Q3 2023?") == (
        "Services revenue",
        "Acme's revenue",
    )


def test_by_how_much_a_figure_moved_is_computed_from_the_two_its_sentence_states(
    tmp_path, embedder, reader
):
    """ "How much did Amazon's shipping costs increase in Q3 2023?" had been answered "$21.8
    billion", the quarter's costs: the sentence states both quarters' figures, and the change
    between them is what is asked (of the duration asked, when it states two)."""
    sentence = (
        "Shipping costs were $19.9 billion and $21.8 billion in Q3 2022 and Q3 2023, and $58.8 "
        "billion and $62.2 billion for the nine months ended September 30, 2022 and 2023."
    )
    text = f"Bell Instruments Inc. quarterly report.\n\n{sentence} Bell opened a shop in Harbin.\n"
    rag = one_document(tmp_path, "2023 Q3 BELL.txt", text, embedder, reader)
    a = rag.ask("How much did Bell's shipping costs increase in Q3 2023?")
    assert not a.abstained, a.why
    assert a.citations[0].quote == sentence
    assert a.answer.splitlines() == [
        f"{sentence} [1]",
        "- Change: from $19.9 billion to $21.8 billion (Q3 2022 and Q3 2023), +$1.9 billion "
        "(+9.5%), computed from [1]",
    ]
    # asked what they were, the quarter's figure leads as before
    b = rag.ask("What were Bell's shipping costs in Q3 2023?")
    assert b.answer.startswith("$21.8 billion — "), b.answer
    # the sentence is found before the reader reads (it had read "absolute dollars" off another
    # cost's sentence): every word naming the figure, two figures of a period asked
    from rag.answer.measures import paired

    snap, q = rag.store.current(), "How much did Bell's shipping costs increase in Q3 2023?"
    passages = rag.retriever.run(q, 3)
    assert paired(q, passages, snap).supports[0][0] == sentence
    assert paired(q.replace("shipping", "marketing"), passages, snap) is None
    assert paired(q.replace("Q3", "Q1"), passages, snap) is None


def test_the_current_ratio_is_computed_from_the_balance_sheets_two_totals(
    tmp_path, embedder, reader
):
    """ "What is Apple's current ratio?" was refused (no row prints it), and over the quarters
    one filing's was computed over "Current liabilities: Accounts payable", the row next to
    the current assets, not its "Total current liabilities" further on."""
    docs = tmp_path / "docs"
    docs.mkdir()
    assets = "\n\n".join(
        f"{label} — April 1, 2023: {value}"
        for label, value in (
            ("Current assets: Cash and cash equivalents", "24,687"),
            ("Current assets: Inventories", "7,482"),
            ("Total current assets", "112,913"),
            ("Non-current assets: Property, plant and equipment, net", "43,398"),
            ("Total non-current assets", "219,247"),
            ("Total assets", "332,160"),
            ("Current liabilities: Accounts payable", "42,945"),
        )
    )
    filler = "\n\n".join(f"Property item {i} — April 1, 2023: {i},000" for i in range(1, 120))
    (docs / "2023 Q2 BELL.txt").write_text(
        "Bell Instruments Inc. quarterly report.\n\nCONDENSED CONSOLIDATED BALANCE SHEETS\n\n"
        f"{assets}\n\n{filler}\n\nTotal current liabilities — April 1, 2023: 120,075\n",
        encoding="utf-8",
    )
    rag = build_rag(docs, tmp_path, embedder, reader)
    a = rag.ask("What is Bell's current ratio as of April 1, 2023?")
    assert not a.abstained, a.why
    assert a.answer.splitlines()[-1] == (
        "- Current ratio: 112,913 / 120,075 = 0.94, computed from [1] and [2]"
    ), a.answer


def test_a_row_whose_label_holds_and_is_one_thing_asked_though_typed_with_a_straight_quote(
    tmp_path, embedder, reader
):
    """ "What were Bell's total liabilities and stockholders' equity?" had been split into two
    facts (total current liabilities, total stockholders' equity): the label, printed with a
    curly apostrophe, was not matched by the question's straight one."""
    text = (
        "Bell Instruments Inc. quarterly report.\n\n"
        "CONDENSED CONSOLIDATED BALANCE SHEETS\n\n"
        "Total current liabilities — September 30, 2023: 145,214; December 31, 2022: 155,393\n"
        "Total stockholders’ equity — September 30, 2023: 182,973; December 31, 2022: 146,043\n"
        "Total liabilities and stockholders’ equity — September 30, 2023: 486,883; "
        "December 31, 2022: 462,675\n"
    )
    rag = one_document(tmp_path, "2023 Q3 BELL.txt", text, embedder, reader)
    a = rag.ask(
        "What were Bell's total liabilities and stockholders' equity on September 30, 2023?"
    )
    assert a.form == "fact" and not a.abstained, a.answer
    assert a.short_answer.text == "486,883"
    assert len(a.citations) == 1
    assert a.citations[0].quote.startswith("Total liabilities and stockholders’ equity — ")


def test_working_capital_is_current_assets_less_current_liabilities(tmp_path, embedder, reader):
    """ "What is Bell's working capital?" had read a "Common stock and additional paid-in
    capital" row ("capital" is a word of its label): no statement prints it, so it is computed
    from the balance sheet's two totals of the day asked."""
    text = (
        "Bell Instruments Inc. quarterly report.\n\n"
        "CONDENSED CONSOLIDATED BALANCE SHEETS\n\n"
        "Total current assets — July 1, 2023: 122,659; September 24, 2022: 135,405\n"
        "Total current liabilities — July 1, 2023: 124,963; September 24, 2022: 153,982\n"
        "Common stock and additional paid-in capital — July 1, 2023: 70,667; September 24, "
        "2022: 64,849\n"
    )
    rag = one_document(tmp_path, "2023 Q3 BELL.txt", text, embedder, reader)
    a = rag.ask("What is Bell's working capital as of July 1, 2023?")
    assert not a.abstained, a.why
    assert [c.quote for c in a.citations] == ["July 1, 2023: 122,659", "July 1, 2023: 124,963"]
    assert a.answer.splitlines()[-1] == (
        "- Working capital: 122,659 less 124,963 = -2,304, computed from [1] and [2]"
    )
