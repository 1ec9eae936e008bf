"""What every store provides: `Store` (one index, updated from the documents folder) and
`Snapshot` (one consistent view a question searches), as protocols, and the helpers both the
FAISS segment store (`segments`) and Milvus (`milvus`) build on."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

from rag.context import with_context
from rag.ingest.chunk import Chunk, chunk_document
from rag.ingest.documents import Document
from rag.ingest.formats import EXTRACTOR_VERSION

# The stored layout's version: a store written under another one is rebuilt, not misread.
FORMAT_VERSION = 3  # 3: passages searched with their document's context (rag.context)

Key = Hashable  # a passage's address inside one snapshot (opaque to callers)
Progress = Callable[[int, int], None]
# The documents to index, or a listing called under the store's writer lock.
Documents = list[Document] | Callable[[], list[Document]]


class Snapshot(Protocol):
    """One generation of the index, immutable while a question reads it."""

    manifest: dict
    generation: str

    @property
    def documents(self) -> dict[str, dict]: ...

    @property
    def ntotal(self) -> int: ...

    @property
    def chunks(self) -> list[Chunk]: ...

    def doc_chunks(self, name: str) -> list[Chunk]:
        """One document's passages, in order."""
        ...

    def restricted(self, names) -> Snapshot:
        """The same generation searching only the documents `names`."""
        ...

    def chunk(self, key: Key) -> Chunk: ...

    def vector(self, key: Key) -> np.ndarray: ...

    def cosines(self, keys: list[Key], vec: np.ndarray) -> list[float]:
        """Cosine of each passage with the query vector (1 x dim)."""
        ...

    def dense(self, vec: np.ndarray, k: int) -> list[tuple[Key, float]]: ...

    def lexical(self, query: str, k: int) -> list[tuple[Key, float]]: ...

    def hybrid(self, query: str, vec: np.ndarray, k: int, candidates: int) -> list[Key] | None:
        """Reciprocal-rank fusion done by the store itself, best first; None when the store
        leaves fusion to the retriever."""
        ...


class Store(Protocol):
    """One index: `current()` is what questions read, `update()` brings it in line with the
    documents, embedding `batch` passages per call (progress is reported between calls)."""

    chunker: dict

    def current(self) -> Snapshot | None: ...

    def load(self) -> Snapshot: ...

    def update(
        self, documents: Documents, progress: Progress | None = None, batch: int = 32
    ) -> UpdateReport: ...


def chunker_record(chunk_tokens: int, overlap_tokens: int) -> dict:
    """The chunker settings a store records: passages made under others are re-made."""
    return {
        "max_tokens": chunk_tokens,
        "overlap_tokens": overlap_tokens,
        "splitter": "pysbd-0.3.4",
        "extractor": EXTRACTOR_VERSION,
    }


def tally(report: UpdateReport, stage: str, since: float) -> None:
    """Add the process's CPU seconds since `since` (`time.process_time()`) to a stage of the
    report: what bounds indexing, whichever store writes."""
    report.cpu[stage] = report.cpu.get(stage, 0.0) + time.process_time() - since


@dataclass
class UpdateReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    embedded_chunks: int = 0
    total_chunks: int = 0
    rebuilt: str | None = None  # why everything was re-embedded, if it was
    compacted: int = 0  # segments merged into one by this write
    seconds: float = 0.0
    partial: bool = False  # ended early for newer work: the rest is indexed by the next run
    # CPU seconds per stage ("extract", "chunk", "embed", "write") and pages read, when timed
    cpu: dict[str, float] = field(default_factory=dict)
    pages: int = 0

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
        merged = f"; merged {self.compacted} segments" if self.compacted else ""
        return (
            f"index updated: {why}{', '.join(parts) or 'all documents'}; "
            f"embedded {self.embedded_chunks} of {self.total_chunks} passages "
            f"in {self.seconds:.1f} s{merged}"
        )


def diff_documents(
    indexed: dict[str, dict], documents: dict[str, Document], report: UpdateReport
) -> list[Document]:
    """Sort documents into the report's added / changed / unchanged / removed (by SHA-256
    against the indexed table); returns those to (re-)index, by name."""
    report.removed = sorted(set(indexed) - set(documents))
    todo = []
    for name in sorted(documents):
        prior = indexed.get(name)
        if prior and prior["sha256"] == documents[name].sha256:
            report.unchanged.append(name)
        else:
            (report.changed if prior else report.added).append(name)
            todo.append(documents[name])
    return todo


def chunk_documents(
    docs: list[Document], embedder, chunker: dict
) -> Iterator[tuple[Document, list[Chunk]]]:
    """(document, its passages) for each document, with the store's chunker settings."""
    for doc in docs:
        yield (
            doc,
            with_context(
                doc,
                chunk_document(
                    doc.name,
                    doc.text,
                    embedder.count_tokens,
                    chunker["max_tokens"],
                    chunker["overlap_tokens"],
                ),
            ),
        )


class Deletions:
    """Documents deleted but maybe still in the committed index: (name, sha256) pairs that
    every snapshot a store hands out hides at once, and that the next commit applies.

    A delete then never waits for the writer (an indexing run may hold it for minutes) and
    never needs disk space: the pairs are kept in memory and, when the disk allows, in a small
    file beside the index so that a restart still hides them until the next commit. A
    re-uploaded file of the same name and bytes is hidden only until that commit, which
    indexes it again.
    """

    FILE = "deleted.json"

    def __init__(self, folder=None):
        # No folder (a Milvus server): kept in memory only.
        self._path = Path(folder) / self.FILE if folder is not None else None
        self._lock = threading.Lock()
        try:
            if self._path is None:
                raise OSError("in memory")
            pairs = json.loads(self._path.read_text(encoding="utf-8"))
            self._pairs = {(str(n), str(s)) for n, s in pairs}
        except (OSError, ValueError, TypeError):
            self._pairs = set()
        self._views: dict = {}

    def add(self, name: str, sha256: str) -> None:
        with self._lock:
            self._pairs.add((name, sha256))
            self._save()

    def hidden(self, documents: dict[str, dict]) -> frozenset[str]:
        """The names of `documents` (a snapshot's table) that a delete has removed."""
        with self._lock:
            if not self._pairs:
                return frozenset()
            return frozenset(n for n, s in self._pairs if documents.get(n, {}).get("sha256") == s)

    def pairs(self) -> set[tuple[str, str]]:
        with self._lock:
            return set(self._pairs)

    def applied(self, pairs: set[tuple[str, str]]) -> None:
        """Forget `pairs` that a commit has removed from the index."""
        with self._lock:
            if pairs & self._pairs:
                self._pairs -= pairs
                self._save()

    def discard(self, name: str, sha256: str) -> None:
        """A file of a deleted document's name and bytes was added again: shown again."""
        self.applied({(name, sha256)})

    def view(self, snap):
        """`snap` without the deleted documents (the same object when none is deleted); views
        are kept per generation, as building one costs a mask per segment."""
        if snap is None:
            return None
        dead = self.hidden(snap.documents)
        if not dead:
            return snap
        key = (snap.generation, dead)
        view = self._views.get(key)
        if view is None:
            view = snap.restricted([n for n in snap.documents if n not in dead])
            tag = hashlib.sha256("\n".join(sorted(dead)).encode()).hexdigest()[:8]
            # Another generation's name: whatever caches by generation sees the change.
            if dataclasses.is_dataclass(view):  # kept among the snapshot's own views: a copy
                view = dataclasses.replace(view, generation=f"{snap.generation}~{tag}")
            else:
                view.generation = f"{snap.generation}~{tag}"
            if len(self._views) >= 8:
                self._views.pop(next(iter(self._views)))
            self._views[key] = view
        return view

    def _save(self) -> None:
        """Best effort: on a full disk the pairs stay in memory (and the deleted file's absence
        removes the document at the next commit anyway)."""

        if self._path is None:
            return
        tmp = self._path.with_name(f".{self.FILE}.{uuid.uuid4().hex[:8]}")
        try:
            if not self._pairs:
                self._path.unlink(missing_ok=True)
                return
            self._path.parent.mkdir(parents=True, exist_ok=True)
            with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as f:
                json.dump(sorted(self._pairs), f)
            os.replace(tmp, self._path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            logging.getLogger(__name__).warning("deletions kept in memory only: %s", exc)
