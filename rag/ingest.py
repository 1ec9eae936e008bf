"""Read a folder of .txt/.md documents verbatim (only line endings normalised)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import IngestError

SUFFIXES = (".txt", ".md")


@dataclass(frozen=True)
class Document:
    name: str  # path relative to the documents folder, with "/" separators
    text: str
    sha256: str  # of the file's bytes: the manifest compares these


@dataclass
class LoadResult:
    documents: list[Document] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # document name -> why it was skipped


def decode_document(name: str, data: bytes) -> str:
    """Bytes of a document -> its text, or IngestError naming the file.

    >>> decode_document("a.txt", b"one\\r\\ntwo\\r")
    'one\\ntwo\\n'
    >>> decode_document("b.txt", "Harbin".encode("utf-16"))
    'Harbin'
    """
    if not data.strip():
        raise IngestError(f"{name}: the file is empty")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16 with its byte-order mark
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise IngestError(f"{name}: is not valid UTF-16 text; save it as UTF-8") from None
        if any(ord(c) < 32 and c not in "\n\r\t\f" for c in text):
            raise IngestError(f"{name}: looks like a binary file, not text")
        return text.replace("\r\n", "\n").replace("\r", "\n")
    if b"\x00" in data:
        raise IngestError(f"{name}: looks like a binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError(
            f"{name} is not UTF-8 text (the first bad byte is at position {exc.start}); "
            "save it as UTF-8"
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def list_document_files(folder: Path) -> list[Path]:
    folder = Path(folder)
    if not folder.is_dir():
        raise IngestError(f"documents folder {str(folder)!r} does not exist")
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith(".")
    )


def load_documents(folder: Path) -> LoadResult:
    """Load every .txt/.md file under `folder`; a bad file is reported, the others still load."""
    folder = Path(folder)
    result = LoadResult()
    for path in list_document_files(folder):
        name = path.relative_to(folder).as_posix()
        try:
            data = path.read_bytes()
            result.documents.append(Document(name, decode_document(name, data), file_sha256(data)))
        except IngestError as exc:
            result.errors[name] = str(exc)
        except OSError as exc:
            result.errors[name] = f"{name}: cannot be read ({exc.strerror})"
    return result
