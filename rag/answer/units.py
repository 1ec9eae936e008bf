"""The unit a table's figures are in, printed once under its heading ("(In millions, except
per share amounts)") and left out of every row: said beside a figure read from a row."""

from __future__ import annotations

import re

from rag.ingest.chunk import Chunk

# A statement's unit, printed once under its heading: "(In millions)", "($ in millions, except
# per share data)", "(dollars in millions)".
_UNIT = re.compile(r"\(([^()]{0,30}?)\bin (millions|thousands|billions)([^()]{0,120})\)", re.I)
_PER_SHARE = re.compile(r"\bper (common )?share\b|\bearnings per\b", re.I)
_UNIT_REACH = 8000  # characters before a row where its table's unit line may stand


def row_unit(row, chunks: list[Chunk]) -> str:
    """The unit a row's figures are in (a `rows.Row`) ("millions"), read from the nearest unit line before it
    in its document; "" when there is none or the row is excepted ("except per share amounts",
    "except percentages") and its label is a per-share or percentage row.

    >>> from rag.answer.rows import chunk_rows
    >>> text = "(In millions, except per share amounts)" + chr(10) + "Net sales — Q1: 7"
    >>> c = Chunk("a::0", "a", 0, len(text), text)
    >>> r = chunk_rows(c)[0]
    >>> row_unit(r, [c])
    'millions'
    >>> text = "(Dollars in millions)" + chr(10) + "Total gross margin percentage — Q1: 44.3%"
    >>> c = Chunk("a::0", "a", 0, len(text), text)
    >>> row_unit(chunk_rows(c)[0], [c])
    ''
    """
    at = row.chunk.start + row.start
    before = []
    for c in sorted(chunks, key=lambda c: c.start):
        if c.start >= at:
            break
        before.append((c.start, c.text[: max(0, at - c.start)]))
    # chunks overlap: stitch by offsets, keeping only the reach before the row
    text, end = "", at - _UNIT_REACH
    for start, t in before:
        if start + len(t) > end:
            text += t[max(0, end - start) :]
            end = start + len(t)
    found = list(_UNIT.finditer(text))
    if not found:
        return ""
    m = found[-1]
    except_ = m.group(3).lower()
    if _PER_SHARE.search(row.label) and "per share" in except_:
        return ""
    if "%" in row.label or ("percent" in row.label.lower() and "percent" in except_):
        return ""
    # figures printed with their own unit ("44.3%") are in no table's millions
    shown = [v for _, v, *_ in row.cells if any(ch.isdigit() for ch in v)]
    if shown and all(v.rstrip().endswith("%") for v in shown):
        return ""
    return m.group(2).lower()


def unit_notice(unit: str) -> str:
    """What is said beside figures read from a table: the table's unit, which the row leaves
    out ("81,797" is $81,797 million)."""
    return f"The table's figures are in {unit}." if unit else ""
