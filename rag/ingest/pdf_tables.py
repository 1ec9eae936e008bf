"""Tables on a PDF page -> one line per row: 'label — column header: value; ...'.

A run of visual lines (rag/ingest/pdf.py) whose cells after the first are numbers is a table; the
lines just above it that sit over the number columns are its column headers; label lines
without numbers ("Operating expenses:") head the indented rows below them.
"""

from __future__ import annotations

import logging
import re
import statistics

from rag.text import DATE

from .pdf import _LINE_HYPHENS, Line
from .pdf_table_heads import _MARK, _UNIT, _YEAR, _header_over, _headers

log = logging.getLogger(__name__)

_NUM = (
    r"[$€£]?\(?[$€£]?[-−+]?(?:\d[\d,]*(?:\.\d+)?|\.\d+)\)?%?\)?(?:[¹²³⁴⁵⁶⁷⁸⁹*]|pts?|ppts?|bps|x)?"
)
# A number as tables print it ("$ (1,234)", "19%", "2ppt", "2.13%–3.50%"), a dash, or n/a.
_VALUE = re.compile(rf"{_NUM}(?:[–-]{_NUM})?|[$€£]?[—–-]+%?|n/?a|N/?A|NM|nm|\*+")
# a sentence's end, not an abbreviation's ("Debt securities issued by the U.S.")
_ENDS_SENTENCE = re.compile(r"(?<!\b[A-Z]\.[A-Z])[.;!?]$")
# A word in a number column: a fair value's level beside its figures ("Level 2", "Other")
_WORD_CELL = re.compile(r"Level \d|Other")


def _is_value(cell: str) -> bool:
    return bool(_VALUE.fullmatch(cell.replace(" ", "")))


def _is_date(cell: str) -> bool:
    """A day in a row's cells ("November 17, 2022": a dividend's record date)."""
    m = DATE.match(cell)
    return m is not None and m.end() == len(cell)


def _kind(line: Line) -> str:
    """'row' (a label and numbers), 'years' (a header of years or dates), 'text'."""
    cells = line.cells
    if len(cells) < 2:
        return "text"
    values = cells[1:] if not _is_value(cells[0][0]) else cells
    words = [c for c in values if not _is_value(c[0]) and not _is_date(c[0])]
    if len(words) < len([c for c in values if not _is_value(c[0])]) and (
        words or values[0] is cells[0] or not any(_is_value(c[0]) for c in values)
    ):
        return "text"  # days beside figures only in a labelled row of figures
    if words and (
        len(words) > 1
        or not _WORD_CELL.fullmatch(words[0][0])
        or len(values) < 3
        or not any(c not in words and any(ch.isdigit() for ch in c[0]) for c in values)
        or values[0] is cells[0]
        or all(_YEAR.fullmatch(c[0]) for c in values if c is not words[0])  # "2023  Change"
    ):
        return "text"
    if all(_YEAR.fullmatch(c[0]) for c in values):
        return "years"
    if not any(any(ch.isdigit() for ch in c[0]) for c in values):
        return "text"  # dashes only: a rule or a signature line, not data
    return "row"


def find_tables(lines: list[Line]) -> list[tuple[int, int, int]]:
    """Tables on a page as (first header line, first body line, end) indices into `lines`."""
    kinds = [_kind(ln) for ln in lines]
    tables = []
    i = 0
    while i < len(lines):
        if kinds[i] != "row":
            i += 1
            continue
        first_value_x = min(c[1] for c in lines[i].cells[1:])
        j = i + 1
        while j < len(lines):
            prev, ln = lines[j - 1], lines[j]
            if prev.bottom - ln.top > 2.2 * max(ln.h, prev.h):
                break
            if kinds[j] in ("row", "years") or _dashes(ln):
                j += 1
            elif len(ln.cells) == 1 and ln.words[-1][2] < first_value_x and len(ln.text) < 120:
                j += 1  # a label over the rows below it ("Operating expenses:")
            else:
                break
        while j > i + 1 and kinds[j - 1] == "text":
            j -= 1  # trailing labels belong to what follows
        rows = sum(1 for k in range(i, j) if kinds[k] == "row")
        # Labels just above the first row ("Net sales:") open the body.
        b = i
        while (
            i - b < 3
            and _label_above(lines, kinds, b, first_value_x)
            and (_opens_rows(lines[b - 1], lines[i]) or _wrapped(lines[b - 1], lines[b], b < i))
        ):
            b -= 1
        h = _header_start(lines, kinds, b, first_value_x)
        if rows >= 2 and not _headed(lines[h:b]):
            # Labels of any length over the first rows ("September 30, 2022", "Changes in Fair
            # Value Recorded in Other Comprehensive Income"), with the headers above them.
            k = b
            while (
                b - k < 4
                and _label_above(lines, kinds, k, first_value_x)
                and not _ENDS_SENTENCE.search(lines[k - 1].text)
            ):
                k -= 1
                top = _header_start(lines, kinds, k, first_value_x)
                if _headed(lines[top:k]):
                    b, h = k, top
                    break
        if rows >= 2 or (rows == 1 and h < b):
            tables.append((h, b, j))
            i = j
        else:
            i += 1
    return tables


def _label_above(lines: list[Line], kinds: list[str], k: int, first_value_x: float) -> bool:
    """Whether the line above line `k` is words in the label column, close above it."""
    return (
        k > 0
        and kinds[k - 1] == "text"
        and len(lines[k - 1].cells) == 1
        and lines[k - 1].words[-1][2] < first_value_x
        and not _gap(lines[k - 1], lines[k])
    )


def _header_start(lines: list[Line], kinds: list[str], b: int, first_value_x: float) -> int:
    """Where the headers of a table whose body starts at `b` start: the lines just above it
    that sit over the number columns (or a row of years); `b` when there are none."""
    h = b
    while h > 0 and b - h < 6:
        above = lines[h - 1]
        if _gap(above, lines[h]) or _title_over(above, lines[h]):
            break
        if _UNIT.fullmatch(above.text) or _MARK.fullmatch(above.text):
            h -= 1  # "(In millions)": kept beside the rows, heads no column
            continue
        over = [c for c in above.cells if c[1] >= first_value_x - 6 * above.h]
        if kinds[h - 1] == "years" or (
            kinds[h - 1] == "text"
            and over
            and not all(_is_value(c[0]) for c in over)  # "—  —": a row of dashes
            and len(above.cells) - len(over) <= 1
            and len(above.text) < 160
        ):
            h -= 1
        else:
            break
    return h


def _headed(header: list[Line]) -> bool:
    """Whether header lines hold more than units and footnote marks."""
    return any(not (_UNIT.fullmatch(ln.text) or _MARK.fullmatch(ln.text)) for ln in header)


def _dashes(ln: Line) -> bool:
    """A row whose figures are all dashes ("Preferred stock  —  —"): inside a table it is one
    of its rows, not the end of it."""
    cells = ln.cells
    return (
        len(cells) >= 2
        and not _is_value(cells[0][0])
        and all(
            _VALUE.fullmatch(c[0].replace(" ", "")) and not any(ch.isdigit() for ch in c[0])
            for c in cells[1:]
        )
    )


def _wrapped(line: Line, below: Line, below_is_label: bool) -> bool:
    """A label's first line(s) printed above the row that ends it ("Research and" /
    "development" over "expenses  $2,294 ..."): words starting where the label starts, the
    line below continuing them in lower case."""
    text = line.text
    first = below.text if below_is_label else below.cells[0][0]
    return (
        len(line.cells) == 1
        and abs(line.x0 - below.x0) <= below.h
        and len(text.split()) <= 4
        and not text.endswith((".", ",", ";", ":"))
        and first[:1].islower()
    )


def _opens_rows(label: Line, row: Line) -> bool:
    """Whether a line of words just above a table's first row labels the rows below it:
    "Net sales:", "ASSETS", or a short name no further right than the rows' labels ("North
    America" over "Net sales  $78,843 ...", a segment's rows), never a sentence."""
    text = label.text
    if len(text) >= 80:
        return False
    if text.endswith(":") or text.isupper():
        return True
    return (
        label.x0 <= row.x0 + row.h
        and len(text.split()) <= 6
        and text[:1].isupper()
        and not text.endswith((".", ",", ";"))
    )


def _title_over(above: Line, below: Line) -> bool:
    """A page's or statement's title printed close over a table's headers ("INCOME
    STATEMENTS" over "Three Months Ended"), in a larger font: it heads no column."""
    return (
        above.style is not None
        and below.style is not None
        and len(above.cells) == 1
        and above.style[1] > 1.2 * below.style[1]
    )


def _gap(above: Line, below: Line) -> bool:
    """Lines too far apart to belong to one table."""
    return above.bottom - below.top > 2.2 * max(above.h, below.h)


def _labelled(ln: Line, margin: float) -> bool:
    """Whether a row's first cell is its label: words, or a number in the label column
    ("2024  5,250" in a table of maturities by year)."""
    first = ln.cells[0]
    return not _is_value(first[0]) or (len(ln.cells) > 1 and first[1] <= margin + 2 * ln.h)


def _columns(rows: list[Line], margin: float) -> list[tuple[float, float]]:
    """Number columns as (x0, x1), from the right edges of the values (numbers align right)."""
    cells = [
        c
        for ln in rows
        for c in (ln.cells[1:] if _labelled(ln, margin) else ln.cells)
        if any(ch.isdigit() for ch in c[0]) and not _is_date(c[0])
    ]
    if not cells:
        return []
    tol = statistics.median(ln.h for ln in rows)
    cells.sort(key=lambda c: c[2])
    groups: list[list] = [[cells[0]]]
    for c in cells[1:]:
        if c[2] - groups[-1][-1][2] <= tol:
            groups[-1].append(c)
        else:
            groups.append([c])
    return [
        (statistics.median(c[1] for c in g), statistics.median(c[2] for c in g)) for g in groups
    ]


def _column_of(cell: tuple[str, float, float], columns: list[tuple[float, float]]) -> int:
    best, best_d = 0, float("inf")
    for k, (a, b) in enumerate(columns):
        overlap = min(b, cell[2]) - max(a, cell[1])
        d = -overlap if overlap > 0 else abs((a + b) / 2 - (cell[1] + cell[2]) / 2)
        if d < best_d:
            best, best_d = k, d
    return best


def _clean_value(v: str) -> str:
    """'$ 7,709' -> '$7,709', '( 265 )' -> '(265)', '12 %' -> '12%'."""
    v = re.sub(r"([$€£(])\s+", r"\1", v)
    return re.sub(r"\s+([)%])", r"\1", v)


# A row summing those above it: "Total ...", a cash flow statement's "Net cash from
# operations", "Cash generated by/(used in) investing activities".
_TOTAL = re.compile(r"(?i)total\b|net cash\b|cash (?:generated|provided|used|from)\b")


# A row giving the row above as a share: "Percentage of total net sales" under "Research and
# development", "% of net revenue" under each expense.
_RATIO = re.compile(r"(?i)(?:as a )?(?:percentage|percent|%) of\b")


def _body_columns(body: list[Line]) -> tuple[list[Line], float, list[tuple[float, float]]]:
    """A table's rows, the left edge of their labels and their number columns."""
    rows = [ln for ln in body if _kind(ln) == "row"]
    margin = min((ln.x0 for ln in rows if not _is_value(ln.cells[0][0])), default=-1e9)
    return rows, margin, _columns(rows, margin)


def _same_columns(a: list[tuple[float, float]], b: list[tuple[float, float]], tol: float) -> bool:
    return len(a) == len(b) > 0 and all(abs(x[1] - y[1]) <= tol for x, y in zip(a, b, strict=True))


def table_rows(header_lines: list[Line], body: list[Line]) -> list[str]:
    """One line per table row: 'label — header: value; header: value'. Words of the table that
    are neither a label, a header nor a value (a unit, a label over no row) get a line of
    their own where they stand."""
    rows, margin, columns = _body_columns(body)
    if not columns:
        return []
    spare: list[str] = []
    headers = _headers(header_lines, columns, spare)
    out: list[str] = [" ".join(spare)] if spare else []
    # [indent, label, used, flat]: labels over indented rows, or over the rows at their own
    # indent that follow them ("Revenue" over the segments, then "Operating Income" over the
    # same segments again, all flush left)
    parents: list[list] = []
    pending = ""  # the first line of a label that wraps
    previous = ""  # the last row's label, which a ratio row under it is of

    def pop() -> None:
        _, text, used, _ = parents.pop()
        if not used:
            out.append(text)

    for n, ln in enumerate(body):
        kind = "row" if _dashes(ln) else _kind(ln)
        if kind == "years":
            spare = []
            base = _headers([h for h in header_lines if _kind(h) != "years"], columns)
            new = _headers([ln], columns, spare)
            headers = [f"{a} {b}".strip() for a, b in zip(base, new, strict=True)]
            out.extend(spare)
            continue
        if kind == "text":
            text = ln.text
            while parents and parents[-1][0] >= ln.x0 - 1:
                if pending and parents[-1][1] == pending and text[:1].islower():
                    parents.pop()  # this line continues the label above
                    text = _join_wrapped(pending, text)
                    break
                pop()
            label = text.rstrip(":").strip()
            after = body[n + 1] if n + 1 < len(body) else None
            flat = (
                after is not None
                and _kind(after) == "row"
                and _labelled(after, margin)
                and abs(after.x0 - ln.x0) <= 1
                and text[:1].isupper()  # not a sentence's end ("as follows (in millions):")
                and _opens_rows(ln, after)
            )
            parents.append([ln.x0, label, False, flat])
            pending = "" if text.endswith(":") else label
            continue
        labelled = _labelled(ln, margin)
        label = ln.cells[0][0] if labelled else ""
        if pending and parents and parents[-1][1] == pending and label[:1].islower():
            parents.pop()  # the label-only line above was this label's first line
            label = _join_wrapped(pending, label)
        pending = ""
        while parents and parents[-1][0] >= ln.x0 - 1:
            if parents[-1][3] and abs(parents[-1][0] - ln.x0) <= 1:
                break
            pop()
        # a total (`_TOTAL`): no group's name heads it
        total = bool(_TOTAL.match(label))
        if label and not total:
            label = ": ".join([p[1] for p in parents] + [label])
            for p in parents:
                p[2] = True
        elif not label and parents:
            label = parents[-1][1]
            parents[-1][2] = True
        if total and parents:
            pop()  # a total closes the group it sums
        if _RATIO.match(label.rpartition(": ")[2]) and previous:
            label = f"{previous}: {label.rpartition(': ')[2]}"  # the row above's share
        else:
            previous = label
        values = []
        for cell in ln.cells[1:] if labelled else ln.cells:
            # a day is set left-aligned under its header, not in a number column
            head = (
                _header_over(header_lines, cell)
                if _is_date(cell[0])
                else headers[_column_of(cell, columns)]
            )
            value = _clean_value(cell[0])
            values.append(f"{head}: {value}" if head else value)
        line = "; ".join(values)
        out.append(f"{label} — {line}" if label else line)
    while parents:
        pop()
    return out


# A table of words ("Code | Meaning | Action", "Specification | Value"): at least a header and
# two rows, each line the same number of cells starting where the header's start, none long.
TEXT_TABLE_MAX_CELLS = 6
TEXT_TABLE_CELL_WORDS = 8


def find_text_tables(lines: list[Line], taken: set[int]) -> list[tuple[int, int]]:
    """Tables of words on a page as (header line, end) indices into `lines`, outside the lines
    `taken` by tables of figures. Two columns of prose are no table: their cells are long."""

    def fits(ln: Line, head: Line) -> bool:
        if len(ln.cells) != len(head.cells):
            return False
        if any(len(c[0].split()) > TEXT_TABLE_CELL_WORDS for c in ln.cells):
            return False
        tol = 1.5 * max(ln.h, head.h)
        return all(abs(a[1] - b[1]) <= tol for a, b in zip(ln.cells, head.cells, strict=True))

    found = []
    i = 0
    while i < len(lines):
        head = lines[i]
        n = len(head.cells)
        if i in taken or not 2 <= n <= TEXT_TABLE_MAX_CELLS or not fits(head, head):
            i += 1
            continue
        j = i + 1
        while (
            j < len(lines)
            and j not in taken
            and not _gap(lines[j - 1], lines[j])
            and fits(lines[j], head)
        ):
            j += 1
        if j - i >= 3 and all(_is_row(ln) for ln in lines[i + 1 : j]):
            found.append((i, j))
            i = j
        else:
            i += 1
    return found


_HEADER_CELL = re.compile(r"[A-Z][A-Za-z/&()' -]{0,40}")


def _names_columns(head: Line, body: list[Line]) -> bool:
    """Whether `head` is the header of a table of words: set apart by its font (bolder or
    larger than the rows), its cells short capitalised names ("Code | Meaning | Action"). A
    glossary's first entry ("ADAS | Advanced driver-assistance systems") is no header."""
    if head.style is None or any(ln.style is None for ln in body):
        return False
    weight, size = head.style
    apart = all(weight > ln.style[0] or size > ln.style[1] for ln in body)
    return apart and all(
        len(c[0].split()) <= 4 and _HEADER_CELL.fullmatch(c[0]) for c in head.cells
    )


def _is_row(ln: Line) -> bool:
    """A row of a table of words: a short label first, no cell a bulleted item or a figure (a
    row of figures the figures' table did not take, a contents line's page number)."""
    cells = [c[0] for c in ln.cells]
    if len(cells[0].split()) > 5 or any(_is_value(c) for c in cells):
        return False
    if any(c[:1].islower() for c in cells):
        return False  # columns of prose cut at the line's end ("and higher excess capacity")
    return not any(c[:1] in "•▪◦●-–" or c.endswith((";", ",")) for c in cells)


def text_table_rows(lines: list[Line]) -> list[str]:
    """'label — header: value; header: value' for each row under the header line; without a
    header (`_names_columns`), 'label — value; value' for every line."""
    header = _names_columns(lines[0], lines[1:])
    if not header and not _is_row(lines[0]):
        return []
    heads = [c[0] for c in lines[0].cells] if header else [""] * len(lines[0].cells)
    out = []
    for ln in lines[1:] if header else lines:
        cells = [c[0] for c in ln.cells]
        pairs = zip(heads[1:], cells[1:], strict=True)
        out.append(f"{cells[0]} — " + "; ".join(f"{h}: {v}" if h else v for h, v in pairs))
    return out


def _join_wrapped(first: str, rest: str) -> str:
    if first.endswith(_LINE_HYPHENS):
        return first[:-1] + rest
    return f"{first} {rest}"


def page_blocks(lines: list[Line], heading=lambda ln: False) -> list[tuple[str, list[str]]]:
    """A page's lines -> blocks in reading order: ("prose", lines) and ("table", row lines).
    A vertical gap starts a new paragraph, and so does a line `heading` says looks like one, and
    the line after it: a manual's "Safety Warnings" set just above its first warning is a
    heading, not the start of a sentence."""
    blocks: list[tuple[str, list[str]]] = []
    prose: list[str] = []
    prev: Line | None = None
    at = 0

    def breaks(ln: Line) -> bool:
        if prev is None:
            return False
        if prev.bottom - ln.top > 0.9 * ln.h or heading(ln) != heading(prev):
            return True
        return heading(ln) and ln.style != prev.style  # a title over a heading

    # a grid of "Caption: value" fields, two a line or a value wrapped beside its caption
    # (`pdf_forms`): one line each, before any table reader takes a caption for a row's label
    from .pdf_fields import find_fields, find_headed_rows
    from .pdf_forms import find_forms

    try:
        forms = find_forms(lines, set())
    except Exception:  # noqa: BLE001 - a layout this code misreads: its lines are read as before
        log.warning("form layout not understood; kept as text", exc_info=True)
        forms = []
    in_form = {k for h, j, _ in forms for k in range(h, j)}
    tables = [
        (h, i, j, "figures")
        for h, i, j in find_tables(lines)
        if not in_form.intersection(range(h, j))
    ]
    taken = {k for h, _, j, _ in tables for k in range(h, j)} | in_form
    tables += [(h, h + 1, j, "words") for h, j in find_text_tables(lines, taken)]
    # a cover page's fields, each caption under its value ("Apple Inc." over "(Exact name of
    # Registrant ...)"): one line each, caption first (`pdf_fields`)
    found = forms + find_fields(lines, {k for h, _, j, _ in tables for k in range(h, j)} | in_form)
    found += find_headed_rows(
        lines,
        {k for h, _, j, _ in tables for k in range(h, j)}
        | {k for h, j, _ in found for k in range(h, j)},
    )
    fields = {h: rows for h, _, rows in found}
    tables += [(h, h, j, "fields") for h, j, _ in found]
    # the header lines and columns of the last table above with headers: a table resumed
    # below a line of words ("Commitments and contingencies", a balance sheet's equity) under
    # the same columns is read under them
    above: tuple[list[Line], list[tuple[float, float]]] | None = None
    for h, i, j, kind in sorted(tables):
        header = lines[h:i]
        if kind == "figures":
            body, _, columns = _body_columns(lines[i:j])
            own = [x for x in header if not (_UNIT.fullmatch(x.text) or _MARK.fullmatch(x.text))]
            if own:
                above = (own, columns)
            elif (
                above
                and body
                and _same_columns(above[1], columns, statistics.median(ln.h for ln in body))
            ):
                header = above[0] + header
        for ln in lines[at:h]:
            if prose and breaks(ln):
                prose.append("")  # a new paragraph
            prose.append(ln.text)
            prev = ln
        try:
            rows = table_rows(header, lines[i:j]) if kind == "figures" else fields.get(h, [])
            rows = rows or (text_table_rows(lines[h:j]) if kind == "words" else [])
        except Exception:  # noqa: BLE001 - a layout this code misreads: keep its words as prose
            log.warning("table layout not understood; kept as text", exc_info=True)
            rows = []
        if rows:
            if prose:
                blocks.append(("prose", prose))
                prose = []
            blocks.append(("table", rows))
        else:
            prose.extend(ln.text for ln in lines[h:j])
        prev, at = lines[j - 1], j
    for ln in lines[at:]:
        if prose and breaks(ln):
            prose.append("")
        prose.append(ln.text)
        prev = ln
    if prose:
        blocks.append(("prose", prose))
    return blocks
