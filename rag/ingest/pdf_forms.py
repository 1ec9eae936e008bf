"""Forms of captioned fields laid out in a grid, as an accident report's first page or a
protocol's synopsis table prints them:

    Location:       Page, Arizona           Accident Number:   WPR23LA045
    Flight Time:    612 hours (Total, all   Last FAA Medical   Class 3 With
                    aircraft), 240 hours    Exam:              waivers/limitations

Read line by line two fields share a line and a wrapped value interleaves with its neighbour's
("Flight Time: 612 hours ... Last FAA Medical Class 3 ... hours (Total ... Exam:"), and the
table reader took "Location:" for a row label: "What was the aircraft damage?" quoted "Aircraft:
— Beech A36; Aircraft Damage:; Destroyed". Each field is written as one line, caption first:

    Location: Page, Arizona
    Accident Number: WPR23LA045
    Flight Time: 612 hours (Total, all aircraft), 240 hours
    Last FAA Medical Exam: Class 3 With waivers/limitations
"""

from __future__ import annotations

import re

from .pdf import Line

# A caption: a capitalised name of a few words and a colon, alone in its cell or before its
# value ("Investigator In Charge (IIC): Alvarez, Maria"); never a clock ("10:35") nor a
# sentence ("Note: the Company ...." is prose, its caption too long to be told apart).
_CAPTION = re.compile(r"([A-Z](?:[A-Za-z0-9&/(),.'’ -]{0,60}?[A-Za-z0-9)])?):(?:\s+(.*))?")
CAPTION_MAX_WORDS = 7
# A value printed after its caption in the same cell is short: a caption opening a paragraph
# ("SECOND: The original Certificate of Incorporation ...") heads prose, not a field.
INLINE_MAX_WORDS = 12
# A block is a form when it holds this many fields, on at least two lines.
MIN_FIELDS = 2
# A signature: "By: /s/ Timothy D. Cook", its name and title on the lines below.
_SIGNED = re.compile(r"/s/")
MAX_RETRY_LINES = 40
# A table's cell of figures: "1,191", "$(5,315)", "$ (8,214)", "12.5%", a dash for none.
_NUMBER = re.compile(r"(?:\$\s?)?\(?-?\$?[\d,.]*\d[\d,.]*%?\)?%?|[—–-]")


def _caption(text: str) -> tuple[str, str] | None:
    m = _CAPTION.fullmatch(text)
    if (
        not m
        or len(m.group(1).split()) > CAPTION_MAX_WORDS
        or ". " in m.group(1)
        or len((m.group(2) or "").split()) > INLINE_MAX_WORDS
    ):
        return None
    return m.group(1).strip(), (m.group(2) or "").strip()


class _Field:
    __slots__ = ("caption", "closed", "values", "line")

    def __init__(self, caption: str, closed: bool, values: list[str], line: int):
        self.caption, self.closed, self.values, self.line = caption, closed, values, line

    def row(self) -> str:
        value = ""
        for v in self.values:
            value = (value[:-1] + v) if value.endswith("-") and v[:1].islower() else f"{value} {v}"
        return f"{self.caption}: {value.strip()}".rstrip()  # a blank field keeps its caption


def find_forms(lines: list[Line], taken: set[int]) -> list[tuple[int, int, list[str]]]:
    """Grids of captioned fields on a page as (first line, end, "caption: value" lines) in
    reading order (line by line, left to right), outside the lines `taken`. A column starts at
    each caption's left edge; its values start where the first value beside a caption does;
    a caption wrapped over two lines ("Conditions at Accident" over "Site:") is joined when the
    value beside its first line says it is a field."""
    found = []
    i = 0
    while i < len(lines):
        first = lines[i].cells
        below = lines[i + 1].cells if i + 1 < len(lines) else []
        wrapped = (  # "Conditions at Accident" over "Site:", a value beside the first line
            len(first) > 1
            and below
            and abs(below[0][1] - first[0][1]) <= 0.4 * lines[i].h
            and below[0][0].endswith(":")
            and _caption(f"{first[0][0]} {below[0][0]}")
        )
        if i in taken or not first or not (_caption(first[0][0]) or wrapped):
            i += 1
            continue
        end, fields = _form_at(lines, i, taken)
        if (
            len(fields) >= MIN_FIELDS
            and len({f.line for f in fields}) >= 2
            and all(f.closed for f in fields)
            and 3 * sum(1 for f in fields if f.values) >= 2 * len(fields)
        ):
            fields.sort(key=lambda f: f.line)
            found.append((i, end, [f.row() for f in fields]))
            i = end
        else:
            # a long run read for nothing is not read again from each of its lines: a page
            # of thousands of caption-like lines stays linear
            i = end if end - i > MAX_RETRY_LINES else i + 1
    return found


def _form_at(lines: list[Line], i: int, taken: set[int]) -> tuple[int, list[_Field]]:
    """The lines from `i` that read as fields: (end, fields), each field with the line its
    caption starts on and its column's order kept by the sort in `find_forms`."""
    anchors: list[float] = []  # each column's left edge
    value_x: dict[float, float] = {}  # where a column's values start, by its left edge
    current: dict[float, _Field] = {}
    fields: list[_Field] = []
    j = i
    while j < len(lines) and j not in taken:
        ln = lines[j]
        tol = 0.4 * ln.h
        plan = _plan_line(ln, anchors, value_x, current, tol)
        if plan is None:
            break
        new_anchors, new_value_x, actions = plan
        anchors[:] = new_anchors
        value_x.update(new_value_x)
        for col, kind, text in actions:
            if kind == "start":
                cap = _caption(text)
                if cap:
                    current[col] = _Field(cap[0], True, [cap[1]] if cap[1] else [], j)
                else:  # the first line of a wrapped caption
                    current[col] = _Field(text, False, [], j)
                fields.append(current[col])
            elif kind == "caption":
                f = current[col]
                f.caption = f"{f.caption} {text.rstrip(':').strip()}".strip()
                f.closed = text.endswith(":")
            else:
                current[col].values.append(text)
        j += 1
    return j, fields


def _caption_cells(cells: list) -> list:
    """The cells of a line that open a field: a caption, never the value beside a bare caption
    ("Flight Conducted Under:" beside "Part 91: General aviation")."""
    out, after_bare = [], False
    for c in cells:
        cap = None if after_bare else _caption(c[0])
        if cap:
            out.append(c)
        after_bare = bool(cap) and not cap[1]
    return out


def _opens_column(c, cells: list, anchors: list[float], value_x: dict, tol: float) -> bool:
    """Whether a caption cell opens a field: one in another field's values does only when it
    stands bare before a value of its own ("Accident Number:" beside "Page, Arizona") or opens
    a line set elsewhere than the values (a centred title page), not when it heads a line of
    that value ("Secondary Objectives: To evaluate ...")."""
    before = [k for k, a in enumerate(anchors) if a <= c[1] + tol]
    if not before or abs(c[1] - anchors[before[-1]]) <= tol:
        return True
    vx = value_x.get(anchors[before[-1]])
    if vx is None or c[1] < vx - tol:
        return True
    k = cells.index(c)
    if k == 0 and abs(c[1] - vx) > tol:
        return True  # a line not set where the values go on: a field of its own (a title page's)
    return not _caption(c[0])[1] and k + 1 < len(cells)


def _plan_line(ln: Line, anchors: list[float], value_x: dict, current: dict, tol: float):
    """What each cell of a line does to the form (opens a field, goes on with a caption wrapped
    over lines, adds to a value) as (anchors, value starts, actions), or None when the line is
    not part of the form."""
    cells = ln.cells
    if _SIGNED.search(ln.text):
        return None  # a signature block keeps its lines (`roles.signer` reads them)
    openers = [c for c in _caption_cells(cells) if _opens_column(c, cells, anchors, value_x, tol)]
    if not anchors and cells and cells[0] not in openers and not current:
        anchors = [cells[0][1]]  # a caption wrapped over the form's first lines
    anchors = sorted(
        anchors + [c[1] for c in openers if not any(abs(c[1] - a) <= tol for a in anchors)]
    )
    if not anchors or cells[0][1] < anchors[0] - tol:
        return None
    # a column is known by its left edge (its index moves when a column opens left of it)
    by_col: dict[float, list] = {}
    for c in cells:
        col = max(a for a in anchors if a <= c[1] + tol)
        by_col.setdefault(col, []).append(c)
    new_value_x: dict[float, float] = {}
    actions: list[tuple[float, str, str]] = []
    for col, cs in by_col.items():
        f = current.get(col)
        vx = value_x.get(col)
        captioning = False  # this line's cells still name the field
        for n, c in enumerate(cs):
            text, x0 = c[0], c[1]
            at_anchor = n == 0 and abs(x0 - col) <= tol
            in_caption_zone = vx is None or x0 < vx - tol
            if at_anchor and f is not None and not f.closed:
                actions.append((col, "caption", text))
                captioning = not text.endswith(":")
            elif at_anchor and c in openers:
                cap = _caption(text)
                actions.append((col, "start", text))
                if not cap[1] and len(cs) > 1 and vx is None:
                    vx = new_value_x[col] = cs[1][1]
                elif cap[1] and vx is None:
                    # "Location: Page, Arizona" in one cell: its value starts after the colon
                    after = [w for w in ln.words if c[1] <= w[1] < c[2] and ":" in w[0]]
                    rest = [w[1] for w in ln.words if after and after[0][2] < w[1] <= c[2]]
                    if rest:
                        vx = new_value_x[col] = rest[0]
            elif at_anchor:
                # a caption wrapped over lines: its first line has a value beside it
                if vx is None and len(cs) > 1 and not current:
                    vx = new_value_x[col] = cs[1][1]
                if vx is None or not any(x[1] >= vx - tol for x in cs[1:]):
                    return None
                actions.append((col, "start", text))
                captioning = True
            elif captioning and in_caption_zone:
                actions.append((col, "caption", text))
                captioning = not text.endswith(":")
            elif not any(a[0] == col and a[1] == "start" for a in actions) and (
                f is None or vx is None or x0 < vx - tol
            ):
                # a value's next line is set where the values beside their captions start
                return None
            else:
                actions.append((col, "value", text))
    # a line of figures is a table's row, not a form's: a form's line has a caption a figure
    figures = sum(1 for c in cells if _NUMBER.fullmatch(c[0]))
    if figures >= 2 and figures > len(openers):
        return None
    return anchors, new_value_x, actions
