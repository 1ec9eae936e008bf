"""PDF tables as filers print them (issue 24): group names over rows, headers printed once over
several columns or beside the years, units and shares, rows resumed below a line of words,
labels wrapped above their figures, days and levels beside the figures. Each PDF is generated;
each test failed before its fix."""

from __future__ import annotations

from rag.ingest.formats import extract
from tests.test_pdf import _fpdf


def segment_table_pdf() -> bytes:
    """A segment note: the period headers, then each segment's name over its indented rows,
    the first name standing between the headers and the first row."""
    doc = _fpdf()
    doc.add_page()
    doc.cell(0, 7, "Information on reportable segments is as follows (in millions):")
    doc.ln(10)
    for x, head in ((110, "Q3 2022"), (150, "Q3 2023")):
        doc.set_x(x)
        doc.cell(30, 7, head, align="R")
    doc.ln(8)
    for segment, rows in [
        (
            "North America",
            [("Net sales", "78,843", "87,887"), ("Operating income", "412", "4,307")],
        ),
        ("Cloud", [("Net sales", "20,538", "23,059"), ("Operating income", "5,403", "6,976")]),
    ]:
        doc.set_x(10)
        doc.cell(80, 7, segment)
        doc.ln(8)
        for label, a, b in rows:
            doc.set_x(16)
            doc.cell(80, 7, label)
            for x, value in ((110, a), (150, b)):
                doc.set_x(x)
                doc.cell(30, 7, value, align="R")
            doc.ln(8)
    return bytes(doc.output())


def test_a_group_name_over_the_first_rows_keeps_the_tables_period_headers():
    """The name over the first rows ("North America") once hid the headers above it: the
    rows came out as bare numbers, and no question naming a period could read them."""
    blocks = extract("segments.pdf", segment_table_pdf()).text.split("\n\n")
    assert blocks[1:] == [
        "North America: Net sales — Q3 2022: 78,843; Q3 2023: 87,887",
        "North America: Operating income — Q3 2022: 412; Q3 2023: 4,307",
        "Cloud: Net sales — Q3 2022: 20,538; Q3 2023: 23,059",
        "Cloud: Operating income — Q3 2022: 5,403; Q3 2023: 6,976",
    ]


def spanning_header_pdf() -> bytes:
    """A filing's table: "Three Months Ended" and "September 30," printed once, right-aligned
    with the second of the two year columns, beside a percentage column headed in two lines."""
    doc = _fpdf()
    doc.add_page()
    doc.set_x(120)
    doc.cell(40, 6, "INCOME STATEMENTS")  # a title close over the headers, in a larger font
    doc.ln(6)
    doc.set_font("DejaVu", size=6)
    for heads in [("Three Months Ended", "Percentage"), ("September 30,", "Change")]:
        doc.set_x(115)
        doc.cell(50, 4, heads[0], align="R")  # ends where the 2022 column ends
        doc.set_x(170)
        doc.cell(25, 4, heads[1], align="R")
        doc.ln(4)
    for x, year in ((100, "2023"), (140, "2022")):
        doc.set_x(x)
        doc.cell(25, 4, year, align="R")
    doc.ln(6)
    doc.set_font("DejaVu", size=10)
    rows = [("Cloud revenue", "5,000", "4,000", "25%"), ("Devices", "900", "1,000", "(10)%")]
    for label, a, b, change in rows:
        doc.set_x(10)
        doc.cell(60, 6, label)
        for x, w, value in ((100, 25, a), (140, 25, b), (170, 25, change)):
            doc.set_x(x)
            doc.cell(w, 6, value, align="R")
        doc.ln(7)
    return bytes(doc.output())


def test_a_period_header_printed_once_heads_each_year_column_under_it():
    """ "Three Months Ended September 30," right-aligned with one year column once headed
    only that column: the other read "2023: 5,000", no longer a quarter. The title over the
    headers heads no column."""
    blocks = extract("cloud.pdf", spanning_header_pdf()).text.split("\n\n")
    assert blocks == [
        "INCOME STATEMENTS",
        "Cloud revenue — Three Months Ended September 30, 2023: 5,000; Three Months Ended "
        "September 30, 2022: 4,000; Percentage Change: 25%",
        "Devices — Three Months Ended September 30, 2023: 900; Three Months Ended September 30, "
        "2022: 1,000; Percentage Change: (10)%",
    ]


COLUMNS = (110, 140)  # the right edges (less 25 mm) of two number columns, as filings set them


def _line(
    doc, label: str, values=(), x0: float = 10, size: float = 10, h: float = 6, columns=COLUMNS
) -> None:
    """One printed table line: a label at `x0`, then the values right-aligned in the columns."""
    doc.set_font("DejaVu", size=size)
    if label:
        doc.set_x(x0)
        doc.cell(80, h, label)
    for x, value in zip(columns, values, strict=False):
        doc.set_x(x)
        doc.cell(25, h, value, align="R")
    doc.ln(h + 1)


def _statement(heads, lines) -> bytes:
    """A page of one table: header lines (label, cells) in a small font, then body lines
    (x0, label, values)."""
    doc = _fpdf()
    doc.add_page()
    for label, cells in heads:
        _line(doc, label, cells, size=7, h=5)
    for x0, label, values in lines:
        _line(doc, label, values, x0=x0)
    return bytes(doc.output())


def period_aside_pdf() -> bytes:
    """A filing's table whose period is printed in the label column, on the line of the
    years it heads ("Three Months Ended September 30,   2023   2022"), with abbreviated
    months nowhere else."""
    return _statement(
        [("(In millions) (Unaudited)", ()), ("Three Months Ended September 30,", ("2023", "2022"))],
        [(10, "Total revenue", ("56,517", "50,122")), (10, "Net income", ("22,291", "17,556"))],
    )


def test_a_period_printed_in_the_label_column_heads_the_years_on_its_line():
    """Microsoft's statements print "Three Months Ended September 30," left of "2023  2022":
    the rows read "2023: 56,517" and no question naming the quarter found the column."""
    blocks = extract("msft.pdf", period_aside_pdf()).text.split("\n\n")
    assert blocks == [
        "(In millions) (Unaudited)",
        "Total revenue — Three Months Ended September 30, 2023: 56,517; Three Months Ended "
        "September 30, 2022: 50,122",
        "Net income — Three Months Ended September 30, 2023: 22,291; Three Months Ended "
        "September 30, 2022: 17,556",
    ]


def flush_groups_pdf() -> bytes:
    """A segment table whose group names sit flush left with the rows they head: "Revenue"
    over the segments, then "Operating Income" over the same segments."""
    return _statement(
        [("", ("2022", "2021"))],
        [
            (10, "Revenue", ()),
            (10, "Intelligent Cloud", ("21,508", "18,262")),
            (14, "Total", ("52,747", "51,728")),
            (10, "Operating Income", ()),
            (10, "Intelligent Cloud", ("8,904", "8,323")),
            (14, "Total", ("20,399", "22,247")),
        ],
    )


def test_a_group_name_flush_with_its_rows_heads_them_until_their_total():
    """The second "Intelligent Cloud" row was read as revenue's twin: the group names stood
    on lines of their own and a question about operating income matched both rows alike."""
    blocks = extract("segments.pdf", flush_groups_pdf()).text.split("\n\n")
    assert blocks == [
        "Revenue: Intelligent Cloud — 2022: 21,508; 2021: 18,262",
        "Total — 2022: 52,747; 2021: 51,728",
        "Operating Income: Intelligent Cloud — 2022: 8,904; 2021: 8,323",
        "Total — 2022: 20,399; 2021: 22,247",
    ]


def cash_flows_pdf() -> bytes:
    """A cash flow statement: groups flush left, their items indented, the subtotal further
    in ("Net cash from operations"), then the next group."""
    return _statement(
        [("", ("2023", "2022"))],
        [
            (10, "Operations", ()),
            (10, "Net income", ("22,291", "17,556")),
            (10, "Adjustments to net income:", ()),
            (14, "Deferred income taxes", ("(568)", "(1,191)")),
            (14, "Changes in operating assets and liabilities:", ()),
            (18, "Inventories", ("(505)", "(543)")),
            (22, "Net cash from operations", ("30,583", "23,198")),
            (10, "Financing", ()),
            (10, "Repayments of debt", ("(1,500)", "(1,000)")),
        ],
    )


def test_a_net_cash_subtotal_carries_no_group_name_and_closes_its_group():
    """ "Net cash from operations" read "Adjustments to reconcile ...: Changes in operating
    assets and liabilities: Net cash from operations", and the next rows kept the names."""
    blocks = extract("cash.pdf", cash_flows_pdf()).text.split("\n\n")
    assert [b.split(" — ")[0] for b in blocks] == [
        "Operations: Net income",
        "Adjustments to net income: Deferred income taxes",
        "Adjustments to net income: Changes in operating assets and liabilities: Inventories",
        "Net cash from operations",
        "Financing: Repayments of debt",
    ]
    assert blocks[3] == "Net cash from operations — 2023: 30,583; 2022: 23,198"


def unit_over_column_pdf() -> bytes:
    """Nvidia's notes: the dates over the columns, then a group's name with "(In millions)"
    set over the first column on its line."""
    return _statement(
        [
            ("", ("October 29,", "January 29,")),
            ("", ("2023", "2023")),
            ("Other Assets:", ("(In millions)",)),
        ],
        [(10, "Prepaid royalties", ("369", "387")), (10, "Prepaid cloud services", ("60", "23"))],
    )


def test_a_unit_set_over_a_column_heads_no_column():
    """ "(In millions)" over the first column had joined its header ("October 29, 2023 (In
    millions): 369")."""
    rows = extract("nvda.pdf", unit_over_column_pdf()).text.split("\n\n")[-2:]
    assert rows == [
        "Prepaid royalties — October 29, 2023: 369; January 29, 2023: 387",
        "Prepaid cloud services — October 29, 2023: 60; January 29, 2023: 23",
    ]


def ratio_rows_pdf() -> bytes:
    """Apple's operating expenses: each expense's row, then its share of net sales."""
    return _statement(
        [("", ("2023", "2022"))],
        [
            (10, "Research and development", ("7,442", "6,797")),
            (10, "Percentage of total net sales", ("9%", "8%")),
            (10, "Selling, general and administrative", ("5,973", "6,012")),
            (10, "Percentage of total net sales", ("7%", "7%")),
        ],
    )


def test_a_share_row_says_whose_share_it_is():
    """ "Percentage of total net sales" under each expense read alike: "What were Services
    net sales as a percentage of total net sales?" was answered with research's 16%."""
    blocks = extract("opex.pdf", ratio_rows_pdf()).text.split("\n\n")
    assert [b.split(" — ")[0] for b in blocks] == [
        "Research and development",
        "Research and development: Percentage of total net sales",
        "Selling, general and administrative",
        "Selling, general and administrative: Percentage of total net sales",
    ]


def securities_pdf() -> bytes:
    """A note's table: its date printed once, centred over three columns, and a first row
    whose empty cell prints "$—"."""
    doc = _fpdf()
    doc.add_page()
    doc.set_font("DejaVu", size=8)
    doc.set_x(100)
    doc.cell(90, 5, "October 30, 2022", align="C")
    doc.ln(5)
    for x, head in ((100, "Cost"), (130, "Unrealized Loss"), (160, "Fair Value")):
        doc.set_x(x)
        doc.cell(30, 5, head, align="R")
    doc.ln(7)
    doc.set_font("DejaVu", size=10)
    for label, cells in [
        ("Corporate bonds", ("$4,221", "$—", "$4,202")),
        ("Treasury bills", ("4,176", "(60)", "4,117")),
    ]:
        doc.set_x(10)
        doc.cell(60, 6, label)
        for x, value in zip((100, 130, 160), cells, strict=True):
            doc.set_x(x)
            doc.cell(30, 6, value, align="R")
        doc.ln(7)
    return bytes(doc.output())


def test_a_date_centred_over_every_column_heads_each_and_a_dollar_dash_is_a_cell():
    """A row whose empty cell printed "$—" was read as prose, leaving the table without its
    headers; a date over the whole table headed only the column under it."""
    assert extract("notes.pdf", securities_pdf()).text.split("\n\n") == [
        "Corporate bonds — October 30, 2022 Cost: $4,221; October 30, 2022 Unrealized Loss: $—; "
        "October 30, 2022 Fair Value: $4,202",
        "Treasury bills — October 30, 2022 Cost: 4,176; October 30, 2022 Unrealized Loss: (60); "
        "October 30, 2022 Fair Value: 4,117",
    ]


def periods_over_pairs_pdf() -> bytes:
    """Intel's results: each quarter centred once over its "Amount" and "% of Net Revenue"."""
    doc = _fpdf()
    doc.add_page()
    cols = (80, 105, 130, 155)
    doc.set_font("DejaVu", size=7)
    for x, period in ((cols[0], "Q1 2023"), (cols[2], "Q1 2022")):
        doc.set_x(x)
        doc.cell(50, 5, period, align="C")
    doc.ln(6)
    _line(doc, "", ("Amount", "% of Net Revenue") * 2, size=7, h=5, columns=cols)
    _line(doc, "Net revenue", ("$11,715", "100.0%", "$18,353", "100.0%"), columns=cols)
    _line(doc, "Net income (loss)", ("(2,768)", "(23.6)%", "8,113", "44.2%"), columns=cols)
    return bytes(doc.output())


def test_periods_centred_over_pairs_of_columns_head_both_of_their_pair():
    """Intel's "Q1 2023  Q1 2022" over "Amount  % of Net Revenue" twice: the net loss had
    read "Q1 2023 % of Net Amount: (2,768)" and its share "Q1 2022 ...: (23.6)%"."""
    rows = extract("intc.pdf", periods_over_pairs_pdf()).text.split("\n\n")[-2:]
    assert rows == [
        "Net revenue — Q1 2023 Amount: $11,715; Q1 2023 % of Net Revenue: 100.0%; "
        "Q1 2022 Amount: $18,353; Q1 2022 % of Net Revenue: 100.0%",
        "Net income (loss) — Q1 2023 Amount: (2,768); Q1 2023 % of Net Revenue: (23.6)%; "
        "Q1 2022 Amount: 8,113; Q1 2022 % of Net Revenue: 44.2%",
    ]


def resumed_balance_sheet_pdf() -> bytes:
    """NVIDIA's balance sheet: its dates over the first rows, then a line of words and the
    equity rows below it under the same columns, the first of them all dashes."""
    return _statement(
        [("", ("October 29,", "January 29,")), ("", ("2023", "2023"))],
        [
            (10, "Total current liabilities", ("9,101", "6,563")),
            (10, "Total liabilities", ("20,883", "19,081")),
            (10, "Commitments and contingencies - see Note 13", ()),
            (10, "Shareholders' equity:", ()),
            (16, "Preferred stock", ("—", "—")),
            (16, "Retained earnings", ("20,360", "10,171")),
        ],
    )


def test_rows_resumed_below_a_line_of_words_keep_the_tables_dates():
    """The equity rows had lost their dates ("Retained earnings — 20,360; 10,171"): the line
    of words and the row of dashes above them had ended the table."""
    blocks = extract("nvda.pdf", resumed_balance_sheet_pdf()).text.split("\n\n")
    assert blocks[-2:] == [
        "Shareholders' equity: Preferred stock — October 29, 2023: —; January 29, 2023: —",
        "Shareholders' equity: Retained earnings — October 29, 2023: 20,360; "
        "January 29, 2023: 10,171",
    ]


def spans_over_runs_pdf() -> bytes:
    """NVIDIA's operating expenses: "Three Months Ended" centred over four columns (two
    dates, $ and % change), "Nine Months Ended" over the next four, and a label wrapped over
    three lines whose figures print on its last."""
    cols = (60, 82, 104, 126, 148, 170, 192, 214)
    doc = _fpdf()
    doc.add_page()
    doc.set_font("DejaVu", size=10)
    first = 25 - doc.get_string_width("$2,294")  # where the run's widest figures start
    doc.set_font("DejaVu", size=7)
    for x, span in ((cols[0], "Three Months Ended"), (cols[4], "Nine Months Ended")):
        doc.set_x(x + first)
        doc.cell(cols[3] - cols[0] + 25 - first, 5, span, align="C")  # centred over the run
    doc.ln(6)
    _line(doc, "", ("2023", "2022", "$ Change", "% Change") * 2, size=7, h=5, columns=cols)
    _line(doc, "Research and", columns=cols)
    _line(doc, "development", columns=cols)
    _line(
        doc,
        "expenses",
        ("$2,294", "$1,945", "$349", "18%", "$6,210", "$5,387", "$823", "15%"),
        columns=cols,
    )
    return bytes(doc.output())


def test_a_span_centred_over_its_run_of_columns_heads_each_and_a_wrapped_label_is_whole():
    """The row had read "expenses — $2,294; ..." with no header: the label's first lines
    stood between the headers and the figures, and each span headed only its nearest column."""
    rows = extract("nvda.pdf", spans_over_runs_pdf()).text.split("\n\n")
    assert rows[-1] == (
        "Research and development expenses — Three Months Ended 2023: $2,294; "
        "Three Months Ended 2022: $1,945; Three Months Ended $ Change: $349; "
        "Three Months Ended % Change: 18%; Nine Months Ended 2023: $6,210; "
        "Nine Months Ended 2022: $5,387; Nine Months Ended $ Change: $823; "
        "Nine Months Ended % Change: 15%"
    )


def fair_value_levels_pdf() -> bytes:
    """A fair-value note: each security's level printed between its label and its figures,
    a footnote's mark raised on a line of its own between the dates and the first row."""
    cols = (90, 130, 170)
    doc = _fpdf()
    doc.add_page()
    _line(doc, "", ("Pricing Category", "Oct 29, 2023", "Jan 29, 2023"), size=7, h=5, columns=cols)
    doc.set_font("DejaVu", size=6)
    doc.set_x(40)
    doc.cell(10, 3, "(a)")
    doc.ln(3)
    _line(doc, "Money market funds", ("Level 1", "$3,190", "$1,777"), columns=cols)
    _line(doc, "Corporate debt securities", ("Level 2", "6,918", "4,797"), columns=cols)
    return bytes(doc.output())


def test_a_level_beside_the_figures_keeps_the_row_and_a_footnote_mark_hides_no_header():
    rows = extract("fv.pdf", fair_value_levels_pdf()).text.split("\n\n")
    assert rows[-2:] == [
        "Money market funds — Pricing Category: Level 1; Oct 29, 2023: $3,190; "
        "Jan 29, 2023: $1,777",
        "Corporate debt securities — Pricing Category: Level 2; Oct 29, 2023: 6,918; "
        "Jan 29, 2023: 4,797",
    ]


def labels_between_headers_and_rows_pdf() -> bytes:
    """Microsoft's investments: the column headers, then the date and a long group name
    wrapped over two lines, over the rows."""
    cols = (100, 140, 180)
    doc = _fpdf()
    doc.add_page()
    _line(doc, "", ("Cost Basis", "Unrealized Losses", "Recorded Basis"), size=7, h=5, columns=cols)
    _line(doc, "September 30, 2023", columns=cols)
    _line(doc, "Changes in Fair Value Recorded in Other", columns=cols)
    _line(doc, "Comprehensive Income", x0=14, columns=cols)
    _line(doc, "Commercial paper", ("$3,008", "$0", "$3,008"), columns=cols)
    _line(doc, "U.S. government securities", ("56,210", "(4,147)", "52,065"), columns=cols)
    return bytes(doc.output())


def test_headers_above_a_date_and_a_long_group_name_still_head_the_rows():
    """The rows had read "Commercial paper — $3,008; $0; $3,008": the lines between the
    headers and the first row hid the headers."""
    rows = extract("msft.pdf", labels_between_headers_and_rows_pdf()).text.split("\n\n")
    assert rows[-2:] == [
        "Commercial paper — Cost Basis: $3,008; Unrealized Losses: $0; Recorded Basis: $3,008",
        "U.S. government securities — Cost Basis: 56,210; Unrealized Losses: (4,147); "
        "Recorded Basis: 52,065",
    ]


def dividends_pdf() -> bytes:
    """Microsoft's dividends: each declaration's day, then its record and payment days set
    left-aligned under their headers, then the figures; and its repurchases, each fiscal year
    printed once over its "Shares  Amount" pair, right-aligned with the amounts."""
    doc = _fpdf()
    doc.add_page()
    cols = (90, 115, 140, 165)
    _line(doc, "(In millions)", ("Shares", "Amount") * 2, size=7, h=5, columns=cols)
    _line(doc, "Fiscal Year", ("", "2023", "", "2022"), size=7, h=5, columns=cols)
    _line(doc, "First Quarter", ("17", "$4,600", "21", "$6,200"), columns=cols)
    _line(doc, "Second Quarter", ("20", "4,600", "20", "6,233"), columns=cols)
    doc.ln(8)
    doc.set_font("DejaVu", size=7)
    for x, head in ((10, "Declaration Date"), (60, "Record Date"), (100, "Payment Date")):
        doc.set_x(x)
        doc.cell(40, 5, head)
    for x, head in ((140, "Per Share"), (165, "Amount")):
        doc.set_x(x)
        doc.cell(25, 5, head, align="R")
    doc.ln(6)
    doc.set_font("DejaVu", size=10)
    for days, figures in [
        (("September 20, 2022", "November 17, 2022", "December 8, 2022"), ("$0.68", "$5,066")),
        (("November 29, 2022", "February 16, 2023", "March 9, 2023"), ("0.68", "5,059")),
    ]:
        for x, day in zip((10, 60, 100), days, strict=True):
            doc.set_x(x)
            doc.cell(40, 6, day)
        for x, figure in zip((140, 165), figures, strict=True):
            doc.set_x(x)
            doc.cell(25, 6, figure, align="R")
        doc.ln(7)
    return bytes(doc.output())


def test_days_beside_figures_keep_their_headers_and_a_year_over_a_pair_heads_both():
    """The dividends' rows were prose ("September 20, 2022 November 17, 2022 ..."), and the
    repurchased shares had no year ("Shares: 17; Amount 2023: $4,600")."""
    blocks = extract("msft.pdf", dividends_pdf()).text.split("\n\n")
    assert (
        "First Quarter — Shares 2023: 17; Amount 2023: $4,600; Shares 2022: 21; "
        "Amount 2022: $6,200" in blocks
    )
    assert blocks[-2:] == [
        "September 20, 2022 — Record Date: November 17, 2022; Payment Date: December 8, 2022; "
        "Per Share: $0.68; Amount: $5,066",
        "November 29, 2022 — Record Date: February 16, 2023; Payment Date: March 9, 2023; "
        "Per Share: 0.68; Amount: 5,059",
    ]


def abbreviation_label_pdf() -> bytes:
    """NVIDIA's unrealized losses: a label ending in "U.S." over its row's last word."""
    cols = (110, 150)
    doc = _fpdf()
    doc.add_page()
    _line(doc, "", ("Fair Value", "Unrealized Loss"), size=7, h=5, columns=cols)
    _line(doc, "Debt securities issued by the U.S.", columns=cols)
    _line(doc, "Treasury", ("$1,601", "$(11)"), columns=cols)
    _line(doc, "Corporate debt securities", ("945", "(4)"), columns=cols)
    return bytes(doc.output())


def test_a_label_ending_in_an_abbreviation_is_no_sentence_between_headers_and_rows():
    rows = extract("nvda.pdf", abbreviation_label_pdf()).text.split("\n\n")
    assert rows[-2:] == [
        "Treasury — Fair Value: $1,601; Unrealized Loss: $(11)",
        "Corporate debt securities — Fair Value: 945; Unrealized Loss: (4)",
    ]


def years_left_of_dollar_columns_pdf() -> bytes:
    """An investee's summary in a filing: the period once over both columns, each year centred
    over its column's "$" and figure, far left of where the figures end."""
    doc = _fpdf()
    doc.add_page()
    doc.cell(0, 7, "Summarized information of the investee is as follows (in millions):")
    doc.ln(9)
    doc.set_font("DejaVu", size=7)
    doc.set_x(120)
    doc.cell(60, 5, "Six Months Ended June 30,", align="C")
    doc.ln(5)
    for x, year in ((104, "2022"), (154, "2023")):
        doc.set_x(x)
        doc.cell(14, 5, year, align="C")
    doc.ln(6)
    doc.set_font("DejaVu", size=9)
    rows = (("Revenues", "459", "1,782"), ("Gross profit", "(1,206)", "(947)"))
    for label, a, b in (*rows, ("Net loss", "(3,305)", "(2,544)")):
        doc.set_x(10)
        doc.cell(60, 5, label)
        for x, value in ((100, a), (150, b)):
            if label == "Revenues":
                doc.set_x(x)
                doc.cell(4, 5, "$")
            doc.set_x(x + 10)
            doc.cell(22, 5, value, align="R")
        doc.ln(6)
    return bytes(doc.output())


def test_years_centred_left_of_their_figures_head_their_columns():
    """The years, two points past the reach a header has over its column, were left out as
    words of their own ("2022 2023"), and both columns read "Six Months Ended June 30,"."""
    assert extract("investee.pdf", years_left_of_dollar_columns_pdf()).text.split("\n\n")[1:] == [
        "Revenues — Six Months Ended June 30, 2022: $459; Six Months Ended June 30, 2023: $1,782",
        "Gross profit — Six Months Ended June 30, 2022: (1,206); "
        "Six Months Ended June 30, 2023: (947)",
        "Net loss — Six Months Ended June 30, 2022: (3,305); Six Months Ended June 30, 2023: (2,544)",
    ]
