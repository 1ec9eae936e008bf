"""A Milvus store behind the same interface as the FAISS `IndexStore`, for collections that
outgrow one machine.

One client for every deployment: `uri` is a local path for Milvus Lite (embedded, the
`milvus-lite` package) or `http://host:19530` for Milvus Lite's server mode, Milvus Standalone
or a Milvus cluster. Passages hold their text, sentence spans and dense vector; Milvus derives
a BM25 sparse vector from the text itself (its full-text search), and a question is answered
with one hybrid search: dense and BM25 requests fused by Milvus's reciprocal-rank ranker — the
same fusion, k and candidates per side as the FAISS store's default.

Documents live in a second collection (name, sha256, passages, added), so an update re-embeds
only new and changed documents, as the FAISS store does. Milvus has no transactions: a
changed document's new passages are inserted before its old ones are deleted, so for that
moment both are searchable; an interrupted update is finished by the next one.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
import time
from pathlib import Path

import numpy as np

from rag.errors import ConfigError, IndexCorrupt
from rag.ingest.chunk import Chunk
from rag.store import base
from rag.store.base import Documents, Progress, UpdateReport
from rag.store.embed import Embedder
from rag.store.lexical import tokenize

log = logging.getLogger(__name__)

_FIELDS = ["chunk_id", "doc", "start", "end", "text", "sentences"]
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
        self, store: MilvusStore, documents: dict[str, dict], generation: str, where: str = ""
    ):
        self._store = store
        self.manifest = {"documents": documents}
        self.generation = generation
        self._where = where  # a filter expression: only these documents' passages are searched
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
        chunks = [_chunk(r) for r in rows]
        order = {d: i for i, d in enumerate(sorted(self.documents))}
        chunks = [c for c in chunks if c.doc in order]
        return sorted(chunks, key=lambda c: (order[c.doc], int(c.chunk_id.rsplit("::", 1)[1])))

    def doc_chunks(self, name: str) -> list[Chunk]:
        """One document's passages, in order ([] if it is not indexed)."""
        if name not in self.documents:
            return []
        rows = self._store.query_all(self._store.passages, f"doc == {json.dumps(name)}", _FIELDS)
        chunks = [_chunk(r) for r in rows]
        return sorted(chunks, key=lambda c: int(c.chunk_id.rsplit("::", 1)[1]))

    def restricted(self, names) -> MilvusSnapshot:
        """The same collection searching only the documents `names` (a filter on `doc`)."""
        docs = {n: m for n, m in self.documents.items() if n in set(names)}
        return MilvusSnapshot(
            self._store, docs, self.generation, f"doc in {json.dumps(sorted(docs))}"
        )

    def _remember(self, hits) -> list[tuple[int, float]]:
        out = []
        with self._seen_lock:
            for h in hits:
                e = h["entity"]
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
    )


class MilvusStore:
    """`update` and `current` as `IndexStore` has them, over two Milvus collections."""

    def __init__(
        self,
        uri: str,
        embedder: Embedder,
        chunk_tokens: int,
        overlap_tokens: int,
        collection: str = "rag",
    ):
        if not uri:
            raise ConfigError("milvus_uri is empty: a file path (Milvus Lite) or http://host:port")
        if not collection.replace("_", "").isalnum():
            raise ConfigError(f"milvus_collection={collection!r}: letters, digits and _ only")
        self.uri = uri
        self.embedder = embedder
        self.chunker = base.chunker_record(chunk_tokens, overlap_tokens)
        self.passages = f"{collection}_passages"
        self.docs = f"{collection}_documents"
        self.snapshot: MilvusSnapshot | None = None
        self._client = None
        self._lock = threading.Lock()
        self._checked = 0.0
        self._loaded = False

    @property
    def client(self):
        if self._client is None:
            from pymilvus import MilvusClient

            if "://" not in self.uri:
                Path(self.uri).parent.mkdir(parents=True, exist_ok=True)
            # pymilvus warns on every query iterator that Milvus Lite has no server timestamp.
            logging.getLogger("pymilvus").setLevel(logging.ERROR)
            self._client = MilvusClient(self.uri)
        return self._client

    @property
    def settings_record(self) -> str:
        return json.dumps(
            {
                "version": base.FORMAT_VERSION,
                "embedding_model": self.embedder.name,
                "embedding_dim": self.embedder.dim,
                "chunker": self.chunker,
            },
            sort_keys=True,
        )

    # ---- schema --------------------------------------------------------------------------
    def _create(self) -> None:
        from pymilvus import DataType, Function, FunctionType

        c = self.client
        schema = c.create_schema(auto_id=True)
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("chunk_id", DataType.VARCHAR, max_length=2048)
        schema.add_field("doc", DataType.VARCHAR, max_length=1024)
        schema.add_field("sha256", DataType.VARCHAR, max_length=64)
        schema.add_field("start", DataType.INT64)
        schema.add_field("end", DataType.INT64)
        schema.add_field("text", DataType.VARCHAR, max_length=65535)
        schema.add_field(
            "terms",
            DataType.VARCHAR,
            max_length=65535,
            enable_analyzer=True,
            analyzer_params=_analyzer(),
        )
        schema.add_field("sentences", DataType.JSON)
        schema.add_field("dense", DataType.FLOAT_VECTOR, dim=self.embedder.dim)
        schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
        schema.add_function(
            Function(
                name="text_bm25",
                function_type=FunctionType.BM25,
                input_field_names=["terms"],
                output_field_names=["sparse"],
            )
        )
        index = c.prepare_index_params()
        index.add_index(field_name="dense", index_type="AUTOINDEX", metric_type="IP")
        index.add_index(field_name="sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25")
        c.create_collection(
            self.passages, schema=schema, index_params=index, consistency_level="Strong"
        )
        schema = c.create_schema(auto_id=False)
        schema.add_field("name", DataType.VARCHAR, is_primary=True, max_length=1024)
        schema.add_field("sha256", DataType.VARCHAR, max_length=4096)
        schema.add_field("chunks", DataType.INT64)
        schema.add_field("added", DataType.VARCHAR, max_length=32)
        schema.add_field("v", DataType.FLOAT_VECTOR, dim=2)  # Milvus wants a vector field
        index = c.prepare_index_params()
        index.add_index(field_name="v", index_type="FLAT", metric_type="L2")
        c.create_collection(
            self.docs, schema=schema, index_params=index, consistency_level="Strong"
        )

    def _table(self) -> tuple[dict[str, dict], str | None]:
        """The documents table and the recorded settings (None: no collections yet)."""
        c = self.client
        if not (c.has_collection(self.passages) and c.has_collection(self.docs)):
            return {}, None
        self._load_collections()
        rows = c.query(
            self.docs,
            filter='name != ""',
            output_fields=["sha256", "chunks", "added"],
            limit=16384,
        )
        table = {
            r["name"]: {"sha256": r["sha256"], "chunks": int(r["chunks"]), "added": r["added"]}
            for r in rows
        }
        meta = table.pop(_META, None)
        return table, meta["sha256"] if meta else ""

    def _load_collections(self) -> None:
        """Collections written by another process, or by this one before a restart, are on
        disk but released: Milvus serves no query on them until they are loaded."""
        if self._loaded:
            return
        from pymilvus.client.types import LoadState

        for name in (self.passages, self.docs):
            if self.client.get_load_state(name).get("state") != LoadState.Loaded:
                self.client.load_collection(name)
        self._loaded = True

    def query_all(self, collection: str, filter: str, fields: list[str]) -> list[dict]:
        """Every row matching `filter`. One query returns at most 16,384 rows; beyond that, a
        query iterator pages through the rest."""
        cap = 16384
        rows = self.client.query(collection, filter=filter, output_fields=fields, limit=cap)
        if len(rows) < cap:
            return list(rows)
        it = self.client.query_iterator(
            collection, batch_size=1000, filter=filter, output_fields=fields
        )
        rows = []
        try:
            while batch := it.next():
                rows.extend(batch)
        finally:
            it.close()
        return rows

    # ---- reading -------------------------------------------------------------------------
    def load(self) -> MilvusSnapshot:
        table, meta = self._table()
        if meta is None:
            raise IndexCorrupt(f"no index in Milvus at {self.uri!r} yet")
        if meta != self.settings_record:
            raise IndexCorrupt(f"{self.uri}: built with other settings")
        digest = hashlib.sha256(
            json.dumps(sorted((n, m["sha256"]) for n, m in table.items())).encode()
        ).hexdigest()[:16]
        return MilvusSnapshot(self, table, f"milvus-{digest}")

    def current(self) -> MilvusSnapshot | None:
        """The collection's documents, re-read at most once a second (another process or
        machine may have written)."""
        if self.snapshot is None or time.monotonic() - self._checked > 1.0:
            try:
                fresh = self.load()
            except IndexCorrupt as exc:
                log.info("milvus index not loadable: %s", exc)
                return self.snapshot
            self._checked = time.monotonic()
            if self.snapshot is None or fresh.generation != self.snapshot.generation:
                self.snapshot = fresh
        return self.snapshot

    # ---- writing -------------------------------------------------------------------------
    def update(
        self, documents: Documents, progress: Progress | None = None, batch: int = 32
    ) -> UpdateReport:
        t0 = time.perf_counter()
        with self._lock:
            if callable(documents):
                documents = documents()
            report = UpdateReport()
            table, meta = self._table()
            if meta is not None and meta != self.settings_record:
                report.rebuilt = "embedding model or chunker settings changed"
                self.client.drop_collection(self.passages)
                self.client.drop_collection(self.docs)
                self._loaded = False
                table, meta = {}, None
            if meta is None:
                self._create()
            todo = base.diff_documents(table, {d.name: d for d in documents}, report)
            if meta is None:
                self.client.upsert(
                    self.docs,
                    [
                        {
                            "name": _META,
                            "sha256": self.settings_record,
                            "chunks": 0,
                            "added": "",
                            "v": [0.0, 0.0],
                        }
                    ],
                )
            fresh = list(base.chunk_documents(todo, self.embedder, self.chunker))
            total = sum(len(c) for _, c in fresh)
            done = 0
            if progress and total:  # the bar shows from the start
                progress(0, total)
            for doc, chunks in fresh:
                for i in range(0, len(chunks), batch):
                    part = chunks[i : i + batch]
                    vecs = self.embedder.embed([c.text for c in part])
                    self.client.insert(
                        self.passages,
                        [
                            {
                                "chunk_id": c.chunk_id,
                                "doc": c.doc,
                                "sha256": doc.sha256,
                                "start": c.start,
                                "end": c.end,
                                "text": c.text,
                                "terms": terms(c.text),
                                "sentences": [list(s) for s in c.sentence_spans()],
                                "dense": v.tolist(),
                            }
                            for c, v in zip(part, vecs, strict=True)
                        ],
                    )
                    done += len(part)
                    if progress:
                        progress(done, total)
                # The commit point for this document: its row names the new version.
                self.client.upsert(
                    self.docs,
                    [
                        {
                            "name": doc.name,
                            "sha256": doc.sha256,
                            "chunks": len(chunks),
                            "added": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                            "v": [0.0, 0.0],
                        }
                    ],
                )
                self.client.delete(
                    self.passages,
                    filter=f"doc == {json.dumps(doc.name)} and sha256 != {json.dumps(doc.sha256)}",
                )
            if report.removed:
                names = json.dumps(report.removed)
                self.client.delete(self.passages, filter=f"doc in {names}")
                self.client.delete(self.docs, filter=f"name in {names}")
            self._checked = 0.0
            self.snapshot = None
            snap = self.current()
            report.embedded_chunks = total
            report.total_chunks = snap.ntotal if snap else 0
            report.seconds = time.perf_counter() - t0
            log.info(report.summary())
            return report
