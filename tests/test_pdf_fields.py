"""A cover page's fields, each caption printed under its value (rag.ingest.pdf_fields): one
line each, caption first, so that "Where is the company headquartered?" reads its address and
never a caption. The PDF is generated; the test failed before the fix."""

from __future__ import annotations

import pytest

from rag.answer.reading import ReaderGenerator
from rag.ingest.formats import extract
from tests.conftest import build_rag
from tests.test_pdf import _fpdf


def cover_pdf() -> bytes:
    doc = _fpdf()
    doc.add_page()

    def at(x: float, text: str, size: float = 10, w: float = 80) -> None:
        doc.set_font("DejaVu", size=size)
        doc.set_x(x)
        doc.cell(w, 5, text, align="C")

    at(65, "FORM 10-Q", 16)
    doc.ln(16)
    at(65, "Bell Instruments Inc.", 14)
    doc.ln(6)
    at(65, "(Exact name of Registrant as specified in its charter)", 8)
    doc.ln(10)
    at(10, "Oregon")
    at(120, "93-1234567")
    doc.ln(5)
    at(10, "(State or other jurisdiction", 8)
    at(120, "(I.R.S. Employer Identification No.)", 8)
    doc.ln(4)
    at(10, "of incorporation or organization)", 8)
    doc.ln(10)
    at(10, "12 Harbor Road")
    doc.ln(5)
    at(10, "Portland, Oregon")
    at(120, "97201")
    doc.ln(5)
    at(10, "(Address of principal executive offices)", 8)
    at(120, "(Zip Code)", 8)
    doc.ln(12)
    # the registered securities: a header naming each column over one row
    for size, cells in (
        (
            8,
            (
                "Title of each class",
                "Trading symbol(s)",
                "Name of each exchange on which registered",
            ),
        ),
        (9, ("Common Stock, $0.01 par value", "BELL", "The Nasdaq Stock Market LLC")),
    ):
        for (x, w), cell in zip(((10, 60), (80, 30), (120, 70)), cells, strict=True):
            at(x, cell, size, w)
        doc.ln(5)
    doc.ln(11)
    doc.set_font("DejaVu", size=10)
    doc.set_x(10)
    doc.multi_cell(
        0, 5, "Indicate by check mark whether the registrant has filed all reports required."
    )
    return bytes(doc.output())


def test_each_caption_reads_beside_its_value():
    text = extract("cover.pdf", cover_pdf()).text
    lines = text.split("\n\n")
    assert "Exact name of Registrant as specified in its charter: Bell Instruments Inc." in lines
    assert "State or other jurisdiction of incorporation or organization: Oregon" in lines
    assert "I.R.S. Employer Identification No.: 93-1234567" in lines
    assert "Address of principal executive offices: 12 Harbor Road, Portland, Oregon" in lines
    assert "Zip Code: 97201" in lines
    assert (
        "Common Stock, $0.01 par value — Trading symbol(s): BELL; Name of each exchange on "
        "which registered: The Nasdaq Stock Market LLC"
    ) in lines
    # no caption is left among the values, and the prose after them is prose
    assert "(Zip Code)" not in text
    assert lines[-1].startswith("Indicate by check mark")


@pytest.fixture(scope="module")
def reader():
    return ReaderGenerator("shipped")


def test_where_a_company_is_headquartered_is_its_address(tmp_path, embedder, reader):
    """ "What is the address of ...'s principal executive offices?" had been answered "Zip
    Code", a caption, and "Where is ... headquartered?" was refused."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "bell-10q.pdf").write_bytes(cover_pdf())
    rag = build_rag(docs, tmp_path, embedder, reader)
    for q in (
        "Where is Bell Instruments headquartered?",
        "What is the address of Bell Instruments' principal executive offices?",
    ):
        a = rag.ask(q)
        assert not a.abstained, (q, a.why)
        assert "12 Harbor Road" in a.answer, (q, a.answer)
        assert "Address of principal executive offices" in a.citations[0].quote
    a = rag.ask("In which state is Bell Instruments incorporated?")
    assert a.short_answer.text == "Oregon", a.answer
    a = rag.ask("What is Bell Instruments' trading symbol?")
    assert a.short_answer.text == "BELL", a.answer
    # a field the question names all but one word of ("Number" for "No.")
    a = rag.ask("What is Bell Instruments' I.R.S. employer identification number?")
    assert a.short_answer.text == "93-1234567", a.answer
    assert a.citations[0].quote == "I.R.S. Employer Identification No.: 93-1234567"
    # "employees" is no "Employer": a field's caption holds the words asked, not their stems
    assert "93-1234567" not in rag.ask("How many employees does Bell Instruments have?").answer


def test_a_column_the_question_names_reads_its_one_value_past_rows_of_dashes():
    """ "What is Apple's trading symbol?": the passage read first held only the notes' rows,
    whose symbol is "—"; the common stock's row ends the passage before it."""
    from rag.answer.word_rows import answer_from_word_rows
    from rag.ingest.chunk import Chunk
    from rag.retrieve import Passage

    head = "Name of each exchange on which registered"
    one = f"Common Stock — Trading symbol(s): AAPL; {head}: The Nasdaq Stock Market LLC"
    notes = "\n".join(
        f"{n} Notes due 2029 — Trading symbol(s): —; {head}: The Nasdaq Stock Market LLC"
        for n in ("1.375%", "3.050%")
    )
    first = Chunk("d::0", "d", 0, len(one), one)
    second = Chunk("d::1", "d", len(one) + 1, len(one) + 1 + len(notes), notes)
    asked = "What is Apple's trading symbol?"
    read = [Passage(1, 0.9, second)]
    assert answer_from_word_rows(asked, read) is None
    out = answer_from_word_rows(asked, read, lambda p: Passage(2, 0.5, first))
    assert out.short_answer.text == "AAPL"
    assert out.supports[0][0] == one
    # a column holding two values answers neither
    two = one + "\n" + one.replace("AAPL", "APLE")
    both = Chunk("e::0", "e", 0, len(two), two)
    assert answer_from_word_rows(asked, [Passage(1, 0.9, both)]) is None


def test_a_registered_securities_column_is_a_field_of_the_steered_filing():
    """ "What is Amazon's ticker symbol?" had been refused: the cover's securities row was in
    no passage retrieved, and a field was read only from a caption's own line. A headed row's
    cells are fields too, named by their column and row; a figure's cell is not one."""
    from rag.answer.fields import field_value
    from rag.ingest.chunk import Chunk
    from rag.retrieve import Passage

    head = "Name of Each Exchange on Which Registered"
    row = f"Common Stock, par value $.01 per share — Trading Symbol(s): AMZN; {head}: Nasdaq"
    sales = "Net sales — Three Months Ended June 30, 2023: 134,383; Six Months Ended: 261,741"
    text = f"{sales}\n\n{row}"
    chunks = {"d": [Chunk("d::0", "d", 0, len(text), text)]}

    def ask(q):
        return field_value(q, ["d"], chunks.__getitem__, lambda c: Passage(1, 0.5, c), set())

    for q in (
        "What is Amazon's trading symbol?",
        "What is the trading symbol of Amazon's common stock?",
    ):
        out = ask(q)
        assert out.short_answer.text == "AMZN", q
        assert text[out.short_answer.start : out.short_answer.end] == "AMZN"
        assert out.supports[0][0] == row
    assert ask("On which exchange is Amazon's stock registered?").short_answer.text == "Nasdaq"
    assert ask("What were net sales in the three months ended June 30, 2023?") is None
    # a row's label names the row, not a column: the par value is in no cell
    assert ask("What is the par value of Amazon's common stock?") is None


def test_a_company_named_in_a_later_passage_of_the_cover_names_the_document():
    from rag.context import DocumentKeys
    from rag.ingest.chunk import Chunk

    """A cover page's fields are passages of their own: the first passage ("FORM 10-Q ...
    Commission File No.") had ended before "AMAZON.COM, INC.", and "Amazon" steered nowhere.
    The first page's passages are the opening; a text's later passages are not."""
    first = "FORM 10-Q\n\nFor the quarterly period ended September 30, 2023\n\nCommission File No."
    name = "2023 Q3 filing.pdf"
    texts = [first, "Exact name of registrant as specified in its charter: AMAZON.COM, INC."]
    chunk = Chunk(f"{name}::0", name, 0, len(first), first)
    assert "amazon" not in DocumentKeys(chunk, name, texts).names
    keys = DocumentKeys(chunk, name, texts, cover=texts)  # both passages of page 1
    assert "amazon" in keys.names
    assert keys.ended == {(2023, 9, 30)}


def test_when_a_reports_quarter_ended_is_the_day_its_cover_says(tmp_path, embedder, reader):
    """ "When did Apple's Q3 2023 fiscal quarter end?" had been answered with the fiscal year's
    end in a note ("September 24, 2022"): the report's own period ended the day its cover says,
    in the report of the quarter asked."""
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, day in (("2023 Q2 BELL.txt", "April 1, 2023"), ("2023 Q3 BELL.txt", "July 1, 2023")):
        (docs / name).write_text(
            f"FORM 10-Q\n\nFor the quarterly period ended {day}\n\nBell Instruments Inc.\n\n"
            "The Company's fiscal year ended September 24, 2022. Bell sells scales in Harbin.\n",
            encoding="utf-8",
        )
    rag = build_rag(docs, tmp_path, embedder, reader)
    a = rag.ask("When did Bell's Q3 2023 fiscal quarter end?")
    assert a.short_answer.text == "July 1, 2023", a.answer
    assert (a.citations[0].doc, a.citations[0].quote) == (
        "2023 Q3 BELL.txt",
        "For the quarterly period ended July 1, 2023",
    )


def price_table_pdf() -> bytes:
    doc = _fpdf()
    doc.add_page()
    doc.set_font("DejaVu", size=10)
    doc.multi_cell(0, 6, "Northwind Cloud offers three plans, billed annually.")
    doc.ln(4)
    for row in (
        ("Plan", "Price per month", "Storage", "Users"),
        ("Basic", "$9", "50 GB", "1"),
        ("Team", "$29", "500 GB", "10"),
        ("Enterprise", "$99", "5 TB", "Unlimited"),
    ):
        for cell in row:
            doc.cell(45, 8, cell, border=1)
        doc.ln(8)
    return bytes(doc.output())


def test_a_table_of_words_under_a_one_word_first_header_is_read_by_rows(tmp_path, embedder, reader):
    """ "Plan" over three columns had been taken for a glossary's term and the table left as
    runs of words ("Team $29 500 GB 10"): "How much storage does the Enterprise plan include?"
    was refused."""
    text = extract("pricing.pdf", price_table_pdf()).text
    assert "Enterprise — Price per month: $99; Storage: 5 TB; Users: Unlimited" in text
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "pricing.pdf").write_bytes(price_table_pdf())
    rag = build_rag(docs, tmp_path, embedder, reader)
    a = rag.ask("How much storage does the Enterprise plan include?")
    assert not a.abstained, a.why
    assert a.short_answer.text == "5 TB"
    assert a.citations[0].quote.startswith("Enterprise — ")
    # a column asked of every row: each row's line (it had been refused, three values)
    b = rag.ask("What is the price of each plan?")
    assert b.form == "list"
    assert [c.quote.split(" — ")[0] for c in b.citations] == ["Basic", "Team", "Enterprise"]
