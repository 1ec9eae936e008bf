"""The words of questions and the words statements print (rag.answer.vocabulary): which of a
question's words a table row's label must hold."""

from __future__ import annotations

from rag.answer.reading import ReaderGenerator
from rag.answer.vocabulary import question_terms
from rag.text import stem
from tests.test_tables import _fact


def test_the_words_a_row_label_must_hold():
    assert question_terms("What was Apple's R&D in Q1 2023?", {"apple"}) == {"resear", "develo"}
    # the second question after a figure's, what drives it, a verb of how it came about and
    # where it is told name no row
    assert question_terms(
        "How much cash did operations generate according to the 10-Q, and where did it go?", set()
    ) == {"cash", "operat"}
    assert question_terms("opex trend across the quarters and what's driving it", set()) == {
        "operat",
        "expens",
    }
    # what a figure's move might mean is said in prose, of no row
    assert question_terms(
        "How have Apple's inventory levels changed across these quarters and what might this "
        "indicate about their supply chain management?",
        {"apple"},
    ) == {"invent"}
    # a figure asked whether it moved: the verb names no row, "the net increase" does
    assert question_terms("Did Amazon's net income increase in Q3 2023?", {"amazon"}) == {
        "net",
        "income",
    }
    assert "increa" in question_terms("What was the net increase in cash in Q3 2023?", set())
    # how a figure is set against others ("measure up against") names no row, nor the move
    # between two quarters named, nor the verb before what was spent on
    assert question_terms(
        "How does Apple's research and development in the latest quarter measure up against "
        "earlier quarters?",
        {"apple"},
    ) == {"resear", "develo"}
    assert question_terms("Bell's revenue growth from Q2 2023 to Q3 2023?", {"bell"}) == {"revenu"}
    assert question_terms("How much did Bell spend on share buybacks?", {"bell"}) == {"repurc"}


def test_how_a_figure_came_about_and_a_second_question_name_no_row():
    """ "generate" shares its six-letter stem with "General and administrative", and "where was
    that spending focused" names no row: neither may choose the row or sink the right one."""
    rows = (
        "Operating expenses: General and administrative — Three Months Ended September 30, "
        "2022: 3,061",
        "Cash provided by (used in): Operating activities — Three Months Ended September 30, "
        "2022: 11,404",
        "Research and development — Three Months Ended September 30, 2022: 7,709",
    )
    asked = "How much cash did its operations generate in Q3 2022?"
    assert _fact(asked, *rows) == "Cash provided by (used in): Operating activities"
    assert _fact(f"{asked[:-1]} according to the Q3 2022 10-Q?", *rows) == (
        "Cash provided by (used in): Operating activities"
    )
    assert (
        _fact(
            "How much did it invest in research and development in Q3 2022, and where was that "
            "spending focused?",
            *rows,
        )
        == "Research and development"
    )
    assert _fact("research and development in Q3 2022 and what's driving it", *rows) == (
        "Research and development"
    )


def test_what_a_segment_lost_reads_its_operating_loss_row():
    """ "How much did Amazon's international segment lose?" had read a sentence on exchange
    rates: "lose" is a loss, and a segment's rows say its name, not the word "segment"."""
    rows = (
        "International: Net sales — Three Months Ended September 30, 2022: $27,720",
        "International: Operating income (loss) — Three Months Ended September 30, 2022: $(2,466)",
        "Net loss — Three Months Ended September 30, 2022: $(2,900)",
    )
    q = "How much did the international segment lose in Q3 2022?"
    assert _fact(q, *rows) == "International: Operating income (loss)"
    # "layoffs" are what filings call severance for role eliminations
    rows = (
        "Other operating expense (income), net — Three Months Ended March 31, 2023: 223",
        "Severance costs for planned role eliminations — Three Months Ended March 31, 2023: 470",
    )
    assert _fact("How much were the layoffs in Q1 2023?", *rows) == rows[1].split(" — ")[0]


def test_what_a_company_earned_per_share_reads_its_earnings_per_share_row():
    rows = (
        "Net income — Three Months Ended April 1, 2023: $24,160",
        "Diluted earnings per share — Three Months Ended April 1, 2023: $1.52",
    )
    assert _fact("How much did it earn per share in Q2 2023?", *rows) == rows[1].split(" — ")[0]


def test_what_a_balance_sheet_holds_reads_its_row():
    """ "hold" named no row: "How much inventory did Amazon hold?" was refused."""
    rows = (
        "Changes in operating assets and liabilities: Inventories — Six Months Ended June 30, "
        "2023: (2,373)",
        "Current assets: Inventories — June 30, 2023: 36,587",
    )
    assert _fact("How much inventory did it hold as of June 30, 2023?", *rows) == (
        "Current assets: Inventories"
    )


def test_the_change_in_cash_reads_the_increase_or_decrease_row_not_the_balance():
    """ "What was the change in Apple's cash and cash equivalents during the first nine months
    of 2023?" had read the balance sheet's $28,408: the statement prints the change as
    "Increase/(Decrease) in cash"; the balance still answers what the cash was."""
    rows = (
        "Current assets: Cash and cash equivalents — July 1, 2023: $28,408; September 24, "
        "2022: $23,646",
        "Increase/(Decrease) in cash, cash equivalents and restricted cash — Nine Months Ended "
        "July 1, 2023: 4,921; Nine Months Ended June 25, 2022: (7,068)",
    )
    q = "What was the change in Nordvik's cash and cash equivalents during the first nine months?"
    assert _fact(q, *rows).startswith("Increase/(Decrease) in cash")
    q = "What were its cash and cash equivalents as of July 1, 2023?"
    assert _fact(q, *rows) == "Current assets: Cash and cash equivalents"
    from rag.answer.vocabulary import expand, with_expansions

    for q in ("changes in Apple's cash flows", "changes in Apple's cash flow from operations"):
        assert "decrease" not in with_expansions(q) and "decrease" not in expand(q), q


def test_current_assets_are_a_balance_sheets_group_not_the_current_period():
    """ "What were Apple's total current assets as of April 1, 2023?" had read "Total assets"
    (332,160): "current" was taken for the current period and dropped."""
    rows = (
        "Total current assets — April 1, 2023: 112,913; September 24, 2022: 135,405",
        "Total assets — April 1, 2023: 332,160; September 24, 2022: 352,755",
    )
    q = "What were its total current assets as of April 1, 2023?"
    assert _fact(q, *rows) == "Total current assets"
    assert _fact("What were its total assets as of April 1, 2023?", *rows) == "Total assets"


def test_long_term_debt_reads_what_is_due_after_a_year():
    """ "Apple's long-term debt" had read "Current liabilities: Term debt" (9,740 of 109,367):
    Apple prints the long-term part as "Non-current liabilities: Term debt", Amazon as
    "Long-term debt"."""
    q = "What was the long-term debt as of December 31, 2022?"
    apple = (
        "Current liabilities: Term debt — December 31, 2022: 9,740",
        "Non-current liabilities: Term debt — December 31, 2022: 99,627",
    )
    assert _fact(q, *apple) == "Non-current liabilities: Term debt"
    amazon = (
        "Long-term lease liabilities — December 31, 2022: 72,968",
        "Long-term debt — December 31, 2022: 67,150",
    )
    assert _fact(q, *amazon) == "Long-term debt"


def test_what_was_paid_made_or_brought_in_reads_its_row():
    """ "How much tax did Apple pay?" and "How much money did Apple make?" were refused: no row
    says "pay" or "money"; "bring in" read a sentence on a change in sales. What is paid is an
    expense, a payment or a provision, never income."""
    rows = (
        "Interest income — Three Months Ended September 30, 2023: 776",
        "Interest expense — Three Months Ended September 30, 2023: (806)",
        "Provision for income taxes — Three Months Ended September 30, 2023: $2,306",
        "Net income — Three Months Ended September 30, 2023: $9,879",
        "Total net sales — Three Months Ended September 30, 2023: 143,083",
    )
    label = {r.split(" — ")[0]: r.split(" — ")[0] for r in rows}
    assert _fact("How much interest did it pay in Q3 2023?", *rows) == label["Interest expense"]
    assert (
        _fact("How much tax did it pay in Q3 2023?", *rows) == (label["Provision for income taxes"])
    )
    assert _fact("How much money did it make in Q3 2023?", *rows) == label["Net income"]
    assert _fact("How much did it bring in during Q3 2023?", *rows) == label["Total net sales"]
    # a profit, unqualified, is the bottom line, not interest income
    assert _fact("How much profit has it made in Q3 2023?", *rows) == label["Net income"]
    # what it made or earned with no thing named, or lost ("How much money did Amazon lose?"
    # had read a money market fund's losses column)
    for q in (
        "How much did Bell make in Q3 2023?",
        "How much did Bell earn in Q3 2023?",
        "How much money did Bell lose in Q3 2023?",
    ):
        assert _fact(q, *rows, "Money market funds — Unrealized Losses: —") == label["Net income"]
    # ... but interest earned is interest income
    assert _fact("How much interest did Bell earn in Q3 2023?", *rows) == label["Interest income"]


def test_what_was_spent_on_share_repurchases_reads_the_repurchases_row():
    """ "What did Apple spend on share repurchases?" had read "Share-based compensation
    expense": "share" and "spend" (an expense) both held by it. Share or stock repurchases
    are a buyback: the statement's repurchases row."""
    rows = (
        "Share-based compensation expense — Nine Months Ended July 1, 2023: $8,208",
        "Financing activities: Repurchases of common stock — Nine Months Ended July 1, 2023: (56,547)",
        "Total net sales — Nine Months Ended July 1, 2023: 293,787",
    )
    repurchases = "Financing activities: Repurchases of common stock"
    assert _fact("What did it spend on share repurchases in the nine months?", *rows) == repurchases
    assert _fact("How much did it spend on stock repurchases in 2023?", *rows) == repurchases


def test_the_words_asking_how_a_figure_moved_name_no_row():
    """ "What movements have Amazon's inventory levels shown during these quarters?" had read
    the cash flow's "Changes in operating assets and liabilities: Inventories" in two filings
    (and sentences in the others): the noun asked for and what the figures "show" are how
    they moved, not a row's words; "moved" asks it too."""
    from rag.answer.forms import classify

    asked = "What movements have Acme's inventory levels shown during these quarters?"
    assert question_terms(asked, {"acme"}) == {stem("inventory")}
    assert question_terms("What changes have Acme's operating expenses shown?", {"acme"}) == {
        stem("operating"),
        stem("expenses"),
    }
    assert classify("How have Acme's inventory levels moved over the quarters?") == "comparison"
    # nor do the words setting it against other periods ("Amazon R&D latest quarter vs
    # earlier ones" had read sentences: no row held "vs" and "earlier")
    assert question_terms("Acme R&D latest quarter vs earlier ones", {"acme"}) == {
        stem("research"),
        stem("development"),
    }


def test_a_name_spelled_out_reads_the_rows_of_the_acronym_the_filing_prints(tmp_path, make_rag):
    """ "What was Amazon's operating income for Amazon Web Services in Q3 2023?" had read
    North America's operating expenses: the filing says "AWS" in its rows and discussion, and
    the spelled-out name only in a subsidiary's legal name."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "2023 Q1 ZETA.txt").write_text(
        "Zeta Corp quarterly report for Q1 2023\n\n"
        "North America: Operating expenses — Three Months Ended March 31, 2023: 79,255\n\n"
        "North America: Operating income — Three Months Ended March 31, 2023: 898\n\n"
        "ZCS: Operating income — Three Months Ended March 31, 2023: 5,403\n\n"
        "ZCS sales increased 12% on customer usage. ZCS segment margins rose.\n\n"
        "A complaint was filed against Zeta Cloud Services, Inc. in Texas.",
        encoding="utf-8",
    )
    rag = make_rag(docs, ReaderGenerator("shipped"))
    a = rag.ask("What was the operating income for Zeta Cloud Services in Q1 2023?")
    assert not a.abstained, a.why
    assert a.citations[0].quote.startswith("ZCS: Operating income"), a.answer
    assert a.short_answer.text == "5,403", a.answer
