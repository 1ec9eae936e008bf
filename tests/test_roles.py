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


SIGNED = (
    "Bell Instruments Inc. quarterly report for the quarter ended July 1, 2023.\n\n"
    "Legal Proceedings\n\n"
    "On March 2, 2023, the Company signed a settlement agreement with Larch Corp.\n\n"
    "SIGNATURES\n\n"
    "Pursuant to the requirements of the Securities Exchange Act of 1934, the Registrant has "
    "duly caused this report to be signed on its behalf by the undersigned.\n\n"
    "BELL INSTRUMENTS INC.\n\n"
    "/s/ OSKAR LIND\n\nOskar Lind\n\nSenior Vice President and Chief Financial Officer\n\n"
    "August 3, 2023\n\n"
    "Exhibit 31.1\n\nCERTIFICATIONS\n\nI, Anna K. Bell, certify that:\n\n"
    "/s/ Anna K. Bell\n"
)


def test_who_signed_the_report_and_when_is_its_signature_block(tmp_path, embedder, reader):
    """ "Who signed Bell's 10-Q?" had been refused (the block's sentence names no one): the
    name signed under SIGNATURES, cited as printed in its own case with the title below it,
    not the certification's signer; "when" is the block's day, not the settlement's."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "bell.txt").write_text(SIGNED, encoding="utf-8")
    rag = build_rag(docs, tmp_path, embedder, reader)
    a = rag.ask("Who signed Bell's 10-Q?")
    assert not a.abstained, a.why
    assert a.short_answer.text == "Oskar Lind"
    assert a.citations[0].quote == (
        "Oskar Lind\n\nSenior Vice President and Chief Financial Officer"
    )
    assert SIGNED[a.citations[0].start : a.citations[0].end] == a.citations[0].quote
    b = rag.ask("When was Bell's report signed?")
    assert not b.abstained, b.why
    assert b.short_answer.text == "August 3, 2023"
    assert SIGNED[b.short_answer.start : b.short_answer.end] == "August 3, 2023"
