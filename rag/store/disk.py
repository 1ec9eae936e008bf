"""Disk space for the index folder: refusing a batch that cannot fit before it is embedded, and
the reserve that lets a commit removing documents succeed on a full disk (issue 26 M4)."""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

from rag.errors import DISK_FULL, DiskFull
from rag.ingest.chunk import Chunk

# Zeros that hold room for two manifests, so that a commit that only removes documents succeeds
# on a full disk.
RESERVE = ".reserve"
MANIFEST_SLACK = 64 << 10


def check_space(folder: Path, chunks: list[Chunk], dim: int) -> None:
    """Refuse, before embedding, a batch whose segment cannot fit on the disk: its vectors,
    its passages' text twice (the passages and the lexical index), and 64 kB for the
    manifest."""
    if not chunks:
        return
    need = sum(2 * len(c.text.encode()) + 4 * dim + 300 for c in chunks)
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return
    need += MANIFEST_SLACK
    if free < need:
        raise DiskFull(
            f"the index could not be written: {DISK_FULL} "
            f"(it needs about {need / 2**20:.1f} MB, {free / 2**20:.1f} MB are free)"
        )


def take_reserve(folder: Path) -> bool:
    """Free the reserve for a write the full disk refused; False when there is none."""
    path = folder / RESERVE
    if not path.exists():
        return False
    path.unlink()
    return True


def keep_reserve(folder: Path, size: int) -> None:
    """Hold `size` bytes of zeros (written, not sparse: the blocks are taken now); when the disk
    has no room for them, the next commit tries again."""
    path = folder / RESERVE
    with contextlib.suppress(OSError):
        if path.exists() and path.stat().st_size >= size:
            return
        try:
            with open(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600), "r+b") as f:
                f.truncate(0)
                f.write(b"\0" * size)
                f.flush()
                os.fsync(f.fileno())
        except OSError:
            path.unlink(missing_ok=True)
