"""Periods: the quarters and years a question or a document's name says ("Q1 2023", "2023 Q3
AAPL.pdf"), their order, and the documents of one series (a company's filings)."""

from __future__ import annotations

import re

from rag.text import PERIOD_PATTERNS, period_mentions


def periods(text: str) -> list[tuple[int, int]]:
    """(year, quarter) pairs named in `text` (quarter 0: a year alone, read only when no
    quarter of a year is named), in order of mention.

    >>> periods("2022 Q3 AAPL.pdf"), periods("Q1 2023 vs Q3 FY23"), periods("the first quarter of 2023")
    ([(2022, 3)], [(2023, 1), (2023, 3)], [(2023, 1)])
    >>> periods("annual report 2021"), periods("the first nine months of 2023")
    ([(2021, 0)], [(2023, 3)])
    """
    found = period_mentions(text)
    dated = [(int(y), int(q)) for _, q, y in found if q and y]
    if not dated:
        dated = [(int(y), 0) for _, q, y in found if y and not q]
    out: list[tuple[int, int]] = []
    for p in dated:
        if p not in out:
            out.append(p)
    return out


def period_label(p: tuple[int, int]) -> str:
    return f"Q{p[1]} {p[0]}" if p[1] else str(p[0])


def doc_period(doc: str) -> tuple[int, int] | None:
    """The period a document's name says it covers (its first), or None."""
    found = periods(doc)
    return found[0] if found else None


def doc_order(doc: str) -> tuple:
    """Sort key: documents with a period first, by period, then by name."""
    p = doc_period(doc)
    return (0, p, doc) if p else (1, (0, 0), doc)


def series_key(doc: str) -> str:
    """A document's name without its periods: filings of one series share it.

    >>> series_key("2022 Q3 AAPL.pdf") == series_key("2023 Q1 AAPL.pdf") != series_key("2023 Q1 AMZN.pdf")
    True
    """
    name = doc.rsplit(".", 1)[0]
    for rx, _ in PERIOD_PATTERNS:
        name = rx.sub(" ", name)
    return " ".join(re.sub(r"[\W_]+", " ", name.lower()).split())


def series_documents(
    seen: list[str], names: list[str], asked: list[tuple[int, int]], most: int = 8
) -> list[str]:
    """The documents a comparison reads, in period order: those of the series (`series_key`)
    of the documents retrieved first (`seen`) that carry a period, only those of the periods
    the question names when it names some that exist; [] when the series has one document."""
    keys = {series_key(d) for d in seen if doc_period(d)}
    series = [n for n in names if doc_period(n) and series_key(n) in keys]
    named = [n for n in series if doc_period(n) in set(asked)]
    found = sorted(named or series, key=doc_order)
    return found[-most:] if len(found) > 1 else []
