"""The Milvus store (Milvus Lite, embedded and as a local server) behind the same retriever."""

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rag import RAG, Settings, load_documents
from rag.errors import ConfigError
from rag.evaluation.runner import load_gold
from rag.store.milvus import MilvusStore

from .conftest import EXPO, ROOT, SEEDS

pytestmark = pytest.mark.slow


def key(answer) -> tuple:
    d = answer.to_dict()
    return d["answer"], d["abstained"], [(c["doc"], c["start"], c["end"]) for c in d["citations"]]


@pytest.fixture(scope="module")
def both_stores(tmp_path_factory, embedder):
    base = tmp_path_factory.mktemp("stores")
    milvus = RAG(
        Settings(documents_dir=SEEDS, index_dir=base / "m", store="milvus", generator="reader"),
        embedder=embedder,
    )
    milvus.refresh()
    faiss = RAG(
        Settings(documents_dir=SEEDS, index_dir=base / "f", generator="reader"),
        embedder=embedder,
        generator=milvus.generator,
    )
    faiss.refresh()
    return milvus, faiss


def test_same_answers_and_citations_as_faiss_on_the_gold_set(both_stores):
    milvus, faiss = both_stores
    assert milvus.store.current().ntotal == faiss.store.current().ntotal
    for item in load_gold(ROOT / "eval" / "gold.jsonl", SEEDS):
        assert key(milvus.ask(item.question)) == key(faiss.ask(item.question)), item.question


def test_answer_cites_exact_spans_from_milvus(both_stores):
    milvus, _ = both_stores
    a = milvus.ask("Where was the 6th Sino-Russian EXPO held?")
    assert a.answer.startswith("Harbin — ") and a.citations[0].doc == EXPO
    text = (SEEDS / EXPO).read_text(encoding="utf-8")
    c = a.citations[0]
    assert text[c.start : c.end] == c.quote and "takes place" in c.quote
    s = a.short_answer
    assert text[s.start : s.end] == s.text == "Harbin"


def test_updates_embed_only_what_changed_and_deletions_are_searchable_at_once(
    tmp_path, tiny_dir, embedder
):
    store = MilvusStore(str(tmp_path / "m.db"), embedder, 200, 40)
    report = store.update(load_documents(tiny_dir).documents)
    assert report.added == ["alpha.txt", "beta.md"] and report.embedded_chunks == 2
    (tiny_dir / "gamma.txt").write_text("Fuyuan is the easternmost city of China.", "utf-8")
    (tiny_dir / "beta.md").write_text("# Trade\n\nTrade grew again in 2019.", "utf-8")
    (tiny_dir / "alpha.txt").unlink()
    report = store.update(load_documents(tiny_dir).documents)
    assert (report.added, report.changed, report.removed) == (
        ["gamma.txt"],
        ["beta.md"],
        ["alpha.txt"],
    )
    assert report.embedded_chunks == 2
    snap = store.current()
    assert sorted(snap.documents) == ["beta.md", "gamma.txt"]
    assert sorted(c.text for c in snap.chunks) == [
        "Fuyuan is the easternmost city of China.",
        "Trade\n\nTrade grew again in 2019.",  # Markdown as it reads rendered
    ]
    hits = snap.lexical("Harbin EXPO", 5)
    assert hits == []  # the removed document is gone from full-text search
    # A new client on the same file sees the same collection, and nothing to re-embed.
    again = MilvusStore(str(tmp_path / "m.db"), embedder, 200, 40)
    report = again.update(load_documents(tiny_dir).documents)
    assert not report.touched and report.total_chunks == 2


def test_bad_settings_are_refused_with_the_value(embedder):
    with pytest.raises(ConfigError, match="store='pinecone'"):
        Settings(store="pinecone")
    with pytest.raises(ConfigError, match="milvus_collection='a-b'"):
        MilvusStore("x.db", embedder, 200, 40, collection="a-b")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_milvus_lite_server_mode_over_http(tmp_path, tiny_dir, embedder):
    port = _free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "milvus-lite"),
            "server",
            "--data-dir",
            str(tmp_path / "server"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        rag = RAG(
            Settings(
                documents_dir=tiny_dir,
                index_dir=tmp_path / "unused",
                store="milvus",
                milvus_uri=f"http://127.0.0.1:{port}",
                generator="reader",
            ),
            embedder=embedder,
        )
        assert rag.refresh().embedded_chunks == 2
        a = rag.ask("Where was the 6th EXPO held?")
        assert a.short_answer is not None and a.short_answer.text == "Harbin"
        assert a.citations[0].doc == "alpha.txt"
        # Only the extracted texts (what citations point into) are kept on this machine.
        assert [p.name for p in (tmp_path / "unused").iterdir()] == ["texts"]
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_questions_limited_to_chosen_documents_and_library_on_milvus(both_stores):
    milvus, faiss = both_stores
    q = "How many Russian enterprises took part in the 6th Sino-Russian EXPO?"
    others = sorted(set(milvus.store.current().documents) - {EXPO})
    for rag in both_stores:
        a = rag.ask(q, documents=others)
        assert a.passages and all(p.chunk.doc != EXPO for p in a.passages)
        assert rag.ask(q, documents=[EXPO]).citations[0].doc == EXPO
    assert milvus.document(EXPO)["passages"] == faiss.document(EXPO)["passages"]
    assert [d["name"] for d in milvus.documents()] == [d["name"] for d in faiss.documents()]


def _cli(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "rag.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=600,
    )


def test_a_milvus_lite_file_reopens_in_new_processes(tmp_path, tiny_dir):
    """C1: collections written by one process are released on disk; every later process
    (a second index, a question, a restarted app) must load them before it queries."""
    env = {
        **os.environ,
        "RAG_STORE": "milvus",
        "RAG_MILVUS_URI": str(tmp_path / "m.db"),
        "RAG_INDEX_DIR": str(tmp_path / "index"),
        "RAG_CACHE_DIR": str(tmp_path / "cache"),
    }
    first = _cli("index", "--docs", str(tiny_dir), env=env)
    assert first.returncode == 0, first.stderr
    second = _cli("index", "--docs", str(tiny_dir), env=env)
    assert second.returncode == 0, second.stderr
    assert "index up to date (2 documents, 2 passages)" in second.stdout
    (tiny_dir / "gamma.txt").write_text("Fuyuan is the easternmost city of China.", "utf-8")
    third = _cli("index", "--docs", str(tiny_dir), env=env)
    assert third.returncode == 0 and "embedded 1 of 3 passages" in third.stdout, third.stderr
    ask = _cli("ask", "--docs", str(tiny_dir), "--json", "Where was the 6th EXPO held?", env=env)
    assert ask.returncode == 0, ask.stderr
    out = json.loads(ask.stdout)
    assert out["short_answer"]["text"] == "Harbin" and out["citations"][0]["doc"] == "alpha.txt"
