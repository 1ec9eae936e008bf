"""What moved a figure: questions asking why (`asks_why`, `asks_why_moved`, `CAUSES`) and the
sentences of a filing saying why (`SAYS_WHY`: "... due primarily to ..."), the words such a
sentence uses for a question's period and direction (`why_words`), the better such sentence of
the passages read (`why_sentence`) and the cause a short answer says (`bound_cause`)."""

from __future__ import annotations

import functools
import re
from dataclasses import replace

from rag.answer.abstain import word_share
from rag.text import MONTH_NAMES, STOPWORDS, period_mentions, stems

# A question after what moved a figure wants the sentences that say why, not its rows (as a
# fact: no row's figure answers it).
CAUSES = re.compile(
    r"\b((?<!risk )factors?|drivers?|driven|driving|drove|reasons?|why|caus\w*|contribut\w*|influenc\w*|explain\w*|explanations?"
    r"|(?<=\bwhat was )behind|(?<=\bwhat were )behind|(?<=\bwhat is )behind|(?<=\bwhat )accounts? for)\b",
    re.I,
)


# A sentence that says what moved a figure ("... primarily due to ...", "driven by",
# "partially offset by", "reflecting ...", "the increase consisted primarily of ...").
SAYS_WHY = re.compile(
    r"\b(?:due\s+(?:\w+\s+)?to|driven\s+(?:\w+\s+)?by|as\s+a\s+result\s+of|attributable\s+to"
    r"|reflect\w*|offset\s+by|because|consist\w*\s+(?:\w+\s+)?of|result\w*\s+from|led\s+by)\b",
    re.I,
)


# A sentence whose subject is the one before's ("AWS sales increased 12% in Q3 2023 ... The sales
# growth primarily reflects increased customer usage"): it is about what that sentence names.
GOES_ON = re.compile(
    r"(?:The|This|These|That|Those|Such)\s+(?:[a-z]+\s+){0,2}?(?:growth|increases?|decreases?|"
    r"declines?|changes?|improvements?|reductions?|rises?|drops?)\b|(?:This|These|It)\s"
)

# A question after why something happened; its answer says a cause, never a figure alone.
_ASKS_WHY = re.compile(
    r"(?i)\bwhy\b|\bwhat (?:drove|drives|caused|causes|led to|explains|accounts? for"
    r"|accounted for|(?:is|was|are|were) behind)\b"
    r"|\b(?:primary|main|key|principal|major) (?:drivers?|reasons?|causes?)\b"
    r"|\bwhat explanations?\b|\b(?:reasons?|causes?|drivers?|explanations?) (?:for|of|behind)\b"
)


# The way a question says a figure moved, and the word a filing's sentence saying why uses.
_DOWN = re.compile(
    r"(?i)\b(?:fall|falls|fell|fallen|drop\w*|declin\w*|decreas\w*|shr[iau]nk\w*|narrow\w*|"
    r"lower|smaller|less|go(?:es)? down|went down|weaken\w*)\b"
)
_UP = re.compile(
    r"(?i)\b(?:rise|rises|rising|rose|risen|grow\w*|grew|increas\w*|go(?:es)? up|went up|"
    r"higher|larger|jump\w*|climb\w*|widen\w*|improv\w*)\b"
)
# ... or says it moved without saying which way ("the movement to legalize" is no figure's)
_MOVED = re.compile(r"(?i)\b(?:chang\w*|shift\w*|fluctuat\w*|swings?|swung)\b")
_QUARTER_WORD = {"1": "first", "2": "second", "3": "third", "4": "fourth"}
# How much more the question's words weigh in choosing the span of a question asking why: the
# filing's sentences saying why share one shape ("X increased during the third quarter ... due
# primarily to ..."), and only their subject, direction and period tell them apart. Chosen on
# the "choose" half of eval/sec10q/why-questions.tsv (research/why_check.py; the cause sentence
# quoted 0.500 at 1 and 4, 0.625 at 8, 12 and 25).
WHY_WORDS_FACTOR = 8.0


def why_words(question: str) -> str:
    """The question with the words a filing's sentence saying why would use for its period
    ("Q3" is "third quarter") and direction ("fall" is "decreased").

    >>> why_words("Why did Greater China net sales fall in Q3 2022?")
    'Why did Greater China net sales fall in Q3 2022? third quarter decreased'
    """
    extra = [f"{_QUARTER_WORD[q]} quarter" for _, q, _ in period_mentions(question) if q]
    if _DOWN.search(question):
        extra.append("decreased")
    if _UP.search(question):
        extra.append("increased")
    return " ".join([question, *extra])


def bound_cause(question: str, text: str, start: int, end: int, a: int, b: int):
    """(start, end) in `text` of what the sentence `text[a:b]` says a figure moved because of,
    when the question asks why a figure moved, the sentence says why and the reader's span is
    before the cause, in the sentence's subject ("absolute dollars" of "The increase in
    fulfillment costs in absolute dollars ... is primarily due to increased sales, partially
    offset by fulfillment network efficiencies." -> "increased sales, partially offset by
    fulfillment network efficiencies"). None: keep the span (also when it is in the cause).

    >>> t = "The increase in cost of sales is primarily due to increased shipping costs."
    >>> s, e = bound_cause("Why did cost of sales increase?", t, 4, 12, 0, len(t)); t[s:e]
    'increased shipping costs'
    >>> bound_cause("What causes cost of sales?", t, 4, 12, 0, len(t)) is None
    True
    >>> bound_cause("Why did cost of sales increase?", t, 50, 66, 0, len(t)) is None
    True
    """
    if not asks_why_moved(question):
        return None
    m = SAYS_WHY.search(text, a, b)
    if m is None or end > m.start():
        return None  # the reader read (part of) the cause itself: its span stands
    s = m.end()
    while s < b and text[s].isspace():
        s += 1
    e = b
    while e > s and (text[e - 1].isspace() or text[e - 1] in ".;:"):
        e -= 1
    return (s, e) if e - s > 2 else None


def asks_why_moved(question: str) -> bool:
    """Whether the question asks why a figure moved ("Why did fulfillment costs increase?",
    "What drove the change in gross margin?"): a filing answers it in a sentence saying why,
    in one shape for every figure and period. (A question asking why of anything else, "What
    is a reason for the movement to legalize imports?", may be answered by a purpose.)"""
    return asks_why(question) and bool(
        _DOWN.search(question) or _UP.search(question) or _MOVED.search(question)
    )


def asks_why(question: str) -> bool:
    """Whether the question asks why something happened (its answer says a cause)."""
    return bool(_ASKS_WHY.search(question))


def why_sentence(reader, query: str, passages, chosen: str, own: str = ""):
    """(span, sentence bounds, sentence) of the sentence of the passages read that says
    why and holds more of the question's words (`why_words`: its period and direction as
    a filing writes them) than the `chosen` one, read alone; None when none does. The
    reader gives one span a passage, and a passage of a filing's discussion holds several
    such sentences: the third quarter's and the nine months', the increase's and the
    decrease's."""
    asked = stems(why_words(query))

    # a sentence saying why the asked figure moved (`says_why_of`, in the user's own words
    # `own`) comes before one that only shares its words
    def rank(text: str, a: int, b: int) -> tuple[bool, float]:
        of_it = bool(own) and says_why_of(own, text, [(a, b)])
        return of_it, word_share(asked, stems(text[a:b]))

    best, held = None, rank(chosen, 0, len(chosen))
    for i, p in enumerate(passages):
        text = p.chunk.text
        for a, b in p.chunk.sentence_spans():
            if SAYS_WHY.search(text, a, b) and (r := rank(text, a, b)) > held:
                best, held = (i, a, b), r
    if best is None:
        return None
    return _read_alone(reader, query, passages, *best)


def cause_after(reader, query: str, passages, span, bounds: tuple[int, int], own: str = ""):
    """(span, sentence bounds, sentence) of a sentence going on from a move (`GOES_ON`: "The
    sales growth ...") that says why: the one right after the sentence the reader answered
    from, else (given the question's own words `own`) any in the passages read whose move,
    said the sentence before, is the asked figure's (`says_why_of`). "Why did Amazon's AWS
    sales grow in Q3 2023?" had been answered "increased 12%" from "AWS sales increased 12% in
    Q3 2023 ...", whose next sentence says why ("The sales growth primarily reflects increased
    customer usage ..."). Else None."""

    def going_on(chunk, a: int, b: int) -> bool:
        return bool(GOES_ON.match(chunk.text, a) and SAYS_WHY.search(chunk.text, a, b))

    chunk = passages[span.passage].chunk
    after = [(a, b) for a, b in chunk.sentence_spans() if a >= bounds[1]]
    found = (span.passage, *after[0]) if after and going_on(chunk, *after[0]) else None
    for i, p in enumerate(passages if own and found is None else []):
        pairs = list(zip(p.chunk.sentence_spans(), p.chunk.sentence_spans()[1:], strict=False))
        for (a0, _), (a, b) in pairs:
            if going_on(p.chunk, a, b) and says_why_of(own, p.chunk.text, [(a0, b)]):
                found = (i, a, b)
                break
        if found is not None:
            break
    if found is None:
        return None
    return _read_alone(reader, query, passages, *found)


def _read_alone(reader, query: str, passages, i: int, a: int, b: int):
    """(span, sentence bounds, sentence) of the reader's span in the sentence
    `passages[i].chunk.text[a:b]` read alone, its offsets the passage's; None when it reads
    none."""
    sentence = passages[i].chunk.text[a:b]
    read = reader.read(query, [sentence])
    if not read:
        return None
    s = read[0]
    return replace(s, passage=i, start=s.start + a, end=s.end + a), (a, b), sentence


_CAPITALISED = re.compile(r"\b[A-Z][\w&-]*")
_MONTHS = frozenset(MONTH_NAMES.split())


@functools.lru_cache(maxsize=1024)
def _figure_asked(question: str) -> tuple[frozenset[str], frozenset[str]]:
    """The words of the figure a question asks why of (not the company's, "Apple's", nor a
    period's) and the question's capitalised words: worked out once for the many passages a
    question's cause is looked for in."""
    plain = _MOVED.sub(" ", _UP.sub(" ", _DOWN.sub(" ", _ASKS_WHY.sub(" ", question))))
    plain = re.sub(r"\b[\w&.-]+['’]s?\b|\b(?:[QH][1-4]|(?:19|20)\d\d|FY\d*)\b", " ", plain)
    # sales are net sales: "AWS net sales" moved as "AWS sales increased 12%"
    plain = re.sub(r"(?i)\bnet (?=sales\b)", " ", plain)
    # what kind of figure it is ("International segment sales") a filing's sentence leaves out
    figure = stems(plain) - stems(
        "quarter quarters year years period periods fiscal segment segments division divisions"
    )
    return frozenset(figure), frozenset(w.lower() for w in _CAPITALISED.findall(question))


def says_why_of(question: str, text: str, sentences) -> bool:
    """Whether a sentence of `text` (`sentences`: its spans) says why the figure the question
    asks about moved: a sentence saying why whose words before its cause name a word of the
    question's figure, and no name the question does not ("Services net sales increased ...
    due primarily to ..." for "Why did Apple's Services revenue change?", not "Americas net
    sales decreased ... partially offset by higher net sales of Services").

    >>> t = ("Americas net sales decreased due primarily to lower iPhone sales. "
    ...     "Services net sales increased due primarily to higher cloud sales.")
    >>> q = "Why did Apple's Services revenue change in Q2 2023?"
    >>> at = t.index("Services")
    >>> says_why_of(q, t, [(0, at), (at, len(t))]), says_why_of(q, t, [(0, at)])
    (True, False)
    >>> says_why_of("Why did fulfillment costs increase?", "The increase in technology costs "
    ...     "is primarily due to an increase in spending.", [(0, 77)])
    False
    >>> says_why_of("Why did operating income rise?", "We believe that operating income is a "
    ...     "more meaningful measure due to the diversity of our products.", [(0, 99)])
    False
    """
    from rag.answer.vocabulary import SYNONYMS

    figure, said = _figure_asked(question)
    if not figure:
        return False
    for a, b in sentences:
        m = SAYS_WHY.search(text, a, b)
        if m is None:
            continue
        before = text[a : m.start()]
        # "We believe that operating income is a more meaningful measure ... due to the
        # diversity of our product categories" says why of no move
        moved = _UP.search(before) or _DOWN.search(before) or _MOVED.search(before)
        if not moved and "compared" not in before:
            continue
        words = stems(before)
        # every word of the figure, "revenue" said as "net sales"
        if any(t not in words and not SYNONYMS.get(t, set()) & words for t in figure):
            continue
        # a month names when, not what ("... for the nine months ended September 30, 2023")
        named = {w.lower() for w in _CAPITALISED.findall(before)} - STOPWORDS - said - _MONTHS
        if not named:
            return True
    return False
