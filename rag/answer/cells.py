"""Which cell of a table row answers a question: the column of the duration, period or day
it names, else the current period (`pick_cell`); and which rows hold shares of a whole rather
than amounts (`shares_of_a_whole`). Rows are `rag.answer.rows.Row`s."""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

from rag.answer.periods import periods
from rag.answer.vocabulary import ASKS_RATIO, SHARE_LABEL
from rag.text import HALF_YEAR, content_tokens, dates, stem

if TYPE_CHECKING:
    from rag.answer.rows import Row

_DURATION = re.compile(r"\b(three|six|nine|twelve)[- ]months?\b", re.I)
_MONTHS = {"three": 3, "six": 6, "nine": 9, "twelve": 12}
_QUARTERS = re.compile(r"\bquarter(?:s|ly)?\b", re.I)
_FIRST_QUARTERS = re.compile(r"\b(?:first|1st) (two|three) (?:fiscal )?quarters\b", re.I)
_YTD = re.compile(r"\b(year[- ]to[- ]date|ytd)\b", re.I)
_TOTAL = re.compile(r"\btotal\s*$", re.I)


def _months(text: str) -> int | None:
    m = _DURATION.search(text)
    return _MONTHS[m.group(1).lower()] if m else None


def names_duration(question: str) -> bool:
    """Whether the question says how long, not only when: "nine months", "the first half of
    2023", "year to date", "the first three quarters".

    >>> names_duration("as of the end of the nine months"), names_duration("at the end of Q1 2023")
    (True, False)
    """
    return bool(
        _months(question)
        or HALF_YEAR.search(question)
        or _YTD.search(question)
        or _FIRST_QUARTERS.search(question)
    )


def asked_months(question: str) -> int | None:
    """The duration a question names: "nine months" -> 9; a quarter -> 3; None."""
    found = _months(question)
    if found:
        return found
    if m := _FIRST_QUARTERS.search(question):  # "the first three quarters of 2023"
        return 3 * {"two": 2, "three": 3}[m[1].lower()]
    if HALF_YEAR.search(question):
        return 6
    if _YTD.search(question):
        return 12  # the longest column the row has
    if re.search(r"\b(quarter|quarterly|three-month|Q[1-4])\b", question, re.I):
        return 3
    return None


_SPOKEN = {3: "three", 6: "six", 9: "nine", 12: "twelve"}


def duration_notice(row: Row, i: int, question: str) -> str:
    """What is said when cell `i` covers another duration than the one asked: a cash flow
    statement prints the six months, not the quarter ("How much did Apple pay in dividends in
    Q2 2023?" is answered with the six months' 7,418, and says so).

    >>> from rag.answer.rows import Chunk, chunk_rows
    >>> c = Chunk("a::0", "a", 0, 52, "Dividends — Six Months Ended April 1, 2023: (7,418)")
    >>> duration_notice(chunk_rows(c)[0], 0, "in Q2 2023")
    'The table gives no figure for the quarter alone: this one covers six months.'
    >>> duration_notice(chunk_rows(c)[0], 0, "in the first half of 2023")
    ''
    """
    asked = None if _YTD.search(question) else asked_months(question)
    got = _months(row.cells[i][0])
    if not asked or not got or got == asked:
        return ""
    alone = "the quarter" if asked == 3 else f"{_SPOKEN.get(asked, asked)} months"
    return f"The table gives no figure for {alone} alone: this one covers {_SPOKEN.get(got, got)} months."


def _when(header: str) -> tuple[int, int, int] | None:
    """The date a column header ends its period on, as (year, month, day); a year alone
    gives (year, 0, 0)."""
    found = dates(header)
    if found:
        return max(found)
    years = re.findall(r"\b((?:19|20)\d\d)\b", header)
    return (int(max(years)), 0, 0) if years else None


def _stems(text: str) -> set[str]:
    return {stem(w) for w in content_tokens(text) if not w[0].isdigit()}


def pick_cell(row: Row, question: str, months: int | None = None) -> int:
    """The index of the cell a question asks for: the column whose header names the duration
    (else `months`) and period it names; else the current period: the shortest duration, the
    latest date (statements print the current period first or last), else the first column."""
    months = asked_months(question) or months
    asked = set(periods(question))
    heads = [h for h, *_ in row.cells]
    durations = [_months(h) for h in heads]
    whens = [_when(h) for h in heads]
    longest = max((d for d in durations if d), default=None)
    # of a quarter's filing, the twelve months are the trailing ones, not the year to date
    in_year = max((d for d in durations if d and d < 12), default=longest)
    shortest = min((d for d in durations if d), default=None)

    def current(i: int) -> tuple:
        d = durations[i]
        return (
            d is not None and d == shortest,
            whens[i] or (0, 0, 0),
            -i,
        )

    # a share's column ("% of Net Revenue" beside "Amount") answers only a question after a
    # share, and before the amount's: "What was Intel's net loss in Q1 2023?" had read "(23.6)%"
    ratio = bool(ASKS_RATIO.search(question))
    days = dates(question)
    words = _stems(question)
    # a year asked, no quarter, duration or day in it ("How much did Amazon spend on stock
    # repurchases in 2022?"): of a filing's columns, the longest of that year ("the 2023
    # quarters" are quarters)
    whole_year = (
        bool(asked)
        and not (months or days or _QUARTERS.search(question))
        and all(q == 0 for _, q in asked)
    )

    # nothing asked of when: a schedule of years ahead (contractual obligations, lease
    # maturities) answers with its total, not with the next quarter's payment
    total = not (months or asked or days)

    def wanted(i: int) -> float:
        share = bool(SHARE_LABEL.search(heads[i]))
        score = (0.5 if share else 0.0) if ratio else (-3.0 if share else 0.0)
        # the day asked ("as of September 24, 2022"), not the latest column beside it
        if days & dates(heads[i]):
            score += 1.5
        # a column named by words, not a period ("Dividend Per Share" beside "Amount"), that
        # the question names ("paid per share")
        if whens[i] is None and durations[i] is None and words & _stems(heads[i]):
            score += 0.5
        if total and _TOTAL.search(heads[i]):
            score += 0.5
        d = durations[i]
        named = set(periods(heads[i]))
        if months and d and (d == months or (months == 12 and d == longest)):
            score += 2
        elif whole_year and d and d == in_year and {y for y, _ in named} & {y for y, _ in asked}:
            score += 1  # "in 2022" of a quarter's filing: the year to date, of that year
        if named & asked:
            score += 1
        elif any(y == hy for y, q in asked if q == 0 for hy, _ in named):
            score += 0.5
        return score

    return max(range(len(heads)), key=lambda i: (wanted(i), current(i)))


def alike_cells(rows: list[Row], question: str) -> list[int]:
    """The cell each row of a comparison reads (`pick_cell`), of one duration across them.
    "How did AWS net sales change over 2023?" read each 2023 filing's year to date, and
    computed +211.7% from Q1's three months to Q3's nine: when the picks differ in duration,
    each row reads its quarter, unless the year to date is what is asked.

    >>> from rag.answer.rows import Chunk, chunk_rows
    >>> def row(text):
    ...     return chunk_rows(Chunk("a::0", "a", 0, len(text), text))[0]
    >>> rows = [row("Net sales — Three Months Ended March 31, 2023: 21,354"),
    ...     row("Net sales — Three Months Ended June 30, 2023: 22,140; Six Months Ended "
    ...         "June 30, 2023: 43,494")]
    >>> alike_cells(rows, "How did net sales change over 2023?")
    [0, 0]
    >>> alike_cells(rows, "How did year-to-date net sales change over 2023?")
    [0, 1]
    """
    picks = [pick_cell(r, question) for r in rows]
    if len({_months(r.cells[i][0]) for r, i in zip(rows, picks, strict=True)}) < 2:
        return picks
    if _YTD.search(question):
        return picks
    return [pick_cell(r, question, months=3) for r in rows]


def report_day(rows: list[Row]) -> tuple[int, int, int] | None:
    """The day a report's period ends: the latest day most of its rows' columns name, or
    None when its headers name no day.

    >>> from rag.answer.rows import Chunk, chunk_rows
    >>> text = chr(10).join(["Net sales — Sep 30, 2023: 9; Sep 30, 2022: 8",
    ...     "Cash — Sep 30, 2023: 5; Dec 31, 2022: 4", "Gross profit — Jun 30, 2023: (947)"])
    >>> report_day(chunk_rows(Chunk("a::0", "a", 0, len(text), text)))
    (2023, 9, 30)
    """
    latest = Counter(max(days) for r in rows if (days := dates(" ".join(h for h, *_ in r.cells))))
    return latest.most_common(1)[0][0] if latest else None


def ended_before(row: Row, question: str, day: tuple[int, int, int] | None) -> bool:
    """Whether the cell a question reads ends before the report's own `day` while the
    question names no day: another period's figure. "What was Amazon's gross profit in Q3
    2023?" had read an investee's "Six Months Ended June 30, 2023" in the quarter to
    September 30; Amazon prints no gross profit of its own.

    >>> from rag.answer.rows import Chunk, chunk_rows
    >>> c = Chunk("a::0", "a", 0, 34, "Gross profit — Jun 30, 2023: (947)")
    >>> ended_before(chunk_rows(c)[0], "in Q3 2023", (2023, 9, 30))
    True
    >>> ended_before(chunk_rows(c)[0], "as of June 30, 2023", (2023, 9, 30))
    False
    """
    if day is None or dates(question):
        return False
    found = dates(row.cells[pick_cell(row, question)][0])
    return bool(found) and max(found) < day


def read_value(row: Row, question: str) -> str:
    """The value of the cell a question reads (`pick_cell`), or "" when that cell holds no
    figure ("—"): an empty cell answers nothing ("Gross profit — —; (1,206)").

    >>> from rag.answer.rows import Chunk, chunk_rows
    >>> c = Chunk("a::0", "a", 0, 24, "Gross profit — —; (1,206)")
    >>> read_value(chunk_rows(c)[0], "gross profit"), read_value(chunk_rows(c)[0], "") == ""
    ('', True)
    """
    value = row.cells[pick_cell(row, question)][1]
    return value if any(ch.isdigit() for ch in value) else ""


# A cell printing a dash where a figure would stand: the filing reports none for that period.
_NONE = re.compile(r"\$?\s*[—–]")


def reads_none(row: Row, question: str) -> bool:
    """Whether the cell a question reads prints a dash (`read_value` gives it no figure).

    >>> from rag.answer.rows import Chunk, chunk_rows
    >>> c = Chunk("a::0", "a", 0, 54, "Common stock repurchased — Q3 2023: —; Q3 2022: (3,334)")
    >>> row = chunk_rows(c)[0]
    >>> reads_none(row, "in Q3 2023"), reads_none(row, "in Q3 2022")
    (True, False)
    """
    return bool(_NONE.fullmatch(row.cells[pick_cell(row, question)][1].strip()))


# A cell of a share: "11.5%", "(0.4)%", or, between a table's first and last rows, where
# statements print the sign once, "46.4"; a dash for none.
_PERCENT = re.compile(r"\(?[-−]?\d[\d,]*(?:\.\d+)?\)?\s?%|\(?[-−]?\d+\.\d\)?|[—–-]")
_WHOLE = re.compile(r"100(?:\.0+)?\s?%")
# rows of one table lie this close (characters of the document) however their passages split
_NEAR = 300


def shares_of_a_whole(rows: list[Row]) -> set[tuple[str, int]]:
    """The rows (by `Row.where`) of a table that states every line as a share of a whole: a
    "common-size" statement, from its revenue row reading 100.0% in each column down while
    the rows hold shares. Their labels say "Net income", but 11.5% is no net income: NVIDIA's
    had answered "What was net income?".

    >>> from rag.answer.rows import Chunk, chunk_rows
    >>> def row(i, text):
    ...     c = Chunk(f"a::{i}", "a", i * 100, i * 100 + len(text), text)
    ...     return chunk_rows(c)[0]
    >>> rows = [row(0, "Gross margin — Q3 2023: 74.0%; Q3 2022: 53.6%"),
    ...     row(1, "Revenue — Q3 2023: 100.0%; Q3 2022: 100.0%"),
    ...     row(2, "Cost of revenue — Q3 2023: 26.0; Q3 2022: 46.4"),
    ...     row(3, "Net income — Q3 2023: 51.0%; Q3 2022: 11.5%"),
    ...     row(4, "Net income — Q3 2023: $9,243; Q3 2022: $680")]
    >>> sorted(w[1] for w in shares_of_a_whole(rows))
    [142, 246, 343]
    """
    out: set[tuple[str, int]] = set()
    end = None
    whole = False
    for r in sorted(rows, key=lambda r: r.where):
        values = [v.strip() for _, v, *_ in r.cells]
        if all(_WHOLE.fullmatch(v) for v in values):
            whole = True
        elif not (
            whole
            and end is not None
            and r.chunk.start + r.start - end <= _NEAR
            and all(_PERCENT.fullmatch(v) for v in values)
        ):
            whole = False
        if whole:
            out.add(r.where)
        end = r.chunk.start + r.end
    return out
