"""Retrieval that knows the document a passage comes from.

Look-alike documents (one company's quarterly reports, one call per quarter) hold passages
that read the same: the quarter or the company is in the file name and the title, not in the
passage. So each passage is searched (embedded and BM25-scored) with its document's title,
file name, heading path and page before it, its `Chunk.context`; the passage's `text`, which
the reader reads and citations quote, never holds them.

A question that names a period ("Q1 2023", "first quarter of 2023", "fiscal 2023") or a
name ("Apple", "MSFT") that only some documents carry in their title, file name or opening
passage is steered to those documents (`steer`, `prefer`). Names are learned from each
document's own title, file name and first passage; no company is known in advance.
"""

from __future__ import annotations

import re
import threading
from dataclasses import replace
from pathlib import PurePosixPath

from rag.ingest.chunk import Chunk
from rag.ingest.formats import SECTION_SEP
from rag.text import (
    ASKING,
    DATE,
    LATEST,
    PERIOD_PATTERNS,
    PERIOD_TOKEN,
    content_tokens,
    dates,
    ended_dates,
    own_fiscal_quarter,
    period_spans,
    periods,
    stem,
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
_NAME = re.compile(r"[^\W_][\w&\-]*[^\W_]|[^\W_]", re.UNICODE)
_COMMON = frozenset(
    """a an the and or of in on at to for from by with as is are was were be what when where
    which who how why did does do has have had q1 q2 q3 q4 fy form inc corp corporation company
    co ltd llc plc report reports page part item quarter quarterly annual fiscal year""".split()
)


_LATEST = re.compile(rf"\b{LATEST}\b", re.I)


def name_words(text: str) -> set[str]:
    """Capitalised words and tickers of a text, lower-cased, possessives dropped.

    >>> sorted(name_words("How did Apple's and MSFT's sales grow in Q1 FY2023 and Q3FY23?"))
    ['apple', 'msft']
    """
    out = set()
    for m in _NAME.finditer(text):
        w = re.sub(r"['’]s$", "", m.group())
        if w[:1].isupper() and not w[:1].isdigit():
            w = w.lower()
            if w not in _COMMON and len(w) > 1 and not PERIOD_TOKEN.fullmatch(w):
                out.add(w)
    return out


class DocumentKeys:
    """What a document is known by: the periods of its title and file name, the day its
    opening passage says its period ended, and the names of its file name and opening passage.
    (A title's words are capitalised whatever they are: "A New Model for Regional Cooperation"
    names no document.)"""

    __slots__ = ("days", "ended", "fiscal", "names", "periods", "quarters", "words")

    def __init__(self, first: Chunk | None, name: str, texts=()):
        # The title (the context's first part) and the file name; the heading path and page
        # are no names of the document.
        words = file_words(name)
        title = first.context.split(_SEP)[0] if first is not None and first.context else ""
        head = f"{title} {_SEP} {words}" if title != words else words
        self.periods = periods(head)
        # every word of the title and file name, lower case ("q3", "aapl"): the passages'
        # BM25 terms do not hold them (`LEXICAL_CONTEXT`)
        self.words = {w.lower() for w in re.findall(r"[\w'’-]+", head)}
        opening = first.text[:1500] if first is not None else ""
        self.names = name_words(words) | name_words(opening)
        self.ended = ended_dates(opening)
        texts = list(texts)
        # the fiscal quarter its passages (`texts`) say it reports (`own_fiscal_quarter`)
        self.fiscal = own_fiscal_quarter(texts)
        # every day its passages name ("declared on September 19, 2023"): a day is an
        # identifier that few documents of a series share
        self.days = set().union(*map(dates, texts)) if texts else set()
        # every quarter of a year its passages name ("Fourth Quarter 2023 Guidance" in a Q3
        # filing): a quarter no document reports is found where it is spoken of
        self.quarters = {(q, y) for t in texts for q, y in periods(t) if q and y}

    @property
    def latest(self) -> tuple[int, int] | None:
        """The most recent period the document names, as (year, quarter or 0)."""
        dated = [(int(y), int(q or 0)) for q, y in self.periods if y]
        return max(dated) if dated else None

    def has_period(self, asked: tuple[str | None, str | None]) -> bool:
        q, y = asked
        return any((q is None or q == dq) and (y is None or y == dy) for dq, dy in self.periods)


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
            keys = DocumentKeys(chunks[0] if chunks else None, name, (c.text for c in chunks))
            with _KEYS_LOCK:
                if len(_KEYS) > 100_000:
                    _KEYS.clear()
                _KEYS[key] = keys
        out[name] = keys
    return out


# A name steers only when this share of the passages holding it are in the documents whose
# opening or file name holds it: "Apple" in Apple's reports (and a passing mention in another
# company's), not "Khabarovsk", which one article opens with and others discuss too.
CONCENTRATION = 0.9
_SPREAD_HITS = 1000


def name_spread(snap, word: str) -> dict[str, int] | None:
    """Passages holding `word`, by document (None: not one index term, or too common)."""
    from rag.store.lexical import tokenize

    if tokenize(word) != [word]:
        return None
    cache = snap.__dict__.setdefault("_name_spread", {})
    if word not in cache:
        hits = snap.lexical(word, _SPREAD_HITS)
        counts: dict[str, int] = {}
        for key, _ in hits:
            doc = snap.chunk(key).doc
            counts[doc] = counts.get(doc, 0) + 1
        cache[word] = None if len(hits) >= _SPREAD_HITS else counts
    return cache[word]


# A question naming several documents' names or periods (a comparison) is steered to all of
# them (True) or not steered (False). The validation sets did not tell them apart (10-Q
# validation and eval/structured: the same hits either way, research/context_check.py); off,
# fusion finds each named document by its own words and no document is pushed down.
STEER_SEVERAL = False


def name_holders(word: str, keys: dict[str, DocumentKeys], spread=None) -> set[str]:
    """The documents a name (lower-cased) tells apart: those known by it, when some are and
    some not (and, given `spread`: word -> passages holding it by document, when those
    documents hold most of its passages); else none."""
    holders = {d for d, k in keys.items() if word in k.names}
    if not 0 < len(holders) < len(keys):
        return set()
    if spread is not None:
        counts = spread(word)
        total = sum(counts.values()) if counts else 0
        # No passage text holds it (a ticker only in file names): it is all theirs.
        if counts is None or sum(counts.get(d, 0) for d in holders) < CONCENTRATION * total:
            return set()
    return holders


def steered_documents(query: str, keys: dict[str, DocumentKeys], spread=None) -> set[str] | None:
    """The documents the question's periods and names point to, or None when it names none
    that tells documents apart.

    A name counts when some documents but not all carry it (and, given `spread`: word ->
    passages holding it by document, when those documents hold most of its passages); of the
    names, those documents that carry the most win. A period counts the same way; a document must match one of the
    question's periods (a comparison names several). Names and periods both given: the
    documents matching both, else those matching the names.

    >>> def keys_of(name, opening):
    ...     return DocumentKeys(Chunk(f"{name}::0", name, 0, 9, opening, context=""), name)
    >>> keys = {n: keys_of(n, o) for n, o in [("2023 Q1 AAPL.pdf", "Apple Inc."),
    ...     ("2022 Q1 AAPL.pdf", "Apple Inc."), ("2023 Q1 INTC.pdf", "Intel Corp")]}
    >>> sorted(steered_documents("What did Apple earn in the first quarter of 2023?", keys))
    ['2023 Q1 AAPL.pdf']
    >>> sorted(steered_documents("How did AAPL do?", keys)), steered_documents("Revenue?", keys)
    (['2022 Q1 AAPL.pdf', '2023 Q1 AAPL.pdf'], None)
    >>> sorted(steered_documents("Apple's latest gross margin?", keys))
    ['2023 Q1 AAPL.pdf']
    >>> sorted(steered_documents("Apple's sales between Q1 2022 and Q1 2023?", keys))
    ['2022 Q1 AAPL.pdf', '2023 Q1 AAPL.pdf']
    >>> steered_documents("Sales between Q1 2022 and Q1 2023?", keys) is None
    True
    >>> keys["2023 Q1 AAPL.pdf"].ended = {(2022, 12, 31)}
    >>> sorted(steered_documents("Apple's total assets as of December 31, 2022?", keys))
    ['2023 Q1 AAPL.pdf']
    >>> sorted(steered_documents("Apple's inventory as of September 24, 2022?", keys))
    ['2022 Q1 AAPL.pdf', '2023 Q1 AAPL.pdf']
    """
    if len(keys) < 2:
        return None
    by_name: dict[str, int] = {}
    groups: set[frozenset[str]] = set()
    for w in name_words(query):
        holders = name_holders(w, keys, spread)
        if not holders:
            continue
        groups.add(frozenset(holders))
        for d in holders:
            by_name[d] = by_name.get(d, 0) + 1
    named = None
    if by_name:
        top = max(by_name.values())
        named = {d for d, n in by_name.items() if n == top}
    dated = None
    # A day no document's period ended on is a balance sheet's other column ("as of December
    # 31, 2022" in each 2023 filing): its year names none of them.
    asked = periods(DATE.sub(" ", query))
    several_periods = (
        len({frozenset(d for d, k in keys.items() if k.has_period(p)) for p in asked}) > 1
    )
    # One name over several periods ("Apple's net sales between Q1 2023 and Q3 2023") is still
    # that name's: unsteered, another company's filings of those periods answered it.
    if not STEER_SEVERAL and len(groups) > 1:
        return None
    # A day the question names that some documents' periods ended on ("as of December 31,
    # 2022") chooses them before its year does: a fiscal year's first quarter can end in the
    # year before the one its title names.
    days = dates(query)
    ended = {d for d, k in keys.items() if k.ended & days} if days else set()
    if ended and len(ended) < len(keys) and (not named or ended & named):
        return ended & named if named else ended
    # Else the documents whose passages name that day ("dividends declared on September 19,
    # 2023" is in one filing's dividend table; "as of September 24, 2022", a fiscal year's
    # end, in each later filing's balance sheet).
    said = {d for d, k in keys.items() if k.days & days} if days else set()
    if said and len(said) < len(keys) and (not named or said & named):
        return said & named if named else said
    if not STEER_SEVERAL and several_periods and not named:
        return None
    # A quarter no document reports ("What is Amazon's guidance for Q4 2023?"): the
    # documents whose passages speak of it.
    # (only when it names no quarter a document reports: "Q1 2023 compared to Q1 2022" is
    # the Q1 2023 filing's)
    quarters = [p for p in asked if p[0] and p[1]]
    later = [p for p in quarters if not any(k.has_period(p) for k in keys.values())]
    told = set()
    if later and len(later) == len(quarters):
        told = {d for d, k in keys.items() if k.quarters & set(later)}
    if told and len(told) < len(keys) and (not named or told & named):
        return told & named if named else told
    if asked:
        dated = {d for d, k in keys.items() if any(k.has_period(p) for p in asked)}
        if not dated or len(dated) == len(keys):
            dated = None
    elif _LATEST.search(query):
        # "the latest 10-Q": of the documents named (or all), those of the most recent period
        pool = named or set(keys)
        when = {d: keys[d].latest for d in pool if keys[d].latest}
        if when:
            top = max(when.values())
            dated = {d for d, w in when.items() if w == top}
            if len(dated) == len(keys):
                dated = None
    if named and dated:
        return (named & dated) or named
    return named or dated


def period_documents(query: str, keys: dict[str, DocumentKeys]) -> list[str]:
    """The documents known by one of the periods the question names, in name order."""
    asked = periods(query)
    return sorted(d for d, k in keys.items() if any(k.has_period(p) for p in asked))


# Words that name the kind of document rather than anything in it ("in Amazon's Q2 2023
# 10-Q"): once they have chosen the documents, they only pull cover pages, indexes and signed
# certifications ("the Quarterly Report on Form 10-Q of ... for the quarter ended ...").
# An earnings call's transcript is asked about as "the Q3 call": "call" then pulls the
# operator's "Welcome to the ... earnings conference call". So do the names of a report's parts
# ("combine the data from the financial statements with the management discussion"): they say
# where to look, not what, and pull the boilerplate about those parts ("The preparation of
# these condensed consolidated financial statements ... requires management to make ...").
_DOCUMENT_WORDS = re.compile(
    r"\b(?:10-?[QK]s?|reports?|filings?|" + LATEST + r"|quarterly|transcripts?|"
    r"(?:earnings |conference )*calls?(?= transcripts?\b|\s*[?,.]|$)|"
    r"(?:notes to (?:the )?)?(?:condensed |consolidated |interim )*financial (?:statements?|section)|"
    r"management[’']?s? discussion(?: and analysis)?|MD&A|notes section)(?!\w)",
    re.I,
)


def without_document_words(text: str) -> str:
    """`text` without the words naming the kind of document ("10-Qs", "report", "latest").

    >>> without_document_words("Does Amazon report it in these 10-Qs?")
    'Does Amazon   it in these  ?'
    """
    return _DOCUMENT_WORDS.sub(" ", text)


MIN_WORDS_LEFT = 2
# What follows a name that is part of a longer one: another capitalised word, not a period.
_LONGER_NAME = re.compile(r"[ \t]+(?!(?:Inc|Corp|Co|Ltd|LLC|PLC|Q[1-4]|FY)\b)[A-Z][a-z]")


_QUARTER_WORDS = {"1": "first", "2": "second", "3": "third", "4": "fourth"}


def within_query(query: str, keys: dict[str, DocumentKeys]) -> str:
    """The question as searched inside the documents it was steered to: without the periods,
    the names the documents are known by and the words naming the kind of document, which
    every passage of those documents shares and which say nothing about where in them the
    answer is. (The whole question when nothing else is left.)

    >>> keys = {"2023 Q2 AMZN.pdf": DocumentKeys(Chunk("a::0", "a", 0, 9, "Amazon.com, Inc."),
    ...     "2023 Q2 AMZN.pdf")}
    >>> within_query("In Amazon's Q2 2023 10-Q, what were the operating expenses?", keys)
    'In, what were the operating expenses?'
    >>> within_query("Q2 2023 10-Q", keys)
    'Q2 2023 10-Q'
    >>> within_query("What was Amazon's margin in Q2 2023?", keys)  # the document's margin
    'What was margin in?'
    >>> within_query("What was Amazon margin in Q2 2023?", keys)  # the name is half of it
    'What was Amazon margin in?'
    >>> within_query("How did Amazon Web Services revenue and Amazon Inc sales grow?", keys)
    'How did Amazon Web Services revenue and Inc sales grow?'
    >>> within_query("Summarize the conclusions on Amazon.", keys)
    'Summarize the conclusions on Amazon.'
    """
    text = query
    for pattern, _ in PERIOD_PATTERNS:
        text = pattern.sub(" ", text)
    known = {w for w in name_words(query) if any(w in k.names for k in keys.values())}
    words = [re.sub(r"['’]s$", "", w) for w in content_tokens(_DOCUMENT_WORDS.sub(" ", text))]
    words = [w for w in words if len(w) > 1 and stem(w) not in ASKING]
    left = [w for w in words if w not in known]
    # Names that are most of what is asked ("Who is the Consul General in Khabarovsk?",
    # "Summarize the conclusions on Snowpark": the asking words do not count) are what the
    # answer is about, not only which document holds it: they stay.
    # A name in the possessive owns what is asked ("Summarize Amazon's liquidity"): the
    # document's, never the topic, however few words are left.
    owned = {m.group(1).lower() for m in re.finditer(r"([\w.&-]+)['’]s\b", query)}
    if left and (len(left) >= MIN_WORDS_LEFT and len(left) >= len(words) / 2 or known <= owned):

        def drop(m: re.Match) -> str:
            # a known name inside a longer one ("Amazon Web Services") names a segment, not
            # the document: it stays
            if m.group().lower() not in known:
                return m.group()
            if _LONGER_NAME.match(m.string, m.end()):
                # ... unless the longer name is the document's own ("Greenfield Farm")
                after = re.match(r"\s*([\w'’-]+)", m.string[m.end() :])
                if not after or after.group(1).lower() not in known:
                    return m.group()
            return " "

        text = _NAME.sub(drop, text)
    text = re.sub(r"(^|\s)['’]s\b", " ", _DOCUMENT_WORDS.sub(" ", text))  # a name's possessive
    text = re.sub(r"\s+([,.?;:])", r"\1", " ".join(text.split()))
    if not any(ch.isalnum() for ch in text):
        return query
    # A quarter no document reports did not choose the documents: it is what they say of it
    # ("What is Amazon's guidance for Q4 2023?": the Q3 filing's "Fourth Quarter 2023
    # Guidance"), in the words a filing's prose uses (its year, in every passage of the year's
    # filings, would only count as a word shared); not beside a quarter one reports ("Q1 2023
    # compared to Q1 2022").
    quarters = [(q, y) for _, _, q, y in period_spans(query) if q and y]
    later = [p for p in quarters if not any(k.has_period(p) for k in keys.values())]
    if not later or len(later) < len(quarters):
        return text
    return " ".join([text, *dict.fromkeys(f"{_QUARTER_WORDS[q]} quarter" for q, _ in later)])


def dated(snap, docs) -> bool:
    """Whether every one of `docs` is known by a period (its title or file name names one):
    look-alike periodic reports, where the question's names and periods chose the documents
    and say nothing about the passage. Among undated documents (articles, where a name
    steering the question is often what it asks about) the steered documents' passages are
    preferred in the collection's ranking instead (the seeds' gold set: hit@1 0.958 -> 0.854
    ranked inside them)."""
    keys = document_keys(snap)
    return all(keys[d].periods for d in docs if d in keys)


# Inside the documents a question is steered to, the dense side decides more: BM25 over one
# document's passages has little to tell apart once the names are gone, and a passage of the
# right table or note reads like the question. Each of several documents (a comparison, "over
# the quarters") is searched on its own and their passages taken in turn, so every period is
# seen. Chosen on the 10-Q validation half (research/within_check.py; answer passage in the
# top 5: 0.282 prefer over the whole collection, 0.338 within at 0.6, 0.437 at 0.85, 0.479
# at 0.85 one document at a time).
WITHIN_ALPHA = 0.85
PER_DOCUMENT = True


def steer(snap, query: str, mode: str):
    """(the snapshot to search, the documents to prefer or None) for a question."""
    if mode == "off" or snap is None or len(snap.documents) < 2:
        return snap, None
    docs = steered_documents(query, document_keys(snap), lambda w: name_spread(snap, w))
    if not docs:
        return snap, None
    if mode == "restrict":
        return snap.restricted(docs), None
    return snap, docs
