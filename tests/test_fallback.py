"""A fact question the reader declines, answered as a summary of the same passages when one is
supported (`Pipeline._fallback`), with the real reader and embedder over a tiny document."""

from __future__ import annotations

import pytest

from rag.answer.forms import classify, explained
from rag.answer.reading import ReaderGenerator
from rag.web.api import ask_result
from tests.conftest import build_rag

ORCHARD = (
    "Orchard Company quarterly report.\n\n"
    "The orchard sold 400 crates of apples in the autumn. Apple sales rose compared with last "
    "year, driven mainly by new grocery customers in the city. The barn roof was replaced in "
    "June.\n\n"
    "The company repurchased its own shares during the quarter under the program the board "
    "approved in March. Visitors came to the orchard in spring. The weather was dry for most of "
    "the season."
)
BUYBACK = (
    "Did the company report any share repurchase activities, and if so, what was the scale of "
    "these buybacks?"
)
SENTENCE = (
    "The company repurchased its own shares during the quarter under the program the board "
    "approved in March."
)


@pytest.fixture(scope="module")
def reader():
    return ReaderGenerator("shipped")


# A report known by a period (its file name names one): the fallback's default ("dated") answers
# only among such reports.
NAME = "Orchard report Q3 2023.txt"


def _rag(tmp_path, embedder, reader, name=NAME, **settings):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / name).write_text(ORCHARD, encoding="utf-8")
    return build_rag(docs, tmp_path, embedder, reader, **settings)


def test_explained_shapes():
    assert explained(BUYBACK) and classify(BUYBACK) == "fact"
    assert explained("What was the primary driver behind the change in net income?")
    assert explained("What do the inventory levels suggest about logistics?")
    assert not explained("Who is the chief executive of the company?")
    assert not explained("What was the gross margin in Q3 2023?")


def test_a_declined_yes_no_question_is_answered_by_its_cited_sentence(tmp_path, embedder, reader):
    rag = _rag(tmp_path, embedder, reader)
    a = rag.ask(BUYBACK)
    assert not a.abstained and a.form == "summary"
    assert [c.quote for c in a.citations] == [SENTENCE]
    start = ORCHARD.index(SENTENCE)
    c = a.citations[0]
    assert (c.doc, c.start, c.end) == (NAME, start, start + len(SENTENCE))
    assert a.answer == f"{SENTENCE} [1]"
    assert a.to_dict()["form"] == "summary" and ask_result(a)["form"] == "summary"


def test_without_the_fallback_the_same_question_is_refused(tmp_path, embedder, reader):
    rag = _rag(tmp_path, embedder, reader, fact_fallback="off")
    a = rag.ask(BUYBACK)
    assert a.abstained and a.reason == "not_confident" and a.form == "fact"


def test_an_undated_document_falls_back_only_when_told(tmp_path, embedder, reader):
    rag = _rag(tmp_path, embedder, reader, name="orchard.txt")
    a = rag.ask(BUYBACK)
    assert a.abstained and a.reason == "not_confident" and a.form == "fact"
    rag.settings = rag.settings.replace(fact_fallback="shaped")
    a = rag.ask(BUYBACK)
    assert not a.abstained and a.form == "summary"
    assert [c.quote for c in a.citations] == [SENTENCE]


@pytest.mark.parametrize(
    "question",
    [
        "Did the company report any acquisitions of other businesses, and what did they cost?",
        "Does the company report any new debt or borrowings?",
    ],
)
def test_an_unanswerable_question_stays_refused_with_its_reason(
    tmp_path, embedder, reader, question
):
    rag = _rag(tmp_path, embedder, reader)
    a = rag.ask(question)
    assert a.abstained and a.reason == "not_confident"
    assert a.citations == [] and a.form == "fact"
    assert (
        a.why
        == "The passages closest to the question touch on it, but none of them states the answer."
    )


def test_a_period_named_only_by_the_file_name_is_mentioned(tmp_path, embedder, reader):
    """ "Q3" is in "Orchard report Q3 2023.txt", not in its text, and BM25 indexes the text only:
    a refusal must not say "The documents never mention Q3." when asked about Q3 2023."""
    rag = _rag(tmp_path, embedder, reader)
    assert (
        rag.scope.unmentioned("Did Orchard Company sell crates of pears in its Q3 2023 report?")
        == []
    )
    assert rag.scope.unmentioned("Did Snowflake sell crates in Q3?") == ["Snowflake"]
