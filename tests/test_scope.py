"""What one question searches (rag.scope): names of several words only other documents hold."""

import pytest

from rag.answer.phrases import name_runs, unheld_runs
from rag.answer.reading import ReaderGenerator
from rag.retrieve import rare_phrases
from tests.conftest import rag_over


def _report(co: str, period: str, body: str) -> str:
    cover = f"<p>Quarterly report of {co} for {period}. {co} {period} quarterly report, signed.</p>"
    return (
        f"<html><head><title>{co} {period} report</title></head><body>{cover}{body}</body></html>"
    )


ACME = (
    "<p>Services revenue rose on subscriptions and advertising across digital content.</p>"
    "<p>New rules on markets and data may add costs to our products over time.</p>"
)
ZETA = (
    "<p>Cloud revenue rose on larger contracts with enterprise customers.</p>"
    "<p>The EU has been developing new requirements, including in the Digital Markets Act, "
    "that add rules on the use of data in our products.</p>"
)


@pytest.fixture(scope="module")
def two_companies(tmp_path_factory, embedder):
    files = {
        "2022 Q1 ACME.html": _report("Acme", "Q1 2022", ACME),
        "2023 Q1 ACME.html": _report("Acme", "Q1 2023", ACME),
        "2023 Q1 ZETA.html": _report("Zeta", "Q1 2023", ZETA),
    }
    base = tmp_path_factory.mktemp("scope")
    reader = ReaderGenerator("shipped")
    return rag_over(base, files, embedder, reader, chunk_tokens=40, chunk_overlap_tokens=0)


def test_a_name_of_several_words_only_another_company_holds_is_refused(two_companies):
    # "What did Apple say about the Digital Markets Act?" had summarized a Services sentence
    # of Apple's: each word is in Apple's filings, the name only in Microsoft's.
    a = two_companies.ask("What did Acme say about the Digital Markets Act?")
    assert a.abstained and a.reason == "missing_names_in", (a.answer, a.why)
    assert a.why == (
        "The documents asked about never mention Digital Markets Act "
        "(2022 Q1 ACME.html, 2023 Q1 ACME.html)."
    )
    assert not a.citations
    # asked as a fact the reader declines, the refusal says why
    b = two_companies.ask("Did Acme mention the Digital Markets Act in its reports?")
    assert b.abstained and b.reason == "missing_names_in", (b.answer, b.why)


def test_the_company_that_names_it_is_answered_from_the_sentence_naming_it(two_companies):
    a = two_companies.ask("What did Zeta say about the Digital Markets Act?")
    assert not a.abstained, a.why
    assert [c.doc for c in a.citations] == ["2023 Q1 ZETA.html"]
    assert "including in the Digital Markets Act" in a.citations[0].quote


def test_a_name_of_several_words_is_rare_when_each_document_says_it_seldom(two_companies):
    snap = two_companies.store.current()
    found = rare_phrases("What did Zeta say about the Digital Markets Act?", snap)
    assert list(found) == ["Digital Markets Act"]
    assert [snap.chunk(k).doc for k in found["Digital Markets Act"]] == ["2023 Q1 ZETA.html"]
    # every report's cover says it: no rarer than any other word
    assert rare_phrases("What did Acme say in its Quarterly Report?", snap) == {}


def test_title_case_questions_share_a_pair_of_words_with_the_documents():
    runs = name_runs("What Were Acme's Total Net Sales in Q1 2023?", frozenset({"acme"}))
    assert runs == [["Total", "Net"]]  # "Sales" says what kind of figure, not which
    assert unheld_runs(runs, "total net sales — three months ended") == []
    assert unheld_runs(runs, "revenue rose") == ["Total Net"]
    # a name the documents write as one word ("Datacenter and AI"), its kind left out
    runs = name_runs("How did Intel's Data Center Group revenue change?", frozenset({"intel"}))
    assert runs == [["Data", "Center"]]
    assert unheld_runs(runs, "datacenter and ai revenue") == []


def test_a_title_cased_question_is_read_in_the_documents_own_case(two_companies):
    # "What Did Apple Say About The European Commission State Aid Decision?" had been refused
    # as "The documents never mention Say.": title case capitalises every word.
    from rag.questions import in_sentence_case

    snap = two_companies.store.current()
    assert (
        in_sentence_case(snap, "What Did Zeta Say About The Digital Markets Act And Snowflake?")
        == "What did Zeta say about the Digital Markets Act and Snowflake?"
    )
    a = two_companies.ask("What Did Zeta Say About The Digital Markets Act?")
    assert not a.abstained, a.why
    assert "including in the Digital Markets Act" in a.citations[0].quote
    # what only the other company's reports name is still refused
    b = two_companies.ask("What Did Acme Say About The Digital Markets Act?")
    assert b.abstained and b.reason == "missing_names_in", (b.answer, b.why)
