"""The Milvus store (Milvus Lite, embedded and as a local server) behind the same retriever."""

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rag import RAG, Settings, load_documents
from rag.errors import ConfigError, IndexCorrupt
from rag.evaluation.runner import load_gold
from rag.store.milvus import MilvusStore

from .conftest import EXPO, ROOT, SEEDS
from .test_cli import run_cli

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
    # The stores' parity: steering reorders by their BM25 scores, which differ slightly
    # (Milvus's own BM25), so it is compared off; test_steering_... checks it in both.
    for rag in both_stores:
        rag.retriever.doc_steer = "off"
    try:
        for item in load_gold(ROOT / "eval" / "gold.jsonl", SEEDS):
            assert key(milvus.ask(item.question)) == key(faiss.ask(item.question)), item.question
    finally:
        for rag in both_stores:
            rag.retriever.doc_steer = rag.settings.doc_steer


def test_steering_picks_the_named_report_in_both_stores(tmp_path, embedder):
    body = (
        "<p>Product revenue grew {} percent, led by demand for the data platform.</p>"
        "<p>Operating margin was {} percent of revenue.</p>"
    )
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, title, growth, margin in (
        ("a.html", "Q1 2022 report", 12, 5),
        ("b.html", "Q1 2023 report", 48, 9),
    ):
        html = f"<html><head><title>{title}</title></head><body>{body.format(growth, margin)}</body></html>"
        (docs / name).write_text(html, encoding="utf-8")
    rags = []
    for store in ("milvus", "faiss"):
        s = Settings(
            documents_dir=docs, index_dir=tmp_path / store, store=store, generator="reader"
        )
        rag = RAG(s, embedder=embedder)
        rag.refresh()
        rags.append(rag)
    for question, doc in (
        ("What was the operating margin in Q1 2022?", "a.html"),
        ("What was the operating margin in the first quarter of 2023?", "b.html"),
    ):
        for rag in rags:
            assert rag.settings.doc_steer == "prefer"
            assert rag.retriever.run(question, 5)[0].chunk.doc == doc, (
                rag.settings.store,
                question,
            )


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
    # what bounds indexing is told per stage, as for FAISS (`rag index` had printed 0.0 each)
    assert report.cpu["embed"] > 0 and {"chunk", "write"} <= report.cpu.keys()
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


def test_a_milvus_lite_file_reopens_in_new_processes(tmp_path, tiny_dir):
    """C1: collections written by one process are released on disk; every later process
    (a second index, a question, a restarted app) must load them before it queries."""
    env = {
        "RAG_STORE": "milvus",
        "RAG_MILVUS_URI": str(tmp_path / "m.db"),
        "RAG_INDEX_DIR": str(tmp_path / "index"),
    }
    first = run_cli("index", "--docs", str(tiny_dir), tmp_path=tmp_path, env=env)
    assert first.returncode == 0, first.stderr
    second = run_cli("index", "--docs", str(tiny_dir), tmp_path=tmp_path, env=env)
    assert second.returncode == 0, second.stderr
    assert "index up to date (2 documents, 2 passages)" in second.stdout
    (tiny_dir / "gamma.txt").write_text("Fuyuan is the easternmost city of China.", "utf-8")
    third = run_cli("index", "--docs", str(tiny_dir), tmp_path=tmp_path, env=env)
    assert third.returncode == 0 and "embedded 1 of 3 passages" in third.stdout, third.stderr
    ask = run_cli(
        "ask",
        "--docs",
        str(tiny_dir),
        "--json",
        "Where was the 6th EXPO held?",
        tmp_path=tmp_path,
        env=env,
    )
    assert ask.returncode == 0, ask.stderr
    out = json.loads(ask.stdout)
    assert out["short_answer"]["text"] == "Harbin" and out["citations"][0]["doc"] == "alpha.txt"


def _died_midway(done, total):
    if done:
        raise RuntimeError("killed")  # an update that stops after inserting its first batch


def test_passages_without_a_row_are_never_searched_and_catch_up_stores_each_once(
    tmp_path, tiny_dir, embedder
):
    """M6: an update that dies between inserting a document's passages and writing its row
    leaves passages the table does not name, and an older catch-up stored chunks twice."""
    uri = str(tmp_path / "m.db")
    store = MilvusStore(uri, embedder, 30, 5)
    store.update(load_documents(tiny_dir).documents)
    # A second copy of every alpha passage, as the catch-up that compared hashes only left.
    fields = ["chunk_id", "doc", "sha256", "start", "end", "text", "terms", "sentences"]
    fields += ["context", "dense"]
    rows = store.query_all(store.passages, 'doc == "alpha.txt"', fields)
    store.client.insert(store.passages, rows)
    (tiny_dir / "gamma.txt").write_text(
        " ".join(f"Fuyuan line {i} is in the far east of Heilongjiang." for i in range(30)),
        "utf-8",
    )
    store.embed_batch = 2
    with pytest.raises(RuntimeError):
        store.update(load_documents(tiny_dir).documents, progress=_died_midway)

    fresh = MilvusStore(uri, embedder, 30, 5)
    snap = fresh.current()
    stored = fresh.query_all(fresh.passages, "start >= 0", ["chunk_id", "doc"])
    assert {r["doc"] for r in stored} == {"alpha.txt", "beta.md", "gamma.txt"}
    assert sorted(snap.documents) == ["alpha.txt", "beta.md"]
    vec = embedder.embed(["Fuyuan far east Heilongjiang"])
    assert snap.lexical("Fuyuan Heilongjiang", 10) == []
    for key, _ in snap.dense(vec, 10):
        assert snap.chunk(key).doc != "gamma.txt"
    hits = [snap.chunk(k) for k in snap.hybrid("Fuyuan Harbin", vec, 10, 10)]
    assert [c.doc for c in hits if c.doc == "gamma.txt"] == []
    ids = [c.chunk_id for c in hits]
    assert len(ids) == len(set(ids))  # alpha's second copy is not a second hit
    assert len(snap.doc_chunks("alpha.txt")) == len(snap.chunks) - len(snap.doc_chunks("beta.md"))

    report = fresh.update(load_documents(tiny_dir).documents)
    assert report.added == ["gamma.txt"]
    stored = fresh.query_all(fresh.passages, "start >= 0", ["chunk_id"])
    ids = sorted(r["chunk_id"] for r in stored)
    assert len(ids) == len(set(ids)) == report.total_chunks
    assert ids == sorted(c.chunk_id for c in fresh.current().chunks)
    found = fresh.current().lexical("Fuyuan Heilongjiang", 3)
    assert {fresh.current().chunk(k).doc for k, _ in found} == {"gamma.txt"}
    # A passage a kill lost (Milvus Lite had not persisted it) while its row survived: the
    # next update indexes that document again.
    fresh.client.delete(fresh.passages, filter='chunk_id == "beta.md::0"')
    report = MilvusStore(uri, embedder, 30, 5).update(load_documents(tiny_dir).documents)
    assert report.added == ["beta.md"] and report.embedded_chunks == len(snap.doc_chunks("beta.md"))


def test_collections_built_otherwise_are_rebuilt_on_update_and_refused_on_read(
    tmp_path, tiny_dir, embedder
):
    docs = load_documents(tiny_dir).documents
    uri = str(tmp_path / "m.db")
    MilvusStore(uri, embedder, 200, 40).update(docs)
    other = MilvusStore(uri, embedder, 100, 40)
    with pytest.raises(IndexCorrupt, match=r"chunker settings changed \(max_tokens 200 -> 100\)"):
        other.load()
    assert other.current() is None
    report = other.update(docs)
    assert report.rebuilt == "chunker settings changed (max_tokens 200 -> 100)"
    assert report.embedded_chunks == report.total_chunks == 2

    # Collections of the same names that another program made, with other fields.
    uri = str(tmp_path / "foreign.db")
    from pymilvus import MilvusClient

    client = MilvusClient(uri)
    client.create_collection("rag_passages", dimension=8)
    client.create_collection("rag_documents", dimension=2)
    client.close()
    store = MilvusStore(uri, embedder, 200, 40)
    with pytest.raises(IndexCorrupt, match="not this version's"):
        store.load()
    report = store.update(docs)
    assert "not this version's" in report.rebuilt and report.embedded_chunks == 2
    assert sorted(store.current().documents) == ["alpha.txt", "beta.md"]

    # One of the two collections gone.
    store.client.drop_collection("rag_documents")
    again = MilvusStore(uri, embedder, 200, 40)
    with pytest.raises(IndexCorrupt, match="rag_documents is missing"):
        again.load()
    report = again.update(docs)
    assert report.rebuilt == "the collection rag_documents is missing"
    assert report.total_chunks == 2


def test_a_milvus_lite_file_in_use_is_refused_in_plain_words(tmp_path, tiny_dir, embedder):
    uri = str(tmp_path / "m.db")
    store = MilvusStore(uri, embedder, 200, 40)
    store.update(load_documents(tiny_dir).documents)  # this process holds the file open
    script = (
        "import sys\nfrom rag.errors import ConfigError\nfrom rag.store.milvus import MilvusStore\n"
        "try:\n    MilvusStore(sys.argv[1], None, 200, 40).client\n"
        "except ConfigError as exc:\n    print('refused:', exc)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, uri], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith(f"refused: cannot open the Milvus Lite file {uri}: another")
    assert "milvus-lite server" in out.stdout
