"""Issue 26 M3, item 3: one very large document does not hold back small work. While it is
being embedded, a small upload becomes searchable and a delete stops it; its embedding goes
on where it stopped, nothing embedded twice."""

import time

import pytest

from rag import RAG, Settings
from rag.background import BackgroundIndexer


def _big_text(n: int) -> str:
    return "\n\n".join(
        f"Ledger entry {i} records that crate {i * 7} left warehouse {i % 13} on day {i}."
        for i in range(n)
    )


@pytest.fixture
def indexing(tmp_path, embedder, request):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "big.txt").write_text(_big_text(request.param))
    settings = Settings(
        documents_dir=docs,
        index_dir=tmp_path / "index",
        cache_dir=tmp_path / "cache",
        generator="extractive",
    )
    rag = RAG(settings, embedder=embedder)
    embedded = []
    real_embed = rag.store.embedder.embed

    def counting(texts, *args, **kwargs):
        embedded.append(len(texts))
        return real_embed(texts, *args, **kwargs)

    rag.store.embedder.embed = counting
    indexer = BackgroundIndexer(rag)
    indexer.commit_passages, indexer.batch = 16, 8
    yield rag, indexer, embedded
    indexer.wait(120)
    rag.store.embedder.embed = real_embed


def _until(condition, timeout=120.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def _documents(rag):
    snap = rag.store.current()
    return set(snap.documents) if snap else set()


@pytest.mark.parametrize("indexing", [1500], indirect=True)  # about 160 passages
def test_a_small_upload_is_searchable_while_a_large_document_is_embedded(indexing):
    rag, indexer, embedded = indexing
    indexer.request()
    _until(lambda: indexer.done >= 80)  # the large document is being embedded
    stored, rejected = rag.store_files([("small.txt", b"The harbour pilot is Ingrid Vale.")])
    assert not rejected
    indexer.request()
    _until(lambda: "small.txt" in _documents(rag))
    assert "big.txt" not in _documents(rag)  # it did not wait for the large one
    assert indexer.wait(120)
    snap = rag.store.current()
    assert set(snap.documents) == {"big.txt", "small.txt"}
    big = snap.documents["big.txt"]["chunks"]
    # the large document went on where it stopped: nothing was embedded twice
    assert sum(embedded) == big + 1
    hits = rag.retriever.run("Who is the harbour pilot?", 3)
    assert hits[0].chunk.doc == "small.txt"
    assert len(rag.retriever.run("crate 7000 warehouse", 5)) == 5


@pytest.mark.parametrize("indexing", [6000], indirect=True)  # about 630 passages
def test_a_delete_during_a_large_document_stops_its_embedding(indexing):
    rag, indexer, embedded = indexing
    indexer.request()
    _until(lambda: indexer.done >= 80)
    t0 = time.monotonic()
    rag.delete_document("big.txt")
    assert "big.txt" not in _documents(rag)  # at once, before the indexer has done anything
    indexer.request()
    assert indexer.wait(120)
    total = indexer.total
    assert not (rag.settings.documents_dir / "big.txt").exists()
    assert _documents(rag) == set()
    # it stopped within a few embedding calls, not after the whole document
    assert sum(embedded) < 200, (sum(embedded), total, time.monotonic() - t0)
