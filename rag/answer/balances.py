"""Balances as a balance sheet prints them: the current and non-current parts of one balance,
and what a balance counts whatever its table."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rag.answer.vocabulary import SPLIT_BALANCES
from rag.text import folded

if TYPE_CHECKING:
    from rag.answer.rows import Row

_PART = re.compile(r"(?i)^(non-?\s?)?current (assets|liabilities)\s*:\s*")
_SUMMED = re.compile(rf"(?i){SPLIT_BALANCES}")
_ASKS_PART = re.compile(r"(?i)\b(?:non-?\s?current|current|short-term|long-term|due within)\b")


def one_part_of_a_split_balance(row: Row, rows: list[Row], question: str) -> bool:
    """Whether the row is the current (or non-current) part of a balance the sheet also prints
    the other part of ("Current liabilities: Term debt" and "Non-current liabilities: Term
    debt"), one `measures.DERIVED` sums, and the question names neither part: Apple's "term
    debt as of April 1, 2023" is not its current part alone.

    >>> from rag.answer.rows import Chunk, chunk_rows
    >>> def row(text):
    ...     return chunk_rows(Chunk("a::0", "a", 0, len(text), text))[0]
    >>> rows = [row("Current liabilities: Term debt — July 1, 2023: 7,216"),
    ...     row("Non-current liabilities: Term debt — July 1, 2023: 98,071"),
    ...     row("Current assets: Cash and cash equivalents — July 1, 2023: 28,408")]
    >>> [one_part_of_a_split_balance(r, rows, "How much term debt?") for r in rows]
    [True, True, False]
    >>> one_part_of_a_split_balance(rows[0], rows, "How much current debt?")
    False
    """
    m = _PART.match(row.label)
    if m is None or _ASKS_PART.search(question):
        return False
    name = row.label[m.end() :].lower()
    if not _SUMMED.fullmatch(name):
        return False  # no sum to read instead (`measures.DERIVED`): the part answers
    return any(
        (p := _PART.match(r.label)) and p[1] != m[1] and r.label[p.end() :].lower() == name
        for r in rows
    )


def item(label: str) -> str:
    """What a balance counts, whatever its table: its label without a balance sheet's group
    ("Current assets: ") or a total's word; a cash flow's change of it is another item.

    >>> item("Current assets: Inventories") == item("Total inventories")
    True
    >>> item("Changes in operating assets and liabilities: Inventories") == item("Inventories")
    False
    """
    return re.sub(r"^total ", "", folded(_PART.sub("", label)))
