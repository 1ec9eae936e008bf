"""One segment of the FAISS index: passages, their vectors, BM25 term counts and (when large
enough) an approximate FAISS index, written once into its own folder and never changed; and
the index layout's tunable numbers (`IndexConfig`). `segments` assembles generations of them."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from array import array
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

from rag.context import lexical_text
from rag.errors import ConfigError, IndexCorrupt
from rag.ingest.chunk import Chunk
from rag.store.lexical import TermMatrix, tokenize


@dataclass(frozen=True)
class IndexConfig:
    """Every tunable number of the index's layout, in one place."""

    # Up to this many passages a segment is searched exactly (flat); above, with an IVF index
    # (recall@10 against flat measured by `rag bench`).
    flat_max_passages: int = 50_000
    ivf_nprobe: int = 32
    max_segments: int = 8  # more than this after a write: merge
    max_dead_share: float = 0.3  # more than this share of stored passages deleted: merge

    def __post_init__(self) -> None:
        if self.flat_max_passages < 1000:
            raise ConfigError(f"flat_max_passages={self.flat_max_passages}: must be >= 1000")
        if self.ivf_nprobe < 1:
            raise ConfigError(f"ivf_nprobe={self.ivf_nprobe}: must be >= 1")
        if self.max_segments < 1:
            raise ConfigError(f"max_segments={self.max_segments}: must be >= 1")
        if not 0.0 < self.max_dead_share <= 1.0:
            raise ConfigError(f"max_dead_share={self.max_dead_share}: must be in (0, 1]")

    def ivf_lists(self, n: int) -> int:
        """Inverted lists for n passages: about 4 sqrt(n), the usual FAISS guideline."""
        return max(16, int(4 * n**0.5))


class StoredChunks:
    """A segment's passages read from its chunks.jsonl on demand, by the line offsets written
    beside it (offsets.npy): a large collection's text stays on disk, not in Python objects.
    Reads are positional (pread): thread-safe, and no file pages are mapped into the process."""

    def __init__(self, path: Path, offsets: np.ndarray):
        self._file = open(path, "rb")  # noqa: SIM115  (held for the segment's life)
        size = os.fstat(self._file.fileno()).st_size
        if len(offsets) < 1 or int(offsets[-1]) != size:
            raise IndexCorrupt(f"{path}: offsets do not match the file")
        self._offsets = offsets

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if not -len(self) <= i < len(self):
            raise IndexError(i)
        i %= len(self)
        a, z = int(self._offsets[i]), int(self._offsets[i + 1])
        return Chunk.from_dict(json.loads(os.pread(self._file.fileno(), z - a, a)))

    def __iter__(self):
        return (self[i] for i in range(len(self)))


class Segment:
    """One immutable segment, loaded: passages, their vectors, a dense index and BM25 terms."""

    def __init__(
        self,
        name: str,
        chunks: list[Chunk] | StoredChunks,
        vectors: np.ndarray,
        terms: TermMatrix,
        index: faiss.Index,
        files: dict[str, str],
    ):
        self.name = name
        self.chunks = chunks
        self.vectors = vectors
        self.terms = terms
        self.index = index
        self.files = files  # file name -> sha256, as the manifest records them

    def __len__(self) -> int:
        return len(self.chunks)

    @property
    def kind(self) -> str:
        return "ivf" if isinstance(self.index, faiss.IndexIVF) else "flat"

    @classmethod
    def write(
        cls,
        folder: Path,
        chunks: list[Chunk],
        vectors: np.ndarray,
        config: IndexConfig,
        tokens: list[list[str]] | None = None,
    ) -> Segment:
        """Write a segment folder (fsynced) and return it loaded."""
        # Passages are the documents' text: readable by the app's user only, like uploads.
        folder.mkdir(mode=0o700, parents=True)
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        terms = TermMatrix.build(
            tokens if tokens is not None else (tokenize(lexical_text(c)) for c in chunks)
        )
        index = dense_index(vectors, config)
        with open(folder / "vectors.npy", "wb") as f:
            np.save(f, vectors)
        offsets = array("q", [0])
        with open(folder / "chunks.jsonl", "wb") as f:
            for c in chunks:
                line = (json.dumps(c.to_dict(), ensure_ascii=False) + "\n").encode("utf-8")
                f.write(line)
                offsets.append(offsets[-1] + len(line))
        with open(folder / "offsets.npy", "wb") as f:
            np.save(f, np.frombuffer(offsets, np.int64))
        terms.save(folder)
        names = ["vectors.npy", "chunks.jsonl", "offsets.npy", *TermMatrix.FILES]
        if isinstance(index, faiss.IndexIVF):
            faiss.write_index(index, str(folder / "faiss.index"))
            names.append("faiss.index")
        for n in names:
            with open(folder / n, "rb+") as f:
                os.fchmod(f.fileno(), 0o600)
                os.fsync(f.fileno())
        _fsync_dir(folder)
        files = {n: _sha256_file(folder / n) for n in names}
        # Held as a loaded segment is: text and vectors mapped from the files just written.
        stored = StoredChunks(folder / "chunks.jsonl", np.load(folder / "offsets.npy"))
        mapped = np.load(folder / "vectors.npy", mmap_mode="r")
        return cls(folder.name, stored, mapped, terms, index, files)

    @classmethod
    def load(cls, folder: Path, files: dict[str, str], dim: int, config: IndexConfig) -> Segment:
        """Load a segment, checking every file against the manifest's checksum."""
        for n, digest in files.items():
            path = folder / n
            if not path.exists():
                raise IndexCorrupt(f"{path}: missing")
            if _sha256_file(path) != digest:
                raise IndexCorrupt(f"{path}: checksum does not match the manifest")
        try:
            # Memory-mapped: an IVF index holds its own copy, so these pages are read only to
            # rescore a passage or to merge segments.
            vectors = np.load(folder / "vectors.npy", mmap_mode="r")
            chunks = StoredChunks(folder / "chunks.jsonl", np.load(folder / "offsets.npy"))
            terms = TermMatrix.load(folder)
            if "faiss.index" in files:
                index = faiss.read_index(str(folder / "faiss.index"))
                index.make_direct_map()  # 8 bytes a vector: reconstruct without the file
            else:
                index = dense_index(vectors, config)
        except Exception as exc:  # numpy/faiss raise many kinds on damaged files
            raise IndexCorrupt(f"{folder}: cannot be read ({exc})") from None
        if not (len(chunks) == len(vectors) == index.ntotal == len(terms.lengths)) or (
            len(chunks) and vectors.shape[1] != dim
        ):
            raise IndexCorrupt(f"{folder}: {len(vectors)} vectors for {len(chunks)} passages")
        if isinstance(index, faiss.IndexIVF):
            index.nprobe = config.ivf_nprobe
        return cls(folder.name, chunks, vectors, terms, index, files)


def dense_index(vectors: np.ndarray, config: IndexConfig) -> faiss.Index:
    """Flat (exact) up to `flat_max_passages`, else IVF-Flat; inner product of unit vectors is
    the cosine."""
    n, dim = len(vectors), (vectors.shape[1] if vectors.ndim == 2 else 1)
    if n <= config.flat_max_passages:
        index = faiss.IndexFlatIP(dim)
        if n:
            index.add(vectors)
        return index
    quantizer = faiss.IndexFlatIP(dim)
    index = faiss.IndexIVFFlat(quantizer, dim, config.ivf_lists(n), faiss.METRIC_INNER_PRODUCT)
    rng = np.random.default_rng(0)
    sample = vectors[rng.choice(n, size=min(n, 64 * index.nlist), replace=False)]
    index.train(sample)
    index.add(vectors)
    index.nprobe = config.ivf_nprobe
    index.make_direct_map()
    return index


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _fsync_write(path: Path, data: bytes) -> None:
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _check_manifest(manifest: dict) -> None:
    """TypeError or KeyError unless every field the store reads has the type it needs: a
    manifest of the wrong shape is then rebuilt like an unreadable one."""
    for meta in manifest["documents"].values():
        if not (
            isinstance(meta["segment"], str)
            and isinstance(meta["sha256"], str)
            and all(type(meta[k]) is int and meta[k] >= 0 for k in ("first", "chunks"))
        ):
            raise TypeError(f"a document entry of the wrong shape: {str(meta)[:80]}")
    for seg in manifest["segments"]:
        if not (isinstance(seg["name"], str) and isinstance(seg["files"], dict)):
            raise TypeError(f"a segment entry of the wrong shape: {str(seg)[:80]}")


@contextlib.contextmanager
def _one_thread():
    """Run this thread's FAISS calls on one OpenMP thread. FAISS spreads even one question's
    search over its threads, which spin while they wait for each other: on a busy machine that
    cost 13 ms of CPU per question at 10k passages against 0.7 ms on one thread (`rag bench`).
    OpenMP's thread count belongs to the calling thread, so other threads (an index build)
    keep theirs."""
    n = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(n)
