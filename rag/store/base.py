"""What every store provides: `Store` (one index, updated from the documents folder) and
`Snapshot` (one consistent view a question searches), as protocols, and the helpers both the
FAISS segment store (`segments`) and Milvus (`milvus`) build on."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
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
