"""A generation of the FAISS segment store as read by a question: the segments in use, the
documents table, the live passages, and dense, BM25 and cosine lookups over them. Immutable:
`IndexStore` (segments.py) makes a new one at each commit."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import faiss
import numpy as np

from rag.ingest.chunk import Chunk
from rag.store.lexical import LiveBM25, tokenize
from rag.store.segment import Segment, _one_thread


@dataclass(frozen=True)
class IndexSnapshot:
    """An immutable loaded generation: what one query searches."""

    segments: list[Segment]
    manifest: dict
    generation: str = ""  # the folder name CURRENT pointed at

    @property
    def documents(self) -> dict[str, dict]:
        return self.manifest["documents"]

    def doc_chunks(self, name: str) -> list[Chunk]:
        """One document's live passages, in order ([] if it is not indexed)."""
        meta = self.documents.get(name)
        if meta is None:
            return []
        seg = next(s for s in self.segments if s.name == meta["segment"])
        return [seg.chunks[i] for i in range(meta["first"], meta["first"] + meta["chunks"])]

    def restricted(self, names) -> IndexSnapshot:
        """This generation searching only the documents `names`: the others' passages are
        masked as tombstones are (BM25's statistics then describe that sub-collection). Views
        are kept per generation: a user who picks documents asks several questions."""
        key = frozenset(names)
        views = self.__dict__.setdefault("_views", {})
        view = views.get(key)
        if view is None:
            docs = {n: m for n, m in self.documents.items() if n in key}
            view = IndexSnapshot(
                self.segments, {**self.manifest, "documents": docs}, self.generation
            )
            if len(views) >= 16:
                views.pop(next(iter(views)))
            views[key] = view
        return view

    @cached_property
    def alive(self) -> list[np.ndarray]:
        """Per segment, which passages are live (named by a document in the table)."""
        masks = [np.zeros(len(s), bool) for s in self.segments]
        where = {s.name: i for i, s in enumerate(self.segments)}
        for meta in self.documents.values():
            m = masks[where[meta["segment"]]]
            m[meta["first"] : meta["first"] + meta["chunks"]] = True
        return masks

    @cached_property
    def _selectors(self) -> list:
        out = []
        for seg, alive in zip(self.segments, self.alive, strict=True):
            if alive.all():
                out.append(None)
            else:
                bits = np.packbits(alive, bitorder="little")
                out.append((faiss.IDSelectorBitmap(len(seg), faiss.swig_ptr(bits)), bits))
        return out

    @cached_property
    def chunks(self) -> list[Chunk]:
        """The live passages, segment by segment."""
        return [
            c
            for seg, alive in zip(self.segments, self.alive, strict=True)
            for c, ok in zip(seg.chunks, alive, strict=True)
            if ok
        ]

    @cached_property
    def ntotal(self) -> int:
        return int(sum(a.sum() for a in self.alive))

    def chunk(self, key: tuple[int, int]) -> Chunk:
        return self.segments[key[0]].chunks[key[1]]

    def vector(self, key: tuple[int, int]) -> np.ndarray:
        return self.segments[key[0]].index.reconstruct(int(key[1]))

    def dense(self, vec: np.ndarray, k: int) -> list[tuple[tuple[int, int], float]]:
        """The k live passages nearest to `vec` (1 x dim), best first: (key, cosine)."""
        with _one_thread():
            hits = self._dense(vec, k)
        hits.sort(key=lambda h: (-h[1], h[0]))
        return hits[:k]

    def _dense(self, vec: np.ndarray, k: int) -> list[tuple[tuple[int, int], float]]:
        hits = []
        for s, (seg, sel) in enumerate(zip(self.segments, self._selectors, strict=True)):
            if not len(seg):
                continue
            params = None
            if isinstance(seg.index, faiss.IndexIVF):
                params = faiss.SearchParametersIVF(nprobe=seg.index.nprobe)
                if sel is not None:
                    params.sel = sel[0]
            elif sel is not None:
                params = faiss.SearchParameters(sel=sel[0])
            scores, ids = seg.index.search(vec, min(k, len(seg)), params=params)
            hits.extend(
                ((s, int(i)), float(x)) for x, i in zip(scores[0], ids[0], strict=True) if i >= 0
            )
        return hits

    def lexical(self, query: str | list[str], k: int) -> list[tuple[tuple[int, int], float]]:
        """The k live passages with the best BM25 scores for a query (text or its terms)."""
        terms = tokenize(query) if isinstance(query, str) else query
        return [((s, r), x) for s, r, x in self._bm25.search(terms, k)]

    @cached_property
    def _bm25(self) -> LiveBM25:
        return LiveBM25(
            [(seg.terms, alive) for seg, alive in zip(self.segments, self.alive, strict=True)]
        )

    def hybrid(self, query: str, vec: np.ndarray, k: int, candidates: int) -> None:
        return None  # the retriever fuses dense and BM25 itself

    def cosines(self, keys: list[tuple[int, int]], vec: np.ndarray) -> list[float]:
        """Cosine of each passage with `vec` (1 x dim), one product per segment."""
        out = [0.0] * len(keys)
        by_seg: dict[int, list[int]] = {}
        for i, (s, _) in enumerate(keys):
            by_seg.setdefault(s, []).append(i)
        for s, idx in by_seg.items():
            # From the FAISS index (flat, or IVF with its direct map), not the vectors file:
            # the file stays unmapped, so serving memory is the index's alone.
            rows = np.asarray([keys[i][1] for i in idx], dtype=np.int64)
            with _one_thread():
                vecs = self.segments[s].index.reconstruct_batch(rows)
            for i, x in zip(idx, vecs @ vec[0], strict=True):
                out[i] = float(x)
        return out
