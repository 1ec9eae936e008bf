"""Accepting uploaded documents: checked, safely named, written atomically, deduplicated."""

from __future__ import annotations

import os
import re
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import Path

from .errors import IngestError, UploadRejected
from .ingest import SUFFIXES, decode_document, file_sha256, list_document_files


@dataclass(frozen=True)
class StoredUpload:
    original: str  # the name the user gave
    name: str  # the name it is stored under, relative to the documents folder
    status: str  # "added" or "duplicate" (same bytes as `name`, not stored again)


def safe_filename(name: str) -> str:
    """A user-supplied file name -> a plain name that stays inside the documents folder.

    >>> safe_filename("../../etc/passwd.txt")
    'passwd.txt'
    >>> safe_filename("my notes (v2)?.md")
    'my_notes_v2.md'
    >>> safe_filename("..txt")
    'upload.txt'
    """
    base = re.split(r"[\\/]", str(name))[-1]
    base = unicodedata.normalize("NFKC", base)
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = re.sub(r"[^\w\-]+", "_", stem, flags=re.ASCII).strip("._")[:100] or "upload"
    # No suffix: treat as text. Another suffix is kept so that the caller can refuse it.
    suffix = "." + suffix.lower() if suffix else ".txt"
    return f"{stem}{suffix}"


def store_upload(documents_dir: Path, filename: str, data: bytes, max_bytes: int) -> StoredUpload:
    """Check one upload and write it into `documents_dir`; UploadRejected says why not."""
    folder = Path(documents_dir)
    name = safe_filename(filename)
    if Path(name).suffix not in SUFFIXES:
        raise UploadRejected(f"{filename}: only .txt and .md files can be added")
    if len(data) > max_bytes:
        raise UploadRejected(f"{filename}: {len(data):,} bytes is over the limit of {max_bytes:,}")
    try:
        decode_document(filename, data)
    except IngestError as exc:
        raise UploadRejected(str(exc)) from None
    digest = file_sha256(data)
    folder.mkdir(parents=True, exist_ok=True)
    for path in list_document_files(folder):
        if path.stat().st_size == len(data) and file_sha256(path.read_bytes()) == digest:
            return StoredUpload(filename, path.relative_to(folder).as_posix(), "duplicate")
    target, n = folder / name, 1
    while target.exists():
        target = folder / f"{Path(name).stem}-{n}{Path(name).suffix}"
        n += 1
    # Hidden temp name: the folder scan skips dot-files, so a killed write is never indexed.
    tmp = folder / f".upload-{uuid.uuid4().hex}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, target)
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    return StoredUpload(filename, target.name, "added")
