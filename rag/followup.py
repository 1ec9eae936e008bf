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
from .standalone import TOKEN, resolve
from .text import (
    ASKING,
    PERIOD_TOKEN,
    STOPWORDS,
    content_tokens,
    names,
    numbers,
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
    # "What drove the increase?": how the figure asked before moved, no figure of its own
    + """increase increases increased decrease decreases decreased rise rose growth grew
    decline declined drop dropped fall fell jump improvement""".split()
}


def names_nothing(question: str) -> bool:
    """Whether each content word of `question` only asks why or what of something named
    earlier (`ASKING`, `_OF_SOMETHING`): "What drove the change?" is about the figure asked
    before, though it holds no pointing word.

    >>> names_nothing("What drove the change?"), names_nothing("What were the main factors?")
    (True, True)
    >>> names_nothing("What drove the change in gross margin?"), names_nothing("Why?")
    (False, False)
    >>> names_nothing("What caused the increase?"), names_nothing("Why did sales rise?")
    (True, False)
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
    words = [TOKEN.findall(q) for q in (first, second)]
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
