"""The column headers of a PDF table (`rag.ingest.pdf_tables`): which header cell heads which
number column, when a period is printed once over several columns ("Three Months Ended" over
four, "2023" over "Shares  Amount", a date over the whole table), and which cells head none
("(In millions)")."""

from __future__ import annotations

import re

from .pdf import Line

_YEAR = re.compile(r"(?:19|20)\d\d")
# "(In millions)", "($ in millions, except per share data)"
_UNIT = re.compile(r"\((?:\$\s?)?(?:in|dollars|amounts|shares|unaudited)\b.*\)", re.I)
# A footnote's mark set on a line of its own, raised beside a label ("(a)", "(1)", "*")
_MARK = re.compile(r"\([a-z0-9]\)|[*†‡]+|[¹²³⁴⁵⁶⁷⁸⁹]")


def _headers(
    lines: list[Line], columns: list[tuple[float, float]], spare: list[str] | None = None
) -> list[str]:
    """The header of each column: from each header line, the cell nearest above it, top to
    bottom. A cell spanning several columns ("Three Months Ended") heads each of them, and a
    column left without a cell on a line takes the one its group shares ("December 31,"
    printed once over "2022  2021"). Cells that head no column ("(In millions)") go to
    `spare`, so that no word of the page is lost."""
    parts: list[list[str]] = [[] for _ in columns]
    groups: list[tuple] = [() for _ in columns]
    left = min(a for a, _ in columns)
    read: list[
        tuple[list, list[int | None], float]
    ] = []  # each line's cells and the one over each column
    paired: set[int] = set()  # the lines of periods over pairs of columns (`_over_pairs`)
    for ln in lines:
        if _UNIT.fullmatch(ln.text):
            if spare is not None:
                spare.append(ln.text)
            continue
        # A cell left of every column labels the label column ("(In millions)"), not a column,
        # unless it names the span of time of the years on its line (`_period_aside`).
        # A unit over a column ("(In millions)" beside a group's name) heads no column either.
        cells = [c for c in ln.cells if c[2] >= left - 2 * ln.h and not _UNIT.fullmatch(c[0])]
        aside = [c[0] for c in ln.cells if c[2] < left - 2 * ln.h or _UNIT.fullmatch(c[0])]
        lead = _period_aside(aside, cells)
        if spare is not None and not lead:
            spare.extend(aside)
        if not cells:
            continue
        if lead:
            cells = [(f"{lead} {c[0]}", c[1], c[2]) for c in cells]
        got: list[int | None] = []
        for a, b in columns:
            mid = (a + b) / 2
            n = min(range(len(cells)), key=lambda i: abs((cells[i][1] + cells[i][2]) / 2 - mid))
            _, x0, x1 = cells[n]
            near = (
                x0 - 3 * ln.h <= mid <= x1 + 3 * ln.h
                or abs((x0 + x1) / 2 - mid) <= x1 - x0
                or abs(x1 - b) <= ln.h  # right-aligned with the column's figures
            )
            got.append(n if near else None)
        if _over_all(cells, columns):
            got = [0] * len(columns)
        elif (pairs := _over_pairs(cells, columns)) is not None:
            got = pairs
            paired.add(len(read))
        elif (spans := _over_groups(cells, columns, ln.h / 2)) is not None:
            got = spans
        elif None in got and _year_each(cells, columns):
            got = list(range(len(columns)))
        read.append((cells, got, ln.h))
    # columns whose header holds a year: a period's figures, which a span of time may head
    dated = [
        any(got[k] is not None and _YEAR_IN.search(cells[got[k]][0]) for cells, got, _ in read)
        for k in range(len(columns))
    ]
    for i, (cells, got, height) in enumerate(read):
        _spanned(got, cells, columns, dated)
        for k in range(len(columns)):
            if got[k] is None and groups[k]:
                group = [m for m in range(len(columns)) if groups[m] == groups[k]]
                mates = {got[m] for m in group} - {None}
                # the shared cell sits over the group ("December 31," over "2022  2021")
                if len(mates) == 1 and (
                    columns[group[0]][0] - height
                    <= (cells[(n := next(iter(mates)))][1] + cells[n][2]) / 2
                    <= columns[group[-1]][1] + height
                ):
                    got[k] = n
        for k, n in enumerate(got):
            if n is not None:
                parts[k].append(cells[n][0])
        if spare is not None:
            spare.extend(c[0] for i, c in enumerate(cells) if i not in got)
        # a pair's period makes no group of its two columns: "% of Net" over the second is
        # not the first's ("Amount")
        mark = [(n, k) if i in paired else n for k, n in enumerate(got)]
        groups = [(*g, n) for g, n in zip(groups, mark, strict=True)]
    return [" ".join(p) for p in parts]


# A header naming a span of time without its year ("Three Months Ended", "September 30,"):
# printed once over the columns of the years below it.
_PERIOD_HEAD = re.compile(
    r"(?i)((three|six|nine|twelve|\d+)[- ]months?|weeks?|quarters?|years?)( ended| ending)?"
    r"|(january|february|march|april|may|june|july|august|september|october|november|december)"
    r"( \d{1,2},?)?"
)


_YEAR_IN = re.compile(r"\b(?:19|20)\d\d\b")
_ONE_PERIOD = _PERIOD_HEAD.pattern.removeprefix("(?i)")
# "Three Months Ended September 30": spans and dates, one after the other
_PERIOD_PHRASE = re.compile(rf"(?i)(?:{_ONE_PERIOD})(?:\s+(?:{_ONE_PERIOD}))*")


def _period_aside(aside: list[str], cells: list) -> str:
    """The span of time printed in the label column on the line of the years it heads
    ("Three Months Ended September 30,  2023  2022"): it heads each year, else "".

    >>> _period_aside(["Three Months Ended September 30,"], [("2023", 0, 1), ("2022", 2, 3)])
    'Three Months Ended September 30,'
    >>> _period_aside(["(In millions)"], [("2023", 0, 1)]), _period_aside(["Six Months"], [])
    ('', '')
    """
    if len(aside) != 1 or not cells or not all(_YEAR.fullmatch(c[0]) for c in cells):
        return ""
    words = aside[0].strip().rstrip(",")
    if _YEAR_IN.search(words) or not _PERIOD_PHRASE.fullmatch(words):
        return ""
    return aside[0].strip()


def _year_each(cells: list, columns: list[tuple[float, float]]) -> bool:
    """A line of years, one a column, each nearest its own: the years are centred over a
    column whose figures sit right of a "$" printed far left ("2022" over "$ 459", two
    points past the usual reach), and head their columns in order.

    >>> _year_each([("2022", 441, 456), ("2023", 540, 554)], [(468, 494), (566, 593)])
    True
    >>> _year_each([("2022", 441, 456)], [(468, 494), (566, 593)])
    False
    """
    if len(cells) != len(columns) or not all(_YEAR.fullmatch(c[0]) for c in cells):
        return False
    mids = [(a + b) / 2 for a, b in columns]
    return all(
        min(range(len(mids)), key=lambda k: abs((c[1] + c[2]) / 2 - mids[k])) == i
        for i, c in enumerate(cells)
    )


def _over_all(cells: list, columns: list[tuple[float, float]]) -> bool:
    """A date printed once, centred over every column ("October 30, 2022" over "Amortized
    Cost ... Marketable Securities"): it heads them all."""
    if len(cells) != 1 or len(columns) < 3:
        return False
    if not (_YEAR_IN.search(cells[0][0]) or _PERIOD_HEAD.fullmatch(cells[0][0].strip())):
        return False
    left, right = columns[0][0], columns[-1][1]
    mid = (cells[0][1] + cells[0][2]) / 2
    return abs(mid - (left + right) / 2) <= 0.15 * (right - left)


def _over_pairs(cells: list, columns: list[tuple[float, float]]) -> list[int] | None:
    """Periods each centred over a pair of columns ("Q1 2023  Q1 2022" over "Amount  % of Net
    Revenue  Amount  % of Net Revenue", Intel): a line of n dated cells over 2n columns, each
    cell's middle between its own pair's middles, heads both columns of its pair; else None.

    >>> _over_pairs([("Q1 2023", 344, 378), ("Q1 2022", 489, 524)],
    ...             [(333, 356), (403, 431), (479, 501), (548, 577)])
    [0, 0, 1, 1]
    >>> _over_pairs([("2023", 254, 269), ("2022", 316, 331)], [(219, 269), (276, 331)]) is None
    True
    """
    if len(cells) < 2 or len(columns) != 2 * len(cells):
        return None
    mids = [(a + b) / 2 for a, b in columns]
    for i, (text, x0, x1) in enumerate(cells):
        mid = (x0 + x1) / 2
        # between its pair's middles, or a year right-aligned with the pair's second column
        # ("Shares  Amount" under "2023" set over "Amount", Microsoft's repurchases)
        over = mids[2 * i] < mid < mids[2 * i + 1] or (
            _YEAR.fullmatch(text) and abs(x1 - columns[2 * i + 1][1]) <= 2
        )
        if not _YEAR_IN.search(text) or not over:
            return None
    return [k // 2 for k in range(len(columns))]


def _over_groups(cells: list, columns: list[tuple[float, float]], tol: float) -> list | None:
    """Spans of time each centred over its own run of columns ("Three Months Ended" over 2023,
    2022, $ Change and % Change; "Nine Months Ended" over the next four, NVIDIA): each heads
    every column of its run; else None. A run is two columns or more, and the runs of a line
    do not overlap."""
    if not cells or len(columns) < 2 * len(cells):
        return None
    got: list[int | None] = [None] * len(columns)
    for n, (text, x0, x1) in enumerate(cells):
        if not _PERIOD_HEAD.fullmatch(text.strip()):
            return None
        mid = (x0 + x1) / 2
        off, a, b = min(
            (
                (abs((columns[a][0] + columns[b][1]) / 2 - mid), a, b)
                for a in range(len(columns))
                for b in range(a + 1, len(columns))
                if columns[a][0] <= x0 and x1 <= columns[b][1]
            ),
            default=(tol, 0, 0),
        )
        if off >= tol or any(got[k] is not None for k in range(a, b + 1)):
            return None
        for k in range(a, b + 1):
            got[k] = n
    return got


def _spanned(
    got: list[int | None], cells: list, columns: list[tuple[float, float]], dated: list[bool]
) -> None:
    """A column a header line has no cell over takes its neighbour's cell when that cell names
    a span of time without its year and its middle lies between the two columns' middles:
    "Three Months Ended" printed once, right- (or left-) aligned over its two columns, heads
    both, not only the one it is nearer; only a column of a year (`dated`) takes it: "Change"
    beside "June 25, 2022" is no period. ("Weighted-Average" over one column heads it alone.)"""
    mids = [(a + b) / 2 for a, b in columns]
    for k in [k for k, n in enumerate(got) if n is None and dated[k]]:
        for j in (k - 1, k + 1):
            if not 0 <= j < len(columns) or got[j] is None:
                continue
            text, x0, x1 = cells[got[j]]
            if not _PERIOD_HEAD.fullmatch(text.strip()):
                continue
            if min(mids[j], mids[k]) < (x0 + x1) / 2 < max(mids[j], mids[k]):
                got[k] = got[j]
                break


def _header_over(header_lines: list[Line], cell: tuple[str, float, float]) -> str:
    """The header cells starting where a left-aligned cell starts ("Record Date" over
    "November 17, 2022"), top to bottom."""
    return " ".join(
        c[0]
        for ln in header_lines
        for c in ln.cells
        if abs(c[1] - cell[1]) <= ln.h and not _UNIT.fullmatch(c[0])
    )
