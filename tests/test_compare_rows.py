"""A comparison read from table rows (rag.answer.tables): the same item in each filing, the
cell of one duration across them."""

from tests.test_tables import _chunk, _lookup


def test_a_comparison_reads_the_row_saying_the_questions_words_in_order():
    """ "How has Amazon's net income changed?" compared "Other income (expense), net" across
    the filings: of equal rows a comparison, like a fact, takes "Net income (loss)"."""
    rows = (
        "Other income (expense), net — Three Months Ended {d}: {a}\n"
        "Net income (loss) — Three Months Ended {d}: {b}"
    )
    q2 = _chunk(rows.format(d="June 30, 2023", a="61", b="$6,750"), "2023 Q2 AMZN.txt")
    q3 = _chunk(rows.format(d="September 30, 2023", a="1,031", b="$9,879"), "2023 Q3 AMZN.txt")
    chunks = {"2023 Q2 AMZN.txt": [q2], "2023 Q3 AMZN.txt": [q3]}
    out = _lookup(
        "comparison",
        "How much did net income change between Q2 2023 and Q3 2023?",
        chunks,
        ["2023 Q3 AMZN.txt", "2023 Q2 AMZN.txt"],
    )
    assert [s[0].split(" — ")[0] for s in out.supports] == ["Net income (loss)"] * 2
    assert out.labels == ["Q2 2023", "Q3 2023"]


def test_a_comparison_over_a_year_reads_each_filings_quarter_not_its_year_to_date():
    """ "How did AWS net sales change over 2023?" read the 2023 filings' year to date (three,
    six and nine months) and computed +211.7% from Q1's three months to Q3's nine."""
    q1 = _chunk("AWS: Net sales — Three Months Ended March 31, 2023: $21,354", "2023 Q1 AMZN.txt")
    q3 = _chunk(
        "AWS: Net sales — Three Months Ended September 30, 2023: $23,059; Nine Months Ended "
        "September 30, 2023: $66,553",
        "2023 Q3 AMZN.txt",
    )
    chunks = {"2023 Q1 AMZN.txt": [q1], "2023 Q3 AMZN.txt": [q3]}
    out = _lookup("comparison", "How did AWS net sales change over 2023?", chunks)
    assert [s[0].split(" — ", 1)[1] for s in out.supports] == [
        "Three Months Ended March 31, 2023: $21,354",
        "Three Months Ended September 30, 2023: $23,059",
    ]
    # the year to date, asked, is still read
    out = _lookup("comparison", "How did AWS net sales change year to date in 2023?", chunks)
    assert out.supports[-1][0].endswith("Nine Months Ended September 30, 2023: $66,553")


def test_a_comparison_reads_the_same_item_from_another_table_where_a_filing_lacks_the_row():
    """Apple's inventories over four filings showed three: "Total inventories" (a note of the
    2023 filings) is "Current assets: Inventories" in the 2022 filing, which has no such note."""
    old = _chunk(
        "Current assets: Inventories — June 25, 2022: 5,433; September 25, 2021: 6,580\n"
        "Operating activities: Inventories — Nine Months Ended June 25, 2022: 1,484",
        "2022 Q3 AAPL.txt",
    )
    new = _chunk(
        "Total inventories — July 1, 2023: $7,351; September 24, 2022: $4,946\n"
        "Current assets: Inventories — July 1, 2023: 7,351; September 24, 2022: 4,946",
        "2023 Q3 AAPL.txt",
    )
    newer = _chunk("Total inventories — December 30, 2023: $6,511", "2024 Q1 AAPL.txt")
    chunks = {d.doc: [d] for d in (old, new, newer)}
    out = _lookup("comparison", "How have the inventories changed?", chunks)
    assert [s[0].split(" — ")[0] for s in out.supports] == [
        "Current assets: Inventories",
        "Total inventories",
        "Total inventories",
    ]
    assert out.labels == ["Q3 2022", "Q3 2023", "Q1 2024"]
