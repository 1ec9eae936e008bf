"""Issue 26 M4 on a real full filesystem (a 4 MB tmpfs, so only where mounting is allowed): a
plain "the disk is full" before any embedding, nothing half-written, a delete that works and
frees space on the full disk, and recovery with no other step once space is free."""

import contextlib
import os
import shutil
import subprocess

import pytest

from rag import RAG, Settings
from rag.cli import main
from rag.errors import DiskFull


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)]).returncode:
        pytest.skip("tmpfs cannot be mounted here")
    yield mount
    subprocess.run(["umount", "-l", str(mount)])


def _free(path) -> int:
    return shutil.disk_usage(path).free


def test_a_full_disk_refuses_before_embedding_and_a_delete_frees_it(small_disk, embedder):
    docs, index = small_disk / "docs", small_disk / "index"
    docs.mkdir()
    (docs / "pilot.txt").write_text("The harbour pilot on duty is Ingrid Vale.\n")
    (docs / "big.txt").write_text(
        "".join(f"Entry {i}: crate {i * 7} left warehouse {i % 13}.\n\n" for i in range(9000))
    )
    ballast = small_disk / "ballast"
    # what is left holds the extracted texts but not the passages and vectors
    ballast.write_bytes(b"\0" * (_free(small_disk) - 2 * (docs / "big.txt").stat().st_size))
    settings = Settings(
        documents_dir=docs, index_dir=index, cache_dir=small_disk / "cache", generator="extractive"
    )
    rag = RAG(settings, embedder=embedder)
    calls = []
    real = rag.store.embedder.embed
    rag.store.embedder.embed = lambda texts, *a, **k: (
        calls.append(len(texts)) or real(texts, *a, **k)
    )
    with pytest.raises(DiskFull, match="the disk is full"):
        rag.refresh()
    assert calls == []  # refused before minutes of embedding
    assert not list(index.glob("seg-*")) and not list(small_disk.rglob("*.tmp"))
    assert not list(docs.glob(".upload-*"))

    # the CLI deletes on the full disk (it used to refresh first, and fail)
    before = _free(small_disk)
    argv = ["docs", "rm", "big.txt", "--docs", str(docs), "--index-dir", str(index)]
    assert main(argv) == 0
    assert not (docs / "big.txt").exists()
    freed = _free(small_disk) - before
    assert freed > 1.8 * len("Entry 1000: crate 7000 left warehouse 12.\n\n") * 9000  # file + text

    # space is free now: the delete's own refresh indexed what is left, nothing else to do
    rag.refresh()
    assert set(rag.store.current().documents) == {"pilot.txt"}
    assert rag.retriever.run("Who is the harbour pilot?", 1)[0].chunk.doc == "pilot.txt"


def _fill(disk) -> None:
    """Take every free byte of `disk` (until ENOSPC)."""
    fd = os.open(disk / "ballast-full", os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    try:
        for piece in (1 << 16, 1 << 12, 1):
            with contextlib.suppress(OSError):
                while os.write(fd, b"\0" * piece):
                    pass
    finally:
        os.close(fd)


def test_a_delete_on_a_full_disk_leaves_the_index_without_indexing_anything(small_disk, embedder):
    # The attack run's delete on a full disk refreshed first: it embedded the backlog for 353 s
    # and failed writing it, so its document stayed in the index on disk.
    docs, index = small_disk / "docs", small_disk / "index"
    docs.mkdir()
    for name, text in {
        "pilot.txt": "The harbour pilot on duty is Ingrid Vale.\n",
        "tug.txt": "The tug on call is the Brave Heron.\n",
        "berth.txt": "Berth nine is closed for dredging.\n",
        "gate.txt": "The north gate opens at six.\n",
    }.items():
        (docs / name).write_text(text)
    settings = Settings(
        documents_dir=docs, index_dir=index, cache_dir=small_disk / "cache", generator="extractive"
    )
    rag = RAG(settings, embedder=embedder)
    rag.refresh()

    def on_disk() -> set[str]:
        return set(rag.store.read_manifest()[1]["documents"])

    assert on_disk() == {"pilot.txt", "tug.txt", "berth.txt", "gate.txt"}
    # a backlog the disk has no room for, then not one byte free
    (docs / "big.txt").write_text("".join(f"Entry {i}: crate {i * 7}.\n\n" for i in range(20000)))
    _fill(small_disk)

    # even with the bytes the delete freed taken again, its removal is written (the reserve)
    rag.delete_document("berth.txt")
    _fill(small_disk)
    assert rag.store.commit_deletions()
    assert on_disk() == {"pilot.txt", "tug.txt", "gate.txt"}

    # the CLI: the index on disk forgets it at once; nothing else is indexed
    argv = ["docs", "rm", "tug.txt", "--docs", str(docs), "--index-dir", str(index)]
    assert main(argv) == 0
    assert on_disk() == {"pilot.txt", "gate.txt"}

    # the app's path (a delete, then the background refresh): the removal is committed before
    # the backlog (whose text cannot even be stored) is refused
    rag.delete_document("gate.txt")
    with pytest.raises(DiskFull):
        rag.refresh()
    assert on_disk() == {"pilot.txt"}
    assert not list(small_disk.rglob("*.tmp")) and len(list(index.glob("gen-*"))) == 1
    assert rag.retriever.run("Who is the harbour pilot?", 1)[0].chunk.doc == "pilot.txt"
