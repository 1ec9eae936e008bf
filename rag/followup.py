"""Follow-up rewriting: which retrieval query a turn of a conversation sends.

A follow-up often names neither a pronoun nor its topic ("How many Russian enterprises took
part?" after "Where was the 6th Sino-Russian EXPO held?"): alone it retrieves the wrong passages
or too weak ones to answer. A new question ("When did Xi Jinping visit Russia?") must stay as
it is, or the previous topic pulls retrieval away from it. Two retrievals decide, each a few
milliseconds:

* the question alone, and
* the previous question alone (standing for the previous turn's documents).

The question is joined with the previous one when it opens like a follow-up ("And ...",
"What about ..."), or, when it names no name or number of its own, when it leans on a word
pointing outside it ("it", "there") or matches nothing well (best cosine below
`MIN_STANDALONE_COSINE`: too little to stand alone). Otherwise it is a topic switch or a
standalone question and is sent unchanged (false merges measured on
eval/followups-standalone.jsonl).

The joined query puts the question first, then the previous question: the reader reads the
query, and with the previous question first it tends to answer that one again (validation pairs
of eval/followups.jsonl: 20/23 answers with question-first, 14/23 with previous-first, 17/23 with
the previous question's keywords only, 13/23 retrieving with the joined query but reading the
question alone).

Measured by research/followup_eval.py on eval/followups.jsonl (rule and threshold chosen on its
validation split only; results in eval/results/followups.json). Of the earlier rule (a pronoun,
a leading "and"/"what about", or at most four words) only the leading words are kept. On the
validation split none of it changed anything once the two retrieval tests were in place; the
leading words were kept afterwards because "And how many Russian ones?" (tests/test_pipeline.py)
and "And from Russia?" (a test pair) match another document well on their own. Pronouns are
not used (they often point inside the question: "When did Xi Jinping make his visit?"), nor is
the word count (a short vague question is weak alone anyway).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from .retrieve import Passage
from .settings import Settings
from .text import (
    ASKING,
    DATE,
    PERIOD_TOKEN,
    STOPWORDS,
    content_tokens,
    names,
    numbers,
    period_spans,
    stem,
)

# Settings.follow_up_min_cosine, where it is chosen and explained.
MIN_STANDALONE_COSINE = Settings.follow_up_min_cosine

# Opening words that only a follow-up starts with.
FOLLOW_UP_OPENING = re.compile(r"^(?:and|but|also|so|then|what about|how about)\b", re.I)

Retrieve = Callable[[str], Sequence[Passage]]


def previous_question(history: Sequence[str]) -> str:
    """The last non-blank earlier question ("" if none).

    >>> previous_question(["Where was the EXPO?", "  "])
    'Where was the EXPO?'
    """
    for h in reversed(history or ()):
        if h and h.strip():
            return " ".join(h.split())
    return ""


# Words that point outside the question: it cannot stand alone when it leans on one of them
# and names nothing of its own ("What is his position?", "How many projects does it specify?").
POINTING = re.compile(
    r"\b(?:it|its|they|them|their|he|she|his|her|him|there|that|those|these|ones|else)\b", re.I
)


def own_subject(question: str) -> bool:
    """Does the question name what it is about: a name (a capitalised word after the first)
    or a number? Such a question is never joined with the previous one.

    >>> own_subject("By how much did Chinese exports grow?"), own_subject("What was the main theme?")
    (True, False)
    >>> own_subject("What happened in 2018?"), own_subject("Who translated it?")
    (True, False)
    """
    return bool(names(question) or numbers(question))


# Words that ask why or what of something, naming nothing: "What drove the change?", "What
# were the main factors?" (`ASKING` besides: "change", "impact", "key", "major").
_OF_SOMETHING = {
    stem(w)
    for w in """drive drives drove driven driving driver drivers cause causes caused reason
    reasons factor factors behind why happen happened result results resulted lead led
    contribute contributed contributing main primary primarily biggest largest""".split()
}


def names_nothing(question: str) -> bool:
    """Whether each content word of `question` only asks why or what of something named
    earlier (`ASKING`, `_OF_SOMETHING`): "What drove the change?" is about the figure asked
    before, though it holds no pointing word.

    >>> names_nothing("What drove the change?"), names_nothing("What were the main factors?")
    (True, True)
    >>> names_nothing("What drove the change in gross margin?"), names_nothing("Why?")
    (False, False)
    """
    words = content_tokens(question)
    return bool(words) and all(stem(w) in ASKING | _OF_SOMETHING for w in words)


def decide(
    question: str,
    history: Sequence[str],
    retrieve: Retrieve,
    min_cosine: float = MIN_STANDALONE_COSINE,
    rare=None,
    known: frozenset[str] = frozenset(),
) -> tuple[str, str]:
    """(query, why): the retrieval query for this turn and the reason, one of
    "no_history", "same_question", "opening", "own_subject", "pointing", "names_nothing",
    "nothing_retrieved",
    "anchored", "weak_alone", "stands_alone". `rare(word)`: whether a word is in very few
    passages of the collection (None: never)."""
    previous = previous_question(history)
    if not previous:
        return question, "no_history"
    # the previous turn as it stood alone ("And in Q2 2023?" was Q2 2023's net income)
    earlier = [h for h in history if h and h.strip()]
    previous = resolve(previous, earlier[:-1], known)
    if previous.strip().lower() == question.strip().lower():
        return question, "same_question"
    joined = f"{question} {previous}"
    if FOLLOW_UP_OPENING.match(question.strip()):
        return joined, "opening"
    if own_subject(question):
        return question, "own_subject"
    if POINTING.search(question):
        return joined, "pointing"
    if names_nothing(question):
        return joined, "names_nothing"
    alone = retrieve(question)
    if not alone:
        return question, "nothing_retrieved"
    if max(p.score for p in alone) < min_cosine:
        # a word of its own that few passages hold, held by the passage it finds in another
        # document than the previous question's ("What is the maximum operating temperature?"
        # over a manual, after a question on a call): its subject, though the whole passage
        # is not much like the question
        held = _anchors(question, alone[0].chunk.text) if rare is not None else []
        if len(held) >= 2 and any(rare(w) for w in held):
            before = retrieve(previous)
            if before and before[0].chunk.doc != alone[0].chunk.doc:
                return question, "anchored"
        return joined, "weak_alone"
    return question, "stands_alone"


# A follow-up naming only another period: "And in Q2 2023?", "What about the third quarter of
# 2023?", "How about Q3 FY2024?".
# A day too: "And as of September 24, 2022?" (`DATE`, its flags set here).
_DAY = DATE.pattern.removeprefix("(?i)")
_ONLY_PERIOD = re.compile(
    r"(?i)^(?:and|but|also|what about|how about)\s+(?:(?:in|for|during|over|of|on|at|as of)\s+)?"
    rf"(?:the\s+)?(?P<period>{_DAY}|"
    r"(?:q[1-4]|(?:first|second|third|fourth) quarter(?: of)?)\s*(?:fiscal |fy\s?)?"
    r"(?:19|20)\d\d|(?:fiscal |fy\s?)?(?:19|20)\d\d)\s*[?.!]*$"
)
_PERIOD_SAID = re.compile(
    r"(?i)\b(?:q[1-4]|(?:first|second|third|fourth) quarter(?: of)?)\s*(?:fiscal |fy\s?)?"
    r"(?:19|20)\d\d\b|\b(?:fiscal |fy\s?)?(?:19|20)\d\d\b"
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
    # the first period said is the one asked about; a second ("compared with Q3 2022") stays
    return f"{previous[: first.start()]}{m['period']}{previous[first.end() :]}"


# A follow-up naming only another thing: "And Mac?", "What about its operating income?", "And
# its debt?". A few words, none asking, pointing or naming a period.
_ONLY_THING = re.compile(
    r"(?i)^(?:and|what about|how about)\s+(?:(?:its|their|the|his|her)\s+)?"
    r"(?P<thing>[^\W\d][\w’'&.-]*(?:\s+[\w’'&.-]+){0,3}?)\s*[?.!]*$"
)
PERIOD_WORD = PERIOD_TOKEN
_TOKEN = re.compile(r"[\w’'&.-]*\w")
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
    for i, m in enumerate(_TOKEN.finditer(question)):
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
    if any(w.lower() in _ASKS for w in _TOKEN.findall(thing)) or _PERIOD_SAID.search(thing):
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
    if named and _TOKEN.findall(bare) and all(w.lower() in known for w in _TOKEN.findall(bare)):
        # a name the documents are known by ("And Amazon?" after Apple's net income) takes the
        # place of the one the previous question named them by, its possessive kept
        for m in _TOKEN.finditer(previous):
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
        return question
    a, b = measures[0]
    if re.fullmatch(r"(?i)percentage|percent|rate|ratio", thing):  # "And the percentage?": of it
        return f"{previous[:b]} {thing}{previous[b:]}"
    if _LOOKED_AHEAD.fullmatch(previous[a:b]):
        # "What about operating income?" after the guidance: the guidance for it
        return f"{previous[:b]} for {thing}{previous[b:]}"
    return f"{previous[:a]}{thing}{previous[b:]}"


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
    words = [re.sub(r"['’]s$", "", w).lower() for w in _TOKEN.findall(question)]
    if any(w in known for w in words):
        return question
    earlier = [h for h in history or () if h and h.strip()]
    if not earlier:
        return question
    previous = resolve(" ".join(earlier[-1].split()), earlier[:-1], known)
    owners = {
        re.sub(r"['’]s$", "", w)
        for w in _TOKEN.findall(previous)
        if re.sub(r"['’]s$", "", w).lower() in known and w[:1].isupper()
    }
    if len(owners) != 1:
        return question
    owner = owners.pop()

    def name(m: re.Match) -> str:
        return f"{owner}'s" if m["own"] else owner

    return _PRONOUN.sub(name, question, count=1)


# "How did it change?", "Did they decline?": the figure asked before, moved ...
_MOVE_OF_IT = re.compile(
    r"(?i)^(?:(?:and|so),?\s+)?(?P<how>how (?:did|has|have)|did|has|have) (?:it|they|that|this) "
    r"(?P<verb>chang\w*|increas\w*|decreas\w*|grow\w*|grew|declin\w*|rise|risen|rose|fall|"
    r"fallen|fell|drop\w*|improv\w*)(?P<rest>(?: compared| year| from| against)[^?]*)?\s*\??$"
)
_SHARE_OF_IT = re.compile(r"(?i)^(?:and\s+)?(as an? (?:percentage|percent|share) of [^?]+?)\s*\??$")
# ... when the question before asked a figure of a period: "What was Amazon's net income in Q3
# 2023?"
_FIGURE_OF_A_PERIOD = re.compile(
    r"(?i)^(?P<ask>(?:what|how much) (?:was|were|is|are)) (?:the )?(?P<figure>[^?]+?)\s+"
    r"(?P<when>(?:in|for|during|over) (?:the )?(?:q[1-4]|fy|(?:first|second|third|fourth) "
    r"(?:fiscal )?quarter|(?:three|six|nine|twelve) months|fiscal|(?:19|20)\d\d)[^?]*?)\s*\??$"
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
    """
    m, share = _MOVE_OF_IT.match(question.strip()), _SHARE_OF_IT.match(question.strip())
    earlier = [h for h in history or () if h and h.strip()]
    f = _FIGURE_OF_A_PERIOD.match(" ".join(earlier[-1].split())) if earlier else None
    if f is None or not (m or share):
        return question
    if share:  # "As a percentage of sales?": the figure before, as that share
        return f"{f['ask']} {f['figure']} {share[1][0].lower()}{share[1][1:]} {f['when']}?"
    how = m["how"][0].upper() + m["how"][1:].lower()
    return f"{how} {f['figure']} {m['verb']} {f['when']}{m['rest'] or ''}?"


def resolve(question: str, history: Sequence[str], known: frozenset[str] = frozenset()) -> str:
    """The question as it stands alone when it only names another period or another thing
    than the previous question (`another_period`, `another_thing`), or names its company only
    as "it" (`another_owner`); else as it is. `known`: the names the documents are known by,
    lower-cased (`context.DocumentKeys.names`)."""
    period = another_period(question, history, known)
    if period != question:
        return period
    moved = another_move(question, history)
    if moved != question:
        return moved
    thing = another_thing(question, history, known)
    return thing if thing != question else another_owner(question, history, known)


# A follow-up comparing the two answers before it, naming nothing of its own: "Which was
# bigger?", "Which one is higher?", "What's the difference?", "Compare them."
_OF_EARLIER = re.compile(
    r"^(?:(?:so|and|ok(?:ay)?|then),?\s+)?(?:"
    r"(?:which|what)(?:\s+one|\s+of\s+(?:them|the\s+two|those|these|the\s+two\s+figures))?"
    r"(?:\s+(?:was|is|were|are|had|has))?(?:\s+the)?\s+"
    r"(?:bigger|larger|higher|greater|smaller|lower|more|less)"
    r"(?:\s+(?:one|figure|number|amount))?"
    r"(?:\s+of\s+(?:them|the\s+two|those|these)(?:\s+two)?)?|"
    r"what(?:['’]s|\s+is|\s+was)\s+the\s+difference"
    r"(?:\s+between\s+(?:them|the\s+two|those|these)(?:\s+two)?(?:\s+figures)?)?|"
    r"how\s+much\s+(?:bigger|larger|higher|greater|smaller|lower|more|less)"
    r"(?:\s+(?:was|is)\s+(?:it|the\s+(?:first|second|latter|former)))?|"
    r"(?:compare|contrast)\s+(?:them|the\s+two|those|these)(?:\s+two)?|"
    r"how\s+do\s+(?:they|the\s+two|those|these)\s+compare"
    r")\s*[?.!]*\s*$",
    re.I,
)


def earlier_pair(
    question: str, history: Sequence[str], known: frozenset[str] = frozenset()
) -> tuple[str, str] | None:
    """The two questions before a follow-up that compares their answers and names nothing of
    its own (`_OF_EARLIER`: "Which was bigger?"), each as it stands alone (`resolve`); None for
    any other question, or when there are not two different ones before it.

    >>> earlier_pair("Which was bigger?", ["What was Apple's iPhone revenue in Q1 2023?",
    ...     "And Mac?"], frozenset({"apple"}))
    ("What was Apple's iPhone revenue in Q1 2023?", "What was Apple's Mac revenue in Q1 2023?")
    >>> earlier_pair("Which segment was bigger?", ["A?", "B?"]) is None
    True
    """
    if not _OF_EARLIER.match(question.strip()):
        return None
    asked = [h for h in history if h and h.strip()]
    if len(asked) < 2:
        return None
    resolved: list[str] = []
    for i, h in enumerate(asked):
        resolved.append(resolve(h, resolved[:i], known))
    first, second = resolved[-2:]
    if first.strip().lower() == second.strip().lower():
        return None
    return first, second


def telling_apart(first: str, second: str) -> tuple[str, str]:
    """What tells two questions apart, each in its own words: the words one has and the other
    lacks ("iPhone" and "Mac"); a whole question when it has none of its own.

    >>> telling_apart("What was Apple's iPhone revenue in Q1 2023?",
    ...     "What was Apple's Mac revenue in Q1 2023?")
    ('iPhone', 'Mac')
    >>> telling_apart("Amazon's net sales in Q1 2023?", "Amazon's net sales in Q2 2023?")
    ('Q1 2023', 'Q2 2023')
    >>> telling_apart("Apple's net income?", "Amazon's net income?")
    ('Apple', 'Amazon')
    """
    words = [_TOKEN.findall(q) for q in (first, second)]
    low = [{w.lower() for w in ws} for ws in words]
    out = []
    for i, ws in enumerate(words):
        # a quarter's year stays with it ("Q1 2023" against "Q2 2023")
        own = [
            w
            for j, w in enumerate(ws)
            if w.lower() not in low[1 - i]
            or (
                re.fullmatch(r"(?:19|20)\d\d", w)
                and j > 0
                and PERIOD_TOKEN.fullmatch(ws[j - 1])
                and ws[j - 1].lower() not in low[1 - i]
            )
        ]
        text = " ".join(re.sub(r"['’]s$", "", w) for w in own if w.lower() not in STOPWORDS)
        out.append(text or (first, second)[i].rstrip("?"))
    return out[0], out[1]


# A word at most this many passages hold is rare: a question holding one names its subject.
RARE_HITS = 2


def rare_in(snap):
    """`rare(word)` over a snapshot's passages (BM25's index), for `decide`; None without one."""
    if snap is None:
        return None
    return lambda word: len(snap.lexical(word, RARE_HITS + 1)) <= RARE_HITS


def _anchors(question: str, passage: str) -> list[str]:
    """The question's content words (four letters or more) that the passage holds."""
    held = {stem(w) for w in content_tokens(passage)}
    return [
        w
        for w in content_tokens(question)
        if len(w) >= 4 and stem(w) in held and stem(w) not in ASKING
    ]


def rewrite(
    question: str,
    history: Sequence[str],
    retrieve: Retrieve,
    min_cosine: float = MIN_STANDALONE_COSINE,
    rare=None,
    known: frozenset[str] = frozenset(),
) -> str:
    """The retrieval (and reading) query for `question` given earlier questions `history`
    (oldest first): the question alone, or the question followed by the previous question
    when it continues the previous topic. `retrieve(query)` returns ranked passages (each
    with `.score`, the cosine, and `.chunk.doc`), e.g. `rag.retriever.run`.
    """
    return decide(question, history, retrieve, min_cosine, rare, known)[0]
