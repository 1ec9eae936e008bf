"""Text helpers every part of the answer path shares: words, numbers, names, periods and one stemmer."""

from __future__ import annotations

import re
import string
from collections import Counter

WORD = re.compile(r"[^\W_]+(?:[.,'’][^\W_]+)*", re.UNICODE)
# A period written as one word ("FY2023", "Q3FY23", "H1"): it names when, not whom.
# The first half of a year ("first half of 2023", "H1 2023", "H1 FY24"): the second quarter's
# filing, read at its six months' column.
HALF_YEAR = re.compile(
    r"(?i)\b(?:(?:first|1st) half(?: of)?(?: (?:fiscal(?: year)?|FY))?\s*((?:19|20)\d\d)|"
    r"H1\s*(?:FY\s*'?)?((?:19|20)\d\d|(?<=FY)\d\d|(?<=FY )\d\d|(?<=')\d\d))\b"
)
# The first months of a year ("first nine months of 2023", "first six months of fiscal 2023"):
# the filing of the quarter they end with, read at that many months' column.
# ("the first three quarters of 2023" are its nine months)
YEAR_TO_DATE = re.compile(
    r"(?i)\b(?:first|1st) ((?:three|six|nine) months|(?:two|three) (?:fiscal )?quarters)(?: of)?"
    r"(?: (?:fiscal(?: year)?|FY))?\s*((?:19|20)\d\d)\b"
)
QUARTER_ENDING = {
    "three months": 1,
    "six months": 2,
    "nine months": 3,
    "two quarters": 2,
    "three quarters": 3,
}
CHAT_QUARTER = re.compile(
    r"\bQ([1-4])\s+(\d\d)\b(?=\s*(?:[?.!,;)]|$|(?:vs\.?|versus|and|to|compared)\b))", re.I
)
# The periods a text names, each pattern with how its groups read (quarter, year).
_ORDINAL = {"first": "1", "second": "2", "third": "3", "fourth": "4"}
_YEAR = r"((?:19|20)\d\d)"
_FISCAL = r"(?:(?:of\s+)?(?:the\s+)?(?:fiscal|FY)\s*(?:year\s+)?|of\s+)?"
PERIOD_PATTERNS = [
    # Q1 2023, Q1 FY2023, Q1 of fiscal 2023, Q1'23; "Q1 23" only where it can be nothing else
    (re.compile(rf"\bQ([1-4])\s*{_FISCAL}\s*{_YEAR}\b", re.I), "qy"),
    (re.compile(r"\bQ([1-4])\s*['’](\d\d)\b", re.I), "qy"),
    # ... but typed in a chat as the question's last words, or beside another ("amzn net income
    # q2 23", "Q2 23 vs Q2 22"), it is one
    (CHAT_QUARTER, "qy"),
    # 2023 Q1, FY2023 Q1, 2023-Q1
    (re.compile(rf"\b(?:FY\s*)?{_YEAR}\s*[-_]?\s*Q([1-4])\b", re.I), "yq"),
    # first quarter of 2023, first fiscal quarter of fiscal year 2023
    (
        re.compile(
            rf"\b(first|second|third|fourth)\s+(?:fiscal\s+)?quarter\s*{_FISCAL}\s*{_YEAR}\b",
            re.I,
        ),
        "oy",
    ),
    (HALF_YEAR, "h"),
    (YEAR_TO_DATE, "m"),
    # Q1 FY24, Q1FY24, FY'24: two digits name a year only after "FY" (an earnings call's
    # title), never alone
    (re.compile(r"\bQ([1-4])\s*(?:of\s+)?FY\s*'?(\d\d)\b", re.I), "qy"),
    (re.compile(r"\bFY\s*'?(\d\d)\b", re.I), "y"),
    (re.compile(rf"\b(?:FY\s*){_YEAR}\b|\b{_YEAR}\b", re.I), "y"),
    (re.compile(r"\bQ([1-4])\b|\b(first|second|third|fourth)\s+quarter\b", re.I), "q"),
]


def period_mentions(text: str) -> list[tuple[int, str | None, str | None]]:
    """Where a text names a period and which, as (offset, quarter, year), in order of mention;
    the one source of every reading of periods (`periods`, `rag.answer.periods`).

    >>> period_mentions("Q1 2023 vs Q3'23 and fiscal 2022")
    [(0, '1', '2023'), (11, '3', '2023'), (28, None, '2022')]
    """
    return [(a, q, y) for a, _, q, y in period_spans(text)]


# "fiscal" or "FY" in a period's words, or just before them ("fiscal Q3 2024")
_FISCAL_WORD = re.compile(r"(?i)\bfiscal\b|\bFY")


def fiscal_quarters(text: str) -> list[tuple[int, int, str, str]]:
    """The quarters a text names as a fiscal year's, as (start, end, quarter, year): a company
    whose fiscal year is not the calendar's numbers its quarters its own way (NVIDIA's third
    quarter of fiscal year 2024 ended October 29, 2023).

    >>> fiscal_quarters("the third quarter of fiscal year 2024 and Q3 2023, fiscal Q2 2023, Q1 FY24")
    [(4, 37, '3', '2024'), (58, 65, '2', '2023'), (67, 74, '1', '2024')]
    """
    return [
        (a, b, q, y)
        for a, b, q, y in period_spans(text)
        if q and y and _FISCAL_WORD.search(text[max(0, a - 8) : b])
    ]


# "the second quarter of fiscal year 2023 compared with the second quarter of fiscal year 2022"
_COMPARED = re.compile(r"(?i)\s*,?\s*(?:as\s+)?compared\s+(?:with|to)\s+(?:the\s+)?")


def own_fiscal_quarter(texts) -> tuple[str, str] | None:
    """The fiscal quarter a filing reports, as (quarter, year): the one its text compares with
    the same quarter a year before ("Highlights from the second quarter of fiscal year 2023
    compared with the second quarter of fiscal year 2022") most often; None when it makes no
    such comparison (a company whose quarters are the calendar's, or one that says "Q2").
    Counting every mention picks the wrong one: Microsoft's filings name the first quarter of
    fiscal year 2022 (a tax benefit) more often than their own.

    >>> own_fiscal_quarter(["Revenue for the third quarter of fiscal year 2024 compared to the "
    ...     "third quarter of fiscal year 2023 rose.", "In the first quarter of fiscal year 2022"])
    ('3', '2024')
    >>> own_fiscal_quarter(["Net sales rose in the third quarter of 2023."]) is None
    True
    """
    paired: dict[tuple[str, str], int] = {}
    for t in texts:
        found = fiscal_quarters(t)
        for (_, end, q, y), (start, _, q2, y2) in zip(found, found[1:], strict=False):
            if q2 == q and int(y2) == int(y) - 1 and _COMPARED.fullmatch(t[end:start]):
                paired[(q, y)] = paired.get((q, y), 0) + 1
    return max(paired, key=paired.__getitem__) if paired else None


def period_spans(text: str) -> list[tuple[int, int, str | None, str | None]]:
    """`period_mentions` with where each mention ends: (start, end, quarter, year)."""
    found: list[tuple[int, int, str | None, str | None]] = []
    taken: list[tuple[int, int]] = []

    def free(m) -> bool:
        return not any(a < m.end() and m.start() < b for a, b in taken)

    for pattern, kind in PERIOD_PATTERNS:
        for m in pattern.finditer(text):
            if not free(m):
                continue
            g = [x for x in m.groups() if x]
            if kind == "qy":
                when = (g[0], ("20" + g[1])[-4:])  # "Q1 FY24" is 2024
            elif kind == "yq":
                when = (g[1], g[0])
            elif kind == "oy":
                when = (_ORDINAL[g[0].lower()], g[1])
            elif kind == "h":
                when = ("2", ("20" + g[0])[-4:])
            elif kind == "m":
                span = " ".join(w for w in g[0].lower().split() if w != "fiscal")
                when = (str(QUARTER_ENDING[span]), g[1])
            elif kind == "y":
                when = (None, ("20" + g[0])[-4:])  # "FY24" is 2024
            else:
                when = (_ORDINAL.get(g[0].lower(), g[0]), None)
            found.append((m.start(), m.end(), *when))
            taken.append((m.start(), m.end()))
    return sorted(found)


def periods(text: str) -> set[tuple[str | None, str | None]]:
    """The periods a text names, as (quarter, year), either part None when not said.

    >>> sorted(periods("How did revenue grow in Q1 Fiscal 2023 and the first quarter of 2022?"))
    [('1', '2022'), ('1', '2023')]
    >>> sorted(periods("2023 Q1 AAPL")), sorted(periods("2023-Q1 AAPL")), sorted(periods("Q3'23"))
    ([('1', '2023')], [('1', '2023')], [('3', '2023')])
    >>> sorted(periods("What changed in fiscal 2021?")), sorted(periods("the Q3 call"))
    ([(None, '2021')], [('3', None)])
    >>> [sorted(periods(t)) for t in ("Q1 FY24 Call", "for FY'25", "first half of 2023", "H1 FY24")]
    [[('1', '2024')], [(None, '2025')], [('2', '2023')], [('2', '2024')]]
    >>> sorted(periods("amzn net income q2 23")), sorted(periods("Q2 23 vs Q2 22")), periods("Q1 23 stores")
    ([('2', '2023')], [('2', '2022'), ('2', '2023')], {('1', None)})
    >>> sorted(periods("in the first nine months of 2023")), sorted(periods("first six months of 2022"))
    ([('3', '2023')], [('2', '2022')])
    """
    return {(q, y) for _, q, y in period_mentions(text)}


# A day written out ("September 30, 2023", "Sept. 30 2023", "Sep 30, 2023", "30 September
# 2023"): a column's period end, and the day a report's period ended, which a question asking
# "as of" names instead of the quarter. Fiscal years make the two differ: Apple's first quarter
# of fiscal 2023 ended December 31, 2022.
MONTH_NAMES = (
    "january february march april may june july august september october november december"
)
MONTH = "(" + "|".join(f"{m[:3]}(?:{m[3:]}|{m[3:4]}\\.?|\\.)?" for m in MONTH_NAMES.split()) + ")"
_MONTH_OF = {m[:3]: i for i, m in enumerate(MONTH_NAMES.split(), 1)}
DATE = re.compile(
    rf"(?i)\b(?:{MONTH}\s+(\d{{1,2}}),?\s+{_YEAR}|(\d{{1,2}})\s+{MONTH},?\s+{_YEAR})\b"
)
# "For the quarterly period ended September 30, 2023", "the three months ending July 1, 2023"
_ENDED = re.compile(r"(?i)\b(?:period|quarter|year|months|weeks)\s+end(?:ed|ing)\s+(?:on\s+)?$")


def _day(m: re.Match) -> tuple[int, int, int] | None:
    month, day, year = (m[1], m[2], m[3]) if m[1] else (m[5], m[4], m[6])
    return (int(year), _MONTH_OF[month[:3].lower()], int(day)) if 1 <= int(day) <= 31 else None


def dates(text: str) -> set[tuple[int, int, int]]:
    """The days a text names, as (year, month, day).

    >>> sorted(dates("as of September 30, 2023 and Dec. 31 2022; 1 April 2023"))
    [(2022, 12, 31), (2023, 4, 1), (2023, 9, 30)]
    >>> sorted(dates("Three Months Ended Sep 30, 2023; Sept. 24, 2022; October 1, 2022"))
    [(2022, 9, 24), (2022, 10, 1), (2023, 9, 30)]
    """
    return {d for d in map(_day, DATE.finditer(text)) if d}


# A quarter named by the month it ends in ("the June quarter of 2023", as Apple says its own;
# "the quarter ended in June 2023"): a fiscal quarter, whose number depends on the company
# (`rag.answer.periods.in_document_periods` reads it off the reports' covers).
MONTH_QUARTER = re.compile(
    rf"(?i)\b(?:the\s+)?{MONTH}[-\s]+quarter\s+(?:of\s+|in\s+)?(?:fiscal\s+(?:year\s+)?)?{_YEAR}\b"
    rf"|\b(?:the\s+)?quarter\s+end(?:ed|ing)\s+in\s+{MONTH},?\s+{_YEAR}\b"
)


def month_quarters(text: str) -> list[tuple[int, int, int, int]]:
    """The quarters a text names by the month they end in, as (start, end, year, month).

    >>> month_quarters("Apple's sales in the June quarter of 2023 and the quarter ended in Dec 2022")
    [(17, 41, 2023, 6), (46, 75, 2022, 12)]
    >>> month_quarters("sales in June 2023 and the quarter ended June 30, 2023")
    []
    """
    out = []
    for m in MONTH_QUARTER.finditer(text):
        month, year = (m[1], m[2]) if m[1] else (m[3], m[4])
        out.append((m.start(), m.end(), int(year), _MONTH_OF[month[:3].lower()]))
    return out


def in_month_quarter(day: tuple[int, int, int], year: int, month: int) -> bool:
    """Whether a quarter that ended on `day` is the `month` quarter of `year`: a 52/53-week
    year's quarter ends on a Saturday near the month's end, a few days into the next one at
    most (Apple's June quarter of 2023 ended July 1).

    >>> in_month_quarter((2023, 7, 1), 2023, 6), in_month_quarter((2023, 6, 30), 2023, 6)
    (True, True)
    >>> in_month_quarter((2023, 7, 29), 2023, 6), in_month_quarter((2023, 1, 3), 2022, 12)
    (False, True)
    """
    y, m, d = day
    after = (year + 1, 1) if month == 12 else (year, month + 1)
    return (y, m) == (year, month) or ((y, m) == after and d <= 7)


def ended_dates(text: str) -> set[tuple[int, int, int]]:
    """The days a text says a period ended on: a report's cover ("For the Quarterly Period Ended
    September 30, 2022"), not every date it mentions.

    >>> sorted(ended_dates("For the Quarterly Period Ended September 30, 2022 OR ... June 30, 2022"))
    [(2022, 9, 30)]
    """
    return {
        d
        for m in DATE.finditer(text)
        if _ENDED.search(text[max(0, m.start() - 40) : m.start()]) and (d := _day(m))
    }


# The words for "the latest report" ("the newest 10-Q"), and for a change ("How has X shifted /
# varied / evolved ...?", "alterations to its debt", "movements in its liquidity"): one
# vocabulary for every rule that reads a question's wording, not the one word each was written on.
LATEST = r"(?:latest|most recent|newest|most current)"
# ... and for a question over all the reports ("these 10-Qs", "over the quarters", "over time")
OVER_REPORTS = r"(?:quarters|periods|reports|filings|10-?qs|over time|timeframe)"
CHANGED = (
    r"(?:chang\w*|shift(?:s|ed|ing)?|alter(?:s|ed|ing|ations?)?|fluctuat\w*|"
    r"evol(?:ve[sd]?|ving|ution)|var(?:y|ies|ied|ying|iations?)|movements?|swings?|"
    r"progress(?:ed|es)?|developed|moved)"
)
PERIOD_TOKEN = re.compile(r"(?i)(?:fy|[qh][1-4])+'?(?:\d{2}|\d{4})?(?:[qh][1-4])?")
_NUMBER = re.compile(r"\d[\d,.]*")
_MARKER = re.compile(r"\s*\[\d+(?:\s*,\s*\d+)*\]")  # our [n] citation markers
STOPWORDS = frozenset(
    """a an the and or but of in on at to for from by with as is are was were be been being has
    have had do does did it its this that these those there their they them he she his her
    we our you your i me my not no so than then which who whom whose what when where why how
    will would can could should may might must shall into over under about also such both
    each more most other some any all only very just up out if while during between after
    before because through per via one ones many much""".split()
)


def normalize_number(token: str) -> str:
    """'1,246' -> '1246'; '53.845' stays; a trailing '.' or ',' is dropped."""
    return token.rstrip(".,").replace(",", "")


def content_tokens(text: str) -> list[str]:
    """Lowercased words minus stopwords, numbers normalised.

    >>> content_tokens("The 6th EXPO hosted 1,246 enterprises.")
    ['6th', 'expo', 'hosted', '1246', 'enterprises']
    """
    out = []
    for m in WORD.finditer(text.lower()):
        w = m.group()
        if w[0].isdigit():
            w = normalize_number(w)
        if w not in STOPWORDS:
            out.append(w)
    return out


def numbers(text: str) -> set[str]:
    """The numbers in a text, normalised.

    >>> sorted(numbers("In 2018 trade exceeded $ 100 billion, 1,246 firms."))
    ['100', '1246', '2018']
    """
    return {normalize_number(m.group()) for m in _NUMBER.finditer(text)} - {""}


def stem(word: str, n: int = 6, whole_numbers: bool = True) -> str:
    """Crude suffix folding: the first `n` letters, so "enterprise"/"enterprises" and
    "cooperate"/"cooperation" meet (n=6); shorter prefixes match looser ("Chinese" and
    "China" at n=4). Numbers stay whole unless `whole_numbers` is False.

    >>> stem("enterprises") == stem("enterprise"), stem("2018"), stem("Chinese", 4)
    (True, '2018', 'Chin')
    """
    if len(word) > n and not (whole_numbers and word[0].isdigit()):
        return word[:n]
    return word


def folded(text: str) -> str:
    """A text as lower-case words (and %) one space apart: two lines that say the same thing
    in other case or punctuation fold alike.

    >>> folded("Net Sales: AWS (1)") == folded("net sales  AWS 1")
    True
    """
    return " ".join(re.sub(r"[^\w%]+", " ", text.lower()).split())


def stems(text: str) -> set[str]:
    """The stemmed content words of a text."""
    return {stem(w) for w in content_tokens(text)}


def names(text: str) -> list[str]:
    """Capitalised words after the first word (names, mostly), stopwords excluded.

    >>> names("Where in Southern Italy did the Black Death start in 1347?")
    ['Southern', 'Italy', 'Black', 'Death']
    """
    return [
        m.group()
        for m in list(WORD.finditer(text))[1:]
        if m.group()[0].isupper() and m.group().lower() not in STOPWORDS
    ]


def strip_markers(text: str) -> str:
    """Remove [n] citation markers.

    >>> strip_markers("Harbin [1]. Also [2, 3] here.")
    'Harbin. Also here.'
    """
    return _MARKER.sub("", text).strip()


# Markup as a reader sees it rendered: a footnote marker (<sup>1</sup>) disappears, other tags
# and markdown marks (headings' #, emphasis stars, --- rules) leave their words.
_FOOTNOTE = re.compile(r"<(sup|sub)\b[^<>\n]*>[^<>\n]{0,12}</\1\s*>", re.I)
_TAG = re.compile(
    r"</?(?:a|b|i|u|s|em|strong|sup|sub|small|mark|code|span|font|br|p|div|h[1-6]|li|ul|ol"
    r"|hr|img|blockquote|table|tr|td|th)\b[^<>\n]*>",
    re.I,
)
_MD = re.compile(
    r"^[ \t]{0,3}#{1,6}[ \t]+|^[ \t]*(?:-{3,}|\*{3,}|_{3,})[ \t]*$"
    r"|(?P<stars>\*{1,3}|_{2})(?=[^\s*_])(?P<inner>[^*\n]*?[^\s*_])(?P=stars)",
    re.M,
)


def display_text(text: str) -> str:
    """`text` as a user should read it: markup rendered (removed), spaces collapsed. For what
    is shown only; citations keep quoting the stored text exactly.

    >>> display_text("# **The Festival**<sup>1</sup>\\n\\n---\\nIt was *founded* in <b>1994</b>.")
    'The Festival It was founded in 1994.'
    >>> display_text("grade II* and 3 * 4")
    'grade II* and 3 * 4'
    """
    text = _FOOTNOTE.sub("", text)
    text = _TAG.sub("", text)
    text = _MD.sub(lambda m: m.group("inner") or "", text)
    return " ".join(text.split())


def markup_spans(text: str) -> list[tuple[int, int]]:
    """The character spans of `text` that `display_text` removes (markup), sorted: a page
    shows the text without them while its offsets (citations, highlights) stay those of `text`.

    >>> t = "# **Trade**<sup>1</sup>"
    >>> "".join(t[a:b] for a, b in markup_spans(t))
    '# ****<sup>1</sup>'
    """
    spans = [m.span() for m in _FOOTNOTE.finditer(text)]
    spans += [m.span() for m in _TAG.finditer(text)]
    for m in _MD.finditer(text):
        if m.group("inner") is None:
            spans.append(m.span())
        else:
            spans += [m.span("stars"), (m.end("inner"), m.end())]
    spans.sort()
    out: list[tuple[int, int]] = []
    for a, b in spans:
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def normalize_answer(text: str) -> str:
    """SQuAD normalisation after removing citation markers.

    >>> normalize_answer("The EXPO was in Harbin [1].")
    'expo was in harbin'
    """
    text = strip_markers(text).lower()
    text = "".join(ch if ch not in string.punctuation else " " for ch in text)
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


def token_f1(prediction: str, golds: list[str]) -> float:
    """Best SQuAD token F1 over the gold answers.

    >>> token_f1("the cat sat", ["cat sat down"])
    0.8
    """
    best = 0.0
    p = normalize_answer(prediction).split()
    for g in golds:
        gt = normalize_answer(g).split()
        common = sum((Counter(p) & Counter(gt)).values())
        if common:
            precision, recall = common / len(p), common / len(gt)
            best = max(best, 2 * precision * recall / (precision + recall))
    return best


# What a folder's documents are called in a question ("Which accidents ...?", "... in each
# study", "both calls"), singular: the things one document tells of, and those that come in a
# series of periods (a call's or a filing's figures are compared by their periods).
THING_KINDS = (
    "document", "file", "report", "accident", "incident", "study", "protocol", "trial", "paper",
    "article", "contract", "agreement", "manual",
)  # fmt: skip
SERIES_KINDS = ("call", "transcript", "filing")


def kinds_pattern(kinds) -> str:
    """A regex alternation of the kinds, singular or plural ("stud(?:y|ies)", "calls?")."""
    return "|".join(f"{k[:-1]}(?:y|ies)" if k.endswith("y") else f"{k}s?" for k in kinds)


# Words that ask rather than say: they name no content a supporting sentence must share.
ASKING = {
    stem(w)
    for w in """10-q 10-qs q report reports reported reporting quarter quarters period periods
    latest recent most significant notable any change changes changed discuss discussed
    disclose disclosed disclosure mention mentioned highlight highlighted analyze analyse
    summarize summarise describe explain list section compare comparison trend trends time
    relate correlate correlation align examine assess insight insights impact potential
    potentially specific specifically identified identify key major detail details implications
    overall these those there what which how does did doing lately company company's level
    levels according across throughout newest shift shifts shifted alteration alterations vary
    varied variation variations fluctuate fluctuated fluctuation fluctuations evolve evolved
    evolution outline pattern patterns considerable substantial timeframe amount amounts""".split()
}

# Verbs of telling: "What guidance did Amazon give?" asks for the guidance, and a sentence of it
# need not say "give" (nor "provide", "announce", "say"). Not "state" nor "offer": filings name
# things by them ("state income taxes", "the stated rate", "offerings").
TELLING = {stem(w) for w in "give gave given provide provided announce announced say said".split()}


def one_edit(a: str, b: str) -> bool:
    """Within one insertion, deletion, substitution or swap of neighbours ("Netonian" for
    "Newtonian", "Hamaz" for "Hamza").

    >>> one_edit("aple", "apple"), one_edit("hamaz", "hamza"), one_edit("aple", "apples")
    (True, True, False)
    """
    if abs(len(a) - len(b)) > 1:
        return False
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1 :] == b[i + 1 :] or (
            a[i : i + 2] == b[i : i + 2][::-1] and a[i + 2 :] == b[i + 2 :]
        )
    return a[i:] == b[i + 1 :] if len(b) > len(a) else a[i + 1 :] == b[i:]
