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
import threading
import time
from pathlib import Path

from rag.context import embedding_text, lexical_text
from rag.errors import ConfigError, IndexCorrupt
from rag.store import base
from rag.store.base import Documents, Progress, UpdateReport
from rag.store.embed import Embedder
from rag.store.milvus_read import (
    _DOC_FIELDS,
    _META,
    _PASSAGE_FIELDS,
    MilvusSnapshot,
    _analyzer,
    terms,
)

log = logging.getLogger(__name__)


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
        local = "://" not in uri
        self.deletions = base.Deletions(Path(uri).parent if local else None)

    @property
    def client(self):
        if self._client is None:
            from pymilvus import MilvusClient

            if "://" not in self.uri:
                Path(self.uri).parent.mkdir(parents=True, exist_ok=True)
            # pymilvus warns on every query iterator that Milvus Lite has no server timestamp.
            logging.getLogger("pymilvus").setLevel(logging.ERROR)
            try:
                self._client = MilvusClient(self.uri)
            except Exception as exc:  # noqa: BLE001 - pymilvus raises several kinds
                if "://" in self.uri:
                    raise ConfigError(f"cannot reach Milvus at {self.uri} ({exc})") from None
                # Milvus Lite locks its file: one process at a time.
                raise ConfigError(
                    f"cannot open the Milvus Lite file {self.uri}: another process (the app, or "
                    "another rag command) has it open. Milvus Lite serves one process at a "
                    "time; stop the other one, or run `milvus-lite server` and set "
                    "RAG_MILVUS_URI=http://host:port"
                ) from None
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
        schema.add_field("context", DataType.VARCHAR, max_length=4096)
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
        """The documents table and the recorded settings (None: no collections yet; a
        description of the fields when the collections are not the ones this version writes)."""
        c = self.client
        have = [c.has_collection(self.passages), c.has_collection(self.docs)]
        if not any(have):
            return {}, None
        if not all(have):
            missing = self.docs if have[0] else self.passages
            return {}, json.dumps({"missing": missing})
        odd = self._odd_fields()
        if odd:
            return {}, json.dumps({"fields": odd})
        self._load_collections()
        rows = self.query_all(self.docs, 'name != ""', ["name", "sha256", "chunks", "added"])
        table = {
            r["name"]: {"sha256": r["sha256"], "chunks": int(r["chunks"]), "added": r["added"]}
            for r in rows
        }
        meta = table.pop(_META, None)
        return table, meta["sha256"] if meta else ""

    def _odd_fields(self) -> str:
        """How the stored collections' fields differ from what this version writes ("" if
        they do not)."""
        out = []
        for name, want in ((self.passages, _PASSAGE_FIELDS), (self.docs, _DOC_FIELDS)):
            fields = {f["name"]: f for f in self.client.describe_collection(name)["fields"]}
            if set(fields) != want:
                out.append(f"{name} has fields {sorted(fields)}")
        dense = self.client.describe_collection(self.passages)["fields"]
        dims = [int(f.get("params", {}).get("dim", 0)) for f in dense if f["name"] == "dense"]
        if not out and dims != [self.embedder.dim]:
            out.append(f"{self.passages} holds vectors of {dims[0]} dimensions")
        return "; ".join(out)

    def _differs(self, meta: str) -> str | None:
        """Why the stored collections cannot be used with these settings, in plain words (None
        if they can)."""
        if meta == self.settings_record:
            return None
        try:
            old = json.loads(meta)
        except ValueError:
            old = {}
        if not isinstance(old, dict):
            old = {}
        if "missing" in old:
            return f"the collection {old['missing']} is missing"
        if "fields" in old:
            return f"the collections are not this version's ({old['fields']})"
        new = json.loads(self.settings_record)
        if not old:
            return "the collections record no settings (an interrupted first build)"
        if old.get("version") != new["version"]:
            return f"index format {old.get('version')}, this version writes {new['version']}"
        if (old.get("embedding_model"), old.get("embedding_dim")) != (
            new["embedding_model"],
            new["embedding_dim"],
        ):
            return (
                f"built with the embedding model {old.get('embedding_model')}, "
                f"this app uses {new['embedding_model']}"
            )
        before, now = old.get("chunker") or {}, new["chunker"]
        diff = ", ".join(
            f"{k} {before.get(k)} -> {now[k]}" for k in sorted(now) if before.get(k) != now[k]
        )
        return f"chunker settings changed ({diff or 'unknown'})"

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

    def _sweep(self, table: dict[str, dict]) -> dict[str, dict]:
        """Delete every stored passage the documents table does not name, and every second
        copy of a passage: after this, each chunk id is stored once. A document some of whose
        passages are gone (a write Milvus Lite had not persisted when it was killed) loses its
        row, so that this update indexes it again. Returns the table left; reads the whole
        collection only when the stored count differs from the table's."""
        if self._count() == sum(m["chunks"] for m in table.values()):
            return table
        rows = self.query_all(self.passages, "start >= 0", ["id", "chunk_id", "doc", "sha256"])
        seen: set[str] = set()
        have: dict[str, int] = {}
        extra = []
        for r in sorted(rows, key=lambda r: r["id"]):
            meta = table.get(r["doc"])
            if meta is None or r["sha256"] != meta["sha256"] or r["chunk_id"] in seen:
                extra.append(r["id"])
            else:
                seen.add(r["chunk_id"])
                have[r["doc"]] = have.get(r["doc"], 0) + 1
        for i in range(0, len(extra), 1000):
            self.client.delete(self.passages, filter=f"id in {extra[i : i + 1000]}")
        short = sorted(n for n, m in table.items() if have.get(n, 0) != m["chunks"])
        if short:
            self.client.delete(self.docs, filter=f"name in {json.dumps(short)}")
        log.warning(
            "an interrupted update left %d stray passages (removed) and %d documents "
            "incomplete (indexed again)",
            len(extra),
            len(short),
        )
        return {n: m for n, m in table.items() if n not in short}

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
        why = self._differs(meta)
        if why:
            raise IndexCorrupt(
                f"the Milvus index at {self.uri} ({self.passages}) cannot be read with these "
                f"settings: {why}. `rag index` (or starting the app) rebuilds it"
            )
        stored = self._count()
        digest = hashlib.sha256(
            json.dumps([sorted((n, m["sha256"]) for n, m in table.items()), stored]).encode()
        ).hexdigest()[:16]
        expected = sum(m["chunks"] for m in table.values())
        return MilvusSnapshot(self, table, f"milvus-{digest}", strays=stored != expected)

    def _count(self) -> int:
        rows = self.client.query(self.passages, filter="", output_fields=["count(*)"])
        return int(rows[0]["count(*)"])

    def current(self) -> MilvusSnapshot | None:
        """The live snapshot without the documents deleted since (see base.Deletions)."""
        return self.deletions.view(self._current())

    def forget(self, name: str, sha256: str) -> None:
        """Stop searching and serving a deleted document now; the next update removes it."""
        self.deletions.add(name, sha256)

    def _current(self) -> MilvusSnapshot | None:
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
        self,
        documents: Documents,
        progress: Progress | None = None,
        batch: int = 32,
        *,
        commit_passages: int = 0,
        should_yield=None,
        on_documents=None,
    ) -> UpdateReport:
        """As IndexStore.update; each document is its own commit here (its table row), so
        `commit_passages` changes nothing, and `should_yield()` is asked after each one."""
        t0 = time.perf_counter()
        with self._lock:
            if callable(documents):
                documents = documents()
            report = UpdateReport()
            table, meta = self._table()
            why = self._differs(meta) if meta is not None else None
            if why:
                report.rebuilt = why
                log.warning("rebuilding the Milvus index: %s", why)
                for name in (self.passages, self.docs):
                    if self.client.has_collection(name):
                        self.client.drop_collection(name)
                self._loaded = False
                table, meta = {}, None
            if meta is None:
                self._create()
            else:
                table = self._sweep(table)
            deleted = self.deletions.pairs()
            documents = [d for d in documents if (d.name, d.sha256) not in deleted]
            listed = {d.name for d in documents}
            todo = base.diff_documents(table, {d.name: d for d in documents}, report)
            report.removed = sorted(set(report.removed) | (set(table) - listed))
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
            c0 = time.process_time()
            fresh = list(base.chunk_documents(todo, self.embedder, self.chunker))
            base.tally(report, "chunk", c0)
            total = sum(len(c) for _, c in fresh)
            done = 0
            if progress and total:  # the bar shows from the start
                progress(0, total)
            for i, (doc, chunks) in enumerate(fresh):
                if on_documents:
                    on_documents(i, len(fresh))
                if i and should_yield is not None and should_yield():
                    report.partial = True
                    break
                if (doc.name, doc.sha256) in self.deletions.pairs():
                    continue  # deleted while waiting: never indexed
                # Whatever an interrupted update left of this document beyond the version the
                # table names goes first: its passages are then inserted exactly once.
                prior = table.get(doc.name)
                stale = f"doc == {json.dumps(doc.name)}"
                if prior:
                    stale += f" and sha256 != {json.dumps(prior['sha256'])}"
                self.client.delete(self.passages, filter=stale)
                for i in range(0, len(chunks), batch):
                    part = chunks[i : i + batch]
                    c0 = time.process_time()
                    vecs = self.embedder.embed([embedding_text(c) for c in part])
                    base.tally(report, "embed", c0)
                    c0 = time.process_time()
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
                                "terms": terms(lexical_text(c)),
                                "context": c.context,
                                "sentences": [list(s) for s in c.sentence_spans()],
                                "dense": v.tolist(),
                            }
                            for c, v in zip(part, vecs, strict=True)
                        ],
                    )
                    base.tally(report, "write", c0)
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
            snap = self._current()
            if snap is not None:
                self.deletions.applied(deleted)
            snap = self.current()
            report.embedded_chunks = total
            report.total_chunks = snap.ntotal if snap else 0
            report.seconds = time.perf_counter() - t0
            log.info(report.summary())
            return report
