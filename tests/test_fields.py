"""A document's head of fields ("Sponsor: Northwind Therapeutics", "Date: March 3, 2022"),
read when a question names the caption whole (`rag.answer.fields.head_field`)."""

from __future__ import annotations

import pytest

from rag.answer.reading import ReaderGenerator
from tests.conftest import build_rag

REPORT = """# Aviation Investigation Final Report

Location: Bozeman, Montana
Date: March 3, 2022
Aircraft: Cessna 172S, N1234X
Injuries: 1 Minor, 1 Uninjured

## Analysis

The student applied excessive braking after a long touchdown, and the airplane veered left
and departed the runway. The nose landing gear collapsed in soft terrain.

## Probable Cause

The probable cause of this accident was the student pilot's failure to maintain directional
control during landing in gusting crosswind conditions.

## Training Record

The student had completed three landings earlier that morning and had been briefed on
crosswind technique before the lesson. The school's syllabus calls for ten hours of pattern
work before a first solo, and the student had logged eight. The instructor's logbook shows a
lesson on short-field takeoffs the week before, flown in calm winds, and a ground lesson on
airport signs and markings. The school's maintenance records show the brakes were replaced
in January, and an examination of the airplane revealed no anomalies with the steering.

## Pilot Information

Certificate: Student
Age: 23, Male
Total Flight Time: 45 hours

## Flight Plan

Departure Point: Livingston, MT (LVM)
Destination: Bozeman, MT (BZN)
"""

PROTOCOL = """# A Phase 2 Study of Drug X in Adults with Moderate Asthma

Protocol Number: ABC-123
Sponsor: Northwind Therapeutics

## Synopsis

Approximately 240 participants will be randomized to Drug X 50 mg or placebo for 24 weeks.
"""


@pytest.fixture(scope="module")
def heads(tmp_path_factory, embedder):
    base = tmp_path_factory.mktemp("heads")
    docs = base / "docs"
    docs.mkdir()
    (docs / "accident-report.md").write_text(REPORT, encoding="utf-8")
    (docs / "protocol.md").write_text(PROTOCOL, encoding="utf-8")
    return build_rag(docs, base, embedder, ReaderGenerator("shipped"))


@pytest.mark.parametrize(
    ("question", "quote", "short"),
    [
        (
            "Who is the sponsor of the study?",
            "Sponsor: Northwind Therapeutics",
            "Northwind Therapeutics",
        ),
        (
            "What type of aircraft was involved?",
            "Aircraft: Cessna 172S, N1234X",
            "Cessna 172S, N1234X",
        ),
        ("When did the accident occur?", "Date: March 3, 2022", "March 3, 2022"),
        ("Where did the accident happen?", "Location: Bozeman, Montana", "Bozeman, Montana"),
        # a form further down the report, its caption asked by a shorter word
        (
            "Where did the airplane depart from?",
            "Departure Point: Livingston, MT (LVM)",
            "Livingston, MT (LVM)",
        ),
    ],
)
def test_a_caption_the_question_names_whole_answers_with_its_value(heads, question, quote, short):
    # each had been refused: a caption is no sentence for the reader
    a = heads.ask(question)
    assert not a.abstained, a.why
    assert [c.quote for c in a.citations] == [quote]
    assert a.short_answer.text == short


def test_a_question_naming_no_caption_is_read_from_the_sentences(heads):
    a = heads.ask("What was the probable cause of the accident?")
    assert not a.abstained, a.why
    # the whole sentence, though the file wraps it across two lines (char-exact, line break kept)
    quote = a.citations[0].quote
    assert quote.endswith("directional\ncontrol during landing in gusting crosswind conditions.")


MEMO = """MEMORANDUM

To: Amur Shipping Council
From: Pavel Orlov, Harbour Master
Date: 14 April 2023
Subject: Spring dredging of the Blagoveshchensk channel

The spring dredging of the Blagoveshchensk channel will start on 2 May 2023 and last about
three weeks.
"""


def test_a_heads_date_answers_when_only_once_no_sentence_says_when(tmp_path, embedder):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "memo.txt").write_text(MEMO, encoding="utf-8")
    rag = build_rag(docs, tmp_path, embedder, ReaderGenerator("shipped"))
    # the sentence saying when, the day whole ("2" and a clause opening with "May" had been read)
    a = rag.ask("When does the dredging start?")
    assert a.short_answer.text == "2 May 2023"
    assert a.citations[0].quote.startswith("The spring dredging")
    b = rag.ask("When was the memo written?")
    assert not b.abstained, b.why
    assert [c.quote for c in b.citations] == ["Date: 14 April 2023"]
