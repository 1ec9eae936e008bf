"""The change (or the share) a comparison asks for, computed from the two figures its lines cite.

"What is the difference in cash position between Q3 FY2022 and Q3 FY2023?" is answered by
one cited line per period ("We ended the quarter with $3.9 billion ..." [1], "... $3.7
billion ..." [2]); the user asked for the difference. When the question asks for a difference
or a change and the comparison has exactly two lines, each stating one figure of the same
kind (a currency and scale, or a table cell), the answer says the change as arithmetic on the
cited figures ("from $3.9 billion to $3.7 billion: -$0.2 billion (-5.1%), from [1] and
[2]"), never a figure no line states. Anything less certain (a line with two amounts, a
percentage beside a dollar figure, different scales) says no change: the lines stand alone.
"What percentage of total revenue did Services contribute?" reads the part's and the whole's
rows (`measures.share_sides`) and says the first as a share of the second the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.answer.balances import item
from rag.answer.cells import read_value
from rag.answer.periods import SEQUENTIAL_WORDS
from rag.answer.rows import Row, parse_row
from rag.ingest.chunk import Chunk

# The question asks how much something moved, not only what it was in each period.
ASKS_CHANGE = re.compile(
    r"\b(differences?|differ|how much [^?]{0,80}\b(chang\w*|grow|grew|increas\w*|decreas\w*|"
    r"declin\w*|rise|rose|fall|fell|drop\w*)|by how much|chang\w* from [^?]{1,60}\bto|"
    # "the QoQ change": the change from the quarter before (`periods.sequential`)
    rf"\b{SEQUENTIAL_WORDS}\b|"
    # "the change in Amazon's net sales from Q2 2023 to Q3 2023"
    r"\bchanges? in [^?]{1,60}\bfrom (the )?(q[1-4]|(first|second|third|fourth) (fiscal )?"
    r"quarter)\b[^?]{0,40}\bto\b|"
    r"how much (more|less) [^?]{1,80}\bthan\b|"
    # "Did Amazon's net income increase in Q3 2023 compared with Q3 2022?": by how much, too
    r"(did|has|have|does|do) [^?]{0,80}\b(increase|decrease|grow|grown|rise|risen|fall|fallen|"
    r"decline|drop|improve)\b[^?]{0,40}\b(compared|from|versus|vs|over|than)\b|"
    # "... in Q3 2023 and how did it compare to Q3 2022?"
    r"how (did|does|do|has|have) [^?]{0,80}\bcompare (to|with|against) (the )?(q[1-4]|(first|"
    r"second|third|fourth) (fiscal )?quarter|fiscal|fy|(19|20)\d\d|same|prior|previous|year))",
    re.I,
)
# The question asks which period of a series stands out ("Which quarter had the highest
# revenue?").
ASKS_EXTREME = re.compile(
    r"\b(?P<high>highest|largest|biggest|strongest|(?:(?<=sold )|(?<=earned )|(?<=made ))the most)"
    r"\b|\b(?P<low>lowest|smallest|weakest|(?:(?<=sold )|(?<=earned )|(?<=made ))the least)\b|"
    # of two: "Which company had higher revenue, Apple or Amazon?"
    r"\bwhich\b[^?]*?\b(?:(?P<higher>higher|larger|bigger|more)|(?P<lower>lower|smaller|less))\b",
    re.I,
)
# The question asks for one figure as a share of another.
ASKS_SHARE = re.compile(
    r"\b(?:what|which) (?:percentage|percent|%|share|proportion|portion|fraction) of\b|"
    r"\bas an? (?:percentage|percent|%|share|proportion|fraction) of\b",
    re.I,
)
_AMOUNT = re.compile(
    r"(?<![\w.,])(?P<neg>\()?(?P<cur>[$€£])?\s?(?P<neg2>\()?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?"
    r"|\d+(?:\.\d+)?)\)?(?!\.?\d)(?P<pct>\s?%|\s?percent\b)?"
    r"(?:\s(?P<scale>thousand|million|billion|trillion)\b)?",
    re.I,
)
_MONTH_DAY = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b", re.I
)


@dataclass(frozen=True)
class Amount:
    """A figure as printed: its value in units of `scale`, with its currency and scale."""

    value: float
    currency: str
    scale: str
    decimals: int
    text: str


def amounts(text: str) -> list[Amount]:
    """The figures a sentence states, without years, days of the month and percentages.

    >>> [a.text for a in amounts("We ended Q3 2023 with $3.7 billion in cash, up 12%.")]
    ['$3.7 billion']
    >>> [(a.value, a.text) for a in amounts("Net income (loss) — June 30, 2023: (1,234)")]
    [(-1234.0, '(1,234)')]
    """
    text = _MONTH_DAY.sub(" ", text)
    out = []
    for m in _AMOUNT.finditer(text):
        num = m.group("num")
        if m.group("pct"):
            continue
        if re.fullmatch(r"(?:19|20)\d\d", num) and not m.group("cur"):
            continue  # a year
        value = float(num.replace(",", ""))
        said = m.group(0).strip(" (").rstrip()
        if m.group("neg") or m.group("neg2"):
            value = -value
            said = m.group(0).strip()  # "(804)", "$(1,234)": printed whole
        decimals = len(num.split(".")[1]) if "." in num else 0
        out.append(
            Amount(
                value,
                m.group("cur") or "",
                (m.group("scale") or "").lower(),
                decimals,
                said,
            )
        )
    return out


def _cell(sentence: str, question: str) -> str | None:
    """The cell the question reads of a comparison line that is a table row, else None."""
    parsed = parse_row(sentence)
    if parsed is None:
        return None
    label, cells = parsed
    row = Row(Chunk("", "", 0, len(sentence), sentence), 0, len(sentence), label, tuple(cells))
    return read_value(row, question)


def _figure(sentence: str, question: str) -> Amount | None:
    """The one figure a comparison line states: a table row's cell the question reads, or a
    sentence's only amount (its only one with a currency when it has several)."""
    cell = _cell(sentence, question)
    if cell is not None:
        found = amounts(cell)
        return found[0] if len(found) == 1 else None
    found = amounts(sentence)
    if len(found) > 1:
        found = [a for a in found if a.currency]
    return found[0] if len(found) == 1 else None


def _alike(a: Amount | None, b: Amount | None) -> bool:
    """Two figures of one kind: the same scale, and the same currency where both print one (a
    table prints its currency on its first row only: "$22,140" and "134,383")."""
    if a is None or b is None or a.scale != b.scale:
        return False
    return a.currency == b.currency or not (a.currency and b.currency)


def _format(value: float, like: Amount) -> str:
    sign = "-" if value < 0 else "+"
    number = f"{abs(value):,.{like.decimals}f}"
    return f"{sign}{like.currency}{number}" + (f" {like.scale}" if like.scale else "")


def change_line(question: str, sentences: list[str], numbers: list[int]) -> str | None:
    """The change from the first line's figure to the second's, citing both, or None.

    >>> change_line(
    ...     "What is the difference in cash position between Q3 FY2022 and Q3 FY2023?",
    ...     ["We ended the quarter with $3.9 billion in cash.", "We ended with $3.7 billion."],
    ...     [1, 2],
    ... )
    'Change: from $3.9 billion to $3.7 billion, -$0.2 billion (-5.1%), computed from [1] and [2]'
    >>> change_line("How has revenue changed?", ["$3.9 billion", "$3.7 billion"], [1, 2]) is None
    True
    >>> change_line("Did net income increase in Q3 2023 compared with Q3 2022?",
    ...     ["Net income — Q3 2022: $2,872", "Net income — Q3 2023: $9,879"], [1, 2])
    'Change: from $2,872 to $9,879, +$7,007 (+244.0%), computed from [1] and [2]'
    >>> change_line("What was net income in Q3 2023 and how did it compare to Q3 2022?",
    ...     ["Net income — Q3 2022: $2,872", "Net income — Q3 2023: $9,879"], [1, 2])
    'Change: from $2,872 to $9,879, +$7,007 (+244.0%), computed from [1] and [2]'
    """
    from rag.answer.growth import ASKS_GROWTH

    if len(sentences) != 2 or not (ASKS_CHANGE.search(question) or ASKS_GROWTH.search(question)):
        return None
    a, b = (_figure(s, question) for s in sentences)
    if a is None and b is None:
        return _points_line(question, sentences, numbers)
    if not _alike(a, b):
        return None
    moved = _moved(a, b)
    if moved is None:
        return f"No change: {a.text} and {b.text}, from [{numbers[0]}] and [{numbers[1]}]"
    return (
        f"Change: from {a.text} to {b.text}, {moved}, "
        f"computed from [{numbers[0]}] and [{numbers[1]}]"
    )


_PERCENT_CELL = re.compile(r"^(?P<neg>\()?(?P<num>-?\d+(?:\.\d+)?)\)?\s?%$")


def _percentage(sentence: str, question: str) -> tuple[float, int, str] | None:
    """A table row's cell the question reads when it is a percentage ("44.3%", "(0.4)%"): its
    value, decimals and text."""
    text = (_cell(sentence, question) or "").strip()
    m = _PERCENT_CELL.match(text)
    if m is None:
        return None
    value = float(m["num"]) * (-1 if m["neg"] else 1)
    return value, len(m["num"].split(".")[1]) if "." in m["num"] else 0, text


def _points_line(question: str, sentences: list[str], numbers: list[int]) -> str | None:
    """A percentage's change in percentage points, from the first line's cell to the second's
    ("Did the gross margin percentage improve in Q2 2023?": 43.7% to 44.3%), or None.

    >>> _points_line("Did it improve in Q2 2023?", ["Gross margin percentage — Q2 2022: 43.7%",
    ...     "Gross margin percentage — Q2 2023: 44.3%"], [1, 2])
    'Change: from 43.7% to 44.3%, +0.6 percentage points, computed from [1] and [2]'
    """
    a, b = (_percentage(s, question) for s in sentences)
    if a is None or b is None:
        return None
    decimals = max(a[1], b[1])
    diff = round(b[0] - a[0], decimals)
    cited = f"[{numbers[0]}] and [{numbers[1]}]"
    if diff == 0:
        return f"No change: {a[2]} and {b[2]}, from {cited}"
    return (
        f"Change: from {a[2]} to {b[2]}, {diff:+.{decimals}f} percentage points, computed from "
        f"{cited}"
    )


def _moved(a: Amount, b: Amount) -> str | None:
    """The change from figure `a` to `b` with its share of `a` ("+9 (+10.0%)"), or None when
    there is none at their precision."""
    like = max((a, b), key=lambda x: (x.decimals, bool(x.currency)))
    diff = round(b.value - a.value, like.decimals)
    if diff == 0:
        return None
    share = f" ({diff / abs(a.value):+.1%})" if a.value else ""
    return f"{_format(diff, like)}{share}"


def share_line(question: str, sentences: list[str], numbers: list[int]) -> str | None:
    """The first line's figure as a share of the second's, citing both, or None.

    >>> share_line("What percentage of total revenue did Services contribute in Q3 2023?",
    ...     ["Services — Q3 2023: 21,213", "Total net sales — Q3 2023: 81,797"], [1, 2])
    'Share: 21,213 of 81,797 = 25.9%, computed from [1] and [2]'
    >>> share_line("What was operating income as a percentage of net sales in Q3 2023?",
    ...     ["Operating income — Q3 2023: 11,188", "Total net sales — Q3 2023: 143,083"], [1, 2])
    'Share: 11,188 of 143,083 = 7.8%, computed from [1] and [2]'
    >>> share_line("Services as a % of total revenue in Q3 2023",
    ...     ["Services — Q3 2023: 21,213", "Total net sales — Q3 2023: 81,797"], [1, 2])[:26]
    'Share: 21,213 of 81,797 = '
    """
    if len(sentences) != 2 or not ASKS_SHARE.search(question):
        return None
    a, b = (_figure(s, question) for s in sentences)
    if not _alike(a, b) or b.value <= 0:
        return None
    return (
        f"Share: {a.text} of {b.text} = {a.value / b.value:.1%}, "
        f"computed from [{numbers[0]}] and [{numbers[1]}]"
    )


def derived_line(question: str, sentences: list[str], numbers: list[int]) -> str | None:
    """A measure the statements do not print (`measures.DERIVED`) computed from the two rows
    cited, or None.

    >>> derived_line("What was Amazon's gross margin in Q3 2023?",
    ...     ["Total net sales — Q3 2023: 143,083", "Cost of sales — Q3 2023: 75,022"], [1, 2])
    'Gross margin: 143,083 - 75,022 = 68,061 (47.6% of 143,083), computed from [1] and [2]'
    >>> derived_line("What is Apple's total term debt as of Q3 2023?",
    ...     ["Current liabilities: Term debt — Q3 2023: 7,216",
    ...      "Non-current liabilities: Term debt — Q3 2023: 98,071"], [1, 2])
    'Total term debt: 7,216 + 98,071 = 105,287, computed from [1] and [2]'
    >>> derived_line("How much debt does Apple have?",
    ...     ["Current liabilities: Term debt — Q3 2023: 7,216",
    ...      "Non-current liabilities: Term debt — Q3 2023: 98,071"], [1, 2])
    'Total term debt: 7,216 + 98,071 = 105,287, computed from [1] and [2]'
    >>> derived_line("What was Amazon's operating margin in Q3 2023?",
    ...     ["Operating income — Q3 2023: $11,188", "Total net sales — Q3 2023: $143,083"], [1, 2])
    'Operating margin: $11,188 of $143,083 = 7.8%, computed from [1] and [2]'
    >>> derived_line("What is Apple's current ratio as of July 1, 2023?",
    ...     ["Total current assets — Q3 2023: 122,659", "Total current liabilities — Q3 2023: 124,963"],
    ...     [1, 2])
    'Current ratio: 122,659 / 124,963 = 0.98, computed from [1] and [2]'

    Two cells of one row are the measure at two periods, not its two parts:

    >>> derived_line("How did Apple's gross margin change in Q3 2023?",
    ...     ["Total gross margin — Q3 2022: $35,885", "Total gross margin — Q3 2023: $36,413"],
    ...     [1, 2]) is None
    True
    """
    from rag.answer.measures import derived_sides

    sides = derived_sides(question)
    if sides is None or len(sentences) != 2:
        return None
    if len({s.split(" — ")[0] for s in sentences}) == 1:
        return None
    name, kind = sides[0].capitalize(), sides[1]
    a, b = (_figure(s, question) for s in sentences)
    value = _derive(kind, a, b)
    if value is None:
        return None
    cited = f"computed from [{numbers[0]}] and [{numbers[1]}]"
    if kind == "difference":
        return f"{name}: {a.text} - {b.text} = {value}, {cited}"
    if kind == "less":
        return f"{name}: {a.text} less {b.text.strip('()')} = {value}, {cited}"
    if kind == "times":
        return f"{name}: {a.text} / {b.text} = {value}, {cited}"
    if kind == "sum":
        # named by what the two rows are ("How much debt?" summed two "Term debt" rows: the
        # total of term debt, not of every debt)
        own = {s.split(" — ")[0].split(": ")[-1].strip().lower() for s in sentences}
        if len(own) == 1 and (part := own.pop()) and part not in name.lower():
            name = f"Total {part}"
        return f"{name}: {a.text} + {b.text} = {value}, {cited}"
    return f"{name}: {a.text} of {b.text} = {value}, {cited}"


def _derive(kind: str, a: Amount | None, b: Amount | None) -> str | None:
    """A derived measure's value from its two figures: "difference" (a less b, with its share
    of a), "sum", "less" (a less the outflow b), "ratio" (a over b) or "rate" (a's size over
    b); None when they are not of one kind or the measure is undefined (a difference of a
    figure that is not positive, a ratio over one that is not)."""
    if not _alike(a, b):
        return None
    if kind in ("sum", "less"):  # "less": b is an outflow, whatever its sign
        like = max((a, b), key=lambda x: (x.decimals, bool(x.currency)))
        b_value = -abs(b.value) if kind == "less" else b.value
        return _format(round(a.value + b_value, like.decimals), like).lstrip("+")
    if kind == "difference":
        if a.value <= 0:
            return None
        like = max((a, b), key=lambda x: (x.decimals, bool(x.currency)))
        diff = _format(round(a.value - b.value, like.decimals), like).lstrip("+")
        return f"{diff} ({(a.value - b.value) / a.value:.1%} of {a.text})"
    if b.value <= 0:
        return None
    if kind == "times":
        return f"{a.value / b.value:.2f}"
    return f"{(abs(a.value) if kind == 'rate' else a.value) / b.value:.1%}"


def derived_series_line(
    question: str, sentences: list[str], numbers: list[int], labels: list[str]
) -> str | None:
    """A `measures.DERIVED` measure for each period of a comparison whose lines come in pairs
    (each period's two cells), citing both of each pair, or None.

    >>> derived_series_line("How has Bell's gross margin changed?", ["Net sales — Q1: 90",
    ...     "Cost of sales — Q1: 50", "Net sales — Q2: 99", "Cost of sales — Q2: 54"],
    ...     [1, 2, 3, 4], ["Q1 2023", "Q1 2023", "Q2 2023", "Q2 2023"])
    'Gross margin: Q1 2023 40 (44.4%) [1, 2]; Q2 2023 45 (45.5%) [3, 4]'
    """
    from rag.answer.measures import derived_sides

    sides = derived_sides(question)
    n = len(sentences)
    if sides is None or n < 4 or n % 2 or len(labels) != n:
        return None
    parts = []
    for i in range(0, n, 2):
        a, b = (_figure(s, question) for s in sentences[i : i + 2])
        value = _derive(sides[1], a, b)
        if value is None or labels[i] != labels[i + 1]:
            return None
        if sides[1] == "difference":
            value = value.replace(f" of {a.text})", ")")
        parts.append(f"{labels[i]} {value} [{numbers[i]}, {numbers[i + 1]}]")
    return f"{sides[0].capitalize()}: " + "; ".join(parts)


_WHOLE = re.compile(r"(?i)^(?:total|consolidated)\b|\btotal\b")


def extreme_line(
    question: str, sentences: list[str], numbers: list[int], labels: list[str]
) -> str | None:
    """The period of a comparison whose figure is the highest (or lowest) the question asks
    for, citing its line, or None (fewer than two lines, figures not of one kind).

    >>> extreme_line("Which quarter had the highest revenue?", ["Net sales — Q1: 90",
    ...     "Net sales — Q2: 99", "Net sales — Q3: 95"], [1, 2, 3], ["Q1 2023", "Q2 2023", "Q3 2023"])
    'Highest: Q2 2023, 99 [2]'
    >>> extreme_line("Which company had higher revenue, Apple or Amazon?",
    ...     ["Total net sales — Q2: 94,836", "Total net sales — Q2: 134,383"], [1, 2], ["Apple", "Amazon"])
    'Higher: Amazon, 134,383 [2]'
    """
    m = ASKS_EXTREME.search(question)
    if m is None or len(sentences) < 2:
        return None
    if len(labels) != len(sentences) or not all(labels):  # a list's rows: their own labels
        rows = [parse_row(s) for s in sentences]
        if any(r is None for r in rows):
            return None
        # the whole ("Total net sales", "Consolidated: Operating income") is no part of it
        keep = [i for i, r in enumerate(rows) if not _WHOLE.search(r[0])]
        sentences, numbers = [sentences[i] for i in keep], [numbers[i] for i in keep]
        labels = [rows[i][0] for i in keep]
        if len(sentences) < 2:
            return None
    figures = [_figure(s, question) for s in sentences]
    if any(not _alike(figures[0], f) for f in figures):
        return None
    high = bool(m["high"] or m["higher"])
    i = (max if high else min)(range(len(figures)), key=lambda k: figures[k].value)
    if m["higher"] or m["lower"]:
        word = "Higher" if high else "Lower"
    else:
        word = "Highest" if high else "Lowest"
    return f"{word}: {labels[i]}, {figures[i].text} [{numbers[i]}]"


def span_line(
    question: str, sentences: list[str], numbers: list[int], labels: list[str]
) -> str | None:
    """Over three periods or more of one row (the same label on every line, one figure each),
    the change from the first period to the last, citing both, or None.

    >>> span_line("How has revenue changed over time?", ["Net sales — Q3 2022: 90",
    ...     "Net sales — Q1 2023: 80", "Net sales — Q3 2023: 99"], [1, 2, 3],
    ...     ["Q3 2022", "Q1 2023", "Q3 2023"])
    'From Q3 2022 to Q3 2023: 90 to 99, +9 (+10.0%), computed from [1] and [3]'
    """
    if len(sentences) < 3 or len(labels) != len(sentences) or not all(labels):
        return None
    rows = [parse_row(s) for s in sentences]
    if any(r is None for r in rows) or len({item(r[0]) for r in rows}) != 1:
        return None
    figures = [_figure(s, question) for s in sentences]
    if any(not _alike(figures[0], f) for f in figures):
        return None
    a, b = figures[0], figures[-1]
    moved = _moved(a, b) or "no change"
    return (
        f"From {labels[0]} to {labels[-1]}: {a.text} to {b.text}, {moved}, "
        f"computed from [{numbers[0]}] and [{numbers[-1]}]"
    )


def _numbers(supports, citations) -> list[int]:
    """Each support's citation number."""
    number = {(c.doc, c.start, c.end): c.n for c in citations}
    return [
        number[(p.chunk.doc, p.chunk.start + a, p.chunk.start + b)] for _, p, a, b, _ in supports
    ]


# A sentence stating a figure for each of two periods, in the periods' order: "Shipping costs
# ... were $19.9 billion and $21.8 billion in Q3 2022 and Q3 2023, and $58.8 billion and $62.2
# billion for the nine months ended September 30, 2022 and 2023."
_FIG = r"\$?\(?\d[\d,]*(?:\.\d+)?\)?(?: (?:billion|million|thousand))?"
PAIR = re.compile(
    rf"(?P<a>{_FIG}) and (?P<b>{_FIG}),? (?:in|for|during|as of) "
    r"(?P<when>[^,;]{2,80}?)(?=,|;|\.(?:\s|$)|$)"
)


def sentence_change(question: str, sentence: str, number: int) -> str | None:
    """The change between the two figures one sentence states for two periods, for a question
    asking by how much a figure moved; of the pair of the period asked when it states several.

    >>> sentence_change("How much did shipping costs increase in Q3 2023?", "Shipping costs "
    ...     "were $19.9 billion and $21.8 billion in Q3 2022 and Q3 2023, and $58.8 billion and "
    ...     "$62.2 billion for the nine months ended September 30, 2022 and 2023.", 1)
    'Change: from $19.9 billion to $21.8 billion (Q3 2022 and Q3 2023), +$1.9 billion (+9.5%), computed from [1]'
    >>> sentence_change("By how much did they grow in the first nine months of 2023?", "They were "
    ...     "$1.0 billion and $1.5 billion in Q3 2022 and Q3 2023, and $3.0 billion and $4.5 "
    ...     "billion for the nine months ended September 30, 2022 and 2023.", 2)[:49]
    'Change: from $3.0 billion to $4.5 billion (the ni'
    >>> sentence_change("What were shipping costs in Q3 2023?", "They were $1.0 billion and "
    ...     "$1.5 billion in Q3 2022 and Q3 2023.", 1) is None
    True
    """
    from rag.answer.cells import asked_months
    from rag.answer.periods import periods

    if not ASKS_CHANGE.search(question):
        return None
    asked, months = set(periods(question)), asked_months(question)

    def fits(m: re.Match) -> tuple[bool, bool]:  # the duration asked, then its period
        when = m["when"]
        return bool(months) and asked_months(when) == months, bool(asked & set(periods(when)))

    pairs = list(PAIR.finditer(sentence))
    if not pairs:
        return None
    m = max(pairs, key=fits)  # the first of the best
    a, b = amounts(m["a"]), amounts(m["b"])
    if len(a) != 1 or len(b) != 1 or not _alike(a[0], b[0]):
        return None
    moved = _moved(a[0], b[0])
    if moved is None:
        return None
    return (
        f"Change: from {a[0].text} to {b[0].text} ({m['when']}), {moved}, computed from [{number}]"
    )


def cited_change(question: str, outcome, citations) -> str | None:
    """`change_line` (or `share_line`, `derived_line`, `derived_series_line`) over a
    comparison's supports (sentence, passage, start, end, score), its lines' labels, and the
    citations numbering them."""
    kept = len(outcome.supports) - outcome.said_why
    supports, labels = outcome.supports[:kept], list(outcome.labels)[:kept]
    if outcome.form == "fact":  # "How much did shipping costs increase?": its sentence's pair
        return sentence_change(question, supports[0][0], _numbers(supports, citations)[0])
    if outcome.form == "list":  # "Which segment had the highest ...?": that is all a list adds
        from rag.answer.movers import (
            loss_line,
            mover_line,
        )  # "... grew fastest?", "... lost money?"

        sentences, numbers = [x[0] for x in supports], _numbers(supports, citations)
        return (
            mover_line(question, sentences, numbers)
            or loss_line(question, sentences, numbers)
            or extreme_line(question, sentences, numbers, [])
        )
    numbers = _numbers(supports, citations)
    sentences = [s[0] for s in supports]
    return (
        derived_line(question, sentences, numbers)  # its two rows are no change over time
        or change_line(question, sentences, numbers)
        or share_line(question, sentences, numbers)
        or derived_series_line(question, sentences, numbers, labels)
        or extreme_line(question, sentences, numbers, labels)
        or span_line(question, sentences, numbers, labels)
    )
