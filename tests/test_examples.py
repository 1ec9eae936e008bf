"""Example questions for the first page (rag.examples)."""

from __future__ import annotations

import pytest

from rag import RAG, Settings
from rag.examples import (
    Candidate,
    answers_match,
    candidates_from_sentence,
    example_candidates,
    example_questions,
    lemma,
    readable,
)


def _made(sentence: str, proper=frozenset()) -> list[tuple[str, str, str]]:
    return [
        (c.family, c.question, c.answer)
        for c in candidates_from_sentence(sentence, "d.txt", 0, set(proper))
        if readable(c)
    ]


def test_when_and_where_from_a_passive_sentence():
    s = "On June 15, the 2nd Chinese-Russian Forum of Interregional Cooperation was held in Harbin."
    q = "the 2nd Chinese-Russian Forum of Interregional Cooperation held?"
    assert _made(s) == [
        ("when_where", f"When was {q}", "June 15"),
        ("when_where", f"Where was {q}", "Harbin"),
    ]


def test_dated_action_asks_when_and_who():
    s = (
        'In January 2007 the Russian government laid out the "Far East Program", and in the '
        "following three months made a great deal of progress."
    )
    assert _made(s) == [
        (
            "dated",
            'When did the Russian government lay out the "Far East Program"?',
            "January 2007",
        ),
        (
            "who",
            'Who laid out the "Far East Program" in January 2007?',
            "the Russian government",
        ),
    ]


def test_measure_and_number_questions():
    s = "Exports from China to Russia amounted to 24 billion US dollars, an increase of 47%."
    assert _made(s) == [
        ("measure", "How much did exports from China to Russia amount to?", "24 billion US dollars")
    ]
    s = "Within the program more than 200 projects have been specified including: the upgrading."
    assert _made(s) == [
        ("how_many", "How many projects have been specified within the program?", "more than 200")
    ]


def test_passive_with_agent_asks_who():
    s = "In turn, the Khabarovsk Territory was recently visited by the secretary of the Party."
    assert _made(s, {"Khabarovsk"}) == [
        ("who", "Who visited the Khabarovsk Territory?", "the secretary of the Party")
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "It was held in Harbin on June 15.",  # the subject points elsewhere
        "The group proclaimed itself a caliphate in 2014.",  # which group?
        "Spring is a time of opportunity.",  # a copula: nothing to ask
        "Leave a Reply",
    ],
)
def test_sentences_that_make_no_question(sentence):
    assert _made(sentence) == []


def test_words():
    assert [lemma(v) for v in ("laid", "ratified", "approved", "exceeded", "visited")] == [
        "lay",
        "ratify",
        "approve",
        "exceed",
        "visit",
    ]
    assert lemma("outlined") is None  # "outline" or "outlin"? no guess
    assert not readable(Candidate("Who led it in 1989?", "x", "d", "who", 0))
    assert not readable(Candidate("Who wrote his book?", "x", "d", "who", 0))
    assert readable(Candidate("When did the Union deploy its army?", "1979", "d", "dated", 0))
    assert answers_match("Robert Gates", "U.S. Defense Secretary Robert Gates")
    assert not answers_match("China", "the secretary of the Committee of China")


@pytest.fixture
def reader_rag(seeds_dir, tmp_path, embedder) -> RAG:
    s = Settings(
        documents_dir=seeds_dir,
        index_dir=tmp_path / "index",
        cache_dir=tmp_path / "cache",
        generator="reader",
    )
    rag = RAG(s, embedder=embedder)
    rag.refresh()
    return rag


@pytest.mark.slow
def test_examples_are_answered_from_their_documents(reader_rag, monkeypatch):
    rag = reader_rag
    chosen = example_candidates(rag)
    assert len(chosen) == 3
    assert len({c.doc for c in chosen}) == 3  # different documents
    for c in chosen:
        a = rag.ask(c.question)
        assert not a.abstained, c.question
        assert a.citations and a.citations[0].doc == c.doc
        assert a.short_answer is not None and a.short_answer.doc == c.doc
        assert answers_match(a.short_answer.text, c.answer)
        quote = a.citations[0].quote
        assert c.answer.split()[-1] in quote  # the cited sentence holds the answer

    # Remembered for this index generation: nothing is asked again.
    def no_ask(*args, **kwargs):
        raise AssertionError("asked again")

    monkeypatch.setattr(rag, "ask", no_ask)
    assert example_questions(rag) == [c.question for c in chosen]
    monkeypatch.undo()

    # A new generation (a document added) is worked out afresh.
    (rag.settings.documents_dir / "fair.txt").write_text(
        "The thirteenth culture fair was held in Heihe in 2023.", encoding="utf-8"
    )
    rag.refresh()
    asked = []
    real = rag.ask
    monkeypatch.setattr(rag, "ask", lambda q, *a, **k: asked.append(q) or real(q, *a, **k))
    again = example_questions(rag)
    assert asked and len(again) == 3
