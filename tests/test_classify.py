"""The form a question wants (rag.answer.forms.classify): a fact, a list, a summary or a
comparison, read from its words; and which fact questions may fall back to a sentence or two
(`explained`)."""

from __future__ import annotations

from rag.answer.forms import classify


def test_classify_forms():
    assert classify("List the crops the farm grows.") == "list"
    assert classify("How has revenue changed over time?") == "comparison"
    assert classify("Summarize the conclusions on Snowpark") == "summary"
    assert classify("Where does the farm grow tea?") == "fact"
    # how a figure changed, asked in the past tense as in the perfect; a change sought is none
    assert classify("How did net revenue retention change?") == "comparison"
    assert classify("How did Luther want people to bring about change?") == "fact"
    # of each document, or of both; a report's key findings
    assert classify("What was the pilot's age in each accident?") == "comparison"
    assert classify("What was the damage in both accidents?") == "comparison"
    assert classify("Give me the key findings of the Page accident.") == "summary"
    # the asking words inside a question after one thing stay facts (SQuAD dev phrasings)
    assert classify("What is used to describe the weakness of gravity?") == "fact"
    assert classify("Islamists were the lesser of two evils when compared to whom?") == "fact"
    assert classify("What type of outlook do some of the Muslims in London have?") == "fact"
    assert classify("When is the correlation occasionally positive?") == "fact"
    assert classify("Explain how the farm irrigates its fields.") == "summary"
    assert classify("How does R&D spending compare to previous quarters?") == "comparison"
    # a possessive is one of the words before what is listed
    assert classify("What are Apple's reportable segments?") == "list"
    assert classify("How do the inventory levels reflect the supply chain?") == "summary"
    assert classify("How does Apple describe the effect of foreign currency?") == "summary"
    # by how much between two periods: the two periods' lines (and the change); in one, a fact
    assert classify("How much did revenue grow from Q1 FY2023 to Q3 FY2023?") == "comparison"
    assert classify("How much did revenue grow in Q1 FY2023?") == "fact"
    # the difference between two periods of one figure, or how much more in one than another
    q = "What was the difference between net sales in Q3 2022 and Q3 2023?"
    assert classify(q) == "comparison"
    assert classify("How much more did it earn in Q3 2023 than in Q2 2023?") == "comparison"
    assert classify("What is the difference between a cell and a virus?") == "fact"
    # an exposure to a risk is told in sentences; the highlights or takeaways of a report too
    assert classify("What is Bell's exposure to interest rate risk?") == "summary"
    assert classify("Newborns have no previous exposure to what?") == "fact"
    assert classify("What were the highlights of Bell's Q1 2023 quarter?") == "summary"
    # one period set against another, or how a figure changed in one (against a year before)
    assert classify("What were iPhone net sales in Q1 2023 compared to Q1 2022?") == "comparison"
    assert classify("How did Greater China net sales change in Q2 2023?") == "comparison"
    assert classify("How did cash change during the first nine months of 2023?") == "comparison"
    assert classify("How did the Company change its name in 2019?") == "fact"
    assert classify("How did the war change the city?") == "fact"
    # how people ask for an account or a list in a chat
    assert classify("Tell me more about AWS.") == "summary"
    assert classify("Can you walk me through the farm's harvest?") == "summary"
    assert classify("What lawsuits is Apple facing?") == "list"
    assert classify("What claims have been made against the farm?") == "list"
    assert classify("What legal matters does the Q3 2023 10-Q describe?") == "list"
    assert classify("Amazon legal matters Q3 2023") == "list"
    assert classify("What were the key legal proceedings in Bell's Q2 2023 10-Q?") == "list"
    # a move between two quarters named (or quarter over quarter) is a comparison
    assert classify("What was Bell's revenue growth from Q2 2023 to Q3 2023?") == "comparison"
    # "Break down X", "Break them down.": X's parts, a list
    assert classify("Break down Bell's total operating expenses in Q3 2023.") == "list"
    assert classify("What critical accounting estimates does Amazon identify?") == "list"
    # how a thing is done, or what was changed, is told in sentences
    assert classify("How does Amazon recognize revenue from AWS?") == "summary"
    assert classify("How does Bell value its inventory?") == "summary"
    assert classify("What are the terms of Bell's revolving credit facility?") == "summary"
    assert classify("What changes did Apple make to its repurchase program?") == "summary"
    assert classify("Who told him about the war?") == "fact"
    assert classify("What is the Epic Games lawsuit about?") == "summary"
    # the asking verbs are whole words: "analyzes" is no request to analyse
    assert classify("Who analyzes the soil samples of the farm?") == "fact"
    assert classify("What are Amazon's sources of liquidity?") == "list"
    # a state is told in sentences; a cash balance is a table's figure
    assert classify("What is Apple's liquidity position?") == "summary"
    assert classify("What is Amazon's competitive position?") == "summary"
    assert classify("What is Apple's policy on dividends?") == "summary"
    # (a policy "of" is a phrase of any text: "The British policy of being hands off ...")
    assert classify("The policy of being hands off resulted in what term for London?") == "fact"
    assert classify("What are Amazon's critical accounting estimates?") == "list"
    # the products asked for are a list; one figure of the Products line is not
    assert classify("What products did Apple announce?") == "list"
    assert classify("What was Apple's Products gross margin percentage in Q2 2023?") == "fact"
    assert classify("What was Apple's cash position as of July 1, 2023?") == "fact"
    # guidance, and what a company expects for a period, are its forecast's sentences
    assert classify("What is Amazon's guidance for Q4 2023?") == "summary"
    assert classify("What does Amazon expect for Q4 2023?") == "summary"
    assert classify("What did the farmers expect to find?") == "fact"


def test_classify_reads_the_same_request_in_other_words():
    # the validation questions reworded (eval/sec10q/paraphrases-validation.tsv): a change is
    # also a shift, a movement, a variation; "measure up against" sets two things side by side
    assert (
        classify("How has Apple's iPhone revenue varied from quarter to quarter?") == "comparison"
    )
    assert (
        classify("In what way has net sales evolved from one quarter to the next?") == "comparison"
    )
    assert classify("Did operating costs shift considerably over the quarters reported?") == (
        "comparison"
    )
    assert classify(
        "What patterns emerge in Services revenue throughout the reported periods?"
    ) == ("comparison")
    assert classify("How did operating costs in Q1 2023 measure up against its income?") == (
        "comparison"
    )
    assert classify("What notable shifts have occurred in Amazon's liquidity?") == "summary"
    assert classify("Outline the risks facing Amazon's business.") == "summary"
    assert classify("How does Amazon manage foreign exchange risk?") == "summary"
    assert classify("How does Apple hedge its interest rate exposure?") == "summary"
    assert classify("Did Amazon's net sales increase in Q3 2023?") == "comparison"
    assert classify("How does the tax rate tie in with the discussion in the notes?") == "summary"
    assert classify("What effect have currency exchange rates had on Apple's results?") == "summary"
    assert classify("Which key elements drove the movement in the gross margin?") == "list"
    assert (
        classify("In Q3 2023, how was revenue split among its different service lines?") == "list"
    )
    # a figure set against a part of the report is an account of both, not periods compared
    assert classify("Apple Q3 2023: inventory changes vs the supply chain discussion") == "summary"
    assert classify("Apple latest 10-Q: liquidity section vs operating cash flow") == "summary"
    assert classify("Compare the notes on debt in Q1 vs Q2") == "comparison"
    assert classify("cash flow statements vs. the previous quarter") == "comparison"
    # the same words inside SQuAD dev and test questions after one thing stay facts
    assert classify("What insight of Galileo was associated with constant velocity?") == "fact"
    assert classify("In what way do idea strings transmit tension forces?") == "fact"
    assert classify("What two things does pharmacy informatics bring together?") == "fact"
    assert classify("What elements from the rift system in the Alpine orogeny?") == "fact"
    assert classify("How much of the lake connecting with the Rhine can you see?") == "fact"
    assert classify("What is the name of the river about which the poem was written?") == "fact"


def test_a_fact_the_reader_declines_falls_back_when_it_asks_for_a_sentence_or_two():
    from rag.answer.forms import explained

    assert explained("Any acquisitions by Amazon in 2023?")
    assert explained("What did Apple report about the Epic Games case?")
    assert not explained("What was reported in the Q3 2023 10-Q as net income?")
    assert explained("What did Amazon record for its investment in Rivian in 2022?")


def test_an_account_of_a_whole_document_is_a_summary():
    # each had been a fact, read by the reader and refused
    assert classify("Give me a summary of the call.") == "summary"
    assert classify("What were the main themes of the Q1 FY2023 call?") == "summary"
    assert classify("What are the key points of this document?") == "summary"
    assert classify("What was discussed on the call?") == "summary"
    # a topic named: what the documents say of it, as before
    assert classify("What was discussed about Streamlet on the call?") == "fact"
    assert classify("What topic did the speaker choose?") == "fact"
