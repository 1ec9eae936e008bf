"""A follow-up as it stands alone (`resolve`): a turn naming only another period ("And in Q2
2023?"), another thing ("And Mac?"), its company only as "it" ("What did it report ...?"), or how
the figure before moved ("How did it change?") is asked as the previous question of that. The
rest of a conversation's handling (whether a turn is a follow-up at all, the retrieval query it
sends) is `rag.followup`'s."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .text import (
    ASKING,
    DATE,
    MONTH,
    PERIOD_TOKEN,
    STOPWORDS,
    period_spans,
    stem,
)

# A follow-up naming only another period: "And in Q2 2023?", "What about the third quarter of
# 2023?", "How about Q3 FY2024?".
# A day too: "And as of September 24, 2022?" (`DATE`, its flags set here).
_DAY = DATE.pattern.removeprefix("(?i)")
# ... or a quarter by its month ("And in the March quarter?"), its year the one asked before's
_MONTH_QUARTER = MONTH + r"[-\s]quarter"
_ONLY_PERIOD = re.compile(
    r"(?i)^(?:and|but|also|what about|how about)\s+(?:(?:in|for|during|over|of|on|at|as of)\s+)?"
    rf"(?:the\s+)?(?P<period>{_DAY}|{_MONTH_QUARTER}(?:\s+(?:of\s+)?(?:fiscal\s+)?(?:19|20)\d\d)?|"
    r"(?:q[1-4]|(?:first|second|third|fourth) quarter(?: of)?)(?:\s*(?:fiscal |fy\s?)?"
    r"(?:19|20)\d\d)?|(?:fiscal |fy\s?)?(?:19|20)\d\d)\s*[?.!]*$"
)
# a quarter named without its year ("What about Q2?"): of the year asked before
_YEARLESS = re.compile(
    rf"(?i){_MONTH_QUARTER}|q[1-4]|(?:first|second|third|fourth) quarter(?: of)?"
)
_PERIOD_SAID = re.compile(
    r"(?i)\b(?:q[1-4]|(?:first|second|third|fourth) quarter(?: of)?|(?:the )?"
    + _MONTH_QUARTER
    + r"(?: of)?)\s*(?:fiscal |fy\s?)?(?:19|20)\d\d\b|\b(?:fiscal |fy\s?)?(?:19|20)\d\d\b"
)


def another_period(
    question: str, history: Sequence[str], known: frozenset[str] = frozenset()
) -> str:
    """A follow-up that only names another period, asked as the previous question of that
    period; else the question as it is. "And in Q2 2023?" after "What was Amazon's operating
    income by segment in Q3 2023?" had been read as a fact ("And in Q2 2023? What was ...")
    with both quarters in its words, and refused.

    >>> another_period("And in Q2 2023?", ["What was Amazon's operating income in Q3 2023?"])
    "What was Amazon's operating income in Q2 2023?"
    >>> another_period("What about 2022?", ["Summarize the farm's harvest."])
    "Summarize the farm's harvest in 2022?"
    >>> another_period("And the tea?", ["What did the farm grow in 2022?"])
    'And the tea?'
    >>> another_period("What about Q1 2023?", ["What was revenue in Q3 2023?", "And Q2 2023?"])
    'What was revenue in Q1 2023?'
    >>> another_period("And as of September 24, 2022?", ["What was inventory as of July 1, 2023?"])
    'What was inventory as of September 24, 2022?'
    >>> another_period("And in the March quarter?", ["What was Apple's revenue in Q3 2023?"])
    "What was Apple's revenue in the March quarter of 2023?"
    >>> another_period("What about Q2?", ["What was Amazon's operating income in Q3 2023?"])
    "What was Amazon's operating income in Q2 2023?"
    >>> another_period("And the December quarter of 2022?", ["What was Apple's revenue in Q3 2023?"])
    "What was Apple's revenue in the December quarter of 2022?"
    """
    m = _ONLY_PERIOD.match(question.strip())
    earlier = [h for h in history or () if h and h.strip()]
    if m is None or not earlier:
        return question
    # the previous turn may be such a follow-up itself ("What about Q1 2023?" after it)
    previous = resolve(" ".join(earlier[-1].split()), earlier[:-1], known)
    # a day for the day asked before ("inventory as of July 1, 2023"), else for its period
    day = DATE.fullmatch(m["period"]) and DATE.search(previous)
    said = [day] if day else list(_PERIOD_SAID.finditer(previous))
    if not said:
        return f"{previous.rstrip('?.! ')} in {m['period']}?"
    first = said[0]
    period = m["period"]
    if _YEARLESS.fullmatch(period) and (year := re.search(r"\d{4}", first[0])):
        # "the March quarter", "Q2": of the year asked before
        the = "the " if re.search(r"(?i)quarter", period) else ""
        period = f"{the}{period.removesuffix(' of')} of {year[0]}" if the else f"{period} {year[0]}"
    elif re.match(rf"(?i){_MONTH_QUARTER}", period):
        period = f"the {period}"  # "the December quarter of 2022"
    # the first period said is the one asked about; a second ("compared with Q3 2022") stays
    return f"{previous[: first.start()]}{period}{previous[first.end() :]}"


# A follow-up naming only another thing: "And Mac?", "What about its operating income?", "And
# its debt?". A few words, none asking, pointing or naming a period.
_ONLY_THING = re.compile(
    r"(?i)^(?:and|what about|how about)\s+(?:(?:its|their|the|his|her)\s+)?"
    r"(?P<thing>[^\W\d][\w’'&.-]*(?:\s+[\w’'&.-]+){0,3}?)\s*[?.!]*$"
)
PERIOD_WORD = PERIOD_TOKEN
TOKEN = re.compile(r"[\w’'&.-]*\w")
# words that ask, point, tie or name a period: never the thing a question is after
_NOT_THING = STOPWORDS | set(
    """else quarter quarters year years month months end ended ending fiscal first second third
    fourth last latest report reports 10-q filing""".split()
    # how the figure moved is asked of the next thing too ("How much did services revenue
    # increase?", "And products?": how much products increased)
    + """increase increased decrease decreased grow grew grown rise rose fall fell drop dropped
    decline declined change changed""".split()
)
# words that ask or point: a follow-up holding one asks something else than a thing
_ASKS = set(
    """why how what when where who which whom whose it this that those these they them there
    else did does do is was were are has have had can could would should will""".split()
)


def _thing_runs(question: str, names_wanted: bool) -> list[tuple[int, int]]:
    """The spans of `question` that say what it is after: runs of its words that neither ask,
    point, name a period nor own (a possessive: "Apple's"); of names (a capital inside: "AWS",
    "iPhone") when `names_wanted`, else of the other words ("net income", "cash")."""
    runs: list[list[int]] = []
    last_end = None
    for i, m in enumerate(TOKEN.finditer(question)):
        w = m.group()
        plain = w.lower().strip(".")
        owner = re.search(r"['’]s$", w) is not None
        named = i > 0 and any(ch.isupper() for ch in w)
        if (
            owner
            or plain in _NOT_THING
            or stem(plain) in ASKING
            or PERIOD_WORD.fullmatch(plain)
            or w[0].isdigit()
            or named != names_wanted
        ):
            last_end = None
            continue
        if last_end is not None and question[last_end : m.start()].strip() == "":
            runs[-1][1] = m.end()
        else:
            runs.append([m.start(), m.end()])
        last_end = m.end()
    return [(a, b) for a, b in runs]


def another_thing(
    question: str, history: Sequence[str], known: frozenset[str] = frozenset()
) -> str:
    """A follow-up that only names another thing, asked as the previous question of that thing;
    else the question as it is. "And Mac?" after "What was Apple's iPhone revenue in Q1 2023?"
    had been read with both questions' words and answered iPhone again; "And its debt?" after
    Amazon's cash had read the cash paid for interest on debt. A name takes the place of the
    previous question's name (not its owner's, "Apple's"), other words that of its other words.

    >>> another_thing("And Mac?", ["What was Apple's iPhone revenue in Q1 2023?"])
    "What was Apple's Mac revenue in Q1 2023?"
    >>> another_thing("What about its operating income?", ["What was Amazon's AWS revenue in Q3 2023?"])
    "What was Amazon's AWS operating income in Q3 2023?"
    >>> another_thing("And its debt?", ["How much cash did Amazon have at the end of Q3 2023?"])
    'How much debt did Amazon have at the end of Q3 2023?'
    >>> another_thing("And the tea?", ["How much rice did the farm grow?"])
    'How much tea did the farm grow?'
    >>> another_thing("And the tea?", ["Where did the farm grow rice?"])
    'And the tea?'
    >>> another_thing("And AWS?", ["What was Amazon's operating income in Q2 2023?"])
    "What was Amazon's AWS operating income in Q2 2023?"
    >>> another_thing("And Amazon?", ["What was Apple's net income in Q3 2023?"], {"apple", "amazon"})
    "What was Amazon's net income in Q3 2023?"
    >>> another_thing("And Amazon's net sales?", ["What was Apple's Mac revenue in Q1 2023?"])
    "What was Amazon's net sales in Q1 2023?"
    >>> another_thing("And Apple's?", ["Who is Amazon's CEO?"], {"apple", "amazon"})
    "Who is Apple's CEO?"
    >>> another_thing("What about operating income?", ["What is Amazon's guidance for Q4 2023?"])
    "What is Amazon's guidance for operating income for Q4 2023?"
    >>> another_thing("And products?", ["How much did Apple's services revenue grow in Q3 2023?"])
    "How much did Apple's products grow in Q3 2023?"
    >>> another_thing("And the percentage?", ["What was Apple's gross margin in Q3 2023?"])
    "What was Apple's gross margin percentage in Q3 2023?"
    >>> another_thing("And why?", ["What was revenue?"]), another_thing("And Mac?", ["Why?"])
    ('And why?', 'And Mac?')
    """
    m = _ONLY_THING.match(question.strip())
    earlier = [h for h in history or () if h and h.strip()]
    if m is None or not earlier:
        return question
    thing = m["thing"]
    if any(w.lower() in _ASKS for w in TOKEN.findall(thing)) or _PERIOD_SAID.search(thing):
        return question
    previous = resolve(" ".join(earlier[-1].split()), earlier[:-1], known)
    named = any(ch.isupper() for ch in thing)
    owned = re.match(r"(?P<owner>[\w&.-]+)['’]s\s+\S", thing)
    if owned:
        # an owner and its thing ("And Amazon's net sales?" after Apple's iPhone revenue): the
        # previous question of both, from its owner to what it asked after
        at = re.search(r"[\w&.-]+['’]s\b", previous)
        after = [r for r in _thing_runs(previous, False) if at and r[0] >= at.end()]
        if at is None or not after:
            return question
        return f"{previous[: at.start()]}{thing}{previous[after[0][1] :]}"
    bare = re.sub(r"['’]s$", "", thing)  # "And Apple's?": the owner alone
    if named and TOKEN.findall(bare) and all(w.lower() in known for w in TOKEN.findall(bare)):
        # a name the documents are known by ("And Amazon?" after Apple's net income) takes the
        # place of the one the previous question named them by, its possessive kept
        for m in TOKEN.finditer(previous):
            if re.sub(r"['’]s$", "", m.group()).lower() in known:
                owner = re.sub(r"['’]s$", "", m.group())
                return f"{previous[: m.start()]}{bare}{previous[m.start() + len(owner) :]}"
        return question
    if bare != thing:
        return question  # an owner the documents are not known by
    # the words where a question says what it is after: "What was Apple's net income", "How
    # much cash", "spend on fulfillment"; not "Where did the farm grow rice"
    measures = [
        (a, b) for a, b in _thing_runs(previous, False) if _MEASURE_BEFORE.search(previous[:a])
    ]
    if named:
        runs = [
            (a, b) for a, b in _thing_runs(previous, True) if previous[a:b].lower() not in known
        ]
        if runs:
            a, b = runs[-1]
            return f"{previous[:a]}{thing}{previous[b:]}"
        if not measures:
            return question
        # no name to take the place of: the name's measure ("And AWS?" after the operating
        # income: AWS's operating income)
        a = measures[0][0]
        return f"{previous[:a]}{thing} {previous[a:]}"
    if not measures:
        return _of_the_report(thing, previous) or question
    a, b = measures[0]
    if re.fullmatch(r"(?i)percentage|percent|rate|ratio", thing):  # "And the percentage?": of it
        return f"{previous[:b]} {thing}{previous[b:]}"
    if _LOOKED_AHEAD.fullmatch(previous[a:b]):
        # "What about operating income?" after the guidance: the guidance for it
        return f"{previous[:b]} for {thing}{previous[b:]}"
    return f"{previous[:a]}{thing}{previous[b:]}"


# What a question asking for a whole report calls it ("Summarize Apple's Q2 2023 10-Q.")
_REPORT_WORDS = {"10-q", "10-k", "10q", "report", "quarterly", "filing", "results", "quarter"}


def _of_the_report(thing: str, previous: str) -> str | None:
    """`thing` asked of the report the previous question asked for whole, or None.

    >>> _of_the_report("cash flows", "Summarize Apple's Q2 2023 10-Q.")
    "Summarize Apple's cash flows in Q2 2023."
    >>> _of_the_report("cash flows", "Summarize Apple's Q2 2023 liquidity.") is None
    True
    """
    at = re.search(r"[\w&.-]+['’]s\b", previous)
    said = list(_PERIOD_SAID.finditer(previous))
    if at is None or not said:
        return None
    rest = _PERIOD_SAID.sub(" ", previous[at.end() :])
    if not all(w.lower() in _REPORT_WORDS for w in TOKEN.findall(rest)):
        return None
    end = previous.rstrip()[-1:] if previous.rstrip()[-1:] in "?." else "?"
    return f"{previous[: at.end()]} {thing} in {said[0].group()}{end}"


# What is said of a quarter to come, not a figure: its figure is asked of it ("guidance for
# operating income").
_LOOKED_AHEAD = re.compile(r"(?i)guidance|outlook|forecasts?|projections?|expectations")


_MEASURE_BEFORE = re.compile(
    r"(?:['’]s|\b(?i:much|many|(?:was|were|is|are)(?: the| its| their)?|"
    r"(?:spend|spent|pay|paid|invest|invested) (?:on|in|for)))"
    r"(?:\s+[\w&.-]*[A-Z][\w&.-]*)*\s+$"
)


# "it" or "its" standing for a company: as the subject of what a company does ("What did it
# report ...?", "How much did it spend ...?") or an owner ("its revenue"); not "Why did it
# change?", where "it" is the figure.
_PRONOUN = re.compile(
    r"\b(?:(?P<own>its|their)\b|(?P<subject>it|they)\b(?=\s+(?:report|earn|make|spend|pay|"
    r"have|had|has|post|generate|record|say|expect|guide|disclose)\w*\b))",
    re.I,
)


def another_owner(
    question: str, history: Sequence[str], known: frozenset[str] = frozenset()
) -> str:
    """A question that names its own period or figure but a company only as "it" or "its":
    asked of the company the previous question named (one of `known`, the names the documents
    are told apart by); else the question as it is. "What did it report for Q3 2023 net
    sales?" after Amazon's guidance stood alone and answered Apple's.

    >>> another_owner("What did it report for Q3 2023 net sales?",
    ...     ["What is Amazon's guidance for Q3 2023?"], frozenset({"amazon", "apple"}))
    'What did Amazon report for Q3 2023 net sales?'
    >>> another_owner("What was its revenue in Q2 2023?", ["What did Apple earn in Q1?"],
    ...     frozenset({"amazon", "apple"}))
    "What was Apple's revenue in Q2 2023?"
    >>> another_owner("What drove it?", ["What was Apple's margin?"], frozenset({"apple"}))
    'What drove it?'
    >>> another_owner("Why did it change in Q3 2023?", ["Apple's margin?"], frozenset({"apple"}))
    'Why did it change in Q3 2023?'
    """
    # (one naming no period of its own leans on the previous question whole: `rewrite`)
    if not known or not _PRONOUN.search(question) or not period_spans(question):
        return question
    words = [re.sub(r"['’]s$", "", w).lower() for w in TOKEN.findall(question)]
    if any(w in known for w in words):
        return question
    earlier = [h for h in history or () if h and h.strip()]
    if not earlier:
        return question
    previous = resolve(" ".join(earlier[-1].split()), earlier[:-1], known)
    owners = {
        re.sub(r"['’]s$", "", w)
        for w in TOKEN.findall(previous)
        if re.sub(r"['’]s$", "", w).lower() in known and w[:1].isupper()
    }
    if len(owners) != 1:
        return question
    owner = owners.pop()

    def name(m: re.Match) -> str:
        return f"{owner}'s" if m["own"] else owner

    return _PRONOUN.sub(name, question, count=1)


# "Who is the CFO?", then "What did she say about margins?": the one asked about
_WHO_IS = re.compile(r"(?i)^\s*who (?:is|was) (?P<who>(?:the |our |their )?[^?]{2,80}?)\s*\??\s*$")
_PERSON = re.compile(r"\b(?P<word>she|he|her|him|his)\b", re.I)


def another_person(question: str, history: Sequence[str]) -> str:
    """A question naming a person only as "she", "he", "her" or "his", after one asking who
    someone is: asked of that one ("the CFO"); else the question as it is.

    >>> another_person("What did she say about margins?", ["Who is the CFO?"])
    'What did the CFO say about margins?'
    >>> another_person("What did he say about his plans?", ["Who is the CEO of Glacier?"])
    "What did the CEO of Glacier say about the CEO of Glacier's plans?"
    >>> another_person("What did she say?", ["What was revenue?"])
    'What did she say?'
    """
    earlier = [h for h in history or () if h and h.strip()]
    m = _WHO_IS.match(earlier[-1]) if earlier else None
    if m is None or not _PERSON.search(question):
        return question
    who = m["who"]

    def name(p: re.Match) -> str:
        return f"{who}'s" if p["word"].lower() == "his" else who

    return _PERSON.sub(name, question)


# "How did it change?", "Did they decline?": the figure asked before, moved ...
_MOVE_OF_IT = re.compile(
    r"(?i)^(?:(?:and|so),?\s+)?(?P<how>how (?:did|has|have)|did|has|have) (?:it|they|that|this) "
    r"(?P<verb>chang\w*|increas\w*|decreas\w*|grow\w*|grew|declin\w*|rise|risen|rose|fall|"
    r"fallen|fell|drop\w*|improv\w*)(?P<rest>(?: compared| year| from| against| since)[^?]*)?"
    r"\s*\??$"
)
# ... or, moved since a day, a balance asked before with no period: "How much cash does Amazon
# have?"
_BALANCE_HELD = re.compile(
    r"(?i)^how much (?P<thing>[^?]+?) (?:does|do) (?P<owner>[A-Z][\w.&'’-]*(?: [A-Z][\w.&'’-]*)?) "
    r"(?:have|hold|owe|carry)(?: now| today| currently)?\s*\??$"
)
_SHARE_OF_IT = re.compile(r"(?i)^(?:and\s+)?(as an? (?:percentage|percent|share) of [^?]+?)\s*\??$")
# ... when the question before asked a figure of a period: "What was Amazon's net income in Q3
# 2023?"
_FIGURE_OF_A_PERIOD = re.compile(
    r"(?i)^(?P<ask>(?:what|how much) (?:was|were|is|are)) (?:the )?(?P<figure>[^?]+?)\s+"
    r"(?P<when>(?:in|for|during|over|(?:at|by) the end of|as of|on) (?:the )?(?:q[1-4]|fy|"
    r"(?:first|second|third|fourth) (?:fiscal )?quarter|(?:three|six|nine|twelve) months|"
    r"fiscal|(?:19|20)\d\d|" + _MONTH_QUARTER.removesuffix(r"[-\s]quarter") + r")[^?]*?)\s*\??$"
)


def another_move(question: str, history: Sequence[str]) -> str:
    """A follow-up asking how the figure asked before moved ("How did it change?", "Did they
    decline?"), asked of that figure and period; else the question as it is. It had read the
    figure's row again, or whatever else "change" named.

    >>> another_move("How did it change?", ["What was Amazon's net income in Q3 2023?"])
    "How did Amazon's net income change in Q3 2023?"
    >>> another_move("Did they decline?", ["What were Apple's Mac net sales in Q2 2023?"])
    "Did Apple's Mac net sales decline in Q2 2023?"
    >>> another_move("As a percentage of sales?", ["What were Apple's R&D expenses in Q3 2023?"])
    "What were Apple's R&D expenses as a percentage of sales in Q3 2023?"
    >>> another_move("How did it change?", ["Who is Amazon's CEO?"])
    'How did it change?'
    >>> another_move("How has it changed since December 31, 2022?", ["How much cash does Amazon have?"])
    "How has Amazon's cash changed since December 31, 2022?"
    """
    m, share = _MOVE_OF_IT.match(question.strip()), _SHARE_OF_IT.match(question.strip())
    earlier = [h for h in history or () if h and h.strip()]
    f = _FIGURE_OF_A_PERIOD.match(" ".join(earlier[-1].split())) if earlier else None
    held = _BALANCE_HELD.match(" ".join(earlier[-1].split())) if earlier and m else None
    if f is None and held and (m["rest"] or "").lstrip().startswith("since"):
        how = m["how"][0].upper() + m["how"][1:].lower()
        return f"{how} {held['owner']}'s {held['thing']} {m['verb']}{m['rest']}?"
    if f is None or not (m or share):
        return question
    if share:  # "As a percentage of sales?": the figure before, as that share
        return f"{f['ask']} {f['figure']} {share[1][0].lower()}{share[1][1:]} {f['when']}?"
    how = m["how"][0].upper() + m["how"][1:].lower()
    return f"{how} {f['figure']} {m['verb']} {f['when']}{m['rest'] or ''}?"


# "How does that compare with Q2 2022?", "Compared to the same quarter last year?": the figure
# asked before, set against another period
_AGAINST = re.compile(
    r"(?i)^(?:(?:and|so),?\s+)?(?:how (?:does|did|do) (?:that|it|this|they|these|those) "
    r"compare|(?:how about |what about )?(?:compared|versus|vs\.?))\s+(?:(?:with|to|against)\s+)?"
    r"(?P<other>[^?]+?)\s*[?.!]*$"
)
_YEAR_BEFORE = re.compile(
    r"(?i)^(?:(?:the )?(?:same |prior[- ]year |year[- ]ago )?(?:quarter|period)s?\s*)?"
    r"(?:(?:of |in )?(?:last|the prior|the previous) year|(?:a|one) year (?:ago|earlier|before))?$"
)


def another_comparison(
    question: str, history: Sequence[str], known: frozenset[str] = frozenset()
) -> str:
    """A follow-up setting the figure asked before against another period ("How does that
    compare with Q2 2022?"), asked of that figure: it had stood alone on its period (a number
    of its own) and set other companies' sentences side by side. Else the question as it is.

    >>> before = ["What was Amazon's net income in Q2 2023?"]
    >>> another_comparison("How does that compare with Q2 2022?", before)
    "How does Amazon's net income in Q2 2023 compare with Q2 2022?"
    >>> another_comparison("How does it compare to the same quarter last year?", before)
    "How does Amazon's net income in Q2 2023 compare with a year before?"
    >>> another_comparison("How does it compare with Apple?", before)
    'How does it compare with Apple?'
    """
    m = _AGAINST.match(question.strip())
    earlier = [h for h in history or () if h and h.strip()]
    if m is None or not earlier:
        return question
    previous = resolve(" ".join(earlier[-1].split()), earlier[:-1], known)
    f = _FIGURE_OF_A_PERIOD.match(previous)
    other = m["other"].strip()
    if f is None or not other:
        return question
    if _YEAR_BEFORE.match(other) and not period_spans(other):
        other = "a year before"
    elif not (period_spans(other) or DATE.search(other)):
        return question  # another company, another figure: `another_owner`, the pipeline's
    return f"How does {f['figure']} {f['when']} compare with {other}?"


# "Break them down.", "Can you break it down by segment?", "And by region?": the figure asked
# before, in its parts or by a division
_BREAK_IT = re.compile(
    r"(?i)^(?:(?:and|so|ok|okay|now),?\s+)?(?:(?:please|can you|could you|would you)\s+)?"
    r"break (?:it|them|that|this|those|these|the (?:figure|number|total)) down"
    r"(?P<by>\s+by\s+[^?.!]+?)?(?:,?\s+please)?\s*[?.!]*$"
)
_BY_ONLY = re.compile(
    r"(?i)^(?:(?:and|what about|how about)\s+)?(?P<by>by\s+(?:segment|region|geograph\w*|"
    r"category|categories|product|business|division|line of business|service)s?)\s*[?.!]*$"
)


def another_breakdown(
    question: str, history: Sequence[str], known: frozenset[str] = frozenset()
) -> str:
    """A follow-up asking the figure asked before in its parts ("Break them down.") or by a
    division ("And by region?"), asked of that figure and period; else the question as it is.
    The first had been refused (no passage says "break down"), the second read as a figure
    of its own ("What was Apple's by region in Q3 2023?").

    >>> before = ["What were Apple's total operating expenses in Q3 2023?"]
    >>> another_breakdown("Break them down.", before)
    "Break down Apple's total operating expenses in Q3 2023."
    >>> another_breakdown("And by region?", ["What were Apple's net sales in Q3 2023?"])
    "Break down Apple's net sales by region in Q3 2023."
    >>> another_breakdown("Break that down.", ["What were Amazon's current liabilities as of June 30, 2023?"])
    "Break down Amazon's current liabilities as of June 30, 2023."
    >>> another_breakdown("Break it down.", ["Who is Apple's CEO?"])
    'Break it down.'
    """
    q = " ".join(question.split())
    m = _BREAK_IT.match(q) or _BY_ONLY.match(q)
    earlier = [h for h in history or () if h and h.strip()]
    if m is None or not earlier:
        return question
    f = _FIGURE_OF_A_PERIOD.match(resolve(" ".join(earlier[-1].split()), earlier[:-1], known))
    if f is None:
        return question
    by = f" {m['by'].strip()[0].lower()}{m['by'].strip()[1:]}" if m["by"] else ""  # "By segment?"
    return f"Break down {f['figure']}{by} {f['when']}."


# A report asked about by its company and period ("Summarize Apple's Q3 2023 10-Q.", "... in
# Apple's Q3 2023 10-Q?")
_REPORT_ASKED = re.compile(
    r"(?i)(?P<report>(?P<owner>[\w&.-]+)['’]s (?P<period>Q[1-4] (?:19|20)\d\d|(?:first|second|"
    r"third|fourth) quarter (?:of )?(?:19|20)\d\d|(?:fiscal )?(?:19|20)\d\d)(?: (?:quarterly|"
    r"annual))? (?:10-?[QK]|report|filing|results))(?!\w)"
)
_POINTS = re.compile(r"(?i)\b(?:it|its|they|their|them|that|this|those|these)\b")
_ASKS_ANY = re.compile(
    r"(?i)^(?:what|which|who|how|did|does|do|is|are|was|were|list|summari[sz]e|describe|explain)\b"
)


def within_the_report(
    question: str, history: Sequence[str], known: frozenset[str] = frozenset()
) -> str:
    """A question naming no company, period or earlier answer, after one about a report
    ("Summarize Apple's Q3 2023 10-Q."), asked of that report; else the question as it is.
    "What were the main risks?" had been asked of every filing, and answered from another
    company's boilerplate. `known` (the names documents are known by) must be given.

    >>> before, known = ["Summarize Apple's Q3 2023 10-Q."], frozenset({"apple", "amazon"})
    >>> within_the_report("What were the main risks?", before, known)
    "What were the main risks in Apple's Q3 2023 10-Q?"
    >>> within_the_report("What were Amazon's main risks?", before, known)
    "What were Amazon's main risks?"
    >>> within_the_report("How did that compare to last year?", before, known)
    'How did that compare to last year?'
    >>> within_the_report("How much did it spend on R&D?", before, known)
    'How much did Apple spend on R&D in Q3 2023?'
    """
    earlier = [h for h in history or () if h and h.strip()]
    if not earlier or not known or not _ASKS_ANY.match(question.strip()):
        return question
    previous = resolve(" ".join(earlier[-1].split()), earlier[:-1], known)
    m = _REPORT_ASKED.search(previous)
    named = any(re.sub(r"['’]s$", "", w).lower() in known for w in TOKEN.findall(question))
    if m is None or named or _PERIOD_SAID.search(question):
        return question
    end = "?" if question.rstrip().endswith("?") else "."
    if _PRONOUN.search(question):  # "How much did it spend on R&D?": the report's company
        owned = _PRONOUN.sub(lambda p: f"{m['owner']}'s" if p["own"] else m["owner"], question, 1)
        if not _POINTS.search(owned):
            return f"{owned.strip().rstrip('?.! ')} in {m['period']}{end}"
    if _POINTS.search(question):
        return question
    return f"{question.strip().rstrip('?.! ')} in {m['report']}{end}"


def resolve(question: str, history: Sequence[str], known: frozenset[str] = frozenset()) -> str:
    """The question as it stands alone when it only names another period or another thing
    than the previous question (`another_period`, `another_thing`), or names its company only
    as "it" (`another_owner`); else as it is. `known`: the names the documents are known by,
    lower-cased (`context.DocumentKeys.names`)."""
    period = another_period(question, history, known)
    if period != question:
        return period
    person = another_person(question, history)
    if person != question:
        return person
    moved = another_move(question, history)
    if moved != question:
        return moved
    against = another_comparison(question, history, known)
    if against != question:
        return against
    broken = another_breakdown(question, history, known)
    if broken != question:
        return broken
    thing = another_thing(question, history, known)
    if thing != question:
        return thing
    owner = another_owner(question, history, known)
    return owner if owner != question else within_the_report(question, history, known)
