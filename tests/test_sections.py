"""A document's own lists and summaries (rag.answer.sections, rag.answer.overview): the headed
parts of a section as its items, and a whole report's headline rows and highlights, with the
real reader and embedder over tiny documents."""

from __future__ import annotations

import pytest

from rag.answer.reading import ReaderGenerator
from tests.test_forms import one_document


@pytest.fixture(scope="module")
def reader():
    return ReaderGenerator("shipped")


RISKS = (
    "# Annual Report\n\n"
    "## Risk Factors\n\n"
    "### We Face Intense Competition\n\n"
    "Other ferry lines cut their fares every winter.\n\n"
    "### Fuel Prices Can Rise Sharply\n\n"
    "Diesel is a third of the Company's costs.\n\n"
    "### Ice Can Close the Harbour\n\n"
    "In a cold year the harbour is closed for weeks.\n\n"
    "### Our Ships Are Ageing\n\n"
    "Two of the four ferries are over thirty years old.\n\n"
    "## Legal Proceedings\n\n"
    "### Nordvik Case\n\n"
    "In May 2023, Nordvik Ferry Lines filed a complaint against the Company in Oslo.\n\n"
    "### Other Proceedings\n\n"
    "In June 2022, a group of passengers sued the Company over delayed crossings."
)


def test_a_list_of_a_section_with_many_headed_parts_gives_their_headings(
    tmp_path, embedder, reader
):
    """ "What are the main risks?" names "Risk Factors" (a plural and "factors" aside); its
    four headed risks are the items, each cited where its heading stands. Two headed parts are
    topics: their sentences are the items."""
    rag = one_document(tmp_path, "report.md", RISKS, embedder, reader)
    text = rag.library.layout("report.md").text
    a = rag.ask("What are the main risks?")
    assert a.form == "list" and not a.abstained
    heads = [
        "We Face Intense Competition",
        "Fuel Prices Can Rise Sharply",
        "Ice Can Close the Harbour",
        "Our Ships Are Ageing",
    ]
    assert [(c.quote, c.start) for c in a.citations] == [(h, text.index(h)) for h in heads]
    b = rag.ask("What legal proceedings are disclosed?")
    assert [c.quote for c in b.citations] == [
        "In May 2023, Nordvik Ferry Lines filed a complaint against the Company in Oslo.",
        "In June 2022, a group of passengers sued the Company over delayed crossings.",
    ]
    # what analysts call them ("lawsuits") names the section the report heads in its own words,
    # before "Risk Factors", which "risks" names
    c = rag.ask("Which lawsuits or possible risks does the report mention?")
    assert [x.quote for x in c.citations] == [x.quote for x in b.citations]


UNHEADED_RISKS = (
    "# Quarterly Report\n\n"
    "## Item 1A. Risk Factors\n\n"
    "Other than the risk factors listed below, there have been no material changes from the "
    "risk factors described in our Annual Report on Form 10-K.\n\n"
    "If we fail to estimate demand for ferry crossings, our results may suffer. Bookings are "
    "made months ahead.\n\n"
    "Rising fuel prices could reduce our margins. Diesel is a third of our costs.\n\n"
    "A cold winter could close the harbour for weeks. Ice closed it in 2021."
)


def test_a_list_of_risks_leaves_out_the_paragraphs_about_the_section_itself(
    tmp_path, embedder, reader
):
    """Risks not set under headings of their own are each paragraph's first sentence; the
    paragraph pointing to the annual report names no risk and is left out."""
    rag = one_document(tmp_path, "report.md", UNHEADED_RISKS, embedder, reader)
    a = rag.ask("What are the main risk factors?")
    assert a.form == "list" and not a.abstained
    assert [c.quote for c in a.citations] == [
        "If we fail to estimate demand for ferry crossings, our results may suffer.",
        "Rising fuel prices could reduce our margins.",
        "A cold winter could close the harbour for weeks.",
    ]


QUARTERLY = (
    "# Bell Instruments Q1 2023 Quarterly Report\n\n"
    "Bell Instruments Inc. makes scales in Harbin.\n\n"
    "## Statements of Operations\n\n"
    "Total net sales — Q1 2023: 900; Q1 2022: 800\n\n"
    "Research and development — Q1 2023: 90; Q1 2022: 80\n\n"
    "Net income — Q1 2023: 50; Q1 2022: 45\n\n"
    "## Notes to the Statements\n\n"
    "Summary of significant accounting policies: revenue is recognised on delivery.\n\n"
    "## Quarterly Highlights\n\n"
    "During the quarter the company opened a new factory in Harbin.\n\n"
    "Sales of laboratory scales rose by a fifth over the year.\n\n"
    "## Liquidity\n\n"
    "Cash held at the end of the quarter was 120 million."
)


def test_a_summary_of_the_whole_report_reads_its_headline_rows_and_highlights(
    tmp_path, embedder, reader
):
    """ "Summarize Bell's Q1 2023 results" names the report and nothing in it: no sentence
    shares its words, and it was refused. The report's headline rows and its own highlights
    are the summary, in document order."""
    rag = one_document(tmp_path, "Bell Q1 2023.md", QUARTERLY, embedder, reader)
    text = rag.library.layout("Bell Q1 2023.md").text
    for question in (
        "Summarize Bell's Q1 2023 results.",
        "Walk me through the quarter.",
        # "highlights" had asked for a fact; "takeaways" had been one word to find
        "What were the highlights of Bell's Q1 2023 quarter?",
        "What are the key takeaways from Bell's Q1 2023 report?",
    ):
        a = rag.ask(question)
        assert a.form == "summary" and not a.abstained, a.why
        assert [c.quote for c in a.citations] == [
            "Total net sales — Q1 2023: 900; Q1 2022: 800",
            "Net income — Q1 2023: 50; Q1 2022: 45",
            "During the quarter the company opened a new factory in Harbin.",
            "Sales of laboratory scales rose by a fifth over the year.",
        ]
        assert all(text[c.start : c.end] == c.quote for c in a.citations)
    # a summary of something the report tells is the form's own
    b = rag.ask("Summarize Bell's liquidity.")
    assert [c.quote for c in b.citations] == [
        "Cash held at the end of the quarter was 120 million."
    ]


LIQUIDITY = (
    "# Nordvik Ferry Lines Quarterly Report\n\n"
    "## Results of Operations\n\n"
    "Ticket sales rose in the summer as more tourists crossed the fjord.\n\n"
    "## Liquidity and Capital Resources\n\n"
    "The Company believes its cash and credit lines will be sufficient for the next 12 months.\n"
    "As of September 30, 2023, it keeps most of its cash in Norwegian banks.\n\n"
    "The Company repaid a ship loan of NOK 40 million in May.\n\n"
    "## Legal Proceedings\n\n"
    "In May 2023, a passenger filed a complaint against the Company in Oslo."
)


def test_a_summary_naming_one_subject_of_a_paired_heading_reads_its_section(
    tmp_path, embedder, reader
):
    """ "Summarize Apple's liquidity" was refused: "Liquidity and Capital Resources" was named
    only by all its words, and the company's name counted as a word to name."""
    rag = one_document(tmp_path, "2023 Q3 Nordvik.md", LIQUIDITY, embedder, reader)
    # "What is Apple's liquidity position?" was refused: its section is "Liquidity and Capital
    # Resources"
    for q in (
        "Summarize Nordvik's liquidity in Q3 2023.",
        "What is Nordvik's liquidity position?",
        # a day asked is when, not what is summarized
        "Summarize Nordvik's liquidity as of September 30, 2023.",
    ):
        a = rag.ask(q)
        assert not a.abstained, (q, a.why)
        assert [c.quote for c in a.citations] == [
            "The Company believes its cash and credit lines will be sufficient for the next 12 "
            "months.",
            "The Company repaid a ship loan of NOK 40 million in May.",
        ], q


MARGINS = (
    "# Quarterly Report\n\n"
    "## Gross Margin\n\n"
    "### Ferry Crossings\n\n"
    "Ferry crossings gross margin was $41 million. The ferry crossings gross margin increase "
    "was due primarily to higher fares.\n\n"
    "### Freight\n\n"
    "Freight gross margin was $12 million. The freight gross margin decrease was due primarily "
    "to fewer sailings in the ice season.\n\n"
    "### Charters\n\n"
    "Charters gross margin was $3 million, unchanged from a year earlier.\n\n"
    "### Catering\n\n"
    "Catering gross margin was $2 million, unchanged from a year earlier."
)


def test_a_list_of_what_moved_a_figure_gives_the_sentences_saying_why_not_its_section(
    tmp_path, embedder, reader
):
    """ "What factors affected gross margin?" named the "Gross Margin" heading, and its
    paragraphs' first sentences (the figures) were the list: a cause is said in sentences."""
    rag = one_document(tmp_path, "report.md", MARGINS, embedder, reader)
    a = rag.ask("What factors affected gross margin in the quarter?")
    assert a.form == "list" and not a.abstained, a.why
    assert {c.quote for c in a.citations} >= {
        "The ferry crossings gross margin increase was due primarily to higher fares.",
        "The freight gross margin decrease was due primarily to fewer sailings in the ice season.",
    }


GUIDANCE = (
    "# Quarterly Report\n\n"
    "## Results\n\n"
    "Ferry crossings rose 4% on the year as the summer season ran long.\n\n"
    "## Guidance\n\n"
    "We provided guidance on August 3, 2023, in our earnings release. These statements are "
    "subject to substantial uncertainty. Third Quarter Guidance • Revenue is expected to be "
    "between $38.0 million and $43.0 million.\n\n"
    "• Operating income is expected to be between $5.5 million and $8.5 million."
)


def test_what_guidance_was_given_is_the_guidance_sections_items(tmp_path, embedder, reader):
    """ "What guidance did the company give?" names the "Guidance" section ("give" asks, it
    names nothing a sentence must say), and a bullet the PDF ran into the sentence before it
    ("... Third Quarter Guidance • Revenue is expected ...") is an item of its own."""
    rag = one_document(tmp_path, "report.md", GUIDANCE, embedder, reader)
    a = rag.ask("What guidance did the company give?")
    assert not a.abstained, a.why
    assert a.form == "list"
    assert [c.quote for c in a.citations] == [
        "We provided guidance on August 3, 2023, in our earnings release.",
        "Third Quarter Guidance • Revenue is expected to be between $38.0 million and $43.0 "
        "million.",
        "• Operating income is expected to be between $5.5 million and $8.5 million.",
    ]
    # the list's own bullet, not the document's as well
    assert "- Operating income is expected to be between" in a.answer


def test_a_list_asked_of_no_period_is_the_latest_reports_section(tmp_path, embedder, reader):
    """ "List Apple's reportable segments." had listed the 2022 filing's section: a passage of
    it was retrieved before the latest's. Asked of no period, the latest report's section,
    whichever report's passage was retrieved first; a period named reads its own."""
    from dataclasses import replace

    from rag.answer.sections import section_list
    from tests.conftest import rag_over

    def report(quarter: str, third: str) -> str:
        return (
            f"# Acme quarterly report for {quarter}\n\n## Legal Proceedings\n\n"
            "In May 2021, Nordvik Ferry Lines filed a complaint against Acme in Oslo.\n\n"
            f"In June 2021, {third} sued Acme over delayed crossings.\n\n"
            "## Results\n\nAcme ran four ferries."
        )

    rag = rag_over(
        tmp_path,
        {
            "2022 Q4 ACME.md": report("Q4 2022", "a group of passengers"),
            "2023 Q2 ACME.md": report("Q2 2023", "a harbour authority"),
            # another company's: the name "Acme" chooses Acme's reports
            "2023 Q2 ZETA.md": report("Q2 2023", "a port").replace("Acme", "Zeta"),
        },
        embedder,
        reader,
    )
    snap, layout = rag.store.current(), rag.library.layout

    def listed(question: str) -> set[str]:
        found = rag.retriever.run(question, 4)
        older = sorted(found, key=lambda p: p.chunk.doc != "2022 Q4 ACME.md")
        passages = [replace(p, rank=r) for r, p in enumerate(older, 1)]
        out = section_list(question, question, snap, layout, passages, 5)
        return {s[1].chunk.doc for s in out.supports}

    assert listed("What legal proceedings does Acme disclose?") == {"2023 Q2 ACME.md"}
    assert listed("What legal proceedings did Acme disclose in Q4 2022?") == {"2022 Q4 ACME.md"}
    # asked over the reports, the section retrieval ranked first
    assert listed("What legal proceedings do Acme's 10-Qs disclose?") == {"2022 Q4 ACME.md"}


def test_a_list_of_segments_names_each_segment_once(tmp_path, embedder, reader):
    """ "What segments does Apple report?" listed its segment note's rows, two of each of the
    first three segments, and never reached "Japan": each segment's first row, all of them."""
    segments = ("North", "South", "East", "West")
    rows = "\n\n".join(
        f"{s}: {m} — Three Months Ended July 1, 2023: {v}"
        for i, s in enumerate(segments)
        for m, v in (("Net sales", f"{i + 1},000"), ("Operating income", f"{i + 1}00"))
    )
    text = (
        "# Quarterly Report\n\n## Segment Information\n\n" + rows + "\n\n## Legal Proceedings\n\n"
    )
    text += "In May 2023, a supplier filed a complaint against the Company in Oslo."
    rag = one_document(tmp_path, "report.md", text, embedder, reader)
    a = rag.ask("What segments does the Company report?")
    assert a.form == "list" and not a.abstained, a.why
    assert [c.quote.split(":")[0] for c in a.citations] == list(segments)
    assert all(": Net sales — " in c.quote for c in a.citations)


def test_a_list_a_sentence_introduces_gives_its_bulleted_items(tmp_path, embedder, reader):
    """ "What new products did Apple announce in Q3 2023?" had listed the product categories
    under "Products and Services Performance"; the sentence saying every word asked by and
    ending in a colon introduces the list: its bullets are the items, each cited exactly."""
    items = [
        "15-inch MacBook Air, powered by the M2 chip",
        "Mac Studio, powered by the M2 Max chip",
        "Mac Pro, powered by the new M2 Ultra chip",
    ]
    text = (
        "# Quarterly Report\n\n## Quarterly Highlights\n\n"
        "During the third quarter of 2023, the Company announced the following new products:\n\n"
        f"• {items[0]}; • {items[1]}; and • {items[2]}.\n\n"
        "The Company also announced updates to its operating systems.\n\n"
        "## Products and Services Performance\n\n### iPhone\n\niPhone net sales decreased.\n\n"
        "### Mac\n\nMac net sales decreased.\n\n### iPad\n\niPad net sales decreased.\n\n"
        "### Services\n\nServices net sales increased."
    )
    rag = one_document(tmp_path, "report.md", text, embedder, reader)
    a = rag.ask("What new products did the Company announce?")
    assert a.form == "list" and not a.abstained, a.why
    assert [c.quote for c in a.citations] == items
    whole = rag.library.layout("report.md").text
    assert all(whole[c.start : c.end] == c.quote for c in a.citations)
    # no sentence introduces what the products are: the section's headed parts list them
    b = rag.ask("What products does the Company report?")
    assert [c.quote for c in b.citations] == ["iPhone", "Mac", "iPad", "Services"]


def test_a_short_item_that_ends_as_a_sentence_stays_in_the_list(tmp_path, embedder, reader):
    """ "Pregnancy or breastfeeding." (three words) had been left out as a heading would be."""
    text = (
        "# Study Protocol\n\n"
        "## Exclusion Criteria\n\n"
        "Participants meeting any of the following criteria will be excluded:\n\n"
        "1. Current smokers with a smoking history of more than 10 pack-years.\n"
        "2. Pregnancy or breastfeeding.\n"
        "3. Treatment with a biologic therapy within 6 months before screening.\n\n"
        "## Study Design\n\n"
        "Participants will attend 8 clinic visits over 28 weeks.\n"
    )
    rag = one_document(tmp_path, "protocol.md", text, embedder, reader)
    a = rag.ask("What are the exclusion criteria?")
    assert a.form == "list" and not a.abstained, a.why
    assert [c.quote for c in a.citations] == [
        "Current smokers with a smoking history of more than 10 pack-years.",
        "Pregnancy or breastfeeding.",
        "Treatment with a biologic therapy within 6 months before screening.",
    ]


MANUAL_TXT = """AquaPure 300 Water Filter - User Manual

SAFETY WARNINGS

Do not use the filter with water that is microbiologically unsafe.
Unplug the unit before cleaning or replacing the filter cartridge.

REPLACING THE FILTER CARTRIDGE

Replace the cartridge every six months, or sooner if the flow rate drops
noticeably.

1. Turn off the water supply and unplug the unit.
2. Rotate the old cartridge a quarter turn and pull it out.
3. Insert the new cartridge and flush it for five minutes.

TROUBLESHOOTING

If water leaks from the base, check that the
O-ring is in place and not damaged.
"""


def test_a_plain_texts_capitalised_headings_are_its_sections(tmp_path, embedder, reader):
    """A .txt file had no sections: "What are the safety warnings?" was refused and "How do I
    replace the filter cartridge?" answered from the troubleshooting's O-ring sentence."""
    rag = one_document(tmp_path, "manual.txt", MANUAL_TXT, embedder, reader)
    assert [p for _, p in rag.library.layout("manual.txt").sections] == [
        "SAFETY WARNINGS",
        "REPLACING THE FILTER CARTRIDGE",
        "TROUBLESHOOTING",
    ]
    a = rag.ask("What are the safety warnings?")
    assert [c.quote for c in a.citations] == [
        "Do not use the filter with water that is microbiologically unsafe.",
        "Unplug the unit before cleaning or replacing the filter cartridge.",
    ]
    b = rag.ask("How do I replace the filter cartridge?")
    assert not b.abstained, b.why
    assert [c.quote[:2] for c in b.citations][-3:] == ["1.", "2.", "3."]
    # the wrapped sentence is one, its quote exact
    c = rag.ask("What should I check if water leaks from the base?")
    assert not c.abstained, c.why
    assert c.citations[0].quote == (
        "If water leaks from the base, check that the\nO-ring is in place and not damaged."
    )
    # a summary of the whole text reads its wrapped sentences too
    d = rag.ask("Summarize the document.")
    assert "If water leaks from the base, check that the\nO-ring is in place and not damaged." in [
        x.quote for x in d.citations
    ]


def test_a_calls_summary_passes_over_what_speakers_say_in_every_sentence():
    """ "I think, you know, we're really going to see things get better" had been picked: its
    words are a call's most frequent."""
    from rag.answer.overview import most_said

    said = [
        "Product revenue for the quarter was $394 million, up 84% year-over-year.",
        "I think, you know, we're really going to see things get better, right.",
        "Yeah, I think that's right, I mean we're going to see a lot of things like that.",
        "Remaining performance obligations totaled $2.6 billion, up 82% year-over-year.",
        "So I think, look, it's going to be a good year, I think, really.",
        "Our net revenue retention rate was 174%.",
    ]
    assert most_said(said, lambda x: x, 3) == [said[0], said[3], said[5]]


def test_a_summary_of_the_memo_reads_the_document_named_a_memo(tmp_path, embedder, reader):
    """ "Summarize the memo." had summarized another document: "memo" is in the file's name,
    not in its passages."""
    from tests.conftest import rag_over

    files = {
        "Dredging memo.txt": (
            "MEMORANDUM\n\nTo: Amur Shipping Council\nFrom: Pavel Orlov\n\n"
            "The spring dredging of the channel will start on 2 May 2023 and last three weeks.\n\n"
            "The budget approved for the works is 48 million roubles.\n"
        ),
        "Glacier call.txt": (
            "Glacier Data Earnings Call\n\nMaria Lind, Founder\n\n"
            "Product revenue for the quarter was $394 million, up 85% year over year.\n\n"
            "We now have 6,322 total customers across our regions.\n"
        ),
    }
    rag = rag_over(tmp_path, files, embedder, reader)
    a = rag.ask("Summarize the memo.")
    assert not a.abstained, a.why
    assert {c.doc for c in a.citations} == {"Dredging memo.txt"}
    assert len(a.citations) == 2
