"""Table rows as the extractor writes them, one a line: `label — header: value; header: value`
(`rag.ingest.pdf_tables`). `parse_row` reads one line, `chunk_rows` a passage's (remembered),
`document_rows` a document's once."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from rag.ingest.chunk import Chunk

# A row line: its label, " — ", then cells "header: value" (or bare values) split by "; ".
_VALUE = re.compile(
    r"[$€£]?\(?[$€£]?[-−+]?(?:\d[\d,]*(?:\.\d+)?|\.\d+)\)?%?\)?(?:[¹²³⁴⁵⁶⁷⁸⁹*]|pts?|ppts?|bps|x)?"
    r"|[—–-]+|n/?a|N/?A|NM|nm"
)
_SEP = " — "


@dataclass(frozen=True)
class Row:
    """One table row of a passage: `chunk.text[start:end]` is the whole row line."""

    chunk: Chunk
    start: int
    end: int
    label: str
    cells: tuple[tuple[str, str, int, int], ...]  # (header, value, value start, value end)

    @property
    def where(self) -> tuple[str, int]:
        return self.chunk.doc, self.chunk.start + self.end


def parse_row(line: str) -> tuple[str, list[tuple[str, str, int, int]]] | None:
    """A row line's label and cells (header, value, value's offsets in the line), or None
    when the line is not a table row.

    >>> parse_row("Research and development — Q1 2023: $7,709; Q1 2022: $6,306")
    ('Research and development', [('Q1 2023', '$7,709', 36, 42), ('Q1 2022', '$6,306', 53, 59)])
    >>> parse_row("1.000% Notes due 2022 — The Nasdaq Stock Market LLC") is None
    True
    """
    at = line.find(_SEP)
    if at <= 0:
        return None
    label = line[:at].strip()
    pos = at + len(_SEP)
    cells = []
    for part in line[pos:].split("; "):
        head, _, value = part.rpartition(": ")
        v0 = pos + (len(head) + 2 if head else 0)
        if not _VALUE.fullmatch(value.replace(" ", "")):
            return None
        cells.append((head.strip(), value, v0, v0 + len(value)))
        pos += len(part) + 2
    if not any(any(ch.isdigit() for ch in v) for _, v, _, _ in cells):
        return None
    if not any(ch.isalpha() for ch in label):
        return None
    if len(cells) == 1 and not cells[0][0] and cells[0][1].isdigit():
        return None  # "Statements of Cash Flows — 3": a table of contents' page number
    return label, cells


_ROWS: dict[tuple[str, int, int, int], tuple[Row, ...]] = {}
_ROWS_LOCK = threading.Lock()


def chunk_rows(chunk: Chunk) -> tuple[Row, ...]:
    """The table rows of a passage (remembered: the same passages are read question after
    question)."""
    # the text too: a document replaced under its name keeps its passages' ids and offsets
    key = (chunk.chunk_id, chunk.start, chunk.end, hash(chunk.text))
    with _ROWS_LOCK:
        found = _ROWS.get(key)
    if found is not None:
        return found
    rows = []
    text = chunk.text
    if _SEP in text:
        pos = 0
        for line in text.split("\n"):
            parsed = parse_row(line) if _SEP in line else None
            if parsed:
                label, cells = parsed
                rows.append(Row(chunk, pos, pos + len(line), label, tuple(cells)))
            pos += len(line) + 1
    found = tuple(rows)
    with _ROWS_LOCK:
        if len(_ROWS) > 200_000:
            _ROWS.clear()
        _ROWS[key] = found
    return found


def document_rows(chunks: list[Chunk]) -> list[Row]:
    """Every table row of a document's passages, once (passages overlap: a row in two keeps
    its first whole copy)."""
    out: dict[tuple[str, int], Row] = {}
    for c in chunks:
        for r in chunk_rows(c):
            out.setdefault(r.where, r)
    return list(out.values())
