"""Forms of captioned fields in a grid (rag.ingest.pdf_forms): an accident report's two fields a
line, a value wrapped beside its caption, a caption wrapped over two lines, a protocol's
synopsis of "label | paragraph" rows. Each field is one line, caption first. The PDFs are
generated; each test failed before the fix."""

from __future__ import annotations

from rag.ingest.formats import extract
from tests.test_pdf import _fpdf


def _two_fields_a_line(doc, rows) -> None:
    """Rows of (left field, right field): a caption column and a value column each."""
    for left, right in rows:
        y = doc.get_y()
        bottom = y + 5
        for x, (caption, value) in ((10, left), (105, right)):
            doc.set_xy(x, y)
            doc.multi_cell(36, 5, caption + ":")
            under = doc.get_y()
            doc.set_xy(x + 38, y)
            doc.multi_cell(52 if x == 10 else 50, 5, value, align="L")
            bottom = max(bottom, under, doc.get_y())
        doc.set_y(bottom + 1)


def report_pdf() -> bytes:
    doc = _fpdf()
    doc.add_page()
    doc.set_font("DejaVu", size=14)
    doc.cell(0, 8, "Aviation Investigation Final Report")
    doc.ln(12)
    doc.set_font("DejaVu", size=9)
    _two_fields_a_line(
        doc,
        [
            (("Location", "Page, Arizona"), ("Accident Number", "WPR23LA045")),
            (("Aircraft", "Piper PA-28-181"), ("Aircraft Damage", "Substantial")),
            (
                ("Flight Time", "612 hours (Total, all aircraft), 240 hours (Total, this make)"),
                ("Last FAA Medical Exam", "Class 3 With waivers/limitations, June 1, 2021"),
            ),
            (("Conditions at Accident Site", "Visual (VMC)"), ("Condition of Light", "Day")),
        ],
    )
    doc.ln(4)
    doc.set_font("DejaVu", size=11)
    doc.cell(0, 6, "Analysis")
    doc.ln(8)
    doc.set_font("DejaVu", size=10)
    doc.multi_cell(0, 5, "The engine lost total power during cruise flight. The pilot landed.")
    return bytes(doc.output())


def test_two_fields_a_line_are_two_lines_each_with_its_whole_value():
    text = extract("report.pdf", report_pdf()).text
    lines = text.split("\n")
    for field in (
        "Location: Page, Arizona",
        "Accident Number: WPR23LA045",
        "Aircraft: Piper PA-28-181",
        "Aircraft Damage: Substantial",
        # the value wrapped over lines beside its caption, its neighbour's lines apart
        "Flight Time: 612 hours (Total, all aircraft), 240 hours (Total, this make)",
        # the caption wrapped too
        "Last FAA Medical Exam: Class 3 With waivers/limitations, June 1, 2021",
        "Conditions at Accident Site: Visual (VMC)",
        "Condition of Light: Day",
    ):
        assert field in lines, (field, text)
    # the prose after the form is read as before
    assert "The engine lost total power during cruise flight. The pilot landed." in text


def synopsis_pdf() -> bytes:
    doc = _fpdf()
    doc.add_page()
    doc.set_font("DejaVu", size=9)
    for label, value in (
        ("Title", "A Phase 2 Study of Ketarin in Adults with Plaque Psoriasis"),
        (
            "Objectives",
            "Primary Objective: To evaluate the efficacy of ketarin compared with placebo at "
            "Week 16. Secondary Objectives: To evaluate the safety and tolerability of "
            "ketarin; to characterize its pharmacokinetics.",
        ),
        ("Phase", "2"),
        ("Study Duration", "Approximately 24 months."),
    ):
        y = doc.get_y()
        doc.set_xy(10, y)
        doc.multi_cell(40, 5, label + ":")
        doc.set_xy(55, y)
        doc.multi_cell(90, 5, value, align="L")
        doc.ln(2)
    return bytes(doc.output())


def test_a_synopsis_row_is_its_label_and_its_whole_paragraph():
    lines = extract("protocol.pdf", synopsis_pdf()).text.split("\n")
    assert "Phase: 2" in lines
    assert "Study Duration: Approximately 24 months." in lines
    # "Secondary Objectives:" opening a line of the value is the value's, not a new field
    assert (
        "Objectives: Primary Objective: To evaluate the efficacy of ketarin compared with "
        "placebo at Week 16. Secondary Objectives: To evaluate the safety and tolerability of "
        "ketarin; to characterize its pharmacokinetics."
    ) in lines


def figures_pdf() -> bytes:
    doc = _fpdf()
    doc.add_page()
    doc.set_font("DejaVu", size=9)
    for label, a, b in (
        ("Maturities 90 days or less:", "", ""),
        ("Proceeds from commercial paper, net:", "$(5,569)", "$1,339"),
        ("Repayments of commercial paper:", "(2,645)", "(3,530)"),
        ("Total repayments of commercial paper, net:", "$(8,214)", "$(1,000)"),
    ):
        doc.set_x(10)
        doc.cell(100, 5, label)
        doc.cell(30, 5, a, align="R")
        doc.cell(30, 5, b, align="R")
        doc.ln(5)
    return bytes(doc.output())


def test_rows_of_figures_after_captions_stay_a_tables_rows():
    text = extract("cash.pdf", figures_pdf()).text
    assert "Repayments of commercial paper: (2,645)" not in text
    assert "(2,645)" in text and "(3,530)" in text


def inline_pdf() -> bytes:
    """Each caption printed just before its value, the value wrapped under itself."""
    doc = _fpdf()
    doc.add_page()
    doc.set_font("DejaVu", size=9)
    rows = [
        (("Location", "Page, Arizona"), ("Accident Number", "WPR23LA045")),
        (
            (
                "Flight Time",
                "612 hours (Total, all aircraft), 240 hours (Total, this make and model)",
            ),
            ("Age", "58, Male"),
        ),
    ]
    for row in rows:
        y = doc.get_y()
        bottom = y + 5
        for x, (caption, value) in zip((10, 105), row, strict=True):
            w = doc.get_string_width(caption + ": ")
            doc.set_xy(x, y)
            doc.cell(w, 5, caption + ": ")
            doc.set_xy(x + w, y)
            doc.multi_cell(85 - w, 5, value, align="L")
            bottom = max(bottom, doc.get_y())
        doc.set_y(bottom + 1)
    return bytes(doc.output())


def test_a_caption_with_its_value_in_one_cell_keeps_the_values_next_line():
    lines = extract("inline.pdf", inline_pdf()).text.split("\n")
    assert (
        "Flight Time: 612 hours (Total, all aircraft), 240 hours (Total, this make and model)"
        in lines
    )
    assert "Age: 58, Male" in lines and "Accident Number: WPR23LA045" in lines


def signature_pdf() -> bytes:
    """An exhibit's signature block: "By:" apart from the signature, the name and title under
    the signature."""
    doc = _fpdf()
    doc.add_page()
    doc.set_font("DejaVu", size=9)
    for date, by, signed in (
        ("Date: August 3, 2023", "By:", "/s/ Luca Maestri"),
        ("", "", "Luca Maestri"),
        ("", "", "Senior Vice President, Chief Financial Officer"),
        ("Date: August 3, 2023", "By:", "/s/ Timothy D. Cook"),
        ("", "", "Timothy D. Cook"),
        ("", "", "Chief Executive Officer"),
    ):
        doc.set_x(10)
        doc.cell(80, 5, date)
        doc.cell(15, 5, by)
        doc.cell(90, 5, signed)
        doc.ln(6)
    return bytes(doc.output())


def test_a_signature_block_keeps_its_lines():
    # read as a form, "By: /s/ Luca Maestri Luca Maestri Senior Vice President, ..." was one
    # line, and "Who is Apple's CEO?" lost the name over its title (`roles`)
    text = extract("signed.pdf", signature_pdf()).text
    # read as before: no "By:" field, the lines in their order
    assert not any(line.startswith("By:") for line in text.split("\n"))
    assert " ".join(text.split()).startswith(
        "Date: August 3, 2023 By: /s/ Luca Maestri Luca Maestri Senior Vice President"
    )
