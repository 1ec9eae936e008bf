"""Table rows in lists, summaries and comparisons (rag.answer.forms + rag.answer.tables): rows
of the documents asked about whose label holds the question's words are said beside the
sentences, each cited with its own span; a comparison inside one document says one line per
period of the row; across filings, one row per filing in period order."""

from __future__ import annotations

import pytest

from rag.answer.forms import classify
from rag.answer.reading import ReaderGenerator
from tests.conftest import build_rag, rag_over
from tests.test_forms import one_document
from tests.test_tables import _labels

RD = "Research and development expenses — Q1 2023: $7,709; Q1 2022: $6,306"
MARKETING = "Marketing expenses — Q1 2023: $1,250; Q1 2022: $1,100"
SALES = "Total net sales — Q1 2023: $117,154; Q1 2022: $123,945"
INTEREST = "Interest income — Q1 2023: $890; Q1 2022: $650"
STATEMENT = (
    "Bell Instruments Inc. makes scales in Harbin. Its founder is Anna Bell.\n\n"
    f"{SALES}\n{RD}\n{MARKETING}\n{INTEREST}\n"
)


@pytest.fixture(scope="module")
def reader():
    return ReaderGenerator("shipped")


@pytest.fixture
def bell_rag(tmp_path, embedder, reader):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "bell.txt").write_text(STATEMENT, encoding="utf-8")
    return build_rag(docs, tmp_path, embedder, reader)


def _quotes(answer) -> list[tuple[str, str]]:
    return [(c.doc, c.quote) for c in answer.citations]


def test_a_change_between_two_periods_of_one_row_is_one_cited_line_per_period(bell_rag):
    a = bell_rag.ask("How did research and development change from Q1 2022 to Q1 2023?")
    assert a.form == "comparison" and not a.abstained
    # each line cites its own cell, the oldest period first
    assert _quotes(a) == [("bell.txt", "Q1 2022: $6,306"), ("bell.txt", "Q1 2023: $7,709")]
    for c in a.citations:
        assert STATEMENT[c.start : c.end] == c.quote
        assert RD.find(c.quote) >= 0
    assert a.answer.splitlines() == [
        "- Q1 2022: Research and development expenses — $6,306 [1]",
        "- Q1 2023: Research and development expenses — $7,709 [2]",
        "- Change: from $6,306 to $7,709, +$1,403 (+22.2%), computed from [1] and [2]",
    ]


def test_a_change_inside_one_document_asked_with_why_adds_the_sentence_saying_why(
    tmp_path, embedder, reader
):
    """One filing's two columns of a row are one period's lines: the sentence saying why the
    figure moved follows them, and the change is still computed from the two cells alone."""
    why = "The increase in research and development expenses was primarily due to headcount."
    text = f"{STATEMENT}\nMarketing expenses were flat. {why} Bell opened a shop in Harbin.\n"
    rag = one_document(tmp_path, "bell.txt", text, embedder, reader)
    for q in (
        "What explains the change in research and development in Q1 2023 compared with Q1 2022?",
        "How did research and development change from Q1 2022 to Q1 2023, and what explanation "
        "does Bell give?",
    ):
        a = rag.ask(q)
        assert a.form == "comparison" and not a.abstained, a.why
        assert _quotes(a) == [
            ("bell.txt", "Q1 2022: $6,306"),
            ("bell.txt", "Q1 2023: $7,709"),
            ("bell.txt", why),
        ]
        assert a.answer.splitlines()[2] == f"- {why} [3]"
    # a change asked from one period to the other is computed from the two cells alone
    assert a.answer.splitlines()[3:] == [
        "- Change: from $6,306 to $7,709, +$1,403 (+22.2%), computed from [1] and [2]"
    ]


def test_how_a_balance_changed_in_a_quarter_reads_its_row_not_its_definition(
    tmp_path, embedder, reader
):
    """ "How did Amazon's inventories change in Q2 2023?" had quoted how inventories are valued:
    the sentence closest in words states no figure, and no change is told without one."""
    row = "Current assets: Inventories — December 31, 2022: 34,405; June 30, 2023: 36,587"
    text = (
        "Bell Instruments Inc. quarterly report.\n\n"
        "Inventories, consisting of products available for sale, are valued at the lower of "
        f"cost and net realizable value.\n\n{row}\n\nBell opened a shop in Harbin.\n"
    )
    rag = one_document(tmp_path, "2023 Q2 BELL.txt", text, embedder, reader)
    a = rag.ask("How did Bell's inventories change in Q2 2023?")
    assert a.form == "comparison" and not a.abstained, a.why
    assert all(row.find(c.quote) >= 0 for c in a.citations), a.answer


def test_a_comparison_of_two_figures_in_one_document_cites_both_rows(bell_rag):
    a = bell_rag.ask("How did Bell's marketing expenses compare to its net sales?")
    assert a.form == "comparison" and not a.abstained
    # in the order the question sets them against each other (`measures.two_measures`)
    assert _quotes(a) == [("bell.txt", MARKETING), ("bell.txt", SALES)]
    assert all(STATEMENT[c.start : c.end] == c.quote for c in a.citations)


def test_how_a_thing_is_done_is_never_answered_by_rows_alone(bell_rag):
    """ "How does Apple measure segment operating income?" had listed the segment rows: rows
    say how much, never how; with no sentence saying how, it is refused."""
    a = bell_rag.ask("How does Bell measure research and development expenses?")
    assert a.abstained and a.citations == [], a.answer


def test_a_summary_draws_the_rows_its_words_name(bell_rag):
    a = bell_rag.ask("Summarize the expenses.")
    assert a.form == "summary" and not a.abstained
    # the rows whose label says "expenses", in document order; neither sales nor interest
    assert _quotes(a) == [("bell.txt", RD), ("bell.txt", MARKETING)]
    assert a.answer == f"{RD} [1] {MARKETING} [2]"  # a summary is prose


def test_filings_compare_one_row_each_in_period_order(tmp_path, embedder, reader):
    """ "inventory levels ... across these quarters": each filing's row of the label, oldest
    first, each citing its cell of the filing's own period (the table stage; "across" asks, it
    names no row)."""
    docs = tmp_path / "docs"
    docs.mkdir()
    rows = {}
    for name, (now, before) in {
        "2023 Q1 BELL.txt": ("6,820", "4,946"),
        "2022 Q3 BELL.txt": ("5,433", "6,580"),
    }.items():
        rows[name] = f"Current assets: Inventories — Period end: {now}; Year start: {before}"
        (docs / name).write_text(
            "Bell Instruments Inc. quarterly report. The company sells scales to shops.\n\n"
            f"Current assets: Cash and cash equivalents — Period end: 20,535; Year start: 23,646"
            f"\n{rows[name]}\nTotal current assets — Period end: 128,777; Year start: 135,405\n",
            encoding="utf-8",
        )
    rag = build_rag(docs, tmp_path, embedder, reader)
    a = rag.ask("How have Bell's inventory levels changed across these quarters?")
    assert a.form == "comparison" and not a.abstained
    assert _quotes(a) == [
        ("2022 Q3 BELL.txt", "Period end: 5,433"),
        ("2023 Q1 BELL.txt", "Period end: 6,820"),
    ]
    assert a.answer.splitlines()[:2] == [
        "- Q3 2022: Current assets: Inventories — Period end: 5,433 [1]",
        "- Q1 2023: Current assets: Inventories — Period end: 6,820 [2]",
    ]


def test_a_change_asked_with_its_drivers_says_each_period_s_figure_then_why(
    tmp_path, embedder, reader
):
    """ "... and what's driving it": each filing's cell, then its sentence saying what moved
    the figure (one, the best: not the cash's), oldest first; asked without "why", the cells
    alone (test above)."""
    docs = tmp_path / "docs"
    docs.mkdir()
    why = {
        "2022 Q3 BELL.txt": "The increase in inventories was primarily due to component purchases.",
        "2023 Q1 BELL.txt": "The increase in inventories was driven by slower sales of scales.",
    }
    for name, now in (("2022 Q3 BELL.txt", "5,433"), ("2023 Q1 BELL.txt", "6,820")):
        (docs / name).write_text(
            "Bell Instruments Inc. quarterly report. The company sells scales to shops.\n\n"
            "Current assets: Cash and cash equivalents — Period end: 20,535; Year start: 23,646"
            f"\nCurrent assets: Inventories — Period end: {now}; Year start: 4,946\n\n"
            f"{why[name]} Bell opened a shop in Harbin.\n\n"
            # another figure's cause, said once per period at most: the inventories' is best
            "Cash and cash equivalents decreased due to the purchase of a warehouse.\n",
            encoding="utf-8",
        )
    rag = build_rag(docs, tmp_path, embedder, reader)
    a = rag.ask("Bell inventory levels across these quarters and what's driving it")
    assert a.form == "comparison" and not a.abstained, a.why
    assert _quotes(a) == [
        ("2022 Q3 BELL.txt", "Period end: 5,433"),
        ("2022 Q3 BELL.txt", why["2022 Q3 BELL.txt"]),
        ("2023 Q1 BELL.txt", "Period end: 6,820"),
        ("2023 Q1 BELL.txt", why["2023 Q1 BELL.txt"]),
    ]
    assert [line.split(":")[0] for line in a.answer.splitlines()[:4]] == [
        "- Q3 2022",
        "- Q3 2022",
        "- Q1 2023",
        "- Q1 2023",
    ]


OPEX_INTRO = "Operating expenses for the quarter were as follows (in millions):"
OPEX_RD = "Operating expenses: Research and development — Q1 2023: $7,709; Q1 2022: $6,306"
OPEX_MKT = "Operating expenses: Marketing — Q1 2023: $1,250; Q1 2022: $1,100"
OPEX_EMPTY = "Operating expenses: Restructuring — Q1 2023: —; Q1 2022: $300"
OPEX_WHY = "Operating expenses grew because of higher headcount costs in research."
OPEX = (
    "Bell Instruments Inc. makes scales in Harbin. Its founder is Anna Bell.\n\n"
    f"{OPEX_INTRO}\n{OPEX_RD}\n{OPEX_MKT}\n{OPEX_EMPTY}\n\n{OPEX_WHY}\n"
)


@pytest.fixture
def opex_rag(tmp_path, embedder, reader):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "bell.txt").write_text(OPEX, encoding="utf-8")
    return build_rag(docs, tmp_path, embedder, reader)


def test_a_summary_says_neither_the_sentence_leading_into_a_table_nor_an_empty_row(opex_rag):
    """ "... were as follows (in millions):" only introduces the rows; the restructuring row
    has no figure for the current period (Q1 2023: —), so it answers nothing."""
    a = opex_rag.ask("Summarize Bell's operating expenses.")
    assert a.form == "summary" and not a.abstained
    assert _quotes(a) == [("bell.txt", OPEX_RD), ("bell.txt", OPEX_MKT), ("bell.txt", OPEX_WHY)]
    assert all(OPEX[c.start : c.end] == c.quote for c in a.citations)


def test_an_empty_cell_answers_none_with_its_row_never_another_figure(opex_rag):
    """The row asked prints "—" for Q1 2023: the filing reports none, said as such with that
    row cited (the dash's own characters), not a figure of another row or period."""
    a = opex_rag.ask("What were Bell's restructuring operating expenses in Q1 2023?")
    assert not a.abstained and a.answer.startswith("None (“—” in the filing) — ")
    assert [c.quote for c in a.citations] == [OPEX_EMPTY]
    dash = OPEX.index(OPEX_EMPTY) + OPEX_EMPTY.index("—; ")
    assert (a.short_answer.start, a.short_answer.end) == (dash, dash + 1)
    assert "$300" not in a.answer.split(" — ")[0]
    b = opex_rag.ask("What were Bell's restructuring operating expenses in Q1 2022?")
    assert b.short_answer.text == "$300"


def test_a_long_question_s_words_no_line_holds_do_not_sink_the_row_it_names(
    tmp_path, embedder, reader
):
    """ "supply chain efficiency" is in no sentence or row: the inventories row is scored on
    the question's words some candidate holds ("inventory") and said."""
    docs = tmp_path / "docs"
    docs.mkdir()
    row = "Current assets: Inventories — June 25, 2022: 5,433; September 25, 2021: 6,580"
    text = (
        "Bell Instruments Inc. makes scales in Harbin. Its founder is Anna Bell.\n\n"
        "Current assets: Cash and cash equivalents — June 25, 2022: 27,502; "
        f"September 25, 2021: 34,940\n{row}\nTotal current assets — June 25, 2022: 112,292; "
        "September 25, 2021: 134,836\n"
    )
    (docs / "bell.txt").write_text(text, encoding="utf-8")
    rag = build_rag(docs, tmp_path, embedder, reader)
    a = rag.ask("How did Bell's inventory levels reflect on their supply chain efficiency?")
    assert a.form == "summary" and not a.abstained
    assert _quotes(a) == [("bell.txt", row)]
    assert text[a.citations[0].start : a.citations[0].end] == row


def test_a_summary_row_is_embedded_by_its_label(tmp_path, embedder, reader):
    """The inventories row's whole line (dates, figures) is far from the question in meaning;
    its label is not: the row is said (scored on its whole line, the summary refused)."""
    docs = tmp_path / "docs"
    docs.mkdir()
    row = "Current assets: Inventories — June 25, 2022: 5,433; September 25, 2021: 6,580"
    text = (
        "Bell Instruments Inc. makes scales in Harbin. Its founder is Anna Bell.\n\n"
        "Bell ships its scales from one warehouse to shops across the region.\n"
        "Current assets: Cash and cash equivalents — June 25, 2022: 27,502; "
        f"September 25, 2021: 34,940\n{row}\nTotal current assets — June 25, 2022: 112,292; "
        "September 25, 2021: 134,836\n"
    )
    (docs / "bell.txt").write_text(text, encoding="utf-8")
    rag = build_rag(docs, tmp_path, embedder, reader)
    a = rag.ask("How do Bell's inventory levels reflect its logistics?")
    assert a.form == "summary" and not a.abstained, a.why
    assert _quotes(a) == [("bell.txt", row)]
    assert text[a.citations[0].start : a.citations[0].end] == row


SEGMENTS = (
    "Bell Instruments Inc. quarterly report.\n\n"
    "Income statement (in millions):\n\n"
    "Net sales — Q1 2023: 900; Q1 2022: 800\n"
    "Operating income — Q1 2023: 70; Q1 2022: 60\n"
    "Net income — Q1 2023: 50; Q1 2022: 45\n\n"
    "We have organized our operations into three segments: Scales, Meters, and Services. "
    "Each segment is run by its own general manager.\n\n"
    "Information on our reportable segments is as follows (in millions):\n\n"
    "Scales: Net sales — Q1 2023: 500; Q1 2022: 450\n"
    "Scales: Operating income — Q1 2023: 60; Q1 2022: 50\n"
    "Meters: Net sales — Q1 2023: 300; Q1 2022: 280\n"
    "Meters: Operating loss — Q1 2023: (5); Q1 2022: (2)\n"
    "Services: Net sales — Q1 2023: 100; Q1 2022: 70\n"
    "Services: Operating income — Q1 2023: 15; Q1 2022: 12\n"
    "Total non-operating income (expense) — Q1 2023: 3; Q1 2022: 1\n"
)


def test_a_list_by_segment_reads_every_segments_row_of_the_measure(segments_rag):
    """ "by segment" names how the list is divided, not a row: the segment table's rows of
    the measure are the items (a segment's "Operating loss" among them, the non-operating row
    not), not the sentence naming the segments nor the consolidated row."""
    rag = segments_rag
    a = rag.ask("What was operating income by segment in Q1 2023?")
    assert a.form == "list" and not a.abstained, a.why
    assert _labels(a) == [
        "Scales: Operating income",
        "Meters: Operating loss",
        "Services: Operating income",
    ]
    # the period asked: each row cited at its cell
    assert [c.quote for c in a.citations] == ["Q1 2023: 60", "Q1 2023: (5)", "Q1 2023: 15"]
    assert all(SEGMENTS[c.start : c.end] == c.quote for c in a.citations)
    b = rag.ask("What were Bell's net sales by segment?")
    assert [c.quote.split(" — ")[0] for c in b.citations] == [
        "Scales: Net sales",
        "Meters: Net sales",
        "Services: Net sales",
    ]


OFFERINGS = (
    "Bell Instruments Inc. quarterly report.\n\n"
    "Operating expenses (in millions):\n\n"
    "Operating expenses: Cost of sales — Q1 2023: 500; Q1 2022: 450\n"
    "Operating expenses: Sales and marketing — Q1 2023: 90; Q1 2022: 80\n"
    "Percent of net sales: Cost of sales — Q1 2023: 55%; Q1 2022: 56%\n"
    "Percent of net sales: Sales and marketing — Q1 2023: 10%; Q1 2022: 10%\n\n"
    "Net sales by groups of similar products and services (in millions):\n\n"
    "Net sales: Scales — Q1 2023: 500; Q1 2022: 450\n"
    "Net sales: Calibration services — Q1 2023: 300; Q1 2022: 280\n"
    "Net sales: Subscription services — Q1 2023: 100; Q1 2022: 70\n"
)


def test_a_breakdown_across_offerings_reads_the_sales_rows_not_the_costs_or_shares(
    tmp_path, embedder, reader
):
    """ "the revenue breakdown across its offerings" lists the net sales rows; "Cost of sales",
    "Sales and marketing" and the percent-of-sales rows share the word "sales" and had made
    the longer table win."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "bell.txt").write_text(OFFERINGS, encoding="utf-8")
    rag = build_rag(docs, tmp_path, embedder, reader)
    a = rag.ask("In Q1 2023, what was the revenue breakdown across Bell's various offerings?")
    assert a.form == "list" and not a.abstained, a.why
    assert _labels(a) == [
        "Net sales: Scales",
        "Net sales: Calibration services",
        "Net sales: Subscription services",
    ]


@pytest.fixture(scope="module")
def segments_rag(tmp_path_factory, embedder, reader):
    return rag_over(tmp_path_factory.mktemp("segments"), {"bell.txt": SEGMENTS}, embedder, reader)


def test_the_segment_with_the_highest_figure_is_named_after_every_segments_row(segments_rag):
    rag = segments_rag
    a = rag.ask("Which segment had the highest operating income in Q1 2023?")
    assert a.form == "list" and not a.abstained, a.why
    assert _labels(a) == [
        "Scales: Operating income",
        "Meters: Operating loss",
        "Services: Operating income",
    ]
    assert a.answer.splitlines()[-1] == "- Highest: Scales: Operating income, 60 [1]"
    b = rag.ask("Which segment had the lowest net sales in Q1 2023?")
    assert b.answer.splitlines()[-1] == "- Lowest: Services: Net sales, 100 [3]"
    # a place asked for by its superlative is a fact (a SQuAD test question)
    assert (
        classify("What is the region called that is the largest conurbation of the Rhine?")
        == "fact"
    )


def test_how_a_segment_performed_is_its_own_rows_at_the_period(segments_rag):
    """ "How did Amazon's AWS segment perform in Q2 2023?" had been refused: how a division
    did is its rows (net sales, operating income), read at the period asked."""
    rag = segments_rag
    a = rag.ask("How did Bell's Meters segment perform in Q1 2023?")
    assert a.form == "list" and not a.abstained, a.why
    assert _labels(a) == ["Meters: Net sales", "Meters: Operating loss"]
    assert "(5)" in a.answer and "(2)" not in a.answer  # Q1 2023's cells, not Q1 2022's
    b = rag.ask("How did the Scales segment do in Q1 2023?")
    assert _labels(b) == ["Scales: Net sales", "Scales: Operating income"]


def test_a_divisions_rows_are_read_from_the_first_document_that_has_them(
    tmp_path, embedder, reader
):
    """ "How did AWS do in Q1 2023?" names no company: each company's Q1 2023 filing was
    pointed to, Apple's first, and only the division's net sales were read (a fact)."""
    from rag.answer.row_lists import division_table
    from rag.text import stem

    other = "Acme Corp quarterly report.\n\nNet sales — Q1 2023: 40; Q1 2022: 35\n"
    files = {"2023 Q1 ACME.txt": other, "2023 Q1 BELL.txt": SEGMENTS}
    snap = rag_over(tmp_path, files, embedder, reader).store.current()
    rows = division_table(list(files), snap, {stem("meters")}, "in Q1 2023")
    assert [r.label for r in rows] == ["Meters: Net sales", "Meters: Operating loss"]
    assert division_table(["2023 Q1 ACME.txt"], snap, {stem("meters")}, "in Q1 2023") is None


def test_how_the_company_performed_is_its_statement_of_operations_at_the_period(segments_rag):
    """ "How did Amazon perform in Q3 2023?" had been refused: naming no division, how the
    company did is its income statement's revenue, operating income and net income rows, at
    the period asked (not a segment's rows, nor the non-operating row)."""
    rag = segments_rag
    a = rag.ask("How did Bell perform in Q1 2022?")
    assert a.form == "list" and not a.abstained, a.why
    assert _labels(a) == ["Net sales", "Operating income", "Net income"]
    assert [c.quote for c in a.citations] == ["Q1 2022: 800", "Q1 2022: 60", "Q1 2022: 45"]
    assert all(SEGMENTS[c.start : c.end] == c.quote for c in a.citations)
    b = rag.ask("What were Bell's financial results in Q1 2023?")
    assert [c.quote for c in b.citations] == ["Q1 2023: 900", "Q1 2023: 70", "Q1 2023: 50"]
    # a measure named after the verb is that measure's question, not the company's quarter
    c = rag.ask("How is Bell doing on operating income in Q1 2023?")
    assert c.form == "fact" and c.short_answer.text == "70", c.answer


def test_a_division_whose_name_opens_the_report_is_still_the_division_asked(
    tmp_path, embedder, reader
):
    """ "How did Amazon's North America segment do?" had read one row: "North", a word of
    the filing's opening, was taken for a name of the document and "America" alone named no
    division's rows."""
    bell = (
        "Bell Instruments Inc. quarterly report for Q1 2023. Bell sells in North America and "
        "Europe.\n\nInformation on our reportable segments is as follows (in millions):\n\n"
        "North America: Net sales — Q1 2023: 500; Q1 2022: 450\n"
        "North America: Operating income — Q1 2023: 60; Q1 2022: 50\n"
        "Europe: Net sales — Q1 2023: 300; Q1 2022: 280\n"
        "Europe: Operating income — Q1 2023: 20; Q1 2022: 25\n"
    )
    zeta = "Zeta Corp. quarterly report for Q1 2023.\n\nNet sales — Q1 2023: 90; Q1 2022: 80\n"
    rag = rag_over(tmp_path, {"2023 Q1 BELL.txt": bell, "2023 Q1 ZETA.txt": zeta}, embedder, reader)
    a = rag.ask("How did Bell's North America segment do in Q1 2023?")
    assert a.form == "list" and not a.abstained, a.why
    assert _labels(a) == ["North America: Net sales", "North America: Operating income"]


def test_a_summary_of_what_is_ahead_says_no_row_of_what_was(tmp_path, embedder, reader):
    """ "What did Apple say about its gross margin outlook?" had led with the gross margin rows
    of past quarters: a row prints what was, and an outlook is said in sentences."""
    ahead = "The Company believes gross margins will be subject to volatility and pressure."
    text = (
        "Bell Instruments Inc. quarterly report.\n\n"
        "Total gross margin — Q1 2023: $1,250; Q1 2022: $1,100\n"
        "Gross margin percentage — Q1 2023: 41%; Q1 2022: 40%\n\n"
        f"Gross margin increased due to cost savings. {ahead}\n"
    )
    rag = one_document(tmp_path, "2023 Q1 BELL.txt", text, embedder, reader)
    a = rag.ask("What did Bell say about its gross margin outlook?")
    assert not a.abstained, a.why
    quotes = [c.quote for c in a.citations]
    assert ahead in quotes and not any("—" in q for q in quotes), quotes
    # nor how a thing is done: "How does Amazon recognize revenue from AWS?" had listed rows
    b = rag.ask("How does Bell account for its gross margin?")
    assert not any("—" in c.quote for c in b.citations), b.answer


def test_a_companys_cash_flows_are_its_net_cash_rows_each_said_once(tmp_path, embedder, reader):
    """ "Summarize Amazon's cash flows in Q3 2023" had opened with "SUPPLEMENTAL CASH FLOW
    INFORMATION: Cash paid for interest ..." rows (the words "cash flow" in their group's
    name), and a row the filing prints in two tables was said twice."""
    q3 = "Three Months Ended September 30, 2023"
    year = "Twelve Months Ended September 30, 2023"
    kinds = (("operating", "21,217"), ("investing", "(11,753)"), ("financing", "(8,948)"))
    text = (
        "Bell Instruments Inc. quarterly report.\n\n"
        + "".join(f"Net cash provided by (used in) {k} activities — {q3}: {v}\n" for k, v in kinds)
        + f"SUPPLEMENTAL CASH FLOW INFORMATION: Cash paid for interest on debt — {q3}: 465\n"
        f"SUPPLEMENTAL CASH FLOW INFORMATION: Cash paid for income taxes — {q3}: 2,628\n\n"
        "We provide a reconciliation of free cash flow below.\n\n"
        f"Net cash provided by (used in) financing activities — {year}: (9,047)\n"
    )
    rag = one_document(tmp_path, "2023 Q3 BELL.txt", text, embedder, reader)
    a = rag.ask("Summarize Bell's cash flows in Q3 2023.")
    labels = [c.quote.split(" — ")[0] for c in a.citations if " — " in c.quote]
    for k, _ in kinds:
        assert labels.count(f"Net cash provided by (used in) {k} activities") == 1, labels
