"""Indexing in bounded commits: the first document answerable before the last is indexed, a
delete effective at once whatever is being indexed, a small upload passing a long queue, and
a full disk refused in plain words with nothing half-written and recovery by itself."""

from __future__ import annotations

import errno
import json
import time

import pytest

from rag.background import BackgroundIndexer
from rag.errors import DiskFull, DocumentNotFound
from rag.store.lexical import TermMatrix

FILLER = "The archive keeps its ledgers in a dry room with shelves of oak."


def archive_docs(folder, n: int) -> list[str]:
    """n documents, each naming one code; longer as i grows (smallest-first order is by i)."""
    names = []
    for i in range(n):
        name = f"archive-{i:03d}.txt"
        body = f"The vault code of archive {i:03d} is QV{i:03d}K. " + " ".join([FILLER] * (i + 1))
        (folder / name).write_text(body, encoding="utf-8")
        names.append(name)
    return names


def cited(rag, question: str) -> list[str]:
    return [c.doc for c in rag.ask(question).citations]


def test_first_document_answerable_before_the_last_is_indexed(make_rag, tiny_dir):
    rag = make_rag(tiny_dir)
    names = archive_docs(tiny_dir, 6)
    seen = []

    def on_documents(done, total):
        if not seen:  # the first commit: one document, the smallest
            snap = rag.store.current()
            seen.append((done, total, sorted(set(snap.documents) & set(names))))
            seen.append(cited(rag, "What is the vault code of archive 000?"))

    report = rag.refresh(commit_passages=2, on_documents=on_documents)
    assert seen[0] == (1, 6, ["archive-000.txt"])
    assert seen[1][:1] == ["archive-000.txt"]
    assert sorted(report.added) == names and not report.partial
    assert set(names) <= set(rag.store.current().documents)


def _start_long_run(rag, folder, n: int = 80):
    names = archive_docs(folder, n)
    indexer = BackgroundIndexer(rag)
    indexer.commit_passages = 2
    indexer.request()
    deadline = time.monotonic() + 120
    while indexer.docs_done < 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert indexer.busy and indexer.docs_done >= 1
    return indexer, names


def test_delete_during_a_long_indexing_run_is_effective_at_once(make_rag, tiny_dir):
    rag = make_rag(tiny_dir)
    indexer, names = _start_long_run(rag, tiny_dir)
    try:
        assert "archive-000.txt" in rag.store.current().documents  # committed already
        for gone in ("archive-000.txt", "archive-079.txt"):  # indexed, and still queued
            rag.delete_document(gone)
            indexer.request()
        # Returned while the run goes on: it did not wait for the writer.
        assert indexer.busy
        snap = rag.store.current()
        assert "archive-000.txt" not in snap.documents
        assert all(c.doc != "archive-000.txt" for c in snap.chunks)
        with pytest.raises(DocumentNotFound):
            rag.document("archive-000.txt")
        assert "archive-000.txt" not in cited(rag, "What is the vault code of archive 000?")
        assert "archive-000.txt" not in [d["name"] for d in rag.documents()]
    finally:
        assert indexer.wait(300)
    # Applied to the index on disk by a later commit; nothing hidden any more.
    manifest = json.loads(
        (
            rag.settings.index_dir
            / (rag.settings.index_dir / "CURRENT").read_text()
            / "manifest.json"
        ).read_text()
    )
    assert set(names) - set(manifest["documents"]) == {"archive-000.txt", "archive-079.txt"}
    assert rag.store.deletions.pairs() == set()
    assert "archive-001.txt" in cited(rag, "What is the vault code of archive 001?")


def test_small_upload_searchable_while_a_long_queue_is_indexed(make_rag, tiny_dir):
    rag = make_rag(tiny_dir)
    indexer, names = _start_long_run(rag, tiny_dir)
    try:
        stored, rejected = rag.store_files([("urgent.txt", b"The ferry leaves pier 9 at dawn.")])
        assert [s.status for s in stored] == ["added"] and not rejected
        indexer.request()
        deadline = time.monotonic() + 120
        while "urgent.txt" not in rag.store.current().documents and time.monotonic() < deadline:
            time.sleep(0.01)
        indexed = set(rag.store.current().documents)
        assert "urgent.txt" in indexed
        assert indexer.busy and not set(names) <= indexed  # the long queue is not done
        assert cited(rag, "Which pier does the ferry leave from?")[:1] == ["urgent.txt"]
    finally:
        assert indexer.wait(300)
    assert set(names) <= set(rag.store.current().documents)


def _disk_full(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


def test_full_disk_refused_plainly_nothing_left_and_recovers(make_rag, tiny_dir, monkeypatch):
    rag = make_rag(tiny_dir)
    index = rag.settings.index_dir
    before = sorted(p.name for p in index.iterdir())
    (tiny_dir / "gamma.txt").write_text("The lighthouse of Orm was lit in 1871.", "utf-8")
    # The segment's last file fails: vectors and passages are written by then.
    monkeypatch.setattr(TermMatrix, "save", _disk_full)
    with pytest.raises(DiskFull, match="the disk is full"):
        rag.refresh()
    assert sorted(p.name for p in index.iterdir()) == before  # no half segment, no .tmp
    assert "gamma.txt" not in rag.store.current().documents
    # A delete needs no space: effective now, while every index write still fails.
    rag.delete_document("alpha.txt")
    assert "alpha.txt" not in rag.store.current().documents
    with pytest.raises(DocumentNotFound):
        rag.document("alpha.txt")
    # An upload on a full disk: a plain refusal, no temporaries, no file.
    monkeypatch.setattr("rag.ingest.upload._claim", _disk_full)
    stored, rejected = rag.store_files([("delta.txt", b"The mill at Vor grinds rye.")])
    assert stored == [] and "the disk is full" in rejected["delta.txt"]
    assert not list(tiny_dir.glob(".upload-*")) and not (tiny_dir / "delta.txt").exists()
    assert not list(rag.library.texts.dir.glob("*.tmp")) and not list(
        rag.library.texts.dir.glob(".*.tmp")
    )
    # Space is back: the next refresh commits both changes by itself.
    monkeypatch.undo()
    report = rag.refresh()
    assert report.added == ["gamma.txt"] and report.removed == ["alpha.txt"]
    assert set(rag.store.current().documents) == {"beta.md", "gamma.txt"}
    assert cited(rag, "When was the lighthouse of Orm lit?")[:1] == ["gamma.txt"]
    assert rag.store.deletions.pairs() == set()


def test_upload_budget_is_per_caller_and_follows_the_indexer(tmp_path):
    from rag.background import Backlog
    from rag.settings import Settings
    from rag.web.serving import ByteBudget, take_uploads

    files = []
    for i in range(3):
        path = tmp_path / f"f{i}.txt"
        path.write_bytes(b"x" * 1000)
        files.append((path.name, path))
    settings = Settings(documents_dir=tmp_path, index_dir=tmp_path / "index")
    budget = ByteBudget(1500)
    taken, refused = take_uploads(files[:2], settings, budget, "mallory")
    assert [n for n, _ in taken] == ["f0.txt"] and "last minute" in refused[0]["reason"]
    taken, refused = take_uploads(files[2:], settings, budget, "ann")  # her own budget
    assert [n for n, _ in taken] == ["f2.txt"] and not refused
    # The indexer measured 10 bytes/s; 60 s of work may wait: 1,000 bytes queued already.
    backlog = Backlog(horizon_s=60, bytes_per_s=10)
    taken, refused = take_uploads(files[:1], settings, ByteBudget(10**6), "ann", backlog, 1000)
    assert taken == [] and "still indexing" in refused[0]["reason"]
    assert "try again in about 140 s" in refused[0]["reason"]
    taken, _ = take_uploads(files[:2], settings, ByteBudget(10**6), "ann", backlog, 0)
    assert [n for n, _ in taken] == ["f0.txt"]  # one always fits when nothing waits
    backlog.measured(100_000, 10.0)  # faster now: 10 kB/s
    taken, _ = take_uploads(files, settings, ByteBudget(10**6), "ann", backlog, 1000)
    assert len(taken) == 3


def test_two_pdfs_chosen_together_are_both_taken_where_text_files_would_wait(tmp_path):
    # A PDF's bytes are mostly fonts and layout: it is counted as a quarter of its size, so
    # two 10-Q filings picked at once are both taken (one was refused before any measure).
    from rag.background import Backlog
    from rag.settings import Settings
    from rag.web.serving import ByteBudget, take_uploads

    settings = Settings(documents_dir=tmp_path, index_dir=tmp_path / "index")
    paths = {}
    for name in ("a.pdf", "b.pdf", "a.txt", "b.txt"):
        paths[name] = tmp_path / name
        paths[name].write_bytes(b"x" * 1000)
    backlog = Backlog(horizon_s=60, bytes_per_s=10)  # 600 bytes of text may wait
    pdfs = [(n, paths[n]) for n in ("a.pdf", "b.pdf")]
    taken, refused = take_uploads(pdfs, settings, ByteBudget(10**6), "ann", backlog, 0)
    assert [n for n, _ in taken] == ["a.pdf", "b.pdf"] and not refused
    texts = [(n, paths[n]) for n in ("a.txt", "b.txt")]
    taken, refused = take_uploads(texts, settings, ByteBudget(10**6), "ann", backlog, 0)
    assert [n for n, _ in taken] == ["a.txt"] and "still indexing" in refused[0]["reason"]
