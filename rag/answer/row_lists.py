"""Rows that a list, summary or comparison says: the rows beside the retrieved sentences
(`form_rows`), and the rows of one table when a list is asked by a division of the figure
(`breakdown`: "What was Amazon's operating income by segment in Q3 2023?").

A division's rows seldom say its name: Amazon prints "Operating Income (Loss): North America",
"...: International", "...: AWS" under "Operating income (loss) by segment is as follows", and
Apple "Americas: Net sales", "Europe: Net sales" under "Segment Information and Geographic
Data". Scored as sentences, the rows lost to sentences naming the segments ("We have organized
our operations into three segments") and to the consolidated row, and "by segment" was refused
as a fact. So a breakdown reads the table whose rows hold the measure asked and whose labels,
heading path or lead-in name the division, every such row of it, in the table's order.
"""

from __future__ import annotations

import re

from rag.answer.base import Outcome
from rag.answer.cells import pick_cell, read_value
from rag.answer.forms import BREAKDOWN
from rag.answer.movers import ASKS_MOVED
from rag.answer.periods import periods
from rag.answer.row_fit import _ASKS_COST, _COST_OF, discounted
from rag.answer.rows import document_rows
from rag.answer.tables import (
    _support,
    _term_in,
    asked_names,
    cell_support,
    cells_support,
    choose_documents,
    label_terms,
    question_terms,
    score_rows,
)
from rag.answer.vocabulary import ASKS_RATIO, SHARE_LABEL
from rag.context import section_words
from rag.text import content_tokens, dates, stem


def label_holds(terms: set[str], label: str) -> set[str]:
    """The question `terms` (stems) a row's label holds, a synonym counting as the word.

    >>> sorted(label_holds({"revenu", "intere"}, "Total net sales"))
    ['revenu']
    >>> sorted(label_holds({"pay", "divide", "net"}, "Payments for dividends, network"))
    ['divide', 'pay']
    """
    lab = label_terms(label)
    return {t for t in terms if _term_in(t, lab)}


def form_rows(form: str, query: str, passages, snap, min_score: float, most: int) -> list:
    """The table rows a list, summary or comparison may say beside the retrieved sentences:
    rows of the documents the question points to (`choose_documents`; a comparison inside one
    document reads that document) whose label holds the question's content words, label score
    (`score_rows`) at least `min_score`, the `most` best. Each is (passage, row)."""
    from rag.retrieve import Passage

    if snap is None or not passages:
        return []
    docs, names = choose_documents(form, query, passages, snap)
    if not docs:
        docs, names = choose_documents("fact", query, passages, snap)
        docs = docs[:1]
    terms = question_terms(query, names)
    if not terms or not docs:
        return []
    rows = [r for d in docs for r in document_rows(snap.doc_chunks(d)) if read_value(r, query)]
    scored = [(s, r) for s, r in score_rows(terms, rows) if s >= min_score]
    scored = discounted(scored, query, terms)[:most]
    retrieved = {p.chunk.chunk_id: p for p in passages}
    return [(retrieved.get(r.chunk.chunk_id) or Passage(0, 0.0, r.chunk), r) for _, r in scored]


# The words that name a division, and the words a table of that division is marked by (Apple's
# regions are its segments).
_DIVISIONS = (
    ({"segmen", "region", "geogra", "busine", "divisi"}, {"segmen", "region", "geogra"}),
    ({"catego", "produc"}, {"catego", "produc"}),
)
# Rows of one table follow each other with at most this many characters between them (a group
# name's line: "Operating Income (Loss)").
TABLE_GAP = 120
MAX_ROWS = 12


def _tables(rows: list) -> list[list]:
    """A document's rows (`document_rows`) grouped into tables: runs in document order."""
    at = sorted(rows, key=lambda r: r.chunk.start + r.start)
    out: list[list] = []
    for r in at:
        if (
            out
            and r.chunk.start + r.start - (out[-1][-1].chunk.start + out[-1][-1].end) <= TABLE_GAP
        ):
            out[-1].append(r)
        else:
            out.append([r])
    return out


def _marked(table: list, marks: set[str]) -> int:
    """How near a table names the division asked (`marks`): 3 in its labels ("Net sales by
    category: iPhone"), 2 in the line leading into it ("... by segment is as follows"), 1 in its
    heading path ("Segment Information"), else 0."""
    first = table[0]
    before = first.chunk.text[max(0, first.start - 200) : first.start]
    for strength, words in (
        (3, " ".join(r.label for r in table)),
        (2, before),
        (1, section_words(first.chunk)),
    ):
        if marks & {stem(w) for w in content_tokens(words.lower())}:
            return strength
    return 0


def _measure(label: str) -> str:
    """A label as the measure it reads: "Operating loss" is the operating income row of a
    segment with a loss; "Total non-operating income" is not operating income."""
    return _NON.sub(" ", _LOSS.sub("income", label))


_LOSS = re.compile(r"(?i)\bincome \(loss\)|\bloss\b")
_NON = re.compile(r"(?i)\bnon-\w+")


def breakdown(query: str, asked: str, passages, snap, passage_of, min_score: float):
    """A list asked by a division (`forms.BREAKDOWN`): the rows of one table of the document the
    question points to (the best retrieved or, with no period named, the latest) that hold the
    most of the measure's words (at least two rows, each with a figure at the period asked),
    the table marked by the division's name first; or None."""
    said = asked or query
    m = BREAKDOWN.search(said)
    if m is None or snap is None:
        return None
    asked_by = {stem(w) for w in content_tokens(m.group().lower())}
    marks = set().union(*(mark for names, mark in _DIVISIONS if names & asked_by))
    docs, names = choose_documents("fact", query, passages, snap)
    moved = ASKS_MOVED.search(said)
    # "Which segment grew fastest?": its sales
    terms = question_terms(query, names) or (question_terms("net sales", set()) if moved else set())
    if not docs or not terms:
        return None
    # a share's row ("Percent of Net Sales: Cost of sales") or a cost's ("Cost of sales:
    # Services" reads "sales") is no part of the amount asked unless the question says so
    shares, costs = ASKS_RATIO.search(said), _ASKS_COST.search(said)
    rows = [
        r
        for r in document_rows(snap.doc_chunks(docs[0]))
        if read_value(r, said)
        and (shares or not SHARE_LABEL.search(r.label))
        and (costs or not _COST_OF.search(r.label))
    ]

    # a word no label holds names no row (the company, in a collection of one report)
    def labelled(ts: set[str]) -> set[str]:
        return {t for t in ts if any(_term_in(t, label_terms(_measure(r.label))) for r in rows)}

    terms = labelled(terms) or (labelled(question_terms("net sales", set())) if moved else set())
    if not terms:
        return None
    best_score = {id(r): s for s, r in discounted(score_rows(terms, rows), said, terms)}
    if not best_score or max(best_score.values()) < min_score:
        return None
    best = None
    for table in _tables(rows):
        held = [(label_holds(terms, _measure(r.label)), r) for r in table]
        most = max((len(h) for h, _ in held), default=0)
        items = [r for h, r in held if most and len(h) == most]
        if len(items) < 2 or max(best_score.get(id(r), 0.0) for r in items) < min_score:
            continue
        key = (_marked(table, marks), most, min(len(items), MAX_ROWS))
        if best is None or key > best[0]:
            best = (key, items[:MAX_ROWS])
    if best is None:
        return None
    # a period asked reads each row at its cell ("AWS: Operating income — Three Months Ended
    # September 30, 2023: $6,976"); none asked, the rows are shown whole
    at = periods(said) or dates(said)
    supports = [
        (year_on_year if moved else cell_support)(
            r, passage_of(r.chunk), best_score.get(id(r), 0.0), said
        )
        if at or moved
        else _support(r, passage_of(r.chunk), best_score.get(id(r), 0.0))
        for r in best[1]
    ]
    return Outcome(supports, form="list")


def year_on_year(row, passage, score: float, question: str) -> tuple:
    """A row as the cell the question reads and the same period's a year before, both quoted
    (else the one cell, `cell_support`): what a division's move is computed from."""
    from rag.answer.growth import year_before

    i = pick_cell(row, question, months=3)
    j = year_before(row, i)
    if j is None:
        return cell_support(row, passage, score, question)
    return cells_support(row, passage, score, [i, j])


# "How did Amazon's AWS segment perform in Q2 2023?", "How did the Americas do?", "AWS's
# results in Q2 2023": a division's own rows (its net sales, expenses and operating income)
_PERFORMED = re.compile(
    r"(?i)\bhow (?:did|does|do|has|have|is|was|were) (?P<what>.+?) (?:perform(?:ed|ing)?|do(?:ne|ing)?|"
    r"far(?:e|ed|ing))\b|\b(?:performance|results) of (?P<of>.+?)(?= in\b| during\b| for\b|[?.]|$)"
    r"|^(?:what (?:were|are|was|is)|show(?: me)?|give(?: me)?|tell me about|summari[sz]e) (?:the )?"
    r"(?P<whose>[\w.&-]+(?: [A-Z][\w.&-]*)*)['’]s? (?:financial |quarterly |operating )?"
    r"(?:performance|results)\b(?! of\b)"
)
_SEGMENT_WORDS = {stem(w) for w in "segment segments division business unit region".split()}
# the words that ask how the whole company did ("How did the company do overall?")
_WHOLE = _SEGMENT_WORDS | {stem(w) for w in "company firm overall financially it".split()}

# the words after "How did X do" that only say when ("in the third quarter of fiscal 2023")
_WHEN = {
    stem(w)
    for w in "quarter quarters year fiscal months ended ending period lately recently overall "
    "financially last latest recent past first second third fourth q1 q2 q3 q4 fy january "
    "february march april may june july august september october november december".split()
}

# The measures a company's quarter is told by, as its statement of operations labels them
# ("Total net sales", "Net revenue", "Income from operations", "Net income (loss)", "Earnings
# per share: Diluted", "Net income per share: Diluted", "Diluted earnings per share").
_HEADLINES = (
    re.compile(r"(?i)^(?:total )?(?:net )?(?:sales|revenues?)$"),
    re.compile(r"(?i)^(?:operating income|income from operations)(?: \(loss\))?$"),
    re.compile(r"(?i)^net income(?: \(loss\))?$"),
    re.compile(
        r"(?i)^(?:(?:earnings|net income)(?: \(loss\))? per share(?: attributable to [\w ]+)?"
        r"(?::|—) ?diluted|diluted earnings per share)$"
    ),
)


def headline_rows(rows: list, said: str, passage_of) -> Outcome | None:
    """A company's quarter (`division_rows` naming no division): its revenue, operating
    income, net income and diluted earnings per share, each the row of the statement of
    operations (the first revenue row, and after it the first of each measure) at the
    period asked, else the current one; None without the revenue row and one more."""
    at = sorted(rows, key=lambda r: r.chunk.start + r.start)
    found: list = []
    after = 0
    for i, pattern in enumerate(_HEADLINES):
        kind = [r for r in at if pattern.match(r.label.strip())]
        later = [r for r in kind if r.chunk.start + r.start >= after]
        if row := (later or kind or [None])[0]:
            found.append(row)
            if i == 0:
                after = row.chunk.start + row.start
        elif i == 0:
            return None
    if len(found) < 2:
        return None
    supports = [cell_support(r, passage_of(r.chunk), 1.0, said) for r in found]
    return Outcome(supports, form="list")


def division_table(docs: list[str], snap, named: set[str], said: str) -> list | None:
    """A division's rows: a table's rows grouped by words the question names all of (whether
    or not they are taken for a name of the documents: "North" of "North America"), read at
    the period `said`, of the first of `docs` that has them ("How did AWS do in Q1 2023?"
    names no company: each company's Q1 2023 filing is pointed to, Apple's first); or None."""
    for doc in docs:
        best = None
        rows = [r for r in document_rows(snap.doc_chunks(doc)) if read_value(r, said)]
        for table in _tables(rows):
            ours = [
                r
                for r in table
                if ": " in r.label
                and (g := {stem(w) for w in content_tokens(r.label.split(": ", 1)[0])})
                and g <= named - _SEGMENT_WORDS
            ]
            if len(ours) >= 2 and (best is None or len(ours) > len(best)):
                best = ours
        if best is not None:
            return best
    return None


def division_rows(query: str, asked: str, passages, snap, passage_of) -> Outcome | None:
    """The rows of the division the question asks how it did: of the document it points to,
    the one table whose rows' group ("AWS: Net sales", "AWS: Operating income") is the
    division named, each row at the period asked; None when no group is named so."""
    said = asked or query
    m = _PERFORMED.search(said)
    if m is None or snap is None:
        return None
    docs, names = choose_documents("fact", query, passages, snap)
    if not docs:
        return None
    from rag.context import document_keys

    named = {stem(w) for w in content_tokens(m["what"] or m["of"] or m["whose"])}
    best = division_table(docs, snap, named, said)
    if best is None:
        rows = [r for r in document_rows(snap.doc_chunks(docs[0])) if read_value(r, said)]
        # the company itself ("How did Amazon perform in Q3 2023?"), named by the documents'
        # names ("Bell", in a collection of one report), unless the words after it name what
        # ("How is Apple doing on services revenue?")
        after = {stem(w) for w in content_tokens(said[m.end() :]) if not w[0].isdigit()}
        own = {stem(n) for n in names | asked_names(said, document_keys(snap))}
        if after - _WHEN or named - own - _WHOLE:
            return None
        return headline_rows(rows, said, passage_of)
    at = periods(said) or dates(said)
    supports = [
        cell_support(r, passage_of(r.chunk), 1.0, said)
        if at
        else _support(r, passage_of(r.chunk), 1.0)
        for r in best[:MAX_ROWS]
    ]
    return Outcome(supports, form="list")
