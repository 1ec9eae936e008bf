"""A user's question as typed (rag.questions): a misspelled company name is read as the name
the documents are known by, and said so."""

import pytest

from rag.answer.reading import ReaderGenerator
from rag.questions import misspelled_names
from rag.steering import telling_names
from tests.conftest import rag_over


def _report(co: str, sales: str) -> str:
    return (
        f"{co} Q1 2023 report\n\n{co} is a company based in Portland.\n\n"
        f"Total net sales were ${sales} million in the first quarter of 2023."
    )


@pytest.fixture(scope="module")
def two_companies(tmp_path_factory, embedder):
    files = {
        "Q1 2023 Nordvik.txt": _report("Nordvik", "410").replace(
            "report", "report for the quarter ended March 31, 2023", 1
        ),
        "Q1 2023 Birchwood.txt": _report("Birchwood", "1,200").replace(
            "a company", "a Swiss company", 1
        ),
    }
    base = tmp_path_factory.mktemp("questions")
    return rag_over(base, files, embedder, ReaderGenerator("shipped"))


def test_a_company_misspelled_is_read_as_the_name_the_documents_use(two_companies):
    # "What was Aple's net income?" had been refused: "The documents never mention Aple."
    a = two_companies.ask("What were Nordvk's total net sales in Q1 2023?")
    assert not a.abstained, a.why
    assert a.question == "What were Nordvik's total net sales in Q1 2023?"
    assert "Read “Nordvk” as “Nordvik”." in a.notice
    assert [c.doc for c in a.citations] == ["Q1 2023 Nordvik.txt"]
    assert "$410 million" in a.answer
    # a swap of two letters too, and only names that tell the documents apart
    snap = two_companies.store.current()
    assert misspelled_names(snap, "What did Birhcwood sell?") == {"Birhcwood": "Birchwood"}
    assert misspelled_names(snap, "Where is Portlnd?") == {}  # every report's
    # an English word is what it says: "match" is not "March"
    assert "march" in telling_names(snap)
    assert misspelled_names(snap, "Match the sales with the discussion.") == {}
    assert "swiss" in telling_names(snap)  # inflected too: "swims" is not "Swiss"
    assert misspelled_names(snap, "What animal swims in the lake?") == {}
    # a possessive typed without its apostrophe ("Amazons net income" had read another column)
    assert misspelled_names(snap, "What were Nordviks sales?") == {"Nordviks": "Nordvik's"}
    # ... but a plural doing something owns nothing ("Which analysts asked ...?" over a call's
    # "Alex Lee -- Big Bank -- Analyst" had been read as "Which Analyst's asked ...?")
    assert misspelled_names(snap, "Which nordviks asked questions?")["nordviks"] == "Nordvik"
    assert misspelled_names(snap, "What did nordviks say about sales?")["nordviks"] == "Nordvik"
    b = two_companies.ask("What were nordviks total net sales in Q1 2023?")
    assert b.question == "What were Nordvik's total net sales in Q1 2023?"
    assert "$410 million" in b.answer, b.answer


def test_a_name_near_no_documents_name_is_still_refused(two_companies):
    a = two_companies.ask("What were Tesla's total net sales in Q1 2023?")
    assert a.abstained and a.why == "The documents never mention Tesla."
    assert "Read" not in a.notice
    # a follow-up of that question is its question of another figure, refused for Tesla too
    # (it had been asked alone, "What about net income?", and read of the other companies)
    b = two_companies.ask(
        "What about net income?", history=["What were Tesla's total net sales in Q1 2023?"]
    )
    assert b.abstained and b.why == "The documents never mention Tesla.", b.answer


def test_a_word_the_documents_write_in_lower_case_is_no_name_however_rare_there(tmp_path, embedder):
    """ "... for the trailing twelve months ended June 30" was shown as read with "Ended": one
    report's cover capitalises it, and the passages BM25 ranks first for it are tables printing
    "Months Ended" in every row. One sentence writing "ended" in lower case decides."""
    from rag.questions import known_names

    rows = "\n\n".join(
        f"Item {i} — Three Months Ended March 31, 2023: {i}; Six Months Ended June 30, 2023: {i}"
        for i in range(900)
    )
    files = {
        "Nordvik.txt": "Nordvik Quarterly Report For The Period Ended March 31, 2023\n\n" + rows,
        "Birchwood.txt": "Birchwood report\n\nRevenue grew in the quarter ended March 31, 2023, as "
        "the year before, and the programme that ended in May was renewed for a second term.",
    }
    rag = rag_over(tmp_path, files, embedder, ReaderGenerator("shipped"))
    assert known_names(rag.store.current(), "sales of nordvik in the quarter ended") == {
        "nordvik": "Nordvik"
    }


def test_a_table_rows_label_is_no_documents_name(tmp_path, embedder):
    """ "Coal — 2023: 5.1" is capitalised by its place: beside another document, "coal" had been
    read as the Word report's name ("What was Coal in 2022?") and the row refused."""
    from rag.answer.reading import ReaderGenerator
    from rag.context import document_keys
    from tests.conftest import build_rag
    from tests.test_formats import CARGO, make_docx_table

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "report.docx").write_bytes(make_docx_table(CARGO))
    (docs / "manual.txt").write_text("Unplug the unit before cleaning the filter.\n")
    rag = build_rag(docs, tmp_path, embedder, ReaderGenerator("shipped"))
    assert "coal" not in document_keys(rag.store.current())["report.docx"].names
    a = rag.ask("What was coal in 2022?")
    assert a.short_answer.text == "4.9", a.why
    assert a.question == "What was coal in 2022?"


def test_a_forms_caption_is_no_documents_name():
    """ "Flight Conducted Under: Part 91" is capitalised as a caption: "conducted" had been read
    as the report's name, so "Where will the study be conducted?" was recased "Conducted" and
    a protocol's field lookup lost its one telling word."""
    from rag.context import DocumentKeys
    from rag.ingest.chunk import Chunk

    opening = (
        "Aviation Investigation Final Report\n\nLocation: Page, Arizona\n\n"
        "Flight Conducted Under: Part 91: General aviation - Personal\n\n"
        "Aircraft Damage: Substantial"
    )
    names = DocumentKeys(Chunk("r::0", "r.pdf", 0, len(opening), opening), "r.pdf").names
    assert {"conducted", "damage", "location"}.isdisjoint(names)
    assert {"arizona", "aviation"} <= names
