"""The document library in a real browser: PDF and Word files dropped on the page, answers
citing their page and heading with exact spans, questions restricted to one document, a document
read whole and deleted."""

from __future__ import annotations

from pathlib import Path

import pytest

from ._apphelpers import DESKTOP, app_on_seed_copy, ask, launch, screenshot
from .conftest import EXPO

pytestmark = pytest.mark.slow

PDF_TITLE = "Amur Shipping Company annual report"
HOVERCRAFT = "In 2019 the company operated 14 hovercraft on the Amur river."
ICE = "The ice sculptures at the 2020 festival were cut from the Songhua river by 8000 workers."


def make_pdf(path: Path) -> None:
    """Two pages; the fact asked about is on page 2."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_title(PDF_TITLE)
    pdf.set_font("Helvetica", size=12)
    pdf.add_page()
    pdf.multi_cell(0, 8, "The Amur Shipping Company was founded in 1998 in Blagoveshchensk.")
    pdf.ln()
    pdf.multi_cell(0, 8, "It operates river ferries between Blagoveshchensk and Heihe.")
    pdf.add_page()
    pdf.multi_cell(0, 8, HOVERCRAFT)
    pdf.ln()
    pdf.multi_cell(0, 8, "Each hovercraft carries up to 50 passengers across the ice in winter.")
    pdf.output(str(path))


def make_docx(path: Path) -> None:
    """Headings Background > Trade over the fact asked about."""
    import docx

    d = docx.Document()
    d.add_heading("Harbin Ice Festival Notes", 0)
    d.add_heading("Background", 1)
    d.add_paragraph("The festival began as a local winter tradition in Heilongjiang.")
    d.add_heading("Trade", 2)
    d.add_paragraph(ICE)
    d.save(str(path))


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    running = app_on_seed_copy(tmp_path_factory.mktemp("library"))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def client(app):
    from gradio_client import Client

    return Client(app.url, verbose=False)


@pytest.fixture(scope="module")
def page(app):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = launch(pw)
        page = browser.new_page(viewport=DESKTOP)
        page.on("dialog", lambda dialog: dialog.accept())  # "Delete this document?"
        page.goto(app.url)
        page.locator("#status").filter(has_text="5 documents").wait_for(timeout=30_000)
        yield page
        browser.close()


@pytest.fixture(scope="module")
def uploaded(app, page):
    """A PDF, a Word file and a picture dropped on the page in one step."""
    files = app.base / "files"
    files.mkdir()
    make_pdf(files / "amur report.pdf")
    make_docx(files / "ice.docx")
    (files / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    page.get_by_role("tab", name="Documents").click()
    page.locator("#upload input[type=file]").set_input_files(
        [str(files / n) for n in ("amur report.pdf", "ice.docx", "photo.png")]
    )
    message = page.locator("#upload-msg")
    message.filter(has_text="Added").wait_for(timeout=60_000)
    page.locator("#status").filter(has_text="7 documents").wait_for(timeout=60_000)
    return message.inner_text()


def cited(client, question: str, documents=None) -> dict:
    return client.predict(question, None, documents, api_name="/ask")


def test_dropped_files_are_added_and_a_refused_one_says_why(page, uploaded):
    # A name keeps its letters and spaces: stored under the name it was given.
    assert "Added amur report.pdf." in uploaded and "stored as" not in uploaded
    assert "Added ice.docx" in uploaded
    assert "Not added: photo.png" in uploaded and "cannot be added" in uploaded
    table = page.locator("#doc-table").inner_text()
    # Titles, not file names; type; pages for a PDF.
    assert PDF_TITLE in table and "Harbin Ice Festival Notes" in table
    assert "PDF" in table and "2 pages" in table and "Word" in table
    # The seeds show their titles too, read from their text.
    assert "A New Model for Sino-Russian Regional Cooperation" in table
    screenshot(page, "library.png")


def check_exact_highlight(page, client, question: str, answer: str, doc: str, quote: str):
    """The browser's highlight is the API's citation, which is the document's text[start:end]."""
    result = cited(client, question)
    c = result["citations"][0]
    assert c["doc"] == doc and c["quote"] == quote
    text = client.predict(doc, api_name="/document")["text"]
    assert text[c["start"] : c["end"]] == quote
    mark = page.locator("#sources #src-1 mark").first.inner_text()
    assert mark == quote, (mark, quote)
    assert f"characters {c['start']}–{c['end']}" in page.locator("#sources #src-1").inner_text()
    return c


def test_the_pdf_answer_cites_its_page_with_the_exact_span(page, client, uploaded):
    page.get_by_role("tab", name="Chat").click()
    question = "How many hovercraft did the company operate in 2019?"
    answer = ask(page, question, "14")
    c = check_exact_highlight(page, client, question, answer, "amur report.pdf", HOVERCRAFT)
    assert c["page"] == 2 and c["section"] is None
    head = page.locator("#sources #src-1").inner_text()
    assert PDF_TITLE in head and "page 2" in head
    assert page.locator("#sources #src-1 strong.short").inner_text() == "14"


def test_the_docx_answer_cites_its_heading_path_with_the_exact_span(page, client, uploaded):
    page.get_by_role("tab", name="Chat").click()
    question = "How many workers cut the ice sculptures of the 2020 festival?"
    answer = ask(page, question, "8000")
    c = check_exact_highlight(page, client, question, answer, "ice.docx", ICE)
    assert c["page"] is None and c["section"].endswith("Background › Trade")
    source = page.locator("#sources #src-1")
    assert "Background › Trade" in source.inner_text()
    # Headings read as headings in the passage, not as plain lines.
    assert "Trade" in source.locator(".heading").all_inner_texts()
    screenshot(page, "docx-answer.png")


def choose_scope(page, label: str) -> None:
    page.locator("#scope input").click()
    page.get_by_role("option", name=label).click()
    page.keyboard.press("Escape")


def test_a_question_can_be_restricted_to_one_document(page, client, uploaded):
    page.get_by_role("tab", name="Chat").click()
    page.get_by_role("button", name="New conversation").click()
    choose_scope(page, "Harbin Ice Festival Notes")
    answer = ask(page, "Where was the 6th Sino-Russian EXPO held?")
    sources = page.locator("#sources").inner_text()
    assert EXPO not in sources and "Harbin —" not in answer
    # The same through the API: only the chosen document is searched.
    result = cited(client, "Where was the 6th Sino-Russian EXPO held?", ["ice.docx"])
    assert all(c["doc"] == "ice.docx" for c in result["citations"])
    assert all(p["doc"] == "ice.docx" for p in result["related"])
    # Cleared, the question searches everything again.
    page.locator("#scope").get_by_role("button", name="Clear").click()
    ask(page, "Where was the 6th Sino-Russian EXPO held?", "Harbin")
    assert EXPO in page.locator("#sources").inner_text()


def test_a_document_is_read_whole_then_deleted_and_no_longer_cited(page, client, app, uploaded):
    page.get_by_role("tab", name="Documents").click()
    page.locator("#doc-table").get_by_text("amur report.pdf").click()
    view = page.locator("#doc-view")
    view.filter(has_text=HOVERCRAFT).wait_for(timeout=20_000)
    text = view.inner_text()
    assert PDF_TITLE in text and "2 pages" in text
    assert view.locator(".page-mark").all_inner_texts() == ["page 1", "page 2"]
    assert view.locator(".passage-mark").count() >= 1
    screenshot(page, "document-view.png")

    page.locator("#delete").click()  # the confirmation is accepted (see the fixture)
    page.locator("#doc-msg").filter(has_text="Removed").wait_for(timeout=30_000)
    page.locator("#status").filter(has_text="6 documents").wait_for(timeout=30_000)
    assert "amur report.pdf" not in page.locator("#doc-table").inner_text()
    assert not (app.base / "docs" / "amur report.pdf").exists()

    page.get_by_role("tab", name="Chat").click()
    ask(page, "How many hovercraft did the company operate in 2019?")
    assert "amur report.pdf" not in page.locator("#sources").inner_text()
    result = cited(client, "How many hovercraft did the company operate in 2019?")
    assert all(c["doc"] != "amur report.pdf" for c in result["citations"])
    assert all(p["doc"] != "amur report.pdf" for p in result["related"])
