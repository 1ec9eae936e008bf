"""The document library: the documents folder and what the index holds of it. Lists, shows,
deletes and stores documents, and says which are still being indexed."""

from __future__ import annotations

import calendar
import contextlib
import logging
import threading
import time
from collections import Counter

from rag.answer.cite import Citation
from rag.context import shown_title
from rag.errors import (
    DISK_FULL,
    BadQuestion,
    DiskFull,
    DocumentNotFound,
    UploadRejected,
    is_disk_full,
)
from rag.ingest.documents import (
    Document,
    TextStore,
    file_sha256,
    list_document_files,
    load_documents,
    seed_documents_dir,
)
from rag.ingest.formats import Extracted, format_of
from rag.ingest.upload import (
    StoredUpload,
    forget_origin,
    origin_of,
    remove_stale_temporaries,
    store_upload,
)
from rag.settings import Settings
from rag.store.base import Store, UpdateReport

log = logging.getLogger(__name__)


class _Empty:
    documents: dict = {}


class Library:
    """The documents folder, its extracted texts (`texts`) and the index `store` built from it."""

    def __init__(self, settings: Settings, store: Store):
        self.settings = settings
        self.store = store
        # Extracted texts beside the index: what every citation's span points into.
        self.texts = TextStore(settings.index_dir / "texts")
        self._layouts: dict[str, Extracted] = {}
        self._layouts_lock = threading.Lock()
        self.load_errors: dict[str, str] = {}
        # Files handed over (stored uploads, or listed by a refresh) and maybe not indexed yet:
        # what a refusal names, without walking the folder (0.19-0.30 s at 10,000 files).
        self._arriving: set[str] = set()
        self._arriving_lock = threading.Lock()
        self.refreshing = 0  # refreshes running now (a first build or a rebuild among them)

    def refresh(
        self,
        progress=None,
        batch: int = 32,
        *,
        commit_passages: int = 0,
        should_yield=None,
        on_documents=None,
    ) -> UpdateReport:
        """Bring the index in line with the documents folder, embedding only what changed
        (`batch` passages per embedding call; with `commit_passages`, committed in bounded
        batches, smallest documents first: see IndexStore.update).

        The folder is listed under the index's writer lock (see IndexStore.update).
        """
        self.prepare_documents_dir()
        removed = remove_stale_temporaries(self.settings.documents_dir)
        if removed:
            log.info("removed %d upload temporaries left by an interrupted upload", len(removed))
        keys: set[str] = set()
        listed: dict[str, Document] = {}
        cpu = {"extract": 0.0}

        def listing():
            c0 = time.process_time()
            loaded = load_documents(self.settings.documents_dir, self.texts)
            cpu["extract"] = time.process_time() - c0
            self.load_errors = loaded.errors
            for msg in loaded.errors.values():
                log.warning("skipped: %s", msg)
            keys.update(self._text_key(d.name, d.sha256) for d in loaded.documents)
            listed.update((d.name, d) for d in loaded.documents)
            with self._arriving_lock:
                self._arriving.update(d.name for d in loaded.documents)
            return loaded.documents

        options = {
            "commit_passages": commit_passages,
            "should_yield": should_yield,
            "on_documents": on_documents,
        }
        with self._arriving_lock:
            self.refreshing += 1
        try:
            report = self.store.update(listing, progress, batch, **options)
        except OSError as exc:
            if is_disk_full(exc):
                raise DiskFull(f"indexing stopped: {DISK_FULL}") from None
            raise
        finally:
            with self._arriving_lock:
                self.refreshing -= 1
        report.cpu = {**cpu, **report.cpu}
        report.pages = sum(
            (listed[n].info.page_count or 1) if listed[n].info else 1
            for n in (*report.added, *report.changed)
            if n in listed and n in (self.store.current() or _Empty).documents
        )
        if not report.partial:
            self.texts.prune(keys)
        return report

    def prepare_documents_dir(self) -> bool:
        """Create the documents folder from the seed collection if it does not exist yet.
        Returns whether it was created."""
        s = self.settings
        return seed_documents_dir(s.documents_dir, s.seed_dir)

    @staticmethod
    def _text_key(name: str, sha256: str) -> str:
        return TextStore.key(sha256, format_of(name) or "txt")

    def layout(self, name: str) -> Extracted | None:
        """A document's extracted text with its pages and sections (None if not indexed)."""
        snap = self.store.current()
        meta = snap.documents.get(name) if snap else None
        if meta is None:
            return None
        key = self._text_key(name, meta["sha256"])
        with self._layouts_lock:
            found = self._layouts.get(key)
        if found is None:
            found = self.texts.get(key)
            if found is None:
                return None
            with self._layouts_lock:
                if len(self._layouts) >= 64:
                    self._layouts.pop(next(iter(self._layouts)))
                self._layouts[key] = found
        return found

    def _titles(self, table: dict[str, dict]) -> Counter:
        """How many indexed documents carry each stored title."""
        metas = (self.texts.meta(self._text_key(n, m["sha256"])) for n, m in table.items())
        return Counter(m["title"] for m in metas if m and m["title"])

    def _entry(self, name: str, meta: dict | None, titles: Counter | None = None) -> dict:
        """One row of the library: what a user sees of a document before opening it. A title
        other documents share, or a cover heading, shows as the file name (`shown_title`)."""
        info = self.texts.meta(self._text_key(name, meta["sha256"])) if meta else None
        if info is None:
            path = self.settings.documents_dir / name
            info = {
                "title": None,
                "format": format_of(name) or "txt",
                "pages": None,
                "bytes": path.stat().st_size if path.exists() else 0,
            }
        added = (meta or {}).get("added") or ""
        if added:
            try:
                stamp = time.strptime(added, "%Y-%m-%dT%H:%M:%SZ")
                added = time.strftime("%Y-%m-%d %H:%M", time.localtime(calendar.timegm(stamp)))
            except ValueError:
                pass
        return {
            "name": name,
            "title": shown_title(info["title"], name, (titles or Counter())[info["title"]] > 1),
            "format": info["format"],
            "pages": info["pages"],
            "bytes": info["bytes"],
            "passages": int(meta["chunks"]) if meta else 0,
            "added": added,
            "status": "indexed" if meta else "indexing",
            "origin": origin_of(self.settings.documents_dir, name),
        }

    def documents(self) -> list[dict]:
        """Every document: those indexed, then files of the folder still waiting to be indexed
        (status "indexing"), by name."""
        snap = self.store.current()
        table = snap.documents if snap else {}
        titles = self._titles(table)
        rows = {name: self._entry(name, meta, titles) for name, meta in table.items()}
        rows.update((name, self._entry(name, None)) for name in self.waiting_documents())
        return [rows[n] for n in sorted(rows)]

    def arriving_documents(self) -> list[str]:
        """Files stored or listed by this RAG that are not indexed yet (and did not fail to
        load), by name: `waiting_documents` without walking the folder, for every refusal."""
        snap = self.store.current()
        table = snap.documents if snap else {}
        folder = self.settings.documents_dir
        with self._arriving_lock:
            self._arriving = {
                n
                for n in self._arriving
                if n not in table and n not in self.load_errors and (folder / n).is_file()
            }
            return sorted(self._arriving)

    def waiting_documents(self) -> list[str]:
        """Files of the folder not indexed yet (an upload being indexed, a file just added),
        by name; files that failed to load are not waiting."""
        snap = self.store.current()
        table = snap.documents if snap else {}
        folder = self.settings.documents_dir
        if not folder.is_dir():
            return []
        names = (p.relative_to(folder).as_posix() for p in list_document_files(folder))
        return [n for n in names if n not in table and n not in self.load_errors]

    def document(self, name: str) -> dict:
        """One indexed document whole: its library row, the extracted text its citations
        point into, its passages' spans, and where its pages and sections start."""
        snap = self.store.current()
        if not isinstance(name, str) or snap is None or name not in snap.documents:
            raise DocumentNotFound(self._not_found(name))
        ex = self.layout(name)
        if ex is None:
            raise DocumentNotFound(f"{name}: its text is not stored yet; index it again")
        return {
            **self._entry(name, snap.documents[name], self._titles(snap.documents)),
            "text": ex.text,
            "passages": [
                {"chunk_id": c.chunk_id, "start": c.start, "end": c.end}
                for c in snap.doc_chunks(name)
            ],
            "sections": [list(x) for x in ex.sections],
            "page_starts": [list(x) for x in ex.pages],
        }

    def delete_document(self, name: str) -> dict:
        """Remove a document: its file is deleted and its passages leave the index before
        this returns (a restart does not bring it back)."""
        folder = self.settings.documents_dir.resolve()
        path = None
        if isinstance(name, str) and name.isprintable() and name.strip():
            # An alias of a document (./x.txt, sub/../x.txt) means that document: its real
            # name is what is deleted, reported and forgotten.
            path = (folder / name).resolve()
            if folder in path.parents:
                name = path.relative_to(folder).as_posix()
        snap = self.store.current()
        meta = snap.documents.get(name) if snap and path else None
        waiting = path is not None and path.is_file() and format_of(path.name) is not None
        if path is None or folder not in path.parents or (meta is None and not waiting):
            raise DocumentNotFound(self._not_found(name))
        entry = self._entry(name, meta)
        # Which version leaves: the indexed one, or the file's own if it is still waiting
        # (it may be in the batch being embedded right now).
        shas = {meta["sha256"]} if meta else set()
        with contextlib.suppress(OSError):
            shas.add(file_sha256(path.read_bytes()))
        path.unlink(missing_ok=True)
        forget_origin(folder, name)
        # Effective now, without the writer's lock or any disk space: the snapshot every
        # question and /document reads hides it; the next commit removes it from the index
        # (the background indexer is asked for one by the caller, or `refresh`).
        for sha in shas:
            self.store.forget(name, sha)
        # Its extracted text goes now, not at the next successful refresh: a delete must free
        # space on a full disk. Kept while another indexed document has the same bytes.
        shared = {m["sha256"] for n, m in (snap.documents if snap else {}).items() if n != name}
        for sha in shas - shared:
            self.texts.drop(self._text_key(name, sha))
        with self._arriving_lock:
            self._arriving.discard(name)
        return entry

    def _not_found(self, name) -> str:
        snap = self.store.current()
        known = sorted(snap.documents) if snap else []
        hint = f" (documents: {', '.join(known[:8])}{', …' if len(known) > 8 else ''})"
        return f"There is no document named {name!r}{hint if known else ''}."

    def check_documents(self, documents) -> list[str] | None:
        if documents is None:
            return None
        if isinstance(documents, str):
            documents = [documents]
        if not isinstance(documents, list | tuple) or not all(
            isinstance(d, str) for d in documents
        ):
            raise BadQuestion("documents must be a list of document names.")
        if not documents:
            return None
        snap = self.store.current()
        for d in documents:
            if snap is None or d not in snap.documents:
                raise DocumentNotFound(self._not_found(d))
        return list(documents)

    def store_files(self, files: list[tuple[str, bytes]], uploader: str | None = None):
        """Store uploads (checked, under a free name). Returns (stored, rejected).

        A file is acknowledged (in `stored`) only once it is safely on disk; indexing it can be
        interrupted and is redone from the folder at the next refresh.
        """
        stored: list[StoredUpload] = []
        rejected: dict[str, str] = {}
        for filename, data in files:
            try:
                stored.append(
                    store_upload(
                        self.settings.documents_dir,
                        filename,
                        data,
                        self.settings.max_upload_bytes,
                        uploader,
                        self.texts,
                    )
                )
            except (UploadRejected, DiskFull) as exc:
                rejected[filename] = str(exc)
        for s in stored:
            if s.status == "added":
                # A deleted document's name and bytes again: it is shown as it was.
                path = self.settings.documents_dir / s.name
                with contextlib.suppress(OSError):
                    self.store.deletions.discard(s.name, file_sha256(path.read_bytes()))
        with self._arriving_lock:
            self._arriving.update(s.name for s in stored)
        return stored, rejected

    def origins(self, citations: list[Citation]) -> dict[str, dict]:
        return {c.doc: origin_of(self.settings.documents_dir, c.doc) for c in citations}
