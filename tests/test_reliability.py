"""Issue 10's faults that are fixed: concurrent same-name uploads, capped history, linear
sentence splitting, private uploads, UTF-16 text and stale temporaries."""

import os
import stat
import threading
import time

import pytest

from rag import BadQuestion, IngestError
from rag.ingest import chunk as chunk_module
from rag.ingest.chunk import SEGMENT_WINDOW, chunk_document, split_sentences
from rag.ingest.formats import decode_text
from rag.ingest.upload import remove_stale_temporaries, store_upload
from rag.questions import clean_history

from .conftest import add_files


def test_same_name_uploads_at_the_same_moment_are_both_kept(tmp_path):
    for trial in range(5):
        folder = tmp_path / f"docs{trial}"
        barrier = threading.Barrier(2)
        results = {}

        def upload(i, folder=folder, barrier=barrier, results=results):
            barrier.wait()
            results[i] = store_upload(folder, "report0.txt", f"report by user {i}".encode(), 10**6)

        threads = [threading.Thread(target=upload, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        names = {r.name for r in results.values()}
        assert names == {"report0.txt", "report0-1.txt"}
        texts = {(folder / n).read_text() for n in names}
        assert texts == {"report by user 0", "report by user 1"}
        assert not list(folder.glob(".upload-*"))


def test_uploads_are_private_to_the_app_user(tmp_path):
    stored = store_upload(tmp_path, "notes.txt", b"private notes", 10**6)
    assert stat.S_IMODE((tmp_path / stored.name).stat().st_mode) == 0o600


def test_utf16_with_a_byte_order_mark_is_text_and_latin1_is_explained():
    assert decode_text("u.txt", "Харбин, 2018".encode("utf-16")) == "Харбин, 2018"
    with pytest.raises(IngestError, match="^latin1.txt is not UTF-8 text; save it as UTF-8$"):
        decode_text("latin1.txt", "café".encode("latin-1"))


def test_stale_upload_temporaries_are_removed_and_fresh_ones_kept(tmp_path):
    old, fresh = tmp_path / ".upload-old", tmp_path / ".upload-fresh"
    old.write_bytes(b"x")
    fresh.write_bytes(b"y")
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    assert remove_stale_temporaries(tmp_path) == [".upload-old"]
    assert fresh.exists() and not old.exists()


def test_history_is_checked_and_capped(seeds_rag):
    assert clean_history(["x" * 5000] * 50, 20, 2000) == ["x" * 2000] * 20
    with pytest.raises(BadQuestion, match="history"):
        seeds_rag.ask("Where was the EXPO held?", history=[{"not": "text"}])
    with pytest.raises(BadQuestion, match="history"):
        seeds_rag.ask("Where was the EXPO held?", history="a string, not a list")
    answer = seeds_rag.ask("And how many Russian ones?", history=["word " * 8000])
    assert len(answer.query) < 2000 + 40


def test_sentence_splitter_never_sees_more_than_a_window(monkeypatch):
    seen = []
    seg = chunk_module._segmenter()
    original = seg.segment
    monkeypatch.setattr(seg, "segment", lambda text: seen.append(len(text)) or original(text))
    paragraph = "Trade with Harbin grew by 5 percent in 2018, the report says. " * 3000
    spans = split_sentences(paragraph)
    assert max(seen) <= SEGMENT_WINDOW
    assert len(spans) == 3000 and paragraph[spans[-1][0] : spans[-1][1]].endswith("says.")


def test_text_without_spaces_is_cut_into_passages_that_fit(embedder):
    text = "a." * 50_000
    chunks = chunk_document("a.txt", text, embedder.count_tokens, 200, 40)
    assert max(embedder.count_tokens(c.text) for c in chunks) <= 200
    assert chunks[0].start == 0 and chunks[-1].end == len(text)
    assert all(b.start <= a.end for a, b in zip(chunks, chunks[1:], strict=False))  # no gaps


WRITER = """
import sys
from rag import RAG, Settings
rag = RAG(Settings(documents_dir=sys.argv[1], index_dir=sys.argv[2], generator="extractive"))
rag.refresh()
for i in range(int(sys.argv[4])):
    text = f"Note {sys.argv[3]} {i}: the festival bell of town {sys.argv[3]}{i} weighs {i} tonnes."
    stored, rejected = rag.store_files([(f"{sys.argv[3]}-{i}.txt", text.encode())])
    report = rag.refresh()
    print(report.summary(), flush=True)
"""


@pytest.mark.slow
def test_two_processes_uploading_to_one_folder_lose_nothing(tmp_path, seeds_dir, embedder):
    import subprocess
    import sys

    from rag import IndexStore

    index = tmp_path / "index"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(seeds_dir), str(index), name, "4"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("a", "b")
    ]
    outs = [p.communicate(timeout=300) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    logs = "".join(o for o, _ in outs)
    assert "removed" not in logs, logs
    store = IndexStore(index, embedder, 200, 40)
    docs = store.current().documents
    assert {f"{n}-{i}.txt" for n in "ab" for i in range(4)} <= set(docs)
    assert len(docs) == 5 + 8


def test_a_process_answers_from_the_generation_another_one_wrote(make_rag, seeds_dir):
    reader = make_rag(seeds_dir)  # already has the seeds' generation loaded
    writer = make_rag(seeds_dir)  # same folders, its own store: as another process would
    before = reader.store.current().generation
    add_files(writer, [("bell.txt", b"The festival bell of Tonghe weighs 12 tonnes.")])
    assert reader.store.current().generation != before
    assert "bell.txt" in reader.store.current().documents
    passages = reader.retriever.run("How heavy is the festival bell of Tonghe?")
    assert passages[0].chunk.doc == "bell.txt"


def test_a_wrong_login_never_locks_the_account_and_half_a_login_refuses_to_start():
    # The throttle is per address, before Gradio (tests/test_web_handlers.py: AddressThrottle,
    # Gate): guessing from one address must not lock the real user out (issue 26, M2).
    from rag import ConfigError
    from rag.web import serving as app_module

    guard = app_module.LoginGuard("ann", "secret")
    assert guard("ann", "secret")
    assert not any(guard("ann", f"guess{i}") for i in range(10))
    assert guard("ann", "secret")
    with pytest.raises(ConfigError, match="RAG_PASSWORD is not"):
        app_module.login_from_env({"RAG_USERNAME": "ann"})


def test_upload_bytes_per_minute_are_capped():
    from rag.web import serving as app_module

    budget = app_module.ByteBudget(100)
    assert budget.take(60) and not budget.take(50) and budget.take(40) and not budget.take(1)


def test_the_chat_never_shows_an_unverified_draft(make_rag, seeds_dir):
    from rag import Answer, Generator
    from rag.web import handlers as app_module

    class Hijacked(Generator):
        name = "hijacked"

        def stream(self, question, passages):
            yield "The 6th Sino-Russian EXPO was held "
            yield "in Moscow."

    rag = make_rag(seeds_dir, generator=Hijacked())
    steps = list(app_module.chat_steps(rag, "Where was the 6th Sino-Russian EXPO held?", []))
    assert steps[0] == app_module.WRITING and isinstance(steps[-1], Answer)
    assert not any("Moscow" in s for s in steps[:-1])
    assert "Moscow" not in steps[-1].answer  # attribution dropped it
