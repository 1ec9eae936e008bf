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
when the document spells them whole elsewhere. Tables are read in rag/ingest/pdf_tables.py.
"""

from __future__ import annotations

import logging
import re
import statistics
import threading
import time
from collections import Counter

from rag.errors import IngestError

log = logging.getLogger(__name__)

# A hostile or broken file must not take the process down: past these it is refused.
MAX_PAGES = 2000
MAX_CHARS = 10_000_000  # characters of text on all pages together
MAX_SECONDS = 300.0  # wall time to read one file
# PDFium holds a page's whole content stream unpacked, and a copy of it while parsing: a 300 kB
# file whose one page unpacks to 300 MB of spaces took 624 MB. Real pages unpack to well under
# 1 MB (a 10-Q's densest is ~0.3 MB); images are never unpacked for text, so they are not
# counted.
MAX_STREAM_BYTES = 50 * 1024 * 1024

# PDFium keeps global state and is not thread-safe: one document at a time per process.
_PDFIUM_LOCK = threading.Lock()

# Ligature glyphs spelled out; a no-break space is a space.
_LIGATURES = dict(
    zip("\ufb00\ufb01\ufb02\ufb03\ufb04\ufb05\ufb06", "ff fi fl ffi ffl st st".split(), strict=True)
)
_LIGATURES["\u00a0"] = " "
# PDFium marks a hyphen at the end of a line as U+FFFE (and some files as U+0002).
_LINE_HYPHENS = ("-", "\ufffe", "\x02", "\u00ad")
# Glyphs a font left without a Unicode mapping: most often a ligature.
_UNMAPPED = ("\x00", "\ufffd")
# Marks a space PDFium generated right after an "f" (`_page_words`, `restore_doubled`).
_DOUBLED = "\x01"

_PAGE_NUMBER = re.compile(
    r"(?i)(?:page\s+)?[-–—]?\s*(?:\d{1,3}|[ivxlc]{1,6})\s*[-–—]?(?:\s+of\s+\d{1,4})?"
)
_WORDS = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")
# A part's or items' bare name as `_key` writes it: "part ii", "item #a", "items #, #a".
_RUNNING_NAME = re.compile(
    r"part\s+(?:i{1,3}|iv)|items?\s+#[a-z]?(?:\s*(?:,|and|&|-|–)\s*#[a-z]?)*"
)


class Line:
    """One visual line: its words (text, x0, x1) left to right and its vertical extent."""

    __slots__ = ("words", "bottom", "top", "h", "cells", "style", "_text")

    def __init__(
        self,
        words: list[tuple[str, float, float]],
        bottom: float,
        top: float,
        style: tuple[int, float] | None = None,
    ):
        self.words = words
        self.bottom, self.top = bottom, top
        self.h = max(top - bottom, 1.0)
        self.cells: list[tuple[str, float, float]] = []
        # (font weight, font size) shared by every word of the line; None when they differ.
        self.style = style
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
    _check_streams(name, data)
    with _PDFIUM_LOCK:
        try:
            doc = pdfium.PdfDocument(data)
        except Exception as exc:  # noqa: BLE001 - any parser failure is one plain refusal
            log.info("%s: %s", name, exc)
            locked = getattr(exc, "err_code", None) == raw.FPDF_ERR_PASSWORD
            why = (
                "is protected by a password; save an unprotected copy"
                if locked
                else ("could not be read as a PDF; it may be damaged")
            )
            raise IngestError(f"{name} {why}") from None
        try:
            count = len(doc)
            if count > MAX_PAGES:
                raise IngestError(
                    f"{name} has {count:,} pages, over the limit of {MAX_PAGES:,} pages per file"
                )
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
            return restore_doubled(pages), count, title
        except IngestError:
            raise
        except Exception as exc:  # noqa: BLE001 - PDFium errors mid-file: refuse this file only
            log.info("%s: %s", name, exc)
            raise IngestError(f"{name} could not be read as a PDF; it may be damaged") from None
        finally:
            doc.close()


# A stream's keyword and the dictionary before it (back to its "obj"); "endstream" is not one.
_STREAM = re.compile(rb"(?<!end)stream\r?\n")


def _check_streams(name: str, data: bytes) -> None:
    """Refuse a PDF with a compressed stream that unpacks past MAX_STREAM_BYTES, before PDFium
    unpacks it whole: each is inflated in 1 MB pieces that are counted and dropped, so the
    check itself takes no memory. Streams not Flate-compressed (or encrypted) are left to the
    worker's memory limit."""
    import zlib

    for m in _STREAM.finditer(data):
        head = data[max(0, m.start() - 2048) : m.start()]
        head = head[head.rfind(b"obj") + 1 :]
        if b"/FlateDecode" not in head or b"/Image" in head:
            continue
        unpack = zlib.decompressobj()
        pos, size = m.end(), 0
        try:
            while not unpack.eof and pos < len(data):
                piece = unpack.unconsumed_tail or data[pos : pos + (64 << 10)]
                if not unpack.unconsumed_tail:
                    pos += len(piece)
                size += len(unpack.decompress(piece, 1 << 20))
                if size > MAX_STREAM_BYTES:
                    raise IngestError(
                        f"{name}: one of its streams unpacks to more than "
                        f"{MAX_STREAM_BYTES >> 20} MB, over the limit per stream; it may be a "
                        "decompression bomb"
                    )
        except zlib.error:
            continue  # not what its dictionary says: PDFium decides


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
    """Characters -> words [text, x0, x1, bottom, top, weight, size]: a space or a line break in
    PDFium's text ends a word, and so does a jump in position. The font of a word is its first
    character's: two calls a word, not two a character (headings need no more)."""
    rect = raw.FS_RECTF()
    words: list[list] = []
    cur: list | None = None
    for k in range(n):
        u = raw.FPDFText_GetUnicode(tp, k)
        ch = chr(u) if u < 0xD800 or 0xDFFF < u < 0x110000 else ""
        ch = _LIGATURES.get(ch, ch)
        if (
            ch == " "
            and cur is not None
            and cur[0].endswith("f")
            and k + 1 < n
            and chr(raw.FPDFText_GetUnicode(tp, k + 1)).islower()
            and raw.FPDFText_IsGenerated(tp, k) == 1
        ):
            cur[0] += _DOUBLED  # perhaps a dropped second "f": `restore_doubled` decides
            continue
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
            weight = raw.FPDFText_GetFontWeight(tp, k)
            size = round(raw.FPDFText_GetFontSize(tp, k), 1)
            cur = [ch, x0, x1, bottom, top, weight, size]
            words.append(cur)
        else:
            cur[0] += ch
            cur[2] = max(cur[2], x1)
    return words


def _group_lines(words: list[list]) -> list[Line]:
    """Words -> visual lines, top to bottom: words whose vertical middles are close share a line.
    Prose set in columns is read a column at a time (`_columns_first`)."""
    words = [w for w in words if w[0].strip() and w[4] > w[3]]
    words.sort(key=lambda w: -(w[3] + w[4]) / 2)
    groups: list[list[list]] = []
    group: list[list] = []
    mid = 0.0
    for w in words:
        wmid = (w[3] + w[4]) / 2
        h = w[4] - w[3]
        if group and abs(mid - wmid) <= 0.35 * min(h, group[0][4] - group[0][3]):
            group.append(w)
            continue
        if group:
            groups.append(sorted(group, key=lambda w: w[1]))
        group, mid = [w], wmid
    if group:
        groups.append(sorted(group, key=lambda w: w[1]))
    if words:
        groups = _columns_first(groups, min(w[1] for w in words), max(w[2] for w in words))
    return [_line(g) for g in groups]


# Prose in columns: at least this many lines side by side, each column's lines this many words
# on average (a table's cells are fewer), and few of its words figures.
COLUMN_MIN_LINES = 4
COLUMN_MIN_WORDS = 5
COLUMN_MAX_FIGURES = 0.25
_FIGURE = re.compile(r"[$(]?[\d.,%()$-]+")


def _columns_first(groups: list[list[list]], left: float, right: float, depth: int = 0):
    """Lines of words -> the same words, with each run of lines set in two columns of prose (a
    paper's page, a report's sidebar) read as the left column's lines, then the right's: a
    line of a page in columns otherwise reads across both ("Cross-border trade between
    Heilongjiang and the  The bridge at Blagoveshchensk opened in 2022")."""
    out: list[list[list]] = []
    i = 0
    while i < len(groups):
        found = _column_run(groups, i, left, right)
        if found is None:
            out.append(groups[i])
            i += 1
            continue
        j, cut = found
        sides = (
            [[w for w in g if w[2] <= cut] for g in groups[i:j]],
            [[w for w in g if w[1] >= cut] for g in groups[i:j]],
        )
        for side, (a, b) in zip(sides, ((left, cut), (cut, right)), strict=True):
            side = [g for g in side if g]
            out.extend(_columns_first(side, a, b, depth + 1) if depth < 1 else side)
        i = j
    return out


def _column_run(groups: list[list[list]], i: int, left: float, right: float):
    """(end, x) of the run of lines from `i` that a gutter at x splits into two columns of
    prose, or None. The gutter is a gap of line `i` in the middle of the text's width that no
    word of the following lines crosses."""
    first = groups[i]
    h = statistics.median(w[4] - w[3] for w in first)
    width = right - left
    for a, b in zip(first, first[1:], strict=False):
        lo, hi = a[2], b[1]
        if hi - lo < 1.2 * h or not left + 0.25 * width < (lo + hi) / 2 < right - 0.25 * width:
            continue
        j = i + 1
        while j < len(groups):
            g = groups[j]
            cut = (lo + hi) / 2
            if any(w[1] < cut < w[2] for w in g):
                break
            new_lo = max([lo] + [w[2] for w in g if w[2] <= cut])
            new_hi = min([hi] + [w[1] for w in g if w[1] >= cut])
            if new_hi - new_lo < 0.8 * h:
                break
            lo, hi = new_lo, new_hi
            j += 1
        cut = (lo + hi) / 2
        if j - i >= COLUMN_MIN_LINES and _prose_columns(groups[i:j], cut):
            return j, cut
    return None


def _prose_columns(run: list[list[list]], cut: float) -> bool:
    """Whether both sides of a run of lines hold prose: lines of several words, few figures."""
    both = sum(1 for g in run if g[0][2] <= cut <= g[-1][1])
    if both < COLUMN_MIN_LINES or both < 0.5 * len(run):
        return False
    for side in (
        ([w for w in g if w[2] <= cut] for g in run),
        ([w for w in g if w[1] >= cut] for g in run),
    ):
        lines = [s for s in side if s]
        words = [w[0] for s in lines for w in s]
        if len(words) < COLUMN_MIN_WORDS * len(lines):
            return False
        if sum(1 for w in words if _FIGURE.fullmatch(w)) > COLUMN_MAX_FIGURES * len(words):
            return False
    return True


def _line(group: list[list]) -> Line:
    group.sort(key=lambda w: w[1])
    bottom = statistics.median(w[3] for w in group)
    top = statistics.median(w[4] for w in group)
    styles = {(w[5], w[6]) for w in group}
    style = styles.pop() if len(styles) == 1 else None
    line = Line([(w[0], w[1], w[2]) for w in group], bottom, top, style)
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
    """Remove page numbers and lines repeated at the top or bottom of most pages, and a part's
    or item's bare name repeated at the edge of three pages or more ("PART II" / "Item 1A" atop
    each page of a filing's risk factors: too few pages for the first rule, and it cut their
    sentences)."""
    with_text = [p for p in pages if p]
    counts: Counter[str] = Counter()
    for lines in with_text:
        counts.update({_key(ln.text) for ln in lines[:zone] + lines[-zone:]})
    need = max(3, int(0.4 * len(with_text) + 0.5))
    running = {k for k, n in counts.items() if n >= need} if len(with_text) >= 3 else set()
    running |= {k for k, n in counts.items() if n >= 3 and _RUNNING_NAME.fullmatch(k)}
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


# ---- the text ----------------------------------------------------------------------------------


def restore_doubled(pages: list[list[Line]]) -> list[list[Line]]:
    """PDFium drops a glyph that repeats the one before it over the same place (its test for
    fake bold text), so a file drawing each glyph on its own loses the second "f" of "differ",
    and PDFium writes a space there: "dif er", "Af ect". Where it wrote a space after an "f"
    (`_DOUBLED`), the "f" is put back when the document spells the joined word elsewhere
    ("differ") and never either piece alone ("dif", "er"); otherwise the space stays ("of
    the", "of our").
    On the 20 10-Q filings: 21 words restored ("differ" 8, "Affect" 8, "Effect" 4, "effects"
    1), no other word changed."""
    marked = [ln for lines in pages for ln in lines if any(_DOUBLED in w for w, _, _ in ln.words)]
    if not marked:
        return pages
    pattern = re.compile(f"([A-Za-z]*){_DOUBLED}([A-Za-z]*)")
    counts = Counter(w.lower() for lines in pages for ln in lines for w in _WORDS.findall(ln.text))
    found = [m for ln in marked for m in pattern.finditer(ln.text)]
    lefts = Counter(m.group(1).lower() for m in found)
    rights = Counter(m.group(2).lower() for m in found)

    def fix(m: re.Match) -> str:
        left, right = m.group(1), m.group(2)
        if not right:
            return left
        whole = f"{left}f{right}"
        # "of our" in a file whose every space is generated: "our" stands alone elsewhere
        alone = counts[left.lower()] - lefts[left.lower()] + counts[right.lower()]
        alone -= rights[right.lower()]
        return whole if counts[whole.lower()] and alone <= 0 else f"{left} {right}"

    for ln in marked:
        ln.words = [(pattern.sub(fix, w), a, b) for w, a, b in ln.words]
        ln._text = None
        ln.cells = _cells(ln)
    return pages


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
    r"""PDFium's line-end hyphen marks as hyphens; soft hyphens left inside a line dropped; a
    trademark sign set apart from its word (a superscript read as a word or a line of its own:
    "® iPhone", "® ® ®") dropped.

    >>> clean("Net sales: ® iPhone — $1\n® ®\nMac Studio™ and Air ® • Pro")
    'Net sales: iPhone — $1\nMac Studio™ and Air • Pro'
    """
    text = text.replace("\ufffe", "-").replace("\x02", "-")
    text = _LONE_MARK.sub("", _LONE_MARK_LINE.sub("", text))
    return re.sub("[\u00ad\x00\ufffd]", "", text)


_LONE_MARK_LINE = re.compile(r"(?m)^[ \t]*[®™℠](?:[ \t]+[®™℠])*[ \t]*(?:\n|$)")
_LONE_MARK = re.compile(r"(?<!\S)[®™℠](?:[ \t]+|(?=\n)|$)")


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
