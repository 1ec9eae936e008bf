"""Which division of a figure moved (rag.answer.movers): every division's row with its quarter
and the same quarter a year before, then the rows that moved as asked, computed from both."""

import pytest

from rag.answer.reading import ReaderGenerator
from tests.conftest import rag_over

NOW, BEFORE = "Three Months Ended July 1, 2023", "Three Months Ended June 25, 2022"
ROWS = {"Lamps": ("500", "400"), "Dials": ("300", "330"), "Bells": ("120", "100")}


@pytest.fixture(scope="module")
def categories(tmp_path_factory, embedder):
    lines = [
        f"Net sales by category: {name} — {NOW}: {now}; {BEFORE}: {before}"
        for name, (now, before) in ROWS.items()
    ]
    lines.append(f"Total net sales — {NOW}: 920; {BEFORE}: 830")
    text = "Bell Instruments Inc. quarterly report.\n\n" + "\n\n".join(lines)
    base = tmp_path_factory.mktemp("movers")
    return rag_over(base, {"2023 Q3 BELL.txt": text}, embedder, ReaderGenerator("shipped"))


def test_which_divisions_declined_lists_each_row_and_the_ones_that_fell(categories):
    # "Which of Apple's product categories declined in Q3 2023?" had quoted a sentence on
    # channel inventory: every category's row now, each quoting both quarters
    a = categories.ask("Which of Bell's product categories declined in Q3 2023?")
    assert a.form == "list" and not a.abstained, a.why
    assert [c.quote for c in a.citations] == [
        f"{NOW}: {now}; {BEFORE}: {before}" for now, before in ROWS.values()
    ]
    assert a.answer.splitlines()[-1] == (
        "- Declined on the same quarter a year before: Dials -9.1% [2]"
    )


def test_which_division_grew_fastest_is_the_largest_rise_in_percent(categories):
    # Lamps +25.0% beats Bells +20.0%, though the total (+10.8%) is no division
    a = categories.ask("Which Bell product category grew fastest in Q3 2023?")
    assert a.answer.splitlines()[-1] == (
        "- Grew fastest: Lamps, +25.0% on the same quarter a year before, computed from [1]"
    )


def test_which_divisions_lost_money_reads_each_ones_operating_income(tmp_path, embedder):
    """ "Which of Amazon's segments lost money?" had listed the sentences describing the
    segments: a division's loss is its operating income below zero, so each division's row
    at the quarter asked, then those with a loss (the consolidated row is no division)."""
    rows = {
        "North America: Operating income (loss)": "$(412)",
        "International: Operating income (loss)": "$(2,466)",
        "AWS: Operating income": "$5,403",
        "Consolidated: Operating income": "2,525",
    }
    text = (
        "Bell Instruments Inc. quarterly report.\n\nWe have organized our operations into "
        "three segments: North America, International, and AWS.\n\nSegment information\n\n"
        + "\n".join(f"{k} — Three Months Ended September 30, 2022: {v}" for k, v in rows.items())
    )
    rag = rag_over(tmp_path, {"2022 Q3 BELL.txt": text}, embedder, ReaderGenerator("shipped"))
    a = rag.ask("Which of Bell's segments lost money in Q3 2022?")
    assert a.form == "list" and not a.abstained, a.why
    assert [c.quote for c in a.citations] == [
        f"Three Months Ended September 30, 2022: {v}" for v in rows.values()
    ]
    assert a.answer.splitlines()[-1] == (
        "- Operating loss: North America $(412) [1]; International $(2,466) [2]"
    )
    b = rag.ask("Which of Bell's segments were profitable in Q3 2022?")
    assert b.answer.splitlines()[-1] == "- Operating income: AWS $5,403 [3]"


def test_which_division_sold_the_most_is_the_highest_net_sales(categories):
    """ "Which Apple product category sold the most?" had been read as a fact and answered with
    one category's row (iPad's): it asks which had the highest net sales."""
    a = categories.ask("Which Bell product category sold the most in Q3 2023?")
    assert a.form == "list" and not a.abstained, a.why
    assert a.answer.splitlines()[-1] == "- Highest: Net sales by category: Lamps, 500 [1]"
