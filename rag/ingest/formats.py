"""Documents in the formats people have -> the text citations point into, and where it was.

One parser per format, each a maintained library that runs offline: PDFium (PDF), python-docx
(DOCX), BeautifulSoup with the standard library's HTML parser (HTML), markdown-it-py
(Markdown). Plain text is read verbatim. Whatever the format, the result is one `Extracted`:
the text (every citation's span is an offset into it), the page each stretch of text came from
(PDF) and the heading path it sits under (DOCX, HTML, Markdown).
"""

from __future__ import annotations

import bisect
import io
import logging
import re
from dataclasses import dataclass, field

from rag.errors import IngestError

log = logging.getLogger(__name__)

SECTION_SEP = " › "
# Bumped when extraction changes the text of a document: indexes built before are rebuilt.
EXTRACTOR_VERSION = 6

# Formats by file suffix.
FORMATS = {
    ".txt": "txt",
    ".md": "md",
    ".markdown": "md",
    ".pdf": "pdf",
    ".docx": "docx",
    ".html": "html",
    ".htm": "html",
}
SUFFIXES = tuple(FORMATS)


@dataclass(frozen=True)
class Extracted:
    text: str
    format: str
    title: str | None = None
    page_count: int | None = None  # PDFs
    # (offset where a page starts, page number from 1): PDFs only.
    pages: tuple[tuple[int, int], ...] = ()
    # (offset where a heading starts, its path "Part › Chapter"): the section runs to the next.
    sections: tuple[tuple[int, str], ...] = ()
    bytes: int = 0
    _page_starts: list[int] = field(default_factory=list, compare=False, repr=False)
    _section_starts: list[int] = field(default_factory=list, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._page_starts.extend(a for a, _ in self.pages)
        self._section_starts.extend(a for a, _ in self.sections)

    def page_at(self, offset: int) -> int | None:
        """The page holding character `offset` (None when the format has no pages)."""
        i = bisect.bisect_right(self._page_starts, offset) - 1
        return self.pages[i][1] if i >= 0 else None

    def section_at(self, offset: int) -> str | None:
        """The heading path over character `offset` (None before the first heading)."""
        i = bisect.bisect_right(self._section_starts, offset) - 1
        return self.sections[i][1] if i >= 0 else None

    def to_dict(self) -> dict:
        return {
            "text": self.text,
            "format": self.format,
            "title": self.title,
            "page_count": self.page_count,
            "pages": [list(p) for p in self.pages],
            "sections": [list(s) for s in self.sections],
            "bytes": self.bytes,
        }

    @classmethod
    def from_dict(cls, d: dict) -> Extracted:
        return cls(
            d["text"],
            d["format"],
            d.get("title"),
            d.get("page_count"),
            tuple((int(a), int(p)) for a, p in d.get("pages", ())),
            tuple((int(a), str(s)) for a, s in d.get("sections", ())),
            int(d.get("bytes", 0)),
        )


def format_of(name: str) -> str | None:
    """The format a file name's suffix names, or None if it is not one we read.

    >>> format_of("Report.PDF"), format_of("notes.md"), format_of("a.xlsx")
    ('pdf', 'md', None)
    """
    dot = name.rfind(".")
    return FORMATS.get(name[dot:].lower()) if dot >= 0 else None


def extract(name: str, data: bytes) -> Extracted:
    """A document's bytes -> its Extracted text; IngestError says in plain words why not."""
    fmt = format_of(name)
    if fmt is None:
        raise IngestError(
            f"{name}: this kind of file cannot be read; add .txt, .md, .pdf, .docx or .html files"
        )
    if not data.strip():
        raise IngestError(f"{name}: the file is empty")
    out = _EXTRACTORS[fmt](name, data)
    if not out.text.strip():
        raise IngestError(f"{name}: no text could be read from it")
    return Extracted(
        out.text,
        fmt,
        out.title or guess_title(out.text),
        out.page_count,
        out.pages,
        out.sections,
        len(data),
    )


# ---- plain text ----------------------------------------------------------------------------


def decode_text(name: str, data: bytes) -> str:
    """Bytes of a text file -> its text, or IngestError in plain words.

    >>> decode_text("a.txt", b"one\\r\\ntwo\\r")
    'one\\ntwo\\n'
    >>> decode_text("b.txt", "Harbin".encode("utf-16"))
    'Harbin'
    >>> decode_text("latin1.txt", "café".encode("latin-1"))
    Traceback (most recent call last):
    rag.errors.IngestError: latin1.txt is not UTF-8 text; save it as UTF-8
    """
    if not data.strip():
        raise IngestError(f"{name}: the file is empty")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16 with its byte-order mark
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise IngestError(f"{name} is not valid UTF-16 text; save it as UTF-8") from None
        if any(ord(c) < 32 and c not in "\n\r\t\f" for c in text):
            raise IngestError(f"{name} looks like a binary file, not text")
        return text.replace("\r\n", "\n").replace("\r", "\n")
    if b"\x00" in data:
        raise IngestError(f"{name} looks like a binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise IngestError(f"{name} is not UTF-8 text; save it as UTF-8") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _txt(name: str, data: bytes) -> Extracted:
    return Extracted(decode_text(name, data), "txt")


# Footnote marks (<sup>1</sup>, ¹) and Markdown/HTML markup are not part of a title.
_MD_NOISE = re.compile(r"<sup>.*?</sup>|<[^>]+>|[*_`#>]+|[\u00b9\u00b2\u00b3\u2070-\u209f]+")
# A memo or e-mail opens with header fields: the subject names it, the addresses do not.
_HEADER_FIELD = re.compile(r"(?i)(to|from|date|cc|bcc|sent|attn)\s*:")
_SUBJECT = re.compile(r"(?i)(?:subject|re)\s*:\s*(.+)")


def guess_title(text: str) -> str | None:
    """A title read from the text: its first line of at least three words, markup removed.

    >>> guess_title("Posted on\\n\\n# *A New Model for Regional Cooperation*<sup>1</sup>\\n...")
    'A New Model for Regional Cooperation'
    >>> guess_title("Some Observations on Inter-regional Cooperation¹")
    'Some Observations on Inter-regional Cooperation'
    >>> guess_title("The Amur festival is held every August 12. Its programme is at example.org and free.")
    'The Amur festival is held every August 12'
    >>> guess_title("x\\n") is None
    True
    >>> guess_title("MEMORANDUM\\nTo: Amur Shipping Council\\nFrom: Pavel Orlov\\nSubject: Spring dredging")
    'Spring dredging'
    """
    for line in text.splitlines()[:40]:
        clean = " ".join(_MD_NOISE.sub("", line).split()).strip(" .:-|")
        subject = _SUBJECT.match(clean)
        if subject:
            return subject.group(1)
        if _HEADER_FIELD.match(clean):
            continue
        if len(clean.split()) >= 3:
            # A first line that is a whole paragraph: its first sentence names it best.
            first = re.match(r".{20,100}?[.!?](?=\s+[A-Z])", clean)
            if len(clean) > 80 and first:
                return first.group(0).rstrip(".")
            return clean if len(clean) <= 120 else clean[:117].rsplit(" ", 1)[0] + "…"
    return None


# ---- structured text: blocks and headings -> text, sections ---------------------------------


class _Builder:
    """Text made of blocks separated by blank lines; headings open sections."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.path: list[tuple[int, str]] = []  # (level, heading) from the top
        self.sections: list[tuple[int, str]] = []
        self.title: str | None = None

    def block(self, text: str) -> int:
        text = text.strip("\n")
        if not text.strip():
            return -1
        if self.parts:
            self.parts.append("\n\n")
            self.length += 2
        start = self.length
        self.parts.append(text)
        self.length += len(text)
        return start

    def heading(self, level: int, text: str) -> None:
        text = " ".join(text.split())
        start = self.block(text)
        if start < 0:
            return
        if self.title is None and level <= 1:
            self.title = text
        if level == 0:  # the document's title (DOCX "Title" style): a name, not a section
            return
        while self.path and self.path[-1][0] >= level:
            self.path.pop()
        self.path.append((level, text))
        self.sections.append((start, SECTION_SEP.join(h for _, h in self.path)))

    def done(self, fmt: str) -> Extracted:
        return Extracted("".join(self.parts), fmt, self.title, sections=tuple(self.sections))


def _md(name: str, data: bytes) -> Extracted:
    """Markdown as it reads rendered: headings, paragraphs, list items and code as plain text
    (no #, ** or link syntax), headings opening sections."""
    from markdown_it import MarkdownIt

    source = decode_text(name, data)
    tokens = MarkdownIt("commonmark", {"html": True}).enable("table").parse(source)
    b = _Builder()
    level = 0
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open":
            level = int(tok.tag[1])
        elif tok.type == "inline":
            text = _md_inline(tok.children or [])
            if i and tokens[i - 1].type == "heading_open":
                b.heading(level, text)
            else:
                b.block(text)
        elif tok.type in ("fence", "code_block"):
            b.block(tok.content)
        elif tok.type == "html_block":
            b.block(_html_fragment_text(tok.content))
    return b.done("md")


def _md_inline(children) -> str:
    out = []
    for t in children:
        if t.type in ("text", "code_inline"):
            out.append(t.content)
        elif t.type == "softbreak" or t.type == "hardbreak":
            out.append("\n")
        elif t.type == "image":
            out.append(t.content or "")
        elif t.type == "html_inline":
            continue  # <sup>, <br> and the like: markup, not words
    return "".join(out)


def _html_fragment_text(fragment: str) -> str:
    from bs4 import BeautifulSoup

    return " ".join(BeautifulSoup(fragment, "html.parser").get_text(" ").split())


# ---- HTML ----------------------------------------------------------------------------------

_BLOCKS = {
    "p", "div", "section", "article", "main", "aside", "header", "footer", "li", "ul", "ol",
    "table", "tr", "td", "th", "thead", "tbody", "blockquote", "pre", "dd", "dt", "dl",
    "figure", "figcaption", "caption", "address", "details", "summary", "form", "fieldset",
    "br", "hr", "body", "html",
}  # fmt: skip
_SKIP = {"script", "style", "noscript", "template", "head", "svg", "iframe", "object", "nav"}
_HEADINGS = {f"h{i}": i for i in range(1, 7)}


def _html(name: str, data: bytes) -> Extracted:
    from bs4 import BeautifulSoup, NavigableString, Tag
    from bs4.element import Comment, Doctype, ProcessingInstruction

    try:
        soup = BeautifulSoup(data, "html.parser")
    except Exception as exc:  # noqa: BLE001 - any parser failure is one plain refusal
        log.info("%s: %s", name, exc)
        raise IngestError(f"{name} could not be read as HTML") from None
    b = _Builder()
    line: list[str] = []

    def flush() -> None:
        b.block(" ".join("".join(line).split()))
        line.clear()

    def walk(node) -> None:
        for child in node.children:
            if isinstance(child, Comment | Doctype | ProcessingInstruction):
                continue
            if isinstance(child, NavigableString):
                line.append(str(child))
            elif isinstance(child, Tag):
                tag = child.name.lower()
                if tag in _SKIP:
                    continue
                if tag in _HEADINGS:
                    flush()
                    b.heading(_HEADINGS[tag], child.get_text(" "))
                elif tag == "pre":
                    flush()
                    b.block(child.get_text())
                elif tag in _BLOCKS:
                    flush()
                    walk(child)
                    flush()
                else:
                    walk(child)

    walk(soup.body or soup)
    flush()
    out = b.done("html")
    title = soup.title.get_text(" ").strip() if soup.title else ""
    return Extracted(out.text, "html", " ".join(title.split()) or out.title, sections=out.sections)


# ---- DOCX ----------------------------------------------------------------------------------


def _docx(name: str, data: bytes) -> Extracted:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception:  # noqa: BLE001 - zip, XML or package errors: one plain refusal
        raise IngestError(f"{name} could not be opened as a Word (.docx) document") from None
    b = _Builder()
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            style = (item.style.name if item.style is not None else "") or ""
            level = _docx_heading_level(style)
            if level is not None:
                b.heading(level, item.text)
            else:
                b.block(item.text)
        elif isinstance(item, Table):
            for row in item.rows:
                cells = []
                for cell in row.cells:
                    text = " ".join(cell.text.split())
                    if text and (not cells or cells[-1] != text):  # merged cells repeat
                        cells.append(text)
                b.block(" | ".join(cells))
    out = b.done("docx")
    title = (document.core_properties.title or "").strip()
    return Extracted(out.text, "docx", title or out.title, sections=out.sections)


def _docx_heading_level(style: str) -> int | None:
    """'Heading 2' -> 2, 'Title' -> 0, other styles -> None.

    >>> _docx_heading_level("Heading 2"), _docx_heading_level("Title"), _docx_heading_level("Normal")
    (2, 0, None)
    """
    if style == "Title":
        return 0
    m = re.fullmatch(r"Heading (\d)", style)
    return int(m.group(1)) if m else None


# ---- PDF -----------------------------------------------------------------------------------

_HYPHEN = re.compile(r"(\w)-\n([a-z])")  # "coop-/eration": one word cut by the line end
_HYPHEN_NAME = re.compile(r"(\w)-\n([A-Z0-9])")  # "Sino-/Russian": a hyphenated word


def _pdf(name: str, data: bytes) -> Extracted:
    """PDF text by PDFium (see rag/pdf.py): prose reflowed into paragraphs, each table row one
    paragraph holding its label, column headers and values, running headers and page numbers
    dropped. Any failure of the parser is an IngestError naming this file."""
    from .pdf import clean, drop_running_lines, join_lines, read_pdf, vocabulary
    from .pdf_tables import page_blocks

    raw_pages, count, meta_title = read_pdf(name, data)
    raw_pages = drop_running_lines(raw_pages)
    vocab = vocabulary(raw_pages)
    parts: list[str] = []
    pages: list[tuple[int, int]] = []
    length = 0
    for number, lines in enumerate(raw_pages, 1):
        blocks = []
        for kind, block in page_blocks(lines):
            if kind == "table":
                blocks.extend(" ".join(clean(row).split()) for row in block)
            else:
                blocks.append(_reflow(join_lines(block, vocab)))
        text = "\n\n".join(b for b in blocks if b)
        if not text:
            continue
        if parts:
            parts.append("\n\n")
            length += 2
        pages.append((length, number))
        parts.append(text)
        length += len(text)
    text = "".join(parts)
    if len(text.split()) < 3 * max(1, count) and len(text.split()) < 20:
        raise IngestError(
            f"{name} has no text layer (it looks scanned: pages are images); "
            "run text recognition (OCR) on it first"
        )
    title = " ".join(str(meta_title).split())
    # Filing systems often store an accession number or a file path as the title: not a name.
    if not re.search(r"[A-Za-z]{3,}\s+[A-Za-z]{2,}", title) or re.search(r"\.(pdf|docx?)$", title):
        title = ""
    return Extracted(text, "pdf", title or None, count, tuple(pages))


def _reflow(raw: str) -> str:
    """A page's extracted lines -> paragraphs: lines of one paragraph joined by spaces (words
    split by a line-end hyphen joined), a blank line or a short line ending a sentence closes a
    paragraph. Sentences then read (and are quoted) as one line.

    >>> _reflow("The EXPO took place in Har-\\nbin from June 15\\nto 19.\\nNext paragraph here.")
    'The EXPO took place in Harbin from June 15 to 19.\\n\\nNext paragraph here.'
    >>> _reflow("Fleet\\nThe ferry line carries goods across the Amur every\\nsummer and autumn.")
    'Fleet\\n\\nThe ferry line carries goods across the Amur every summer and autumn.'
    """
    raw = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    raw = _HYPHEN_NAME.sub(r"\1-\2", _HYPHEN.sub(r"\1\2", raw))
    lines = [" ".join(line.split()) for line in raw.split("\n")]
    widths = sorted(len(x) for x in lines if x)
    if not widths:
        return ""
    full = widths[int(len(widths) * 0.8)] if len(widths) > 2 else widths[-1]
    paras: list[str] = []
    current: list[str] = []
    for line in lines:
        if not line:
            if current:
                paras.append(" ".join(current))
                current = []
            continue
        # A short first line without a full stop stands alone: a heading, not the start of
        # the paragraph below it.
        heading = not current and len(line) < 0.6 * full and line[-1] not in ".,;:!?"
        current.append(line)
        if heading or (line[-1] in ".!?:" and len(line) < 0.8 * full):
            paras.append(" ".join(current))
            current = []
    if current:
        paras.append(" ".join(current))
    return "\n\n".join(paras)


_EXTRACTORS = {"txt": _txt, "md": _md, "html": _html, "docx": _docx, "pdf": _pdf}
