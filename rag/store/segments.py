"""The index on disk: segments that are written once, generations that name them.

Layout under the index folder::

    CURRENT            name of the live generation folder (replaced atomically)
    gen-<id>/          manifest.json: the segments in use with their files' checksums, and the
                       documents table (document -> segment, first passage, passage count)
    seg-<id>/          one segment, never changed once written: vectors.npy, chunks.jsonl
                       (with sentence spans), terms.json + terms.npz (BM25 term frequencies),
                       and faiss.index when the segment is big enough for an approximate index

Adding documents writes one new segment and a new manifest; removing or changing one only
drops it from the documents table (its passages become tombstones: present in the segment,
not live). Compaction merges segments once there are too many or too much of them is dead.
A killed write leaves CURRENT naming the previous generation, whose segments are all intact;
files no generation names are removed at the next commit.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import shutil
import threading
import time
import uuid
from pathlib import Path

import numpy as np

from rag.context import embedding_text
from rag.errors import DISK_FULL, ConfigError, DiskFull, IndexCorrupt, is_disk_full
from rag.ingest.chunk import Chunk
from rag.store.base import (
    FORMAT_VERSION,
    Deletions,
    Documents,
    Progress,
    UpdateReport,
    chunk_documents,
    chunker_record,
    diff_documents,
    tally,
)
from rag.store.disk import MANIFEST_SLACK, check_space, keep_reserve, take_reserve
from rag.store.embed import Embedder
from rag.store.segment import (
    IndexConfig,
    Segment,
    _check_manifest,
    _fsync_dir,
    _fsync_write,
)
from rag.store.snapshot import IndexSnapshot

log = logging.getLogger(__name__)


class IndexStore:
    """Owns one index folder. `snapshot` is what queries use; `update` brings it in line."""

    def __init__(
        self,
        index_dir: Path,
        embedder: Embedder,
        chunk_tokens: int,
        overlap_tokens: int,
        config: IndexConfig | None = None,
    ):
        if chunk_tokens + 2 > embedder.max_tokens:
            raise ConfigError(
                f"chunk_tokens={chunk_tokens} exceeds the embedding model's window "
                f"({embedder.max_tokens} tokens including 2 special tokens)"
            )
        self.dir = Path(index_dir)
        self.embedder = embedder
        self.config = config or IndexConfig()
        self.chunker = chunker_record(chunk_tokens, overlap_tokens)
        self._write_lock = threading.Lock()
        self._reload_lock = threading.Lock()
        self.snapshot: IndexSnapshot | None = None
        self.deletions = Deletions(self.dir)
        # A document too large for one commit, interrupted by a newer request: its passages
        # and the vectors embedded so far, keyed by (name, sha256), so that the next run goes
        # on where this one stopped instead of starting it again.
        self._resume: dict[tuple[str, str], tuple[list[Chunk], np.ndarray]] = {}

    # ---- reading -------------------------------------------------------------------------
    def read_manifest(self) -> tuple[str, dict]:
        """The live generation's name and manifest (nothing else is read)."""
        current = self.dir / "CURRENT"
        if not current.exists():
            raise IndexCorrupt(f"no index in {str(self.dir)!r} yet")
        try:
            name = current.read_text(encoding="utf-8").strip()
        except (OSError, ValueError) as exc:
            raise IndexCorrupt(f"{current}: unreadable ({exc})") from None
        if not name.startswith("gen-") or "/" in name or "\0" in name:
            raise IndexCorrupt(f"{current}: names no generation ({name[:40]!r})")
        path = self.dir / name / "manifest.json"
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(manifest, dict):
                raise TypeError(f"a {type(manifest).__name__}, not an object")
            if manifest.get("version") == FORMAT_VERSION:
                _check_manifest(manifest)
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise IndexCorrupt(f"{path}: unreadable manifest ({exc})") from None
        return name, manifest

    def load(self) -> IndexSnapshot:
        """Load and verify the live generation; IndexCorrupt says what is wrong. Segments the
        current snapshot already holds are reused (they never change once written)."""
        name, manifest = self.read_manifest()
        if manifest.get("version") != FORMAT_VERSION:
            raise IndexCorrupt(f"{self.dir / name}: index format {manifest.get('version')}")
        held = {s.name: s for s in (self.snapshot.segments if self.snapshot else [])}
        segments = []
        for meta in manifest["segments"]:
            seg = held.get(meta["name"])
            if seg is None or seg.files != meta["files"]:
                seg = Segment.load(
                    self.dir / meta["name"], meta["files"], self.embedder.dim, self.config
                )
            segments.append(seg)
        names = {s.name for s in segments}
        for doc, meta in manifest["documents"].items():
            if meta["segment"] not in names:
                raise IndexCorrupt(f"{self.dir / name}: {doc} points to a missing segment")
        return IndexSnapshot(segments, manifest, name)

    def current(self) -> IndexSnapshot | None:
        """The live snapshot without the documents deleted since its commit (see Deletions)."""
        return self.deletions.view(self._current())

    def _current(self) -> IndexSnapshot | None:
        """The live snapshot, switching to a newer generation another process committed.

        Reads CURRENT (a few bytes) per call; loads only when it names a new generation. A
        generation pruned while it was being read is retried at the next call.
        """
        try:
            name = (self.dir / "CURRENT").read_text(encoding="utf-8").strip()
        except (OSError, ValueError):  # damaged: the next update rebuilds it
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
        self.dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        with self._write_lock, open(self.dir / ".lock", "w") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock_file, fcntl.LOCK_UN)

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
        """Make the index match `documents`, embedding only new and changed ones, `batch`
        passages per embedding call (progress is reported between calls).

        Only the new documents' segment and a small manifest are written; removed and changed
        documents leave tombstones until a merge. Given a callable, it is called under the
        writers' lock: a listing of the folder taken before another writer committed can never
        remove that writer's documents.

        With `commit_passages`, the work is committed in bounded batches, smallest documents
        first: the first document alone (the first answer need not wait for the rest), then
        about `commit_passages` passages a generation. `should_yield()`, asked after each
        commit, ends the run early (`report.partial`) so that a newer, smaller request can go
        first; `on_documents(done, total)` follows the documents.
        """
        t0 = time.perf_counter()
        with self._locked():
            # Segments a failed write left (a full disk) go first: they hold the space needed.
            self._prune_unnamed()
            # Deletes first: listing the folder stores new files' texts, which a full disk
            # refuses, and a delete must leave the index all the same.
            gone = self._commit_deletions()
            if callable(documents):
                documents = documents()
            report = UpdateReport()
            manifest: dict | None = None
            generation = ""
            try:
                generation, manifest = self.read_manifest()
                report.rebuilt = self._compatible(manifest)
                if report.rebuilt:
                    manifest = None
            except IndexCorrupt as exc:
                if (self.dir / "CURRENT").exists():
                    log.warning("index unusable, rebuilding from the documents: %s", exc)
                    report.rebuilt = str(exc)
            deleted = self.deletions.pairs()
            by_name = {
                d.name: d for d in documents if (d.name, d.sha256) not in deleted
            }  # a file deleted while being listed
            indexed = {
                n: m
                for n, m in (manifest["documents"] if manifest else {}).items()
                if (n, m["sha256"]) not in deleted
            }
            todo = diff_documents(indexed, by_name, report)
            listed = {(d.name, d.sha256) for d in by_name.values()}
            self._resume = {k: v for k, v in self._resume.items() if k in listed}
            report.removed = sorted(
                set(manifest["documents"] if manifest else {}) - set(by_name)
                | set(report.removed)
                | set(gone)
            )
            old: IndexSnapshot | None = None
            if manifest is not None:
                try:  # verified even when nothing changed: a damaged index is rebuilt now
                    held = self.snapshot
                    old = held if held and held.generation == generation else self.load()
                except IndexCorrupt as exc:
                    log.warning("index unusable, rebuilding from the documents: %s", exc)
                    report.rebuilt, old = str(exc), None
            if old is not None and not report.touched:
                self.snapshot = old
                self.deletions.applied(deleted)
                report.total_chunks = old.ntotal
                report.seconds = time.perf_counter() - t0
                return report
            if old is None:  # everything is new
                report.added = sorted(by_name) if report.rebuilt else report.added
                report.changed, report.unchanged = [], []
                todo = [by_name[n] for n in sorted(by_name)]
            if commit_passages:
                todo.sort(key=lambda d: (len(d.text), d.name))
            segments = list(old.segments) if old else []
            # Removed documents leave at the first commit; a changed one keeps its old version
            # searchable until its new one is committed.
            table = {n: dict(m) for n, m in (old.documents if old else {}).items() if n in by_name}
            if old is not None:
                table = {n: m for n, m in table.items() if (n, m["sha256"]) not in deleted}
                if self._commit_removals(old, table):
                    segments = list(self.snapshot.segments)
                    self.deletions.applied(deleted)
            pending = list(reversed(todo))
            counted = {"done": 0, "known": 0, "docs": 0}
            first = True
            interrupted = False
            while first or pending:
                fresh: list[Chunk] = []
                spans: dict[str, tuple[int, int]] = {}
                known: dict[int, np.ndarray] = {}  # vectors a stopped run left, by offset
                while pending:
                    doc = pending[-1]
                    if (doc.name, doc.sha256) in self.deletions.pairs():
                        pending.pop()  # deleted while waiting: never indexed
                        continue
                    if commit_passages and fresh and len(fresh) >= commit_passages:
                        break
                    pending.pop()
                    c0 = time.process_time()
                    stashed = self._resume.pop((doc.name, doc.sha256), None)
                    if stashed is not None:
                        spans[doc.name] = (len(fresh), len(stashed[0]))
                        known[len(fresh)] = stashed[1]
                        fresh.extend(stashed[0])
                        counted["known"] += len(stashed[0])
                    else:
                        for d, chunks in chunk_documents([doc], self.embedder, self.chunker):
                            spans[d.name] = (len(fresh), len(chunks))
                            fresh.extend(chunks)
                            counted["known"] += len(chunks)
                    tally(report, "chunk", c0)
                    if commit_passages and first:
                        break
                # Minutes of embedding must not be spent on a segment that cannot be written.
                check_space(self.dir, fresh, self.embedder.dim)
                c0 = time.process_time()
                # A batch larger than a commit (one large document) stops between embedding
                # calls when a newer request (a small upload, a delete) is waiting: what is
                # fully embedded is committed now, the document in progress is kept for the
                # next run, which takes the newer, smaller work first.
                stop = None
                if commit_passages and should_yield is not None:
                    stop = lambda n: n >= 2 * commit_passages and should_yield()  # noqa: E731
                vectors = self._embed(fresh, progress, batch, counted, known, stop)
                if len(vectors) < len(fresh):
                    fresh, vectors, spans = self._stash_unfinished(fresh, vectors, spans, by_name)
                    interrupted = True
                tally(report, "embed", c0)
                c0 = time.process_time()
                if fresh or not segments:
                    seg = self._write_segment(fresh, vectors)
                    segments.append(seg)
                    for name, (start, count) in spans.items():
                        table[name] = {
                            "sha256": by_name[name].sha256,
                            "segment": seg.name,
                            "first": start,
                            "chunks": count,
                            "added": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                        }
                # Deletes made meanwhile are applied by this commit.
                applying = self.deletions.pairs()
                table = {n: m for n, m in table.items() if (n, m["sha256"]) not in applying}
                compacted = 0
                if not pending or len(segments) > 2 * self.config.max_segments:
                    segments, table, compacted = self._maybe_compact(segments, table)
                report.compacted += compacted
                self.snapshot = self._commit(segments, table)
                segments = list(self.snapshot.segments)
                tally(report, "write", c0)
                self.deletions.applied(applying | deleted)
                report.embedded_chunks += len(fresh)
                counted["docs"] += len(spans)
                if on_documents:
                    on_documents(counted["docs"], counted["docs"] + len(pending))
                first = False
                if interrupted or pending and should_yield is not None and should_yield():
                    report.partial = True
                    break
            report.total_chunks = self.snapshot.ntotal
            report.seconds = time.perf_counter() - t0
            log.info(report.summary())
            return report

    def _commit_removals(self, old: IndexSnapshot, table: dict[str, dict]) -> bool:
        """Commit `old` without the documents `table` no longer holds, before any indexing: a
        manifest's worth of space (found in the reserve on a full disk), no embedding, and a
        segment no document uses any more is freed. A delete then frees space on a full disk
        rather than waiting for (and failing with) a write of new passages. Whether it did."""
        if not set(old.documents) - set(table):
            return False
        self.snapshot = self._commit(list(old.segments), {n: old.documents[n] for n in table})
        return True

    def commit_deletions(self) -> bool:
        """Remove the deleted documents (`forget`) from the index on disk now, indexing nothing
        else: what `rag docs rm` does after a delete. Whether a generation was written."""
        with self._locked():
            return bool(self._commit_deletions())

    def _commit_deletions(self) -> list[str]:
        """The documents a commit removed (none: nothing deleted, or no index yet)."""
        deleted = self.deletions.pairs()
        if not deleted:
            return []
        try:
            name, _ = self.read_manifest()
            held = self.snapshot
            old = held if held and held.generation == name else self.load()
        except IndexCorrupt:
            return []  # nothing indexed to remove it from (a rebuild lists the folder)
        table = {n: m for n, m in old.documents.items() if (n, m["sha256"]) not in deleted}
        self._commit_removals(old, table)
        self.deletions.applied(deleted)
        return sorted(set(old.documents) - set(table))

    def forget(self, name: str, sha256: str) -> None:
        """Stop searching and serving a deleted document now, without the writer's lock; the
        next commit removes it from the table."""
        self.deletions.add(name, sha256)

    def _write_segment(self, chunks: list[Chunk], vectors: np.ndarray) -> Segment:
        folder = self._new_name("seg")
        try:
            return Segment.write(folder, chunks, vectors, self.config)
        except BaseException as exc:
            shutil.rmtree(folder, ignore_errors=True)  # never half a segment on disk
            # numpy reports a short write on a full disk without ENOSPC ("254208 requested
            # and 90080 written")
            short = isinstance(exc, OSError) and " requested and " in str(exc)
            if is_disk_full(exc) or short:
                raise DiskFull(f"the index could not be written: {DISK_FULL}") from None
            raise

    def _prune_unnamed(self) -> None:
        """Remove what no generation names (a write that failed or was killed)."""
        try:
            name, manifest = self.read_manifest()
        except IndexCorrupt:
            return
        self._prune(keep={name, *(s["name"] for s in manifest["segments"])})

    def write_passages(
        self, chunks: list[Chunk], vectors: np.ndarray, sha256: dict[str, str]
    ) -> IndexSnapshot:
        """Add passages already chunked and embedded, as one new segment (bulk loads and
        benchmarks). Each document's passages must be contiguous; `sha256` names each one's."""
        with self._locked():
            try:
                old = self.load()
            except IndexCorrupt:
                old = None
            segments = list(old.segments) if old else []
            table = {n: dict(m) for n, m in (old.documents if old else {}).items()}
            seg = self._write_segment(chunks, vectors)
            for i, c in enumerate(chunks):
                if c.doc not in table or table[c.doc]["segment"] != seg.name:
                    table[c.doc] = {
                        "sha256": sha256[c.doc],
                        "segment": seg.name,
                        "first": i,
                        "chunks": 0,
                        "added": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    }
                table[c.doc]["chunks"] += 1
            self.snapshot = self._commit([*segments, seg], table)
            return self.snapshot

    def _new_name(self, prefix: str) -> Path:
        return self.dir / f"{prefix}-{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:8]}"

    def _maybe_compact(self, segments: list[Segment], table: dict[str, dict]):
        """Merge every segment into one when there are too many or too much is dead: the
        work is linear in the collection, but happens once per many writes."""
        stored = sum(len(s) for s in segments)
        live = sum(m["chunks"] for m in table.values())
        dead_share = 1 - live / stored if stored else 0.0
        if len(segments) <= self.config.max_segments and dead_share <= self.config.max_dead_share:
            return segments, table, 0
        where = {s.name: s for s in segments}
        chunks, vecs, new_table = [], [], {}
        for name in sorted(table):
            meta = table[name]
            seg = where[meta["segment"]]
            a, n = meta["first"], meta["chunks"]
            new_table[name] = {**meta, "first": len(chunks)}
            chunks.extend(seg.chunks[a : a + n])
            vecs.append(seg.vectors[a : a + n])
        matrix = np.vstack(vecs) if vecs else np.zeros((0, self.embedder.dim), np.float32)
        merged = self._write_segment(chunks, matrix)
        for meta in new_table.values():
            meta["segment"] = merged.name
        return [merged], new_table, len(segments)

    def _embed(
        self, chunks: list[Chunk], progress, step: int, counted=None, known=None, stop=None
    ) -> np.ndarray:
        """Vectors of `chunks`; `counted` carries a run's passages embedded ("done") and known
        so far ("known", its total growing as batches are read) across batches. `known`:
        vectors already embedded, by the offset of their first chunk. `stop(n)`, asked before
        each call once `n` passages were embedded here, ends early: the vectors of a prefix
        of `chunks` are returned."""
        if not chunks:
            return np.zeros((0, self.embedder.dim), np.float32)
        counted = counted if counted is not None else {"done": 0, "known": len(chunks)}
        known = known or {}
        if progress and not counted["done"]:  # the bar shows from the start
            progress(0, counted["known"])
        texts = [embedding_text(c) for c in chunks]
        out = []
        i = embedded = 0
        window = 8 * step  # a stop is asked between windows: what is done is a prefix
        while i < len(chunks):
            if i in known:
                out.append(known[i])
                counted["done"] += len(known[i])
                i += len(known[i])
                continue
            if stop is not None and stop(embedded):
                break
            end = min([i + window, len(chunks), *(k for k in known if k > i)])
            # Each call holds passages of about the same length, longest first (as
            # sentence-transformers orders one call's texts), so a batch pads little: in
            # document order a table's long rows padded prose passages to their length
            # (issue 27). Sorted within a window, so that a stop leaves a prefix embedded.
            pieces = {
                j: min(self.embedder.count_tokens(texts[j]), self.embedder.max_tokens)
                for j in range(i, end)
            }
            order = sorted(range(i, end), key=lambda j: -pieces[j])
            block = np.empty((end - i, self.embedder.dim), np.float32)
            for k in range(0, len(order), step):
                part = order[k : k + step]
                block[[j - i for j in part]] = self.embedder.embed([texts[j] for j in part])
                counted["done"] += len(part)
                embedded += len(part)
                if progress:
                    progress(counted["done"], counted["known"])
            out.append(block)
            i = end
        if not out:
            return np.zeros((0, self.embedder.dim), np.float32)
        return np.vstack(out)

    def _stash_unfinished(self, fresh, vectors, spans, by_name):
        """After a stopped `_embed`: the documents whose passages are all embedded (to commit
        now), and the one in progress kept in `_resume`; those not started are listed again
        by the next run."""
        done = len(vectors)
        cut = 0
        kept = {}
        for name, (start, count) in spans.items():
            if start + count <= done:
                kept[name] = (start, count)
                cut = max(cut, start + count)
            elif start < done:
                key = (name, by_name[name].sha256)
                self._resume[key] = (fresh[start : start + count], vectors[start:done])
        return fresh[:cut], vectors[:cut], kept

    def _commit(self, segments: list[Segment], table: dict[str, dict]) -> IndexSnapshot:
        used = {m["segment"] for m in table.values()}
        # A segment no document points to any more is dropped from the generation.
        segments = [s for s in segments if s.name in used] or segments[-1:]
        manifest = {
            "version": FORMAT_VERSION,
            "embedding_model": self.embedder.name,
            "embedding_dim": self.embedder.dim,
            "chunker": self.chunker,
            "segments": [
                {"name": s.name, "passages": len(s), "kind": s.kind, "files": s.files}
                for s in segments
            ],
            "documents": dict(sorted(table.items())),
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        gen = self._new_name("gen")
        tmp = self.dir / f".CURRENT.{uuid.uuid4().hex[:8]}"
        data = json.dumps(manifest, indent=1).encode()
        try:
            gen.mkdir(mode=0o700, parents=True)
            _fsync_write(gen / "manifest.json", data)
            _fsync_dir(gen)
            _fsync_write(tmp, gen.name.encode())
            os.replace(tmp, self.dir / "CURRENT")
        except BaseException as exc:
            # CURRENT still names the previous generation: nothing of this one is kept.
            shutil.rmtree(gen, ignore_errors=True)
            tmp.unlink(missing_ok=True)
            if is_disk_full(exc):
                if take_reserve(self.dir):
                    # The space kept for this: a manifest (a delete's) is written on a full
                    # disk; the reserve is taken again once the disk allows.
                    return self._commit(segments, table)
                raise DiskFull(f"the index could not be written: {DISK_FULL}") from None
            raise
        _fsync_dir(self.dir)
        self._prune(keep={gen.name, *(s.name for s in segments)})
        keep_reserve(self.dir, 2 * len(data) + MANIFEST_SLACK)
        return IndexSnapshot(segments, manifest, gen.name)

    def _prune(self, keep: set[str]) -> None:
        for path in self.dir.iterdir():
            if path.name not in keep and path.name.startswith(("gen-", "seg-", ".CURRENT.")):
                if path.is_dir():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)
