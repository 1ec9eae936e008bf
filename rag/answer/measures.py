"""Questions asking for two figures at once, each read from its own table row: two measures
set against each other ("How did Apple's operating expenses for Q1 2023 compare to its
revenue?", `two_measures`) and two facts asked together ("What were Apple's total net
sales and net income in Q3 2023?"). The label scores of `tables.lookup` are a bag of the
question's words: asked whole, such a question finds the one row holding most of both."""

from __future__ import annotations

import re

from rag.answer.base import Outcome
from rag.answer.growth import growth
from rag.answer.periods import doc_period, period_label, periods
from rag.answer.rows import document_rows
from rag.answer.tables import choose_documents, lookup
from rag.answer.vocabulary import SPLIT_BALANCES
from rag.text import LATEST, content_tokens, dates

# Two measures set against each other in one question: "How did Apple's operating expenses
# for Q1 2023 compare to its revenue?", "How did Amazon's operating expenses stack up against
# its net sales in Q1 2023?".
_TWO_MEASURES = re.compile(
    r"^(?P<a>.+?)\b(?:compared? (?:to|with|against)|(?:stacks?|measures?|measured) up (?:against|to)|"
    r"versus|vs\.?|"
    r"relative to|as a (?:share|percentage|percent) of)\s+(?P<b>.+)$",
    re.I,
)


# "Compare Apple's Mac and iPad net sales in Q1 2023": the two things after the verb
_COMPARE_TWO = re.compile(
    r"^(?:please\s+)?(?:compare|contrast)\s+(?P<a>.+?)\s+(?:and|with|to|against|versus|vs\.?)\s+"
    r"(?P<b>.+)$",
    re.I,
)


# A side's words that name when, not what ("for the same quarter", "previous quarters").
_WHEN = re.compile(
    r"\b(?:(?:for|in|during|of|over|from)\s+)?(?:the\s+)?(?:(?:same|previous|prior|preceding|earlier|past|"
    r"last|current|" + LATEST + r"|recent|first|second|third|fourth|other)?\s*(?:fiscal\s+)?"
    r"(?:quarters?|periods?|years?|months?|ones)\b|q[1-4]\b(?:\s+(?:19|20)\d\d\b)?|(?:19|20)\d\d\b)",
    re.I,
)


def two_measures(question: str) -> tuple[str, str] | None:
    """The two measures of a question setting one against another (without the words that say
    when: the whole question's periods choose the cells), or None; a side naming only periods
    ("compare to previous quarters") is a comparison over time, not of two measures.

    >>> two_measures("How did Apple's operating expenses for Q1 2023 compare to its revenue for the same quarter?")
    ("How did Apple's operating expenses", 'its revenue?')
    >>> two_measures("How does Apple's R&D compare to previous quarters?") is None
    True
    >>> two_measures("How has Apple's total net sales changed over time?") is None
    True
    >>> two_measures("Compare Apple's Mac and iPad net sales in Q1 2023.")
    ("Apple's Mac net sales", 'iPad net sales.')
    >>> two_measures("Compare Apple's net sales in Q1 2023 and Q2 2023") is None
    True
    """
    m = _TWO_MEASURES.match(question.strip()) or _COMPARE_TWO.match(question.strip())
    if not m:
        return None
    a, b = (" ".join(_WHEN.sub(" ", m[k]).split()) for k in ("a", "b"))
    b = re.sub(r"\s+([?.!,])", r"\1", b)
    if len(content_tokens(a)) < 2 or not content_tokens(re.sub(r"[?.!]", "", b)):
        return None
    # "AWS and North America operating income": a side of names only takes the other's measure
    own = [w for w in re.findall(r"[\w&'’-]+", a) if not re.search(r"['’]s$", w)]
    tail = re.search(r"(?:\b[a-z][a-z\d&-]*\s*)+(?=[?.!]*$)", b)
    if own and all(w[0].isupper() for w in own) and tail:
        a = f"{a} {tail.group().strip()}"
    return a, b


# A conjunct's edge: what asks, names the company ("Apple's") or the period, or a preposition.
_EDGE = re.compile(
    r"(?i)^(what|which|who|how|when|where|was|were|is|are|did|does|do|the|a|an|of|from|for|"
    r"in|on|at|during|by|to|as|its|their|reported|report|\w+['’]s)$"
)
_ASKING = re.compile(r"(?i)^(what|which|who|whom|whose|how|when|where|why)$")


def conjuncts(question: str) -> tuple[str, str] | None:
    """The question asked of each of two things joined by "and", or None: "What were Apple's
    total net sales and net income in Q3 2023?" -> "What were Apple's total net sales in Q3
    2023?" and "What were Apple's net income in Q3 2023?".

    >>> conjuncts("What were Apple's total net sales and net income in Q3 2023?")
    ("What were Apple's total net sales in Q3 2023?", "What were Apple's net income in Q3 2023?")
    >>> conjuncts("Who founded the firm and when?") is None
    True
    """
    split = _split(question)
    if split is None:
        return None
    words, a, i, b = split
    end = "?" if question.rstrip().endswith("?") else ""
    first = " ".join(words[:i] + words[b:]) + end
    second = " ".join(words[:a] + words[i + 1 :]) + end
    return first, second


def _split(question: str) -> tuple[list[str], int, int, int] | None:
    """(words, a, i, b): the question's words, the two things asked being words[a:i] and
    words[i + 1 : b] around the one "and" at i; None when it asks for one thing."""
    words = question.rstrip("?").split()
    at = [i for i, w in enumerate(words) if w.lower() == "and"]
    if len(at) != 1 or at[0] in (0, len(words) - 1):
        return None
    i = at[0]
    a = i
    while a > 0 and not _EDGE.match(words[a - 1].strip(",")):
        a -= 1
    b = i + 1
    while b < len(words) and not _EDGE.match(words[b]) and not words[b - 1].endswith(","):
        b += 1
    # a question word asks a second question ("and when?")
    if a == i or b == i + 1 or _ASKING.match(words[i + 1]):
        return None
    return words, a, i, b


def conjoined_facts(query: str, passages, snap, passage_of, ts) -> Outcome | None:
    """Two facts asked together, each answered by its own row (`tables.lookup`), as a list of
    the two rows; one found alone is the answer, the other said missing. None: the question
    asks for one thing, or neither part finds a row (the whole question decides)."""
    parts = conjuncts(query)
    if parts is None:
        return None
    # "and" inside a row's label joins no two things asked: "Research and development",
    # "Cash and cash equivalents", "Sales and marketing"
    words, _, i, _ = _split(query)
    # (a question typed with a straight apostrophe names the label printed with a curly one:
    # "total liabilities and stockholders' equity")
    phrase = f"{words[i - 1]} and {words[i + 1]}".lower().replace("’", "'")
    docs, _ = choose_documents("fact", query, passages, snap)
    labels = (
        r.label.lower().replace("’", "'") for d in docs for r in document_rows(snap.doc_chunks(d))
    )
    if any(phrase in label for label in labels):
        return None
    found = []
    for part in parts:
        docs, names = choose_documents("fact", part, passages, snap)
        found.append(lookup("fact", part, docs, snap.doc_chunks, passage_of, names, ts))
    got = [x for x in found if x is not None]
    if not got or (len(got) == 2 and got[0].supports[0][:4] == got[1].supports[0][:4]):
        return None
    if len(got) == 1:
        missing = next(p for p, x in zip(parts, found, strict=True) if x is None)
        got[0].notice = f"{got[0].notice} No table row answers “{missing}”".strip()
        return got[0]
    return Outcome(
        [cell_of(x) for x in got], form="list", notice=" ".join({x.notice for x in got} - {""})
    )


def cell_of(found: Outcome) -> tuple:
    """A fact's row as the cell it was read at: "Net income — Three Months Ended July 1, 2023:
    $19,881", citing the header and value (the row's other periods are not what was asked)."""
    text, passage, a, b, score = found.supports[0]
    short = found.short_answer
    chunk = passage.chunk
    if short is None or short.doc != chunk.doc:
        return found.supports[0]
    v0, v1 = short.start - chunk.start, short.end - chunk.start
    if not a <= v0 < v1 <= b:
        return found.supports[0]
    row = chunk.text
    h0 = max(a, row.rfind("; ", a, v0) + 2, row.rfind(" — ", a, v0) + 3)
    label = text.split(" — ", 1)[0]
    return (f"{label} — {row[h0:v1]}", passage, h0, v1, score)


def set_against(query, sides, passages, snap, passage_of, ts) -> Outcome | None:
    """Two measures of the same documents set against each other ("operating expenses ...
    compare to its revenue"): each side's row, as a fact would find it, the periods the whole
    question names choosing the cells; None unless both sides find a row, and two rows."""
    docs, names = choose_documents("fact", query, passages, snap)
    said = " ".join(f"in {period_label(p)}" for p in periods(query))

    def read(side: str):
        return lookup(
            "fact", f"{side} {said}".strip(), docs, snap.doc_chunks, passage_of, names, ts
        )

    if share_sides(query) and not _AS_SHARE.match(query.strip()):
        # the whole's row first; the part is named in its words ("Services" of "Total net
        # sales" is "Services net sales", not "Cost of sales: Services")
        whole = read(sides[1])
        label = whole.supports[0][0].split(" — ")[0] if whole else ""
        found = [read(f"{sides[0]} {_WHOLE_ONLY.sub(' ', label)}"), whole]
    else:
        found = [read(side) for side in sides]
    if any(x is None for x in found) or found[0].supports[0][:4] == found[1].supports[0][:4]:
        return None
    # a period asked reads each side at its cell; none asked, the rows are shown whole
    at = periods(query) or dates(query)
    supports = [cell_of(x) if at else x.supports[0] for x in found]
    return Outcome(supports, form="comparison", labels=["", ""], notice=found[0].notice)


# "What percentage of Apple's total revenue did the Services segment contribute in Q3 2023?"
_SHARE_OF = re.compile(
    r"(?i)^(?:what|which) (?:percentage|percent|%|share|proportion|portion|fraction) of "
    r"(?P<whole>.+?) (?:did|does|do|was|is|were) (?P<part>.+?) "
    r"(?:contribute|account for|represent|make up|generate|come from)\b(?P<rest>[^?]*)\??$"
)
# "What percentage of Apple's revenue came from Greater China in Q3 2023?"
_SHARE_FROM = re.compile(
    r"(?i)^(?:what|which) (?:percentage|percent|%|share|proportion|portion|fraction) of "
    r"(?P<whole>.+?) (?:came|comes|come|was|were|is|are) (?:from|generated by|contributed by|"
    r"attributable to|earned in|earned from) (?P<part>.+?)"
    r"(?P<rest>\b(?:in|for|during|as of|over)\b[^?]*)?\??$"
)
# "What was Amazon's operating income as a percentage of net sales in Q2 2023?": the part
# names its own measure
_AS_SHARE = re.compile(
    # ... also typed without the question's words: "Services as a % of Apple's revenue"
    r"(?i)^(?:(?:what|how much) (?:was|is|were|are) )?(?P<part>.+?),? as an? "
    r"(?:percentage|percent|%|share|proportion|fraction) of (?P<whole>.+?)"
    r"(?P<rest>\b(?:in|for|during|as of|over)\b[^?]*)?\??$"
)
_WHOLE_ONLY = re.compile(r"(?i)\b(?:total|overall|combined|the|its|their|\w+['’]s)\b")


def share_sides(question: str) -> tuple[str, str] | None:
    """The part and the whole of a question after one's share of the other, each as the measure
    a row would name (a segment takes the whole's measure: a segment's share of revenue is its
    revenue; "operating income as a percentage of net sales" names its own), or None.

    >>> share_sides("What percentage of Apple's total revenue did the Services segment "
    ...     "contribute in Q3 2023?")
    ('the Services segment revenue', "Apple's total revenue")
    >>> share_sides("What percentage of Apple's revenue came from Greater China in Q3 2023?")
    ('Greater China revenue', "Apple's revenue")
    >>> share_sides("What was Amazon's operating income as a percentage of net sales in Q2 2023?")
    ("Amazon's operating income", 'net sales')
    """
    m = _AS_SHARE.match(question.strip())
    if m:
        return m["part"].strip(), m["whole"].strip()
    m = _SHARE_OF.match(question.strip()) or _SHARE_FROM.match(question.strip())
    if not m:
        return None
    measure = " ".join(_WHOLE_ONLY.sub(" ", m["whole"]).split())
    return " ".join(f"{m['part']} {measure}".split()), m["whole"]


# Measures analysts name that many statements never print, each computed from two rows that
# they do print (kind, first measure, second measure): Amazon's statements have no "gross
# margin" row, only "Total net sales" and "Cost of sales".
DERIVED = (
    # what is owed within a year, covered by what turns to cash within it
    (
        re.compile(r"(?i)\bcurrent ratio\b"),
        "times",
        "total current assets",
        "total current liabilities",
    ),
    # ... and what is left of it once that is paid ("working capital" had read "Common stock"
    # rows: "capital" is a word of their labels)
    (
        re.compile(r"(?i)\b(?:net )?working capital\b"),
        "less",
        "total current assets",
        "total current liabilities",
    ),
    (
        re.compile(r"(?i)\bgross (?:margin|profit)s?\b(?! percentage)"),
        "difference",
        "total revenue",
        "cost of sales",
    ),
    (
        re.compile(r"(?i)\boperating (?:profit )?margins?\b"),
        "ratio",
        "operating income",
        "total revenue",
    ),
    (
        re.compile(r"(?i)\b(?:net (?:profit |income )?|profit )margins?\b"),
        "ratio",
        "net income",
        "total revenue",
    ),
    # a balance a balance sheet splits into what is due within a year and after ("Current
    # liabilities: Term debt", "Non-current liabilities: Term debt") and never totals; "term
    # debt" with neither part named is the whole (`tables` reads no part of it for it)
    (
        re.compile(
            rf"(?i)\btotal (debt|{SPLIT_BALANCES})\b|"
            r"(?<![\w-])(?<!current )(?<!non-current )(?<!long-term )(?<!short-term )"
            rf"({SPLIT_BALANCES})\b|"
            # "How much debt does Apple have?": all it owes, due soon and later
            r"(?<=\bhow much )(debt)\b"
        ),
        "sum",
        lambda m: f"current {m[1] or m[2] or m[3]}",
        lambda m: f"non-current {m[1] or m[2] or m[3]}",
    ),
    # what operations brought in less what was spent on property and equipment (printed as an
    # outflow, "(12,479)"; Amazon prints its own "Free cash flow" row, read as it is)
    (
        re.compile(r"(?i)\bfree cash flows?\b"),
        "less",
        "cash from operating activities",
        "purchases of property and equipment",
    ),
    # the provision's sign is the statement's convention ("Benefit (provision) for income
    # taxes — ...: (2,306)"): the rate is its size over the income before taxes
    (
        re.compile(r"(?i)\beffective (?:income )?tax rates?\b"),
        "rate",
        "provision for income taxes",
        "income before income taxes",
    ),
)


# A part of a balance asked, not the current period ("in the current quarter")
_ONE_PART = re.compile(
    r"(?i)\b(?:non-?\s?)?current\b(?!\s+(?:quarter|period|year|fiscal|month))|\bshort-term\b|"
    r"\bdue within\b"
)


def derived_sides(question: str) -> tuple[str, str, str, str] | None:
    """(name, kind, first question, second question) for a question after a `DERIVED`
    measure: the question asked of each row it is computed from, or None.

    >>> derived_sides("What was Amazon's gross margin in Q3 2023?")
    ('gross margin', 'difference', "What was Amazon's total revenue in Q3 2023?", "What was Amazon's cost of sales in Q3 2023?")
    >>> derived_sides("What was Apple's operating income in Q3 2023?") is None
    True
    >>> derived_sides("What is Apple's total term debt as of Q3 2023?")[1:]
    ('sum', "What is Apple's current term debt as of Q3 2023?", "What is Apple's non-current term debt as of Q3 2023?")
    >>> derived_sides("How much term debt did Apple have?")[2]
    'How much current term debt did Apple have?'
    >>> derived_sides("What was Apple's current term debt?") is None
    True
    >>> derived_sides("How much debt does Apple have?")[2:]
    ('How much current debt does Apple have?', 'How much non-current debt does Apple have?')
    >>> derived_sides("What is the current portion of Apple's term debt?") is None
    True
    >>> derived_sides("How much term debt did Apple have in the current quarter?")[1]
    'sum'
    """
    for rx, kind, first, second in DERIVED:
        m = rx.search(question)
        if m and kind == "sum" and _ONE_PART.search(question):
            continue  # "the current portion of Apple's term debt": that part alone
        if m:
            name = " ".join(m[0].lower().split())
            if kind == "sum" and not name.startswith("total "):
                name = f"total {name}"
            return name, kind, rx.sub(first, question, 1), rx.sub(second, question, 1)
    return None


def _pair(sides, doc, snap, passage_of, names, ts):
    """The two rows of `doc` a `DERIVED` measure is computed from, or None; the second is looked
    for first in the first row's table (Amazon's "Cost of sales" is also a row of its
    stock-based compensation table, pages later)."""
    first = lookup("fact", sides[2], [doc], snap.doc_chunks, passage_of, names, ts)
    if first is None:
        return None
    chunk = first.supports[0][1].chunk
    chunks = snap.doc_chunks(doc)
    i = next(i for i, c in enumerate(chunks) if c.chunk_id == chunk.chunk_id)

    def near(_doc):  # the first row's passage and the next: one statement
        return chunks[i : i + 2]

    from rag.answer.tables import label_holds_all

    second = None
    for chunks_of in (near, snap.doc_chunks):
        second = lookup("fact", sides[3], [doc], chunks_of, passage_of, names, ts)
        # near, only a row saying all the measure's words: "Current liabilities: Accounts
        # payable" is no "Total current liabilities" printed further on
        if (
            second is not None
            and first.supports[0][:4] != second.supports[0][:4]
            and (chunks_of is not near or label_holds_all(sides[3], second.supports[0][0], names))
        ):
            break
        second = None  # none there, or the first row again (both say "income taxes")
    if second is None:
        return None
    return first, second


def derived(query, passages, snap, passage_of, ts, found: Outcome | None) -> Outcome | None:
    """A `DERIVED` measure's two rows, for the answer to compute from (`arithmetic.
    derived_line`), when the row `found` for the question (if any) does not name the measure
    (a "Gross margin" row answers as it is); else `found`."""
    sides = derived_sides(query)
    if sides is None:
        return found
    label = found.supports[0][0].split(" — ")[0].lower() if found is not None else ""
    if all(w in label for w in sides[0].split()):
        return found
    docs, names = choose_documents("fact", query, passages, snap)
    pair = _pair(sides, docs[0], snap, passage_of, names, ts) if docs else None
    if pair is None:
        return found
    supports = [cell_of(x) for x in pair]  # the cells of the period asked
    if not _summable(sides[1], supports):
        return found
    return Outcome(supports, form="comparison", labels=["", ""], notice=pair[0].notice)


def _summable(kind: str, cells: list) -> bool:
    """Whether two cells make the measure: the two parts of a balance ("sum") are balances of
    one day (a lease's "Long-term lease liabilities — March 31, 2023" and the maturities' "Nine
    Months Ended December 31, 2023" are no total, nor the term debt and the nine months'
    proceeds from issuing it)."""
    if kind != "sum":
        return True
    if any(_OVER_MONTHS.search(x[0]) for x in cells):
        return False  # a flow over months ("Proceeds from issuance of term debt") is no part
    a, b = (dates(x[0]) for x in cells)
    return bool(a) and a == b


_OVER_MONTHS = re.compile(r"(?i)\b(?:months|weeks|years?) ended\b")


_ONE_FILING = re.compile(rf"(?i)\b(?:{LATEST}|last)\b")


def derived_series(query, passages, snap, passage_of, ts, found: Outcome | None):
    """A comparison over time of a `DERIVED` measure ("How has Amazon's gross margin changed?"):
    each filing's two cells (its own quarter), labelled by its period, for the answer to compute
    each period's figure from (`arithmetic.derived_series_line`); else `found`."""
    sides = derived_sides(query)
    if sides is None or _ONE_FILING.search(query):
        return found  # "the most recent 10-Q ... compares with the notes": not over time
    if found is not None and any(
        all(w in x[0].split(" — ")[0].lower() for w in sides[0].split()) for x in found.supports
    ):
        return found
    docs, names = choose_documents("comparison", query, passages, snap)
    supports, labels = [], []
    for doc in docs:
        pair = _pair(sides, doc, snap, passage_of, names, ts)
        p = doc_period(doc)
        if pair is not None and p and _summable(sides[1], cells := [cell_of(x) for x in pair]):
            supports += cells
            labels += [period_label(p)] * 2
    if len(supports) < 4:
        return found
    return Outcome(supports, form="comparison", labels=labels)


def stated(query: str, passages) -> bool:
    """Whether a passage retrieved for a `DERIVED` measure says it with a figure in one
    sentence ("Our effective tax rate was 19% and 17% for the three months ..."): the
    document's own words answer, not a computation.

    >>> from types import SimpleNamespace as N
    >>> from rag.ingest.chunk import Chunk
    >>> t = "We believe operating income is more meaningful than gross margin. Sales rose 9%."
    >>> stated("What was the gross margin?", [N(chunk=Chunk("a::0", "a", 0, len(t), t))])
    False
    """
    sides = derived_sides(query)
    if sides is None:
        return False
    name = re.compile(r"\s+".join(sides[0].split()), re.I)
    for p in passages:
        text = p.chunk.text
        for a, b in p.chunk.sentence_spans():
            if name.search(text[a:b]) and re.search(r"\d(?:[\d,.]*\d)?\s?%|\$\s?\d", text[a:b]):
                return True
    return False


def computed(form, query, passages, snap, passage_of, ts, found: Outcome | None):
    """The table stage's row `found` for a fact or a comparison, or what a measure the
    statements do not print is computed from: a derived measure's two rows (`derived`,
    `derived_series`) unless a retrieved sentence states it (`stated`), a growth's two cells
    (`growth`); else `found`."""
    if stated(query, passages):
        return found if form != "fact" else growth(query, passages, snap, passage_of, ts, found)
    if form == "fact":
        found = derived(query, passages, snap, passage_of, ts, found)
        return growth(query, passages, snap, passage_of, ts, found) or paired(query, passages, snap)
    if form == "comparison":
        return derived_series(query, passages, snap, passage_of, ts, found)
    return found


# The passages a fact is read from (the reader's few).
PAIRED_PASSAGES = 3


def paired(query: str, passages, snap) -> Outcome | None:
    """For a question asking by how much a figure moved, the first sentence of the passages
    read that states the figure (every word the question names it by) for two periods of the
    one asked ("Shipping costs ... were $19.3 billion and $20.5 billion in Q2 2022 and Q2
    2023"), for the answer to compute the change from (`arithmetic.sentence_change`); or None.
    The reader had read "absolute dollars" off the next passage's sales and marketing costs."""
    from rag.answer.arithmetic import ASKS_CHANGE, PAIR
    from rag.answer.tables import _term_in, label_terms
    from rag.answer.vocabulary import question_terms

    if not ASKS_CHANGE.search(query):
        return None
    _, names = choose_documents("fact", query, passages, snap)
    terms, asked = question_terms(query, names), set(periods(query))
    for p in passages[:PAIRED_PASSAGES]:
        text = p.chunk.text
        for a, b in p.chunk.sentence_spans():
            sentence = text[a:b]
            held = label_terms(sentence)
            if not terms or not all(_term_in(t, held) for t in terms):
                continue
            if any(asked <= set(periods(m["when"])) for m in PAIR.finditer(sentence)):
                return Outcome([(sentence, p, a, b, 1.0)])
    return None
