"""PDF, DOCX, HTML and Markdown: extracted text, pages and sections, and citations into them."""

from __future__ import annotations

import io

import pytest

from rag.errors import DocumentNotFound, IngestError
from rag.ingest.formats import extract, guess_title


def make_pdf(pages: list[str], title: str | None = None) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    if title:
        pdf.set_title(title)
    for text in pages:
        pdf.add_page()
        if text:
            pdf.multi_cell(0, 8, text)
    return bytes(pdf.output())


def make_docx(blocks: list[tuple[str, str]], title: str | None = None) -> bytes:
    """blocks: ("h1"/"h2"/"p", text)."""
    import docx

    d = docx.Document()
    if title:
        d.core_properties.title = title
    for kind, text in blocks:
        if kind.startswith("h"):
            d.add_heading(text, int(kind[1]))
        else:
            d.add_paragraph(text)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


PDF_PAGES = [
    "The festival began in 1998 in Harbin. It was founded by the Harbin Music Society.",
    "The bronze bell weighs 4 tonnes and hangs in the old cathedral tower.",
    "Trade across the Amur grew by 30 percent in 2019.",
]
DOCX_BLOCKS = [
    ("h1", "Background"),
    ("p", "The Amur river forms the border for about 1,600 kilometres."),
    ("h2", "Trade"),
    ("p", "The Blagoveshchensk bridge carries trucks since 2022."),
    ("h1", "Culture"),
    ("p", "A joint ice festival is held every January."),
]


def test_pdf_text_pages_and_title():
    ex = extract("report.pdf", make_pdf(PDF_PAGES, title="Bell Report"))
    assert ex.format == "pdf" and ex.title == "Bell Report" and ex.page_count == 3
    assert ex.text.split("\n\n") == PDF_PAGES
    bell = ex.text.index("The bronze bell")
    assert ex.page_at(bell) == 2
    assert ex.page_at(ex.text.index("Trade across")) == 3
    assert ex.page_at(0) == 1 and ex.section_at(bell) is None


def test_pdf_page_numbers_skip_empty_pages():
    ex = extract("gap.pdf", make_pdf(["First page has some words.", "", "Third page words here."]))
    assert [p for _, p in ex.pages] == [1, 3]
    assert ex.page_at(ex.text.index("Third")) == 3


def test_scanned_pdf_is_refused_with_the_reason():
    with pytest.raises(IngestError, match="scan.pdf has no text layer"):
        extract("scan.pdf", make_pdf(["", ""]))


def test_broken_and_unknown_files_are_refused_in_plain_words():
    with pytest.raises(
        IngestError, match=r"^broken.pdf could not be read as a PDF; it may be damaged$"
    ):
        extract("broken.pdf", b"%PDF-1.4 not really")
    with pytest.raises(IngestError, match=r"^x.docx could not be opened as a Word"):
        extract("x.docx", b"not a zip")
    with pytest.raises(IngestError, match="add .txt, .md, .pdf, .docx or .html"):
        extract("sheet.xlsx", b"PK")
    with pytest.raises(IngestError, match="^latin1.txt is not UTF-8 text; save it as UTF-8$"):
        extract("latin1.txt", "café au lait".encode("latin-1"))


def test_docx_headings_become_section_paths():
    ex = extract("notes.docx", make_docx(DOCX_BLOCKS, title="River Notes"))
    assert ex.title == "River Notes"
    assert ex.text.startswith("Background\n\nThe Amur river forms the border")
    assert ex.section_at(ex.text.index("The Amur")) == "Background"
    assert ex.section_at(ex.text.index("Blagoveshchensk")) == "Background › Trade"
    assert ex.section_at(ex.text.index("ice festival")) == "Culture"
    assert ex.page_at(0) is None


def test_html_drops_scripts_and_navigation_and_keeps_headings():
    page = (
        b"<html><head><title>City Guide</title><script>var x = 1;</script></head><body>"
        b"<nav>Home | About</nav><h1>Harbin</h1><p>Harbin is <b>cold</b> in winter.</p>"
        b"<h2>Ice</h2><ul><li>The ice festival opens in January.</li></ul></body></html>"
    )
    ex = extract("guide.html", page)
    assert ex.title == "City Guide"
    assert ex.text == (
        "Harbin\n\nHarbin is cold in winter.\n\nIce\n\nThe ice festival opens in January."
    )
    assert ex.section_at(ex.text.index("The ice")) == "Harbin › Ice"


def test_markdown_reads_as_rendered_text():
    md = "# Trade\n\nIn **2018**, trade exceeded [$100 billion](http://x.org).\n\n## Ports\n\n- Vladivostok\n"
    ex = extract("beta.md", md.encode())
    assert ex.text == "Trade\n\nIn 2018, trade exceeded $100 billion.\n\nPorts\n\nVladivostok"
    assert ex.section_at(ex.text.index("Vladivostok")) == "Trade › Ports"
    assert ex.title == "Trade"


def test_titles_come_from_the_text_when_the_file_has_none():
    assert guess_title("Posted on\n\nCooperation between the Northeast of China grows") == (
        "Cooperation between the Northeast of China grows"
    )
    assert extract("a.txt", b"Posted on\nThe Amur Bridge Story\n").title == "The Amur Bridge Story"


def test_a_memo_is_titled_by_its_subject_not_its_address_lines():
    memo = b"MEMORANDUM\n\nTo: Amur Shipping Council\n\nFrom: Pavel Orlov, Port Director\n\n"
    assert extract(
        "m.txt", memo + b"Subject: Spring dredging of the river port\n\nText."
    ).title == ("Spring dredging of the river port")
    # without a subject line the first line that is not an address names it
    assert extract("m.txt", memo + b"Dredging starts on 20 May.\n").title == (
        "Dredging starts on 20 May"
    )


# ---- through the pipeline ------------------------------------------------------------------


@pytest.fixture
def mixed_rag(tmp_path, make_rag):
    docs = tmp_path / "mixed"
    docs.mkdir()
    (docs / "report.pdf").write_bytes(make_pdf(PDF_PAGES, title="Bell Report"))
    (docs / "notes.docx").write_bytes(make_docx(DOCX_BLOCKS, title="River Notes"))
    (docs / "guide.html").write_text(
        "<h1>Harbin</h1><p>The Sun Island park has snow sculptures.</p>", encoding="utf-8"
    )
    return make_rag(docs)


def test_citations_name_page_and_section_and_point_into_the_extracted_text(mixed_rag):
    a = mixed_rag.ask("How much does the bronze bell weigh?")
    c = a.to_dict()["citations"][0]
    assert (c["doc"], c["page"], c["section"]) == ("report.pdf", 2, None)
    text = mixed_rag.document("report.pdf")["text"]
    assert text[c["start"] : c["end"]] == c["quote"]
    assert c["quote"].startswith("The bronze bell weighs 4 tonnes")

    a = mixed_rag.ask("What does the Blagoveshchensk bridge carry?")
    c = a.to_dict()["citations"][0]
    assert (c["doc"], c["page"], c["section"]) == ("notes.docx", None, "Background › Trade")
    assert mixed_rag.document("notes.docx")["text"][c["start"] : c["end"]] == c["quote"]
    related = a.to_dict()["passages"]
    assert all({"page", "section"} <= set(p) for p in related)


def test_library_lists_shows_restricts_and_deletes(mixed_rag, tmp_path):
    rows = {d["name"]: d for d in mixed_rag.documents()}
    assert sorted(rows) == ["guide.html", "notes.docx", "report.pdf"]
    pdf = rows["report.pdf"]
    assert (pdf["title"], pdf["format"], pdf["pages"], pdf["status"]) == (
        "Bell Report",
        "pdf",
        3,
        "indexed",
    )
    assert pdf["passages"] >= 1 and pdf["bytes"] > 0 and pdf["added"]

    shown = mixed_rag.document("notes.docx")
    assert shown["sections"][1] == [shown["text"].index("Trade"), "Background › Trade"]
    for p in shown["passages"]:
        assert p["chunk_id"].startswith("notes.docx::") and p["end"] <= len(shown["text"])

    # Only the chosen documents are searched.
    a = mixed_rag.ask("How much does the bronze bell weigh?", documents=["notes.docx"])
    assert all(p.chunk.doc == "notes.docx" for p in a.passages)
    assert not any(c.doc == "report.pdf" for c in a.citations)
    with pytest.raises(DocumentNotFound, match="no document named 'nope.pdf'"):
        mixed_rag.ask("Where?", documents=["nope.pdf"])

    # Deleting drops the passages at once; a fresh RAG on the same folders agrees.
    removed = mixed_rag.delete_document("report.pdf")
    assert removed["name"] == "report.pdf"
    assert not (mixed_rag.settings.documents_dir / "report.pdf").exists()
    a = mixed_rag.ask("How much does the bronze bell weigh?")
    assert all(p.chunk.doc != "report.pdf" for p in a.passages)
    with pytest.raises(DocumentNotFound):
        mixed_rag.document("report.pdf")
    with pytest.raises(DocumentNotFound):
        mixed_rag.delete_document("../outside.txt")
    from rag import RAG

    again = RAG(mixed_rag.settings, embedder=mixed_rag.embedder, generator=mixed_rag.generator)
    again.refresh()
    assert [d["name"] for d in again.documents()] == ["guide.html", "notes.docx"]


def test_uploads_take_new_formats_and_refuse_scans_with_reasons(tmp_path, make_rag):
    docs = tmp_path / "up"
    docs.mkdir()
    rag = make_rag(docs)
    stored, rejected = rag.store_files(
        [
            ("report.pdf", make_pdf(PDF_PAGES)),
            ("notes.docx", make_docx(DOCX_BLOCKS)),
            ("scan.pdf", make_pdf(["", ""])),
            ("latin1.txt", "café".encode("latin-1")),
            ("sheet.xlsx", b"PK\x03\x04"),
        ]
    )
    assert [(s.name, s.status) for s in stored] == [
        ("report.pdf", "added"),
        ("notes.docx", "added"),
    ]
    assert rejected["scan.pdf"].startswith("scan.pdf has no text layer")
    assert rejected["latin1.txt"] == "latin1.txt is not UTF-8 text; save it as UTF-8"
    assert "add .txt, .md, .pdf, .docx or .html" in rejected["sheet.xlsx"]
    rag.refresh()
    assert [d["name"] for d in rag.documents()] == ["notes.docx", "report.pdf"]


def test_a_missing_documents_folder_starts_from_the_seeds(tmp_path, embedder):
    from rag import RAG, Settings

    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "a.txt").write_text("Harbin hosted the EXPO in June.", encoding="utf-8")
    s = Settings(
        documents_dir=tmp_path / "data",
        seed_dir=tmp_path / "seeds",
        index_dir=tmp_path / "index",
        generator="extractive",
    )
    rag = RAG(s, embedder=embedder)
    rag.refresh()
    assert (tmp_path / "data" / "a.txt").exists()
    rag.delete_document("a.txt")
    rag.refresh()  # the seeds are not copied again once the folder exists
    assert rag.documents() == [] and (tmp_path / "seeds" / "a.txt").exists()


def make_docx_table(rows: list[tuple[str, ...]]) -> bytes:
    import docx

    d = docx.Document()
    d.add_heading("Harbour Annual Report 2023", 1)
    d.add_paragraph("The port handled 12.4 million tonnes of cargo in 2023.")
    t = d.add_table(rows=len(rows), cols=len(rows[0]))
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            t.cell(i, j).text = v
    d.add_paragraph("Figures are in million tonnes.")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


CARGO = [("Cargo", "2023", "2022"), ("Coal", "5.1", "4.9"), ("Grain", "3.2", "2.7")]
CARGO_LINES = ["Coal — 2023: 5.1; 2022: 4.9", "Grain — 2023: 3.2; 2022: 2.7"]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("report.docx", make_docx_table(CARGO)),
        (
            "report.md",
            b"| Cargo | 2023 | 2022 |\n|---|---|---|\n| Coal | 5.1 | 4.9 |\n| Grain | 3.2 | 2.7 |\n",
        ),
        (
            "report.html",
            b"<html><body><table><tr><th>Cargo</th><th>2023</th><th>2022</th></tr>"
            b"<tr><td>Coal</td><td>5.1</td><td>4.9</td></tr>"
            b"<tr><td>Grain</td><td>3.2</td><td>2.7</td></tr></table></body></html>",
        ),
    ],
)
def test_a_tables_rows_keep_their_column_names_as_a_pdfs_do(name, data):
    """A Word table had been "Coal | 5.1 | 4.9" (its years lost to the row), a Markdown one a
    paragraph per cell: the table stage read neither."""
    lines = extract(name, data).text.split("\n\n")
    assert [x for x in lines if x.startswith(("Coal", "Grain"))] == CARGO_LINES


def test_a_word_tables_cell_answers_the_row_and_year_asked(tmp_path, embedder):
    from rag.answer.reading import ReaderGenerator
    from tests.conftest import build_rag

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "report.docx").write_bytes(make_docx_table(CARGO))
    rag = build_rag(docs, tmp_path, embedder, ReaderGenerator("shipped"))
    a = rag.ask("What was coal in 2022?")
    assert a.short_answer.text == "4.9"
    assert a.citations[0].quote == "Coal — 2023: 5.1; 2022: 4.9"
