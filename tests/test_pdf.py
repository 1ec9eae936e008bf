"""PDF extraction: every letter (ligatures, hyphens), no running headers, table rows as facts,
and a file the parser cannot read refused with its reason while the others are indexed."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.errors import IngestError, UploadRejected
from rag.ingest import formats
from rag.ingest import pdf as rag_pdf
from rag.ingest.documents import load_documents
from rag.ingest.formats import extract
from rag.ingest.upload import store_upload

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
HEADER = "Amur Shipping Company Quarterly Report"


def _fpdf(header: str | None = None):
    from fpdf import FPDF

    class Doc(FPDF):
        def header(self):
            if header:
                self.set_font("DejaVu", size=9)
                self.cell(0, 6, header, align="C")
                self.ln(12)

        def footer(self):
            if header:
                self.set_y(-15)
                self.set_font("DejaVu", size=9)
                self.cell(0, 8, str(self.page_no()), align="C")

    doc = Doc()
    if not FONT.exists():
        pytest.skip("DejaVuSans.ttf (Debian fonts-dejavu-core) is not installed")
    doc.add_font("DejaVu", fname=str(FONT))
    doc.set_font("DejaVu", size=11)
    doc.set_auto_page_break(False)
    return doc


# Each page's lines as printed: U+FB01 "ﬁ" and U+FB03 "ﬃ" are single ligature glyphs.
LIGATURE_PAGES = [
    ["The \ufb01nancial o\ufb03ce of the company moved to Harbin.", "Its staff grew in spring."],
    [
        "The financial year closed with a stock-based award and a finan-",
        "cial review of the stock-",
        "based plan by the o\ufb03ce.",
    ],
    ["Ferries cross the Amur every summer.", "The office opens at nine."],
]


def ligature_pdf() -> bytes:
    doc = _fpdf(HEADER)
    for lines in LIGATURE_PAGES:
        doc.add_page()
        for line in lines:
            doc.cell(0, 7, line)
            doc.ln(7)
    return bytes(doc.output())


def words_table_pdf() -> bytes:
    """A table of words (error codes: code, meaning, action) between two paragraphs, and a
    page of two-column prose, whose lines are no table."""
    doc = _fpdf()
    doc.add_page()
    doc.cell(0, 7, "The display shows a code when something is wrong.")
    doc.ln(12)
    for code, meaning, action in [
        ("Code", "Meaning", "Action"),
        ("E1", "Low water pressure", "Open the inlet valve fully"),
        ("E4", "Leak detected", "Unplug the unit and call service"),
    ]:
        doc.set_font("DejaVu", size=13 if code == "Code" else 11)  # the header set apart
        for x, text in ((10, code), (40, meaning), (110, action)):
            doc.set_x(x)
            doc.cell(60, 7, text)
        doc.ln(8)
    doc.ln(6)
    doc.set_x(10)
    doc.cell(0, 7, "Call service for any other code.")
    doc.ln(14)
    for term, meaning in [
        ("AI", "Artificial intelligence"),
        ("ASP", "Average selling price"),
        ("EPS", "Earnings per share"),
    ]:  # a glossary: no header
        doc.set_x(10)
        doc.cell(30, 7, term)
        doc.set_x(40)
        doc.cell(80, 7, meaning)
        doc.ln(8)
    doc.add_page()
    left = "The ferry crosses the river twice a day in summer and once in winter months"
    right = "Tickets are sold at the station and on board for a small extra fee paid"
    for _ in range(4):
        doc.set_x(10)
        doc.cell(90, 7, left)
        doc.set_x(110)
        doc.cell(90, 7, right)
        doc.ln(8)
    return bytes(doc.output())


def test_a_table_of_words_reads_one_row_per_line_and_two_prose_columns_stay_prose():
    ex = extract("codes.pdf", words_table_pdf())
    paragraphs = ex.text.split("\n\n")
    assert paragraphs[1:4] == [
        "E1 — Meaning: Low water pressure; Action: Open the inlet valve fully",
        "E4 — Meaning: Leak detected; Action: Unplug the unit and call service",
        "Call service for any other code.",
    ]
    assert paragraphs[4:7] == [
        "AI — Artificial intelligence",
        "ASP — Average selling price",
        "EPS — Earnings per share",
    ]
    assert "—" not in ex.text[ex.text.index("The ferry") :]


def test_ligatures_hyphens_and_running_header_and_page_numbers():
    ex = extract("report.pdf", ligature_pdf())
    assert ex.page_count == 3
    pages = ex.text.split("\n\n")
    assert pages == [
        "The financial office of the company moved to Harbin. Its staff grew in spring.",
        # "finan-/cial" is one word cut by the line end; "stock-/based" is spelled with its
        # hyphen elsewhere in the document, so the hyphen stays.
        "The financial year closed with a stock-based award and a financial review of the "
        "stock-based plan by the office.",
        "Ferries cross the Amur every summer. The office opens at nine.",
    ]
    assert HEADER not in ex.text
    assert [p for _, p in ex.pages] == [1, 2, 3]
    assert ex.page_at(ex.text.index("Ferries")) == 3


def table_pdf() -> bytes:
    """Page 1 prose; page 2 a two-period table with its title, header row and two rows."""
    doc = _fpdf()
    doc.add_page()
    doc.cell(0, 7, "Bell Instruments had a strong first quarter.")
    doc.add_page()
    doc.cell(0, 7, "Operating expenses (in thousands)")
    doc.ln(12)
    doc.set_x(110)
    doc.cell(30, 7, "Q1 2023", align="R")
    doc.set_x(150)
    doc.cell(30, 7, "Q1 2022", align="R")
    doc.ln(8)
    for label, a, b in [
        ("Research and development", "7,709", "6,306"),
        ("Sales and marketing", "1,234", "1,100"),
        ("Total operating expenses", "8,943", "7,406"),
    ]:
        doc.set_x(10)
        doc.cell(80, 7, label)
        for x, value in ((110, a), (150, b)):
            doc.set_x(x)
            doc.cell(5, 7, "$")
            doc.set_x(x + 5)
            doc.cell(25, 7, value, align="R")
        doc.ln(8)
    doc.ln(6)
    doc.set_x(10)
    doc.cell(0, 7, "Spending rose on new sensors.")
    return bytes(doc.output())


def test_a_table_row_keeps_its_label_headers_and_values_on_its_page():
    ex = extract("bell.pdf", table_pdf())
    row = "Research and development — Q1 2023: $7,709; Q1 2022: $6,306"
    assert row in ex.text.split("\n\n")
    assert ex.page_at(ex.text.index(row)) == 2
    assert ex.text.split("\n\n")[1:] == [
        "Operating expenses (in thousands)",
        row,
        "Sales and marketing — Q1 2023: $1,234; Q1 2022: $1,100",
        "Total operating expenses — Q1 2023: $8,943; Q1 2022: $7,406",
        "Spending rose on new sensors.",
    ]


def test_unmapped_ligature_glyphs_are_spelled_from_the_documents_words():
    vocab = {"financial", "office", "flows"}
    assert rag_pdf.join_lines(["the \x00nancial o\x00ce", "cash \x00ows"], vocab) == (
        "the financial office\ncash flows"
    )


def doubled_glyph_pdf() -> bytes:
    """Each glyph its own text object, as some filing software draws them: the second "f" of
    "differ" overlaps the first (a kerned pair), which PDFium drops as a fake-bold duplicate;
    "of our" has no space glyph, so PDFium writes the space after its "f" too."""
    doc = _fpdf()
    doc.add_page()

    def glyphs(x: float, y: float, text: str, overlap: int = -1) -> float:
        for i, ch in enumerate(text):
            w = doc.get_string_width(ch)
            if ch != " ":
                doc.text(x, y, ch)
            x += w * 0.45 if i == overlap else w
        return x

    x = glyphs(20, 30, "Actual results could ")
    x = glyphs(x, 30, "differ", overlap=2)
    glyphs(x, 30, " materially for half of our ferries.")
    doc.text(20, 45, "Results may differ from our estimates.")
    return bytes(doc.output())


def test_a_dropped_repeated_glyph_is_restored_from_the_documents_words():
    text = extract("doubled.pdf", doubled_glyph_pdf()).text
    assert text.startswith("Actual results could differ materially for half of our ferries.")
    assert "dif er" not in text and "offour" not in text


def test_corrupt_and_truncated_pdfs_are_refused_and_the_good_file_beside_them_loads(tmp_path):
    good = table_pdf()
    (tmp_path / "good.pdf").write_bytes(good)
    (tmp_path / "corrupt.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    (tmp_path / "zeros.pdf").write_bytes(b"\x00" * 5000)
    result = load_documents(tmp_path)
    assert [d.name for d in result.documents] == ["good.pdf"]
    assert result.errors == {
        "corrupt.pdf": "corrupt.pdf could not be read as a PDF; it may be damaged",
        "zeros.pdf": "zeros.pdf could not be read as a PDF; it may be damaged",
    }


def test_a_corrupt_pdf_upload_is_refused_with_its_reason(tmp_path):
    with pytest.raises(UploadRejected, match=r"^bad.pdf could not be read as a PDF; it may be"):
        store_upload(tmp_path, "bad.pdf", b"%PDF-1.4\n" + b"\xff" * 3000, 10**7)
    assert store_upload(tmp_path, "bell.pdf", table_pdf(), 10**7).status == "added"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".origin", "bell.pdf"]


def test_a_pdf_over_the_page_limit_is_refused_in_plain_words(monkeypatch):
    # The limits are patched in this process, so the parser runs here, not in a worker.
    monkeypatch.setattr(formats, "ISOLATE", False)
    monkeypatch.setattr(rag_pdf, "MAX_PAGES", 2)
    with pytest.raises(IngestError, match=r"^report.pdf has 3 pages, over the limit of 2 pages"):
        extract("report.pdf", ligature_pdf())
    monkeypatch.setattr(rag_pdf, "MAX_PAGES", 2000)
    monkeypatch.setattr(rag_pdf, "MAX_CHARS", 100)
    with pytest.raises(IngestError, match=r"^report.pdf holds more than 100 characters of text"):
        extract("report.pdf", ligature_pdf())


def test_rag_indexes_the_good_pdf_and_lists_the_corrupt_one_with_its_reason(tmp_path, make_rag):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "bell.pdf").write_bytes(table_pdf())
    (docs / "broken.pdf").write_bytes(b"%PDF-1.5\n1 0 obj <<>> endobj\n" + b"\x9c" * 2000)
    rag = make_rag(docs)
    assert [d["name"] for d in rag.documents()] == ["bell.pdf"]
    assert rag.load_errors == {
        "broken.pdf": "broken.pdf could not be read as a PDF; it may be damaged"
    }
    a = rag.ask("What was research and development in Q1 2023?")
    assert a.passages and a.passages[0].chunk.doc == "bell.pdf"
    # answered from the table: the Q1 2023 cell, the row line quoted exactly, on page 2
    row = "Research and development — Q1 2023: $7,709; Q1 2022: $6,306"
    assert not a.abstained and a.short_answer.text == "$7,709"
    assert [(c.doc, c.quote, c.page) for c in a.citations] == [("bell.pdf", row, 2)]
    assert rag.layout("bell.pdf").text[a.citations[0].start : a.citations[0].end] == row
    b = rag.ask("What was research and development in Q1 2022?")
    assert b.short_answer.text == "$6,306" and b.citations[0].quote == row


def two_column_pdf() -> bytes:
    """A paper's page: a title, then two columns of prose side by side, then a line across the
    page."""
    doc = _fpdf()
    doc.add_page()
    doc.set_font("DejaVu", size=10)
    doc.cell(0, 8, "Regional Trade Review")
    doc.ln(10)
    left = (
        "Cross-border trade between Heilongjiang and the Russian Far East grew quickly after "
        "2014. Most of the growth came from energy and timber, while manufactured goods lagged "
        "behind the plans of both governments for the whole decade."
    )
    right = (
        "The bridge at Blagoveshchensk opened in 2022 and cut the crossing time for trucks. "
        "Officials expect the new route to double freight volumes by the end of the decade, "
        "once the customs posts on both banks work around the clock."
    )
    y = doc.get_y()
    doc.set_xy(10, y)
    doc.multi_cell(90, 5, left)
    bottom = doc.get_y()
    doc.set_xy(110, y)
    doc.multi_cell(90, 5, right)
    doc.set_xy(10, max(bottom, doc.get_y()) + 5)
    doc.cell(
        0,
        6,
        "Both provinces publish their trade figures every spring, and both were revised in 2023.",
    )
    return bytes(doc.output())


def test_two_columns_of_prose_are_read_one_column_after_the_other():
    """Each line had read across both columns: "... between Heilongjiang and the The bridge at
    Blagoveshchensk opened in 2022 Russian Far East grew ..."."""
    text = " ".join(extract("paper.pdf", two_column_pdf()).text.split())
    assert "between Heilongjiang and the Russian Far East grew quickly" in text
    assert "The bridge at Blagoveshchensk opened in 2022 and cut the crossing time" in text
    order = [
        "Regional Trade Review",
        "Cross-border trade",
        "for the whole decade.",
        "The bridge at",
        "work around the clock.",
        "Both provinces publish",
    ]
    assert [text.index(s) for s in order] == sorted(text.index(s) for s in order)


def test_a_sentence_cut_by_the_page_break_is_one_sentence_on_its_first_page():
    """A page ending mid-sentence ("We elected the fair value" / "option to account for ...")
    had made two paragraphs, each quoted as a sentence; after a finished sentence the next page
    starts a new paragraph."""
    doc = _fpdf(HEADER)
    for lines in (
        ["The ferry fleet grew in spring. We elected the fair value"],
        ["option to account for our stake in the port."],
        ["and the office opens at nine."],
    ):
        doc.add_page()
        for line in lines:
            doc.cell(0, 7, line)
            doc.ln(8)
    ex = extract("report.pdf", bytes(doc.output()))
    assert ex.text.split("\n\n") == [
        "The ferry fleet grew in spring. We elected the fair value option to account for our "
        "stake in the port.",
        "and the office opens at nine.",
    ]
    assert ex.page_at(ex.text.index("We elected")) == 1
    assert ex.page_at(ex.text.index("option to")) == 2
    assert ex.page_at(ex.text.index("and the office")) == 3


def test_a_trademark_sign_set_apart_from_its_word_is_dropped():
    """A superscript "®" read as a word or a line of its own had led row labels ("® iPhone")
    and made paragraphs of its own ("® ® ®"); one written onto its word stays."""
    doc = _fpdf()
    doc.add_page()
    for line in ("The Company announced Mac Studio™ in June.", "® ® ®", "® iPhone sales grew."):
        doc.cell(0, 7, line)
        doc.ln(12)
    ex = extract("report.pdf", bytes(doc.output()))
    assert "®" not in ex.text
    assert ex.text.split("\n\n") == [
        "The Company announced Mac Studio™ in June.",
        "iPhone sales grew.",
    ]
