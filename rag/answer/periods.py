"""Periods: the quarters and years a question or a document's name says ("Q1 2023", "2023 Q3
AAPL.pdf"), their order, the documents of one series (a company's filings), and a fiscal
quarter asked as the documents' names say it (`in_document_periods`)."""

from __future__ import annotations

import re

from rag.context import DocumentKeys, name_words
from rag.text import (
    CHAT_QUARTER,
    PERIOD_PATTERNS,
    fiscal_quarters,
    in_month_quarter,
    month_quarters,
    period_mentions,
    period_spans,
)


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


def in_document_periods(query: str, keys: dict[str, DocumentKeys]) -> str:
    """`query` with each fiscal quarter it names ("the third quarter of fiscal year 2024",
    "Q2 FY23") written as the period of the documents that report it, when their names say
    another: NVIDIA's "2023 Q3 NVDA.pdf" reports the third quarter of fiscal year 2024, and
    Microsoft's "2023 Q1 MSFT.pdf" the second of fiscal 2023. Read as written, the first was
    refused ("No document covers Q3 2024") and the second answered from the next filing. A
    quarter named by its month ("the June quarter of 2023") is the period of the reports whose
    covers say it ended then (Apple's "2023 Q3"; it had been read as the year 2023 alone). Of
    the documents the question names, when it names some; unchanged when they disagree.

    >>> def keys_of(name, fiscal):
    ...     k = DocumentKeys(None, name)
    ...     k.fiscal = fiscal
    ...     return k
    >>> keys = {n: keys_of(n, f) for n, f in [("2023 Q3 NVDA.pdf", ("3", "2024")),
    ...     ("2023 Q2 NVDA.pdf", ("2", "2024")), ("2023 Q3 AAPL.pdf", None)]}
    >>> in_document_periods("NVDA's R&D in the third quarter of fiscal year 2024?", keys)
    "NVDA's R&D in Q3 2023?"
    >>> in_document_periods("NVDA's R&D in Q3 2023?", keys)
    "NVDA's R&D in Q3 2023?"
    >>> keys["2023 Q3 AAPL.pdf"].ended = {(2023, 7, 1)}
    >>> in_document_periods("AAPL's sales in the June quarter of 2023?", keys)
    "AAPL's sales in Q3 2023?"
    """
    marks = fiscal_quarters(query)
    months = month_quarters(query)
    if not marks and not months:
        return query
    # (a month is no name: "June" is on covers of other companies' reports)
    bare = query
    for a, b, _, _ in months:
        bare = bare[:a] + " " * (b - a) + bare[b:]
    names = name_words(bare)
    # the documents carrying most of its names ("Birch Foods": Cedar Foods' reports carry one)
    held = {d: len(names & k.names) for d, k in keys.items()}
    top = max(held.values(), default=0)
    pool = {d for d, n in held.items() if n == top} if top else set(keys)
    found = [(a, b, [d for d in pool if keys[d].fiscal == (q, y)], (q, y)) for a, b, q, y in marks]
    # "the June quarter of 2023": the reports whose covers say their quarter ended then
    found += [
        (a, b, [d for d in pool if any(in_month_quarter(e, y, m) for e in keys[d].ended)], None)
        for a, b, y, m in months
    ]
    for start, end, own, said in sorted(found, reverse=True):
        labels = {p for d in own for p in keys[d].periods if p[0] and p[1]}
        if len(labels) == 1 and labels != {said}:
            lq, ly = labels.pop()
            head = re.sub(r"(?i)\bthe\s+$", "", query[:start])  # "in the Q3 2023"
            query = f"{head}Q{lq} {ly}{query[end:]}"
    return query


def written_out(query: str) -> str:
    """A quarter typed as in a chat ("q2 23") with its year written out, as the documents say
    it: read as typed, "23" was a number no document mentions.

    >>> written_out("amzn net income q2 23"), written_out("Q3 23 vs Q3 22?")
    ('amzn net income Q2 2023', 'Q3 2023 vs Q3 2022?')
    """
    return CHAT_QUARTER.sub(lambda m: f"Q{m[1]} 20{m[2]}", query)


# "the QoQ change", "quarter-over-quarter", "sequential growth", "grew sequentially"
SEQUENTIAL_WORDS = r"(?:qoq|q/q|quarter[- ]over[- ]quarter|sequential(?:ly)?)"
_SEQUENTIAL = re.compile(rf"(?i)\s*\b{SEQUENTIAL_WORDS}\b")
_IN_QUARTER = re.compile(r"(?i)\b(?:in|for|during|of)\s+(?:the\s+)?$")


def sequential(query: str) -> str:
    """A change from the quarter before ("QoQ", "sequential") asked of one quarter, asked from
    the quarter before to it: "What's the QoQ change in Amazon's net sales in Q3 2023?" had
    been refused ("The documents never mention QoQ").

    >>> sequential("What's the QoQ change in Amazon's net sales in Q3 2023?")
    "What's the quarter-over-quarter change in Amazon's net sales from Q2 2023 to Q3 2023?"
    >>> sequential("How did Apple's revenue change sequentially in Q1 2023?")
    "How did Apple's revenue change quarter-over-quarter from Q4 2022 to Q1 2023?"
    >>> sequential("QoQ change between Q1 2023 and Q3 2023?")
    'QoQ change between Q1 2023 and Q3 2023?'
    """
    if not _SEQUENTIAL.search(query):
        return query
    # (said in the words `forms.classify` reads a comparison by)
    text = _SEQUENTIAL.sub(" quarter-over-quarter", query, count=1).strip()
    quarters = [(a, b, q, y) for a, b, q, y in period_spans(text) if q and y]
    if len(quarters) != 1:
        return query
    a, b, q, y = quarters[0]
    before = f"Q{int(q) - 1} {y}" if q != "1" else f"Q4 {int(y) - 1}"
    head = _IN_QUARTER.sub("", text[:a])
    return f"{head}from {before} to Q{q} {y}{text[b:]}"


def as_documents_say(query: str, keys: dict[str, DocumentKeys]) -> str:
    """The quarters of `query` as the documents say them: a chat's "q2 23" written out, a
    change "QoQ" asked from the quarter before, a fiscal or month-named quarter as the period
    of the reports that cover it (`written_out`, `sequential`, `in_document_periods`)."""
    return in_document_periods(sequential(written_out(query)), keys)
