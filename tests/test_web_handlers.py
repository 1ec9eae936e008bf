"""The app's handlers and API shapes, called as plain functions: no server, no browser, the
tiny corpus (alpha.txt, beta.md) with the extractive generator, exact answers and spans."""

from __future__ import annotations

import typing

import pytest

from rag.background import BackgroundIndexer
from rag.settings import Settings
from rag.web import api, handlers
from rag.web.render import THINKING, WRITING
from rag.web.serving import ByteBudget, UploadPolicy

HOSTED = "Who hosted the 6th EXPO?"


@pytest.fixture
def site(tiny_dir, make_rag):
    """The pipeline over the tiny corpus and the library the page shows."""

    def make(**settings):
        rag = make_rag(tiny_dir, **settings)
        return rag, handlers.LibraryView(rag, BackgroundIndexer(rag))

    return make


def test_ask_returns_the_answer_in_the_shape_derived_from_answer(site):
    rag, _ = site()
    r = handlers.ask(rag, HOSTED)
    assert r["answer"] == "Harbin hosted the 6th EXPO. [1]" and r["abstained"] is False
    assert r["citations"] == [
        {
            "n": 1,
            "doc": "alpha.txt",
            "chunk_id": "alpha.txt::0",
            "start": 0,
            "end": 27,
            "quote": "Harbin hosted the 6th EXPO.",
            "score": 1.0,
            "page": None,
            "section": None,
            "display": "Harbin hosted the 6th EXPO.",
            "origin": {"origin": "folder"},
        }
    ]
    # The API's keys are the answer's, less those internal to a run.
    full = rag.ask(HOSTED).to_dict()
    assert list(r) == [k for k in full if k not in api.INTERNAL]
    assert set(typing.get_type_hints(api.AskResult)) == {*r, "error"}
    assert set(api.CitationDict.__annotations__) == set(r["citations"][0])


def test_an_unanswered_question_lists_related_passages_best_first_without_rank(site):
    rag, _ = site()
    r = handlers.ask(rag, "What is the capital of Peru?")
    assert r["abstained"] and r["reason"] == "not_relevant" and r["citations"] == []
    assert [p["chunk_id"] for p in r["related"]] == ["alpha.txt::0", "beta.md::0"]
    assert all(list(p) == list(api.RelatedDict.__annotations__) for p in r["related"])
    assert r["related"][1]["section"] == "Trade" and "rank" not in r["related"][0]


def test_a_refused_question_keeps_the_shape_and_says_why(site):
    rag, _ = site()
    r = handlers.ask(rag, "   ")
    assert r["error"] and r["answer"] == "" and r["abstained"] is True
    assert set(r) == set(typing.get_type_hints(api.AskResult))
    r = handlers.ask(rag, HOSTED, documents=["nope.txt"])
    assert "no document named 'nope.txt'" in r["error"]


def test_documents_and_one_document_are_the_library_entries(site):
    rag, library = site()
    docs = handlers.list_documents(library)
    assert [d["name"] for d in docs] == ["alpha.txt", "beta.md"]
    assert all(set(d) == set(api.DocumentInfo.__annotations__) for d in docs)
    assert docs[1]["title"] == "Trade" and docs[1]["passages"] == 1
    d = handlers.document(rag, "beta.md")
    assert set(d) == set(api.DocumentText.__annotations__) and d["error"] == ""
    assert d["passages"] == [{"chunk_id": "beta.md::0", "start": 0, "end": 94}]
    assert d["sections"] == [[0, "Trade"]] and d["text"].startswith("Trade\n\nIn 2018")
    assert "no document named 'x.txt'" in handlers.document(rag, "x.txt")["error"]
    html, opened = handlers.document_page(rag, "beta.md")
    assert opened and "<span class='heading'>Trade</span>" in html
    assert handlers.document_page(rag, "x.txt")[1] is False
    assert handlers.row_name(library, 1) == "beta.md" and handlers.row_name(library, 2) is None


def test_a_chat_turn_answers_its_ticket_once_and_is_restored_after_a_reload(site):
    rag, library = site()
    tickets = handlers.Tickets()
    assert handlers.start_question(tickets, "  ", []) is None
    shown, ticket = handlers.start_question(tickets, HOSTED, [])
    assert [m["content"] for m in shown] == [HOSTED, THINKING]
    turns = list(handlers.answer_turn(rag, library, tickets, ticket, shown, []))
    assert [t.state for t in turns] == ["writing", "answered"]
    assert turns[0].messages[-1]["content"] == WRITING and turns[0].asked == []
    t = turns[1]
    assert t.messages[0]["content"] == HOSTED and len(t.messages) == 2  # the note is replaced
    assert t.messages[1]["content"].startswith("Harbin hosted the 6th EXPO\\. <sup>[1]</sup>")
    assert "<mark>Harbin hosted the 6th EXPO.</mark>" in t.sources
    assert t.choices == [("[1] Harbin hosted the 6th EXPO. It ran from June 15 to 19", "1")]
    assert t.asked == [HOSTED] and [p["chunk_id"] for p in t.last["passages"]] == ["alpha.txt::0"]
    # A second chain for the same ticket (a double click) answers nothing.
    assert list(handlers.answer_turn(rag, library, tickets, ticket, shown, [])) == []
    assert "class='source focus'" in handlers.focus_source(library, t.last, "1")
    assert handlers.focus_source(library, None, "1") is None

    back = handlers.restore(library, t.kept())
    assert back.messages == t.messages and back.sources == t.sources
    assert back.asked == [HOSTED] and back.choices == t.choices
    junk = handlers.restore(
        library, {"messages": [{"role": "system"}], "last": {"citations": [{"n": 1}]}}
    )
    assert junk.messages == [] and junk.choices is None and junk.last is None


def test_a_drafting_generator_shows_writing_and_then_the_checked_answer(site):
    from rag import Generator

    class Drafts(Generator):
        name = "drafts"

        def stream(self, question, passages):
            yield "Harbin hosted the 6th EXPO. "
            yield "It was held in Moscow."

    rag, library = site()
    rag.generator = Drafts()
    tickets = handlers.Tickets()
    shown, ticket = handlers.start_question(tickets, HOSTED, [])
    turns = list(handlers.answer_turn(rag, library, tickets, ticket, shown, []))
    assert [t.state for t in turns] == ["writing", "answered"]
    assert turns[0].messages[-1]["content"] == WRITING and not turns[0].done
    assert "Moscow" not in turns[1].messages[-1]["content"]  # not supported: dropped


def _files(tmp_path, **named: bytes) -> list[dict]:
    out = []
    for name, data in named.items():
        path = tmp_path / f"upload-{len(out)}"
        path.write_bytes(data)
        out.append({"path": str(path), "orig_name": name.replace("_", ".")})
    return out


def test_uploads_are_checked_stored_and_indexed(site, tmp_path):
    rag, library = site(max_upload_bytes=200, max_upload_files=4)
    policy, budget = UploadPolicy(rag.settings), ByteBudget(10_000)
    files = _files(
        tmp_path,
        bell_txt=b"The festival bell of Tonghe weighs 12 tonnes.",
        copy_txt=(rag.settings.documents_dir / "alpha.txt").read_bytes(),
        big_txt=b"x" * 201,
        photo_png=b"\x89PNG",
        extra_txt=b"one too many",
    )
    r = handlers.add_documents(rag, library, policy, budget, files, None)
    assert r["error"] == ""
    assert r["added"] == [{"file": "bell.txt", "name": "bell.txt"}]
    assert r["duplicates"] == [{"file": "copy.txt", "name": "alpha.txt"}]
    # Over the count first, then over the size (before reading), then what the store refuses.
    assert [x["file"] for x in r["refused"]] == ["extra.txt", "big.txt", "photo.png"]
    assert (
        r["refused"][1]["reason"] == "big.txt is 201 bytes, over this server's limit of 200 bytes"
    )
    assert r["refused"][0]["reason"] == "extra.txt: only 4 files can be added at once"
    assert "this kind of file cannot be added" in r["refused"][2]["reason"]
    assert not (rag.settings.documents_dir / "big.txt").exists()
    assert library.indexer.wait(120)
    names = [(d["name"], d["status"]) for d in handlers.list_documents(library)]
    assert names == [("alpha.txt", "indexed"), ("bell.txt", "indexed"), ("beta.md", "indexed")]
    assert (
        handlers.ask(rag, "How heavy is the festival bell of Tonghe?")["citations"][0]["chunk_id"]
        == "bell.txt::0"
    )


def test_the_byte_budget_and_the_policy_refuse_uploads_in_plain_words(site, tmp_path):
    rag, library = site()
    r = handlers.add_documents(
        rag,
        library,
        UploadPolicy(rag.settings),
        ByteBudget(10),
        _files(tmp_path, a_txt=b"x" * 11),
        None,
    )
    assert r["refused"] == [
        {"file": "a.txt", "reason": "a.txt: too many uploads in the last minute; try again shortly"}
    ]
    off = UploadPolicy(Settings(uploads="off"))
    r = handlers.add_documents(
        rag, library, off, ByteBudget(100), _files(tmp_path, b_txt=b"y"), "ann"
    )
    assert r["error"] == "Adding and removing documents is turned off on this server."
    assert r["refused"] == [{"file": "b.txt", "reason": r["error"]}] and r["added"] == []
    assert [d["name"] for d in r["documents"]] == ["alpha.txt", "beta.md"]
    only_ann = UploadPolicy(Settings(uploads="users", upload_users="ann, bo"))
    assert only_ann.refusal("ann") == "" and "named users" in only_ann.refusal("cy")
    assert UploadPolicy(Settings(uploads="users"), env={"RAG_USERNAME": "dee"}).allowed == {"dee"}
    r = handlers.add_documents(rag, library, off, ByteBudget(100), None, None)
    assert r["error"] == off.refusal(None)
    r = handlers.add_documents(rag, library, only_ann, ByteBudget(100), [], "ann")
    assert r["error"] == "No file was sent."


def test_delete_removes_a_document_if_the_user_may(site):
    rag, library = site()
    off = UploadPolicy(Settings(uploads="off"))
    r = handlers.delete(rag, library, off, "beta.md", None)
    assert r["deleted"] is None and "turned off" in r["error"]
    assert (rag.settings.documents_dir / "beta.md").exists()
    policy = UploadPolicy(rag.settings)
    r = handlers.delete(rag, library, policy, "beta.md", None)
    assert r["error"] == "" and r["deleted"]["name"] == "beta.md"
    assert set(r["deleted"]) == set(api.DocumentInfo.__annotations__)
    assert [d["name"] for d in r["documents"]] == ["alpha.txt"]
    outside = rag.settings.documents_dir.parent / "outside.txt"
    outside.write_text("Not a document of the library.")
    r = handlers.delete(rag, library, policy, "../outside.txt", None)
    assert r["deleted"] is None and "no document named" in r["error"] and outside.exists()


def test_a_missing_documents_folder_stops_the_start_before_serving(tmp_path, capsys):
    from rag.web.app import serve

    s = Settings(documents_dir=tmp_path / "none", index_dir=tmp_path / "index", seed_dir=None)
    assert serve(s) == 2
    assert "does not exist" in capsys.readouterr().err
    assert not (tmp_path / "none").exists()
