"""PDF pages -> the text citations point into: prose as paragraphs, each table row as one line.

PDFium (pypdfium2) gives every character with its box. Characters become words, words become
visual lines (by baseline), and a line splits into cells where the gap between words is wider
than a space. A run of lines whose cells after the first are numbers is a table; the lines just
above it that sit over the number columns are its column headers. Each table row is written as
one paragraph that keeps its label, its column headers and its values together:

    Research and development — Three Months Ended July 1, 2023: $7,442; Three Months Ended June 25, 2022: $6,797

so that a passage, the reader and a citation all see a value beside what it measures. Lines
repeated at the top or bottom of most pages (running titles, "Table of Contents" links, page
numbers) are dropped; ligatures are spelled out and words cut by a line-end hyphen are joined
when the document spells them whole elsewhere.
"""

from __future__ import annotations

import logging
import re
import statistics
import threading
import time
from collections import Counter

from .errors import IngestError

log = logging.getLogger(__name__)

# A hostile or broken file must not take the process down: past these it is refused.
MAX_PAGES = 2000
MAX_CHARS = 10_000_000  # characters of text on all pages together
MAX_SECONDS = 300.0  # wall time to read one file

# PDFium keeps global state and is not thread-safe: one document at a time per process.
_PDFIUM_LOCK = threading.Lock()

_LIGATURES = {
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\ufb05": "st",
    "\ufb06": "st",
    "\u00a0": " ",
}
# PDFium marks a hyphen at the end of a line as U+FFFE (and some files as U+0002).
_LINE_HYPHENS = ("-", "\ufffe", "\x02", "\u00ad")
# Glyphs a font left without a Unicode mapping: most often a ligature.
_UNMAPPED = ("\x00", "\ufffd")

_NUM = (
    r"[$€£]?\(?[$€£]?[-−+]?(?:\d[\d,]*(?:\.\d+)?|\.\d+)\)?%?\)?(?:[¹²³⁴⁵⁶⁷⁸⁹*]|pts?|ppts?|bps|x)?"
)
# A number as tables print it ("$ (1,234)", "19%", "2ppt", "2.13%–3.50%"), a dash, or n/a.
_VALUE = re.compile(rf"{_NUM}(?:[–-]{_NUM})?|[—–-]+|n/?a|N/?A|NM|nm|\*+")
_YEAR = re.compile(r"(?:19|20)\d\d")
_PAGE_NUMBER = re.compile(
    r"(?i)(?:page\s+)?[-–—]?\s*(?:\d{1,3}|[ivxlc]{1,6})\s*[-–—]?(?:\s+of\s+\d{1,4})?"
)
_UNIT = re.compile(r"\((?:in|dollars|amounts|shares|unaudited)\b.*\)", re.I)  # "(In millions)"
_WORDS = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")


class Line:
    """One visual line: its words (text, x0, x1) left to right and its vertical extent."""

    __slots__ = ("words", "bottom", "top", "h", "cells", "_text")

    def __init__(self, words: list[tuple[str, float, float]], bottom: float, top: float):
        self.words = words
        self.bottom, self.top = bottom, top
        self.h = max(top - bottom, 1.0)
        self.cells: list[tuple[str, float, float]] = []
        self._text: str | None = None

    @property
    def x0(self) -> float:
        return self.words[0][1]

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = " ".join(w for w, _, _ in self.words)
        return self._text


# ---- reading ---------------------------------------------------------------------------------


def read_pdf(name: str, data: bytes):
    """A PDF's bytes -> (pages of visual lines, page count, metadata title); IngestError on any
    failure of the parser, with the reason in plain words."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    deadline = time.monotonic() + MAX_SECONDS
    with _PDFIUM_LOCK:
        try:
            doc = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            log.info("%s: %s", name, exc)
            if getattr(exc, "err_code", None) == raw.FPDF_ERR_PASSWORD:
                raise IngestError(
                    f"{name} is protected by a password; save an unprotected copy"
                ) from None
            raise IngestError(f"{name} could not be read as a PDF; it may be damaged") from None
        except Exception as exc:  # noqa: BLE001 - any parser failure is one plain refusal
            log.info("%s: %s", name, exc)
            raise IngestError(f"{name} could not be read as a PDF; it may be damaged") from None
        try:
            count = len(doc)
            if count > MAX_PAGES:
                raise IngestError(
                    f"{name} has {count:,} pages, over the limit of {MAX_PAGES:,} pages per file"
                )
            title = ""
            try:
                title = doc.get_metadata_dict().get("Title", "") or ""
            except Exception:  # noqa: BLE001 - broken metadata is no reason to refuse the text
                title = ""
            pages: list[list[Line]] = []
            total = 0
            for i in range(count):
                if time.monotonic() > deadline:
                    raise IngestError(
                        f"{name} took more than {MAX_SECONDS:.0f} s to read; "
                        "it may be damaged or built to be slow"
                    )
                lines, n = _page_lines(doc, i, raw)
                total += n
                if total > MAX_CHARS:
                    raise IngestError(
                        f"{name} holds more than {MAX_CHARS:,} characters of text, "
                        "over the limit per file; split it into smaller files"
                    )
                pages.append(lines)
            return pages, count, title
        except IngestError:
            raise
        except Exception as exc:  # noqa: BLE001 - PDFium errors mid-file: refuse this file only
            log.info("%s: %s", name, exc)
            raise IngestError(f"{name} could not be read as a PDF; it may be damaged") from None
        finally:
            doc.close()


def _page_lines(doc, index: int, raw) -> tuple[list[Line], int]:
    """The visual lines of one page, top to bottom, and how many characters it holds."""
    page = doc[index]
    try:
        tp = page.get_textpage()
        try:
            n = raw.FPDFText_CountChars(tp)
            if n > MAX_CHARS:
                return [], n
            words = _page_words(tp, n, raw)
        finally:
            tp.close()
    finally:
        page.close()
    return _group_lines(words), n


def _page_words(tp, n: int, raw) -> list[list]:
    """Characters -> words [text, x0, x1, bottom, top]: a space or a line break in PDFium's
    text ends a word, and so does a jump in position."""
    rect = raw.FS_RECTF()
    words: list[list] = []
    cur: list | None = None
    for k in range(n):
        u = raw.FPDFText_GetUnicode(tp, k)
        ch = chr(u) if u < 0xD800 or 0xDFFF < u < 0x110000 else ""
        ch = _LIGATURES.get(ch, ch)
        if not ch or ch in " \r\n\t":
            cur = None
            continue
        raw.FPDFText_GetLooseCharBox(tp, k, rect)
        x0, x1, bottom, top = rect.left, rect.right, rect.bottom, rect.top
        if cur is not None:
            h = cur[4] - cur[3]
            mid, cmid = (bottom + top) / 2, (cur[3] + cur[4]) / 2
            if abs(mid - cmid) > 0.45 * h or x0 > cur[2] + 0.5 * h or x0 < cur[1] - 0.5 * h:
                cur = None
        if cur is None:
            cur = [ch, x0, x1, bottom, top]
            words.append(cur)
        else:
            cur[0] += ch
            cur[2] = max(cur[2], x1)
    return words


def _group_lines(words: list[list]) -> list[Line]:
    """Words -> visual lines, top to bottom: words whose vertical middles are close share a line."""
    words = [w for w in words if w[0].strip() and w[4] > w[3]]
    words.sort(key=lambda w: -(w[3] + w[4]) / 2)
    lines: list[Line] = []
    group: list[list] = []
    mid = 0.0
    for w in words:
        wmid = (w[3] + w[4]) / 2
        h = w[4] - w[3]
        if group and abs(mid - wmid) <= 0.35 * min(h, group[0][4] - group[0][3]):
            group.append(w)
            continue
        if group:
            lines.append(_line(group))
        group, mid = [w], wmid
    if group:
        lines.append(_line(group))
    return lines


def _line(group: list[list]) -> Line:
    group.sort(key=lambda w: w[1])
    bottom = statistics.median(w[3] for w in group)
    top = statistics.median(w[4] for w in group)
    line = Line([(w[0], w[1], w[2]) for w in group], bottom, top)
    line.cells = _cells(line)
    return line


def _cells(line: Line) -> list[tuple[str, float, float]]:
    """Words -> cells: a gap wider than about an em starts a new cell; a lone "$" or "("
    belongs to the number after it, a lone ")" or "%" to the one before."""
    cells: list[list] = []
    for text, x0, x1 in line.words:
        if cells and x0 - cells[-1][2] <= 0.9 * line.h and text not in ("$", "€", "£"):
            cells[-1][0] += " " + text
            cells[-1][2] = x1
        else:
            cells.append([text, x0, x1])
    merged: list[list] = []
    for c in cells:
        if merged and (merged[-1][0] in ("$", "€", "£", "(", "$(") or c[0] in (")", "%", ")%")):
            merged[-1][0] += c[0]
            merged[-1][2] = c[2]
        else:
            merged.append(c)
    return [(" ".join(t.split()), a, b) for t, a, b in merged]


# ---- running headers and footers -------------------------------------------------------------


def _key(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


def drop_running_lines(pages: list[list[Line]], zone: int = 3) -> list[list[Line]]:
    """Remove page numbers and lines repeated at the top or bottom of most pages."""
    with_text = [p for p in pages if p]
    counts: Counter[str] = Counter()
    for lines in with_text:
        counts.update({_key(ln.text) for ln in lines[:zone] + lines[-zone:]})
    need = max(3, int(0.4 * len(with_text) + 0.5))
    running = {k for k, n in counts.items() if n >= need} if len(with_text) >= 3 else set()
    out = []
    for lines in pages:
        edge = set(range(min(zone, len(lines)))) | set(range(max(0, len(lines) - zone), len(lines)))
        kept = []
        for i, ln in enumerate(lines):
            if i in edge and (
                _key(ln.text) in running
                or (i in (0, 1, len(lines) - 1, len(lines) - 2) and _PAGE_NUMBER.fullmatch(ln.text))
            ):
                continue
            kept.append(ln)
        out.append(kept)
    return out


# ---- tables ----------------------------------------------------------------------------------


def _is_value(cell: str) -> bool:
    return bool(_VALUE.fullmatch(cell.replace(" ", "")))


def _kind(line: Line) -> str:
    """'row' (a label and numbers), 'years' (a header of years or dates), 'text'."""
    cells = line.cells
    if len(cells) < 2:
        return "text"
    values = cells[1:] if not _is_value(cells[0][0]) else cells
    if not all(_is_value(c[0]) for c in values):
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
            if kinds[j] in ("row", "years"):
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
            b > 0
            and i - b < 2
            and kinds[b - 1] == "text"
            and len(lines[b - 1].cells) == 1
            and lines[b - 1].text.endswith(":")
            and lines[b - 1].words[-1][2] < first_value_x
            and not _gap(lines[b - 1], lines[b])
        ):
            b -= 1
        # Headers: lines just above sitting over the number columns (or a row of years).
        h = b
        while h > 0 and b - h < 6:
            above = lines[h - 1]
            if _gap(above, lines[h]) or _UNIT.fullmatch(above.text):
                break
            over = [c for c in above.cells if c[1] >= first_value_x - 6 * above.h]
            if kinds[h - 1] == "years" or (
                kinds[h - 1] == "text"
                and over
                and len(above.cells) - len(over) <= 1
                and len(above.text) < 160
            ):
                h -= 1
            else:
                break
        if rows >= 2 or (rows == 1 and h < b):
            tables.append((h, b, j))
            i = j
        else:
            i += 1
    return tables


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
        if any(ch.isdigit() for ch in c[0])
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
    for ln in lines:
        # A cell left of every column labels the label column ("(In millions)"), not a column.
        cells = [c for c in ln.cells if c[2] >= left - 2 * ln.h]
        if spare is not None:
            spare.extend(c[0] for c in ln.cells if c[2] < left - 2 * ln.h)
        if not cells:
            continue
        got: list[int | None] = []
        for a, b in columns:
            mid = (a + b) / 2
            n = min(range(len(cells)), key=lambda i: abs((cells[i][1] + cells[i][2]) / 2 - mid))
            _, x0, x1 = cells[n]
            near = x0 - 3 * ln.h <= mid <= x1 + 3 * ln.h or abs((x0 + x1) / 2 - mid) <= x1 - x0
            got.append(n if near else None)
        for k in range(len(columns)):
            if got[k] is None and groups[k]:
                mates = {got[m] for m in range(len(columns)) if groups[m] == groups[k]}
                mates.discard(None)
                if len(mates) == 1:
                    got[k] = mates.pop()
        for k, n in enumerate(got):
            if n is not None:
                parts[k].append(cells[n][0])
        if spare is not None:
            spare.extend(c[0] for i, c in enumerate(cells) if i not in got)
        groups = [(*g, n) for g, n in zip(groups, got, strict=True)]
    return [" ".join(p) for p in parts]


def _clean_value(v: str) -> str:
    """'$ 7,709' -> '$7,709', '( 265 )' -> '(265)', '12 %' -> '12%'."""
    v = re.sub(r"([$€£(])\s+", r"\1", v)
    return re.sub(r"\s+([)%])", r"\1", v)


def table_rows(header_lines: list[Line], body: list[Line]) -> list[str]:
    """One line per table row: 'label — header: value; header: value'. Words of the table that
    are neither a label, a header nor a value (a unit, a label over no row) get a line of
    their own where they stand."""
    rows = [ln for ln in body if _kind(ln) == "row"]
    margin = min((ln.x0 for ln in rows if not _is_value(ln.cells[0][0])), default=-1e9)
    columns = _columns(rows, margin)
    if not columns:
        return []
    spare: list[str] = []
    headers = _headers(header_lines, columns, spare)
    out: list[str] = [" ".join(spare)] if spare else []
    parents: list[list] = []  # [indent, label, used]: labels over indented rows
    pending = ""  # the first line of a label that wraps

    def pop() -> None:
        _, text, used = parents.pop()
        if not used:
            out.append(text)

    for ln in body:
        kind = _kind(ln)
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
            parents.append([ln.x0, label, False])
            pending = "" if text.endswith(":") else label
            continue
        labelled = _labelled(ln, margin)
        label = ln.cells[0][0] if labelled else ""
        if pending and parents and parents[-1][1] == pending and label[:1].islower():
            parents.pop()  # the label-only line above was this label's first line
            label = _join_wrapped(pending, label)
        pending = ""
        while parents and parents[-1][0] >= ln.x0 - 1:
            pop()
        total = label.lower().startswith("total")
        if label and not total:
            label = ": ".join([p[1] for p in parents] + [label])
            for p in parents:
                p[2] = True
        elif not label and parents:
            label = parents[-1][1]
            parents[-1][2] = True
        if total and parents:
            pop()  # a total closes the group it sums
        values = []
        for cell in ln.cells[1:] if labelled else ln.cells:
            head = headers[_column_of(cell, columns)]
            value = _clean_value(cell[0])
            values.append(f"{head}: {value}" if head else value)
        line = "; ".join(values)
        out.append(f"{label} — {line}" if label else line)
    while parents:
        pop()
    return out


def _join_wrapped(first: str, rest: str) -> str:
    if first.endswith(_LINE_HYPHENS):
        return first[:-1] + rest
    return f"{first} {rest}"


# ---- the page's text -------------------------------------------------------------------------


def page_blocks(lines: list[Line]) -> list[tuple[str, list[str]]]:
    """A page's lines -> blocks in reading order: ("prose", lines) and ("table", row lines)."""
    blocks: list[tuple[str, list[str]]] = []
    prose: list[str] = []
    prev: Line | None = None
    at = 0
    for h, i, j in find_tables(lines):
        for ln in lines[at:h]:
            if prev is not None and prev.bottom - ln.top > 0.9 * ln.h and prose:
                prose.append("")  # a vertical gap: a new paragraph
            prose.append(ln.text)
            prev = ln
        try:
            rows = table_rows(lines[h:i], lines[i:j])
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
        if prev is not None and prev.bottom - ln.top > 0.9 * ln.h and prose:
            prose.append("")
        prose.append(ln.text)
        prev = ln
    if prose:
        blocks.append(("prose", prose))
    return blocks


def vocabulary(pages: list[list[Line]]) -> set[str]:
    """Every word the document spells whole (lowercased): it decides line-end hyphens."""
    vocab: set[str] = set()
    for lines in pages:
        for ln in lines:
            vocab.update(w.lower() for w in _WORDS.findall(ln.text))
    return vocab


def join_lines(lines: list[str], vocab: set[str]) -> str:
    """Lines -> text with a newline between lines, a line-end hyphen resolved: 'finan-' +
    'cial' is 'financial' when the document has 'financial' (or lacks 'finan-cial'), while
    'stock-' + 'based' stays 'stock-based' when that is how the document spells it."""
    out: list[str] = []
    for line in lines:
        line = _fix_unmapped(line, vocab)
        if out and out[-1] and out[-1][-1] in _LINE_HYPHENS and line[:1].islower():
            prev = out[-1][:-1]
            left = re.search(r"[A-Za-z]+$", prev)
            right = re.match(r"[A-Za-z]+", line)
            if left and right:
                whole = (left.group() + right.group()).lower()
                hyphened = f"{left.group()}-{right.group()}".lower()
                keep = hyphened in vocab and whole not in vocab
                out[-1] = prev + ("-" if keep else "") + line
                continue
        out.append(line)
    return clean("\n".join(out))


def clean(text: str) -> str:
    """PDFium's line-end hyphen marks as hyphens; soft hyphens left inside a line dropped."""
    text = text.replace("\ufffe", "-").replace("\x02", "-")
    return re.sub("[\u00ad\x00\ufffd]", "", text)


def _fix_unmapped(line: str, vocab: set[str]) -> str:
    """A glyph without a Unicode value inside a word is most often a ligature: the one that
    makes a word the document spells elsewhere ('\\x00nancial' -> 'financial')."""
    if not any(u in line for u in _UNMAPPED):
        return line

    def fix(m: re.Match) -> str:
        word = m.group()
        for lig in ("fi", "fl", "ff", "ffi", "ffl"):
            cand = re.sub("[\x00\ufffd]", lig, word)
            if cand.lower() in vocab:
                return cand
        return re.sub("[\x00\ufffd]", "fi", word)

    return re.sub(r"[A-Za-z]*[\x00\ufffd][A-Za-z\x00\ufffd]*", fix, line)
