"""Answers in the form the question needs (rag.answer.forms), with the real reader and embedder
over tiny documents: lists in document order, one line per period, facts unchanged."""

from __future__ import annotations

import pytest

from rag.answer.reading import ReaderGenerator
from rag.web.api import ask_result
from tests.conftest import build_rag

FARM = (
    "The report covers the whole year.\n\n"
    "The farm grows rice in the wet fields. The tractor was repaired in May. "
    "The farm also grows tea on the hills. Visitors came in spring.\n\n"
    "The farm grows wheat on the northern plots."
)


@pytest.fixture(scope="module")
def reader():
    return ReaderGenerator("shipped")


@pytest.fixture
def farm_rag(tmp_path, embedder, reader):
    return one_document(tmp_path, "farm.txt", FARM, embedder, reader)


def one_document(tmp_path, name: str, text: str, embedder, reader, **settings):
    """A RAG over one document `name` holding `text`."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / name).write_text(text, encoding="utf-8")
    return build_rag(docs, tmp_path, embedder, reader, **settings)


def _check_quotes(rag, answer):
    for c in answer.citations:
        text = (rag.settings.documents_dir / c.doc).read_text(encoding="utf-8")
        assert c.quote == text[c.start : c.end]


def test_list_question_cites_each_supporting_sentence_in_document_order(farm_rag):
    a = farm_rag.ask("List the crops the farm grows.")
    assert a.form == "list" and not a.abstained
    quotes = [c.quote for c in a.citations]
    assert quotes == [
        "The farm grows rice in the wet fields.",
        "The farm also grows tea on the hills.",
        "The farm grows wheat on the northern plots.",
    ]
    assert a.answer.splitlines() == [f"- {q} [{n}]" for n, q in enumerate(quotes, 1)]
    starts = [FARM.index(q) for q in quotes]
    assert [(c.start, c.end) for c in a.citations] == [
        (s, s + len(q)) for s, q in zip(starts, quotes, strict=True)
    ]
    _check_quotes(farm_rag, a)
    d = a.to_dict()
    assert d["form"] == "list"
    assert ask_result(a)["form"] == "list"


def test_fact_question_is_answered_as_before(farm_rag):
    a = farm_rag.ask("Where does the farm grow tea?")
    assert a.form == "fact" and not a.abstained
    assert a.short_answer is not None and a.short_answer.text == "on the hills"
    assert [c.quote for c in a.citations] == ["The farm also grows tea on the hills."]
    assert a.to_dict()["form"] == "fact" and ask_result(a)["form"] == "fact"


def test_list_without_support_refuses_with_a_reason(farm_rag):
    a = farm_rag.ask("List the submarines of the navy.")
    assert a.form == "list" and a.abstained and a.reason == "form_unsupported"
    assert "list" in a.why


def test_comparison_gives_one_cited_line_per_period_in_order(tmp_path, embedder, reader):
    docs = tmp_path / "docs"
    docs.mkdir()
    # written newest first: the answer must still read oldest first
    (docs / "2023 Q1 report.txt").write_text(
        "Revenue was 12 million dollars in the quarter. The office moved to Lyon.",
        encoding="utf-8",
    )
    (docs / "2022 Q1 report.txt").write_text(
        "Revenue was 10 million dollars in the quarter. A new chair was elected.",
        encoding="utf-8",
    )
    rag = build_rag(docs, tmp_path, embedder, reader)
    a = rag.ask("How has revenue changed between Q1 2022 and Q1 2023?")
    assert a.form == "comparison" and not a.abstained
    assert [(c.doc, c.quote) for c in a.citations] == [
        ("2022 Q1 report.txt", "Revenue was 10 million dollars in the quarter."),
        ("2023 Q1 report.txt", "Revenue was 12 million dollars in the quarter."),
    ]
    assert a.answer.splitlines() == [
        "- Q1 2022: Revenue was 10 million dollars in the quarter. [1]",
        "- Q1 2023: Revenue was 12 million dollars in the quarter. [2]",
    ]
    _check_quotes(rag, a)
    one = rag.ask("How has revenue changed over time?", documents=["2023 Q1 report.txt"])
    assert [c.doc for c in one.citations] == ["2023 Q1 report.txt"]
    assert "Only one period was found in the passages: Q1 2023." in one.notice


# A filing's cover: what its documents are known by ("Nordvik"), not the segments inside.
COVER = "Nordvik Group quarterly report. " + "The board met and approved the filing. " * 40 + "\n\n"


def test_a_change_over_quarters_says_the_same_row_in_each_filing(tmp_path, embedder, reader):
    """A figure's change over time is the figure's row in every quarter, though a sentence
    naming the segment shares more of the question's words; the acronym's gloss ("Arctic
    Cloud Services") counts as the acronym, not as more words asked for ("services")."""
    docs = tmp_path / "docs"
    docs.mkdir()
    figures = {
        "2023 Q1": ("March 31", "15,210", "18,441"),
        "2023 Q2": ("June 30", "16,020", "19,739"),
    }
    figures["2023 Q3"] = ("September 30", "16,110", "20,538")
    for quarter, (day, before, now) in figures.items():
        (docs / f"{quarter} Nordvik.txt").write_text(
            COVER + "The ACS segment consists of amounts earned from sales of storage and compute "
            "services to enterprises.\n\n"
            f"Net Sales: ACS — Three Months Ended {day}, 2022: {before}; "
            f"Three Months Ended {day}, 2023: {now}\n\n"
            "Net Sales: Subscription services — Three Months Ended "
            f"{day}, 2022: 4,101; Three Months Ended {day}, 2023: 4,420\n\n"
            "Unearned revenue relates to prepayments of ACS services and memberships.",
            encoding="utf-8",
        )
    rag = build_rag(docs, tmp_path, embedder, reader)
    a = rag.ask("How has ACS (Arctic Cloud Services) segment revenue changed over the quarters?")
    assert a.form == "comparison" and not a.abstained
    # each filing's cell of its own quarter
    assert [(c.doc, c.quote) for c in a.citations] == [
        (f"{q} Nordvik.txt", f"Three Months Ended {day}, 2023: {now}")
        for q, (day, _, now) in figures.items()
    ]
    assert [line.split(" — ")[0] for line in a.answer.splitlines()] == [
        "- Q1 2023: Net Sales: ACS",
        "- Q2 2023: Net Sales: ACS",
        "- Q3 2023: Net Sales: ACS",
        # the change from the first quarter to the last, from the cited cells
        "- From Q1 2023 to Q3 2023: 18,441 to 20,538, +2,097 (+11.4%), computed from [1] and [3]",
    ]


def test_a_change_over_quarters_is_told_by_lines_stating_figures(tmp_path, embedder, reader):
    """A segment's definition shares the question's words but states no figure: each quarter's
    line is the sentence telling how much."""
    docs = tmp_path / "docs"
    docs.mkdir()
    for quarter, amount in (("2023 Q1", "18.4"), ("2023 Q2", "19.7")):
        (docs / f"{quarter} report.txt").write_text(
            "The cloud segment consists of revenue earned from sales of cloud storage and "
            "compute services to enterprises.\n\n"
            f"Cloud segment revenue was {amount} million dollars in the quarter.\n",
            encoding="utf-8",
        )
    rag = build_rag(docs, tmp_path, embedder, reader)
    a = rag.ask("How has cloud segment revenue changed over time?")
    assert a.form == "comparison" and not a.abstained, a.why
    assert [c.quote for c in a.citations] == [
        "Cloud segment revenue was 18.4 million dollars in the quarter.",
        "Cloud segment revenue was 19.7 million dollars in the quarter.",
    ]


REPORT = (
    "Contents\n"
    "Item 1. Crops of the Farm 2\n"
    "Item 2. Farm Machinery and Tools 5\n\n"
    "Greenfield Farm Annual Report\n"
    "The farm grows rice in the wet fields. The tractor was repaired in May.\n"
    "2021 2022 2023\n"
    "Greenfield Farm | Annual Report | 2\n\n"
    "Greenfield Farm Annual Report\n"
    "The farm also grows tea on the hills. The farm grows rice in the wet fields.\n"
    "The farm grows wheat on the northern plots in 2023."
)


def test_list_items_are_sentences_never_contents_headers_or_numbers(tmp_path, embedder, reader):
    rag = one_document(tmp_path, "report.txt", REPORT, embedder, reader)
    a = rag.ask("List the crops the farm grew in 2023.")
    assert a.form == "list" and not a.abstained
    # the rice sentence is said once (its first place), items in document order, each cited
    assert [(c.quote, c.start) for c in a.citations] == [
        (q, REPORT.index(q))
        for q in (
            "The farm grows rice in the wet fields.",
            "The farm also grows tea on the hills.",
            "The farm grows wheat on the northern plots in 2023.",
        )
    ]
    assert a.answer.splitlines() == [f"- {c.quote} [{c.n}]" for c in a.citations]
    _check_quotes(rag, a)


def test_a_sentence_reworded_in_the_next_filing_is_one_item(tmp_path, embedder, reader):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "2022 Q1 report.txt").write_text(
        "Expenses include payroll, employee benefits, rent and other office costs of the farm.\n"
        "The farm grows rice in the wet fields.",
        encoding="utf-8",
    )
    (docs / "2022 Q2 report.txt").write_text(
        "Expenses include payroll, employee benefits, severance, rent and other office costs "
        "of the farm.\nThe farm grows tea on the hills.",
        encoding="utf-8",
    )
    rag = build_rag(docs, tmp_path, embedder, reader)
    a = rag.ask("List the expenses of the farm.")
    assert a.form == "list" and not a.abstained
    quotes = [c.quote for c in a.citations]
    assert sum(q.startswith("Expenses include") for q in quotes) == 1, quotes


@pytest.fixture
def filings_rag(tmp_path, embedder, reader):
    docs = tmp_path / "docs"
    docs.mkdir()
    for period, crop in (("2023 Q1", "rice"), ("2023 Q2", "tea")):
        (docs / f"{period} Greenfield.txt").write_text(
            "Greenfield Farm Inc. quarterly report.\n\n"
            "The statements include the accounts of Greenfield Farm Inc. and its subsidiaries. "
            "I, John Greenfield, certify that this report of Greenfield Farm is true.\n\n"
            f"The farm grew {crop} in the wet fields this quarter. "
            "The tractor was repaired in May.",
            encoding="utf-8",
        )
    return build_rag(docs, tmp_path, embedder, reader)


def test_a_sentence_sharing_only_the_company_name_is_no_item(filings_rag):
    # Filings of one company: the name and period chose the documents, so a sentence holding
    # only them (the boilerplate every filing opens with) supports nothing the question asks.
    rag = filings_rag
    a = rag.ask("List the crops Greenfield Farm grew in Q1 2023.")
    assert a.form == "list" and not a.abstained, a.why
    quotes = [c.quote for c in a.citations]
    assert "The farm grew rice in the wet fields this quarter." in quotes
    assert not [q for q in quotes if "Greenfield" in q], quotes


def test_a_possessive_or_10_qs_is_no_name_the_documents_never_mention(filings_rag):
    # "Greenfield's" is indexed as one word the filings never hold, "10-Qs" yields "Qs": a
    # refusal must not blame either ("The documents never mention Greenfield's or Qs.")
    a = filings_rag.ask("What was Greenfield's dividend policy in these 10-Qs?")
    assert a.abstained and a.reason != "missing_names", a.why
    b = filings_rag.ask("What was Snowflake's dividend policy in these 10-Qs?")
    assert b.abstained and b.reason == "missing_names"
    assert b.why == "The documents never mention Snowflake.", b.why


LIQUIDITY = (
    "The farm sells rice and tea to shops.\n\n"
    "Liquidity and Cash Resources\n"
    "The farm held cash of 20 million dollars at the end of the quarter.\n"
    "See Note 4 for more information on the farm's cash and liquidity.\n"
    "The farm believes its cash and liquidity are sufficient for the next twelve months.\n"
)


def test_a_summary_says_no_heading_and_no_cross_reference(tmp_path, embedder, reader):
    """The heading and "See Note 4 ..." hold the question's words but say nothing: the
    sentences under the heading are the summary."""
    rag = one_document(tmp_path, "farm.txt", LIQUIDITY, embedder, reader)
    a = rag.ask("Summarize the farm's cash and liquidity.")
    assert a.form == "summary" and not a.abstained, a.why
    assert [(c.quote, c.start) for c in a.citations] == [
        (q, LIQUIDITY.index(q))
        for q in (
            "The farm held cash of 20 million dollars at the end of the quarter.",
            "The farm believes its cash and liquidity are sufficient for the next twelve months.",
        )
    ]
    _check_quotes(rag, a)


FILING = (
    "# Quarterly Report\n\n"
    "## Revenue\n\n"
    "Revenue rose to 12 million dollars on higher ferry traffic.\n\n"
    "## Legal Proceedings\n\n"
    "In May 2023, Nordvik Ferry Lines filed a complaint against the Company in Oslo. "
    "It alleges that the Company copied its booking system.\n\n"
    "In June 2022, a group of passengers sued the Company over delayed crossings. "
    "The case was dismissed by the court\n\n"
    "in March 2023 after the passengers withdrew their claims.\n\n"
    "Legal proceedings and claims are subject to significant uncertainty, and the outcomes of "
    "legal proceedings could adversely affect the Company.\n\n"
    "## Risk Factors\n\n"
    "Fuel prices may rise."
)


def test_a_list_naming_a_heading_gives_the_first_sentence_of_each_paragraph_under_it(
    tmp_path, embedder, reader
):
    """The cases, not the generic sentence that shares most of the question's words, nor the
    paragraph about legal proceedings in general (it names the heading)."""
    # small passages: the case paragraphs are not all in the passage retrieval ranks first
    small = {"chunk_tokens": 40, "chunk_overlap_tokens": 0}
    rag = one_document(tmp_path, "filing.md", FILING, embedder, reader, **small)
    question = "What legal proceedings are disclosed in the report?"
    a = rag.ask(question)
    assert a.form == "list" and not a.abstained
    text = rag.library.layout("filing.md").text
    leads = [
        "In May 2023, Nordvik Ferry Lines filed a complaint against the Company in Oslo.",
        "In June 2022, a group of passengers sued the Company over delayed crossings.",
    ]
    assert [c.quote for c in a.citations] == leads
    assert [(c.start, c.end) for c in a.citations] == [
        (text.index(q), text.index(q) + len(q)) for q in leads
    ]
    assert all(c.section == "Quarterly Report › Legal Proceedings" for c in a.citations)
    # the passages it is read from lead the sources, as a table answer's do
    cited = list(dict.fromkeys(c.chunk_id for c in a.citations))
    assert len(cited) > 1 and [p.chunk.chunk_id for p in a.passages[: len(cited)]] == cited
    # the same question with the heading-led list off ranks sentences, and drops a case
    off = build_rag(
        tmp_path / "docs", tmp_path / "off", embedder, reader, section_lists=False, **small
    )
    b = off.ask(question)
    assert b.form == "list" and [c.quote for c in b.citations] != leads


MANUAL = (
    "# AquaPure 300 Manual\n\n"
    "## Safety Warnings\n\n"
    "Do not connect the purifier to a hot water supply.\n\n"
    "Unplug the unit before replacing any filter.\n\n"
    "Keep the purifier away from direct sunlight and frost.\n\n"
    "## Replacing the Filter\n\n"
    "1. Turn off the water supply and unplug the unit.\n\n"
    "2. Open the front cover by pressing the release button. "
    "3. Turn the old cartridge counterclockwise and pull it out. "
    "4. Insert the new cartridge and turn it clockwise until it clicks.\n\n"
    "5. Close the front cover until it locks.\n\n"
    "6. Plug the unit in and open the water supply.\n\n"
    "7. Flush the new filter by running water for five minutes.\n\n"
    "## Cleaning\n\n"
    "Wipe the case with a damp cloth. Never use solvents on the display. "
    "Descale the tank every three months.\n\n"
    "## Warranty\n\n"
    "The purifier is covered by a two-year limited warranty."
)


def test_how_to_do_what_a_heading_names_gives_every_step_in_order(tmp_path, embedder, reader):
    rag = one_document(tmp_path, "manual.md", MANUAL, embedder, reader)
    a = rag.ask("How do I replace the filter?")
    assert a.form == "list" and not a.abstained
    # the steps that ran together in one paragraph are items too, and a procedure is not cut
    # at a list's five items
    assert [c.quote.split()[0] for c in a.citations] == [
        "Turn",
        "Open",
        "3.",
        "4.",
        "Close",
        "Plug",
        "Flush",
    ]  # (Markdown's list numbers are markup: the text keeps those written inside a paragraph)
    assert a.answer.splitlines()[2] == (
        "- 3. Turn the old cartridge counterclockwise and pull it out. [3]"
    )
    assert not a.notice
    # a section asked for by its heading alone is listed too
    w = rag.ask("What are the safety warnings?")
    assert w.form == "list" and [c.quote.split()[0] for c in w.citations] == [
        "Do",
        "Unplug",
        "Keep",
    ]
    # a section of one paragraph lists each of its sentences
    c = rag.ask("List the cleaning steps.")
    assert [x.quote.split()[0] for x in c.citations] == ["Wipe", "Never", "Descale"]
    # a question that asks for one fact stays the reader's
    b = rag.ask("How long is the warranty?")
    assert b.form == "fact"


def test_what_drove_a_change_is_answered_by_the_sentence_saying_why_not_the_row(
    tmp_path, embedder, reader
):
    """ "What drove the increase in Intelligent Cloud revenue?" was answered "24,259" off the
    segment's row: a row says how much, never why."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "2023 Q3 Nordvik.txt").write_text(
        COVER + "Revenue: Intelligent Cloud — Three Months Ended September 30, 2023: 24,259; "
        "Three Months Ended September 30, 2022: 20,325\n\n"
        "Intelligent Cloud revenue increased driven by Azure and other cloud services.",
        encoding="utf-8",
    )
    rag = build_rag(docs, tmp_path, embedder, reader)
    a = rag.ask("What drove the increase in Intelligent Cloud revenue?")
    assert not a.abstained, a.why
    assert a.citations[0].quote.startswith("Intelligent Cloud revenue increased driven by Azure")
    # how much it was is still the row's
    b = rag.ask("What was Intelligent Cloud revenue in Q3 2023?")
    assert b.short_answer.text == "24,259"


def test_how_a_figure_changed_and_why_is_not_answered_by_a_figure_alone(tmp_path, embedder, reader):
    """ "How did Apple's Mac sales change in Q2 2023 and why?" was answered "8%", a cell of
    the row under Mac's: a figure alone never says why; the sentence saying it is cited."""
    docs = tmp_path / "docs"
    docs.mkdir()
    why = "Mac net sales decreased during the quarter due primarily to lower sales of laptops."
    (docs / "2023 Q2 Nordvik.txt").write_text(
        COVER + "Net sales by category: Mac — Three Months Ended April 1, 2023: 7,168; "
        "Three Months Ended March 26, 2022: 10,435; Change: (31)%\n"
        "Net sales by category: iPad — Three Months Ended April 1, 2023: 6,670; "
        "Three Months Ended March 26, 2022: 7,646; Change: 8%\n\n"
        f"{why} The company opened a store in Oslo.",
        encoding="utf-8",
    )
    rag = build_rag(docs, tmp_path, embedder, reader)
    a = rag.ask("How did Mac net sales change in Q2 2023 and why?")
    assert not a.abstained, a.why
    assert why in [c.quote for c in a.citations], (a.form, a.short_answer, a.answer)


def test_a_sentence_is_about_the_words_of_the_heading_it_sits_under(tmp_path, embedder, reader):
    """ "Summarize the liquidity position" found no sentence saying "liquidity" under Apple's
    "Liquidity and Capital Resources": a sentence's heading says what it is about."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "2023 Q3 Nordvik.txt").write_text(
        COVER + "Liquidity and Capital Resources\n\n"
        "The Company believes its balances of cash and marketable securities will be sufficient "
        "to satisfy its cash requirements over the next 12 months.\n\n"
        "Ferry Routes\n\n"
        "The company sails its ferries between Bodo and Moskenes in the summer season.",
        encoding="utf-8",
    )
    rag = build_rag(docs, tmp_path, embedder, reader)
    a = rag.ask("Summarize Nordvik's liquidity position.")
    assert a.form == "summary" and not a.abstained, a.why
    assert [c.quote[:30] for c in a.citations] == ["The Company believes its balan"]


INVENTORY = (
    "# Farm quarterly report\n\n"
    "## Inventory\n\n"
    "Grain inventory rose to 40 tonnes at the end of the quarter as the harvest came early.\n\n"
    + " ".join(f"Field {i} was sown with barley on day {i + 3} of spring." for i in range(40))
    + "\n\n## Item 1A. Risk Factors\n\n"
    + " ".join(
        f"Changes in our inventory levels of crop {i} could harm the farm if demand changes."
        for i in range(40)
    )
)


def test_a_summary_says_what_happened_before_what_the_risk_factors_say_might(
    tmp_path, embedder, reader
):
    """The risk factors share the words of a question about what happened ("changes in
    inventory levels"); unless risk is asked, their sentences come after the others."""
    rag = one_document(tmp_path, "farm.md", INVENTORY, embedder, reader, form_max_items=1)
    a = rag.ask("Summarize the changes in the farm's inventory levels.")
    assert a.form == "summary" and not a.abstained, a.why
    assert [c.quote for c in a.citations] == [
        "Grain inventory rose to 40 tonnes at the end of the quarter as the harvest came early."
    ]
    risk = rag.ask("Summarize the risks of changes in the farm's inventory levels.")
    assert "could harm the farm" in risk.citations[0].quote


def test_a_filings_certifications_and_signatures_are_no_items_unless_asked(
    tmp_path, embedder, reader
):
    """ "I have reviewed this quarterly report ..." holds the words of many questions; it
    tells nothing the report tells."""
    text = (
        "# Nordvik quarterly report\n\n## Revenue\n\n"
        "Revenue rose to 12 million dollars on higher ferry traffic.\n\n"
        "## Exhibit 31.1 — Certification\n\n"
        "I certify that the revenue and other figures in this quarterly report fairly present "
        "the revenue of Nordvik.\n"
    )
    rag = one_document(tmp_path, "nordvik.md", text, embedder, reader)
    a = rag.ask("Summarize the revenue.")
    assert [c.quote for c in a.citations] == [
        "Revenue rose to 12 million dollars on higher ferry traffic."
    ]
    b = rag.ask("Summarize the certification of the revenue.")
    assert any(c.quote.startswith("I certify") for c in b.citations)
    # a museum's "Exhibits" are what it tells
    museum = "# Ferry museum\n\n## Exhibits\n\nThe museum shows three steam ferries from 1890.\n"
    (tmp_path / "museum").mkdir()
    other = one_document(tmp_path / "museum", "museum.md", museum, embedder, reader)
    c = other.ask("Summarize the steam ferries the museum shows.")
    assert [x.quote for x in c.citations] == ["The museum shows three steam ferries from 1890."]


def test_risk_factors_are_no_causes_and_reasons_for_a_change_are():
    from rag.answer.causes import CAUSES, asks_why

    assert CAUSES.search("What factors affected gross margin?")
    assert not CAUSES.search("What are the main risk factors Amazon mentions?")
    assert asks_why("What were the reasons for the change in AWS operating income?")
    assert not asks_why("What was AWS operating income?")


def test_a_sentence_going_on_from_the_one_before_is_about_what_that_one_names(
    tmp_path, embedder, reader
):
    """ "AWS sales increased 12% ... The sales growth primarily reflects increased customer
    usage": the second sentence names no AWS, and a list of the drivers of AWS sales had left
    it out. A sentence whose subject is the one before's holds that sentence's words."""
    text = (
        "Bell Instruments Inc. quarterly report.\n\n"
        "Widget sales grew 12% in Q3 2023. This reflects higher customer usage. "
        "Gadget revenue fell 3% in Q3 2023.\n\nBell opened a shop in Harbin."
    )
    rag = one_document(tmp_path, "bell.txt", text, embedder, reader)
    a = rag.ask("What were the main drivers of Bell's widget sales growth?")
    assert not a.abstained, a.why
    quotes = [c.quote for c in a.citations]
    assert "This reflects higher customer usage." in quotes, quotes
    _check_quotes(rag, a)


def test_how_a_risk_is_managed_is_said_by_the_sentences_of_that_risk(tmp_path, embedder, reader):
    """ "How does Amazon manage foreign exchange risk?" had been refused as a fact; it is a
    summary of the sentences of that risk. "How does Amazon mitigate credit risk?" then listed
    market risk and credit card fees: a summary of how a risk is managed says only sentences
    naming that risk as one, or none."""
    text = (
        "Nordvik quarterly report. Quantitative and Qualitative Disclosures About Market Risk\n\n"
        "We are exposed to market risk for the effect of interest rate changes and foreign "
        "currency fluctuations. We have foreign exchange risk related to our foreign funds, "
        "which we manage by holding them in local currencies. For certain payment methods, "
        "including credit and debit cards, we pay interchange fees, which may increase."
    )
    rag = one_document(tmp_path, "report.txt", text, embedder, reader)
    a = rag.ask("How does Nordvik manage foreign exchange risk?")
    assert a.form == "summary" and not a.abstained, a.why
    assert "We have foreign exchange risk related to our foreign funds" in a.answer
    assert "credit" not in a.answer
    b = rag.ask("How does Nordvik mitigate credit risk?")
    assert b.abstained, b.answer
