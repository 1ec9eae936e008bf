"""The API for other apps, through the real gradio_client against the real app; and the
page's wiring, checked on the Blocks object."""

import doctest
import json
import shutil
import time
import urllib.error
import urllib.request

import pytest

from ._apphelpers import RunningApp, app_on_seed_copy
from .conftest import EXPO, SEEDS

pytestmark = pytest.mark.slow

CITATION_KEYS = {"n", "doc", "chunk_id", "start", "end", "quote", "score", "origin"}
CITATION_KEYS |= {"page", "section", "display"}
RELATED_KEYS = {"doc", "chunk_id", "start", "end", "score", "text", "display", "page", "section"}
DOCUMENT_KEYS = {"name", "title", "format", "pages", "bytes", "passages", "added", "status"}
DOCUMENT_KEYS |= {"origin"}


def test_app_doctests():
    from rag.web import api, render, serving

    results = [doctest.testmod(m) for m in (render, serving, api)]
    assert sum(r.attempted for r in results) > 10 and not any(r.failed for r in results)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    running = app_on_seed_copy(tmp_path_factory.mktemp("app"))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def client(app):
    from gradio_client import Client

    return Client(app.url, verbose=False)


def test_ask_returns_the_documented_json_with_a_verifiable_citation(app, client):
    result = client.predict("Where was the 6th Sino-Russian EXPO held?", api_name="/ask")
    assert {"answer", "abstained", "generator", "citations", "seconds"} <= set(result)
    assert result["abstained"] is False and result["generator"] == "reader"
    short = result["short_answer"]
    assert short["text"] == "Harbin" and short["doc"] == EXPO
    first = result["citations"][0]
    assert set(first) == CITATION_KEYS
    assert first["doc"] == EXPO and first["page"] is None  # a text file has no pages
    text = (app.base / "docs" / EXPO).read_text(encoding="utf-8")
    assert text[first["start"] : first["end"]] == first["quote"]
    assert "Harbin" in first["quote"]
    assert text[short["start"] : short["end"]] == "Harbin"
    assert f"[{first['n']}]" in result["answer"]
    # /document gives the text every span points into (for any format: here, the same).
    doc = client.predict(EXPO, api_name="/document")
    assert doc["text"] == text and doc["error"] == ""
    assert any(p["start"] <= first["start"] < p["end"] for p in doc["passages"])


def test_follow_up_with_history(client):
    result = client.predict(
        "And how many Russian ones?",
        ["How many Chinese enterprises were at the 6th EXPO?"],
        api_name="/ask",
    )
    assert any(c["doc"] == EXPO and "137" in c["quote"] for c in result["citations"])


def test_unanswerable_question_abstains_with_related_passages_best_first(client):
    result = client.predict("What is the population of Khabarovsk?", api_name="/ask")
    assert result["abstained"] is True and result["citations"] == []
    assert result["related"] and set(result["related"][0]) == RELATED_KEYS
    # In plain words: no scores, no counts.
    assert result["why"] and not any(ch.isdigit() for ch in result["why"])


def test_ask_searches_only_the_documents_named(client):
    q = "Where was the 6th Sino-Russian EXPO held?"
    other = "003_f63e59bf8519bc95.txt"
    result = client.predict(q, None, [other], api_name="/ask")
    assert all(c["doc"] == other for c in result["citations"])
    assert all(p["doc"] == other for p in result["related"])
    assert client.predict(q, None, [], api_name="/ask")["citations"][0]["doc"] == EXPO
    unknown = client.predict(q, None, ["nope.txt"], api_name="/ask")
    assert "no document named 'nope.txt'" in unknown["error"]


@pytest.mark.parametrize("bad", ["", "   ", "\x00\x01"])
def test_bad_question_gets_a_structured_error(client, bad):
    result = client.predict(bad, api_name="/ask")
    assert result["error"] == "Please type a question." and result["citations"] == []


def test_huge_and_mixed_script_questions_are_answered(client):
    long = client.predict("Where was the EXPO held? " + "word " * 20_000, api_name="/ask")
    assert "only the first" in long["notice"]
    mixed = client.predict("哈尔滨 Харбин 🎉 EXPO?", api_name="/ask")
    assert mixed["error"] == "" and isinstance(mixed["answer"], str)


def test_api_signature_and_typed_returns_are_pinned(client):
    api = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    # Chat internals are not part of the API.
    assert set(api) == {"/ask", "/documents", "/document", "/upload", "/delete"}

    def params(name):
        return [(p["parameter_name"], p["parameter_has_default"]) for p in api[name]["parameters"]]

    assert params("/ask") == [("question", False), ("history", True), ("documents", True)]
    assert params("/documents") == []
    assert params("/document") == [("name", False)]
    assert params("/upload") == [("files", False)]
    assert params("/delete") == [("name", False)]
    returns = {name: api[name]["returns"][0]["python_type"]["type"] for name in api}
    assert returns["/ask"].startswith("dict(answer: str, abstained: bool")
    assert "page: None | int, section: None | str" in returns["/ask"]
    assert returns["/documents"].startswith("list[dict(name: str, title: str, format: str")
    assert returns["/upload"].startswith("dict(added: list[dict(file: str, name: str)]")
    assert "refused: list[dict(file: str, reason: str)]" in returns["/upload"]
    assert returns["/delete"].startswith("dict(deleted: None | dict(name: str")


def test_documents_lists_titles_and_facts(client):
    docs = client.predict(api_name="/documents")
    assert [d["name"] for d in docs][:5] == sorted(p.name for p in SEEDS.glob("*.txt"))
    first = docs[0]
    assert set(first) == DOCUMENT_KEYS
    assert first["title"].startswith("Some Observations on Sino-Russian Inter-regional")
    assert first["format"] == "txt" and first["status"] == "indexed" and first["passages"] > 0
    assert client.predict("nope.txt", api_name="/document")["error"].startswith(
        "There is no document named 'nope.txt'"
    )


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_file_routes_do_not_serve_files_outside_the_documents(app):
    index_current = app.base / "index" / "CURRENT"
    gen = app.base / "index" / index_current.read_text().strip()
    for path in [
        "/etc/passwd",
        str(index_current),
        str(gen / "manifest.json"),
        str(app.base / "docs" / EXPO),
        str(SEEDS.parent / "pyproject.toml"),
    ]:
        for route in ("/gradio_api/file=", "/file="):
            status, body = _get(app.url + route + path)
            assert status in (403, 404), (route, path, status)
            assert b"root:" not in body and b"sha256" not in body


def test_upload_cannot_name_a_file_already_on_the_server(app):
    """/upload takes files sent to it, never a path on the server's disk."""
    secret = app.base / "secret.md"
    secret.write_text("# Secret\n\nThe vault code is 4711.", encoding="utf-8")
    payload = {"path": str(secret), "orig_name": "secret.md", "meta": {"_type": "gradio.FileData"}}
    req = urllib.request.Request(
        app.url + "/gradio_api/call/upload",
        json.dumps({"data": [payload]}).encode(),
        {"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=10) as r:
        event = json.loads(r.read())["event_id"]
    with urllib.request.urlopen(f"{app.url}/gradio_api/call/upload/{event}", timeout=30) as r:
        stream = r.read().decode()
    assert "event: error" in stream and "4711" not in stream
    assert not list((app.base / "docs").glob("secret*"))


def test_upload_is_a_documented_dict_and_is_indexed_incrementally(app, client, tmp_path):
    from gradio_client import handle_file

    doc = tmp_path / "amur festival.txt"
    doc.write_text("The Amur bridge festival in Blagoveshchensk is held every August 12.", "utf-8")
    # A single file, not a list.
    result = client.predict(handle_file(str(doc)), api_name="/upload")
    assert set(result) == {"added", "duplicates", "refused", "documents", "error"}
    assert result["added"] == [{"file": "amur festival.txt", "name": "amur festival.txt"}]
    assert result["error"] == "" and result["refused"] == [] and result["duplicates"] == []
    listed = {d["name"]: d for d in result["documents"]}
    assert listed["amur festival.txt"]["origin"]["origin"] == "uploaded"
    deadline = time.time() + 120  # indexed in the background; questions are answered meanwhile
    while time.time() < deadline:
        answer = client.predict("When is the Amur bridge festival held?", api_name="/ask")
        if answer["citations"] and answer["citations"][0]["doc"] == "amur festival.txt":
            break
        time.sleep(0.5)
    assert answer["citations"][0]["doc"] == "amur festival.txt"
    assert answer["citations"][0]["origin"]["origin"] == "uploaded"
    assert "embedded 1 of" in app.log()  # only the new file was embedded
    # A list; the same bytes again are a duplicate; an unreadable file is refused, and why.
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00binary")
    again = client.predict([handle_file(str(doc)), handle_file(str(bad))], api_name="/upload")
    assert again["duplicates"] == [{"file": "amur festival.txt", "name": "amur festival.txt"}]
    assert [r["file"] for r in again["refused"]] == ["bad.txt"]
    assert again["refused"][0]["reason"] and again["added"] == []


def test_delete_drops_a_document_at_once_and_for_good(app, client, tmp_path):
    from gradio_client import handle_file

    doc = tmp_path / "ferry.md"
    doc.write_text("# Ferries\n\nThe Heihe ferry crosses the Amur in 12 minutes.", "utf-8")
    client.predict(handle_file(str(doc)), api_name="/upload")
    deadline = time.time() + 120
    while time.time() < deadline:
        docs = {d["name"]: d for d in client.predict(api_name="/documents")}
        if docs.get("ferry.md", {}).get("status") == "indexed":
            break
        time.sleep(0.5)
    q = "How long does the Heihe ferry take to cross the Amur?"
    answer = client.predict(q, api_name="/ask")
    assert answer["citations"][0]["doc"] == "ferry.md"
    assert answer["citations"][0]["section"] == "Ferries"

    result = client.predict("ferry.md", api_name="/delete")
    assert result["error"] == "" and result["deleted"]["name"] == "ferry.md"
    assert "ferry.md" not in {d["name"] for d in result["documents"]}
    after = client.predict(q, api_name="/ask")
    assert all(c["doc"] != "ferry.md" for c in after["citations"])
    assert all(p["doc"] != "ferry.md" for p in after["related"])
    assert not (app.base / "docs" / "ferry.md").exists()
    missing = client.predict("ferry.md", api_name="/delete")
    assert missing["deleted"] is None and "no document named 'ferry.md'" in missing["error"]
    # Deleting names only documents: a path outside the folder is an unknown name.
    outside = client.predict("../index/CURRENT", api_name="/delete")
    assert outside["deleted"] is None and (app.base / "index" / "CURRENT").exists()


def test_a_deletion_survives_a_restart(tmp_path):
    from gradio_client import Client

    shutil.copytree(SEEDS, tmp_path / "docs")
    dirs = (tmp_path / "docs", tmp_path / "index")
    first = RunningApp(*dirs, tmp_path / "app1.log")
    try:
        result = Client(first.url, verbose=False).predict(EXPO, api_name="/delete")
        assert result["deleted"]["name"] == EXPO
    finally:
        first.stop()
    second = RunningApp(*dirs, tmp_path / "app2.log")
    try:
        client = Client(second.url, verbose=False)
        assert EXPO not in {d["name"] for d in client.predict(api_name="/documents")}
        answer = client.predict("Where was the 6th Sino-Russian EXPO held?", api_name="/ask")
        assert all(c["doc"] != EXPO for c in answer["citations"])
    finally:
        second.stop()


def test_start_is_logged_with_readiness_time(app):
    assert "ready on http://127.0.0.1" in app.log()
    print(f"app ready after {app.ready_after:.1f} s")


def test_documents_cannot_be_changed_when_the_operator_turned_it_off(tmp_path):
    from gradio_client import Client, handle_file

    shutil.copytree(SEEDS, tmp_path / "docs")
    off = RunningApp(
        tmp_path / "docs", tmp_path / "index", tmp_path / "app.log", {"RAG_UPLOADS": "off"}
    )
    try:
        doc = tmp_path / "x.txt"
        doc.write_text("The 6th Sino-Russian EXPO was held in PWNED.", "utf-8")
        client = Client(off.url, verbose=False)
        # Uploads off closes Gradio's upload route too (issue 26, M5): the file is refused
        # before any byte of it is sent or stored.
        with pytest.raises(ValueError, match="exceeds the maximum file size"):
            client.predict([handle_file(str(doc))], api_name="/upload")
        deleted = client.predict(EXPO, api_name="/delete")
    finally:
        off.stop()
    assert "turned off" in deleted["error"] and deleted["deleted"] is None
    assert sorted(p.name for p in (tmp_path / "docs").glob("*.txt")) == sorted(
        p.name for p in SEEDS.glob("*.txt")
    )


def test_the_trash_button_and_new_conversation_reset_the_same_things(tiny_dir, make_rag):
    """Both reset the chat, the sources panel, the hidden history (earlier questions), the
    source picker, the last answer and the conversation kept in the browser."""
    import gradio as gr

    from rag.web import app

    demo = app.build_app(make_rag(tiny_dir))
    by_id = {b._id: b for b in demo.blocks.values()}

    def handler(elem_id, event):
        block = next(b for b in by_id.values() if getattr(b, "elem_id", None) == elem_id)
        return next(f for f in demo.fns.values() if (block._id, event) in f.targets)

    trash, new = handler("chat", "clear"), handler("new", "click")
    assert trash.fn is new.fn and trash.outputs == new.outputs
    kinds = [type(b).__name__ for b in new.outputs]
    assert {"Chatbot", "HTML", "Radio", "BrowserState"} <= set(kinds)
    assert kinds.count("State") >= 3  # earlier questions, last answer, busy
    values = new.fn()
    chat, sources, asked, pick, last, busy, _, kept = values
    assert chat == [] and asked == [] and last is None and busy is False
    assert "appear here" in sources and kept == {"messages": [], "asked": [], "last": None}
    assert isinstance(pick, dict) and pick["visible"] is False
    assert isinstance(demo, gr.Blocks)


def test_no_event_that_updates_the_status_line_or_the_library_shows_a_timer(tiny_dir, make_rag):
    """Issue 26: the status line flashed Gradio's "0.0s" timer on every update."""
    from rag.web import app

    demo = app.build_app(make_rag(tiny_dir))
    watched = {
        b._id
        for b in demo.blocks.values()
        if getattr(b, "elem_id", None) in ("status", "doc-table")
    }
    assert len(watched) == 2
    updating = [f for f in demo.fns.values() if watched & {o._id for o in f.outputs}]
    assert len(updating) >= 3  # upload, delete, the timer that follows indexing, ...
    shown = [f.name for f in updating if f.show_progress != "hidden"]
    assert shown == []


def test_every_font_weight_served_has_lower_case_letters():
    """Gradio's semibold Source Sans Pro is a 55-glyph subset without lower case: a title at
    that weight mixed two fonts ("Ask" drawn half in another face). The theme serves only
    whole fonts."""
    import re
    from pathlib import Path

    import gradio
    from fontTools.ttLib import TTFont

    from rag.web.app import theme

    static = Path(gradio.__file__).parent / "templates" / "frontend"
    css = "".join(f.stylesheet()["css"] or "" for f in theme()._font if hasattr(f, "stylesheet"))
    files = re.findall(r"url\('([^']+\.woff2)'\)", css)
    assert files
    for f in files:
        cmap = TTFont(static / f).getBestCmap()
        assert all(ord(c) in cmap for c in "Ask AAPL"), f
