"""The short answer cut from the reader's spans: which span answers (`choose_span`), the
number of a sentence the question asks about (`bound_number`, `bound_change`), and what a
short answer should not carry (`trim_span`)."""

from __future__ import annotations

import re
from dataclasses import replace

from rag.answer.abstain import NUMBER_TOKEN, word_share
from rag.answer.causes import asks_why
from rag.text import (
    DATE,
    MONTH,
    WORD,
    content_tokens,
    dates,
    names,
    numbers,
    stem,
    stems,
)


def choose_span(question: str, spans, sentences: list[str], weight: float = 4.0) -> int:
    """The index of the span to answer with (`sentences[i]` holds `spans[i]`): the best
    margin + `weight` x share of the question's content words in its sentence
    (Settings.reader_select_words_weight says why).

    >>> from types import SimpleNamespace as S
    >>> q = "Where did the Black Death start?"
    >>> spans = [S(margin=3.0), S(margin=1.0)]
    >>> choose_span(q, spans, ["Rome is a city.", "The Black Death started in Asia."])
    1
    """
    q_words = stems(question)
    return max(
        range(len(spans)),
        key=lambda i: spans[i].margin + weight * word_share(q_words, stems(sentences[i])),
    )


# A bullet's subject: "• Operating income is expected to be between ...".
_BULLET_SUBJECT = re.compile(
    r"[•▪◦●‣]\s*(?P<subject>[A-Z][^•.;:]{0,60}?)\s+(?:is|are|was|were|will|increased|decreased|"
    r"grew|rose|fell|declined)\b"
)


def bullet_of_subject(
    question: str, spans, sentences: list[str], best: int, reader=None, query: str = ""
) -> int:
    """`best`, or the span of another bullet whose subject the question names whole when
    `best`'s bullet is about something the question does not name: a list of bullets says one
    measure each ("• Net sales are expected to be ... • Operating income is expected to be
    ..."), and the reader reads the first of them for any ("What does Amazon expect its
    operating income to be in Q4 2023?" was answered with the net sales).

    >>> from types import SimpleNamespace as S
    >>> spans = [S(margin=6.4, text="$160.0 billion"), S(margin=0.03, text="$7.0 billion")]
    >>> sents = ["Guidance • Net sales are expected to be $160.0 billion.",
    ...     "• Operating income is expected to be $7.0 billion."]
    >>> bullet_of_subject("What operating income does Amazon expect?", spans, sents, 0)
    1
    >>> bullet_of_subject("What net sales does Amazon expect?", spans, sents, 0)
    0
    """
    asked = stems(question)

    def subject(i: int) -> set[str] | None:
        text = sentences[i]
        at = text.find(spans[i].text)
        found = [m for m in _BULLET_SUBJECT.finditer(text) if at < 0 or m.start() <= at]
        return stems(found[-1]["subject"]) if found else None

    own = subject(best)
    if not own or own <= asked:
        return best
    fits = [i for i in range(len(spans)) if i != best and (s := subject(i)) and s <= asked]
    if not fits:
        return best
    best = max(fits, key=lambda i: spans[i].margin)
    if reader is not None:
        # read beside its sibling bullet the asked one scores low ("Net sales" read first): how
        # answerable it is is its sentence's, read alone (`spans[best]` is replaced). The span
        # stays the one read in the passage: alone, "compared with $2.7 billion in fourth
        # quarter 2022" drew the reader to last year's figure.
        alone = reader.read(query or question, [sentences[best]])
        if alone and (x := alone[0]).margin > spans[best].margin:
            spans[best] = replace(
                spans[best],
                score=x.score,
                null=x.null,
                null_prob=x.null_prob,
                answerable=x.answerable,
            )
    return best


# A country's adjective and its name meet: "Russian" ~ "Russia", "Chinese" ~ "China".
_DEMONYMS = {"chinese": "china", "japanese": "japan", "vietnamese": "vietnam", "french": "france"}
_CLAUSE_BREAK = re.compile(r"[,;:()]")


def _qualifiers(text: str) -> set[str]:
    """Stemmed content words of `text`, each country adjective also as its country.

    >>> sorted(_qualifiers("137 firms from Russia")), sorted(_qualifiers("Russian ones"))
    (['137', 'firms', 'russia'], ['russia'])
    """
    out = set()
    for w in content_tokens(text):
        out.add(stem(w))
        base = _DEMONYMS.get(w) or (w[:-1] if w.endswith("ian") else "")
        if base:
            out.add(stem(base))
    return out


def bound_number(question: str, text: str, start: int, end: int, a: int, b: int, own: str = ""):
    """The number of the sentence `text[a:b]` that the question asks about, as (start, end)
    offsets into `text`, when the reader's span `text[start:end]` is a number of that sentence
    counting the same thing as another: "How many Russian enterprises ...?" over "1246
    enterprises from ... China ..., as well as 137 enterprises from various regions of Russia"
    is 137, the count whose own words (up to the next such count) hold "Russia". The reader
    ties the count to the head noun but not to its qualifier. None: keep the reader's span.
    `own`: the user's own words when `question` is a follow-up joined with the previous one
    ("And how many Russian ones?"): its names weigh first.

    >>> t = "At the EXPO, 1246 enterprises from 21 units of China, as well as 137 enterprises from Russia."
    >>> s, e = bound_number("How many Russian enterprises came?", t, 13, 17, 0, len(t)); t[s:e]
    '137'
    >>> bound_number("How many Chinese enterprises came?", t, 13, 17, 0, len(t)) is None
    True
    >>> t = "During the nine months ended July 1, 2023, it repurchased 365 million shares."
    >>> s, e = bound_number("How many shares did it repurchase?", t, 34, 35, 0, len(t)); t[s:e]
    '365'
    >>> t = "In 2019 the company operated 14 hovercraft on the Amur river."
    >>> bound_number("How many hovercraft did the company operate in 2019?", t, 29, 31, 0, len(t))
    >>> t = "We have 104 customers with trailing 12-month product revenue over $1 million."
    >>> q, at = "How many customers had over $1 million in product revenue?", t.index("12-")
    >>> s, e = bound_number(q, t, at, at + 2, 0, len(t)); t[s:e]
    '104'
    >>> t = "The camps hosted 240 students from Heihe and 75 from Blagoveshchensk."
    >>> q, at = "How many students from Blagoveshchensk came?", t.index("75")
    >>> bound_number(q, t, at, at + 2, 0, len(t)) is None
    True
    """
    if not numbers(text[start:end]):
        return None
    sentence = text[a:b]
    asked = _qualifiers(question) | _qualifiers(own)
    # names weigh first: "Russian" ties a count to Russia more than "represented" does
    asked_names = _qualifiers(" ".join(names(question)))
    own_names = _qualifiers(" ".join(names(own))) if own else asked_names
    # counts: numbers followed within two words by a word of the question ("137 enterprises")
    counts, headed = [], []
    given = set(numbers(question)) | set(numbers(own))
    asks = _HOW_MANY.search(question) or _HOW_MANY.search(own)
    head = _qualifiers(asks.group(1)) if asks else set()
    for m in NUMBER_TOKEN.finditer(sentence):
        after = " ".join(WORD.findall(sentence[m.end() : m.end() + 60])[:2])
        # a number the question itself names ("in 2019") is given, not asked for
        if _in_date(sentence, m.start()):
            continue  # "July 1, 2023" counts nothing
        if _qualifiers(after) & asked and not set(numbers(m.group())) <= given:
            counts.append((a + m.start(), a + m.end()))
            # a number joined to the next word ("12-month") qualifies it, counting nothing
            compound = sentence[m.end() : m.end() + 1] == "-"
            headed.append(bool(head & _qualifiers(after)) or not compound)
    # the thing counted comes right after its count: "How many customers ...?" over "104
    # customers with trailing 12-month product revenue" is 104, never the 12 of "12-month"
    misread = False
    if any(headed) and not all(headed) and head:
        misread = any(
            c[0] < end and c[1] > start for c, h in zip(counts, headed, strict=True) if not h
        )
        counts = [c for c, h in zip(counts, headed, strict=True) if h]
    mine = [c for c in counts if c[0] < end and c[1] > start]
    # the reader read a date's day ("How many shares ...?" over "During the nine months ended
    # July 1, 2023, the Company repurchased 365 million shares"): a count is asked, not a date
    dated = not mine and counts and (misread or _in_date(text, start))
    if not dated and (len(counts) < 2 or not mine):
        return None

    def score(i: int) -> tuple[int, int, int]:
        s, e = counts[i]
        stop = counts[i + 1][0] if i + 1 < len(counts) else b
        # the words before the first count, in its own clause, are its; later counts own only
        # the words after them (the words between two counts belong to the first)
        before = _CLAUSE_BREAK.split(text[a:s])[-1] if i == 0 else ""
        words = before + " " + text[e:stop]
        capitalised = " ".join(w for w in WORD.findall(words) if w[0].isupper())
        found = _qualifiers(capitalised)
        return len(found & own_names), len(found & asked_names), len(_qualifiers(words) & asked)

    scores = [score(i) for i in range(len(counts))]
    best = max(range(len(counts)), key=lambda i: scores[i])
    if dated:
        return counts[best]
    if counts[best] in mine or scores[best] <= scores[counts.index(mine[0])]:
        return None
    return counts[best]


# "How many (Russian) enterprises ...?": the thing counted
_HOW_MANY = re.compile(r"(?i)\bhow many\s+(?:[a-z]+\s+){0,2}?([a-z]+s)\b")

# A month's name just before a number: the number is a day of a date (and the year after it).
_MONTH = rf"(?i)\b{MONTH}\s+"
_DAY_OF = re.compile(_MONTH + r"$")
_YEAR_OF = re.compile(_MONTH + r"\d{1,2},?\s+$")


def _in_date(text: str, at: int) -> bool:
    """Whether the number at `text[at:]` is a date's day or year ("July 1, 2023")."""
    before = text[max(0, at - 16) : at]
    return bool(_DAY_OF.search(before) or _YEAR_OF.search(before))


# "How much did product revenue grow?" asks for the change, not the level.
_ASKS_CHANGE = re.compile(
    r"\bhow (?:much|many|fast)\b[^?]*\b(?:grow|grew|grown|increase[sd]?|rise|rose|risen|"
    r"decline[sd]?|decrease[sd]?|fall|fell|fallen|drop(?:ped)?|shr[iau]nk|change[sd]?|jump(?:ed)?)\b",
    re.I,
)
_AMOUNT = (
    r"\$?\d[\d,]*(?:\.\d+)?(?:\s?(?:%|percent|per cent|basis points|million|billion|thousand))?"
)
_CHANGE_WORD = r"(?:growth|increase|decrease|decline|rise|gain|drop|improvement|reduction)"
_CHANGES = (
    # "85% year-over-year growth", "a 12 percent increase"
    re.compile(rf"(?<![\w.$])({_AMOUNT})(?:\s+|-)(?:[\w-]+\s+){{0,2}}{_CHANGE_WORD}\b", re.I),
    # "grew 48 percent", "increased by $3 million", "up 12%", "growth of 5%"
    re.compile(
        r"\b(?:grew|grown|increased|rose|risen|declined|decreased|fell|fallen|dropped|jumped|"
        rf"shrank|up|down|{_CHANGE_WORD} of)\s+(?:by\s+)?(?:approximately\s+|about\s+|nearly\s+)?"
        rf"({_AMOUNT})",
        re.I,
    ),
)


def bound_date(question: str, text: str, start: int, end: int, a: int, b: int):
    """The whole day a span asked "when" lies in: "2" of "will start on 2 May 2023" is
    "2 May 2023". None: keep the span.

    >>> t = "The dredging will start on 2 May 2023 and last three weeks."
    >>> s, e = bound_date("When does the dredging start?", t, 27, 28, 0, len(t)); t[s:e]
    '2 May 2023'
    >>> bound_date("How long will it last?", t, 27, 28, 0, len(t)) is None
    True
    """
    if not asks_when(question):
        return None
    for m in DATE.finditer(text, a, b):
        if m.start() <= start and end <= m.end() and (start, end) != m.span():
            return m.span()
    return None


def bound_change(question: str, text: str, start: int, end: int, a: int, b: int):
    """(start, end) in `text` of the change the sentence `text[a:b]` states, when the question
    asks how much something grew or fell and the reader's span `text[start:end]` is another
    figure of it (the level): "How much did product revenue grow?" over "Product revenue was
    $394.4 million, representing 85% year-over-year growth." is 85%. None: keep the span.

    >>> t = "Product revenue was $394.4 million, representing 85% year-over-year growth."
    >>> s, e = bound_change("How much did product revenue grow?", t, 20, 34, 0, len(t)); t[s:e]
    '85%'
    >>> t = "Revenue grew 48 percent to $2 million."
    >>> s, e = bound_change("How much did revenue grow?", t, 26, 36, 0, len(t)); t[s:e]
    '48 percent'
    >>> bound_change("How much did revenue grow?", t, 13, 23, 0, len(t)) is None
    True
    >>> bound_change("How much was revenue?", t, 26, 36, 0, len(t)) is None
    True
    >>> t = "Exports rose 47% to 24 billion, and imports rose 33% to 30 billion."
    >>> bound_change("How much did imports rise?", t, t.index("33"), t.index("33") + 3, 0, len(t))
    >>> s, e = bound_change("How much did imports rise?", t, 56, 66, 0, len(t)); t[s:e]
    '33%'
    """
    if not _ASKS_CHANGE.search(question) or not numbers(text[start:end]):
        return None
    sentence = text[a:b]
    found = [(a + m.start(1), a + m.end(1)) for rx in _CHANGES for m in rx.finditer(sentence)]
    if not found or any(s < end and e > start for s, e in found):
        return None  # no change stated, or the reader's span is one
    # the change nearest the level read: of the same thing ("revenue was $394.4 million,
    # representing 85% ... growth"), not of another the sentence goes on to
    return min(found, key=lambda x: min(abs(x[0] - end), abs(start - x[1])))


_LEAD_PREPOSITION = re.compile(r"(?:in|at|on|from|since|during)\s+(?=[A-Z0-9])")
_PAIRS = {"”": "“", '"': '"', "’": "‘", ")": "(", "]": "["}


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """[start, end) of `text` without what a short answer should not carry: spaces, a quote
    mark or bracket left unpaired, trailing commas and colons, and a leading preposition
    before a name or number ("in Bodø" -> "Bodø", "from June 15" -> "June 15").

    >>> t = 'theme “cooperation: opportunities, potential, future” was in Bodø.'
    >>> s, e = trim_span(t, t.index("opp"), t.index("” was") + 1); t[s:e]
    'opportunities, potential, future'
    >>> s, e = trim_span(t, t.index("in Bodø"), len(t) - 1); t[s:e]
    'Bodø'
    >>> s, e = trim_span(t, t.index("“"), t.index("” was") + 1); t[s:e]
    '“cooperation: opportunities, potential, future”'
    """
    while True:
        before = (start, end)
        while start < end and text[start].isspace():
            start += 1
        while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:"):
            end -= 1
        span = text[start:end]
        unpaired = span and span[-1] in _PAIRS and _PAIRS[span[-1]] not in span[:-1]
        if unpaired and (span[-1] != '"' or span.count('"') % 2):
            end -= 1
        span = text[start:end]
        if (
            span
            and span[0] in "“‘(["
            and {"“": "”", "‘": "’", "(": ")", "[": "]"}[span[0]] not in span
            or span
            and span[0] == '"'
            and span.count('"') % 2
        ):
            start += 1
        m = _LEAD_PREPOSITION.match(text, start, end)
        if m and m.end() < end:
            start = m.end()
        if (start, end) == before:
            return start, end


# A clause's verb after an amount: where a short answer starting with the amount stops.
_CLAUSE = re.compile(
    r"\s+(?:will|would|is|was|are|were|has|have|had|can|could|should|may|might)\b", re.I
)


def bound_amount(question: str, text: str, start: int, end: int) -> tuple[int, int] | None:
    """The amount a span starts with, without the clause the reader read on into: "200
    billion US dollars by 2024 will undoubtedly be achieved ahead of schedule." -> "200 billion
    US dollars" (before the question's own "2024" or the clause's verb). None: keep the span.

    >>> t = "The goal of 200 billion US dollars by 2024 will be achieved ahead of schedule."
    >>> s, e = bound_amount("What is the trade target for 2024?", t, 12, len(t)); t[s:e]
    '200 billion US dollars'
    >>> bound_amount("What is the target?", t, 4, len(t)) is None
    True
    >>> bound_amount("When will it start?", "2 May 2023 and later", 0, 20) is None
    True
    """
    span = text[start:end]
    if not re.match(r"[$€£]?\s?\d", span) or DATE.match(span):
        return None  # "2 May 2023" is a day, not 2 and a clause opening with "may"
    cuts = [m.start() for m in _CLAUSE.finditer(span)]
    for n in numbers(question):
        m = re.search(rf"\s+(?:by|in|for|of|until|through)\s+{re.escape(n)}\b", span)
        if m:
            cuts.append(m.start())
    if not cuts or min(cuts) == 0:
        return None
    return start, start + min(cuts)


# A figure tied to its year: "$2.7 billion in fourth quarter 2022", "$1.1 billion for 2021".
_OF_YEAR = re.compile(
    r"\s+(?:in|for|during)\s+(?:the\s+)?(?:(?:first|second|third|fourth)\s+quarter\s+(?:of\s+)?|"
    r"q[1-4]\s+|fiscal\s+(?:year\s+)?)?((?:19|20)\d\d)\b",
    re.I,
)
_RANGE = re.compile(rf"(?:between\s+)?{_AMOUNT}(?:\s+(?:and|to)\s+{_AMOUNT})?", re.I)


def bound_other_year(question: str, text: str, start: int, end: int, a: int, b: int):
    """(start, end) in `text` of the sentence's figure of the year the question asks, when the
    reader's span `text[start:end]` is a figure the sentence ties to another year and another
    figure of it is tied to none: "What operating income does Amazon expect for the fourth
    quarter of 2023?" over "Operating income is expected to be between $7.0 billion and $11.0
    billion, compared with $2.7 billion in fourth quarter 2022." is "between $7.0 billion and
    $11.0 billion". None: keep the span.

    >>> t = ("Income is expected to be between $7.0 billion and $11.0 billion, compared with "
    ...     "$2.7 billion in fourth quarter 2022.")
    >>> i, j = t.index("$2.7"), t.index(" in fourth")
    >>> s, e = bound_other_year("What income is expected for Q4 2023?", t, i, j, 0, len(t))
    >>> t[s:e]
    'between $7.0 billion and $11.0 billion'
    >>> bound_other_year("What was income in Q4 2022?", t, i, j, 0, len(t)) is None
    True
    >>> t = "Costs were $19.9 billion and $21.8 billion in Q3 2022 and Q3 2023."
    >>> i = t.index("$21.8")
    >>> bound_other_year("What were costs in Q3 2023?", t, i, i + 13, 0, len(t)) is None
    True
    """
    years = set(re.findall(r"\b(?:19|20)\d\d\b", question))
    if not years or not re.match(r"[$€£]?\s?\d", text[start:end]):
        return None
    tied = _OF_YEAR.match(text, end)
    if tied is None or tied.group(1) in years:
        return None
    if re.match(r"\s*(?:,|and\b)", text[tied.end() : tied.end() + 8]):
        return None  # "$19.9 billion and $21.8 billion in Q3 2022 and Q3 2023": paired in order
    for m in _RANGE.finditer(text, a, b):
        if m.end() <= start or m.start() >= end:
            # an amount ("$7.0 billion", "12%"), not a year or a quarter's number
            if not re.search(r"[$€£%]|million|billion|thousand|percent", m.group(), re.I):
                continue
            other = _OF_YEAR.match(text, m.end())
            if other is None or other.group(1) in years:
                return m.start(), m.end()
    return None


# Two figures of two days or years in one sentence, paired in order: "which ... were $96.0
# billion and $58.7 billion as of December 31, 2021 and September 30, 2022", "As of September
# 30, 2023 and June 30, 2023, ... were $19.8 billion and $18.7 billion, respectively".
_FIGURE_PAIR = re.compile(rf"({_AMOUNT})\s*,?\s+and\s+({_AMOUNT})", re.I)
_WHEN_PAIR = re.compile(
    rf"(?P<w1>{DATE.pattern[4:]}|(?<![\d,.$])(?:19|20)\d\d(?![\d%]|[,.]\d))\s*,?\s+and\s+"
    rf"(?P<w2>{DATE.pattern[4:]}|(?<![\d,.$])(?:19|20)\d\d(?![\d%]|[,.]\d))",
    re.I,
)


def _when(text: str) -> tuple[int, int, int]:
    """A day as (year, month, day), a bare year as (year, 0, 0)."""
    found = dates(text)
    return next(iter(found)) if found else (int(text.strip()), 0, 0)


def bound_respective(question: str, text: str, start: int, end: int, a: int, b: int):
    """(start, end) in `text` of the one of two paired figures that belongs to the day (or
    year) the question names, when the reader's span is the other one. None: keep the span.

    >>> t = "Balances were $96.0 billion and $58.7 billion as of December 31, 2021 and September 30, 2022."
    >>> s, e = bound_respective("What was it as of September 30, 2022?", t, 14, 27, 0, len(t)); t[s:e]
    '$58.7 billion'
    >>> bound_respective("What was it as of December 31, 2021?", t, 14, 27, 0, len(t)) is None
    True
    >>> t = "As of September 30, 2023 and June 30, 2023, liabilities were $19.8 billion and $18.7 billion, respectively."
    >>> s, e = bound_respective("What were they in June 30, 2023?", t, 61, 74, 0, len(t)); t[s:e]
    '$18.7 billion'
    >>> t = "Sales were $5 million and $7 million in 2022 and 2023."
    >>> s, e = bound_respective("What were sales in 2023?", t, 11, 21, 0, len(t)); t[s:e]
    '$7 million'
    """
    sentence = text[a:b]
    whens = list(_WHEN_PAIR.finditer(sentence))
    figures = [
        m
        for m in _FIGURE_PAIR.finditer(sentence)
        if not any(m.start() < w.end() and w.start() < m.end() for w in whens)
        and not _in_date(sentence, m.start(1))
    ]
    if len(figures) != 1 or len(whens) != 1:
        return None
    f, w = figures[0], whens[0]
    asked = dates(question)
    years = {int(y) for y in re.findall(r"\b(?:19|20)\d\d\b", question)}
    # a day the question names by its date; else a day or year by the year it names
    named = [d in asked if asked else d[0] in years for d in (_when(w["w1"]), _when(w["w2"]))]
    if named.count(True) != 1:
        return None
    k = 1 if named[0] else 2
    s, e = a + f.start(k), a + f.end(k)
    if s < end and start < e:
        return None  # the reader's span is that figure already
    if not any(a + f.start(i) < end and start < a + f.end(i) for i in (1, 2)):
        return None  # the reader read neither figure
    return s, e


# Questions after a measure or a count: their answer states a quantity.
MEASURE = re.compile(r"^\W*how (?:many|long|far|tall|high|big|large|old|wide|deep)\b", re.I)
_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|"
    r"hundreds?|thousands?|millions?|billion|dozens?|half|single|double"
)
# What a measure can be said in: a figure, a vaguer count or a unit.
_QUANTITY = re.compile(
    rf"\d|\b(?:{_NUMBER_WORDS}|several|few|many|some|both|decades?|centur(?:y|ies)|years?|"
    r"months?|weeks?|days?|hours?|minutes?|seconds?|miles?|kilometres?|kilometers?|metres?|"
    r"meters?|feet|foot|inches?)\b",
    re.I,
)
# A figure: a digit or a number's word (not "some", "many", nor a unit alone).
_FIGURE = re.compile(rf"\d|\b(?:{_NUMBER_WORDS})\b", re.I)


def asks_measure(question: str) -> bool:
    """Whether the question asks a quantity ("How long/far/many ...?")."""
    return bool(MEASURE.search(question))


def has_figure(text: str) -> bool:
    """Whether the text gives a figure: a digit or a number's word."""
    return bool(_FIGURE.search(text))


# The unit a table is printed in, read off its lead-in ("... are as follows (in millions):"):
# it says how figures are counted, never what was asked.
_UNIT_ONLY = re.compile(
    r"(?i)^\W*(?:(?:dollars|amounts?|shares?)\s+)?in\s+(?:thousands|millions|billions)"
    r"(?:\s+of\s+(?:dollars|shares))?(?:,?\s+except\b.*)?\W*$"
)


# What a figure read off a table row is made of: numbers, currency, the periods heading its
# column ("Three Months Ended April 1, 2023") and units.
_FIGURE_PARTS = re.compile(
    r"(?i)\b(?:three|six|nine|twelve|months?|ended|ending|quarters?|years?|fiscal|q[1-4]|"
    r"january|february|march|april|may|june|july|august|september|october|november|december|"
    r"thousands?|millions?|billions?|percent|dollars?|usd)\b|[\d$€£%.,;:()—–/-]"
)


def figure_only(span: str) -> bool:
    """Whether a span says nothing but figures and the periods they are of.

    >>> figure_only("$24,160; Three Months Ended March 26, 2022: $25,010")
    True
    >>> figure_only("lower net sales of Mac")
    False
    """
    return not _FIGURE_PARTS.sub(" ", span).strip()


_ASKS_WHEN = re.compile(r"^\s*(?:when\b|(?:on |by )?what (?:date|day)\b)", re.I)


def asks_when(question: str) -> bool:
    """Whether the question asks for a day or a time ("When were they paid?").

    >>> asks_when("When were the dividends paid?"), asks_when("What was paid?")
    (True, False)
    """
    return bool(_ASKS_WHEN.search(question))


_AS_OF = re.compile(r"\b(?:as of|as at)\s*$", re.I)


def state_for_when(question: str, text: str, start: int) -> bool:
    """Whether a question asking when (`asks_when`) is read the day of a state ("As of July
    1, 2023, the quarterly dividend was $0.24"): the day a figure stood, not when anything
    happened, so no answer to "When was the dividend paid?".

    >>> t = "As of July 1, 2023, the dividend was $0.24."
    >>> state_for_when("When was the dividend paid?", t, 6), state_for_when("What?", t, 6)
    (True, False)
    """
    return asks_when(question) and bool(_AS_OF.search(text[max(0, start - 12) : start]))


def answers(question: str, span: str) -> bool:
    """Whether a short answer can answer the question at all: `measured`, more than the unit a
    table is printed in ("in millions"), and more than a figure when asked why.

    >>> answers("What was operating income by segment?", "in millions")
    False
    >>> answers("What was operating income?", "$ 5,403 million")
    True
    >>> answers("Why did net income change in Q2 2023?", "$24,160")
    False
    >>> answers("What is Amazon's debt-to-equity ratio?", "15,000")
    False
    >>> answers("What is the ratio of teachers to pupils?", "1 to 15")
    True
    """
    if asks_why(question) and figure_only(span):
        return False
    if _ASKS_A_RATIO.search(question) and _AN_AMOUNT.search(span) and not _A_RATIO.search(span):
        return False  # "What is Amazon's debt-to-equity ratio?": never a note's "15,000"
    return measured(question, span) and not _UNIT_ONLY.match(span)


_ASKS_A_RATIO = re.compile(r"(?i)\bratios?\b")
# an amount of money or a count in thousands, not one figure set against another
_AN_AMOUNT = re.compile(r"(?i)[$€£]|\b(?:thousands?|millions?|billions?)\b|\d{1,3}(?:,\d{3})+")
_A_RATIO = re.compile(r"(?i)%|\bpercent|\btimes\b|\d\s*:\s*\d|\bto\s+(?:1|one)\b")


def measured(question: str, span: str) -> bool:
    """Whether a short answer can answer the question's kind of quantity: "How long/far/many
    ...?" wants a number, a number's word or a unit; other questions take any span.

    >>> measured("How long is the bridge over the Amur?", "May")
    False
    >>> [measured("How long is the warranty?", s) for s in ("two-year", "12 months", "decades")]
    [True, True, True]
    >>> measured("Where is the EXPO held?", "Harbin")
    True
    """
    return not MEASURE.search(question) or bool(_QUANTITY.search(span))
