"""How well a table row's reading fits a question beyond its label's words
(rag.answer.row_fit.discounted): a balance asked on a day is a balance, a note's copy of a
statement's row gives way to the statement's, a row is not of what its figure leaves out, and
a row saying the counterpart of the question's qualifier never answers it."""

from __future__ import annotations

import pytest

from rag.answer.reading import ReaderGenerator
from rag.ingest.chunk import Chunk
from tests.conftest import build_rag
from tests.test_tables import _chunk, _fact, _lookup


def test_a_balance_asked_on_a_day_is_read_from_a_balance_not_a_flow():
    """ "What was the total of Apple's commercial paper as of July 1, 2023?" had read "Total
    proceeds from/(repayments of) commercial paper, net" over the nine months ended that day:
    a balance on a day is a balance sheet's row; the flow still answers a flow."""
    rows = (
        "Total proceeds from/(repayments of) commercial paper, net — Nine Months Ended July 1, "
        "2023: $(5,971); Nine Months Ended June 25, 2022: $4,970",
        "Current liabilities: Commercial paper — July 1, 2023: 3,993; September 24, 2022: 9,982",
    )
    balance = "Current liabilities: Commercial paper"
    assert _fact("What was the total of its commercial paper as of July 1, 2023?", *rows) == balance
    flow = "Total proceeds from/(repayments of) commercial paper, net"
    assert _fact("What were the total proceeds from commercial paper in 2023?", *rows) == flow


def test_what_was_spent_over_months_is_read_from_a_flow_not_a_balance():
    """ "How much did Apple spend on property, plant and equipment in the first nine months of
    2023?" had read the balance sheet's "Total property, plant and equipment, net"."""
    rows = (
        "Total property, plant and equipment, net — July 1, 2023: $43,550; September 24, 2022: "
        "$42,117",
        "Investing activities: Payments for acquisition of property, plant and equipment — Nine "
        "Months Ended July 1, 2023: (8,796); Nine Months Ended June 25, 2022: (7,419)",
    )
    q = "How much did it spend on property, plant and equipment in the first nine months of 2023?"
    assert _fact(q, *rows).endswith("Payments for acquisition of property, plant and equipment")
    # what it held is a balance, whatever the months said with it
    held = "What was its total property, plant and equipment in the first nine months of 2023?"
    assert _fact(held, *rows) == "Total property, plant and equipment, net"


def test_what_was_spent_over_a_quarter_is_read_from_a_flow_and_not_an_expense_row():
    """ "How much did Amazon spend on property and equipment in Q3 2023?" had read the balance
    sheet's "Property and equipment, net" (a quarter named no duration), and "How much did
    Apple spend on share buybacks?" an "Other expense, net" row ("spend" is an expense's word:
    the thing spent on names the row)."""
    rows = (
        "Property and equipment, net — December 31, 2022: 186,715; September 30, 2023: 196,468",
        "INVESTING ACTIVITIES: Purchases of property and equipment — Three Months Ended "
        "September 30, 2022: (16,378); Three Months Ended September 30, 2023: (12,479)",
        "Other expense, net — Three Months Ended September 30, 2023: (292); Three Months Ended "
        "September 30, 2022: (1,234)",
        "Financing activities: Repurchases of common stock — Three Months Ended September 30, "
        "2023: (18,140); Three Months Ended September 30, 2022: (21,702)",
    )
    q = "How much did it spend on property and equipment in Q3 2023?"
    assert _fact(q, *rows) == "INVESTING ACTIVITIES: Purchases of property and equipment"
    q = "How much did it spend on share buybacks in Q3 2023?"
    assert _fact(q, *rows) == "Financing activities: Repurchases of common stock"


def test_a_balance_at_the_end_of_a_quarter_is_read_from_a_balance():
    """ "How much commercial paper did Apple have outstanding at the end of Q1 2023?" had read
    the cash-flow statement's repayments over the quarter: "at the end of Q1" names a day."""
    rows = (
        "Total repayments of commercial paper, net — Three Months Ended December 31, 2022: "
        "$(8,214); Three Months Ended December 25, 2021: $(1,000)",
        "Current liabilities: Commercial paper — December 31, 2022: 1,743; September 24, 2022: "
        "9,982",
    )
    q = "How much commercial paper did it have at the end of Q1 2023?"
    assert _fact(q, *rows) == "Current liabilities: Commercial paper"
    flow = "Total repayments of commercial paper, net"
    assert _fact("How much commercial paper did it repay in Q1 2023?", *rows) == flow


def test_a_notes_copy_of_a_statements_row_gives_way_to_the_statements():
    """ "How much did Amazon put into research and development?" had read the stock-based
    compensation note's bare "Technology and content" (2,574), Apple's the segment note's
    "Research and development expense — ...: (7,457)": of one item, the primary statement's
    row answers; a note's row of an item no statement prints still does."""

    def chunk(i: int, text: str, heading: str) -> Chunk:
        context = f"a.txt | § PART I › {heading} | page {i}"
        return Chunk(f"a.txt::{i}", "a.txt", 1000 * i, 1000 * i + len(text), text, (), context)

    chunks = [
        chunk(
            1,
            "Operating expenses: Technology and content — Three Months Ended March 31, 2023: "
            "20,450\nOperating expenses: Fulfillment — Three Months Ended March 31, 2023: 20,905",
            "CONSOLIDATED STATEMENTS OF OPERATIONS",
        ),
        chunk(
            2,
            "Technology and content — Three Months Ended March 31, 2023: 2,574\n"
            "Stock award grants — Three Months Ended March 31, 2023: 218",
            "Note 6 — STOCKHOLDERS’ EQUITY › Stock Award Activity",
        ),
    ]
    out = _lookup("fact", "What was technology and content in Q1 2023?", {"a.txt": chunks})
    assert out.short_answer.text == "20,450"
    out = _lookup("fact", "How many stock award grants were there in Q1 2023?", {"a.txt": chunks})
    assert out.short_answer.text == "218"


def test_a_word_only_in_what_a_figure_leaves_out_does_not_name_its_row():
    """ "How much did Apple pay in income taxes?" had read "Income before provision for income
    taxes", the first of two rows sharing every word: that row is an income; the taxes are
    what it leaves out. Asked with "before", it answers."""
    rows = (
        "Income before provision for income taxes — Three Months Ended July 1, 2023: 22,733",
        "Provision for income taxes — Three Months Ended July 1, 2023: 2,852",
    )
    assert _fact("How much did it pay in income taxes in Q3 2023?", *rows) == rows[1].split(" —")[0]
    before = _fact("What was its income before taxes in Q3 2023?", *rows)
    assert before == rows[0].split(" —")[0]


def test_a_span_in_a_label_that_holds_what_is_asked_answers_nothing():
    """ "What does Amazon's other operating expense include?" had been answered "net", a word
    of the row's label: a label holding every word the question names its measure by repeats
    what is asked; a label naming more ("Net sales: Greater China") may answer "which"."""
    from types import SimpleNamespace

    from rag.answer.row_fit import label_only

    text = (
        "Operating expenses: Other operating expense (income), net — Q1 2023: 223\n"
        "Net sales: Greater China — Q1 2023: 23,905"
    )

    def cand(word: str, text: str = text):
        at = text.index(f" {word}") + 1
        span = SimpleNamespace(start=at, end=at + len(word), text=word)
        return SimpleNamespace(
            reread=False,
            span=span,
            passage=SimpleNamespace(chunk=Chunk("a::0", "a", 0, len(text), text)),
        )

    assert label_only("What does Amazon's other operating expense include?", cand("net"))
    assert not label_only("What does Amazon's other operating expense include?", cand("223"))
    assert not label_only(
        "Which segment had net sales of 23,905 in Q1 2023?", cand("Greater China")
    )
    # a figure the label states may be what is asked ("What is the par value of ...?")
    par = "Common stock, $0.00001 par value: 50,400,000 shares authorized — April 1, 2023: 69,568"
    assert not label_only("What is the par value of Apple's common stock?", cand("$0.00001", par))


def test_a_quarter_is_read_from_the_row_of_the_same_item_with_a_quarters_column():
    """ "Did Apple report any share repurchase activities in its Q3 2023 10-Q?" had read the
    cash-flow statement's nine months: its group's "activities" outscored the equity
    statement's row of the same item, which prints the quarter. With no such row, the nine
    months still answer."""
    flow = (
        "Financing activities: Repurchases of common stock — Nine Months Ended July 1, 2023: "
        "(56,547); Nine Months Ended June 25, 2022: (64,974)"
    )
    equity = (
        "Retained earnings/(Accumulated deficit): Common stock repurchased — Three Months "
        "Ended July 1, 2023: (18,140); Three Months Ended June 25, 2022: (21,700); Nine Months "
        "Ended July 1, 2023: (56,119); Nine Months Ended June 25, 2022: (65,200)"
    )
    question = "What common stock repurchase activities were there in Q3 2023?"
    assert _fact(question, flow, equity).endswith(": Common stock repurchased")
    assert _fact(question, flow) == "Financing activities: Repurchases of common stock"


def test_a_count_of_shares_is_not_read_from_what_they_cost():
    """ "How many shares of Apple stock were repurchased during the nine months ended July 1,
    2023?" had read the cash-flow row "Repurchases of common stock" (56,547, millions of
    dollars): no table row counts shares here, and the reader reads "365 million shares"."""
    cost = "Repurchases of common stock — Nine Months Ended July 1, 2023: (56,547)"
    count = "Shares of common stock repurchased — Nine Months Ended July 1, 2023: (365,000)"
    question = "How many shares of common stock were repurchased in the nine months?"
    assert _fact(question, cost) == ""
    assert _fact(question, cost, count) == "Shares of common stock repurchased"
    assert _fact("How much common stock was repurchased in the nine months?", cost) != ""


def test_the_total_amount_of_a_balance_is_its_row():
    """ "What was the total amount of Apple's deferred revenue as of July 1, 2023?" had read a
    sentence of revenue recognized ($7.0 billion): "total amount" named no row's words."""
    deferred = (
        "Current liabilities: Deferred revenue — July 1, 2023: 8,158; September 24, 2022: 7,912"
    )
    sales = "Total net sales — Three Months Ended July 1, 2023: 81,797"
    question = "What was the total amount of deferred revenue as of July 1, 2023?"
    assert _fact(question, deferred, sales) == "Current liabilities: Deferred revenue"


@pytest.fixture(scope="module")
def reader():
    return ReaderGenerator("shipped")


def test_no_row_of_the_counterpart_or_a_flow_answers_for_a_balance(tmp_path, embedder, reader):
    """ "What was Amazon's short-term debt at the end of Q3 2023?" had read "Long-term debt"
    (the reader) and then the quarter's proceeds (the table stage): Amazon prints no such
    balance, so it is refused; the long-term balance and the proceeds still answer theirs."""
    long_term = "Long-term debt — December 31, 2022: 67,150; September 30, 2023: 61,098"
    proceeds = (
        "Proceeds from short-term debt — Three Months Ended September 30, 2022: 12,338; "
        "Three Months Ended September 30, 2023: 216"
    )
    chunks = {"2023 Q3 BELL.txt": [_chunk(f"{long_term}\n\n{proceeds}", "2023 Q3 BELL.txt")]}
    asked = "What was short-term debt at the end of Q3 2023?"
    assert _lookup("fact", asked, chunks) is None
    q = "What was long-term debt at the end of Q3 2023?"
    assert _lookup("fact", q, chunks).short_answer.text == "61,098"
    q = "What were the proceeds from short-term debt in Q3 2023?"
    assert _lookup("fact", q, chunks).short_answer.text == "216"
    current = "Current liabilities: Deferred revenue — July 1, 2023: 8,158"
    one = {"2023 Q3 BELL.txt": [_chunk(current, "2023 Q3 BELL.txt")]}
    assert _lookup("fact", "What was deferred revenue, non-current, at July 1, 2023?", one) is None
    assert _lookup("fact", "What was current deferred revenue at July 1, 2023?", one) is not None
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "2023 Q3 BELL.txt").write_text(f"{long_term}\n\n{proceeds}", encoding="utf-8")
    a = build_rag(docs, tmp_path, embedder, reader).ask(
        "What was Bell's short-term debt at the end of Q3 2023?"
    )
    assert a.abstained, a.answer
