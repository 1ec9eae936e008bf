"""What a name is (rag.answer.definitions): said by an apposition, a copula or a defined term's
full name, quoted char-exact; the reader had taken any span of a sentence naming it."""

from __future__ import annotations

import pytest

from rag.answer.reading import ReaderGenerator
from tests.conftest import rag_over

FILES = {
    "call.txt": (
        "Customers are building internal dashboards and customer-facing applications on "
        "Streamline.\n\n"
        "Turning to Streamline, our platform for building data applications. More than 10,000 "
        "developers have built applications with it.\n\n"
        "Polar is a managed service for streaming data, and it grew fastest this quarter."
    ),
    "filing.txt": (
        "On March 17, 2022, we acquired MGM Holdings Inc. (“MGM”), for cash consideration of "
        "approximately $6.1 billion.\n\nMGM content is available to members."
    ),
}


@pytest.fixture(scope="module")
def rag(tmp_path_factory, embedder):
    base = tmp_path_factory.mktemp("definitions")
    return rag_over(base, FILES, embedder, ReaderGenerator("shipped"))


@pytest.mark.parametrize(
    ("question", "short", "quote"),
    [
        (
            "What is Streamline?",
            "our platform for building data applications",
            "Turning to Streamline, our platform for building data applications.",
        ),
        (
            "What is Polar?",
            "a managed service for streaming data",
            "Polar is a managed service for streaming data, and it grew fastest this quarter.",
        ),
        (
            "What is MGM?",
            "MGM Holdings Inc.",
            "On March 17, 2022, we acquired MGM Holdings Inc. (“MGM”), for cash consideration "
            "of approximately $6.1 billion.",
        ),
    ],
)
def test_what_a_name_is(rag, question, short, quote):
    a = rag.ask(question)
    assert a.short_answer.text == short, a.answer
    c = a.citations[0]
    assert c.quote == quote
    assert a.short_answer.start >= c.start and a.short_answer.end <= c.end


def test_what_a_name_is_is_said_in_a_sentence_not_read_off_its_row(embedder, tmp_path):
    # "What is AWS?" had been answered "21,354", the segment's net sales
    files = {
        "2023 Q1 Shopco.txt": (
            "Shopco reports two segments.\n\n"
            "The AWS segment consists of amounts earned from global sales of compute, storage "
            "and database services for start-ups, enterprises and government agencies.\n\n"
            "NET SALES BY SEGMENT\n\n"
            "Net sales: AWS — Three Months Ended March 31, 2022: 18,441; Three Months Ended "
            "March 31, 2023: 21,354\n\n"
            "Net sales: North America — Three Months Ended March 31, 2022: 69,244; Three "
            "Months Ended March 31, 2023: 76,881\n"
        )
    }
    rag = rag_over(tmp_path, files, embedder, ReaderGenerator("shipped"))
    a = rag.ask("What is AWS?")
    assert a.citations[0].quote.startswith("The AWS segment consists of amounts earned")
    # a figure's own name is still read off its row
    b = rag.ask("What is AWS net sales in Q1 2023?")
    assert b.short_answer.text == "21,354", b.answer
