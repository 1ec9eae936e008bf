"""Facts from tables of words: a manual's error codes or a glossary, which PDF extraction writes
one row per line ("E4 — Meaning: Leak detected; Action: Unplug the unit and call service",
`rag.ingest.pdf_tables.text_table_rows`). The reader reads such a line poorly ("What does error
code E4 mean?" was refused); the row whose label the question names answers it, the cell
whose header the question names being the short answer ("mean" -> "Meaning")."""

from __future__ import annotations

import re

from rag.answer.base import Outcome, ShortAnswer
from rag.text import WORD, content_tokens

_SEP = " — "
# A code the question names as written: "E4", "101.SCH", "ADAS".
_CODE = re.compile(r"(?=[\w.*-]*\d)[\w.*-]{1,12}|[A-Z]{2,6}")


def word_row(line: str) -> tuple[str, list[tuple[str, str, int, int]]] | None:
    """A table-of-words row's label and cells (header, value, value's offsets in the line), or
    None for any other line (a row of figures is `rows.parse_row`'s).

    >>> word_row("E4 — Meaning: Leak detected; Action: Unplug the unit")
    ('E4', [('Meaning', 'Leak detected', 14, 27), ('Action', 'Unplug the unit', 37, 52)])
    >>> word_row("AI — Artificial intelligence")
    ('AI', [('', 'Artificial intelligence', 5, 28)])
    >>> word_row("Operating temperature — 5 to 38 C")
    ('Operating temperature', [('', '5 to 38 C', 24, 33)])
    >>> word_row("Research and development — Q1 2023: $7,709"), word_row("Sales rose — a lot.")
    (None, None)
    """
    from rag.answer.rows import parse_row

    at = line.find(_SEP)
    if at <= 0 or "\n" in line or line.rstrip().endswith(".") or parse_row(line) is not None:
        return None
    label, pos, cells = line[:at].strip(), at + len(_SEP), []
    for part in line[pos:].split("; "):
        head, sep, value = part.partition(": ")
        if not sep:
            head, value = "", part
        v0 = pos + (len(head) + 2 if sep else 0)
        if not value or len(value.split()) > 8:
            return None
        cells.append((head, value, v0, v0 + len(value)))
        pos += len(part) + 2
    return label, cells


def _names(question: str, label: str) -> int:
    """How the question names the row's label: 2 a code as written ("E4"), 1 every content
    word of a label in words ("Flow rate"), 0 not at all."""
    if _CODE.fullmatch(label):
        return 2 if label in WORD.findall(question) or label in question.split() else 0
    words = set(content_tokens(label))
    return int(bool(words) and words <= set(content_tokens(question)))


def _asks(question: str, header: str) -> float:
    """The share of the header's words (four letters at least) that a word of the question
    starts or is started by ("mean" and "Meaning"): "total amount of dividends" asks for
    "Amount" (1) before "Dividend Per Share" (1/2)."""
    asked = [w for w in content_tokens(question) if len(w) >= 4]
    heads = [w for w in content_tokens(header) if len(w) >= 4]
    said = [h for h in heads if any(h.startswith(q) or q.startswith(h) for q in asked)]
    return len(said) / len(heads) if heads else 0.0


# A range in a cell: "5 to 38 C", "0.1-0.4 MPa", "220–240 V".
_RANGE = re.compile(
    r"(?P<low>[-−]?\d[\d,]*(?:\.\d+)?)\s*(?:to|–|-|—)\s*(?P<high>\d[\d,]*(?:\.\d+)?)(?P<unit>\s*[^\d\s,;][^,;]*)?"
)
_MOST = re.compile(r"\b(max(imum)?|highest|most|upper|up to|at most|hottest|warmest)\b", re.I)
_LEAST = re.compile(r"\b(min(imum)?|lowest|least|lower|at least|coldest|coolest)\b", re.I)


def range_end(question: str, value: str) -> tuple[int, int] | None:
    """The end of a range the question asks for, as offsets into `value` (the bound with the
    unit after it): "What is the maximum operating temperature?" of "5 to 38 C" -> "38 C".

    >>> v = "5 to 38 C"
    >>> [v[a:b] for a, b in (range_end("maximum temperature?", v), range_end("lowest?", v))]
    ['38 C', '5']
    >>> range_end("What is the temperature?", v) is None
    True
    """
    m = _RANGE.search(value)
    most, least = bool(_MOST.search(question)), bool(_LEAST.search(question))
    if m is None or most == least:
        return None
    if most:
        return m.start("high"), m.end("unit") if m.group("unit") else m.end("high")
    return m.start("low"), m.end("low")


def _rows(p):
    """(start, end, `word_row`) of each table-of-words row of a passage: a row is a line of its
    own; prose may hold " — " too ("Harbin — the capital")."""
    text = p.chunk.text
    for a, b in p.chunk.sentence_spans():
        before, after = text[:a].rstrip(" "), text[b:].lstrip(" ")
        if (before and not before.endswith("\n")) or (after and not after.startswith("\n")):
            continue
        row = word_row(text[a:b])
        if row is not None:
            yield a, b, row


def answer_from_word_rows(question: str, passages, previous=lambda p: None) -> Outcome | None:
    """The row of a table of words whose label the question names, among the passages in rank
    order, cited; its short answer the cell the question asks for, or its only cell. None: no
    such row (the reader decides). `previous(passage)`: the passage before it in its document,
    or None (`_column_asked`)."""
    found = []  # (how named, order, passage, span, row): a code named beats words
    for p in passages:
        for a, b, row in _rows(p):
            named = _names(question, row[0])
            if named:
                found.append((-named, len(found), p, a, b, row))
    if not found:
        return _column_asked(question, passages, previous)
    _, _, p, a, b, (_, cells) = min(found, key=lambda x: x[:2])
    c = p.chunk
    share = {x: _asks(question, x[0]) if x[0] else 0.0 for x in cells}
    most = max(share.values())
    asked = [x for x in cells if most and share[x] == most]
    cell = asked[0] if len(asked) == 1 else cells[0] if len(cells) == 1 else None
    short = None
    if cell is not None:
        v0, v1 = cell[2], cell[3]
        end = range_end(question, cell[1])
        if end is not None:
            v0, v1 = v0 + end[0], v0 + end[1]
        short = ShortAnswer(c.text[a + v0 : a + v1], c.doc, c.start + a + v0, c.start + a + v1)
    return Outcome([(c.text[a:b], p, a, b, 1.0)], short)


# An empty cell: a dash.
_EMPTY = re.compile(r"[—–-]+")


def _column_asked(question: str, passages, previous=lambda p: None) -> Outcome | None:
    """The one value of the column the question names, of a table of words whose rows it does
    not name: "What is Apple's trading symbol?" over "Common Stock, $0.00001 par value per share
    — Trading symbol(s): AAPL; ..." and the notes' rows whose symbol is "—" is "AAPL". The
    passages are read in rank order, past those whose rows hold only dashes there, each after
    the passage before it (`previous`: a table's first rows may end the passage before); the
    first holding a value answers when it holds one value in that column, else None."""
    read = []
    for p in passages:
        q = previous(p)
        read.extend([q, p] if q is not None else [p])
    for p in read:
        text = p.chunk.text
        rows = []
        for a, _, row in _rows(p):
            heads = [(_asks(question, h), k) for k, (h, *_rest) in enumerate(row[1]) if h]
            share, k = max(heads, default=(0.0, -1))
            if share >= 0.5:
                rows.append((a, row[1][k]))
        values = {cell[1] for _, cell in rows if not _EMPTY.fullmatch(cell[1])}
        if len(values) == 1:
            a, cell = next((a, cell) for a, cell in rows if cell[1] in values)
            c = p.chunk
            b = text.find("\n", a)
            b = len(text) if b < 0 else b
            short = ShortAnswer(cell[1], c.doc, c.start + a + cell[2], c.start + a + cell[3])
            return Outcome([(text[a:b], p, a, b, 1.0)], short)
        if values and _EACH.search(question):
            # "What is the price of each plan?": every row's cell of the column, a line a row
            lines = []
            for a, _cell in rows:
                b = text.find("\n", a)
                lines.append(
                    (text[a : len(text) if b < 0 else b], p, a, len(text) if b < 0 else b, 1.0)
                )
            return Outcome(lines, form="list")
        if values:
            return None  # the column holds several: which one is asked is not known
    return None


# a column asked of every row: "the price of each plan", "all the plans' storage"
_EACH = re.compile(r"(?i)\b(?:each|every|per|all(?: the| of the)?)\s+\w+")
