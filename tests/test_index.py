import json

import numpy as np
import pytest

from rag import ConfigError, IndexCorrupt, IndexStore, load_documents
from rag.ingest.chunk import Chunk, split_sentences
from rag.store.segment import IndexConfig, Segment

from .conftest import EXPO


def store_for(tmp_path, embedder, chunk_tokens=200, overlap=40, **config):
    return IndexStore(tmp_path / "index", embedder, chunk_tokens, overlap, IndexConfig(**config))


def live_manifest(tmp_path):
    index = tmp_path / "index"
    return json.loads((index / (index / "CURRENT").read_text() / "manifest.json").read_text())


def segment_dirs(tmp_path):
    return sorted(p.name for p in (tmp_path / "index").glob("seg-*"))


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
    h1, h2 = first.snapshot.dense(q, 5), loaded.dense(q, 5)
    assert [k for k, _ in h1] == [k for k, _ in h2]
    assert [s for _, s in h1] == pytest.approx([s for _, s in h2])
    assert loaded.lexical(["harbin", "expo"], 3) == first.snapshot.lexical(["harbin", "expo"], 3)
    # Nothing changed: a second update embeds and writes nothing.
    before = segment_dirs(tmp_path)
    report = again.update(docs)
    assert not report.touched and report.embedded_chunks == 0
    assert segment_dirs(tmp_path) == before


def test_changed_added_removed_documents_write_only_a_new_segment(tmp_path, seeds_dir, embedder):
    store = store_for(tmp_path, embedder)
    store.update(load_documents(seeds_dir).documents)
    before = {c.chunk_id: c for c in store.snapshot.chunks}
    (old_segment,) = segment_dirs(tmp_path)
    old_files = {
        p.name: (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in (tmp_path / "index" / old_segment).iterdir()
    }

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
    # The first segment is untouched on disk: its passages of removed or changed documents
    # are tombstones, the rest stay live.
    assert old_segment in segment_dirs(tmp_path) and len(segment_dirs(tmp_path)) == 2
    assert {
        p.name: (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in (tmp_path / "index" / old_segment).iterdir()
    } == old_files
    for c in store.snapshot.chunks:
        if c.doc.startswith(("001", "003", "004")):
            assert before[c.chunk_id] == c
    assert store.snapshot.ntotal == len(store.snapshot.chunks)
    # The new text is searchable at once, and the removed one in neither index.
    (key, _), *_ = store.snapshot.dense(embedder.embed(["easternmost city of China"]), 1)
    assert store.snapshot.chunk(key).doc == "new.md"
    (key, _), *_ = store.snapshot.lexical(["fuyuan"], 1)
    assert store.snapshot.chunk(key).doc == "new.md"
    everything = store.snapshot.dense(embedder.embed(["Sino-Russian cooperation"]), 500)
    assert len(everything) == store.snapshot.ntotal
    assert {store.snapshot.chunk(k).doc for k, _ in everything} == {
        c.doc for c in store.snapshot.chunks
    }
    # The deletion survives a restart.
    assert store_for(tmp_path, embedder).load().chunks == store.snapshot.chunks


def test_too_many_segments_are_merged(tmp_path, seeds_dir, embedder):
    store = store_for(tmp_path, embedder, max_segments=2)
    store.update(load_documents(seeds_dir).documents)
    for n in range(2):
        (seeds_dir / f"extra{n}.txt").write_text(f"Extra note {n} about Zyxtown.", "utf-8")
        report = store.update(load_documents(seeds_dir).documents)
    assert report.compacted == 3 and len(segment_dirs(tmp_path)) == 1
    (seeds_dir / EXPO).unlink()
    store.update(load_documents(seeds_dir).documents)
    merged = store_for(tmp_path, embedder).load()
    assert merged.chunks == store.snapshot.chunks
    assert {c.doc for c in merged.chunks} == {d.name for d in load_documents(seeds_dir).documents}
    assert len(merged.lexical(["zyxtown"], 5)) == 2


def test_half_dead_index_is_merged(tmp_path, tiny_dir, embedder):
    store = store_for(tmp_path, embedder, max_dead_share=0.3)
    store.update(load_documents(tiny_dir).documents)
    (tiny_dir / "alpha.txt").unlink()
    report = store.update(load_documents(tiny_dir).documents)
    assert report.compacted == 1
    assert [len(s) for s in store.snapshot.segments] == [store.snapshot.ntotal]


def test_sentence_spans_are_stored_at_index_time(tmp_path, seeds_dir, embedder):
    store = store_for(tmp_path, embedder)
    store.update(load_documents(seeds_dir).documents)
    for c in store_for(tmp_path, embedder).load().chunks:
        assert list(c.sentences) == split_sentences(c.text)


def test_large_segment_gets_an_ivf_index_with_recall(tmp_path):
    rng = np.random.default_rng(1)
    centers = rng.normal(size=(40, 32))
    vecs = centers[rng.integers(0, 40, 3000)] + 0.3 * rng.normal(size=(3000, 32))
    vecs = (vecs / np.linalg.norm(vecs, axis=1, keepdims=True)).astype(np.float32)
    chunks = [Chunk(f"d::{i}", "d", i, i + 1, f"passage {i}") for i in range(3000)]
    config = IndexConfig(flat_max_passages=1000, ivf_nprobe=16)
    seg = Segment.write(tmp_path / "seg-x", chunks, vecs, config)
    assert seg.kind == "ivf" and (tmp_path / "seg-x" / "faiss.index").exists()
    again = Segment.load(tmp_path / "seg-x", seg.files, 32, config)
    queries = vecs[:50] + 0.05 * rng.normal(size=(50, 32)).astype(np.float32)
    exact = np.argsort(-(queries @ vecs.T), axis=1)[:, :10]
    _, found = again.index.search(queries, 10)
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(exact, found, strict=True)])
    assert recall >= 0.9


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
    expected = list(store.snapshot.chunks)
    index = tmp_path / "index"
    gen = index / (index / "CURRENT").read_text()
    seg = index / segment_dirs(tmp_path)[0]
    target = seg / ("chunks.jsonl" if damage == "corrupt" else "vectors.npy")
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
    assert report.rebuilt and report.total_chunks == len(expected)
    assert fresh.load().chunks == expected


def test_manifest_records_model_settings_and_hashes(tmp_path, seeds_dir, embedder):
    docs = load_documents(seeds_dir).documents
    store = store_for(tmp_path, embedder)
    store.update(docs)
    manifest = live_manifest(tmp_path)
    assert manifest["embedding_model"] == "all-MiniLM-L6-v2"
    assert manifest["chunker"]["max_tokens"] == 200
    assert {n: v["sha256"] for n, v in manifest["documents"].items()} == {
        d.name: d.sha256 for d in docs
    }
    (seg,) = manifest["segments"]
    assert set(seg["files"]) == {
        "vectors.npy",
        "chunks.jsonl",
        "offsets.npy",
        "terms.json",
        "terms.npz",
    }
    assert seg["kind"] == "flat"


def test_chunk_limit_beyond_model_window_is_refused(tmp_path, embedder):
    with pytest.raises(ConfigError, match="chunk_tokens=300"):
        store_for(tmp_path, embedder, chunk_tokens=300)


def test_index_config_errors_show_the_value():
    with pytest.raises(ConfigError, match="max_dead_share=0"):
        IndexConfig(max_dead_share=0)


@pytest.mark.parametrize(
    "damage",
    [
        "current_not_utf8",
        "current_elsewhere",
        "manifest_a_list",
        "documents_a_list",
        "first_a_string",
        "segments_an_object",
    ],
)
def test_index_of_the_wrong_shape_is_rebuilt_not_a_traceback(tmp_path, tiny_dir, embedder, damage):
    docs = load_documents(tiny_dir).documents
    store_for(tmp_path, embedder).update(docs)
    index = tmp_path / "index"
    path = index / (index / "CURRENT").read_text() / "manifest.json"
    manifest = json.loads(path.read_text())
    if damage == "current_not_utf8":
        (index / "CURRENT").write_bytes(b"gen-\xff\xfe\x00")
    elif damage == "current_elsewhere":
        (index / "CURRENT").write_text("../../etc")
    elif damage == "manifest_a_list":
        path.write_text("[1, 2]")
    elif damage == "documents_a_list":
        path.write_text(json.dumps({**manifest, "documents": ["alpha.txt"]}))
    elif damage == "first_a_string":
        manifest["documents"]["alpha.txt"]["first"] = "0"
        path.write_text(json.dumps(manifest))
    else:
        path.write_text(json.dumps({**manifest, "segments": {"a": 1}}))

    fresh = store_for(tmp_path, embedder)
    assert fresh.current() is None  # what the app does at start: nothing to serve, no crash
    with pytest.raises(IndexCorrupt):
        fresh.load()
    report = fresh.update(docs)
    assert report.rebuilt and report.total_chunks == 2
    assert sorted(c.chunk_id for c in fresh.current().chunks) == ["alpha.txt::0", "beta.md::0"]


def test_passages_and_extracted_texts_are_private(tmp_path, tiny_dir, embedder):
    from rag.ingest.documents import TextStore

    texts = TextStore(tmp_path / "index" / "texts")
    docs = load_documents(tiny_dir, texts).documents
    store_for(tmp_path, embedder).update(docs)
    index = tmp_path / "index"
    private = [texts.dir, *index.glob("seg-*"), *index.glob("gen-*")]
    assert len(private) == 3
    for folder in private:
        assert folder.stat().st_mode & 0o777 == 0o700, folder
        for f in folder.iterdir():
            if f.is_file() and f.name != ".lock":
                assert f.stat().st_mode & 0o777 == 0o600, f
    assert len(list(texts.dir.glob("*.json"))) == 2
