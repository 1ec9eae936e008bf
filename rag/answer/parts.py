"""The parts of a total ("Break down Apple's total operating expenses in Q3 2023."): the rows a
statement prints above its total and sums into it, each at the period asked, then the total.

Asked with no division ("by segment" is `row_lists.breakdown`), "break down" had been read as
a fact and refused: no row or sentence holds the words "break down". A statement prints a
total under its parts ("Operating expenses: Research and development", "...: Selling, general
and administrative", "Total operating expenses"), so the parts are the rows just above the
total's, in its table, back to the row before them that is no part: another total, or a row
outside the total's own heading ("Gross margin" above "Operating expenses: ...").
"""

from __future__ import annotations

import re

from rag.answer.base import Outcome
from rag.answer.forms import BREAKDOWN
from rag.answer.row_lists import TABLE_GAP
from rag.answer.rows import Row, document_rows
from rag.answer.tables import cell_support, choose_documents, lookup

# "Break down X", "Break X down", "Can you break down X?", "the breakdown of X"
BREAK_DOWN = re.compile(
    r"(?i)^\s*(?:(?:please|can you|could you|would you)\s+)?break\s+(?:down\s+(?P<a>[^?.!]+)|"
    r"(?P<b>[^?.!]+?)\s+down\b)|\b(?:what (?:is|was) the )?breakdown of (?P<c>[^?.!]+)"
)
_TOTAL = re.compile(r"(?i)^(?:[^:]+:\s*)?total\b")
# the parts a total sums are seldom more
MOST_PARTS = 8


def asked_total(question: str) -> str | None:
    """The figure a "break down" question asks the parts of, as a question of that figure
    alone, or None (not asked, or asked by a division: `row_lists.breakdown`).

    >>> asked_total("Break down Apple's total operating expenses in Q3 2023.")
    "What was Apple's total operating expenses in Q3 2023?"
    >>> asked_total("Can you break Amazon's net sales down for Q1 2023?")
    "What was Amazon's net sales for Q1 2023?"
    >>> asked_total("Break down Apple's net sales by region in Q3 2023.") is None
    True
    """
    m = BREAK_DOWN.search(question)
    if m is None or BREAKDOWN.search(question):
        return None
    figure = m["a"] or m["b"] or m["c"]
    rest = question[m.end() :].strip(" ?.!")
    return f"What was {figure.strip()}{' ' + rest if rest else ''}?"


def parts_of(row: Row, rows: list[Row]) -> list[Row]:
    """The rows printed just above a total `row` that it sums, in the table's order: those of
    its heading (the label's part before ":"), or with none, back to the row before that is
    another total; [] unless two at least (a total of one part says nothing more).

    >>> from rag.ingest.chunk import Chunk
    >>> text = ("Gross margin — Q3: 36\\nOperating expenses: Research — Q3: 7\\n"
    ...     "Operating expenses: Selling — Q3: 6\\nTotal operating expenses — Q3: 13\\n")
    >>> rs = document_rows([Chunk("a::0", "a", 0, len(text), text)])
    >>> [r.label for r in parts_of(rs[-1], rs)]
    ['Operating expenses: Research', 'Operating expenses: Selling']
    """
    at = next((i for i, r in enumerate(rows) if r == row), None)
    if at is None or not _TOTAL.match(row.label):
        return []
    parts: list[Row] = []
    heading = None
    for r in reversed(rows[max(0, at - MOST_PARTS) : at]):
        if _TOTAL.match(r.label) or r.chunk.doc != row.chunk.doc:
            break
        head = r.label.split(":", 1)[0] if ":" in r.label else ""
        if heading is None:
            heading = head
        elif head != heading:
            break
        # rows far apart are of two tables
        last = parts[-1] if parts else row
        if (last.chunk.start + last.start) - (r.chunk.start + r.end) > TABLE_GAP:
            break
        parts.append(r)
    return parts[::-1] if len(parts) >= 2 else []


def total_parts(query: str, asked: str, passages, snap, passage_of, ts) -> Outcome | None:
    """A list of the parts of the total asked (`asked_total`), each at the period asked, then
    the total itself; None when not asked, no row is the total or it has no parts above it."""
    total_question = asked_total(asked or query)
    if total_question is None or snap is None:
        return None
    docs, names = choose_documents("fact", total_question, passages, snap)
    found = lookup("fact", total_question, docs, snap.doc_chunks, passage_of, names, ts)
    if found is None or not found.supports:
        return None
    chunk = found.supports[0][1].chunk
    at = found.supports[0][2]
    rows = document_rows(snap.doc_chunks(chunk.doc))
    total = next((r for r in rows if r.chunk == chunk and r.start <= at < r.end), None)
    if total is None:
        return None
    parts = parts_of(total, rows)
    if not parts:
        return None
    said = asked or query
    supports = [cell_support(r, passage_of(r.chunk), 1.0, said) for r in [*parts, total]]
    return Outcome(supports, form="list")
