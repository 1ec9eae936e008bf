"""Earnings-call transcripts, the real documents issue 24 began with: several calls of one
company known by their quarter, speaker turns, analysts' questions, roles written out."""

from __future__ import annotations

import pytest

from rag.answer.reading import ReaderGenerator
from tests.conftest import build_rag


def call(quarter: str, revenue: str, growth: str, customers: str, feature: str) -> str:
    return (
        f"Glacier Data Inc. {quarter} Earnings Call Transcript\n\n"
        "Operator\n\n"
        f"Good afternoon and welcome to the Glacier Data {quarter} earnings conference call. "
        "Today's call is being recorded.\n\n"
        "Maria Lind, Founder\n\n"
        f"Thank you. Product revenue for the quarter was ${revenue} million, representing "
        f"{growth} year-over-year growth. "
        f"We now have {customers} total customers.\n\n"
        "Tom Berg, Chief Financial Officer\n\n"
        "Operating margin improved as we gained efficiencies in our cloud hosting costs.\n\n"
        "Keith Moss, Boreal Securities\n\n"
        "Can you talk about consumption patterns in your largest customers?\n\n"
        "Maria Lind, Founder\n\n"
        "Consumption remained healthy in our largest accounts.\n\n"
        "Operator\n\n"
        "Are there any further questions?\n\n"
        "Ana Ruiz, Fjord Capital\n\n"
        "What are your conclusions on Snowpark adoption so far?\n\n"
        "Maria Lind, Founder\n\n"
        f"{feature} Adoption of Snowpark is ahead of our plan.\n"
    )


@pytest.fixture(scope="module")
def calls(tmp_path_factory, embedder):
    base = tmp_path_factory.mktemp("calls")
    docs = base / "docs"
    docs.mkdir()
    (docs / "Glacier Data Q1 FY2023 Earnings Call.txt").write_text(
        call("Q1 FY2023", "394.4", "85%", "6,322", "Snowpark for Python entered private preview."),
        encoding="utf-8",
    )
    (docs / "Glacier Data Q3 FY2022 Earnings Call.txt").write_text(
        call("Q3 FY2022", "334.4", "110%", "5,944", "Snowpark reached public preview."),
        encoding="utf-8",
    )
    (docs / "Glacier Data Q3 FY2023 Earnings Call.txt").write_text(
        call(
            "Q3 FY2023", "522.8", "67%", "7,292", "Snowpark for Python became generally available."
        ),
        encoding="utf-8",
    )
    # a document known by no period beside them: the calls are still look-alike reports
    (docs / "notes.txt").write_text("Notes on the ferry timetable for the summer.\n")
    return build_rag(docs, base, embedder, ReaderGenerator("shipped"))


def test_an_acronym_the_calls_only_spell_out_is_read_as_they_spell_it(calls):
    a = calls.ask("Who is the CFO of Glacier Data?")
    assert not a.abstained, a.why
    assert a.short_answer.text == "Tom Berg"
    assert "Chief Financial Officer" in a.citations[0].quote
    assert a.query == "Who is the Chief Financial Officer of Glacier Data?"
    assert a.question == "Who is the CFO of Glacier Data?"


def test_a_quarter_asked_without_fy_is_the_fiscal_quarter_its_call_names(calls):
    # the calls say "Q1 FY2023": "Q1 2023" is that quarter, not a year no document mentions
    a = calls.ask("How many customers did Glacier Data have in Q1 2023?")
    assert not a.abstained, a.why
    assert a.short_answer.text == "6,322"
    assert calls.ask("How many customers did Glacier Data have in Q1 2021?").why == (
        "The documents never mention 2021."
    )


def test_the_quarter_named_is_the_only_call_read(calls):
    a = calls.ask("How many customers did Glacier Data have in Q1 FY2023?")
    assert a.short_answer.text == "6,322"
    # the Q1 call is one passage: no passage of the Q3 call joins it, to be read
    assert {p.chunk.doc for p in a.passages} == {"Glacier Data Q1 FY2023 Earnings Call.txt"}


def test_a_summary_cites_what_was_said_not_the_analysts_question(calls):
    a = calls.ask("Summarize the conclusions on Snowpark.")
    assert a.form == "summary" and not a.abstained, a.why
    quotes = [c.quote for c in a.citations]
    assert quotes and all("Snowpark" in q and not q.endswith("?") for q in quotes)
    assert "Adoption of Snowpark is ahead of our plan." in quotes


def test_how_much_it_grew_is_the_growth_not_the_level(calls):
    a = calls.ask("How much did product revenue grow in Q1 FY2023?")
    assert a.short_answer.text == "85%"
    assert a.citations[0].quote.startswith("Product revenue for the quarter was $394.4 million")
    level = calls.ask("How much product revenue did Glacier Data report for Q3 FY2023?")
    assert level.short_answer.text == "$522.8 million"


def test_a_comparison_between_two_quarters_reads_those_two_only(calls):
    a = calls.ask("What is the difference in customers between Q3 FY2022 and Q3 FY2023?")
    assert a.form == "comparison" and not a.abstained, a.why
    assert [c.doc for c in a.citations] == [
        "Glacier Data Q3 FY2022 Earnings Call.txt",
        "Glacier Data Q3 FY2023 Earnings Call.txt",
    ]
    lines = a.answer.splitlines()
    assert [line.split(":")[0] for line in lines] == ["- Q3 2022", "- Q3 2023", "- Change"]
    # the quarters' names are not what is compared: the operator's welcome naming them is no line
    assert all("total customers" in c.quote for c in a.citations)
    # the difference asked for, as arithmetic on the two cited figures
    assert lines[-1] == "- Change: from 5,944 to 7,292, +1,348 (+22.7%), computed from [1] and [2]"


def test_how_much_a_figure_grew_between_two_quarters_is_computed_from_both(calls):
    a = calls.ask("How much did product revenue grow from Q1 FY2023 to Q3 FY2023?")
    assert a.form == "comparison" and not a.abstained, a.why
    assert [c.quote.split(",")[0] for c in a.citations] == [
        "Product revenue for the quarter was $394.4 million",
        "Product revenue for the quarter was $522.8 million",
    ]
    assert a.answer.splitlines()[-1] == (
        "- Change: from $394.4 million to $522.8 million, +$128.4 million (+32.6%), "
        "computed from [1] and [2]"
    )
    # how it changed, not by how much: the lines alone
    b = calls.ask("How has product revenue changed between Q1 FY2023 and Q3 FY2023?")
    assert b.form == "comparison" and "Change:" not in b.answer


def test_what_an_officer_said_is_answered_with_what_was_said(calls):
    a = calls.ask("What did the CFO say about operating margin?")
    assert a.form == "summary" and not a.abstained, a.why
    assert {c.quote for c in a.citations} == {
        "Operating margin improved as we gained efficiencies in our cloud hosting costs."
    }


def test_what_analysts_asked_is_the_list_of_the_calls_questions(calls):
    """The analysts' questions are no answer to anything else, and share no word with "What
    did analysts ask ...?": asked for, they are the list, in the order asked, the operator's
    "Are there any further questions?" left out; a topic keeps those naming it."""
    q3 = "Glacier Data Q3 FY2023 Earnings Call.txt"
    a = calls.ask("What did analysts ask about in the Q3 FY2023 call?")
    assert a.form == "list" and not a.abstained, a.why
    assert [(c.doc, c.quote) for c in a.citations] == [
        (q3, "Can you talk about consumption patterns in your largest customers?"),
        (q3, "What are your conclusions on Snowpark adoption so far?"),
    ]
    b = calls.ask("What did analysts ask about Snowpark in the Q1 FY2023 call?")
    assert [(c.doc, c.quote) for c in b.citations] == [
        (
            "Glacier Data Q1 FY2023 Earnings Call.txt",
            "What are your conclusions on Snowpark adoption so far?",
        )
    ]
    # a topic no question names: the other answers decide, and no analyst's question is one
    c = calls.ask("What did analysts ask about dividends in the Q3 FY2023 call?")
    assert not any(x.quote.endswith("?") for x in c.citations)


def test_guidance_for_a_quarter_is_the_call_before_it(tmp_path, embedder):
    """A call gives the next quarter's guidance without its year ("For the second quarter, we
    expect ..."): "What product revenue guidance did Glacier give for Q2 FY2024?" had read the
    Q2 call, whose guidance is for the third quarter."""
    docs = tmp_path / "docs"
    docs.mkdir()
    for quarter, (nth, low, high) in {
        "Q1 FY2024": ("second", "620", "625"),
        "Q2 FY2024": ("third", "670", "675"),
    }.items():
        (docs / f"Glacier Data {quarter} Earnings Call.txt").write_text(
            f"Glacier Data Inc. {quarter} Earnings Call Transcript\n\n"
            "Tom Berg, Chief Financial Officer\n\n"
            "Product revenue grew as consumption held up in our largest accounts.\n\n"
            f"For the {nth} quarter, we expect product revenue between ${low} million and "
            f"${high} million.\n",
            encoding="utf-8",
        )
    rag = build_rag(docs, tmp_path, embedder, ReaderGenerator("shipped"))
    a = rag.ask("What product revenue guidance did Glacier give for Q2 FY2024?")
    assert not a.abstained, a.why
    assert {c.doc for c in a.citations} == {"Glacier Data Q1 FY2024 Earnings Call.txt"}
    assert "$620 million and $625 million" in a.answer


def test_who_was_on_a_call_lists_each_speaker_once_where_introduced(calls):
    """The reader had answered the first label it read, or refused "Which analysts ...?"."""
    q3 = "Glacier Data Q3 FY2023 Earnings Call.txt"
    a = calls.ask("Who were the executives on the Q3 FY2023 call?")
    assert a.form == "list" and not a.abstained, a.why
    assert [(c.doc, c.quote) for c in a.citations] == [
        (q3, "Maria Lind, Founder"),
        (q3, "Tom Berg, Chief Financial Officer"),
    ]
    b = calls.ask("Which analysts asked questions on the Q3 FY2023 call?")
    assert [c.quote for c in b.citations] == [
        "Keith Moss, Boreal Securities",
        "Ana Ruiz, Fjord Capital",
    ]
    assert len(calls.ask("Who spoke on the Q3 FY2023 call?").citations) == 4


def test_the_next_quarters_guidance_is_read_from_the_latest_call(tmp_path, embedder):
    """ "For the second quarter, we expect ..." names no year: guidance for the quarter after
    the latest call had been refused ("No document covers Q2 2024")."""
    docs = tmp_path / "docs"
    docs.mkdir()
    for year, customers, low in (("FY2024", 402, 620), ("FY2025", 511, 700)):
        (docs / f"Glacier Data Q1 {year} Earnings Call.txt").write_text(
            f"Glacier Data Inc. Q1 {year} Earnings Call Transcript\n\n"
            "Tom Berg, Chief Financial Officer\n\n"
            f"We now have {customers} customers with trailing 12-month product revenue greater "
            "than $1 million.\n\n"
            f"For the second quarter, we expect product revenue between ${low} million and "
            f"${low + 5} million.\n",
            encoding="utf-8",
        )
    rag = build_rag(docs, tmp_path, embedder, ReaderGenerator("shipped"))
    a = rag.ask("What product revenue guidance did Glacier give for Q2 FY2025?")
    assert not a.abstained, a.why
    assert "$700 million and $705 million" in a.answer
    # a quarter between the calls: the outlook of the call before it
    b = rag.ask("What was the outlook for Q2 FY2024?")
    assert not b.abstained, b.why
    assert "$620 million and $625 million" in b.answer
    # a quarter further ahead is still no document's
    assert rag.ask("What product revenue guidance did Glacier give for Q3 FY2025?").abstained
    # the count of customers, not the 12 of "12-month"
    c = rag.ask("How many customers had more than $1 million in product revenue in Q1 FY2024?")
    assert c.short_answer.text == "402"


def test_a_whole_call_is_summarized_by_its_sentences_saying_most(calls):
    """A call prints no highlights section and no statement: "Summarize the Q3 FY2023 earnings
    call." had been refused (no sentence shares the question's words)."""
    q3 = "Glacier Data Q3 FY2023 Earnings Call.txt"
    a = calls.ask("Summarize the Q3 FY2023 earnings call.")
    assert a.form == "summary" and not a.abstained, a.why
    quotes = [c.quote for c in a.citations]
    assert {c.doc for c in a.citations} == {q3} and len(quotes) >= 3
    assert any(q.startswith("Product revenue for the quarter was $522.8 million") for q in quotes)
    # no question, no welcome, no speaker's label
    assert not any(q.endswith("?") or "welcome" in q or q.startswith("Maria") for q in quotes)
    # asked as a user would, the same account
    b = calls.ask("Give me a summary of the Q3 FY2023 call.")
    assert [c.quote for c in b.citations] == quotes


def test_what_a_speaker_said_with_no_topic_is_their_turns(calls):
    a = calls.ask("What did the CFO say on the Q3 FY2023 call?")
    assert a.form == "summary" and not a.abstained, a.why
    assert [c.quote for c in a.citations] == [
        "Operating margin improved as we gained efficiencies in our cloud hosting costs."
    ]
    b = calls.ask("What did Keith Moss ask on the Q3 FY2023 call?")
    assert [c.quote for c in b.citations] == [
        "Can you talk about consumption patterns in your largest customers?"
    ]


def test_the_reply_to_an_analysts_question_is_the_turn_after_it(calls):
    a = calls.ask("How did management answer the question about Snowpark adoption in Q3 FY2023?")
    assert not a.abstained, a.why
    assert [(c.doc, c.quote) for c in a.citations] == [
        (
            "Glacier Data Q3 FY2023 Earnings Call.txt",
            "Snowpark for Python became generally available.",
        ),
        ("Glacier Data Q3 FY2023 Earnings Call.txt", "Adoption of Snowpark is ahead of our plan."),
    ]
