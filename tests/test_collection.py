"""Questions about the collection itself (rag.collection): answered from the library, by
document name, never from a passage that happens to hold their words."""

from __future__ import annotations

from rag.answer.reading import ReaderGenerator
from tests.conftest import build_rag


def test_what_the_collection_holds_is_the_librarys_list_not_a_passage(tmp_path, embedder):
    """ "List the documents." had quoted a sentence about delivering documents electronically,
    "What can you do?" an agreement's clause: the documents by name (the title when it tells
    more), the help a greeting asks for, and a question about what a document says still
    read from its passages."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "award.txt").write_text(
        "Stock award agreement.\n\nThe Company may deliver any documents related to the award "
        "by electronic means. You can do so by consenting to electronic delivery.",
        encoding="utf-8",
    )
    (docs / "notes.md").write_text(
        "# Field notes from the Larch survey\n\nThe survey counted 42 larches.", encoding="utf-8"
    )
    rag = build_rag(docs, tmp_path, embedder, ReaderGenerator("shipped"))
    a = rag.ask("List the documents.")
    assert not a.abstained and a.form == "list" and a.citations == []
    assert a.answer.splitlines() == [
        "The collection holds 2 documents:",
        "- award.txt — Stock award agreement",
        "- notes.md — Field notes from the Larch survey",
    ]
    b = rag.ask("What can you do?")
    assert b.answer.startswith("Ask me a question about these documents")
    assert b.answer.endswith("- notes.md — Field notes from the Larch survey")
    c = rag.ask("What documents do you have?", documents=["notes.md"])
    assert c.answer.splitlines()[0] == "The collection holds 1 document:"
    # a file that could not be read is said, with its reason
    (docs / "broken.pdf").write_bytes(b"%PDF-1.7 not really")
    rag.refresh()
    e = rag.ask("How many documents are there?")
    assert e.answer.splitlines()[0] == "The collection holds 2 documents:"
    assert e.answer.splitlines()[-2:] == [
        "Not read:",
        "- broken.pdf could not be read as a PDF; it may be damaged",
    ]
    d = rag.ask("How many larches did the survey count?")
    assert d.short_answer.text == "42" and d.citations[0].doc == "notes.md"
