"""The API for other apps, through the real gradio_client against the real app."""

import shutil
import time
import urllib.error
import urllib.request

import pytest

from ._apphelpers import RunningApp
from .conftest import EXPO, SEEDS

pytestmark = pytest.mark.slow

CITATION_KEYS = {"n", "doc", "chunk_id", "start", "end", "quote", "score", "origin"}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    base = tmp_path_factory.mktemp("app")
    shutil.copytree(SEEDS, base / "docs")
    running = RunningApp(base / "docs", base / "index", base / "app.log")
    running.base = base
    yield running
    running.stop()


@pytest.fixture(scope="module")
def client(app):
    from gradio_client import Client

    return Client(app.url, verbose=False)


def test_ask_returns_the_documented_json_with_a_verifiable_citation(app, client):
    result = client.predict("Where was the 6th Sino-Russian EXPO held?", api_name="/ask")
    assert {"answer", "abstained", "generator", "citations"} <= set(result)
    assert result["abstained"] is False and result["generator"] == "reader"
    short = result["short_answer"]
    assert short["text"] == "Harbin" and short["doc"] == EXPO
    first = result["citations"][0]
    assert set(first) == CITATION_KEYS
    assert first["doc"] == EXPO
    text = (app.base / "docs" / EXPO).read_text(encoding="utf-8")
    assert text[first["start"] : first["end"]] == first["quote"]
    assert "Harbin" in first["quote"]
    assert text[short["start"] : short["end"]] == "Harbin"
    assert f"[{first['n']}]" in result["answer"]


def test_follow_up_with_history(client):
    result = client.predict(
        "And how many Russian ones?",
        ["How many Chinese enterprises were at the 6th EXPO?"],
        api_name="/ask",
    )
    assert any(c["doc"] == EXPO and "137" in c["quote"] for c in result["citations"])


def test_unanswerable_question_abstains_with_related_passages(client):
    result = client.predict("What is the population of Khabarovsk?", api_name="/ask")
    assert result["abstained"] is True and result["citations"] == []
    assert result["related"] and {"doc", "chunk_id", "start", "end", "score", "text"} <= set(
        result["related"][0]
    )


@pytest.mark.parametrize("bad", ["", "   ", "\x00\x01"])
def test_bad_question_gets_a_structured_error(client, bad):
    result = client.predict(bad, api_name="/ask")
    assert result["error"] == "Please type a question." and result["citations"] == []


def test_huge_and_mixed_script_questions_are_answered(client):
    long = client.predict("Where was the EXPO held? " + "word " * 20_000, api_name="/ask")
    assert "only the first" in long["notice"]
    mixed = client.predict("哈尔滨 Харбин 🎉 EXPO?", api_name="/ask")
    assert "error" not in mixed and isinstance(mixed["answer"], str)


def test_api_signature_is_pinned(client):
    api = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    params = [(p["parameter_name"], p["parameter_has_default"]) for p in api["/ask"]["parameters"]]
    assert params == [("question", False), ("history", True)]
    assert set(api) == {"/ask", "/upload"}  # chat internals are not part of the API


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


def test_upload_through_the_api_is_indexed_incrementally(app, client, tmp_path):
    from gradio_client import handle_file

    doc = tmp_path / "amur festival.txt"
    doc.write_text("The Amur bridge festival in Blagoveshchensk is held every August 12.", "utf-8")
    message, table, status = client.predict([handle_file(str(doc))], api_name="/upload")
    assert "added **amur_festival.txt**" in message and "in the background" in message
    assert ["amur_festival.txt", "indexing…"] in table["data"] or "embedded 1 of" in app.log()
    deadline = time.time() + 120  # indexed in the background; questions are answered meanwhile
    while time.time() < deadline:
        result = client.predict("When is the Amur bridge festival held?", api_name="/ask")
        if result["citations"] and result["citations"][0]["doc"] == "amur_festival.txt":
            break
        time.sleep(0.5)
    assert result["citations"][0]["doc"] == "amur_festival.txt"
    assert result["citations"][0]["origin"]["origin"] == "uploaded"
    assert "embedded 1 of" in app.log()  # only the new file was embedded
    again, _, _ = client.predict([handle_file(str(doc))], api_name="/upload")
    assert "already indexed" in again
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00binary")
    refused, _, _ = client.predict([handle_file(str(bad))], api_name="/upload")
    assert "refused **bad.txt**" in refused


def test_start_is_logged_with_readiness_time(app):
    assert "ready on http://127.0.0.1" in app.log()
    print(f"app ready after {app.ready_after:.1f} s")


def test_uploads_can_be_turned_off_by_the_operator(tmp_path):
    from gradio_client import Client, handle_file

    shutil.copytree(SEEDS, tmp_path / "docs")
    off = RunningApp(
        tmp_path / "docs", tmp_path / "index", tmp_path / "app.log", {"RAG_UPLOADS": "off"}
    )
    try:
        doc = tmp_path / "x.txt"
        doc.write_text("The 6th Sino-Russian EXPO was held in PWNED.", "utf-8")
        message, _, _ = Client(off.url, verbose=False).predict(
            [handle_file(str(doc))], api_name="/upload"
        )
    finally:
        off.stop()
    assert "turned off" in message
    assert sorted(p.name for p in (tmp_path / "docs").glob("*.txt")) == sorted(
        p.name for p in SEEDS.glob("*.txt")
    )
