"""PDF headings: a line set apart by its font (bolder or larger than the body) opens a section;
passages carry the heading path and are found by its words, while the text stays as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.ingest import pdf as rag_pdf
from rag.ingest import pdf_headings
from rag.ingest.formats import extract

FONTS = Path("/usr/share/fonts/truetype/dejavu")

# (kind, text): "h1" larger type, "h2" bold at the body's size, "p" a body paragraph, "caps" a
# line in the body's own font.
REPORT = [
    [
        ("h1", "Harbor Operations"),
        (
            "p",
            "The port of Blagoveshchensk handles grain, timber and containers for the region. "
            "Its three berths were rebuilt in 2021 and now take ships of up to five thousand "
            "tonnes.",
        ),
        ("h2", "Winter Dredging"),
        (
            "p",
            "Crews clear silt from the channel every January while the river is low. The work "
            "takes four weeks and costs about two million roubles. Barges wait at the upper "
            "anchorage until the depth is checked. A survey boat measures the channel twice a "
            "day during the work. The contractor reports each measurement to the harbour "
            "master by noon. Pilots are told the new depth before they sail.",
        ),
        ("h2", "Ferry Tickets"),
        (
            "p",
            "Tickets for the passenger ferry are sold at the river station. Children under "
            "seven travel free and pensioners pay half the fare.",
        ),
    ],
    [
        ("h1", "Staff Training"),
        ("p", "New pilots spend six months on the tug fleet before they steer a barge alone."),
        ("h2", "Safety Drills"),
        (
            "p",
            "Every crew practises a man-overboard drill each spring. The drills are logged and "
            "reviewed by the safety officer.",
        ),
    ],
]


def report_pdf(report=REPORT, gap: float = 3) -> bytes:
    from fpdf import FPDF

    if not (FONTS / "DejaVuSans-Bold.ttf").exists():
        pytest.skip("DejaVu fonts (Debian fonts-dejavu-core) are not installed")
    doc = FPDF()
    doc.add_font("DejaVu", fname=str(FONTS / "DejaVuSans.ttf"))
    doc.add_font("DejaVu", style="B", fname=str(FONTS / "DejaVuSans-Bold.ttf"))
    doc.set_auto_page_break(False)
    for page in report:
        doc.add_page()
        for kind, text in page:
            style, size = {"h1": ("", 16), "h2": ("B", 11), "p": ("", 11), "caps": ("", 11)}[kind]
            doc.set_font("DejaVu", style=style, size=size)
            doc.multi_cell(0, size * 0.6, text)
            doc.ln(gap)
    return bytes(doc.output())


# What extraction gave before headings were read (commit f9b33ed): the text is unchanged.
TEXT = "\n\n".join(
    [
        "Harbor Operations",
        REPORT[0][1][1],
        "Winter Dredging",
        REPORT[0][3][1],
        "Ferry Tickets",
        REPORT[0][5][1],
        "Staff Training",
        REPORT[1][1][1],
        "Safety Drills",
        REPORT[1][3][1],
    ]
)


def test_headings_by_font_give_each_stretch_its_heading_path_and_leave_the_text_alone():
    ex = extract("harbor.pdf", report_pdf())
    assert ex.text == TEXT
    at = ex.text.index
    assert ex.sections == (
        (at("Harbor Operations"), "Harbor Operations"),
        (at("Winter Dredging"), "Harbor Operations › Winter Dredging"),
        (at("Ferry Tickets"), "Harbor Operations › Ferry Tickets"),
        (at("Staff Training"), "Staff Training"),
        (at("Safety Drills"), "Staff Training › Safety Drills"),
    )
    assert ex.section_at(at("The contractor")) == "Harbor Operations › Winter Dredging"
    assert ex.section_at(at("New pilots")) == "Staff Training"
    assert [p for _, p in ex.pages] == [1, 2]


MANUAL = [
    [
        ("h1", "Water Purifier Manual"),
        ("h2", "Safety Warnings"),
        ("p", "Do not connect the purifier to a hot water supply."),
        ("p", "Unplug the unit before replacing any filter."),
        ("h2", "Warranty"),
        ("p", "The purifier is covered by a two-year limited warranty."),
    ]
]


def test_a_heading_set_close_above_its_text_is_its_own_paragraph():
    """No gap sets the headings apart: their font does. Before, "Water Purifier Manual Safety
    Warnings Do not connect ..." read as one paragraph, and the section was lost."""
    ex = extract("manual.pdf", report_pdf(MANUAL, gap=0))
    assert ex.text.split("\n\n")[:3] == [
        "Water Purifier Manual",
        "Safety Warnings",
        "Do not connect the purifier to a hot water supply. Unplug the unit before replacing "
        "any filter.",
    ]
    assert [p for _, p in ex.sections] == [
        "Water Purifier Manual",
        "Water Purifier Manual › Safety Warnings",
        "Water Purifier Manual › Warranty",
    ]


FILING = [
    [
        ("h2", "Assets"),
        ("p", "Cash and equivalents were held in money market funds and bank deposits. " * 3),
        ("caps", "NOTE 9 — DEBT"),
        ("p", "The company issued commercial paper to fund its operations. " * 3),
        ("h2", "Long-term Debt"),
        ("p", "Senior notes due in 2030 carry a fixed coupon of three percent. " * 3),
        ("h2", "Item 2. Management’s Discussion and Analysis"),
        ("caps", "OVERVIEW"),
        ("p", "Revenue grew in every segment while costs stayed flat. " * 3),
    ]
]


def test_capitals_in_the_body_font_are_headings_above_the_bold_ones():
    """Filings printed from a browser set "NOTE 9 — DEBT" and "OVERVIEW" in the body's own
    font; before, the debt note's passages sat under "Assets" and the overview under nothing."""
    ex = extract("filing.pdf", report_pdf(FILING))
    at = ex.text.index
    assert ex.section_at(at("The company issued")) == "NOTE 9 — DEBT"
    assert ex.section_at(at("Senior notes")) == "NOTE 9 — DEBT › Long-term Debt"
    assert ex.section_at(at("Revenue grew")) == (
        "Item 2. Management’s Discussion and Analysis › OVERVIEW"
    )
    # A sentence in capitals is no heading, nor is a short abbreviation.
    body = (400, 11.0)
    caps = rag_pdf.Line([("U.S.", 0.0, 1.0)], 0, 11, body)
    caps.cells = [("U.S.", 0.0, 1.0)]
    assert not pdf_headings._looks_like_heading(caps, body)


def test_a_parts_name_atop_three_pages_or_more_is_a_running_header():
    def page(*texts):
        out = []
        for t in texts:
            ln = rag_pdf.Line([(w, 0.0, 1.0) for w in t.split()], 0, 10, (400, 9.0))
            ln.cells = [(t, 0.0, 1.0)]
            out.append(ln)
        return out

    words = "one two three four five six seven eight nine ten".split()
    bodies = [[f"Risk {n} {k} may harm us." for k in "abcd"] for n in words]
    pages = [page("PART I", "Item 2", *bodies[0])]
    pages += [page("PART II", "Item 1A", *b) for b in bodies[1:4]]
    pages += [page(*b) for b in bodies[4:]]  # too few pages carry it for the 40% rule
    kept = rag_pdf.drop_running_lines(pages)
    assert [ln.text for ln in kept[0]] == ["PART I", "Item 2", *bodies[0]]  # one page: kept
    assert [[ln.text for ln in p] for p in kept[1:]] == bodies[1:]


def test_table_rows_sentences_and_numbers_are_not_headings():
    def line(text, style=(700, 11.0)):
        """Cells split at "|"."""
        ln = rag_pdf.Line([(w, 0.0, 1.0) for w in text.replace("|", "").split()], 0, 11, style)
        ln.cells = [(c.strip(), 0.0, 1.0) for c in text.split("|")]
        return ln

    body = (400, 11.0)
    assert pdf_headings._looks_like_heading(line("Liquidity and Capital Resources"), body)
    assert pdf_headings._looks_like_heading(line("Note 5 —|Commitments"), body)
    assert not pdf_headings._looks_like_heading(line("Research and development|7,709"), body)
    assert not pdf_headings._looks_like_heading(line("Item 1. Financial Statements|1"), body)
    assert not pdf_headings._looks_like_heading(line("The drills are logged."), body)
    assert not pdf_headings._looks_like_heading(line("Three Months Ended", (700, 9.0)), body)
    assert not pdf_headings._looks_like_heading(line("Liquidity and Capital Resources", body), body)
    assert not pdf_headings._looks_like_heading(line("(In millions)"), body)
    assert not pdf_headings._looks_like_heading(line("2022 2023"), body)


def test_a_question_in_a_headings_words_finds_the_passages_under_it(tmp_path, make_rag):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "harbor.pdf").write_bytes(report_pdf())
    rag = make_rag(docs, chunk_tokens=40, chunk_overlap_tokens=0)
    under = rag.ask("winter dredging").passages
    dredging = "Harbor Operations › Winter Dredging"
    # The section's later passage does not hold the heading's words: its context does.
    assert under[0].section == dredging and under[1].section == dredging
    assert "Winter" not in under[1].chunk.text


def test_a_notes_heading_closes_the_sub_headings_of_the_note_before_it():
    """Microsoft's notes ("NOTE 2 — EARNINGS PER SHARE", capitals in the body's weight) had
    nested under the last bold sub-heading of the note before ("Employee Severance › NOTE 2"):
    a table's label in the notes' font, not in capitals, had ranked that font last."""
    bold, plain = (380, 13.3), (225, 13.3)
    heads = [
        (0, "Assets", bold),  # the balance sheet's, before the notes
        (5, "NOTE 1 — ACCOUNTING POLICIES", plain),
        (10, "Employee Severance", bold),
        (20, "NOTE 2 — EARNINGS PER SHARE", plain),
        (30, "Investment Components", bold),
        (40, "Mortgage- and asset-backed", plain),
    ]
    assert [p for _, p in pdf_headings.section_paths(heads, " › ")] == [
        "Assets",
        "NOTE 1 — ACCOUNTING POLICIES",
        "NOTE 1 — ACCOUNTING POLICIES › Employee Severance",
        "NOTE 2 — EARNINGS PER SHARE",
        "NOTE 2 — EARNINGS PER SHARE › Investment Components",
        "NOTE 2 — EARNINGS PER SHARE › Mortgage- and asset-backed",
    ]
