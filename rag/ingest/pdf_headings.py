"""PDF headings: which visual lines head a section (`page_headings`), where they stand in the
page's final text (`locate_headings`), and the heading path of each section (`section_paths`).
A heading is set apart by its font (bolder or larger than the page's body) or, in filings
printed from a browser, written in capitals in the body's own font; filings' parts, items and
notes are named by their numbers whatever the font."""

from __future__ import annotations

import re
from collections import Counter

from .pdf import Line, clean

# A heading is at most this long: longer lines in another font are emphasised prose.
HEADING_MAX_WORDS = 16
HEADING_MAX_CHARS = 140
# Set apart from the body by weight (PDFium's scale: regular ~225-400, bold 380-700 depending
# on the font's descriptor) or by size.
_BOLDER = 50
_LARGER = 1.08
# Filings number their parts, items and notes: those names fix the level whatever the font.
_PART = re.compile(r"(?i)part\s+(?:i{1,3}|iv)\b")
_ITEM = re.compile(r"(?i)(?:item\s+\d{1,2}[a-z]?|exhibit\s+\d{1,3}(?:\.\d{1,3})?)\b")
_NOTE = re.compile(r"(?i)note\s+\d{1,2}\b")
# A heading ends without a sentence's punctuation; "Item 2." and "PART I." aside.
_ENDS_SENTENCE = re.compile(r"[.,;:!?]$")
_CONTINUED = re.compile(r"(?i)\(continued\)$")
_NUMBER_CELL = re.compile(r"[\d,.$%()\s-]+")
# A heading line wrapped onto the next ends with one of these (or the next starts lowercase).
_CONTINUES = re.compile(r"(?i)(?:\b(?:and|or|of|the|for|in|on|to|a|an|with|by|from)|[,&—–-])$")


def _body_style(pages: list[list[Line]]) -> list[tuple[int, float] | None]:
    """Each page's body font (weight, size): the style most of its words are in. A page with
    few words takes the document's."""
    doc: Counter = Counter()
    per_page: list[Counter] = []
    for lines in pages:
        c: Counter = Counter()
        for ln in lines:
            if ln.style is not None:
                c[ln.style] += len(ln.words)
        per_page.append(c)
        doc.update(c)
    whole = doc.most_common(1)[0][0] if doc else None
    return [c.most_common(1)[0][0] if sum(c.values()) >= 60 else whole for c in per_page]


def _looks_like_heading(ln: Line, body: tuple[int, float] | None) -> bool:
    if ln.style is None or body is None:
        return False  # mixed fonts: a run-in label or emphasis inside prose
    numbered = _PART.match(ln.text) or _ITEM.match(ln.text) or _NOTE.match(ln.text)
    # Several cells are a table row, but "Item 2.   Management's Discussion" is set with a gap;
    # a contents line ends in its page number.
    if len(ln.cells) > 1 and not (numbered and not _NUMBER_CELL.fullmatch(ln.cells[-1][0])):
        return False
    weight, size = ln.style
    if size < 0.95 * body[1]:
        return False  # footnotes and column headers are smaller than the body
    text = ln.text
    # Filings printed from a browser may set headings in the body's own font, in capitals
    # ("NOTE 9 — DEBT", "OVERVIEW").
    if not (weight > body[0] + _BOLDER or size > _LARGER * body[1]) and not (
        ln.style == body and in_capitals(text)
    ):
        return False
    words = text.split()
    if len(words) > HEADING_MAX_WORDS or len(text) > HEADING_MAX_CHARS:
        return False
    if _ENDS_SENTENCE.search(text) and not (numbered and len(words) <= 3):
        return False
    if text[0].islower() and not (len(text) > 1 and text[1].isupper()):
        return False  # a line continuing a sentence ("iPhone" is a name)
    if text[0] == "(" and text[-1] == ")" or text[0] in "$€£":
        return False  # "(in millions)", "(Principal Executive Officer)": a note, not a heading
    if _CONTINUED.search(text):
        return False  # a heading repeated on the next page: the section goes on
    letters = sum(ch.isalpha() for ch in text)
    digits = sum(ch.isdigit() for ch in text)
    return letters >= 3 and digits <= letters / 2


def in_capitals(text: str) -> bool:
    """Whether a line is written in capitals (four letters or more, none lowercase).

    >>> in_capitals("NOTE 9 — DEBT"), in_capitals("Note 9 — Debt"), in_capitals("U.S.")
    (True, False, False)
    """
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 4 and not any(ch.islower() for ch in letters)


def page_headings(pages: list[list[Line]]) -> list[list[tuple[str, tuple[int, float]]]]:
    """Per page, the lines that look like headings, top to bottom: (text, style). A heading is
    a short line of one cell, in a font bolder or larger than the page's body, that does not end
    like a sentence. Two such lines in the same font with no paragraph gap between them are one
    heading wrapped. Whether a candidate is really a heading (and not a table's label) is
    decided where the text is assembled: it must stand as its own paragraph there."""
    out = []
    for lines, body in zip(pages, _body_style(pages), strict=True):
        heads: list[tuple[str, tuple[int, float]]] = []
        prev: Line | None = None
        for ln in lines:
            if not _looks_like_heading(ln, body):
                prev = None
                continue
            if (
                prev is not None
                and heads
                and prev.style == ln.style
                and prev.bottom - ln.top < 0.9 * ln.h
                and (ln.text[0].islower() or _CONTINUES.search(prev.text))
                and not (_PART.match(ln.text) or _ITEM.match(ln.text) or _NOTE.match(ln.text))
                and len(heads[-1][0].split()) + len(ln.words) <= HEADING_MAX_WORDS
            ):
                heads[-1] = (heads[-1][0] + "\n" + ln.text, ln.style)
            else:
                heads.append((ln.text, ln.style))
            prev = ln
        out.append(heads)
    return out


def locate_headings(
    text: str, heads: list[tuple[str, tuple[int, float]]], start: int = 0
) -> list[tuple[int, str, tuple[int, float]]]:
    """Where each heading begins in a page's final text, in order: (offset, heading, style).
    A heading counts only where it opens a paragraph and ends one (or runs into the words after
    it, but not as a table row's label "label — header: value"); one not found is dropped."""
    found = []
    at = 0
    for raw_text, style in heads:
        parts = [" ".join(clean(p).split()) for p in raw_text.split("\n")]
        # A wrapped heading may read as one paragraph or as one per line.
        for name in dict.fromkeys((" ".join(parts), "\n\n".join(parts))):
            pos = _paragraph_at(text, name, at)
            if pos >= 0:
                found.append((start + pos, " ".join(parts), style))
                at = pos + len(name)
                break
    return found


def _paragraph_at(text: str, name: str, at: int) -> int:
    pos = text.find(name, at)
    while pos >= 0:
        end = pos + len(name)
        opens = pos == 0 or text.startswith("\n\n", pos - 2)
        after = text[end : end + 3]
        closes = (
            end == len(text)
            or after.startswith("\n\n")
            or (after[:1] == " " and not after.startswith(" —"))
        )
        if opens and closes:
            return pos
        pos = text.find(name, pos + 1)
    return -1


def section_paths(
    heads: list[tuple[int, str, tuple[int, float]]], sep: str
) -> tuple[tuple[int, str], ...]:
    """Located headings -> (offset, heading path) sections. Levels: "PART I" 1, "Item 2." 2; the
    other headings by font, larger first and, at one size, the font of the "Note 5" headings
    above, then a font whose headings are all in capitals, then the font the document uses
    first (most often bold before italic); a heading in the font of the "Note 5" headings that is not a note sits under the
    note."""
    note_styles = {s for _, t, s in heads if _NOTE.match(t)}
    mixed = {s for _, t, s in heads if not in_capitals(t)}
    styles = sorted(
        {s for _, t, s in heads if not (_PART.match(t) or _ITEM.match(t))},
        key=lambda s: (
            -s[1],
            s not in note_styles,  # a note's heading heads the sub-headings in its note
            s in mixed,
            next(i for i, (_, _, x) in enumerate(heads) if x == s),
        ),
    )
    rank = {s: i for i, s in enumerate(styles)}
    path: list[tuple[float, str]] = []
    out: list[tuple[int, str]] = []
    for offset, name, style in heads:
        if _PART.match(name):
            level = 1.0
        elif _ITEM.match(name):
            level = 2.0
        else:
            level = 3.0 + rank[style]
            if style in note_styles and not _NOTE.match(name):
                level += 0.5
        while path and path[-1][0] >= level:
            path.pop()
        path.append((level, name))
        out.append((offset, sep.join(h for _, h in path)))
    return tuple(out)
