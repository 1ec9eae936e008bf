"""Who holds an office (rag.answer.roles): the name a filing prints beside the title, in its
certifications and signatures, with the real reader and embedder over a tiny filing."""

from __future__ import annotations

import pytest

from rag.answer.reading import ReaderGenerator
from rag.answer.roles import asked_office
from tests.conftest import build_rag

FILING = (
    "Bell Instruments Inc. quarterly report.\n\n"
    "Controls and Procedures\n\n"
    "Based on that evaluation, the Chief Executive Officer and Chief Financial Officer have "
    "concluded that our disclosure controls are effective.\n\n"
    "Exhibits\n\n"
    "I, Anna K. Bell, President and Chief Executive Officer of the Company, certify that this "
    "report fully complies with the Securities Exchange Act of 1934.\n\n"
    "/s/ Oskar Lind Oskar Lind\n\n"
    "Senior Vice President,\n\nChief Financial Officer\n"
)


@pytest.fixture(scope="module")
def reader():
    return ReaderGenerator("shipped")


def test_the_office_asked_is_answered_by_the_name_printed_beside_it(tmp_path, embedder, reader):
    """ "CEO" is the "Chief Executive Officer" of a certification's sentence; the CFO's name is
    the signature's over its title lines (signed twice: said once); a sentence naming the
    office and no one ("Based on that evaluation, the Chief Executive Officer") names no one."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "bell.txt").write_text(FILING, encoding="utf-8")
    rag = build_rag(docs, tmp_path, embedder, reader)
    a = rag.ask("Who is Bell's CEO?")
    assert not a.abstained, a.why
    assert a.short_answer.text == "Anna K. Bell"
    assert a.citations[0].quote == "Anna K. Bell, President and Chief Executive Officer"
    assert FILING[a.citations[0].start : a.citations[0].end] == a.citations[0].quote
    b = rag.ask("Who is the chief financial officer of Bell?")
    assert b.short_answer.text == "Oskar Lind"
    assert FILING[b.short_answer.start : b.short_answer.end] == "Oskar Lind"
    assert asked_office("Who is the president of Notre Dame?") is None  # the reader's
