"""A figure against the same period a year before: the two cells of one row a growth question
computes from (`growth`), the column of a year before (`year_before`), and two quarters a year
apart asked of the later quarter's filing (`year_apart`)."""

from __future__ import annotations

import re

from rag.answer.base import Outcome
from rag.answer.periods import doc_period, period_label
from rag.answer.tables import choose_documents, lookup
from rag.text import dates, period_spans

# A fact question after a figure's growth over a year ("revenue growth year over year in Q3
# 2023", "How much did net sales grow in Q3 2023?"): the row's cell of the period asked and
# its cell of the same duration a year before, for the answer to compute the change from
# (`arithmetic.change_line`).
ASKS_GROWTH = re.compile(
    r"(?i)\b(?:growth|grow|grew|growing)\b|\byear[- ]over[- ]year\b|\b(?:yoy|y/y)\b|"
    r"\b(?:compared (?:to|with) )?(?:a|one) year (?:ago|earlier|before)\b|\bprior[- ]year\b|"
    # "How much did fulfillment costs increase in Q1 2023?": against the year before, too
    r"\b(?:by )?how much (?:did|has|have|does|do) [^?]{0,80}\b(?:increase|decrease|rise|fall|"
    r"drop|decline|change)\b|"
    # "How did Amazon's net sales change in Q3 2023?", "Did they increase in Q3 2023?": a
    # quarter's filing sets it against the same quarter a year before
    r"(?:\bhow (?:did|has|have)|^(?:did|has|have)) [^?]{0,80}\b(?:chang|increas|decreas|rise|"
    r"risen|fall|fallen|drop|declin|improv|grown)\w* (?:in|during|for)\b"
)
_GROWTH_WORDS = re.compile(
    r"(?i)\b(?:growth|grow|grew|growing|rate|year[- ]over[- ]year|yoy|y/y|by how much|"
    r"increase|decrease|rise|fall|drop|decline|"
    r"how much|change|(?:compared (?:to|with) )?(?:a|one) year (?:ago|earlier|before)|"
    r"(?:the |its )?prior[- ]year(?: period| quarter)?)\b"
)


def year_before(row, i: int) -> int | None:
    """The index of `row`'s cell of the same duration as cell `i`, ending a year (11 to 13
    months) before it, or None.

    >>> from rag.answer.rows import chunk_rows
    >>> from rag.ingest.chunk import Chunk
    >>> t = ("Net sales — Three Months Ended July 1, 2023: 81,797; Three Months Ended June 25, "
    ...      "2022: 82,959; Nine Months Ended July 1, 2023: 293,787")
    >>> year_before(chunk_rows(Chunk("a::0", "a", 0, len(t), t))[0], 0)
    1
    """
    from rag.answer.cells import _months, _when

    heads = [h for h, *_ in row.cells]
    d, w = _months(heads[i]), _when(heads[i])
    if w is None or w[1] == 0:
        return None
    for j, h in enumerate(heads):
        v = _when(h)
        if j == i or v is None or _months(h) != d or v[1] == 0:
            continue
        gap = (w[0] - v[0]) * 12 + w[1] - v[1]
        if 11 <= gap <= 13 and any(ch.isdigit() for ch in row.cells[j][1]):
            return j
    return None


# the word joining a period to the question ("from", "with", "in"), dropped with it
_JOINING = re.compile(
    r"(?i)\s*\b(?:from|between|in|for|during|with|to|and|against|versus|vs)\.?\s*$"
)


def year_apart(query: str, documents) -> str | None:
    """A comparison of a quarter with the same quarter a year before, when no document is of
    the earlier one and one is of the later: the later filing prints both, so it is asked as
    the later quarter against a year before (`growth`). "How did Amazon's net income change
    from Q2 2022 to Q2 2023?" over filings of Q3 2022 to Q3 2023 had read one filing's "Other
    income (expense)" and set it against nothing. None for any other question.

    >>> year_apart("How did Amazon's net income change from Q2 2022 to Q2 2023?",
    ...     ["2022 Q3 AMZN.pdf", "2023 Q2 AMZN.pdf"])
    "How did Amazon's net income change in Q2 2023 compared with a year before?"
    >>> year_apart("How does net income in Q3 2023 compare with Q3 2022?",
    ...     ["2022 Q3 AMZN.pdf", "2023 Q3 AMZN.pdf"]) is None
    True
    """
    spans = [(a, b, int(q), int(y)) for a, b, q, y in period_spans(query) if q and y]
    if len(spans) != 2 or spans[0][2] != spans[1][2] or abs(spans[0][3] - spans[1][3]) != 1:
        return None
    quarter = spans[0][2]
    later = (max(spans[0][3], spans[1][3]), quarter)
    have = {doc_period(d) for d in documents}
    if later not in have or (later[0] - 1, quarter) in have:
        return None
    text = query
    for a, b, *_ in reversed(spans):
        text = _JOINING.sub("", text[:a]) + text[b:]
    return f"{text.rstrip(' ?.!')} in {period_label(later)} compared with a year before?"


def growth(query, passages, snap, passage_of, ts, found: Outcome | None) -> Outcome | None:
    """The two cells a growth question computes from: the asked period's and the same
    duration's a year before, of the row the question names without its growth words, a
    comparison of two lines (the earlier first); else `found`. A row printing the growth
    itself ("Year-over-year Percentage Growth: ...") answers as it is."""
    if not ASKS_GROWTH.search(query):
        return found
    if found is not None and ASKS_GROWTH.search(found.supports[0][0].split(" — ")[0]):
        return found
    plain = " ".join(_GROWTH_WORDS.sub(" ", query).split())
    docs, names = choose_documents("fact", query, passages, snap)
    row_found = lookup("fact", plain, docs, snap.doc_chunks, passage_of, names, ts)
    if row_found is None:
        return found
    read = _row_read(row_found, plain)
    if read is None:
        return found
    row, i = read
    j = year_before(row, i)
    return (j is not None and _two_cells(row_found, row, j, i)) or found


def two_days(query, passages, snap, passage_of, ts) -> Outcome | None:
    """A comparison naming two days ("How did Amazon's inventories change between December
    31, 2022 and September 30, 2023?"): the row the question names, read at each day from the
    one filing that prints both (a balance sheet prints its own day and the fiscal year's
    end), the earlier first. It had set the item side by side over every filing, each at its
    own day. None when the question names other than two days or no row prints both."""
    asked = sorted(dates(query))
    if len(asked) != 2:
        return None
    docs, names = choose_documents("fact", query, passages, snap)
    row_found = lookup("fact", query, docs, snap.doc_chunks, passage_of, names, ts)
    read = _row_read(row_found, query) if row_found is not None else None
    if read is None:
        return None
    row = read[0]
    at = [next((k for k, c in enumerate(row.cells) if day in dates(c[0])), None) for day in asked]
    if None in at or at[0] == at[1]:
        return None
    return _two_cells(row_found, row, *at)


_SINCE = re.compile(r"(?i)\bsince\b")


def since_day(query, passages, snap, passage_of, ts) -> Outcome | None:
    """How a figure moved since a day ("How has Amazon's cash and cash equivalents changed
    since December 31, 2022?"): the row the question names in the latest filing pointed to,
    read at that day and at the latest day the row prints. It had set each filing's column of
    that day side by side (the fiscal year's end, the same in every 2023 filing). None when
    no single day follows "since" or no such row prints both."""
    m = _SINCE.search(query)
    asked = sorted(dates(query[m.end() :])) if m else []
    if len(asked) != 1:
        return None
    docs, names = choose_documents("fact", query, passages, snap)
    latest = sorted((d for d in docs if doc_period(d)), key=doc_period)[-1:]
    row_found = lookup("fact", query, latest, snap.doc_chunks, passage_of, names, ts)
    read = _row_read(row_found, query) if row_found is not None else None
    if read is None:
        return None
    row = read[0]
    days = [max(dates(c[0]), default=None) for c in row.cells]
    first = next((k for k, d in enumerate(days) if d == asked[0]), None)
    later = [(d, k) for k, d in enumerate(days) if d and d > asked[0]]
    if first is None or not later:
        return None
    return _two_cells(row_found, row, first, max(later)[1])


def _row_read(found: Outcome, question: str) -> tuple | None:
    """The table row an answer `found` cites and the index of the cell it reads, or None."""
    from rag.answer.cells import pick_cell
    from rag.answer.rows import chunk_rows

    _, passage, a, b, _ = found.supports[0]
    chunk = passage.chunk
    row = next((r for r in chunk_rows(chunk) if r.start == a and r.end == b), None)
    if row is None:
        return None
    short = found.short_answer
    at = short.start - chunk.start - a if short is not None else -1
    return row, next((k for k, c in enumerate(row.cells) if c[2] == at), pick_cell(row, question))


def _two_cells(found: Outcome, row, first: int, second: int) -> Outcome | None:
    """Cells `first` and `second` of the row `found` cites, each as a line with its header."""
    _, passage, a, _, score = found.supports[0]
    chunk = passage.chunk
    supports = []
    for k in (first, second):
        head, _, _, v1 = row.cells[k]
        h0 = chunk.text.rfind(head, a, a + v1)
        if h0 < 0:
            return None
        span = (h0, a + v1)
        supports.append((f"{row.label} — {chunk.text[span[0] : span[1]]}", passage, *span, score))
    return Outcome(supports, form="comparison", labels=["", ""], notice=found.notice)
