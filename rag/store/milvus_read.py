"""The reading side of the Milvus store: the collections' fields, the BM25 analyzer, and the
snapshot a question searches (dense, full-text and hybrid, only documents in the table)."""

from __future__ import annotations

import json
import logging
import re
import threading
from typing import TYPE_CHECKING

import numpy as np

from rag.ingest.chunk import Chunk
from rag.store.lexical import tokenize

if TYPE_CHECKING:
    from rag.store.milvus import MilvusStore

log = logging.getLogger(__name__)

_FIELDS = ["chunk_id", "doc", "sha256", "start", "end", "text", "sentences", "context"]
# What this version writes: a collection without them (another program's, an older layout)
# is rebuilt by `update` and refused by a read, never half-used.
_PASSAGE_FIELDS = {
    "id",
    "chunk_id",
    "doc",
    "sha256",
    "start",
    "end",
    "text",
    "terms",
    "sentences",
    "context",
    "dense",
    "sparse",
}
_DOC_FIELDS = {"name", "sha256", "chunks", "added", "v"}
_META = "__rag_meta__"  # the documents collection's row that records the index settings
_BATCH = 256


def _analyzer() -> dict:
    return {"tokenizer": "standard", "filter": ["lowercase"]}


_INNER = re.compile(r"[.,'’]")


def terms(text: str) -> str:
    """The text Milvus's BM25 analyses: the FAISS store's own tokens (rag.store.lexical.tokenize),
    joined, with the marks a word may hold inside removed so that Milvus's standard analyzer
    keeps each token whole. Both stores then score BM25 over the same terms.

    >>> terms("The U.S. trade grew 1,246 times in China's north.")
    'us trade grew 1246 times chinas north'
    """
    return " ".join(_INNER.sub("", t) for t in tokenize(text))


class MilvusSnapshot:
    """The collection as one question sees it: documents table read once, searches live."""

    def __init__(
        self,
        store: MilvusStore,
        documents: dict[str, dict],
        generation: str,
        where: str = "",
        strays: bool = False,
    ):
        self._store = store
        self.manifest = {"documents": documents}
        self.generation = generation
        # Passages the documents table does not name (an update killed between inserting a
        # document's passages and writing its row, or before deleting its old version) are
        # stored but never searched: with any present, every search is limited to the table.
        self._strays = strays
        self._where = where or (_table_filter(documents) if strays else "")
        self._seen: dict[int, tuple[Chunk, np.ndarray]] = {}
        self._seen_lock = threading.Lock()

    @property
    def documents(self) -> dict[str, dict]:
        return self.manifest["documents"]

    @property
    def ntotal(self) -> int:
        return sum(m["chunks"] for m in self.documents.values())

    @property
    def chunks(self) -> list[Chunk]:
        """Every passage (reads the whole collection: for tests and small collections)."""
        rows = self._store.query_all(self._store.passages, "start >= 0", _FIELDS)
        chunks = [_chunk(r) for r in rows if self._live(r)]
        order = {d: i for i, d in enumerate(sorted(self.documents))}
        return sorted(chunks, key=lambda c: (order[c.doc], int(c.chunk_id.rsplit("::", 1)[1])))

    def doc_chunks(self, name: str) -> list[Chunk]:
        """One document's passages, in order ([] if it is not indexed)."""
        if name not in self.documents:
            return []
        sha = self.documents[name]["sha256"]
        rows = self._store.query_all(
            self._store.passages,
            f"doc == {json.dumps(name)} and sha256 == {json.dumps(sha)}",
            _FIELDS,
        )
        chunks = [_chunk(r) for r in rows]
        return sorted(chunks, key=lambda c: int(c.chunk_id.rsplit("::", 1)[1]))

    def restricted(self, names) -> MilvusSnapshot:
        """The same collection searching only the documents `names` (a filter on `doc`)."""
        docs = {n: m for n, m in self.documents.items() if n in set(names)}
        return MilvusSnapshot(self._store, docs, self.generation, _table_filter(docs), True)

    def _live(self, e: dict) -> bool:
        """A passage of the version of its document the table names."""
        meta = self.documents.get(e["doc"])
        return meta is not None and e.get("sha256", meta["sha256"]) == meta["sha256"]

    def _remember(self, hits) -> list[tuple[int, float]]:
        out, ids = [], set()
        with self._seen_lock:
            for h in hits:
                e = h["entity"]
                if self._strays and (not self._live(e) or e["chunk_id"] in ids):
                    # The filter's two lists can pair one's name with another's hash; a chunk
                    # stored twice (until the next update sweeps it) is one hit.
                    continue
                ids.add(e["chunk_id"])
                self._seen[h["id"]] = (_chunk(e), np.asarray(e["dense"], np.float32))
                out.append((h["id"], float(h["distance"])))
        return out

    def chunk(self, key: int) -> Chunk:
        return self._seen[key][0]

    def cosines(self, keys: list[int], vec: np.ndarray) -> list[float]:
        return [float(self.vector(key) @ vec[0]) for key in keys]

    def vector(self, key: int) -> np.ndarray:
        return self._seen[key][1]

    def dense(self, vec: np.ndarray, k: int) -> list[tuple[int, float]]:
        s = self._store
        hits = s.client.search(
            s.passages,
            data=[vec[0].tolist()],
            anns_field="dense",
            search_params={"metric_type": "IP"},
            limit=k,
            filter=self._where,
            output_fields=[*_FIELDS, "dense"],
        )[0]
        return self._remember(hits)

    def lexical(self, query: str, k: int) -> list[tuple[int, float]]:
        s = self._store
        hits = s.client.search(
            s.passages,
            data=[terms(query)],
            anns_field="sparse",
            search_params={"metric_type": "BM25"},
            limit=k,
            filter=self._where,
            output_fields=[*_FIELDS, "dense"],
        )[0]
        found = self._remember(hits)
        # Hits come best first. Milvus Lite reports BM25 as a negated distance, a server as a
        # score: make higher mean better either way, as the fusion expects.
        if len(found) > 1 and found[0][1] < found[-1][1]:
            found = [(key, -x) for key, x in found]
        elif len(found) == 1:
            found = [(found[0][0], abs(found[0][1]))]
        return found

    def hybrid(self, query: str, vec: np.ndarray, k: int, candidates: int) -> list[int]:
        """Milvus's hybrid search: dense and BM25 requests, reciprocal-rank fused (k = 60)."""
        from pymilvus import AnnSearchRequest, RRFRanker

        s = self._store
        requests = [
            AnnSearchRequest(
                data=[vec[0].tolist()],
                anns_field="dense",
                param={"metric_type": "IP"},
                limit=candidates,
                expr=self._where or None,
            ),
            AnnSearchRequest(
                data=[terms(query)],
                anns_field="sparse",
                param={"metric_type": "BM25"},
                limit=candidates,
                expr=self._where or None,
            ),
        ]
        hits = s.client.hybrid_search(
            s.passages,
            requests,
            ranker=RRFRanker(60),
            limit=k,
            output_fields=[*_FIELDS, "dense"],
        )[0]
        return [key for key, _ in self._remember(hits)]


def _table_filter(documents: dict[str, dict]) -> str:
    """A filter expression for the passages of exactly these documents' versions."""
    shas = sorted({m["sha256"] for m in documents.values()})
    return f"doc in {json.dumps(sorted(documents))} and sha256 in {json.dumps(shas)}"


def _chunk(e: dict) -> Chunk:
    sentences = e.get("sentences") or []
    if isinstance(sentences, str):
        sentences = json.loads(sentences)
    return Chunk(
        e["chunk_id"],
        e["doc"],
        int(e["start"]),
        int(e["end"]),
        e["text"],
        tuple((a, b) for a, b in sentences),
        e.get("context") or "",
    )
