"""A comparison's lines (`forms.extract` for the form "comparison"): one line per document
or period, in period order; the same table row in each period when one is asked about; the
periods named inside one document's row; and, when the question asks why, each period's
sentence that says what moved the figure.
"""

from __future__ import annotations

import re
from dataclasses import replace

from rag.answer.base import Outcome
from rag.answer.causes import CAUSES, SAYS_WHY
from rag.answer.forms import Line, as_support, in_document_order
from rag.answer.periods import doc_order, doc_period, period_label, periods
from rag.answer.vocabulary import SHARE_LABEL
from rag.text import content_tokens, stem


def compare(lines: list[Line], question: str, asked: str, fs) -> Outcome:
    """The comparison answered by `lines` (scored, above the floor, deduplicated, best first;
    `fs`: `forms.FormSettings`)."""
    # a change is told in figures: a line stating none ("The AWS segment consists of ...")
    # comes after those that do
    lines = sorted(lines, key=lambda x: -_ranked(x))
    # One line per document (its best), documents in period order. When the question names
    # periods that some documents' names carry, only those documents are compared.
    named_periods = set(periods(asked or question))
    by_doc: dict[str, list[Line]] = {}
    for x in lines:
        by_doc.setdefault(x.passage.chunk.doc, []).append(x)
    named = [d for d in by_doc if doc_period(d) in named_periods]
    docs = sorted(named if named else by_doc, key=doc_order)[: fs.max_items]
    series = _row_series(lines, docs) if len(docs) > 1 and not CAUSES.search(question) else None
    if series is not None:
        # each period says the same row, where it has it
        for d in docs:
            twin = [x for x in by_doc[d] if x.row is not None and _label_key(x.row.label) == series]
            # else the row printed with a shorter or longer label ("Net sales: Services" in one
            # filing's statement, "Net sales by category: Services" in the next one's note)
            twin = twin or [
                x
                for x in by_doc[d]
                if x.row is not None and _near_label(_label_key(x.row.label), series)
            ]
            if twin:
                by_doc[d] = [twin[0], *(x for x in by_doc[d] if x is not twin[0])]
    if len(docs) == 1:
        own = by_doc[docs[0]]
        row = next((x for x in own if x.row is not None), None)
        # near the best line as ranked: a sentence stating no figure tells no change
        near = row is not None and _ranked(row) >= _ranked(own[0]) - ROW_SERIES_SLACK
        if near and not CAUSES.search(question):
            # one filing's row has the periods a change is read over
            by_doc[docs[0]] = [row, *(x for x in own if x is not row)]
        inside = _within_document(by_doc[docs[0]], periods(asked or question), fs)
        cause = _saying_why(own, []) if inside is not None and CAUSES.search(question) else []
        if cause:  # after the figures, which the change line still reads alone
            return replace(
                inside,
                supports=[*inside.supports, as_support(cause[0])],
                labels=[*inside.labels, ""],
                said_why=1,
            )
        if inside is not None:
            return inside
    chosen, labels = [], []
    why = CAUSES.search(question)
    for d in docs:
        picked = by_doc[d][: fs.max_per_period]
        if why:
            picked += _saying_why(by_doc[d], picked)
        for x in in_document_order(picked):
            chosen.append(x)
            p = doc_period(d)
            labels.append(period_label(p) if p else d)
    notice = ""
    if len(docs) == 1:
        p = doc_period(docs[0])
        found = period_label(p) if p else docs[0]
        missing = [period_label(x) for x in sorted(named_periods) if x != p]
        notice = f"Only one period was found in the passages: {found}." + (
            f" Nothing was found for {', '.join(missing)}." if missing else ""
        )
    return Outcome([as_support(x) for x in chosen], form="comparison", labels=labels, notice=notice)


def with_causes(table: Outcome, why: Outcome) -> Outcome:
    """A comparison read from table rows (`table`), each period's lines followed by the
    sentences of `why` (a comparison of the same passages' sentences for a question asking
    why) that say what moved the figure, in period order; `table` when there are none."""
    said = {(p.chunk.doc, a, b) for _, p, a, b, _ in table.supports}
    # one document's rows (its columns, each a period or unlabelled): its best cause follows
    one = len({p.chunk.doc for _, p, *_ in table.supports}) == 1
    last = table.labels[-1] if len(set(table.labels)) == 1 else ""
    # a cause of the same measure: an amount's rows are not moved by what moved a percentage
    # ("Services gross margin percentage decreased ..." beside the gross margin's dollars)
    share = any(SHARE_LABEL.search(x[0].split(" — ")[0]) for x in table.supports)

    def rank(x) -> tuple:
        return (bool(SHARE_LABEL.search(x[0])) == share, x[4])

    causes: dict[str, list] = {}  # a period's best: "Americas net sales decreased due to ..."
    for label, s in zip(why.labels, why.supports, strict=True):  # scores "Greater China" less
        label = last if one else label
        best = label not in causes or rank(s) > rank(causes[label][0])
        if best and SAYS_WHY.search(s[0]) and (s[1].chunk.doc, s[2], s[3]) not in said:
            causes[label] = [s]
    if why.reason or not causes:
        return table
    if one:  # after the figures, which the change line still reads alone
        return replace(
            table,
            supports=[*table.supports, *causes[last]],
            labels=[*table.labels, last],
            said_why=1,
        )
    pairs = list(zip(table.labels, table.supports, strict=True))
    supports, labels = [], []
    for i, (label, s) in enumerate(pairs):
        supports.append(s)
        labels.append(label)
        if i + 1 == len(pairs) or pairs[i + 1][0] != label:  # the period's last line
            for c in causes.pop(label, []):
                supports.append(c)
                labels.append(label)
    return replace(table, supports=supports, labels=labels)


def _label_key(label: str) -> frozenset:
    """A row label's words in any order: "AWS: Net sales" (a segment's note) and "Net Sales:
    AWS" (the sales by product) are one row to compare across periods."""
    return frozenset(stem(w) for w in content_tokens(label) if not w[0].isdigit())


def _saying_why(own: list[Line], picked: list[Line]) -> list[Line]:
    """A period's best sentence (not a row) saying what moved a figure, beside its `picked`
    lines, for a question asking why: the figures alone answer "how much", never "why"."""
    cause = next(
        (x for x in own if x.row is None and x not in picked and SAYS_WHY.search(x.text)), None
    )
    return [cause] if cause else []


# 10-Q validation, 0.1 / 0.2: citation precision 0.221 -> 0.225 / 0.225, contains 0.648 / 0.634.
FIGURELESS_PENALTY = 0.1


def _ranked(line: Line) -> float:
    """A line's score as a comparison ranks it: less when it states no figure."""
    return line.score - (0 if re.search(r"\d", line.text) else FIGURELESS_PENALTY)


# A row a comparison across periods says in each of them when its score is at most this below
# the best line's (a sentence): a series of one row's figures answers "how has X changed".
ROW_SERIES_SLACK = 0.1


def _near_label(key: frozenset, series: frozenset) -> bool:
    """Whether a row's label key holds the series' or is held by it, two words or more shared.

    >>> k = lambda s: _label_key(s)
    >>> _near_label(k("Net sales: Services"), k("Net sales by category: Services"))
    True
    >>> _near_label(k("Cost of sales: Services"), k("Net sales by category: Services"))
    False
    """
    return len(key & series) >= 2 and (key <= series or series <= key)


def _row_series(lines: list[Line], docs: list[str]) -> frozenset | None:
    """The label (`_label_key`) of the row to say in every period compared: the best row line,
    when it scores within ROW_SERIES_SLACK of the best line and a row of its label is among
    the lines of two documents or more; None: say each period's best line."""
    row = next((x for x in lines if x.row is not None), None)
    if row is None or row.score < lines[0].score - ROW_SERIES_SLACK:
        return None
    key = _label_key(row.row.label)
    having = {
        x.passage.chunk.doc for x in lines if x.row is not None and _label_key(x.row.label) == key
    }
    return key if len(having & set(docs)) > 1 else None


def _within_document(lines: list[Line], asked: list[tuple[int, int]], fs) -> Outcome | None:
    """A comparison inside one document, when its best line is a table row: one line per
    period the question names that the row has a column for (each citing its cell), else one
    line per row (or sentence) that adds a word of the question the lines before lack ("operating
    expenses" against "revenue"). None: one line is all there is (the caller says so)."""
    from rag.answer.rows import Row

    best = lines[0]
    row = best.row
    if not isinstance(row, Row):
        return None
    doc = best.passage.chunk.doc
    p = doc_period(doc)
    if len(asked) > 1:
        cells: dict[tuple[int, int], tuple] = {}
        for head, value, v0, v1 in row.cells:
            for when in periods(head) if head else ():
                if when in asked and when not in cells:
                    h0 = v0 - len(head) - 2
                    cells[when] = (f"{row.label} — {value}", row.start + h0, row.start + v1)
        if len(cells) > 1:
            supports = [
                (text, best.passage, a, b, round(best.score, 4))
                for text, a, b in (cells[w] for w in sorted(cells))
            ]
            return Outcome(
                supports, form="comparison", labels=[period_label(w) for w in sorted(cells)]
            )
    chosen, covered = [best], set(best.words)
    for x in lines[1:]:
        if len(chosen) >= fs.max_items:
            break
        if x.words - covered:
            chosen.append(x)
            covered |= x.words
    if len(chosen) < 2:
        return None
    chosen = in_document_order(chosen)
    label = period_label(p) if p else doc
    return Outcome([as_support(x) for x in chosen], form="comparison", labels=[label] * len(chosen))
