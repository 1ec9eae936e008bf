"""How well a table row's reading fits a question beyond its label's words (`discounted`): the
column read may qualify the figure ("... 2023 Exchange Rate Effect", "Adjusted Cost"), the row
may be a remainder ("Net Sales: Other") or a cost ("Cost of sales: Services") the question
does not ask for, or have no column of the duration asked (an investee's "Six Months Ended"
revenues for a quarter). Such rows score less, so that the plain row of the figure answers.
A span the reader read in a row line answers only what the row is of (`row_of_another_measure`,
`row_for_why`).
"""

from __future__ import annotations

import re

from rag.answer.causes import asks_why
from rag.answer.cells import _months, asked_months, names_duration, pick_cell
from rag.answer.rows import Row, parse_row
from rag.answer.tables import _term_in, label_terms
from rag.answer.vocabulary import PERIOD_WORDS, question_terms
from rag.text import content_tokens, dates, names, stem

# Of a column's header, the words that say when, not what: the rest qualify the figure.
_WHEN_WORDS = PERIOD_WORDS | {stem(w) for w in "end ended at as of in to from total".split()}
# The factor on a row's score when the cell read is under a header that qualifies the figure
# (`qualifiers`), when its label is a remainder ("Other", "Net Sales: Other") the question does
# not ask for (or is none when it asks for "other"), and when it is a cost the question does not
# ask for.
QUALIFIED = 0.8
_REMAINDER = re.compile(r"\bother\b", re.I)
# "Cost of sales: Services" is what the services cost, not their sales ("revenue" reads "sales").
_COST_OF = re.compile(r"\bcosts? of\b", re.I)
_ASKS_COST = re.compile(r"\bcosts?\b|\bexpens", re.I)
# ... and when none of its columns is of the duration asked ("in Q3 2023": three months).
OTHER_DURATION = 0.8
_YEAR_ENDED = re.compile(r"(?i)\b(?:fiscal )?years? ended\b")
# ... and when the question asks a balance on a day and the row is a flow over months: no
# flow is a balance, whatever words it shares with the question ("What was Amazon's short-term
# debt at the end of Q3 2023?" had read the quarter's proceeds; Amazon prints no balance)
FLOW_FOR_BALANCE = 0.0
# ... nor a balance on a day a flow over the months the question names ("How much did Apple
# spend on property, plant and equipment in the first nine months of 2023?" had read the
# balance sheet's "Total property, plant and equipment, net")
BALANCE_FOR_FLOW = 0.0
# ... when the question asks what was done over them ("How much cash did Amazon have in the
# first nine months?" is still a balance)
_DONE = re.compile(
    r"(?i)\b(?:spen[dt]|spending|pa(?:y|id|ying)|invest(?:ed|ing)?|earn(?:ed|ing)?|purchas\w*|"
    r"b(?:uy|ought)|repurchas\w*|issu(?:e|ed|ing)|borrow\w*|repa(?:y|id)\w*|receiv\w*|incur\w*)\b"
)
# A balance asked on a day: "as of July 1, 2023", "at the end of Q2 2023"
_AS_OF = re.compile(r"(?i)\bas (?:of|at)\b|\bat the end of\b|\bon hand\b")
# ... unless the question says how long (`cells.names_duration`) or over which quarter
_OVER_A_QUARTER = re.compile(
    r"(?i)\bquarterly\b|\b(?:for|during|over|in) (?:the )?(?:quarter|q[1-4])\b"
)
# A row of a figure before (or without) another: "Income before provision for income taxes" is
# an income, and the taxes it names are what it leaves out
_BEFORE = re.compile(r"(?i)\s(?:before|excluding)\s")


def qualifiers(header: str, terms: set[str]) -> set[str]:
    """The words of a column's header that qualify its figure and the question does not say.

    >>> sorted(qualifiers("Three Months Ended March 31, 2023 Exchange Rate Effect (1)", set()))
    ['effect', 'exchan', 'rate']
    >>> qualifiers("Three Months Ended March 31, 2023", set()), qualifiers("Fair Value", {"fair", "value"})
    (set(), set())
    """
    words = {stem(w) for w in content_tokens(header) if not w[0].isdigit()}
    return {w for w in words - _WHEN_WORDS if len(w) > 1 and not _term_in(w, terms)}


def discounted(scored, question: str, terms: set[str]):
    """`scored` (best first) with the rows read from a qualified column, labelled as a
    remainder or a cost the question does not name, or of other durations only, scored
    QUALIFIED (OTHER_DURATION) times less: Amazon's foreign-exchange table prints "Net sales"
    under "... 2023 Exchange Rate Effect" and its segment note "Net Sales: Other"; "What were
    Amazon's net sales in Q1 2023?" had read the table's $2,436, not the statement's "Total net
    sales" $127,358."""
    other = bool(_REMAINDER.search(question))
    cost = bool(_ASKS_COST.search(question))
    months = asked_months(question)
    # "at the end of Q1 2023" names a day by its quarter: a balance, whatever `months` says
    lasting = names_duration(question) or _OVER_A_QUARTER.search(question)
    instant = bool(_AS_OF.search(question)) and not (months and lasting)
    months = None if instant else months
    # (over a quarter too: "How much did Amazon spend on property and equipment in Q3 2023?"
    # had read the balance sheet's "Property and equipment, net")
    said_how_long = bool(lasting) and not instant and bool(_DONE.search(question))

    def factor(row: Row) -> float:
        # a row of other durations only ("Six Months Ended June 30") reads another period's
        # figure for a quarter: Amazon's investee "Revenues" had answered its Q3 2023 revenue
        durations = _durations(row)
        if months and durations and months not in durations:
            return OTHER_DURATION
        # ... and a flow over months for a balance on a day: "the total of Apple's commercial
        # paper as of July 1, 2023" had read "Total proceeds from/(repayments of) commercial
        # paper, net — Nine Months Ended July 1, 2023"
        if instant and durations and all(_months(h) for h, *_ in row.cells):
            return FLOW_FOR_BALANCE
        if said_how_long and not durations and all(dates(h) for h, *_ in row.cells):
            return BALANCE_FOR_FLOW
        f = QUALIFIED if qualifiers(row.cells[pick_cell(row, question)][0], terms) else 1.0
        f *= QUALIFIED if _left_out(row.label, question, terms) else 1.0
        f *= QUALIFIED if other != bool(_REMAINDER.search(row.label)) else 1.0
        return f * (QUALIFIED if not cost and _COST_OF.search(row.label) else 1.0)

    # a note's or the discussion's copy of a statement's row gives way to the statement's:
    # Amazon's stock-based compensation note prints a bare "Technology and content", Apple's
    # segment note "Research and development expense" (a reconciling item, "(7,709)"). Only
    # of an item one statement row prints ("Net sales: Services" and "Cost of sales: Services"
    # are two items): that row scores as the copy's best, the copy QUALIFIED times less
    read = [(s, r, _item(r), _in_statement(r)) for s, r in scored]  # once a row
    stated: dict[tuple[str, str], int] = {}  # statement rows of each document's item
    for _, _, item, in_statement in read:
        stated[item] = stated.get(item, 0) + in_statement
    copies: dict[tuple[str, str], float] = {}
    for s, _, item, in_statement in read:
        if not in_statement and stated[item] == 1:
            copies[item] = max(s, copies.get(item, 0.0))

    def lifted(s: float, item: tuple[str, str], in_statement: bool) -> float:
        if item not in copies:
            return s
        return max(s, copies[item]) if in_statement else s * QUALIFIED

    out = [(lifted(s, item, st) * factor(r), r) for s, r, item, st in read]
    out = _of_the_duration(out, months, terms) if months else out
    out.sort(key=lambda x: -x[0])
    return out


def _durations(row: Row) -> set[int]:
    """The months its columns run ("Nine Months Ended ...": 9; a year ended: 12)."""
    found = {_months(h) or (12 if _YEAR_ENDED.search(h) else None) for h, *_ in row.cells}
    return found - {None}


def _of_the_duration(scored, months: int, terms: set[str]):
    """`scored` with a row of other durations only scored below a row of the duration asked
    whose own name (after its group's) says each question word the first's own name says:
    "Did Apple report any share repurchase activities in its Q3 2023 10-Q?" had read the
    cash-flow statement's nine months ("Financing activities: Repurchases of common stock"),
    its group's "activities" outscoring the equity statement's quarter ("... : Common stock
    repurchased")."""

    def said(row: Row) -> frozenset[str]:
        own = label_terms(row.label.rsplit(": ", 1)[-1])
        return frozenset(t for t in terms if _term_in(t, own))

    durations = [_durations(r) for _, r in scored]
    timed = [(s, said(r)) for (s, r), d in zip(scored, durations, strict=True) if months in d]
    out = []
    for (s, r), d in zip(scored, durations, strict=True):
        words = said(r) if d and months not in d else frozenset()
        rivals = [x for x, w in timed if words and words <= w]
        out.append((min(s, max(rivals) * QUALIFIED) if rivals else s, r))
    return out


def _left_out(label: str, question: str, terms: set[str]) -> bool:
    """Whether a question's word is only in what the row's figure leaves out: "How much did
    Apple pay in income taxes?" had read "Income before provision for income taxes"."""
    m = _BEFORE.search(label)
    if m is None or _BEFORE.search(question):
        return False
    kept, left = label_terms(label[: m.start()]), label_terms(label[m.end() :])
    return any(_term_in(t, left) and not _term_in(t, kept) for t in terms)


# The primary statements, by their headings
_STATEMENT = re.compile(
    r"(?i)\bstatements? of (?:consolidated )?(?:operations|income|earnings|cash flows?|"
    r"comprehensive income|financial position)\b|\bbalance sheets?\b|\bincome statements?\b"
)


def _in_statement(row: Row) -> bool:
    from rag.context import section_words

    return bool(_STATEMENT.search(section_words(row.chunk)))


def _item(row: Row) -> tuple[str, str]:
    """A row's document and name, an expenses group and an expense's word aside ("Operating
    expenses: Research and development" and "Research and development expense" are one item;
    "Net sales: Services" and "Cost of sales: Services" two)."""
    own = " ".join(_EXPENSES_GROUP.sub("", row.label).lower().split())
    return row.chunk.doc, re.sub(r"\s+(?:expenses?|costs?)$", "", own)


_EXPENSES_GROUP = re.compile(r"(?i)^(?:(?:total|operating|costs and) )*(?:expenses|costs): ")


# ---- rows the reader read: a span in a row line answers only what its row is of


def _row_line(cand) -> str:
    """The line of the candidate's span in its passage."""
    text = cand.passage.chunk.text
    at = cand.start if cand.reread else cand.span.start  # a re-read span is its sentence's
    a = text.rfind("\n", 0, at) + 1
    b = text.find("\n", at)
    return text[a : b if b >= 0 else len(text)]


# "How many shares ...?", "How many employees ...?": a count of a thing, which it names.
_HOW_MANY = re.compile(r"(?i)\bhow many (?:[a-z]+ ){0,2}?([a-z]+s)\b")


def counts_another_thing(question: str, label: str, headers) -> bool:
    """Whether the question asks how many of a thing ("How many shares of Apple stock were
    repurchased?") and a row's label and column headers never name it: "Repurchases of common
    stock" is what the shares cost, (56,547) in millions of dollars, not how many they were.

    >>> label, heads = "Financing activities: Repurchases of common stock", ["Nine Months"]
    >>> counts_another_thing("How many shares of stock were repurchased?", label, heads)
    True
    >>> counts_another_thing("How much stock was repurchased?", label, heads)
    False
    >>> counts_another_thing("How many shares were repurchased?", "Shares repurchased", heads)
    False
    """
    m = _HOW_MANY.search(question)
    if not m:
        return False
    return not _term_in(stem(m.group(1)), label_terms(" ".join([label, *headers])))


# A qualifier and its counterpart: a row saying the one never answers a question saying the
# other ("What was Amazon's short-term debt?" had read "Long-term debt").
_COUNTERPARTS = {
    "short": "long",
    "long": "short",
    "basic": "diluted",
    "diluted": "basic",
    "operating lease": "finance lease",
    "finance lease": "operating lease",
    "non current": "current",  # (a current row says "current" alone: the reverse never holds)
}


def says_the_counterpart(question: str, label: str) -> bool:
    """Whether a row's label says the counterpart of a qualifier the question asks by, and not
    the qualifier itself.

    >>> says_the_counterpart("What was Amazon's short-term debt?", "Long-term debt")
    True
    >>> says_the_counterpart("What was diluted EPS?", "Diluted earnings per share")
    False
    >>> says_the_counterpart("What are the operating lease liabilities?", "Finance lease liabilities")
    True
    >>> says_the_counterpart("deferred revenue non-current?", "Current liabilities: Deferred revenue")
    True
    """
    q, lab = (" ".join(re.findall(r"[a-z]+", x.lower())) for x in (question, label))
    return any(
        re.search(rf"\b{a}\b", q)
        and re.search(rf"\b{b}\b", lab)
        and not re.search(rf"\b{a}\b", lab)
        for a, b in _COUNTERPARTS.items()
    )


def row_of_another_measure(question: str, cand) -> bool:
    """Whether the span is a cell of a table row whose label and headers hold none of the
    measure words the question names: "How many employees did Amazon have?" had read 92,711,
    the row "Ending additional paid-in capital" beside "issuance of employee benefit plan
    stock". (A question naming no measure, "What was it in Q3?", is not judged.) A row saying
    the counterpart of the question's qualifier is another measure too (`says_the_counterpart`)."""
    row = parse_row(_row_line(cand))
    terms = question_terms(question, set()) if row is not None else set()
    if not terms:
        return False
    label, cells = row
    said = label_terms(" ".join([label, *(h for h, *_ in cells)]))
    return not any(_term_in(t, said) for t in terms) or says_the_counterpart(question, label)


# What a question asks of a thing, not the thing: "What does other operating expense include?"
_ASKS_OF = {stem(w) for w in "include includes consist comprise cover mean means".split()}


def label_only(question: str, cand) -> bool:
    """Whether the span lies in a table row's label that holds every measure word the question
    names (its capitalised names aside): it repeats what is asked. "What does Amazon's other
    operating expense include?" had been answered "net", of "Other operating expense (income),
    net". (A label naming more, "Net sales: Greater China" for "Which segment ...?", may.)"""
    if cand.reread or any(ch.isdigit() for ch in cand.span.text):
        return False  # a figure a label states ("$0.00001 par value") may be what is asked
    line, text = _row_line(cand), cand.passage.chunk.text
    row = parse_row(line)
    a = text.rfind("\n", 0, cand.span.start) + 1
    if row is None or cand.span.end - a > len(row[0]):
        return False
    owners = {re.sub(r"['’]s$", "", n).lower() for n in names(question)}
    terms = question_terms(question, owners) - _ASKS_OF
    said = label_terms(row[0])
    return bool(terms) and all(_term_in(t, said) for t in terms)


def row_for_why(question: str, cand) -> bool:
    """Whether a question asking why was answered off a table row: a row says how much, never
    why ("How did Mac sales change and why?" read "iPad", the label of the next row)."""
    if not asks_why(question):
        return False
    return parse_row(_row_line(cand)) is not None
