"""Reports and protocols named by their codes, their sections and their fields: two trial
protocols over the shipped reader. Each test failed before its fix."""

from pathlib import Path

import pytest

from rag.answer.reading import ReaderGenerator
from tests.conftest import build_rag, rag_over


def _protocol(code: str, drug: str, disease: str, enrolled: str, months: int, criteria) -> str:
    items = "\n".join(f"{i}. {c}" for i, c in enumerate(criteria, 1))
    return (
        f"# A Study of {drug.title()} in Adults with {disease}\n\n"
        f"Protocol Number: {code}\n\nSponsor: {drug.title()} Biosciences\n\n"
        f"## Synopsis\n\nStudy Duration: Approximately {months} months.\n\n"
        f"Participants will take {drug} by mouth twice daily for 16 weeks.\n\n"
        f"## Inclusion Criteria\n\nAn individual must meet all of the following criteria:\n\n"
        f"{items}\n\n"
        f"## Sample Size\n\n{enrolled}\n"
    )


FILES = {
    "Protocol KTX-201.md": _protocol(
        "KTX-201",
        "ketarin",
        "Plaque Psoriasis",
        "The trial plans to recruit 180 adults at 20 dermatology clinics.",
        24,
        [
            "Diagnosis of chronic plaque psoriasis for at least 6 months.",
            "Body surface area involvement of 10% or more.",
            "Candidate for systemic therapy or phototherapy.",
        ],
    ),
    "Protocol NRV-07.md": _protocol(
        "NRV-07",
        "noravel",
        "Relapsed Glioblastoma",
        "Up to 30 participants will be enrolled at a single site.",
        36,
        [
            "Histologically confirmed glioblastoma.",
            "Karnofsky performance status of 60 or higher.",
            "Adequate bone marrow, liver and kidney function.",
        ],
    ),
}


@pytest.fixture(scope="module")
def protocols(tmp_path_factory, embedder):
    base = tmp_path_factory.mktemp("protocols")
    return rag_over(base, FILES, embedder, ReaderGenerator("shipped"))


def test_a_code_the_index_splits_in_two_still_names_its_document(protocols):
    # "KTX-201" is searched as "ktx" and "201": it had steered to no document, and the other
    # protocol's sentence of the question's shape answered ("Up to 30 participants will be
    # enrolled")
    a = protocols.ask("How many participants will be enrolled in the KTX-201 study?")
    assert a.passages[0].chunk.doc == "Protocol KTX-201.md"
    assert "30" not in a.answer
    assert {c.doc for c in a.citations} <= {"Protocol KTX-201.md"}


def test_a_section_asked_for_the_document_its_title_names_is_listed(protocols):
    # "for the ketarin study" named more words than the heading "Inclusion Criteria" holds:
    # the reader had answered one span
    a = protocols.ask("What are the inclusion criteria for the ketarin study?")
    assert a.form == "list"
    assert {c.doc for c in a.citations} == {"Protocol KTX-201.md"}
    assert "Candidate for systemic therapy or phototherapy." in a.answer
    assert "Karnofsky" not in a.answer


LAYOUTS = Path(__file__).resolve().parents[1] / "eval" / "layouts" / "reports"


@pytest.fixture(scope="module")
def reports(tmp_path_factory, embedder):
    """Two accident reports and two protocols as PDFs in their published layouts."""
    base = tmp_path_factory.mktemp("reports")
    return build_rag(LAYOUTS, base, embedder, ReaderGenerator("shipped"))


@pytest.mark.parametrize(
    ("question", "doc", "quote"),
    [
        # a form's field, two a line in the PDF
        (
            "What was the wind speed in the Page accident?",
            "WPR23LA045.pdf",
            "Wind Speed/Gusts: 6 knots / None",
        ),
        (
            "Where did the Piper PA-28-181 depart from?",
            "WPR23LA045.pdf",
            "Departure Point: Flagstaff, AZ (FLG)",
        ),
        # a caption of three letters, asked "how old"
        ("How old was the pilot of N4521K?", "WPR23LA045.pdf", "Age: 58,Male"),
        # the head's field, not the findings' row "Aircraft — Aircraft control - Not
        # attained/maintained"
        (
            "What type of aircraft was involved in accident ERA22FA318?",
            "ERA22FA318.pdf",
            "Aircraft: Beech A36",
        ),
        # "201" of the code is no number the passages must hold
        (
            "What is the study duration of KTX-201?",
            "Protocol KTX-201.pdf",
            "Study Duration: Approximately 24 months.",
        ),
        # the section the question names, once the reader declined its one sentence
        (
            "What was the probable cause of the accident in Page, Arizona?",
            "WPR23LA045.pdf",
            "The National Transportation Safety Board determines the probable cause(s) of this "
            "accident to be: The pilot's improper fuel management, which resulted in fuel "
            "starvation and a total loss of engine power.",
        ),
    ],
)
def test_a_reports_fields_and_sections_answer(reports, question, doc, quote):
    a = reports.ask(question)
    assert not a.abstained, a.why
    assert [(c.doc, c.quote) for c in a.citations] == [(doc, quote)]


def test_which_of_the_documents_is_a_list_of_documents(reports):
    # had answered one span, "2 Fatal", naming no accident
    a = reports.ask("Which accidents resulted in fatal injuries?")
    assert a.form == "list"
    assert [(c.doc, c.quote) for c in a.citations] == [("ERA22FA318.pdf", "Injuries: 2 Fatal")]
    assert a.answer.startswith("- ERA22FA318.pdf: Injuries: 2 Fatal [1]")
    b = reports.ask("Which study is placebo-controlled?")
    assert [c.doc for c in b.citations] == ["Protocol KTX-201.pdf"]
    # a word no document holds: no document is listed for it
    c = reports.ask("Which protocols enroll children?")
    assert c.abstained or c.form != "list"


def test_which_report_inside_a_document_is_left_to_the_reader(embedder, tmp_path):
    # the documents are no reports: the report asked for is one they speak of
    files = {
        "climate.txt": "The climate panel publishes assessments.\n\nThe Third Assessment "
        "Report depicted lesser temperature variations than the first one.",
        "rivers.txt": "The Amur river floods each summer.\n\nA survey of the basin counted "
        "forty dams.",
    }
    rag = rag_over(tmp_path, files, embedder, ReaderGenerator("shipped"))
    a = rag.ask("Which report depicted lesser temperature variations?")
    assert a.form == "fact"
    assert a.citations[0].doc == "climate.txt"


@pytest.mark.parametrize(
    ("question", "quotes"),
    [
        # had been one report's "Age: 58,Male", then the probable causes
        (
            "What was the pilot's age in each accident?",
            [("ERA22FA318.pdf", "Age: 47,Male"), ("WPR23LA045.pdf", "Age: 58,Male")],
        ),
        (
            "What was the aircraft damage in both accidents?",
            [
                ("ERA22FA318.pdf", "Aircraft Damage: Destroyed"),
                ("WPR23LA045.pdf", "Aircraft Damage: Substantial"),
            ],
        ),
        # a caption holding a word more than the question ("Wind Speed/Gusts")
        (
            "What was the wind speed in each accident?",
            [
                ("ERA22FA318.pdf", "Wind Speed/Gusts: 12 knots / 24 knots"),
                ("WPR23LA045.pdf", "Wind Speed/Gusts: 6 knots / None"),
            ],
        ),
        (
            "Who is the sponsor of each study?",
            [
                ("Protocol KTX-201.pdf", "Sponsor: Halden Biosciences, Inc."),
                (
                    "Protocol NRV-07.pdf",
                    "Sponsor: National Institute of Neurological Disorders and Stroke (NINDS)",
                ),
            ],
        ),
    ],
)
def test_a_field_asked_of_each_document(reports, question, quotes):
    a = reports.ask(question)
    assert a.form == "comparison"
    assert [(c.doc, c.quote) for c in a.citations] == quotes
    # the kind of document is no caption's word: "the two protocols" is no "Protocol Number"
    b = reports.ask("Compare the number of participants in the two protocols.")
    assert not any(c.quote.startswith("Protocol Number") for c in b.citations)
