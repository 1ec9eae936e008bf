"""Read a folder of documents (.txt, .md, .pdf, .docx, .html) into their extracted text.

Extracted texts are kept beside the index, by the SHA-256 of the file's bytes (`TextStore`):
a citation's span can always be shown, and an unchanged PDF is never parsed twice.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from rag.errors import DISK_FULL, DiskFull, IngestError, is_disk_full
from rag.ingest.formats import (
    EXTRACTOR_VERSION,
    MAX_TEXT_CHARS,
    SUFFIXES,
    Extracted,
    extract,
    format_of,
)

log = logging.getLogger(__name__)

__all__ = [
    "SUFFIXES",
    "Document",
    "LoadResult",
    "TextStore",
    "file_sha256",
    "list_document_files",
    "load_documents",
    "read_document",
]


@dataclass(frozen=True)
class Document:
    name: str  # path relative to the documents folder, with "/" separators
    text: str  # the extracted text: every span of this document is an offset into it
    sha256: str  # of the file's bytes: the manifest compares these
    info: Extracted | None = field(default=None, compare=False, repr=False)


@dataclass
class LoadResult:
    documents: list[Document] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # document name -> why it was skipped


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class TextStore:
    """Extracted texts by (SHA-256 of the file, format), one JSON file each, written atomically.

    Kept beside the index so that every cited span can be shown whatever the original's format.
    """

    def __init__(self, folder: Path):
        self.dir = Path(folder)
        self._meta: dict[str, dict] = {}
        self._lock = threading.Lock()

    @staticmethod
    def key(sha256: str, fmt: str) -> str:
        # The extractor's version too: a newer extractor reads the file again.
        return f"{sha256}.{fmt}.v{EXTRACTOR_VERSION}"

    def _path(self, key: str) -> Path:
        return self.dir / f"{key}.json"

    def get(self, key: str) -> Extracted | None:
        try:
            return Extracted.from_dict(json.loads(self._path(key).read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, key: str, extracted: Extracted) -> None:
        # An upload's text: readable by the app's user only, as the upload itself is.
        self.dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(self.dir, 0o700)  # a folder an older version made 0755
        tmp = self.dir / f".{uuid.uuid4().hex}.tmp"
        data = json.dumps(extracted.to_dict(), ensure_ascii=False).encode("utf-8")
        try:
            with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as f:
                f.write(data)
            os.replace(tmp, self._path(key))
        finally:
            tmp.unlink(missing_ok=True)  # a failed write (a full disk) leaves no .tmp

    def meta(self, key: str) -> dict | None:
        """Title, format, pages and size of a stored text (cached: the library lists many)."""
        with self._lock:
            if key in self._meta:
                return self._meta[key]
        ex = self.get(key)
        if ex is None:
            return None
        meta = {
            "title": ex.title,
            "format": ex.format,
            "pages": ex.page_count,
            "bytes": ex.bytes,
        }
        with self._lock:
            self._meta[key] = meta
        return meta

    def drop(self, key: str) -> None:
        """Forget one stored text (a deleted document's: on a full disk it frees the space)."""
        self._path(key).unlink(missing_ok=True)
        with self._lock:
            self._meta.pop(key, None)

    def prune(self, keep: set[str]) -> int:
        """Delete stored texts no listed document has any more; returns how many."""
        if not self.dir.is_dir():
            return 0
        removed = 0
        for path in self.dir.glob("*.json"):
            if path.name[: -len(".json")] not in keep:
                path.unlink(missing_ok=True)
                removed += 1
        with self._lock:
            self._meta = {k: v for k, v in self._meta.items() if k in keep}
        return removed


def read_document(name: str, data: bytes, store: TextStore | None = None) -> Document:
    """One file's bytes -> a Document (extracted once per content, then read from `store`)."""
    digest = file_sha256(data)
    fmt = format_of(name) or "txt"
    key = TextStore.key(digest, fmt)
    extracted = store.get(key) if store is not None else None
    if extracted is not None and len(extracted.text) > MAX_TEXT_CHARS:
        extracted = None  # stored before texts were capped (a bomb's): read again, refused
    if extracted is None:
        extracted = extract(name, data)
        if store is not None:
            store.put(key, extracted)
    return Document(name, extracted.text, digest, extracted)


def list_document_files(folder: Path) -> list[Path]:
    folder = Path(folder)
    if not folder.is_dir():
        raise IngestError(f"documents folder {str(folder)!r} does not exist")
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and p.suffix.lower() in SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


def load_documents(folder: Path, store: TextStore | None = None) -> LoadResult:
    """Load every document under `folder`; a bad file is reported, the others still load."""
    folder = Path(folder)
    result = LoadResult()
    for path in list_document_files(folder):
        name = path.relative_to(folder).as_posix()
        try:
            result.documents.append(read_document(name, path.read_bytes(), store))
        except IngestError as exc:
            result.errors[name] = str(exc)
        except OSError as exc:
            if is_disk_full(exc):  # its extracted text could not be kept: stop, keep nothing
                raise DiskFull(f"indexing stopped: {DISK_FULL}") from None
            result.errors[name] = f"{name}: cannot be read ({exc.strerror})"
        except Exception as exc:  # noqa: BLE001 - one file's failure never ends the scan
            log.exception("reading %s", name)
            result.errors[name] = f"{name}: cannot be read ({type(exc).__name__})"
    return result


def seed_documents_dir(folder: Path, seeds: Path | None) -> bool:
    """Create `folder` holding copies of the documents in `seeds`, if `folder` does not exist
    (the starting collection; the seeds themselves are never written to). Returns whether it
    was created."""
    folder = Path(folder)
    if folder.exists() or seeds is None or not Path(seeds).is_dir():
        return False
    tmp = folder.with_name(f".{folder.name}.{uuid.uuid4().hex[:8]}")
    tmp.mkdir(parents=True)
    for path in list_document_files(Path(seeds)):
        target = tmp / path.relative_to(seeds)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    try:
        os.rename(tmp, folder)  # whole or not at all; another process may have won the race
    except OSError:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
        return False
    return True
