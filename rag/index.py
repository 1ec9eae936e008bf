"""The FAISS index on disk: build, incremental update, checksummed load, atomic replacement.

Layout under the index folder::

    CURRENT            name of the live generation folder (replaced atomically)
    gen-<id>/          faiss.index, chunks.jsonl, manifest.json (written last)

A build writes a new generation and then swaps CURRENT, so a killed build leaves the previous
generation live and loadable; a half-written generation is never pointed at.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import shutil
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import faiss
import numpy as np

from .chunk import Chunk, chunk_document
from .embed import Embedder
from .errors import ConfigError, IndexCorrupt
from .ingest import Document

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
_FILES = ("faiss.index", "chunks.jsonl")


@dataclass(frozen=True)
class IndexSnapshot:
    """An immutable loaded generation: what one query searches."""

    index: faiss.Index
    chunks: list[Chunk]
    manifest: dict
    generation: str = ""  # the folder name CURRENT pointed at

    @property
    def documents(self) -> dict[str, dict]:
        return self.manifest["documents"]


@dataclass
class UpdateReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    embedded_chunks: int = 0
    total_chunks: int = 0
    rebuilt: str | None = None  # why everything was re-embedded, if it was
    seconds: float = 0.0

    @property
    def touched(self) -> bool:
        return bool(self.added or self.changed or self.removed or self.rebuilt)

    def summary(self) -> str:
        if not self.touched:
            return (
                f"index up to date ({len(self.unchanged)} documents, {self.total_chunks} passages)"
            )
        parts = [
            f"{label} {len(v)}"
            for label, v in (
                ("added", self.added),
                ("changed", self.changed),
                ("removed", self.removed),
            )
            if v
        ]
        why = f"rebuilt ({self.rebuilt}); " if self.rebuilt else ""
        return (
            f"index updated: {why}{', '.join(parts) or 'all documents'}; "
            f"embedded {self.embedded_chunks} of {self.total_chunks} passages "
            f"in {self.seconds:.1f} s"
        )


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _fsync_write(path: Path, data: bytes) -> None:
    with open(path, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class IndexStore:
    """Owns one index folder. `snapshot` is what queries use; `update` brings it in line."""

    def __init__(self, index_dir: Path, embedder: Embedder, chunk_tokens: int, overlap_tokens: int):
        if chunk_tokens + 2 > embedder.max_tokens:
            raise ConfigError(
                f"chunk_tokens={chunk_tokens} exceeds the embedding model's window "
                f"({embedder.max_tokens} tokens including 2 special tokens)"
            )
        self.dir = Path(index_dir)
        self.embedder = embedder
        self.chunker = {
            "max_tokens": chunk_tokens,
            "overlap_tokens": overlap_tokens,
            "splitter": "pysbd-0.3.4",
        }
        self._write_lock = threading.Lock()
        self._reload_lock = threading.Lock()
        self.snapshot: IndexSnapshot | None = None
        self.embed_batch = 32  # passages per embedding call (progress is reported between)

    # ---- reading -------------------------------------------------------------------------
    def load(self) -> IndexSnapshot:
        """Load and verify the live generation; IndexCorrupt says what is wrong."""
        current = self.dir / "CURRENT"
        if not current.exists():
            raise IndexCorrupt(f"no index in {str(self.dir)!r} yet")
        gen = self.dir / current.read_text().strip()
        manifest_path = gen / "manifest.json"
        try:
            manifest = json.loads(manifest_path.read_text())
        except (OSError, ValueError) as exc:
            raise IndexCorrupt(f"{manifest_path}: unreadable manifest ({exc})") from None
        for name in _FILES:
            path = gen / name
            if not path.exists():
                raise IndexCorrupt(f"{path}: missing")
            if _sha256_file(path) != manifest.get("files", {}).get(name):
                raise IndexCorrupt(f"{path}: checksum does not match the manifest")
        try:
            index = faiss.read_index(str(gen / "faiss.index"))
            chunks = [
                Chunk(**json.loads(line))
                for line in (gen / "chunks.jsonl").read_text(encoding="utf-8").splitlines()
                if line
            ]
        except Exception as exc:  # faiss raises RuntimeError, json ValueError, Chunk TypeError
            raise IndexCorrupt(f"{gen}: cannot be read ({exc})") from None
        if index.ntotal != len(chunks) or index.d != self.embedder.dim:
            raise IndexCorrupt(f"{gen}: {index.ntotal} vectors for {len(chunks)} passages")
        return IndexSnapshot(index, chunks, manifest, gen.name)

    def current(self) -> IndexSnapshot | None:
        """The live snapshot, switching to a newer generation another process committed.

        Reads CURRENT (a few bytes) per call; loads only when it names a new generation. A
        generation pruned while it was being read is retried at the next call.
        """
        try:
            name = (self.dir / "CURRENT").read_text().strip()
        except OSError:
            return self.snapshot
        snap = self.snapshot
        if snap is None or name != snap.generation:
            with self._reload_lock:
                if self.snapshot is None or name != self.snapshot.generation:
                    try:
                        fresh = self.load()
                    except IndexCorrupt as exc:
                        log.info("newer index not loadable yet: %s", exc)
                        return self.snapshot
                    if self._compatible(fresh.manifest) is None:
                        self.snapshot = fresh
        return self.snapshot

    def _compatible(self, manifest: dict) -> str | None:
        """Why an existing index cannot be reused incrementally, or None if it can."""
        if manifest.get("version") != FORMAT_VERSION:
            return "index format changed"
        if manifest.get("embedding_model") != self.embedder.name:
            return f"embedding model changed to {self.embedder.name}"
        if manifest.get("chunker") != self.chunker:
            return "chunker settings changed"
        return None

    # ---- writing -------------------------------------------------------------------------
    @contextlib.contextmanager
    def _locked(self):
        """One writer per index folder, across threads and processes."""
        self.dir.mkdir(parents=True, exist_ok=True)
        with self._write_lock, open(self.dir / ".lock", "w") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock_file, fcntl.LOCK_UN)

    def update(
        self,
        documents: list[Document] | Callable[[], list[Document]],
        progress: Callable[[int, int], None] | None = None,
    ) -> UpdateReport:
        """Make the index match `documents`, embedding only new and changed ones.

        Given a callable, it is called under the writers' lock: a listing of the folder taken
        before another writer committed can never remove that writer's documents.
        """
        t0 = time.perf_counter()
        with self._locked():
            if callable(documents):
                documents = documents()
            report = UpdateReport()
            old: IndexSnapshot | None = None
            try:
                old = self.load()
                report.rebuilt = self._compatible(old.manifest)
                if report.rebuilt:
                    old = None
            except IndexCorrupt as exc:
                if (self.dir / "CURRENT").exists():
                    log.warning("index unusable, rebuilding from the documents: %s", exc)
                    report.rebuilt = str(exc)
            old_docs = old.documents if old else {}
            new_names = {d.name for d in documents}
            report.removed = sorted(set(old_docs) - new_names)

            kept: dict[str, tuple[list[Chunk], np.ndarray]] = {}
            if old is not None:
                by_doc: dict[str, list[int]] = {}
                for i, c in enumerate(old.chunks):
                    by_doc.setdefault(c.doc, []).append(i)
            to_embed: list[Chunk] = []
            fresh: dict[str, list[Chunk]] = {}
            for doc in sorted(documents, key=lambda d: d.name):
                prior = old_docs.get(doc.name)
                if old is not None and prior and prior["sha256"] == doc.sha256:
                    ids = by_doc.get(doc.name, [])
                    vecs = np.vstack([old.index.reconstruct(i) for i in ids]) if ids else None
                    kept[doc.name] = ([old.chunks[i] for i in ids], vecs)
                    report.unchanged.append(doc.name)
                    continue
                (report.changed if prior else report.added).append(doc.name)
                chunks = chunk_document(
                    doc.name,
                    doc.text,
                    self.embedder.count_tokens,
                    self.chunker["max_tokens"],
                    self.chunker["overlap_tokens"],
                )
                fresh[doc.name] = chunks
                to_embed.extend(chunks)
            if old is not None and not report.touched:
                report.total_chunks = len(old.chunks)
                report.seconds = time.perf_counter() - t0
                self.snapshot = old
                return report
            if report.rebuilt and old is None:
                report.added = sorted(fresh)
                report.changed = []
            vectors = self._embed(to_embed, progress)
            offset, embedded = 0, {}
            for name, chunks in fresh.items():
                embedded[name] = (chunks, vectors[offset : offset + len(chunks)])
                offset += len(chunks)
            all_chunks: list[Chunk] = []
            all_vecs: list[np.ndarray] = []
            for doc in sorted(documents, key=lambda d: d.name):
                chunks, vecs = kept.get(doc.name) or embedded[doc.name]
                all_chunks.extend(chunks)
                if vecs is not None and len(vecs):
                    all_vecs.append(vecs)
            matrix = (
                np.vstack(all_vecs) if all_vecs else np.zeros((0, self.embedder.dim), np.float32)
            )
            index = faiss.IndexFlatIP(self.embedder.dim)  # inner product of unit vectors = cosine
            index.add(matrix)
            manifest = {
                "version": FORMAT_VERSION,
                "embedding_model": self.embedder.name,
                "embedding_dim": self.embedder.dim,
                "chunker": self.chunker,
                "documents": {
                    d.name: {
                        "sha256": d.sha256,
                        "chunks": sum(1 for c in all_chunks if c.doc == d.name),
                    }
                    for d in documents
                },
                "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            }
            self.snapshot = self._commit(index, all_chunks, manifest)
            report.embedded_chunks = len(to_embed)
            report.total_chunks = len(all_chunks)
            report.seconds = time.perf_counter() - t0
            log.info(report.summary())
            return report

    def _embed(self, chunks: list[Chunk], progress) -> np.ndarray:
        if not chunks:
            return np.zeros((0, self.embedder.dim), np.float32)
        out, step = [], self.embed_batch
        for i in range(0, len(chunks), step):
            out.append(self.embedder.embed([c.text for c in chunks[i : i + step]]))
            if progress:
                progress(min(i + step, len(chunks)), len(chunks))
        return np.vstack(out)

    def _commit(self, index: faiss.Index, chunks: list[Chunk], manifest: dict) -> IndexSnapshot:
        name = f"gen-{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:8]}"
        gen = self.dir / name
        gen.mkdir(parents=True)
        faiss.write_index(index, str(gen / "faiss.index"))
        _fsync_write(
            gen / "chunks.jsonl",
            "".join(json.dumps(asdict(c), ensure_ascii=False) + "\n" for c in chunks).encode(
                "utf-8"
            ),
        )
        with open(gen / "faiss.index", "rb+") as f:
            os.fsync(f.fileno())
        manifest = {**manifest, "files": {n: _sha256_file(gen / n) for n in _FILES}}
        _fsync_write(gen / "manifest.json", json.dumps(manifest, indent=1).encode())
        _fsync_dir(gen)
        tmp = self.dir / f".CURRENT.{uuid.uuid4().hex[:8]}"
        _fsync_write(tmp, name.encode())
        os.replace(tmp, self.dir / "CURRENT")
        _fsync_dir(self.dir)
        self._prune(keep=name)
        return IndexSnapshot(index, chunks, manifest, name)

    def _prune(self, keep: str) -> None:
        for path in self.dir.iterdir():
            if path.name != keep and (
                path.name.startswith("gen-") or path.name.startswith(".CURRENT.")
            ):
                shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(
                    missing_ok=True
                )
