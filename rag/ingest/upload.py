"""Accepting uploaded documents: checked, safely named, written atomically, deduplicated."""

from __future__ import annotations

import json
import os
import re
import time
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import Path

from rag.errors import DISK_FULL, DiskFull, IngestError, UploadRejected, is_disk_full
from rag.ingest.documents import SUFFIXES, TextStore, file_sha256, list_document_files
from rag.ingest.formats import extract


@dataclass(frozen=True)
class StoredUpload:
    original: str  # the name the user gave
    name: str  # the name it is stored under, relative to the documents folder
    status: str  # "added" or "duplicate" (same bytes as `name`, not stored again)


def human_bytes(n: int) -> str:
    """A size in words.

    >>> human_bytes(640), human_bytes(1600), human_bytes(20_000_000)
    ('640 bytes', '1.6 kB', '20.0 MB')
    """
    if n < 1000:
        return f"{n} bytes"
    if n < 1_000_000:
        return f"{n / 1e3:.1f} kB"
    return f"{n / 1e6:.1f} MB"


def check_size(shown: str, size: int, max_bytes: int) -> None:
    """Refuse a file over the size limit (the app checks before it reads the file).

    >>> check_size("a.pdf", 2_000_000, 1_000_000)
    Traceback (most recent call last):
    rag.errors.UploadRejected: a.pdf is 2.0 MB, over this server's limit of 1.0 MB
    """
    if size > max_bytes:
        raise UploadRejected(
            f"{shown} is {human_bytes(size)}, over this server's limit of {human_bytes(max_bytes)}"
        )


# Path separators and characters no file name should hold (C0/C1 controls, NUL, the bidi
# controls that make "txt.exe" read "exe.txt"): the rest,
# letters of any script, emoji and punctuation, is the user's name for the file and is kept.
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069/\\]+")
_NAME_BYTES = 200  # of 255 a name may have on most filesystems: room for "-N" and a suffix


def safe_filename(name: str) -> str:
    """A user-supplied file name -> a name that stays inside the documents folder, letters kept.

    >>> safe_filename("../../etc/passwd.txt")
    'passwd.txt'
    >>> safe_filename("my notes (v2)?.md")
    'my notes (v2)?.md'
    >>> safe_filename("été.TXT"), safe_filename("تقرير.md"), safe_filename("📄 notes.txt")
    ('été.txt', 'تقرير.md', '📄 notes.txt')
    >>> safe_filename("..txt"), safe_filename(".hidden.md"), safe_filename("a\\x00b\\nc.txt")
    ('upload.txt', 'hidden.md', 'a_b_c.txt')
    """
    base = re.split(r"[\\/]", str(name))[-1]
    base = unicodedata.normalize("NFC", base)
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    # A leading dot would hide the file from the folder scan.
    stem = _UNSAFE_NAME.sub("_", stem).strip().lstrip(".").strip()
    while len(stem.encode("utf-8", "surrogatepass")) > _NAME_BYTES:
        stem = stem[:-1]
    try:
        os.fsencode(stem)  # a filesystem encoding that cannot hold the letters: plain ASCII
    except UnicodeError:
        stem = re.sub(r"[^\w\-]+", "_", stem, flags=re.ASCII).strip("._")
    stem = stem or "upload"
    suffix = _UNSAFE_NAME.sub("", suffix).strip()
    # No suffix: treat as text. Another suffix is kept so that the caller can refuse it.
    suffix = "." + suffix.lower()[:20] if suffix else ".txt"
    return f"{stem}{suffix}"


def _claim(folder: Path, name: str, tmp: Path) -> Path:
    """Give the written file `tmp` the first free name of name, name-1, name-2, ... atomically.

    A hard link fails if the name exists, so two uploads of the same name at the same moment
    each get their own file; nothing is ever replaced.
    """
    stem, suffix = Path(name).stem, Path(name).suffix
    for n in range(10_000):
        target = folder / (name if n == 0 else f"{stem}-{n}{suffix}")
        try:
            os.link(tmp, target)
            return target
        except FileExistsError:
            continue
    raise UploadRejected(f"{name}: too many files of this name")


META_DIR = ".origin"  # beside the documents: who added each uploaded file, and when


def origin_of(documents_dir: Path, name: str) -> dict:
    """Where a document came from: {"origin": "uploaded", "by", "at"} or {"origin": "folder"}.

    >>> origin_of(Path("/nonexistent"), "a.txt")
    {'origin': 'folder'}
    """
    try:
        return json.loads((Path(documents_dir) / META_DIR / f"{name}.json").read_text())
    except (OSError, ValueError):
        return {"origin": "folder"}


def forget_origin(documents_dir: Path, name: str) -> None:
    """Drop a removed document's origin record."""
    (Path(documents_dir) / META_DIR / f"{name}.json").unlink(missing_ok=True)


def _record_origin(folder: Path, name: str, uploader: str | None) -> None:
    meta = folder / META_DIR
    meta.mkdir(exist_ok=True)
    record = {
        "origin": "uploaded",
        "by": uploader or "",
        "at": time.strftime("%Y-%m-%d %H:%M", time.localtime()),
    }
    tmp = meta / f".{uuid.uuid4().hex}"
    try:
        tmp.write_text(json.dumps(record))
        os.replace(tmp, meta / f"{name}.json")
    finally:
        tmp.unlink(missing_ok=True)


def store_upload(
    documents_dir: Path,
    filename: str,
    data: bytes,
    max_bytes: int,
    uploader: str | None = None,
    texts: TextStore | None = None,
) -> StoredUpload:
    """Check one upload and write it into `documents_dir`; UploadRejected says why not.

    The text is extracted now, so a file that cannot be read is refused with its reason at
    once (and, with `texts`, indexing later reuses the extraction)."""
    folder = Path(documents_dir)
    name = safe_filename(filename)
    shown = re.split(r"[\\/]", str(filename))[-1]
    if Path(name).suffix not in SUFFIXES:
        raise UploadRejected(
            f"{shown}: this kind of file cannot be added; add .txt, .md, .pdf, .docx or .html files"
        )
    check_size(shown, len(data), max_bytes)
    try:
        # The text may not be longer than the file may be: a small compressed file cannot
        # store more than the largest upload.
        extracted = extract(shown, data, max_chars=max_bytes)
    except IngestError as exc:
        raise UploadRejected(str(exc)) from None
    digest = file_sha256(data)
    if texts is not None:
        try:
            texts.put(TextStore.key(digest, extracted.format), extracted)
        except OSError as exc:
            if is_disk_full(exc):
                raise DiskFull(f"{shown} was not added: {DISK_FULL}") from None
            raise
    folder.mkdir(parents=True, exist_ok=True)
    for path in list_document_files(folder):
        try:
            if path.stat().st_size == len(data) and file_sha256(path.read_bytes()) == digest:
                return StoredUpload(filename, path.relative_to(folder).as_posix(), "duplicate")
        except OSError:
            continue  # deleted since the listing (a delete racing this upload): not a duplicate
    # Hidden temp name: the folder scan skips dot-files, so a killed write is never indexed.
    tmp = folder / f".upload-{uuid.uuid4().hex}"
    target = None
    try:
        # 0600: documents may be private; only the app's own user reads them.
        with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        target = _claim(folder, name, tmp)
        _record_origin(folder, target.name, uploader)
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError as exc:
        # Nothing half-written stays: not the temporary, not a file claimed without its record.
        if target is not None:
            target.unlink(missing_ok=True)
            forget_origin(folder, target.name)
        if is_disk_full(exc):
            raise DiskFull(f"{shown} was not added: {DISK_FULL}") from None
        raise
    finally:
        tmp.unlink(missing_ok=True)
    return StoredUpload(filename, target.name, "added")


def remove_stale_temporaries(documents_dir: Path, older_than_s: float = 600.0) -> list[str]:
    """Delete `.upload-*` files a killed upload left behind (old enough that no live upload
    is still writing them). Returns their names."""
    folder = Path(documents_dir)
    if not folder.is_dir():
        return []
    removed = []
    for tmp in folder.glob(".upload-*"):
        try:
            if time.time() - tmp.stat().st_mtime > older_than_s:
                tmp.unlink()
                removed.append(tmp.name)
        except OSError:
            continue
    return removed
