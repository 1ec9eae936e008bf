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
    # The API's keys are the answer's, less those internal to a run, and `error` ("" here:
    # view_api declares it), with the query the documents were searched with.
    full = rag.ask(HOSTED).to_dict()
    assert list(r) == [k for k in full if k not in api.INTERNAL] + ["error"]
    assert r["error"] == "" and r["query"] == HOSTED
    assert set(typing.get_type_hints(api.AskResult)) == set(r)
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
    # JSON has no tuples: the types say lists of pairs, as the values are.
    hints = typing.get_type_hints(api.DocumentText)
    assert typing.get_origin(typing.get_args(hints["sections"])[0]) is list
    assert typing.get_origin(typing.get_args(hints["page_starts"])[0]) is list
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


# ---- issue 25's smaller items and issue 26's serving items


def test_the_sources_panel_shows_markup_rendered_and_marks_the_exact_quote():
    from rag.web.render import render_sources

    text = "# **Festival** report<sup>1</sup>\n\n---\nThe **bell** weighs 12 tonnes."
    quote = "The **bell** weighs 12 tonnes."
    start = text.index(quote)
    d = {
        "citations": [
            {
                "n": 1,
                "doc": "n.md",
                "chunk_id": "n.md::0",
                "start": start,
                "end": start + len(quote),
                "quote": quote,
            }
        ],
        "passages": [{"chunk_id": "n.md::0", "doc": "n.md", "start": 0, "text": text}],
        "short_answer": {"doc": "n.md", "start": text.index("12"), "end": text.index("12") + 9},
    }
    panel = render_sources(d)
    body = panel.split("<div class='rag-text'>")[1]
    for raw in ("**", "#", "&lt;sup", "---", "<sup"):
        assert raw not in body, raw
    assert "Festival report\n\n\n<mark>The bell weighs <strong class='short'>12 tonnes" in body
    # A related passage (a refusal) is shown the same way.
    d2 = {
        "abstained": True,
        "related": [{"doc": "n.md", "chunk_id": "n.md::0", "start": 0, "text": text, "rank": 1}],
    }
    assert "**" not in render_sources(d2) and "Festival report" in render_sources(d2)


def test_the_library_table_lists_new_documents_first():
    from rag.web.render import document_rows

    docs = [
        {"name": "a.txt", "added": "2026-01-01 10:00", "status": "indexed"},
        {"name": "b.txt", "added": "2026-01-03 10:00", "status": "indexed"},
        {"name": "c.txt", "added": "", "status": "indexing"},
        {"name": "d.txt", "added": "2026-01-01 10:00", "status": "indexed"},
    ]
    assert [r[1] for r in document_rows(docs)] == ["c.txt", "b.txt", "a.txt", "d.txt"]


def test_a_scoped_question_says_which_documents_were_searched(site):
    rag, library = site()
    tickets = handlers.Tickets()
    shown, ticket = handlers.start_question(tickets, HOSTED, [])
    turns = list(handlers.answer_turn(rag, library, tickets, ticket, shown, [], ["beta.md"]))
    assert turns[-1].state == "answered"
    assert "searched only Trade</span>" in turns[-1].messages[-1]["content"]
    shown, ticket = handlers.start_question(tickets, HOSTED, [])
    turns = list(handlers.answer_turn(rag, library, tickets, ticket, shown, []))
    assert "searched only" not in turns[-1].messages[-1]["content"]


def test_the_indexing_note_of_an_upload_goes_when_indexing_ends():
    from rag.web.render import settle_upload_message, upload_message

    m = upload_message(
        {"added": [{"file": "a.txt", "name": "a.txt"}, {"file": "b.txt", "name": "b.txt"}]}
    )
    assert "being indexed now" in m
    done = settle_upload_message(m, indexing=False)
    assert "being indexed" not in done and done.endswith("Indexed: they are searched now.")
    assert settle_upload_message(m, indexing=True) is None


def test_an_oversized_history_is_refused_in_plain_words(site):
    rag, _ = site()
    r = handlers.ask(rag, HOSTED, history=["x" * 1000] * 300)
    assert r["error"] == "history is 300,000 characters long; at most 200,000 are taken."
    assert r["answer"] == "" and set(r) == set(typing.get_type_hints(api.AskResult))
    assert handlers.ask(rag, HOSTED, history=["What?"] * 30)["error"] == ""


def test_example_questions_are_found_at_start_and_kept_across_a_restart(site):
    rag, library = site()
    examples = handlers.Examples(rag, library.indexer)
    assert examples.pending and examples.get() == []
    assert examples.wait(120)
    found = examples.get()
    assert found and not examples.pending
    # A restart over the same index shows them at once, without asking the bot again.
    again = handlers.Examples(rag, library.indexer)
    assert again.get() == found and not again.pending


def test_the_upload_budget_is_per_caller_and_auto_refuses_proxied_requests(site, tmp_path):
    from rag.web.serving import Caller

    rag, library = site()
    policy, budget = UploadPolicy(rag.settings), ByteBudget(10)
    junk = Caller(address="10.0.0.9")
    r = handlers.add_documents(rag, library, policy, budget, _files(tmp_path, a_txt=b"x" * 9), junk)
    assert r["added"] == [{"file": "a.txt", "name": "a.txt"}]
    r = handlers.add_documents(rag, library, policy, budget, _files(tmp_path, b_txt=b"y" * 9), junk)
    assert "too many uploads" in r["refused"][0]["reason"]
    other = Caller(address="10.0.0.10")
    r = handlers.add_documents(
        rag, library, policy, budget, _files(tmp_path, c_txt=b"z" * 9), other
    )
    assert r["added"] == [{"file": "c.txt", "name": "c.txt"}]
    # RAG_UPLOADS=auto on 127.0.0.1 behind a reverse proxy: the request is not from here.
    proxied = Caller(address="203.0.113.5", forwarded=True)
    r = handlers.delete(rag, library, policy, "a.txt", proxied)
    assert r["deleted"] is None and "came through a proxy" in r["error"]
    assert UploadPolicy(Settings(uploads="open")).refusal(proxied) == ""
    assert library.indexer.wait(120)


def test_the_login_throttle_locks_the_address_not_the_account_and_never_sleeps():
    import time

    from rag.web.serving import AddressThrottle, LoginGuard

    guard = LoginGuard("ann", "secret")
    t0 = time.perf_counter()
    assert [guard("ann", "wrong") for _ in range(20)] == [False] * 20
    assert guard("ann", "secret") is True  # the account is never locked
    assert time.perf_counter() - t0 < 0.05  # nothing waits in Gradio's async login route
    throttle = AddressThrottle(max_failures=3, window_s=60)
    for _ in range(3):
        throttle.failed("6.6.6.6", now=100.0)
    assert throttle.locked("6.6.6.6", now=101.0) and not throttle.locked("10.0.0.1", now=101.0)
    assert not throttle.locked("6.6.6.6", now=161.0)


def test_the_gate_closes_uploads_caps_bodies_and_throttles_logins_without_waiting():
    import asyncio

    from rag.web.serving import AddressThrottle, Gate

    seen = []

    async def app(scope, receive, send):
        body = b""
        while True:
            m = await receive()
            body += m.get("body", b"")
            if not m.get("more_body"):
                break
        seen.append((scope["path"], len(body)))
        ok = scope["path"] != "/login" or body == b"good"
        await send({"type": "http.response.start", "status": 200 if ok else 400, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    def call(gate, path, body=b"", length=True, client="127.0.0.1", headers=()):
        out = {}
        chunks = [body[i : i + 1000] for i in range(0, len(body), 1000)] or [b""]

        async def receive():
            c = chunks.pop(0)
            return {"type": "http.request", "body": c, "more_body": bool(chunks)}

        async def send(m):
            if m["type"] == "http.response.start":
                out["status"] = m["status"]

        hs = [(b"content-length", str(len(body)).encode())] if length else []
        hs += [(k.encode(), v.encode()) for k, v in headers]
        scope = {
            "type": "http",
            "method": "POST",
            "path": path,
            "headers": hs,
            "client": (client, 1),
        }
        asyncio.run(gate(scope, receive, send))
        return out["status"]

    closed = Gate(app, uploads_open=False, max_body=5000)
    assert call(closed, "/gradio_api/upload", b"x" * 10) == 403 and seen == []
    assert call(closed, "/gradio_api/queue/join", b"x" * 6000) == 413
    assert call(closed, "/gradio_api/queue/join", b"x" * 6000, length=False) == 413
    assert call(closed, "/gradio_api/queue/join", b"x" * 100) == 200
    open_ = Gate(app, uploads_open=True, max_upload_body=50_000)
    assert call(open_, "/gradio_api/upload", b"x" * 40_000) == 200
    assert call(open_, "/gradio_api/upload", b"x" * 60_000) == 413
    login = Gate(app, throttle=AddressThrottle(max_failures=2))
    fwd = [("x-forwarded-for", "6.6.6.6")]
    assert [call(login, "/login", b"bad", headers=fwd) for _ in range(3)] == [400, 400, 429]
    assert call(login, "/login", b"good", headers=fwd) == 429  # that address waits a minute
    assert call(login, "/login", b"good", headers=[("x-forwarded-for", "10.0.0.1")]) == 200
    assert call(login, "/login", b"good") == 200


def test_a_login_flood_from_the_users_own_address_does_not_lock_out_a_browser_that_logged_in():
    # The throttle is by address: a flood from loopback (or one NAT, one proxy) locked the
    # real user out, as the attacker's address and the user's were the same.
    import asyncio

    from rag.web.serving import AddressThrottle, DeviceCookies, Gate

    async def app(scope, receive, send):
        body = (await receive()).get("body", b"")
        status = 200 if body == b"good" else 400
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    def login(gate, body, cookie=None):
        out = {}

        async def receive():
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(m):
            if m["type"] == "http.response.start":
                out["status"] = m["status"]
                out["cookies"] = [v.decode() for k, v in m["headers"] if k == b"set-cookie"]

        hs = [(b"content-length", str(len(body)).encode())]
        hs += [(b"cookie", cookie.encode())] if cookie else []
        scope = {"type": "http", "method": "POST", "path": "/login", "headers": hs}
        scope["client"] = ("127.0.0.1", 1)
        asyncio.run(gate(scope, receive, send))
        return out

    gate = Gate(app, throttle=AddressThrottle(max_failures=2), devices=DeviceCookies(b"key"))
    first = login(gate, b"good")
    assert first["status"] == 200 and len(first["cookies"]) == 1
    cookie = first["cookies"][0].split(";")[0]
    assert cookie.startswith("rag-device=") and "HttpOnly" in first["cookies"][0]
    # the flood, from the same address, without the cookie: that address is locked
    assert [login(gate, b"bad")["status"] for _ in range(3)] == [400, 400, 429]
    assert login(gate, b"good")["status"] == 429
    # the browser that logged in before still logs in (and is not given another cookie)
    again = login(gate, b"good", cookie)
    assert again["status"] == 200 and again["cookies"] == []
    # a forged or altered cookie is the address's
    assert login(gate, b"good", cookie[:-1] + ("0" if cookie[-1] != "0" else "1"))["status"] == 429
    assert login(gate, b"good", "rag-device=1-2.3")["status"] == 429
    # a cookie is held to the same budget of failures (a stolen one guesses no faster)
    assert [login(gate, b"bad", cookie)["status"] for _ in range(3)] == [400, 400, 429]
    assert login(gate, b"good", cookie)["status"] == 429
    # without device cookies (as before), the address's lock locks everyone on it
    plain = Gate(app, throttle=AddressThrottle(max_failures=2))
    assert [login(plain, b"bad")["status"] for _ in range(3)] == [400, 400, 429]
    assert login(plain, b"good", cookie)["status"] == 429


def test_gradio_upload_copies_of_an_earlier_run_are_removed(tmp_path):
    import os

    from rag.web.serving import clean_upload_folder

    old = tmp_path / "abc123" / "junk.bin"
    old.parent.mkdir()
    old.write_bytes(b"x" * 100)
    new = tmp_path / "def456" / "fresh.txt"
    new.parent.mkdir()
    new.write_bytes(b"y")
    os.utime(old, (1, 1))
    assert clean_upload_folder(tmp_path, older_than_s=600) == 1
    assert not old.parent.exists() and new.exists()
    assert clean_upload_folder(tmp_path) == 1 and list(tmp_path.iterdir()) == []


def test_a_port_in_use_stops_the_start_with_one_plain_line(tmp_path, capsys):
    import socket

    from rag.web.app import serve

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        st = Settings(documents_dir=tmp_path, index_dir=tmp_path / "i", port=port)
        assert serve(st) == 2
    err = capsys.readouterr().err
    assert err == (
        f"error: port {port} on 127.0.0.1 is in use (is the app already running?); "
        "choose another with --port or RAG_PORT\n"
    )


def test_the_page_hides_progress_timers_and_the_api_explains_its_parameters(site):
    from rag.web.app import build_app

    rag, library = site()
    demo = build_app(rag, library.indexer)
    config = demo.get_config_file()
    status = next(c["id"] for c in config["components"] if c["props"].get("elem_id") == "status")
    touching = [d for d in config["dependencies"] if status in [o for o in d["outputs"]]]
    assert touching and {d["show_progress"] for d in touching} == {"hidden"}
    info = demo.get_api_info()["named_endpoints"]
    params = {p["parameter_name"]: p for p in info["/ask"]["parameters"]}
    assert [p["label"] for p in info["/ask"]["parameters"]] == ["question", "history", "documents"]
    assert "follow-up" in params["history"]["python_type"]["description"]
    assert "as /documents lists them" in params["documents"]["python_type"]["description"]
    assert info["/delete"]["parameters"][0]["python_type"]["description"].startswith("the doc")


def test_delete_refuses_odd_names_in_plain_words_and_takes_aliases_as_the_real_name(site):
    from rag.ingest.upload import META_DIR

    rag, library = site()
    policy = UploadPolicy(rag.settings)
    record = rag.settings.documents_dir / META_DIR / "beta.md.json"
    record.parent.mkdir(exist_ok=True)
    record.write_text('{"origin": "uploaded", "by": "", "at": "2026-01-01 10:00"}')
    r = handlers.delete(rag, library, policy, "a\x00b.txt", None)
    assert r["deleted"] is None and r["error"].startswith("There is no document named")
    r = handlers.delete(rag, library, policy, "sub/../alpha.txt", None)
    assert r["error"] == "" and r["deleted"]["name"] == "alpha.txt"
    assert r["deleted"]["passages"] == 1
    r = handlers.delete(rag, library, policy, "./beta.md", None)
    assert r["error"] == "" and r["deleted"]["name"] == "beta.md" and r["documents"] == []
    assert not record.exists()
