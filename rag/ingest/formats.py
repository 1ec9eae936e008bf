"""Documents in the formats people have -> the text citations point into, and where it was.

One parser per format, each a maintained library that runs offline: PDFium (PDF), python-docx
(DOCX), BeautifulSoup with the standard library's HTML parser (HTML), markdown-it-py
(Markdown). Plain text is read verbatim. Whatever the format, the result is one `Extracted`:
the text (every citation's span is an offset into it), the page each stretch of text came from
(PDF) and the heading path it sits under (DOCX, HTML, Markdown).
"""

from __future__ import annotations

import atexit
import bisect
import contextvars
import logging
import os
import pickle
import re
import select
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from rag.errors import IngestError

log = logging.getLogger(__name__)

SECTION_SEP = " › "
# Bumped when extraction changes the text of a document: indexes built before are rebuilt.
EXTRACTOR_VERSION = 33

# Formats by file suffix.
FORMATS = {
    ".txt": "txt",
    ".md": "md",
    ".markdown": "md",
    ".pdf": "pdf",
    ".docx": "docx",
    ".html": "html",
    ".htm": "html",
}
SUFFIXES = tuple(FORMATS)
_FORMAT_WORDS = {
    "txt": "text",
    "md": "Markdown",
    "pdf": "a PDF",
    "docx": "a Word (.docx) document",
    "html": "HTML",
}

# The budget every file is read under (issue 26). A file over any of them is refused, with the
# limit it broke, before it can take the memory or the time of everyone else's questions.
# Characters of extracted text: the default per-file upload limit (Settings.max_upload_bytes),
# so a small compressed file cannot store more text than the largest upload may.
MAX_TEXT_CHARS = 10 * 1024 * 1024
# A DOCX is a zip: its parts' sizes and compression ratios are checked before anything is
# unpacked. Real Word files have parts of a few MB that compress 5-20:1; bombs unpack to
# hundreds of MB at 300-1000:1.
MAX_PART_BYTES = 50 * 1024 * 1024
MAX_PACKAGE_BYTES = 200 * 1024 * 1024
MAX_RATIO = 100  # for parts over 1 MiB: small parts of any ratio are harmless
MAX_PARTS = 10_000
# HTML and Markdown are parsed into trees several times their size.
MAX_MARKUP_BYTES = 64 * 1024 * 1024
# Every format but plain text is parsed in a worker process under these limits, so that a
# parser that runs away (memory, time, recursion, a crash in C) costs only that file.
EXTRACT_SECONDS = 300.0
EXTRACT_MEMORY_BYTES = 2 * 1024 * 1024 * 1024
EXTRACT_WORKERS = 2
ISOLATE = True  # False: parse in this process (no memory or time limit; for debugging)

_max_chars: contextvars.ContextVar[int] = contextvars.ContextVar(
    "max_chars", default=MAX_TEXT_CHARS
)


class _TooLong(Exception):
    """Raised by a builder the moment its text passes the character limit."""


class _OutOfMemory(IngestError):
    pass


@dataclass(frozen=True)
class Extracted:
    text: str
    format: str
    title: str | None = None
    page_count: int | None = None  # PDFs
    # (offset where a page starts, page number from 1): PDFs only.
    pages: tuple[tuple[int, int], ...] = ()
    # (offset where a heading starts, its path "Part › Chapter"): the section runs to the next.
    sections: tuple[tuple[int, str], ...] = ()
    bytes: int = 0
    _page_starts: list[int] = field(default_factory=list, compare=False, repr=False)
    _section_starts: list[int] = field(default_factory=list, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._page_starts.extend(a for a, _ in self.pages)
        self._section_starts.extend(a for a, _ in self.sections)

    def page_at(self, offset: int) -> int | None:
        """The page holding character `offset` (None when the format has no pages)."""
        i = bisect.bisect_right(self._page_starts, offset) - 1
        return self.pages[i][1] if i >= 0 else None

    def section_at(self, offset: int) -> str | None:
        """The heading path over character `offset` (None before the first heading)."""
        i = bisect.bisect_right(self._section_starts, offset) - 1
        return self.sections[i][1] if i >= 0 else None

    def to_dict(self) -> dict:
        return {
            "text": self.text,
            "format": self.format,
            "title": self.title,
            "page_count": self.page_count,
            "pages": [list(p) for p in self.pages],
            "sections": [list(s) for s in self.sections],
            "bytes": self.bytes,
        }

    @classmethod
    def from_dict(cls, d: dict) -> Extracted:
        return cls(
            d["text"],
            d["format"],
            d.get("title"),
            d.get("page_count"),
            tuple((int(a), int(p)) for a, p in d.get("pages", ())),
            tuple((int(a), str(s)) for a, s in d.get("sections", ())),
            int(d.get("bytes", 0)),
        )


def format_of(name: str) -> str | None:
    """The format a file name's suffix names, or None if it is not one we read.

    >>> format_of("Report.PDF"), format_of("notes.md"), format_of("a.xlsx")
    ('pdf', 'md', None)
    """
    dot = name.rfind(".")
    return FORMATS.get(name[dot:].lower()) if dot >= 0 else None


def extract(
    name: str,
    data: bytes,
    *,
    max_chars: int | None = None,
    timeout: float | None = None,
) -> Extracted:
    """A document's bytes -> its Extracted text; IngestError says in plain words why not.

    Whatever goes wrong inside a parser (a damaged file, a bomb, deep nesting, a timeout, no
    memory) is an IngestError naming the file: one file's failure never ends a scan or an
    upload of others. `max_chars` caps the extracted text (default MAX_TEXT_CHARS), `timeout`
    the seconds it may take (default EXTRACT_SECONDS).
    """
    fmt = format_of(name)
    if fmt is None:
        raise IngestError(
            f"{name}: this kind of file cannot be read; add .txt, .md, .pdf, .docx or .html files"
        )
    if not data.strip():
        raise IngestError(f"{name}: the file is empty")
    limit = MAX_TEXT_CHARS if max_chars is None else max_chars
    _sniff(name, fmt, data)
    if ISOLATE and fmt != "txt":
        out = _WORKERS.run(name, fmt, data, limit, EXTRACT_SECONDS if timeout is None else timeout)
    else:
        out = _extract_here(name, fmt, data, limit)
    if not out.text.strip():
        raise IngestError(f"{name}: no text could be read from it")
    return Extracted(
        out.text,
        fmt,
        out.title or guess_title(out.text),
        out.page_count,
        out.pages,
        out.sections,
        len(data),
    )


def _extract_here(name: str, fmt: str, data: bytes, max_chars: int) -> Extracted:
    """Run the format's extractor in this process; every failure becomes an IngestError."""
    # Text and Markdown read about as long as they are: 4 bytes a character at most in UTF-8.
    if fmt in ("txt", "md") and len(data) > 4 * max_chars:
        raise IngestError(_too_long(name, max_chars))
    if fmt in ("html", "md") and len(data) > MAX_MARKUP_BYTES:
        raise IngestError(
            f"{name} is {_size(len(data))}, over the limit of {_size(MAX_MARKUP_BYTES)} "
            f"for {_FORMAT_WORDS[fmt]} files"
        )
    token = _max_chars.set(max_chars)
    try:
        from rag.ingest.parsers import EXTRACTORS

        out = EXTRACTORS[fmt](name, data)
    except IngestError:
        raise
    except _TooLong:
        out = None
    except MemoryError:
        raise _OutOfMemory(_no_memory(name)) from None
    except Exception as exc:  # noqa: BLE001 - any parser failure is one plain refusal
        log.info("%s: %s: %s", name, type(exc).__name__, exc)
        raise IngestError(
            f"{name} could not be read as {_FORMAT_WORDS[fmt]}; it may be damaged"
        ) from None
    finally:
        _max_chars.reset(token)
    if out is None or len(out.text) > max_chars:
        raise IngestError(_too_long(name, max_chars))
    return out


def _too_long(name: str, max_chars: int) -> str:
    return (
        f"{name} holds more than {max_chars:,} characters of text, over this server's limit "
        "for one file; split it into smaller files"
    )


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB" if n >= 1024 * 1024 else f"{n:,} bytes"


def _no_memory(name: str) -> str:
    return (
        f"{name} needs more than {_size(EXTRACT_MEMORY_BYTES)} of memory to read, over this "
        "server's limit for one file"
    )


# Control characters no text format holds (tab, newlines and form feed aside).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _sniff(name: str, fmt: str, data: bytes) -> None:
    """Refuse bytes that are not the format their name says, before a parser makes garbage
    text of them. A look at the first MiB: cheap, and enough for random or binary data."""
    if fmt == "docx":
        if not data.startswith(b"PK\x03\x04"):
            raise IngestError(
                f"{name} could not be opened as a Word (.docx) document; it is not a .docx file"
            )
    elif fmt == "html":
        head = data[: 1 << 20]
        if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
            text = head.decode("utf-16", "replace")
        else:
            text = head.decode("utf-8", "replace")
        # Pages in other encodings than UTF-8 are real (Shift-JIS, GBK, Windows-1252: bs4
        # detects them), so bytes that are not UTF-8 say nothing; but no text encoding but
        # UTF-16 (its BOM handled above) uses control characters, and random bytes are 11% them.
        if len(_CONTROL.findall(text)) > 0.01 * len(text):
            raise IngestError(f"{name} is not an HTML file: it holds binary data")


# ---- isolation: parsing in worker processes under a memory and time limit -------------------

# The worker imports this module without its package's __init__ (which loads the models):
# its parent packages are bare namespaces.
_BOOT = """
import importlib, sys, types
from pathlib import Path
module, root, memory = sys.argv[1], sys.argv[2], int(sys.argv[3])
parts = module.split(".")
for i in range(1, len(parts)):
    pkg = types.ModuleType(".".join(parts[:i]))
    pkg.__path__ = [str(Path(root, *parts[:i]))]
    sys.modules[pkg.__name__] = pkg
importlib.import_module(module)._serve(memory)
"""


def _serve(memory: int) -> None:
    """The worker's loop: read (name, format, bytes, max chars, seconds), reply with the
    Extracted or a refusal. Runs under RLIMIT_AS, so a bomb meets MemoryError here."""
    import resource

    global EXTRACT_MEMORY_BYTES
    EXTRACT_MEMORY_BYTES = memory
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    requests = sys.stdin.buffer
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # whatever a parser prints must not mix with the replies
    while True:
        header = requests.read(8)
        if len(header) < 8:
            return  # the app closed the pipe (or died): nothing more to do
        name, body = "the file", b""
        try:
            (n,) = struct.unpack("<Q", header)
            name, fmt, data, max_chars, seconds = pickle.loads(requests.read(n))
            # Were the app to die mid-file, the CPU limit still ends this process.
            used = sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
            cpu = int(used + seconds) + 10
            resource.setrlimit(resource.RLIMIT_CPU, (cpu, resource.RLIM_INFINITY))
            reply = ("ok", _extract_here(name, fmt, data, max_chars))
            data = None
            body = pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL)
        except (_OutOfMemory, MemoryError):
            reply = ("memory", _no_memory(name))
        except IngestError as exc:
            reply = ("refused", str(exc))
        except BaseException as exc:  # noqa: BLE001 - reported to the app, which refuses the file
            reply = ("refused", f"{name} could not be read ({type(exc).__name__})")
        # Out of the handler: the failed parse's memory (held by its traceback) is free again.
        data = None
        if not body:
            body = pickle.dumps(reply)
        replies.write(struct.pack("<Q", len(body)))
        replies.write(body)
        replies.flush()


class _Stopped(Exception):
    pass


class _Worker:
    def __init__(self, memory: int):
        parts = __name__.split(".")
        root = Path(__file__).resolve().parents[len(parts) - 1]
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _BOOT, __name__, str(root), str(memory)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            bufsize=0,
            close_fds=True,
        )

    def call(self, request: tuple, seconds: float) -> tuple:
        deadline = time.monotonic() + seconds
        body = pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            self._write(struct.pack("<Q", len(body)))
            self._write(body)
        except (BrokenPipeError, OSError):
            raise _Stopped from None
        (n,) = struct.unpack("<Q", self._read(8, deadline))
        return pickle.loads(self._read(n, deadline))

    def _write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[self.proc.stdin.write(view) :]

    def _read(self, n: int, deadline: float) -> bytes:
        fd = self.proc.stdout.fileno()
        chunks, got = [], 0
        while got < n:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise TimeoutError
            chunk = os.read(fd, min(n - got, 1 << 20))
            if not chunk:
                raise _Stopped
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)

    def close(self, kill: bool = False) -> None:
        try:
            if kill:
                self.proc.kill()
            self.proc.stdin.close()
            self.proc.wait(timeout=None if kill else 5)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
        self.proc.stdout.close()


class _Workers:
    """Up to EXTRACT_WORKERS long-lived workers (starting one costs ~0.3 s, a file sent to a
    running one ~1 ms); a worker that ran out of time or memory is replaced."""

    def __init__(self) -> None:
        self.idle: list[_Worker] = []
        self.busy = 0
        self.cond = threading.Condition()
        self.pid = os.getpid()

    def run(self, name: str, fmt: str, data: bytes, max_chars: int, seconds: float):
        if self.pid != os.getpid():  # a forked copy: the parent's workers are the parent's
            self.__init__()
        with self.cond:
            while not self.idle and self.busy >= EXTRACT_WORKERS:
                self.cond.wait()
            worker = self.idle.pop() if self.idle else None
            self.busy += 1
        if worker is not None and worker.proc.poll() is not None:
            worker.close()  # ended while idle (killed from outside): start another
            worker = None
        keep = False
        try:
            if worker is None:
                try:
                    worker = _Worker(EXTRACT_MEMORY_BYTES)
                except OSError as exc:  # no interpreter to start: parse here, unlimited
                    log.warning("extraction worker not started (%s); parsing in-process", exc)
                    return _extract_here(name, fmt, data, max_chars)
            try:
                status, value = worker.call((name, fmt, data, max_chars, seconds), seconds)
            except TimeoutError:
                raise IngestError(
                    f"{name} took longer than {seconds:g} s to read and was stopped; "
                    "it may be damaged or too large"
                ) from None
            except _Stopped:
                try:
                    code = worker.proc.wait(timeout=1)
                except subprocess.TimeoutExpired:
                    code = None
                log.warning("extraction worker stopped (exit %s) on %s", code, name)
                raise IngestError(
                    f"{name} could not be read: its reader stopped (it may be damaged, or "
                    "need more memory or time than one file may use)"
                ) from None
            # A process that ran out of memory is not trusted with another file.
            keep = status != "memory"
            if status == "ok":
                return value
            raise IngestError(value)
        finally:
            with self.cond:
                self.busy -= 1
                if worker is not None:
                    if keep:
                        self.idle.append(worker)
                    else:
                        worker.close(kill=True)
                self.cond.notify()

    def stop(self) -> None:
        with self.cond:
            idle, self.idle = self.idle, []
        for worker in idle:
            worker.close()


_WORKERS = _Workers()
atexit.register(_WORKERS.stop)


def stop_workers() -> None:
    """End the idle extraction workers (they are started again when needed)."""
    _WORKERS.stop()


# ---- plain text ----------------------------------------------------------------------------


def decode_text(name: str, data: bytes) -> str:
    """Bytes of a text file -> its text, or IngestError in plain words.

    >>> decode_text("a.txt", b"one\\r\\ntwo\\r")
    'one\\ntwo\\n'
    >>> decode_text("b.txt", "Harbin".encode("utf-16"))
    'Harbin'
    >>> decode_text("latin1.txt", "café".encode("latin-1"))
    Traceback (most recent call last):
    rag.errors.IngestError: latin1.txt is not UTF-8 text; save it as UTF-8
    """
    if not data.strip():
        raise IngestError(f"{name}: the file is empty")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16 with its byte-order mark
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise IngestError(f"{name} is not valid UTF-16 text; save it as UTF-8") from None
        if any(ord(c) < 32 and c not in "\n\r\t\f" for c in text):
            raise IngestError(f"{name} looks like a binary file, not text")
        return text.replace("\r\n", "\n").replace("\r", "\n")
    if b"\x00" in data:
        raise IngestError(f"{name} looks like a binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise IngestError(f"{name} is not UTF-8 text; save it as UTF-8") from None
    if len(_CONTROL.findall(text, 0, 1 << 20)) > 0.01 * min(len(text), 1 << 20):
        raise IngestError(f"{name} looks like a binary file, not text")
    return text.replace("\r\n", "\n").replace("\r", "\n")


# Footnote marks (<sup>1</sup>, ¹) and Markdown/HTML markup are not part of a title.
_MD_NOISE = re.compile(r"<sup>.*?</sup>|<[^>]+>|[*_`#>]+|[\u00b9\u00b2\u00b3\u2070-\u209f]+")
# A memo or e-mail opens with header fields: the subject names it, the addresses do not.
_HEADER_FIELD = re.compile(r"(?i)(to|from|date|cc|bcc|sent|attn)\s*:")
_SUBJECT = re.compile(r"(?i)(?:subject|re)\s*:\s*(.+)")


def guess_title(text: str) -> str | None:
    """A title read from the text: its first line of at least three words, markup removed.

    >>> guess_title("Posted on\\n\\n# *A New Model for Regional Cooperation*<sup>1</sup>\\n...")
    'A New Model for Regional Cooperation'
    >>> guess_title("Some Observations on Inter-regional Cooperation¹")
    'Some Observations on Inter-regional Cooperation'
    >>> guess_title("The Amur festival is held every August 12. Its programme is at example.org and free.")
    'The Amur festival is held every August 12'
    >>> guess_title("x\\n") is None
    True
    >>> guess_title("MEMORANDUM\\nTo: Amur Shipping Council\\nFrom: Pavel Orlov\\nSubject: Spring dredging")
    'Spring dredging'
    """
    for line in text.splitlines()[:40]:
        clean = " ".join(_MD_NOISE.sub("", line).split()).strip(" .:-|")
        subject = _SUBJECT.match(clean)
        if subject:
            return subject.group(1)
        if _HEADER_FIELD.match(clean):
            continue
        if len(clean.split()) >= 3:
            # A first line that is a whole paragraph: its first sentence names it best.
            first = re.match(r".{20,100}?[.!?](?=\s+[A-Z])", clean)
            if len(clean) > 80 and first:
                return first.group(0).rstrip(".")
            return clean if len(clean) <= 120 else clean[:117].rsplit(" ", 1)[0] + "…"
    return None


# ---- structured text: blocks and headings -> text, sections ---------------------------------


class _Builder:
    """Text made of blocks separated by blank lines; headings open sections."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.path: list[tuple[int, str]] = []  # (level, heading) from the top
        self.sections: list[tuple[int, str]] = []
        self.title: str | None = None
        self.limit = _max_chars.get()

    def block(self, text: str) -> int:
        text = text.strip("\n")
        if not text.strip():
            return -1
        if self.length + len(text) > self.limit:
            raise _TooLong
        if self.parts:
            self.parts.append("\n\n")
            self.length += 2
        start = self.length
        self.parts.append(text)
        self.length += len(text)
        return start

    def heading(self, level: int, text: str) -> None:
        text = " ".join(text.split())
        start = self.block(text)
        if start < 0:
            return
        if self.title is None and level <= 1:
            self.title = text
        if level == 0:  # the document's title (DOCX "Title" style): a name, not a section
            return
        while self.path and self.path[-1][0] >= level:
            self.path.pop()
        self.path.append((level, text))
        self.sections.append((start, SECTION_SEP.join(h for _, h in self.path)))

    def done(self, fmt: str) -> Extracted:
        return Extracted("".join(self.parts), fmt, self.title, sections=tuple(self.sections))
