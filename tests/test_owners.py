"""Questions about two or more parties the documents are told apart by (rag.answer.owners):
each party's own question, one cited line each, with the real reader and embedder."""

from __future__ import annotations

import pytest

from rag.answer.reading import ReaderGenerator
from tests.conftest import build_rag

FILINGS = {
    # name: (company, net income this quarter, a year before, net sales this quarter)
    "2023 Q3 BELL.txt": ("Bell Instruments", "19,881", "19,442", "81,797"),
    "2023 Q3 CEDAR.txt": ("Cedar Logistics", "9,879", "2,872", "143,083"),
    "2023 Q3 DUNE.txt": ("Dune Foundry", "1,473", "1,019", "14,158"),
}


@pytest.fixture(scope="module")
def filings(tmp_path_factory, embedder):
    tmp = tmp_path_factory.mktemp("owners")
    docs = tmp / "docs"
    docs.mkdir()
    for name, (company, now, before, sales) in FILINGS.items():
        (docs / name).write_text(
            f"{company} quarterly report for the quarterly period ended September 30, 2023.\n\n"
            "CONDENSED CONSOLIDATED STATEMENTS OF OPERATIONS\n\n"
            f"Total net sales — Three Months Ended September 30, 2023: {sales}\n"
            f"Net income — Three Months Ended September 30, 2023: {now}; Three Months Ended "
            f"September 30, 2022: {before}\n\n"
            f"{company} expects demand to hold up in the fourth quarter.",
            encoding="utf-8",
        )
    return build_rag(docs, tmp, embedder, ReaderGenerator("shipped"))


def test_two_parties_are_each_asked_their_own_question(filings):
    """Asked as one, retrieval was steered to neither company's filing, and the answer came
    from a third company's."""
    a = filings.ask("Compare Bell's and Cedar's net income in Q3 2023.")
    assert not a.abstained, a.why
    assert a.form == "comparison"
    assert a.answer.splitlines() == [
        "- Bell: Net income — Three Months Ended September 30, 2023: 19,881 [1]",
        "- Cedar: Net income — Three Months Ended September 30, 2023: 9,879 [2]",
    ]
    assert [c.doc for c in a.citations] == ["2023 Q3 BELL.txt", "2023 Q3 CEDAR.txt"]
    assert [c.quote for c in a.citations] == [
        "Three Months Ended September 30, 2023: 19,881",
        "Three Months Ended September 30, 2023: 9,879",
    ]


def test_which_of_two_parties_is_higher_is_said_with_its_line(filings):
    a = filings.ask("Which company had higher net sales in Q3 2023, Bell or Cedar?")
    assert not a.abstained, a.why
    assert a.answer.splitlines()[-1] == "- Higher: Cedar, 143,083 [2]"
    assert {c.doc for c in a.citations} == {"2023 Q3 BELL.txt", "2023 Q3 CEDAR.txt"}


def test_one_party_is_asked_as_before(filings):
    a = filings.ask("What was Dune's net income in Q3 2023?")
    assert a.short_answer.text == "1,473"
    assert a.form == "fact" and [c.doc for c in a.citations] == ["2023 Q3 DUNE.txt"]


def test_parties_none_of_whose_filings_answer_are_refused_with_each_reason(filings):
    a = filings.ask("Compare Bell's and Cedar's dividends per share in Q3 2023.")
    assert a.abstained and a.reason == "each_unanswered"
    assert a.why.startswith("Asked of each on its own, none was answered: Bell: ")
    assert "; Cedar: " in a.why and a.why.endswith(".") and ".;" not in a.why
