"""Every store survives a restart (issue 26, item 1): one process indexes, others ask and
catch up; a process killed (SIGTERM, SIGKILL) while it embeds leaves a store the next process
answers from, and whose catch-up stores each passage exactly once. FAISS and Milvus Lite, with
real processes; Milvus Lite's server mode restarted under a client."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from rag import RAG, Settings

from .conftest import ROOT, TINY

pytestmark = pytest.mark.slow

# One word per bulk document, in no other: a search for it finds that document's passages only.
WORDS = ["quokka", "narwhal", "axolotl", "pangolin"]

# A second process: `index` (progress lines, as the CLI's bar), `look WORD` (reads, never
# writes: what the table holds, what each search finds, every stored chunk id).
_WORKER = r"""
import json, sys, time
from rag import RAG, Settings
rag = RAG(Settings.from_env())
mode = sys.argv[1]
if mode == "index":
    def tick(done, total):
        print("progress", done, total, flush=True)
    # Batches as small as the app's background indexer uses.
    print("done", rag.refresh(tick, batch=4).summary(), flush=True)
    sys.exit(0)
t0 = time.perf_counter()
snap = rag.store.current()
reopen = time.perf_counter() - t0
word = sys.argv[2]
vec = rag.embedder.embed([word])
out = {"reopen_s": reopen, "table": sorted(snap.documents)}
out["lexical"] = sorted({snap.chunk(k).doc for k, _ in snap.lexical(word, 50)})
out["dense"] = sorted({snap.chunk(k).doc for k, _ in snap.dense(vec, 50)})
if rag.settings.store == "milvus":
    out["hybrid"] = sorted({snap.chunk(k).doc for k in snap.hybrid(word, vec, 50, 50)})
    rows = rag.store.query_all(rag.store.passages, "start >= 0", ["chunk_id"])
    out["stored"] = [r["chunk_id"] for r in rows]
else:
    out["stored"] = [c.chunk_id for c in snap.chunks]
out["live"] = [c.chunk_id for c in snap.chunks]
print(json.dumps(out), flush=True)
"""


def _env(tmp_path: Path, docs: Path, store: str) -> dict:
    env = {
        **os.environ,
        "RAG_STORE": store,
        "RAG_DOCUMENTS_DIR": str(docs),
        "RAG_INDEX_DIR": str(tmp_path / "index"),
        "RAG_CACHE_DIR": str(tmp_path / "cache"),
        "RAG_CHUNK_TOKENS": "64",
        "RAG_CHUNK_OVERLAP_TOKENS": "8",
        "RAG_GENERATOR": "extractive",
    }
    if store == "milvus":
        env["RAG_MILVUS_URI"] = str(tmp_path / "m.db")
    return env


def _run(args: list[str], env: dict) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=900
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


def _look(word: str, env: dict) -> dict:
    return json.loads(_run(["-c", _WORKER, "look", word], env).stdout.splitlines()[-1])


def _index(env: dict) -> str:
    return _run(["-c", _WORKER, "index"], env).stdout


def _kill_while_embedding(env: dict, sig: int) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", _WORKER, "index"],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    try:
        line = proc.stdout.readline()  # the first batch is embedded (and, in Milvus, inserted)
        assert line.startswith("progress"), line
        os.kill(proc.pid, sig)
        assert proc.wait(timeout=60) == -sig
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _write_bulk(docs: Path) -> None:
    for i, word in enumerate(WORDS):
        (docs / f"bulk{i}.txt").write_text(
            " ".join(
                f"Bulk note {i} line {j} says the {word} crossed the Amur at Heihe port."
                for j in range(120)
            ),
            "utf-8",
        )


@pytest.mark.parametrize("store", ["faiss", "milvus"])
def test_killed_updates_are_caught_up_by_the_next_process(tmp_path, store):
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, text in TINY.items():
        (docs / name).write_text(text, "utf-8")
    env = _env(tmp_path, docs, store)
    # One process indexes, another asks (and catches up: nothing to do).
    assert "added 2" in _index(env)
    ask = _run(["-m", "rag.cli", "ask", "--json", "Where was the 6th EXPO held?"], env)
    out = json.loads(ask.stdout)
    assert "Harbin" in out["answer"] and out["citations"][0]["doc"] == "alpha.txt"

    _write_bulk(docs)
    survived = strays = 0  # Milvus Lite keeps a killed process's last inserts, or not
    for sig in (signal.SIGTERM, signal.SIGKILL):
        _kill_while_embedding(env, sig)
        seen = _look(WORDS[0], env)
        # The reader sees the documents whose rows were committed, and only their passages:
        # whatever the killed process inserted without a row is never found.
        assert {"alpha.txt", "beta.md"} <= set(seen["table"])
        for search in ("lexical", "dense", "hybrid"):
            assert set(seen.get(search, [])) <= set(seen["table"]), (search, seen)
        assert len(seen["live"]) == len(set(seen["live"]))
        strays += len(seen["stored"]) - len(seen["live"])
        survived += 1

    report = _index(env)  # the catch-up
    assert "index updated" in report, report
    seen = _look(WORDS[3], env)
    assert seen["table"] == sorted([*TINY, *(f"bulk{i}.txt" for i in range(len(WORDS)))])
    assert sorted(seen["stored"]) == sorted(seen["live"])  # no stray, no second copy
    assert len(set(seen["stored"])) == len(seen["stored"])
    assert seen["lexical"] == ["bulk3.txt"]
    ask = _run(["-m", "rag.cli", "ask", "--json", "Where was the 6th EXPO held?"], env)
    out = json.loads(ask.stdout)
    assert "Harbin" in out["answer"] and out["citations"][0]["doc"] == "alpha.txt"
    assert survived == 2
    print(f"{store}: {survived} kills survived, {strays} stray passages seen and never searched")
    print(f"{store}: reopen {seen['reopen_s']:.2f} s")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(data: Path, port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "milvus-lite"),
            "server",
            "--data-dir",
            str(data),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return server
        time.sleep(0.2)
    server.kill()
    raise AssertionError("milvus-lite server did not start")


def test_milvus_lite_server_restarts_under_the_app(tmp_path, tiny_dir, embedder):
    """The server stopped (SIGTERM) and killed (SIGKILL) between two clients: each new client
    loads the released collections and answers without re-embedding anything."""
    port = _free_port()
    settings = Settings(
        documents_dir=tiny_dir,
        index_dir=tmp_path / "local",
        store="milvus",
        milvus_uri=f"http://127.0.0.1:{port}",
        generator="extractive",
    )
    server = _serve(tmp_path / "server", port)
    survived = 0
    try:
        assert RAG(settings, embedder=embedder).refresh().embedded_chunks == 2
        for sig in (signal.SIGTERM, signal.SIGKILL):
            server.send_signal(sig)
            server.wait(timeout=60)
            server = _serve(tmp_path / "server", port)
            rag = RAG(settings, embedder=embedder)
            t0 = time.perf_counter()
            snap = rag.store.current()
            reopen = time.perf_counter() - t0
            assert snap is not None and snap.ntotal == 2
            assert not rag.refresh().touched
            a = rag.ask("Where was the 6th EXPO held?")
            assert "Harbin" in a.answer and a.citations[0].doc == "alpha.txt"
            survived += 1
    finally:
        server.terminate()
        server.wait(timeout=60)
    assert survived == 2
    print(f"milvus server: {survived} restarts survived; reopen {reopen:.2f} s")


def test_questions_during_a_rebuild_say_still_indexing(tmp_path, tiny_dir, embedder):
    """A damaged index at start: nothing is searchable until the rebuild ends, and a question
    asked meanwhile hears that, not that the documents lack the answer."""
    base = dict(documents_dir=tiny_dir, index_dir=tmp_path / "index", generator="extractive")
    RAG(Settings(**base), embedder=embedder).refresh()
    (tmp_path / "index" / "CURRENT").write_bytes(b"\xff\xfe not a name")
    rag = RAG(Settings(**base), embedder=embedder)
    assert rag.store.current() is None
    started, release = threading.Event(), threading.Event()

    def progress(done, total):
        started.set()
        release.wait(60)

    worker = threading.Thread(target=rag.refresh, args=(progress,))
    worker.start()
    try:
        assert started.wait(120)
        a = rag.ask("Where was the 6th EXPO held?")
        assert a.abstained and a.reason == "indexing"
        assert a.answer == "The documents are still being indexed: ask again in a moment."
    finally:
        release.set()
        worker.join(120)
    a = rag.ask("Where was the 6th EXPO held?")
    assert not a.abstained and "Harbin" in a.answer
