"""Retrieval that knows the document a passage comes from.

Look-alike documents (one company's quarterly reports, one call per quarter) hold passages
that read the same: the quarter or the company is in the file name and the title, not in the
passage. So each passage is searched (embedded and BM25-scored) with its document's title,
file name, heading path and page before it, its `Chunk.context`; the passage's `text`, which
the reader reads and citations quote, never holds them.

What a document is known by (`DocumentKeys`: the periods and names of its title, file name and
opening passage, the days and quarters its passages name) is read here; which documents a
question is steered to, and how it is searched inside them, is `rag.steering`'s. Names are
learned from each document's own title, file name and first passage; no company is known in
advance.
"""

from __future__ import annotations

import re
import threading
from dataclasses import replace
from pathlib import PurePosixPath

from rag.ingest.chunk import Chunk
from rag.ingest.formats import SECTION_SEP
from rag.text import (
    PERIOD_TOKEN,
    dates,
    ended_dates,
    own_fiscal_quarter,
    periods,
)

# Bounds that keep the context a small share of the embedding window (chunks are up to 200
# tokens of a 256-token window).
_TITLE_WORDS = 16
_SECTION_WORDS = 12
_SEP = " | "
# Opens the heading path in a passage's context, so that retrieval can take it alone.
_SECTION_MARK = "§ "

# How retrieval uses the question's periods and names: "off", "prefer" (passages of the
# documents they name first, among the fused candidates) or "restrict" (search only those
# documents when any match). Chosen on the validation half of the 10-Q questions
# (research/context_check.py).
STEER_MODES = ("off", "prefer", "restrict")


# Hashes, serial numbers and bare counters in file names ("002_aa3b978d13dcf21e"): no words.
_ID = re.compile(r"(?=.*\d)(?=.*[a-zA-Z])\w{7,}|\d{5,}|\d{1,3}")


def file_words(name: str) -> str:
    """A document's file name as words, its folders too and without the suffix.

    >>> file_words("reports/2023 Q1 AAPL.pdf")
    'reports 2023 Q1 AAPL'
    >>> file_words("q1_2023-earnings.call.txt")
    'q1 2023 earnings call'
    >>> file_words("002_aa3b978d13dcf21e.txt")  # an identifier says nothing: searched, it is noise
    ''
    """
    path = PurePosixPath(name)
    parts = [*path.parent.parts, path.stem] if str(path.parent) != "." else [path.stem]
    words = re.sub(r"[_\-.]+", " ", " ".join(parts)).split()
    return " ".join(w for w in words if not _ID.fullmatch(w))


# Cover-page headings that many documents open with: they name the sender or the kind of
# document, not the document ("SECURITIES AND EXCHANGE COMMISSION" on every 10-Q).
_GENERIC_TITLE = re.compile(
    r"(?:united states\s+)?securities and exchange commission(?:\s+washington.*)?|form\s+10-?[qk]"
    r"|(?:table of\s+)?contents|(?:quarterly|annual) report|untitled(?: document)?|page \d+",
    re.I,
)


def generic_title(title: str | None) -> bool:
    """Whether a title is a cover heading any document of its kind carries.

    >>> generic_title("SECURITIES AND EXCHANGE COMMISSION"), generic_title("Q1 2023 report")
    (True, False)
    """
    return bool(title) and bool(_GENERIC_TITLE.fullmatch(" ".join(title.split()).strip(" .:")))


def shown_title(title: str | None, name: str, shared: bool = False) -> str:
    """The title to show a document by: its own, unless it is a cover heading or other
    documents carry it too (`shared`): then its file name without the suffix, which tells
    look-alike documents apart (no title at all: the file name).

    >>> shown_title("SECURITIES AND EXCHANGE COMMISSION", "2022 Q3 AAPL.pdf")
    '2022 Q3 AAPL'
    >>> shown_title("Q1 2023 report", "b.html"), shown_title("Annual results", "a.pdf", shared=True)
    ('Q1 2023 report', 'a')
    """
    if not title:
        return name
    if shared or generic_title(title):
        return PurePosixPath(name).stem or name
    return title


def _clip(text: str, words: int) -> str:
    return " ".join(text.split()[:words])


def _clip_path(section: str, words: int) -> str:
    """A heading path in at most `words` words, keeping its deepest heading: the one that names
    what the passage is about ("Liquidity and Capital Resources", not "PART I — FINANCIAL ...").
    Parents are added nearest first while they fit; the first that does not is cut short.

    >>> _clip_path("PART I — FINANCIAL INFORMATION › Item 2. Management’s Discussion and "
    ...            "Analysis › Liquidity and Capital Resources", 12)
    'PART I › Item 2. Management’s Discussion and Analysis › Liquidity and Capital Resources'
    >>> _clip_path("Part I › Item 2", 12)
    'Part I › Item 2'
    """
    heads = section.split(SECTION_SEP)
    kept = [_clip(heads[-1], words)]
    left = words - len(kept[0].split())
    for head in reversed(heads[:-1]):
        if left <= 0:
            break
        n = len(head.split())
        kept.append(_clip(head, left))
        left -= n
    return SECTION_SEP.join(reversed(kept))


def passage_context(name: str, title: str | None, section: str | None, page: int | None) -> str:
    """The words searched before a passage: title, file name, heading path, page.

    >>> passage_context("2023 Q1 AAPL.pdf", "Apple Inc. Form 10-Q", "Part I › Item 2", 7)
    'Apple Inc. Form 10-Q | 2023 Q1 AAPL | § Part I › Item 2 | page 7'
    >>> passage_context("notes.md", "Notes", None, None)
    'Notes'
    """
    parts = []
    if title and not generic_title(title):
        parts.append(_clip(title, _TITLE_WORDS))
    words = file_words(name)
    if words and words.lower() != (title or "").strip().lower():
        parts.append(words)
    if section:
        parts.append(_SECTION_MARK + _clip_path(section, _SECTION_WORDS))
    if page:
        parts.append(f"page {page}")
    return _SEP.join(parts)


def with_context(doc, chunks: list[Chunk]) -> list[Chunk]:
    """A document's passages, each carrying its context (`doc`: a rag.ingest.documents.Document)."""
    info = doc.info
    title = info.title if info else None
    return [
        replace(
            c,
            context=passage_context(
                doc.name,
                title,
                info.section_at(c.start) if info else None,
                info.page_at(c.start) if info else None,
            ),
        )
        for c in chunks
    ]


def retrieval_text(chunk: Chunk) -> str:
    """A passage with its context before it."""
    return f"{chunk.context}\n{chunk.text}" if chunk.context else chunk.text


# Where the context is searched. The passage's vector holds its file name's words only: on the
# 10-Q validation half (research/context_check.py, with steering; answer passage in the first
# 3 / 5) file-name words alone scored as the whole context (0.366 / 0.423 both; none 0.296 /
# 0.380), while a long title before every passage of a document drowned the passage's own words
# (the seeds' gold set, hit@1 0.958 -> 0.896 with the whole context). In BM25 the same words on
# every passage of a document outweigh the passage's own words (0.296 / 0.352), so none there.
# The whole context (title, file name, headings, page) stays on the passage for steering and
# for the missing-numbers rule.
EMBED_CONTEXT = True
LEXICAL_CONTEXT = False
# The heading path is not the same on every passage of a document: it tells passages apart, as
# a title cannot. A passage under "Note 8 – Commitments and Contingencies › Contingencies" whose
# sentences never say "contingencies" is found by that word. Embedded, not BM25-scored: on the
# 10-Q validation half (PDF headings read) against neither, embedded only: hit@1 0.268 ->
# 0.324, hit@5 0.549 -> 0.521, MRR 0.370 -> 0.395, contains 0.535 -> 0.549, citation precision
# 0.179 -> 0.195; both: MRR 0.391, hit@5 0.507, contains 0.535; BM25 only: MRR 0.372, hit@5
# 0.535, contains 0.535 (chosen by MRR, as the fusion was).
EMBED_SECTION = True
LEXICAL_SECTION = False


def section_words(chunk: Chunk) -> str:
    """The heading path in a passage's context ("" when it has none).

    >>> section_words(Chunk("a.pdf::0", "a.pdf", 0, 5, "Sales", context="a | § Part I › Debt | page 2"))
    'Part I › Debt'
    """
    at = chunk.context.find(_SECTION_MARK)
    if at < 0:
        return ""
    return chunk.context[at + len(_SECTION_MARK) :].split(_SEP)[0]


def embedding_text(chunk: Chunk) -> str:
    """What is embedded for a passage: its file name's words and heading path, then its text.

    >>> embedding_text(Chunk("2023 Q1 AAPL.pdf::0", "2023 Q1 AAPL.pdf", 0, 5, "Sales"))
    '2023 Q1 AAPL\\nSales'
    >>> embedding_text(Chunk("002_aa3b978d13dcf21e.txt::0", "002_aa3b978d13dcf21e.txt", 0, 5, "Sales"))
    'Sales'
    """
    words = file_words(chunk.doc) if EMBED_CONTEXT else ""
    head = section_words(chunk) if EMBED_SECTION else ""
    lead = " | ".join(x for x in (words, head) if x)
    return f"{lead}\n{chunk.text}" if lead else chunk.text


def lexical_text(chunk: Chunk) -> str:
    """What BM25 scores for a passage."""
    if LEXICAL_CONTEXT:
        return retrieval_text(chunk)
    head = section_words(chunk) if LEXICAL_SECTION else ""
    return f"{head}\n{chunk.text}" if head else chunk.text


def known_text(passages) -> str:
    """The passages' texts with their documents' context: what the documents say about a
    question's numbers includes the year in a report's title or file name."""
    return " ".join(retrieval_text(p.chunk) for p in passages)


# ---- periods and names ---------------------------------------------------------------------

# Dots split too: "AMAZON.COM, INC." is known as "Amazon".
NAME = re.compile(r"[^\W_][\w&\-]*[^\W_]|[^\W_]", re.UNICODE)
_COMMON = frozenset(
    """a an the and or of in on at to for from by with as is are was were be what when where
    which who how why did does do has have had q1 q2 q3 q4 fy form inc corp corporation company
    co ltd llc plc report reports page part item quarter quarterly annual fiscal year""".split()
)


# A table row's label of words alone ("Coal", "Team"; not a cover's "2788 San Tomas Expressway,
# ..." nor "Common Stock, $0.001 par value"): from a line's start to " — " before its first
# "header: value".
ROW_LABEL = re.compile(r"(?m)^[A-Za-z][^\n—$\d]{0,60}? — (?=[^\n]*?: )")
# A form's caption at a line's start ("Flight Conducted Under: Part 91", "Aircraft Damage:
# Destroyed"): capitalised as a caption is, not as a name; its value may be one.
FIELD_CAPTION = re.compile(r"(?m)^[A-Z][^\n:—]{0,60}?:(?= )")


def name_words(text: str) -> set[str]:
    """Capitalised words and tickers of a text, lower-cased, possessives dropped.

    >>> sorted(name_words("How did Apple's and MSFT's sales grow in Q1 FY2023 and Q3FY23?"))
    ['apple', 'msft']
    """
    out = set()
    for m in NAME.finditer(text):
        w = re.sub(r"['’]s$", "", m.group())
        if w[:1].isupper() and not w[:1].isdigit():
            w = w.lower()
            if w not in _COMMON and len(w) > 1 and not PERIOD_TOKEN.fullmatch(w):
                out.add(w)
    return out


# Words of what is to come: a question after guidance ("What guidance did Amazon give for Q3
# 2023?", "What does Amazon expect ...?"), a passage giving it ("Net sales are expected to be
# ...", "For the second quarter, we expect ...").
AHEAD = re.compile(
    r"\b(?:guidance|guided?|guiding|outlook|forecast\w*|expect(?:s|ed|ing|ations?)?|"
    r"anticipat\w*|projections?|projected)\b",
    re.I,
)
_ORDINAL_QUARTER = re.compile(r"\b(first|second|third|fourth)\s+(?:fiscal\s+)?quarter\b", re.I)
_ORDINAL = {"first": "1", "second": "2", "third": "3", "fourth": "4"}


class DocumentKeys:
    """What a document is known by: the periods of its title and file name, the day its
    opening passage says its period ended, and the names of its file name and opening passage.
    (A title's words are capitalised whatever they are: "A New Model for Regional Cooperation"
    names no document.)"""

    __slots__ = ("ahead", "days", "ended", "fiscal", "names", "periods", "quarters", "words")

    def __init__(self, first: Chunk | None, name: str, texts=(), cover=()):
        # The title (the context's first part) and the file name; the heading path and page
        # are no names of the document.
        words = file_words(name)
        title = first.context.split(_SEP)[0] if first is not None and first.context else ""
        head = f"{title} {_SEP} {words}" if title != words else words
        self.periods = periods(head)
        # every word of the title and file name, lower case ("q3", "aapl"): the passages'
        # BM25 terms do not hold them (`LEXICAL_CONTEXT`)
        self.words = {w.lower() for w in re.findall(r"[\w'’-]+", head)}
        texts = list(texts)
        # the opening's first 1500 characters, over the first page's passages (`cover`): a
        # cover page's fields are passages of their own, and the first may end before the
        # company's name
        opening = " ".join(cover or ([first.text] if first is not None else []))[:1500]
        # a table row's label is capitalised by its place at the line's start ("Coal — 2023:
        # 5.1"), and a form's caption by being one ("Aircraft Damage: Destroyed"), not as names
        self.names = name_words(words) | name_words(
            FIELD_CAPTION.sub(" ", ROW_LABEL.sub(" ", opening))
        )
        self.ended = ended_dates(opening)
        # the fiscal quarter its passages (`texts`) say it reports (`own_fiscal_quarter`)
        self.fiscal = own_fiscal_quarter(texts)
        # every day its passages name ("declared on September 19, 2023"): a day is an
        # identifier that few documents of a series share
        self.days = set().union(*map(dates, texts)) if texts else set()
        # every quarter of a year its passages name ("Fourth Quarter 2023 Guidance" in a Q3
        # filing): a quarter no document reports is found where it is spoken of
        self.quarters = {(q, y) for t in texts for q, y in periods(t) if q and y}
        # the quarters, by ordinal, its passages look ahead to ("For the second quarter, we
        # expect ...": a call's guidance, its year unsaid)
        self.ahead = {
            _ORDINAL[m.lower()]
            for t in texts
            if AHEAD.search(t)
            for m in _ORDINAL_QUARTER.findall(t)
        }

    @property
    def latest(self) -> tuple[int, int] | None:
        """The most recent period the document names, as (year, quarter or 0)."""
        dated = [(int(y), int(q or 0)) for q, y in self.periods if y]
        return max(dated) if dated else None

    def has_period(self, asked: tuple[str | None, str | None]) -> bool:
        q, y = asked
        return any((q is None or q == dq) and (y is None or y == dy) for dq, dy in self.periods)


# The page a passage's context ends with (`passage_context`): the first page's passages are a
# document's cover.
_PAGE = re.compile(r"page \d+$")
_KEYS: dict[tuple[str, str], DocumentKeys] = {}
_KEYS_LOCK = threading.Lock()


def document_keys(snap) -> dict[str, DocumentKeys]:
    """Each live document's keys, remembered by (name, sha256) across generations: a new
    generation reads only its new documents' first passages."""
    out = {}
    for name, meta in snap.documents.items():
        key = (name, str(meta.get("sha256", "")))
        with _KEYS_LOCK:
            keys = _KEYS.get(key)
        if keys is None:
            chunks = snap.doc_chunks(name)
            page = _PAGE.search(chunks[0].context) if chunks else None
            cover = [c.text for c in chunks[:4] if page and c.context.endswith(page.group())]
            keys = DocumentKeys(
                chunks[0] if chunks else None, name, (c.text for c in chunks), cover
            )
            with _KEYS_LOCK:
                if len(_KEYS) > 100_000:
                    _KEYS.clear()
                _KEYS[key] = keys
        out[name] = keys
    return out


def document_names(snap) -> frozenset[str]:
    """The names (lower-cased) any live document is known by: "apple", "amazon"."""
    return frozenset().union(*(k.names for k in document_keys(snap).values()))
