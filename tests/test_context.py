"""Retrieval that knows the document: two reports alike but for their titles (issue 24)."""

import pytest

from rag import RAG, Settings
from rag.answer.abstain import missing_numbers
from rag.answer.reading import ReaderGenerator
from rag.context import DocumentKeys, embedding_text, known_text
from rag.ingest.chunk import Chunk
from rag.steering import steered_documents, within_query
from tests.conftest import build_rag

BODY = (
    "<p>Product revenue grew {growth} percent to $ {revenue} billion, led by demand for the "
    "data platform.</p><p>Operating margin was {margin} percent of revenue.</p>"
)
REPORTS = {
    "a.html": ("Q1 2022 report", {"growth": 12, "revenue": "4.1", "margin": 5}),
    "b.html": ("Q1 2023 report", {"growth": 48, "revenue": "9.3", "margin": 9}),
}


def reader_rag(tmp_path, embedder, **settings) -> RAG:
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, (title, facts) in REPORTS.items():
        html = (
            f"<html><head><title>{title}</title></head><body>{BODY.format(**facts)}</body></html>"
        )
        (docs / name).write_text(html, encoding="utf-8")
    s = Settings(
        documents_dir=docs,
        index_dir=tmp_path / "index",
        cache_dir=tmp_path / "cache",
        generator="reader",
        **settings,
    )
    rag = RAG(s, embedder=embedder)
    rag.refresh()
    return rag


@pytest.fixture(scope="module")
def reports(tmp_path_factory, embedder) -> RAG:
    return reader_rag(tmp_path_factory.mktemp("reports"), embedder)


@pytest.fixture(scope="module")
def reports_unsteered(tmp_path_factory, embedder) -> RAG:
    return reader_rag(tmp_path_factory.mktemp("unsteered"), embedder, doc_steer="off")


@pytest.fixture(scope="module")
def reports_restricted(tmp_path_factory, embedder) -> RAG:
    return reader_rag(tmp_path_factory.mktemp("restricted"), embedder, doc_steer="restrict")


def test_the_question_naming_q1_2023_cites_the_q1_2023_report(reports):
    for question in (
        "How much did product revenue grow in Q1 2023?",
        "How much did product revenue grow in the first quarter of fiscal 2023?",
    ):
        answer = reports.ask(question)
        assert not answer.abstained, answer.why
        assert [c.doc for c in answer.citations] == ["b.html"]
        assert answer.short_answer.doc == "b.html"
        assert answer.citations[0].quote.startswith("Product revenue grew 48 percent")


@pytest.mark.parametrize("steered", ["reports", "reports_restricted"])
def test_the_question_naming_q1_2022_cites_the_q1_2022_report(steered, request):
    # this tiny report is one passage and the reader reads three: "prefer" (the default) reads
    # only it as "restrict" does, the named reports being dated (periodic look-alikes)
    for question in (
        "How much did product revenue grow in Q1 2022?",
        "How much did product revenue grow in Q1 FY22?",  # an earnings call's way
    ):
        answer = request.getfixturevalue(steered).ask(question)
        assert [c.doc for c in answer.citations] == ["a.html"]
        assert answer.citations[0].quote.startswith("Product revenue grew 12 percent")


def test_title_words_steer_but_are_never_quoted(reports, embedder):
    snap = reports.store.current()
    by_doc = {c.doc: c for c in snap.chunks}
    b = by_doc["b.html"]
    assert b.context == "Q1 2023 report | b" and "2023" not in b.text
    assert b.text == reports.layout("b.html").text[b.start : b.end]
    # embedded with its file name's words; BM25 scores the passage's own words (rag.context)
    assert embedding_text(b) == "b\n" + b.text
    [(key, vector_cos)] = snap.dense(embedder.embed([embedding_text(b)]), 1)
    assert snap.chunk(key).doc == "b.html" and vector_cos > 0.999
    assert snap.lexical("2023", 5) == []
    answer = reports.ask("How much did product revenue grow in Q1 2023?")
    for c in answer.citations:
        assert "2023" not in c.quote and "report" not in c.quote
        text = reports.layout(c.doc).text
        assert text[c.start : c.end] == c.quote
    assert all("Q1 2023" not in p.to_dict()["text"] for p in answer.passages)


@pytest.mark.parametrize("mode", ["prefer", "restrict"])
def test_steering_puts_the_report_named_first(reports, mode):
    retriever = reports.retriever
    retriever.doc_steer = mode
    try:
        for question, doc in (
            ("What was the operating margin in Q1 2022?", "a.html"),
            ("What was the operating margin in the first quarter of 2023?", "b.html"),
        ):
            passages = retriever.run(question, 5)
            # only the named report's passages, though it has fewer than asked: the other
            # report's are of another period, and the reader would read them
            assert {p.chunk.doc for p in passages} == {doc}
    finally:
        retriever.doc_steer = reports.settings.doc_steer


def test_a_year_only_in_a_title_is_no_reason_to_refuse(reports_unsteered):
    rag = reports_unsteered
    question = "How much did product revenue grow in 2023?"
    passages = rag.retriever.run(question, 3)
    assert {p.chunk.doc for p in passages} == {"a.html", "b.html"}
    assert missing_numbers(question, " ".join(p.chunk.text for p in passages)) == {"2023"}
    assert missing_numbers(question, known_text(passages)) == set()
    answer = rag.ask(question)
    assert answer.reason != "missing_numbers"
    # a year no title, file name nor passage holds still is
    answer = rag.ask("How much did product revenue grow in 2019?")
    assert answer.abstained and answer.reason == "missing_numbers" and "2019" in answer.why


def test_context_survives_the_index_on_disk(reports, embedder):
    from rag.store.segments import IndexStore

    again = IndexStore(reports.settings.index_dir, embedder, 200, 40).load()
    assert sorted(c.context for c in again.chunks) == ["Q1 2022 report | a", "Q1 2023 report | b"]


def test_a_cover_heading_or_a_shared_title_shows_as_the_file_name(tmp_path, make_rag):
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, title in [
        ("2022 Q3 AAPL.html", "SECURITIES AND EXCHANGE COMMISSION"),
        ("2023 Q1 AAPL.html", "Quarterly results"),
        ("2023 Q2 AAPL.html", "Quarterly results"),
        ("notes.html", "Harbin ferry notes"),
    ]:
        body = f"<p>The filing {name} reports net sales and margins for the period.</p>"
        (docs / name).write_text(
            f"<html><head><title>{title}</title></head><body>{body}</body></html>",
            encoding="utf-8",
        )
    rag = make_rag(docs)
    assert [(d["name"], d["title"]) for d in rag.documents()] == [
        ("2022 Q3 AAPL.html", "2022 Q3 AAPL"),
        ("2023 Q1 AAPL.html", "2023 Q1 AAPL"),
        ("2023 Q2 AAPL.html", "2023 Q2 AAPL"),
        ("notes.html", "Harbin ferry notes"),
    ]
    assert rag.document("2023 Q2 AAPL.html")["title"] == "2023 Q2 AAPL"
    # the cover heading is not searched as the document's title either
    first = rag.store.current().doc_chunks("2022 Q3 AAPL.html")[0]
    assert first.context.split(" | ")[0] == "2022 Q3 AAPL"


RISKY_REPORT = (
    "# Nordvik Ferry Lines quarterly report\n\n## Note 4 — Acquisitions\n\n"
    "In August 2023, we entered into an agreement to acquire Baltic Tug Company for "
    "approximately $40 million, subject to customary closing conditions.\n\n"
    + " ".join(f"Ferry route {i} carried {100 + i} passengers a day in summer." for i in range(30))
    + "\n\n## Risk Factors\n\n### We May Be Unsuccessful in Making and Integrating Acquisitions\n\n"
    + " ".join(
        f"Acquisitions in market {i} could expose us to risks we cannot foresee." for i in range(30)
    )
    + "\n"
)


def test_risk_factors_come_after_what_happened_unless_risk_is_asked(tmp_path, embedder):
    """A filing's risk factors share the words of a question about what happened ("Did
    Nordvik report any acquisitions?") and led its ranking; they come after the other
    passages, first again when the question asks about risk."""

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "nordvik.md").write_text(RISKY_REPORT, encoding="utf-8")
    rag = build_rag(docs, tmp_path, embedder, None)
    done = rag.retriever.run("Did Nordvik report any acquisitions?", 3)
    assert "Risk Factors" not in " ".join(p.chunk.context for p in done)
    assert any("Baltic Tug" in p.chunk.text for p in done)
    risk = rag.retriever.run("What risks do acquisitions pose to Nordvik?", 3)
    assert "Risk Factors" in risk[0].chunk.context


def test_a_filings_risk_factors_item_comes_last_under_its_own_long_headings(tmp_path, embedder):
    """A passage's heading path keeps its deepest heading ("We May Be Unsuccessful in Making
    ... Acquisitions ..."), not "Item 1A. Risk Factors" above it: the item runs to the next
    item, and its passages come after what happened all the same."""
    acquired = " ".join(
        f"The acquired fleet {i} was recorded at fair value of ${i + 3} million." for i in range(8)
    )
    report = RISKY_REPORT.replace(
        "## Risk Factors\n\n### We May Be Unsuccessful in Making and Integrating Acquisitions",
        f"## Note 5 — Acquired Fleets\n\n{acquired}\n\n## Item 1A. Risk Factors\n\nThe risks "
        "below could harm our business.\n\n### We May Be Unsuccessful in Making, Integrating, "
        "and Maintaining the Acquisitions of Ferry Lines and Tug Companies in Our Markets",
    )
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "nordvik.md").write_text(report, encoding="utf-8")
    rag = build_rag(docs, tmp_path, embedder, None)
    done = rag.retriever.run("Did Nordvik report any acquisitions?", 3)
    assert any("Baltic Tug" in p.chunk.text for p in done)
    # the notes' passages (one runs on into the item's first lines), none of the item's own
    assert not any(p.chunk.text.startswith(("Acquisitions in market", "We May")) for p in done)
    risk = rag.retriever.run("What risks do acquisitions pose to Nordvik?", 3)
    assert "could expose us" in risk[0].chunk.text


def test_a_company_no_document_names_is_refused_though_the_reader_finds_a_figure(reports):
    """ "What was NVIDIA's revenue?" over another company's reports read a figure of theirs;
    capitals no document holds refuse it, named in the reason (possessive or not)."""
    for question in ("What was NVIDIA's product revenue in Q1 2023?", "What was the ACME revenue?"):
        a = reports.ask(question)
        assert a.abstained and a.reason == "missing_names", (question, a.answer)
        assert a.why.startswith("The documents never mention ") and a.why.rstrip(".").split()[
            -1
        ] in (
            "NVIDIA",
            "ACME",
        )
    assert not reports.ask("How much did product revenue grow in Q1 2023?").abstained
    # a name written as a word, whose revenue is asked: not the documents' company either
    for question, name in (
        ("What is Globex's operating margin?", "Globex"),
        ("How much did Tesla's product revenue grow?", "Tesla"),
    ):
        a = reports.ask(question)
        assert a.abstained and a.why == f"The documents never mention {name}.", a.answer
    assert not reports.ask("What is the operating margin?").abstained


def test_one_company_over_two_quarters_reads_that_companys_reports(tmp_path, embedder):
    """ "Apple's total net sales between Q1 2023 and Q3 2023" named two periods, so no document
    was steered to, and another company's reports of those quarters, saying the question's
    words more often, answered it. One name over several periods is still that name's."""
    docs = tmp_path / "docs"
    docs.mkdir()
    sales = {
        ("Birch Foods", "Q1 2023"): "410",
        ("Birch Foods", "Q3 2023"): "455",
        ("Amur Shipping", "Q1 2023"): "1,200",
        ("Amur Shipping", "Q3 2023"): "1,350",
    }
    for (company, quarter), value in sales.items():
        page = f"{company} {quarter} report\n\nTotal net sales were ${value} million this quarter."
        if company == "Amur Shipping":
            page += (
                " Total net sales grew as net sales of freight and total net sales of berths rose."
            )
        (docs / f"{quarter} {company}.txt").write_text(page, encoding="utf-8")
    rag = build_rag(docs, tmp_path, embedder, ReaderGenerator("shipped"))
    a = rag.ask(
        "What is the difference in Birch Foods' total net sales between Q1 2023 and Q3 2023?"
    )
    assert not a.abstained, a.why
    assert {c.doc for c in a.citations} == {"Q1 2023 Birch Foods.txt", "Q3 2023 Birch Foods.txt"}
    assert a.answer.splitlines()[-1].startswith("- Change: from $410 million to $455 million")


def test_the_names_of_a_reports_parts_are_no_words_a_summary_must_share(tmp_path, embedder):
    """ "... combine the data on debt from the financial statements with the management
    discussion": "financial statements" and "management discussion" say where to look, and
    had made a 10-Q's boilerplate about its financial statements the summary's items."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "Q1 2023 Nordvik.txt").write_text(
        "Nordvik Q1 2023 report\n\n"
        "The preparation of these condensed consolidated financial statements requires "
        "management to make estimates and assumptions. In the opinion of management, the "
        "financial statements reflect all adjustments necessary for a fair presentation. "
        "Management's discussion is set out below.\n\n"
        "Nordvik issued $2.0 billion of senior notes in March 2023 to refinance its term debt. "
        "The debt carries interest at 4.5% payable semi-annually.",
        encoding="utf-8",
    )
    rag = build_rag(docs, tmp_path, embedder, ReaderGenerator("shipped"))
    a = rag.ask(
        "In Nordvik's Q1 2023 report, combine the data on Nordvik's debt from the financial "
        "statements with the management discussion to understand their strategy."
    )
    assert not a.abstained, a.why
    quoted = " ".join(c.quote for c in a.citations)
    assert "senior notes" in quoted
    assert "financial statements" not in quoted and "Management" not in quoted


def test_a_company_typed_in_lower_case_steers_as_its_name_does(tmp_path, embedder):
    """A chat box's "birch foods net sales in Q1 2023": only a capitalised word names the
    documents, so "birch" steered nowhere and another company's report, saying the question's
    words more often, answered it. A name no document writes in lower case is read as written;
    a word some document does ("freight") is not."""
    from rag.questions import known_names

    docs = tmp_path / "docs"
    docs.mkdir()
    for company, value in (("Birch Foods", "410"), ("Amur Shipping", "1,200")):
        page = f"{company} Q1 2023 report\n\nTotal net sales were ${value} million this quarter."
        if company == "Amur Shipping":
            page += " Total net sales grew as net sales of freight and total net sales rose."
        (docs / f"Q1 2023 {company}.txt").write_text(page, encoding="utf-8")
    rag = build_rag(docs, tmp_path, embedder, ReaderGenerator("shipped"))
    names = known_names(rag.store.current(), "birch, amur or freight sales")
    assert names == {"birch": "Birch", "amur": "Amur"}  # "freight" is written in lower case
    a = rag.ask("what were birch foods total net sales in q1 2023?")
    assert not a.abstained, a.why
    assert {c.doc for c in a.citations} == {"Q1 2023 Birch Foods.txt"}
    assert "$410 million" in a.answer
    # typed as a search, not a question: the reader is asked the question it was trained on
    b = rag.ask("birch foods total net sales in q1 2023")
    assert not b.abstained, b.why
    assert [c.doc for c in b.citations] == ["Q1 2023 Birch Foods.txt"]


def test_the_first_nine_months_of_a_year_read_the_filing_they_end_with(tmp_path, embedder):
    """ "... in the first nine months of 2023" had no period: the second quarter's "six months"
    sentence answered it. The nine months end with the third quarter's filing."""
    docs = tmp_path / "docs"
    docs.mkdir()
    said = {
        "2023 Q2 Birch.txt": "During the six months ended July 1, 2023, Birch Foods repurchased "
        "262 million shares of its common stock.",
        "2023 Q3 Birch.txt": "During the nine months ended September 30, 2023, Birch Foods "
        "repurchased 365 million shares of its common stock.",
    }
    for name, sentence in said.items():
        (docs / name).write_text(f"Birch Foods quarterly report.\n\n{sentence}", encoding="utf-8")
    rag = build_rag(docs, tmp_path, embedder, ReaderGenerator("shipped"))
    a = rag.ask("How many shares did Birch Foods repurchase in the first nine months of 2023?")
    assert not a.abstained, a.why
    assert [c.doc for c in a.citations] == ["2023 Q3 Birch.txt"]


def test_a_day_the_question_names_reads_the_report_whose_period_ended_on_it(tmp_path, embedder):
    """ "as of December 31, 2022" read the 2022 report by the date's year: a fiscal year's
    first quarter (titled 2023) ended then. The cover says the day its period ended."""
    docs = tmp_path / "docs"
    docs.mkdir()
    covers = {
        "2022 Q4 Birch.txt": ("September 24, 2022", "338"),
        "2023 Q1 Birch.txt": ("December 31, 2022", "346"),
        "2023 Q2 Birch.txt": ("April 1, 2023", "332"),
    }
    for name, (day, assets) in covers.items():
        (docs / name).write_text(
            f"Birch Foods quarterly report.\n\nFor the quarterly period ended {day}.\n\n"
            f"Total assets of Birch Foods were ${assets} billion at the end of the quarter.",
            encoding="utf-8",
        )
    with open(docs / "2022 Q4 Birch.txt", "a", encoding="utf-8") as f:
        f.write(" Total assets are planned to reach $350 billion by December 31, 2022.")
    rag = build_rag(docs, tmp_path, embedder, ReaderGenerator("shipped"))
    a = rag.ask("What were Birch Foods' total assets as of December 31, 2022?")
    assert not a.abstained, a.why
    assert [c.doc for c in a.citations] == ["2023 Q1 Birch.txt"]
    assert a.short_answer.text == "$346 billion"


def test_a_fiscal_quarter_reads_the_report_that_says_it_reports_it(tmp_path, embedder):
    """A company whose fiscal year ends in June: the report named "2023 Q1" is of its second
    fiscal quarter. "The second quarter of fiscal year 2023" read the report named "2023 Q2"
    (its third) by the name; "Q2 2023" still reads that report, as its name says."""
    docs = tmp_path / "docs"
    docs.mkdir()
    reports = {
        "2023 Q1 Larch.txt": ("second", "52.7"),
        "2023 Q2 Larch.txt": ("third", "52.9"),
    }
    for name, (quarter, revenue) in reports.items():
        (docs / name).write_text(
            f"Larch Software quarterly report.\n\nRevenue for the {quarter} quarter of fiscal "
            f"year 2023 compared with the {quarter} quarter of fiscal year 2022 rose to "
            f"${revenue} billion.",
            encoding="utf-8",
        )
    rag = build_rag(docs, tmp_path, embedder, ReaderGenerator("shipped"))
    a = rag.ask("What was Larch Software's revenue in the second quarter of fiscal year 2023?")
    assert not a.abstained, a.why
    assert (
        a.question == "What was Larch Software's revenue in the second quarter of fiscal year 2023?"
    )
    assert [c.doc for c in a.citations] == ["2023 Q1 Larch.txt"]
    assert a.short_answer.text == "$52.7 billion"
    b = rag.ask("What was Larch Software's revenue in Q2 2023?")
    assert [c.doc for c in b.citations] == ["2023 Q2 Larch.txt"]


def test_of_two_paired_figures_the_answer_is_the_days_the_question_names(tmp_path, embedder):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "note.txt").write_text(
        "Birch Foods inventory note.\n\nThe inventory valuation allowance was $2.8 billion and "
        "$2.7 billion as of December 31, 2022 and June 30, 2023.",
        encoding="utf-8",
    )
    rag = build_rag(docs, tmp_path, embedder, ReaderGenerator("shipped"))
    for day, figure in (("December 31, 2022", "$2.8 billion"), ("June 30, 2023", "$2.7 billion")):
        a = rag.ask(f"What was the inventory valuation allowance as of {day}?")
        assert not a.abstained, a.why
        assert a.short_answer.text == figure


def test_a_question_asking_why_quotes_the_sentence_saying_why_of_its_period_and_direction(
    tmp_path, embedder
):
    """A filing's discussion says why in one shape for each period and figure, and the reader
    gives one span a passage: it fell on the nine months' sentence, not the quarter's."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "2023 Q3 Birch.txt").write_text(
        "Birch Foods quarterly report.\n\n"
        "Net sales by region were as follows. Greater Asia net sales decreased during the "
        "first nine months of 2023 due primarily to lower net sales of oat milk. Greater "
        "Asia net sales decreased during the third quarter of 2023 due primarily to lower "
        "net sales of rye bread. Europe net sales increased during the third quarter of 2023 "
        "due primarily to higher net sales of barley flour.",
        encoding="utf-8",
    )
    rag = build_rag(docs, tmp_path, embedder, ReaderGenerator("shipped"))
    a = rag.ask("Why did Birch Foods' Greater Asia net sales fall in Q3 2023?")
    assert not a.abstained, a.why
    assert a.citations[0].quote.startswith("Greater Asia net sales decreased during the third")
    assert "rye bread" in a.short_answer.text


DIVIDENDS = {
    "2023 Q1 Birch.txt": ("April 1, 2023", "March 14, 2023", "$0.68", "5,060"),
    "2023 Q2 Birch.txt": ("July 1, 2023", "June 13, 2023", "$0.68", "5,054"),
    "2023 Q3 Birch.txt": ("September 30, 2023", "August 15, 2023", "$0.75", "5,573"),
}


def test_a_day_the_question_names_answers_from_the_row_it_heads(tmp_path, embedder):
    """ "declared on August 15, 2023": no report's period ended that day; the row that day
    heads answers, its cell the one the question names, though a row of each quarter's
    dividends per share says "dividends" too. A day no document names is said as a day."""
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, (ended, day, per_share, amount) in DIVIDENDS.items():
        (docs / name).write_text(
            f"Birch Foods quarterly report.\n\nFor the quarterly period ended {ended}.\n\n"
            f"Cash dividends declared per common share — Three Months Ended {ended}: "
            f"{per_share}\n\nOur Board of Directors declared the following dividends:\n\n"
            f"{day} — Record Date: May 18, 2023; Dividend Per Share: {per_share}; "
            f"Amount: ${amount}\n",
            encoding="utf-8",
        )
    rag = build_rag(docs, tmp_path, embedder, ReaderGenerator("shipped"))
    a = rag.ask("How much did Birch Foods pay per share in dividends declared on August 15, 2023?")
    assert not a.abstained, a.why
    assert [c.doc for c in a.citations] == ["2023 Q3 Birch.txt"]
    assert a.short_answer.text == "$0.75"
    b = rag.ask("What total amount of dividends did Birch Foods declare on June 13, 2023?")
    assert b.short_answer.text == "$5,054"
    c = rag.ask("What dividend per share did Birch Foods declare on December 12, 2023?")
    assert c.abstained and c.why == "The documents never mention December 12, 2023."


def test_a_day_no_period_ended_on_steers_to_the_reports_naming_it():
    """No report's period ended on August 15, 2023; one report's passages name that day."""
    keys = {
        name: DocumentKeys(
            Chunk(f"{name}::0", name, 0, 9, f"For the quarterly period ended {ended}."),
            name,
            [f"Dividends declared on {day}: {per_share}."],
        )
        for name, (ended, day, per_share, _) in DIVIDENDS.items()
    }
    asked = "Birch Foods dividends declared on August 15, 2023?"
    assert steered_documents(asked, keys) == {"2023 Q3 Birch.txt"}
    assert steered_documents("Birch Foods dividends declared on May 2, 2023?", keys) is None


def test_a_quarter_no_report_covers_reads_the_report_that_speaks_of_it(tmp_path, embedder):
    """ "What is Birch's guidance for Q4 2023?" over reports of Q2 and Q3 2023 was refused ("No
    document covers Q4 2023"): the Q3 report's guidance names the fourth quarter in words, and
    the quarter, stripped from the search inside the reports, left only "guidance"."""
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, (then, later, low, high) in {
        "2023 Q2 Birch.txt": ("second", "Third", "138.0", "143.0"),
        "2023 Q3 Birch.txt": ("third", "Fourth", "160.0", "167.0"),
    }.items():
        (docs / name).write_text(
            f"Quarterly report.\n\nNet sales rose in the {then} quarter of 2023 as "
            "grocery demand held up.\n\nManagement does not expect that our disclosure controls "
            f"will prevent all errors.\n\n{later} Quarter 2023 Guidance • Net sales are expected "
            f"to be between ${low} billion and ${high} billion.",
            encoding="utf-8",
        )
    rag = build_rag(docs, tmp_path, embedder, ReaderGenerator("shipped"))
    a = rag.ask("What is Birch's guidance for Q4 2023?")
    assert not a.abstained, a.why
    assert a.form == "summary"
    assert [c.doc for c in a.citations] == ["2023 Q3 Birch.txt"]
    assert "$160.0 billion and $167.0 billion" in a.answer
    # a quarter no report covers nor speaks of is still refused with its reason
    b = rag.ask("What were Birch's net sales in Q2 2024?")
    assert b.abstained and "Q2 2024" in b.why
    # a quarter a report covers, looked ahead to: the report before it gave the guidance
    c = rag.ask("What guidance did Birch give for Q3 2023?")
    assert not c.abstained, c.why
    assert {x.doc for x in c.citations} == {"2023 Q2 Birch.txt"}
    assert "$138.0 billion and $143.0 billion" in c.answer


def test_a_quarter_no_report_covers_stays_in_the_search_inside_the_reports():
    keys = {
        name: DocumentKeys(Chunk(f"{name}::0", name, 0, 9, "Birch Foods"), name, texts)
        for name, texts in {
            "2023 Q2 Birch.txt": ["Third Quarter 2023 Guidance"],
            "2023 Q3 Birch.txt": ["Fourth Quarter 2023 Guidance"],
        }.items()
    }
    assert within_query("What is Birch's guidance for Q4 2023?", keys) == (
        "What is guidance for? fourth quarter"
    )
    assert steered_documents("What is Birch's guidance for Q4 2023?", keys) == {"2023 Q3 Birch.txt"}
    # a quarter a report covers, looked ahead to, is the report's before it, said in words too
    assert within_query("What is Birch's guidance for Q3 2023?", keys) == (
        "What is guidance for? third quarter"
    )
    assert steered_documents("What is Birch's guidance for Q3 2023?", keys) == {"2023 Q2 Birch.txt"}
    assert steered_documents("Birch's net sales for Q3 2023?", keys) == {"2023 Q3 Birch.txt"}
    # ... unless it names the report the guidance is in
    asked = "What guidance did Birch give in its Q3 2023 report?"
    assert steered_documents(asked, keys) == {"2023 Q3 Birch.txt"}
    # beside a quarter a report covers, one no report covers is that report's comparison
    q = "What were Birch's sales in Q3 2023 compared to Q3 2022?"
    assert within_query(q, keys) == "What were sales in compared to?"
    assert steered_documents(q, keys) is None  # two periods, one name: the comparison reads each


def test_a_day_few_passages_name_brings_its_passage_first(tmp_path, embedder):
    """ "How many shares were outstanding as of July 21, 2023?" was refused ("never mention July
    21, 2023"): the cover's line saying so, among its check boxes, came after the passages on
    shares, and the reader reads three."""
    docs = tmp_path / "docs"
    docs.mkdir()
    boxes = " ".join(
        f"Indicate by check mark whether the registrant is a filer of kind {i}. Yes No."
        for i in range(12)
    )
    shares = "\n\n".join(
        f"Shares of common stock outstanding {what} the {when} were {n} thousand, and the "
        f"shares of common stock were {how}."
        for what, when, n, how in (
            ("at the start of", "quarter", "1,300", "issued to employees"),
            ("after the repurchases of", "quarter", "1,205", "retired"),
            ("net of shares withheld in", "period", "1,198", "withheld for taxes"),
            ("at the end of", "prior year", "1,260", "issued and outstanding"),
        )
    )
    for name, (ended, cover, count) in {
        "2023 Q2 Birch.txt": ("April 1, 2023", "April 20, 2023", "1,250,000"),
        "2023 Q3 Birch.txt": ("July 1, 2023", "July 21, 2023", "1,234,000"),
    }.items():
        (docs / name).write_text(
            f"Birch Foods quarterly report for the quarterly period ended {ended}.\n\n{boxes} "
            f"{count} shares of common stock were issued and outstanding as of {cover}. {boxes}"
            f"\n\n{shares}",
            encoding="utf-8",
        )
    rag = build_rag(docs, tmp_path, embedder, ReaderGenerator("shipped"))
    a = rag.ask("How many shares of Birch common stock were outstanding as of July 21, 2023?")
    assert not a.abstained, a.why
    assert a.short_answer.text == "1,234,000"
    assert [c.doc for c in a.citations] == ["2023 Q3 Birch.txt"]
    # the passage naming the day comes first whatever the ranking found before it
    cover = next(p for p in a.passages if "July 21, 2023" in p.chunk.text)
    others = [p for p in a.passages if p is not cover]
    first = rag.retriever.with_rare_names(a.query, others, None)[0]
    assert first.chunk.chunk_id == cover.chunk.chunk_id
    # no day, no rare name: nothing moves
    q = "How many shares of Birch common stock were outstanding in Q3 2023?"
    assert rag.retriever.with_rare_names(q, others, None) == others
