"""The parsers behind `formats.extract`, one per format, each a maintained library that runs
offline. They run in the isolated worker (formats' budget) and return `Extracted`."""

from __future__ import annotations

import io
import logging
import re

from rag.errors import IngestError
from rag.ingest.formats import (
    MAX_PACKAGE_BYTES,
    MAX_PART_BYTES,
    MAX_PARTS,
    MAX_RATIO,
    SECTION_SEP,
    Extracted,
    _Builder,
    _size,
    decode_text,
)

log = logging.getLogger(__name__)


def _txt(name: str, data: bytes) -> Extracted:
    text = decode_text(name, data)
    return Extracted(text, "txt", sections=plain_sections(text))


# A plain-text heading: a line standing alone, in capitals ("SAFETY WARNINGS") or numbered
# ("2.1 Primary Objective"), or underlined with "===" / "---"; never a sentence.
_NUMBERED = re.compile(r"(\d+(?:\.\d+)*)\.?\s+[A-Z]")
_UNDERLINE = re.compile(r"[ \t]*(=+|-+)[ \t]*")


def plain_sections(text: str) -> tuple[tuple[int, str], ...]:
    r"""The sections of a plain text, as (offset of its heading, path), from the headings its
    writer set apart: a line alone between blank lines (or above an underline) of at most ten
    words that does not end like a sentence, written in capitals, numbered, or underlined.
    Capitals and "===" open a top section, "---" one under it, "2.1" the second level.

    >>> t = "Manual\n\nSAFETY WARNINGS\n\nUnplug it.\n\n2.1 Replacing the Filter\n\nTurn it."
    >>> [(t[a:a + 6], p) for a, p in plain_sections(t)]
    [('SAFETY', 'SAFETY WARNINGS'), ('2.1 Re', 'SAFETY WARNINGS › 2.1 Replacing the Filter')]
    """
    lines = text.split("\n")
    starts, at = [], 0
    for line in lines:
        starts.append(at)
        at += len(line) + 1
    path: list[tuple[int, str]] = []
    out = []
    for i, line in enumerate(lines):
        head = line.strip()
        before = i == 0 or not lines[i - 1].strip()
        after = lines[i + 1] if i + 1 < len(lines) else ""
        underline = _UNDERLINE.fullmatch(after) and len(after.strip()) >= 3
        if not head or not before or not (underline or not after.strip()):
            continue
        if len(head.split()) > 10 or len(head) > 80 or head[-1] in ".,;!?":
            continue
        letters = [ch for ch in head if ch.isalpha()]
        numbered = _NUMBERED.match(head)
        if underline:
            level = 1 if after.strip()[0] == "=" else 2
        elif numbered:
            level = numbered.group(1).count(".") + 1
        elif len(letters) >= 4 and all(ch.isupper() for ch in letters):
            level = 1
        else:
            continue
        while path and path[-1][0] >= level:
            path.pop()
        path.append((level, head.rstrip(":")))
        out.append((starts[i] + line.index(head), SECTION_SEP.join(h for _, h in path)))
    return tuple(out)


def _md(name: str, data: bytes) -> Extracted:
    """Markdown as it reads rendered: headings, paragraphs, list items and code as plain text
    (no #, ** or link syntax), headings opening sections."""
    from markdown_it import MarkdownIt

    source = decode_text(name, data)
    tokens = MarkdownIt("commonmark", {"html": True}).enable("table").parse(source)
    b = _Builder()
    level = 0
    table: list[list[str]] | None = None  # the rows of the table being read
    for i, tok in enumerate(tokens):
        if tok.type == "table_open":
            table = []
        elif tok.type == "table_close":
            for line in table_lines(table or []):
                b.block(line)
            table = None
        elif table is not None:
            if tok.type == "tr_open":
                table.append([])
            elif tok.type == "inline" and table:
                table[-1].append(" ".join(_md_inline(tok.children or []).split()))
        elif tok.type == "heading_open":
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


def table_lines(rows: list[list[str]]) -> list[str]:
    """A table's rows as lines the table stage reads as a PDF's ("Coal — 2023: 5.1; 2022:
    4.9"): under a first row naming each column, one line per row, its first cell the label,
    each other cell after its column's name (a row with no cell but its label, a heading of
    the rows below, stays as it is). A table with no such header is its rows' cells joined by
    " | ".

    >>> table_lines([["Cargo", "2023", "2022"], ["Coal", "5.1", "4.9"], ["Ports", "", ""]])
    ['Coal — 2023: 5.1; 2022: 4.9', 'Ports']
    >>> table_lines([["Coal", "5.1"], ["Grain", "3.2", "2.7"]])
    ['Coal | 5.1', 'Grain | 3.2 | 2.7']
    """
    head = rows[0] if rows else []
    if (
        len(rows) < 2
        or len(head) < 2
        or not all(head[1:])
        or any(len(r) != len(head) for r in rows[1:])
    ):
        return [" | ".join(c for c in r if c) for r in rows if any(r)]
    out = []
    for r in rows[1:]:
        cells = "; ".join(f"{h}: {v}" for h, v in zip(head[1:], r[1:], strict=True) if v)
        if cells:
            out.append(f"{r[0]} — {cells}" if r[0] else cells)
        elif r[0]:
            out.append(r[0])
    return out


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
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - any parser failure is one plain refusal
        log.info("%s: %s", name, exc)
        raise IngestError(f"{name} could not be read as HTML") from None
    b = _Builder()
    line: list[str] = []

    def flush() -> None:
        b.block(" ".join("".join(line).split()))
        line.clear()

    def walk(node) -> None:
        # A stack, not recursion: pages nest tags 100,000 deep.
        stack = [(iter(node.children), False)]
        while stack:
            children, block = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                if block:
                    flush()
                continue
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
                elif tag == "table" and not child.find("table"):
                    flush()
                    rows = [
                        [" ".join(c.get_text(" ").split()) for c in tr.find_all(["th", "td"])]
                        for tr in child.find_all("tr")
                    ]
                    for row_line in table_lines(rows):
                        b.block(row_line)
                elif tag in _BLOCKS:
                    flush()
                    stack.append((iter(child.children), True))
                else:
                    stack.append((iter(child.children), False))

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

    _check_package(name, data)
    try:
        document = docx.Document(io.BytesIO(data))
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - zip, XML or package errors: one plain refusal
        # libxml2 out of memory says so, or says nothing ("unknown error"): no room left
        # even for its message.
        if any(m in str(exc).lower() for m in ("memory", "unknown error")):
            raise MemoryError from None
        raise IngestError(f"{name} could not be opened as a Word (.docx) document") from None
    b = _Builder()
    # python-docx finds a paragraph's style by scanning every style, twice per paragraph
    # (7 ms each on a busy machine): looked up once per style id instead.
    styles: dict[str | None, str] = {}
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            style_id = item._p.style
            if style_id not in styles:
                style = item.style
                styles[style_id] = (style.name if style is not None else "") or ""
            level = _docx_heading_level(styles[style_id])
            if level is not None:
                b.heading(level, item.text)
            else:
                b.block(item.text)
        elif isinstance(item, Table):
            rows = []
            for row in item.rows:
                cells, seen = [], None
                for cell in row.cells:
                    if cell._tc is seen:
                        continue  # a merged cell is listed once per column it spans
                    seen = cell._tc
                    cells.append(" ".join(cell.text.split()))
                rows.append(cells)
            for line in table_lines(rows):
                b.block(line)
    out = b.done("docx")
    title = (document.core_properties.title or "").strip()
    return Extracted(out.text, "docx", title or out.title, sections=out.sections)


def _check_package(name: str, data: bytes) -> None:
    """Refuse a zip whose parts would unpack past the limits, before any is unpacked.

    The sizes checked are the ones the zip declares; zipfile stops a part at its declared size
    (and then fails its checksum), so a part cannot unpack to more than it claims.
    """
    import zipfile

    try:
        parts = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise IngestError(f"{name} could not be opened as a Word (.docx) document") from None
    bomb = "; it may be a decompression bomb"
    if len(parts) > MAX_PARTS:
        raise IngestError(f"{name} holds {len(parts):,} parts, over the limit of {MAX_PARTS:,}")
    total = 0
    for part in parts:
        total += part.file_size
        if part.file_size > MAX_PART_BYTES:
            raise IngestError(
                f"{name}: its part {part.filename} unpacks to {_size(part.file_size)}, over "
                f"the limit of {_size(MAX_PART_BYTES)}" + bomb
            )
        if part.file_size > 1024 * 1024 and part.file_size > MAX_RATIO * max(part.compress_size, 1):
            ratio = part.file_size / max(part.compress_size, 1)
            raise IngestError(
                f"{name}: its part {part.filename} is compressed {ratio:.0f}:1, over the "
                f"limit of {MAX_RATIO}:1" + bomb
            )
    if total > MAX_PACKAGE_BYTES:
        raise IngestError(
            f"{name} unpacks to {_size(total)}, over the limit of {_size(MAX_PACKAGE_BYTES)}" + bomb
        )


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
    """PDF text by PDFium (see rag/ingest/pdf.py): prose reflowed into paragraphs, each table row one
    paragraph holding its label, column headers and values, running headers and page numbers
    dropped. Any failure of the parser is an IngestError naming this file."""
    from .pdf import clean, drop_running_lines, join_lines, read_pdf, vocabulary
    from .pdf_headings import (
        _body_style,
        _looks_like_heading,
        locate_headings,
        page_headings,
        section_paths,
    )
    from .pdf_tables import page_blocks

    raw_pages, count, meta_title = read_pdf(name, data)
    raw_pages = drop_running_lines(raw_pages)
    vocab = vocabulary(raw_pages)
    page_heads = page_headings(raw_pages)
    bodies = _body_style(raw_pages)
    parts: list[str] = []
    pages: list[tuple[int, int]] = []
    heads: list = []
    length = 0
    prose_ends = False  # the page before ends in prose
    for number, lines in enumerate(raw_pages, 1):
        blocks = []
        body = bodies[number - 1]
        kinds = []
        for kind, block in page_blocks(lines, lambda ln, body=body: _looks_like_heading(ln, body)):
            if kind == "table":
                blocks.extend(" ".join(clean(row).split()) for row in block)
            else:
                blocks.append(_reflow(join_lines(block, vocab)))
            kinds.append(kind)
        text = "\n\n".join(b for b in blocks if b)
        if not text:
            continue
        if parts:
            # a sentence the page break cut ("We elected the fair value" / "option to account
            # for ..."): one sentence again, so it is read and quoted whole
            joined = (
                prose_ends and kinds[0] != "table" and _CUT.match(f"{parts[-1][-1]}\n{text[0]}")
            )
            parts.append(" " if joined else "\n\n")
            length += len(parts[-1])
        prose_ends = kinds[-1] != "table"
        pages.append((length, number))
        heads.extend(locate_headings(text, page_heads[number - 1], length))
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
    sections = section_paths(heads, SECTION_SEP)
    return Extracted(text, "pdf", title or None, count, tuple(pages), sections)


# The end of a page's prose and the start of the next page's that are one sentence: no full
# stop (or colon) before the break, a lowercase word after it.
_CUT = re.compile(r"[a-z,;)\u2019”]\n[a-z]")


# A list item's mark: "1.", "2)", "(a)", "a.", a bullet; then a capitalised word.
_ITEM = re.compile(r"(?:\d{1,2}[.)]|\([a-z\d]{1,3}\)|[a-h][.)]|[•●▪◦‣–-])\s+[A-Z]")


def _reflow(raw: str) -> str:
    """A page's extracted lines -> paragraphs: lines of one paragraph joined by spaces (words
    split by a line-end hyphen joined), a blank line or a short line ending a sentence closes a
    paragraph. Sentences then read (and are quoted) as one line.

    >>> _reflow("The EXPO took place in Har-\\nbin from June 15\\nto 19.\\nNext paragraph here.")
    'The EXPO took place in Harbin from June 15 to 19.\\n\\nNext paragraph here.'
    >>> _reflow("Fleet\\nThe ferry line carries goods across the Amur every\\nsummer and autumn.")
    'Fleet\\n\\nThe ferry line carries goods across the Amur every summer and autumn.'
    >>> _reflow("Each must meet the following criteria, all of them, at screening:\\n1. Age 18 or over.")
    'Each must meet the following criteria, all of them, at screening:\\n\\n1. Age 18 or over.'
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
        # An item of a numbered or bulleted list after a sentence's (or an introduction's)
        # end opens a paragraph of its own: "... the following criteria:" over "1. Age 18
        # years or older." are two.
        if current and current[-1][-1] in ".:;" and _ITEM.match(line):
            paras.append(" ".join(current))
            current = []
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


EXTRACTORS = {"txt": _txt, "md": _md, "html": _html, "docx": _docx, "pdf": _pdf}
