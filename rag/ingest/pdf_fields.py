"""Form fields whose caption is printed under the value, as on a filing's cover page:

    Apple Inc.
    (Exact name of Registrant as specified in its charter)
    California                                        94-2404110
    (State or other jurisdiction                      (I.R.S. Employer Identification No.)
    of incorporation or organization)

Read line by line the captions interleave with the values, and neither the reader nor a
citation can tell which value a caption names ("Where is Apple headquartered?" had been
answered with the caption "Zip Code"). Each field is written as one line, caption first:

    State or other jurisdiction of incorporation or organization: California
    I.R.S. Employer Identification No.: 94-2404110
"""

from __future__ import annotations

import re

from .pdf import Line

# A caption cell: an opening parenthesis and a word, never a footnote mark ("(1)", "(a)",
# "(iii)") nor an amount ("(1,234)").
_CAPTION = re.compile(r"\((?![ivxIVX]+\))[A-Za-z’'][^()]{2,}\)?")
# A rule drawn with underscores sets the lines above apart.
_RULE = re.compile(r"_{4,}")
# Captions under a statement's title say its units or that it is unaudited: no field.
_UNITS = re.compile(r"(?i)^\((?:in |amounts in |unaudited|dollars|except)")
# A field's value is printed in at most these lines above its caption.
MAX_VALUE_LINES = 3


def _caption_line(ln: Line) -> bool:
    return bool(ln.cells) and all(
        _CAPTION.fullmatch(c[0]) and not _UNITS.match(c[0]) for c in ln.cells
    )


def _continues(ln: Line, caps: list[list]) -> bool:
    """Whether `ln` carries on captions left open ("(State or other jurisdiction" over "of
    incorporation or organization)"): each cell under an open caption, closing it."""
    open_caps = [c for c in caps if not c[0].endswith(")")]
    if not open_caps or not ln.cells:
        return False
    return all(
        cell[0].endswith(")") and "(" not in cell[0] and any(_overlap(cell, c) for c in open_caps)
        for cell in ln.cells
    )


def _overlap(a, b) -> bool:
    return min(a[2], b[2]) > max(a[1], b[1])


def _nearest(cell, caps: list[list]) -> int:
    mid = (cell[1] + cell[2]) / 2
    return min(range(len(caps)), key=lambda k: abs((caps[k][1] + caps[k][2]) / 2 - mid))


def find_fields(lines: list[Line], taken: set[int]) -> list[tuple[int, int, list[str]]]:
    """Captioned fields on a page as (first line, end, "caption: value" lines), outside the
    lines `taken` by tables. The value is the lines just above the caption (up to
    `MAX_VALUE_LINES`, none a caption, none set apart by more than a line's height), printed no
    smaller than the caption; each value cell goes to the caption nearest it across the page."""
    found = []
    used = set(taken)
    i = 0
    while i < len(lines):
        ln = lines[i]
        if i in used or not _caption_line(ln):
            i += 1
            continue
        caps = [[c[0], c[1], c[2]] for c in ln.cells]
        end = i + 1
        while end < len(lines) and end not in used and _continues(lines[end], caps):
            for cell in lines[end].cells:
                k = next(
                    k for k, c in enumerate(caps) if _overlap(cell, c) and not c[0].endswith(")")
                )
                caps[k][0] = f"{caps[k][0]} {cell[0]}"
            end += 1
        start = i
        while (
            start > 0
            and i - start < MAX_VALUE_LINES
            and start - 1 not in used
            and not _caption_line(lines[start - 1])
            and not _RULE.fullmatch(lines[start - 1].text)
            and lines[start - 1].h >= ln.h
            and lines[start - 1].bottom - lines[start].top <= lines[start].h
        ):
            start -= 1
        if start == i:
            i = end
            continue
        values: list[list[str]] = [[] for _ in caps]
        for v in lines[start:i]:
            for cell in v.cells:
                values[_nearest(cell, caps)].append(cell[0])
        rows = [
            f"{c[0].strip('()').strip()}: {_joined(vals)}"
            for c, vals in zip(caps, values, strict=True)
            if vals
        ]
        if rows:
            found.append((start, end, rows))
            used.update(range(start, end))
        i = end
    return found


def _joined(values: list[str]) -> str:
    """A value's lines as one: "2200 Mission College Boulevard," and "Santa Clara," read
    "2200 Mission College Boulevard, Santa Clara"."""
    out = ""
    for v in values:
        out = f"{out} {v}" if out.endswith(",") else f"{out}, {v}" if out else v
    return out.rstrip(",")


# A column's name: capitalised words, no figure, no sentence's end ("Trading symbol(s)",
# "Name of each exchange on which registered").
_COLUMN_NAME = re.compile(r"[A-Z][A-Za-z()/&,' -]{2,80}")
# A row's cell opens as a name, a figure or a dash does; two columns of prose cut at the
# line's end do not ("revenue, higher unit cost").
_CELL_START = re.compile(r"[A-Z0-9$—–-]")
HEADED_MAX_ROWS = 15
HEADED_MAX_COLUMNS = 6
HEADED_CELL_WORDS = 10


def find_headed_rows(lines: list[Line], taken: set[int]) -> list[tuple[int, int, list[str]]]:
    """Short tables of words under a header line that names each column, as a cover page's
    registered securities ("Title of each class | Trading symbol(s) | Name of each exchange
    ..."): (header line, end, "first cell — column: cell; ..." lines). Every row has as many
    cells as the header, each under its column's name; a header with no row under it is none."""
    found = []
    i = 0
    while i < len(lines) - 1:
        head = lines[i]
        n = len(head.cells)
        if (
            i in taken
            or not 2 <= n <= HEADED_MAX_COLUMNS
            # a glossary's term ("IFS") over its meaning is no header; "Plan" over three
            # columns ("Price per month", "Storage", "Users") is
            or (n < 3 and len(head.cells[0][0].split()) < 2)
            or not all(
                _COLUMN_NAME.fullmatch(c[0]) and len(c[0].split()) <= HEADED_CELL_WORDS
                for c in head.cells
            )
        ):
            i += 1
            continue
        j = i + 1
        while (
            j < len(lines)
            and j - i <= HEADED_MAX_ROWS
            and j not in taken
            and len(lines[j].cells) == n
            and lines[j - 1].bottom - lines[j].top <= lines[j].h
            and all(
                _overlap(cell, col)
                and len(cell[0].split()) <= HEADED_CELL_WORDS
                and _CELL_START.match(cell[0])
                for cell, col in zip(lines[j].cells, head.cells, strict=True)
            )
        ):
            j += 1
        terms = all(re.fullmatch(r"[A-Z0-9&-]+", ln.cells[0][0]) for ln in lines[i + 1 : j])
        if j == i + 1 or terms:  # rows of acronyms: a glossary's, under its last term
            i += 1
            continue
        names = [c[0] for c in head.cells]
        rows = [
            f"{ln.cells[0][0]} — "
            + "; ".join(f"{h}: {c[0]}" for h, c in zip(names[1:], ln.cells[1:], strict=True))
            for ln in lines[i + 1 : j]
        ]
        found.append((i, j, rows))
        i = j
    return found
