"""Which documents a question is about, and how it is searched inside them.

A question that names a period ("Q1 2023", "first quarter of 2023", "fiscal 2023") or a name
("Apple", "MSFT") that only some documents carry in their title, file name or opening passage
(`rag.context.DocumentKeys`) is steered to those documents (`steer`, `prefer`), and searched
inside them without the words that chose them (`within_query`).
"""

from __future__ import annotations

import re

from rag.context import AHEAD as _AHEAD
from rag.context import NAME, DocumentKeys, document_keys, name_words
from rag.text import (
    ASKING,
    DATE,
    LATEST,
    PERIOD_PATTERNS,
    content_tokens,
    dates,
    period_spans,
    periods,
    stem,
)

_LATEST = re.compile(rf"\b{LATEST}\b", re.I)

# A question about what is to come ("What guidance did Amazon give for Q3 2023?", "What does
# Amazon expect for the fourth quarter?"): the quarter it names is the one looked ahead to, and
# a report looks ahead to the next quarter, so the answer is in the report before it.
_FOR = re.compile(r"\b(?:for|in|during|of)\s+(?:the\s+)?(?:fiscal\s+)?$", re.I)
# "... in its Q2 2023 10-Q": the quarter of the report the guidance is in
_REPORT_AFTER = re.compile(
    r"^\s*(?:10-?[QK]|reports?|filings?|earnings|calls?|transcripts?|results|releases?)\b", re.I
)


def ahead_quarters(query: str) -> list[tuple[str, str]]:
    """The quarters a question about what is to come looks ahead to, as (quarter, year):
    named after "for" or "in", not as the report's own ("in its Q2 2023 10-Q").

    >>> ahead_quarters("What guidance did Amazon give for Q3 2023?")
    [('3', '2023')]
    >>> ahead_quarters("What guidance did Amazon give in its Q2 2023 10-Q?")
    []
    >>> ahead_quarters("What were Amazon's net sales for Q3 2023?")
    []
    """
    if not _AHEAD.search(query):
        return []
    return [
        (q, y)
        for a, b, q, y in period_spans(query)
        if q and y and _FOR.search(query[:a]) and not _REPORT_AFTER.match(query[b:])
    ]


def looking_ahead_first(passages: list, ahead: list[tuple[str, str]]) -> list:
    """`passages` with those that speak of a quarter looked ahead to first (each in its order):
    those naming it ("Fourth Quarter 2023 Guidance"), or its ordinal beside a word of what is to
    come ("Operating income is expected to be ... compared with ... in fourth quarter 2022").
    The question's other words ("operating income") pull the quarter's actual figures."""
    said = [p for p in passages if speaks_ahead(p.chunk.text, ahead)]
    return said + [p for p in passages if p not in said]


def speaks_ahead(text: str, ahead: list[tuple[str, str]]) -> bool:
    """Whether `text` speaks of one of the quarters `ahead` (`looking_ahead_first`).

    >>> speaks_ahead("Operating income is expected to be $7 billion, against $2.7 billion in "
    ...     "fourth quarter 2022.", [("4", "2023")])
    True
    >>> speaks_ahead("Operating income was $11.2 billion in Q3 2023.", [("4", "2023")])
    False
    """
    if set(periods(text)) & set(ahead):
        return True
    low = text.lower()
    return bool(_AHEAD.search(text)) and any(
        _QUARTER_WORDS[q] + " quarter" in low for q, _ in ahead
    )


def ahead_documents(query: str, keys: dict[str, DocumentKeys], pool=None) -> set[str]:
    """For a question looking ahead to a quarter (`ahead_quarters`): the latest documents (of
    `pool`, else all) of a period before it whose passages name it (the Q2 filing's "Third
    Quarter 2023 Guidance"), else the latest one before it if it looks ahead to that quarter's
    ordinal (`DocumentKeys.ahead`), else none."""
    ahead = ahead_quarters(query)
    if not ahead:
        return set()
    first = min((int(y), int(q)) for q, y in ahead)
    prior = {
        d: k.latest
        for d, k in keys.items()
        if (pool is None or d in pool) and k.latest and k.latest < first
    }
    named = {d: w for d, w in prior.items() if keys[d].quarters & set(ahead)}
    if named:
        top = max(named.values())
        return {d for d, w in named.items() if w == top}
    if not prior:
        return set()
    # a call says "For the second quarter, we expect ...", without the year: the latest
    # document before the quarter, when it speaks so of its ordinal
    top = max(prior.values())
    wanted = {q for q, _ in ahead}
    return {d for d, w in prior.items() if w == top and keys[d].ahead & wanted}


# A name steers only when this share of the passages holding it are in the documents whose
# opening or file name holds it: "Apple" in Apple's reports (and a passing mention in another
# company's), not "Khabarovsk", which one article opens with and others discuss too.
CONCENTRATION = 0.9
_SPREAD_HITS = 1000


def name_spread(snap, word: str) -> dict[str, int] | None:
    """Passages holding `word`, by document (None: too common). A code the index splits
    ("KTX-201": "ktx", "201") is spread as its rarest part is."""
    from rag.store.lexical import tokenize

    terms = tokenize(word)
    if not terms:
        return None
    cache = snap.__dict__.setdefault("_name_spread", {})
    for term in terms:
        if term not in cache:
            hits = snap.lexical(term, _SPREAD_HITS)
            counts: dict[str, int] = {}
            for key, _ in hits:
                doc = snap.chunk(key).doc
                counts[doc] = counts.get(doc, 0) + 1
            cache[term] = None if len(hits) >= _SPREAD_HITS else counts
    spreads = [cache[t] for t in terms if cache[t] is not None]
    return min(spreads, key=lambda c: sum(c.values())) if spreads else None


# A question naming several documents' names or periods (a comparison) is steered to all of
# them (True) or not steered (False). The validation sets did not tell them apart (10-Q
# validation and eval/structured: the same hits either way, research/context_check.py); off,
# fusion finds each named document by its own words and no document is pushed down.
STEER_SEVERAL = False


def telling_names(snap) -> frozenset[str]:
    """The names that tell a snapshot's documents apart, lower-cased: those some documents are
    known by and others not ("apple" and "amazon" over both companies' filings, not
    "washington" on every cover). Worked out once per snapshot: every question asks."""
    if snap is None:
        return frozenset()
    cache = snap.__dict__
    if "_telling_names" not in cache:
        keys = document_keys(snap)
        counts: dict[str, int] = {}
        for k in keys.values():
            for w in k.names:
                counts[w] = counts.get(w, 0) + 1
        cache["_telling_names"] = frozenset(w for w, n in counts.items() if n < len(keys))
    return cache["_telling_names"]


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

    >>> from rag.ingest.chunk import Chunk
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
    # A quarter looked ahead to ("guidance for Q3 2023"): the report before it that speaks of it
    if not told and not several_periods:
        told = ahead_documents(query, keys, named)
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


def within_query(query: str, keys: dict[str, DocumentKeys], spoken: bool = True) -> str:
    """The question as searched inside the documents it was steered to: without the periods,
    the names the documents are known by and the words naming the kind of document, which
    every passage of those documents shares and which say nothing about where in them the
    answer is. (The whole question when nothing else is left.)

    >>> from rag.ingest.chunk import Chunk
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
    >>> within_query("What is Amazon's outlook for Q3 2023?", keys)
    'What is outlook for? third quarter'
    >>> within_query("What is Amazon's outlook for Q3 2023?", keys, spoken=False)
    'What is outlook for?'
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

        text = NAME.sub(drop, text)
    text = re.sub(r"(^|\s)['’]s\b", " ", _DOCUMENT_WORDS.sub(" ", text))  # a name's possessive
    text = re.sub(r"\s+([,.?;:])", r"\1", " ".join(text.split()))
    if not any(ch.isalnum() for ch in text):
        return query
    # A quarter no document reports did not choose the documents: it is what they say of it
    # ("What is Amazon's guidance for Q4 2023?": the Q3 filing's "Fourth Quarter 2023
    # Guidance"), in the words a filing's prose uses (its year, in every passage of the year's
    # filings, would only count as a word shared); not beside a quarter one reports ("Q1 2023
    # compared to Q1 2022"). (`spoken` False: the question's own words only.)
    if not spoken:
        return text
    quarters = [(q, y) for _, _, q, y in period_spans(query) if q and y]
    later = [p for p in quarters if not any(k.has_period(p) for k in keys.values())]
    if not later or len(later) < len(quarters):
        later = ahead_quarters(query)  # or one looked ahead to, spoken of the same way
    if not later:
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


# A code: letters and figures in one word, as `name_words` gives it ("ktx-201", "wpr23la045").
_CODE = re.compile(r"(?=[\w-]*\d)(?=[\w-]*[a-z])[\w-]+")


def identified(snap, query: str, docs) -> bool:
    """Whether the question names each of `docs` by a code of letters and figures its file
    name or opening carries ("KTX-201" of "Protocol KTX-201.pdf", an accident number): an
    identifier, not a subject the question is about, so its passages are ranked inside those
    documents as a report's are."""
    keys = document_keys(snap)
    codes = {w for w in name_words(query) if _CODE.fullmatch(w)}
    return bool(codes) and all(
        d in keys and any(c in d.lower() or c in keys[d].names for c in codes) for d in docs
    )


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
