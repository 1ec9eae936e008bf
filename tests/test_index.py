import json

import pytest

from rag import ConfigError, IndexCorrupt, IndexStore, load_documents

from .conftest import EXPO


def store_for(tmp_path, embedder, chunk_tokens=200, overlap=40):
    return IndexStore(tmp_path / "index", embedder, chunk_tokens, overlap)


def test_round_trip_gives_same_results(tmp_path, seeds_dir, embedder):
    docs = load_documents(seeds_dir).documents
    first = store_for(tmp_path, embedder)
    report = first.update(docs)
    assert sorted(report.added) == sorted(d.name for d in docs)
    assert report.embedded_chunks == report.total_chunks > 5

    again = store_for(tmp_path, embedder)
    loaded = again.load()
    assert loaded.chunks == first.snapshot.chunks
    q = embedder.embed(["Where was the 6th Sino-Russian EXPO held?"])
    s1, i1 = first.snapshot.index.search(q, 5)
    s2, i2 = loaded.index.search(q, 5)
    assert i1.tolist() == i2.tolist()
    assert s1[0].tolist() == pytest.approx(s2[0].tolist())
    # Nothing changed: a second update embeds nothing.
    report = again.update(docs)
    assert not report.touched and report.embedded_chunks == 0


def test_changed_added_removed_documents_reembed_only_them(tmp_path, seeds_dir, embedder):
    store = store_for(tmp_path, embedder)
    store.update(load_documents(seeds_dir).documents)
    before = {c.chunk_id: c for c in store.snapshot.chunks}

    (seeds_dir / EXPO).write_text(
        (seeds_dir / EXPO).read_text() + "\nThe 7th EXPO was held in Yekaterinburg.", "utf-8"
    )
    (seeds_dir / "new.md").write_text("Fuyuan is the easternmost city of China.", "utf-8")
    (seeds_dir / "000_17488b4bd88a9de9.txt").unlink()
    report = store.update(load_documents(seeds_dir).documents)

    assert report.changed == [EXPO]
    assert report.added == ["new.md"]
    assert report.removed == ["000_17488b4bd88a9de9.txt"]
    expo_chunks = [c for c in store.snapshot.chunks if c.doc == EXPO]
    assert report.embedded_chunks == len(expo_chunks) + 1
    assert not any(c.doc == "000_17488b4bd88a9de9.txt" for c in store.snapshot.chunks)
    # Unchanged documents keep their chunks (same ids, same spans).
    for c in store.snapshot.chunks:
        if c.doc.startswith(("001", "003", "004")):
            assert before[c.chunk_id] == c
    # The new text is searchable at once.
    hits = store.snapshot.index.search(embedder.embed(["easternmost city of China"]), 1)[1]
    assert store.snapshot.chunks[hits[0][0]].doc == "new.md"


def test_setting_change_rebuilds_everything(tmp_path, seeds_dir, embedder):
    docs = load_documents(seeds_dir).documents
    store_for(tmp_path, embedder).update(docs)
    report = store_for(tmp_path, embedder, chunk_tokens=100).update(docs)
    assert report.rebuilt == "chunker settings changed"
    assert report.embedded_chunks == report.total_chunks


@pytest.mark.parametrize("damage", ["truncate", "corrupt", "delete", "manifest"])
def test_damaged_index_is_detected_and_rebuilt(tmp_path, seeds_dir, embedder, damage):
    docs = load_documents(seeds_dir).documents
    store = store_for(tmp_path, embedder)
    store.update(docs)
    gen = tmp_path / "index" / (tmp_path / "index" / "CURRENT").read_text()
    target = gen / ("chunks.jsonl" if damage == "corrupt" else "faiss.index")
    if damage == "truncate":
        target.write_bytes(target.read_bytes()[:100])
    elif damage == "corrupt":
        data = bytearray(target.read_bytes())
        data[50] ^= 0xFF
        target.write_bytes(bytes(data))
    elif damage == "delete":
        target.unlink()
    else:
        (gen / "manifest.json").write_text("{not json")

    fresh = store_for(tmp_path, embedder)
    with pytest.raises(IndexCorrupt):
        fresh.load()
    report = fresh.update(docs)
    assert report.rebuilt and report.total_chunks == len(store.snapshot.chunks)
    assert fresh.load().chunks == store.snapshot.chunks


def test_manifest_records_model_settings_and_hashes(tmp_path, seeds_dir, embedder):
    docs = load_documents(seeds_dir).documents
    store = store_for(tmp_path, embedder)
    store.update(docs)
    gen = tmp_path / "index" / (tmp_path / "index" / "CURRENT").read_text()
    manifest = json.loads((gen / "manifest.json").read_text())
    assert manifest["embedding_model"] == "all-MiniLM-L6-v2"
    assert manifest["chunker"]["max_tokens"] == 200
    assert {n: v["sha256"] for n, v in manifest["documents"].items()} == {
        d.name: d.sha256 for d in docs
    }
    assert set(manifest["files"]) == {"faiss.index", "chunks.jsonl"}


def test_chunk_limit_beyond_model_window_is_refused(tmp_path, embedder):
    with pytest.raises(ConfigError, match="chunk_tokens=300"):
        store_for(tmp_path, embedder, chunk_tokens=300)
