"""Issue 26 M7: near-duplicate documents are never answered from the other one. A question
naming an entity ("archive R2", "signal mast MA") is answered from a sentence that names it,
or refused with the name the passages hold instead."""

import pytest

from rag.answer.abstain import entity_pairs, names_other

from .conftest import add_files
from .test_reader_answers import reader_rag

PASSWORDS = ["K7QX", "B2MZ", "T9LD", "W4PN", "H8RC"]


@pytest.fixture(scope="module")
def archives(tmp_path_factory, embedder):
    base = tmp_path_factory.mktemp("archives")
    (base / "docs").mkdir()
    rag = reader_rag(base / "docs", base, embedder)
    files = [
        (f"archive-{i}.txt", f"The unique password of archive R{i} is {pw}.".encode())
        for i, pw in enumerate(PASSWORDS)
    ]
    stored, rejected, _ = add_files(rag, files)
    assert not rejected
    return rag


@pytest.mark.parametrize("i", range(len(PASSWORDS)))
def test_each_archive_is_answered_from_its_own_sentence(archives, i):
    # R2 was answered with R1's password: the sentences differ only in the entity's code
    a = archives.ask(f"What is the unique password of archive R{i}?")
    assert not a.abstained
    assert a.short_answer.text == PASSWORDS[i]
    assert a.citations[0].doc == f"archive-{i}.txt"


def test_an_archive_no_document_names_is_refused_with_the_names_they_hold(archives):
    a = archives.ask("What is the unique password of archive R7?")
    assert a.abstained and a.reason == "other_entity"
    assert a.why.startswith("The passages closest to the question name archive R")
    assert "not archive R7." in a.why
    assert not any(pw in a.answer for pw in PASSWORDS)


def reader_over(tmp_path, embedder, files):
    """The reader over a fresh folder holding `files` (name, bytes)."""
    (tmp_path / "docs").mkdir()
    rag = reader_rag(tmp_path / "docs", tmp_path, embedder)
    add_files(rag, files)
    return rag


def test_a_deleted_mast_is_refused_not_answered_from_its_twin(tmp_path, embedder):
    rag = reader_over(
        tmp_path,
        embedder,
        [
            ("ma.txt", b"Signal mast MA stands at the north gate and is painted red."),
            ("mb.txt", b"Signal mast MB stands at the south gate and is painted green."),
        ],
    )
    before = rag.ask("What colour is signal mast MA?")
    assert before.short_answer.text.endswith("red") and before.citations[0].doc == "ma.txt"
    assert rag.delete_document("ma.txt")["name"] == "ma.txt"
    after = rag.ask("What colour is signal mast MA?")
    assert after.abstained and after.reason == "other_entity"
    assert after.why.startswith("The passages closest to the question name mast MB, not mast MA")
    assert "green" not in after.answer
    # the twin itself still answers
    assert rag.ask("What colour is signal mast MB?").short_answer.text.endswith("green")


def test_a_sentence_naming_the_entity_in_other_words_still_answers(tmp_path, embedder):
    (tmp_path / "docs").mkdir()
    rag = reader_rag(tmp_path / "docs", tmp_path, embedder)
    notes = [
        (
            f"note-{i}.txt",
            f"Disk note {i}\n\nIts berth code is {code}. The harbour office assigned it.".encode(),
        )
        for i, code in enumerate(["QX-11", "BR-22", "TL-33"])
    ]
    add_files(rag, notes)
    a = rag.ask("What is the berth code of disk note 1?")
    assert not a.abstained and a.short_answer.text == "BR-22"
    assert a.citations[0].doc == "note-1.txt"


def test_the_pairs_a_question_names_and_what_a_sentence_names_instead():
    asked = entity_pairs("What is the berth code of disk note 5 in 2018?")
    assert [p[3] for p in asked] == ["note 5"]  # "in 2018" names nothing
    assert names_other(asked, "The berth code of disk note 0 is QX-11.", "") == "note 0"
    assert names_other(asked, "Notes 0 and 5 share QX-11.", "") == ""  # it names 5 too
    # a sentence naming no note answers for its passage: the heading decides
    assert names_other(asked, "Its code is QX-11.", "Disk note 0\n\nIts code is QX-11.") == "note 0"
    assert names_other(asked, "Its code is QX-11.", "Disk note 5\n\nIts code is QX-11.") == ""
    # another kind in the same place is not a near-duplicate: "Super Bowl XLIX" vs "Super Bowl 50"
    bowl = entity_pairs("Who won Super Bowl 50?")
    assert names_other(bowl, "Super Bowl XLIX was won by the Patriots.", "") == ""


def test_an_asked_name_inside_the_other_name_is_refused_not_a_crash(tmp_path, embedder):
    # "archive R1" is written inside "archive R10": the refusal still names both
    rag = reader_over(
        tmp_path,
        embedder,
        [
            ("r10.txt", b"The unique password of archive R10 is K7QX."),
            ("r11.txt", b"The unique password of archive R11 is B2MZ."),
        ],
    )
    a = rag.ask("What is the unique password of archive R1?")
    assert a.abstained and a.reason == "other_entity"
    assert "not archive R1." in a.why
