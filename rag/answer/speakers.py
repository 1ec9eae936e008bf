"""Who spoke on a call: "Who were the executives on the call?", "Which analysts asked
questions?", "Who spoke on the Q1 FY2023 call?". A transcript prints each speaker on a line of
their own ("Jane Doe -- Chief Executive Officer", "Alex Lee -- Big Bank -- Analyst") and the
operator names each analyst ("Our first question comes from Alex Lee with Big Bank."). The
reader had answered one name (the first label it read) or refused; the answer lists each speaker
once, cited where first introduced, in the order they spoke."""

from __future__ import annotations

import re

from rag.answer.base import Outcome
from rag.context import AHEAD
from rag.text import PERIOD_PATTERNS, content_tokens, stem

# The question asks who took part in a call, a meeting or a presentation (never "Who is the
# CFO?", which `roles` answers, nor a document's people at large).
_ASKS = re.compile(
    r"(?i)^\s*(?:who|which\s+(?:\w+\s+)?(?:analysts?|executives?|speakers?|people|participants|"
    r"officers|firms|banks|members))\b[^?]*?\b(?:call|conference|webcast|presentation|spoke|speak|"
    r"participat\w*|presented|asked\s+(?:the\s+)?questions?|joined)\b"
)
_ANALYSTS = re.compile(r"(?i)\b(?:analysts?|asked|questions?|firms|banks)\b")
_EXECUTIVES = re.compile(r"(?i)\b(?:executives?|management|officers?|company|presented)\b")

# "Jane Doe -- Chief Executive Officer", "Alex Lee - Big Bank - Analyst", "Frank Slootman,
# Chairman and CEO": a line holding only a person's name and who they are.
LABEL = re.compile(
    r"(?m)^[ \t]*(?P<name>[A-Z][\w.'’-]+(?:[ \t]+[A-Z][\w.'’-]*){1,3})[ \t]*(?:--|—|–|-|,|:)"
    r"[ \t]*(?P<title>[^\n]{2,90}?)[ \t]*$"
)
_OPERATOR = re.compile(r"(?m)^[ \t]*Operator[ \t]*(?::|$)")
# "Our first question comes from Alex Lee with Big Bank."
_INTRODUCED = re.compile(
    r"(?i:questions?\s+(?:comes?|is|will\s+come)\s+from\s+(?:the\s+line\s+of\s+)?)"
    r"(?P<name>[A-Z][\w.'’-]+(?:[ \t]+[A-Z][\w.'’-]*){1,3}?)\s+(?i:with|from|of|at)\s+"
    r"(?P<title>[A-Z][^.\n]{1,60})"
)
_ROLE = re.compile(
    r"(?i)\b(?:officer|chief|ceo|cfo|coo|cto|president|vice|director|chair(?:man|woman)?|head|"
    r"founder|treasurer|controller|relations|manager|managing|partner|secretary|counsel|"
    r"executive|analyst|vp|svp|evp)\b"
)
_EXECUTIVE_ROLE = re.compile(_ROLE.pattern.replace("|analyst", ""))
_NOT_NAMES = {"operator", "question", "answer", "thank", "thanks", "the", "our", "we"}


def asks_speakers(question: str) -> str | None:
    """ "analysts", "executives" or "all" when the question asks who took part in a call.

    >>> asks_speakers("Which analysts asked questions on the Q1 FY2023 call?")
    'analysts'
    >>> asks_speakers("Who were the executives on the call?"), asks_speakers("Who spoke on the call?")
    ('executives', 'all')
    >>> asks_speakers("Who is the CFO?") is None, asks_speakers("Who called the meeting?") is None
    (True, True)
    """
    m = _ASKS.search(question)
    if m is None:
        return None
    said = m.group()
    if _ANALYSTS.search(said):
        return "analysts"
    return "executives" if _EXECUTIVES.search(said) else "all"


def _speakers(text: str) -> list[tuple[str, str, int, int, bool]]:
    """Each speaker introduced in `text`: (name, who they are, start, end, analyst). A label
    without a role ("Keith Moss, Boreal Securities") is an analyst's when a question follows."""
    found = []
    labels = [
        m
        for m in LABEL.finditer(text)
        if not _NOT_NAMES & set(m["name"].lower().split()) and not _ROLE.search(m["name"])
    ]
    for i, m in enumerate(labels):
        name, title = m["name"], m["title"]
        turn = text[m.end() : labels[i + 1].start() if i + 1 < len(labels) else len(text)]
        asks = "?" in turn[:600]
        firm = all(w[0].isupper() or w in ("&", "and", "of") for w in title.split())
        if not (_ROLE.search(title) or (firm and asks and len(title.split()) <= 6)):
            continue
        if title.endswith(".") and len(title.split()) > 8:
            continue  # a sentence, not who they are
        analyst = "analyst" in title.lower() or (asks and not _EXECUTIVE_ROLE.search(title))
        found.append((name, title, m.start("name"), m.end("title"), analyst))
    for m in _INTRODUCED.finditer(text):
        found.append((m["name"], m["title"], m.start("name"), m.end("title"), True))
    return sorted(found, key=lambda x: x[2])


def speakers(question: str, docs, chunks_of, passage_of, most: int = 15) -> Outcome | None:
    """The speakers of `docs` the question asks for, each cited where first introduced, as a
    list; None when the question does not ask who took part or no speaker is printed."""
    asked = asks_speakers(question)
    if asked is None:
        return None
    supports, seen = [], set()
    for doc in docs:
        for c in chunks_of(doc):
            for name, _, a, b, analyst in _speakers(c.text):
                if name in seen or (asked == "analysts") != analyst and asked != "all":
                    continue
                seen.add(name)
                supports.append((c.text[a:b], passage_of(c), a, b, 1.0))
    if not supports:
        return None
    return Outcome(supports[:most], form="list")


# "What did the CFO say?", "What did Jane Doe talk about on the call?", "What did Sara Lind ask
# about?", "What did the CEO say about competition?" (a topic: the sentences of it).
_SAID = re.compile(
    r"(?i)^\s*what\s+did\s+(?:the\s+)?(?P<who>[\w.'’ -]+?)\s+(?:say|said|discuss|talk|"
    r"cover|mention|highlight|(?P<ask>ask|asked))(?:\s+about(?:\s+(?P<topic>[^?]+?))?)?"
    r"(?:\s+(?:on|in|during)\s+(?:the\s+)?[^?]*?\b(?:call|conference|webcast|meeting)"
    # "... in Q1 FY2023?": the call of that quarter
    r"|\s+(?:in|during|for)\s+(?:the\s+)?(?:q[1-4]|fy|fiscal|(?:first|second|third|fourth)\s+"
    r"(?:fiscal\s+)?quarter)\b[^?]*?)?\s*\??\s*$"
)


def _topic(told: str) -> set[str]:
    """A topic's words, stemmed: the period names the call, not the topic ("the question about
    margins in Q3 2022", "What did Sara Lind ask about in Q3 2024?")."""
    for pattern, _ in PERIOD_PATTERNS:
        told = pattern.sub(" ", told)
    return {stem(w) for w in content_tokens(told) if not w[:1].isdigit()}


def _question_on(topic: set[str], docs, chunks_of) -> tuple[str, int, int, int] | None:
    """The question a call's analyst asked on `topic`: the first sentence ending in "?" that
    shares most of the topic's words (at least half), as (document, passage index, start,
    end), or None."""
    best, found = 0, None
    for doc in docs:
        for i, c in enumerate(chunks_of(doc)):
            for a, b in c.sentence_spans():
                said = c.text[a:b]
                shared = len(topic & {stem(w) for w in content_tokens(said)})
                if said.endswith("?") and shared * 2 >= len(topic) and shared > best:
                    best, found = shared, (doc, i, a, b)
    return found


def _is(who: str, label: re.Match) -> bool:
    return who in label["name"].lower() or who in label["title"].lower()


def said_by(question: str, docs, chunks_of, passage_of, most: int = 5) -> Outcome | None:
    """What one speaker said (or asked), of the topic named if one is: the sentences of their
    turns, in order, each cited, the `most` saying most of it (the thanks and the welcome left
    out); None when the question names no speaker or the documents print no turn of theirs
    (on that topic)."""
    from rag.answer.overview import most_said, saying

    m = _SAID.match(question)
    if m is None:
        return None
    # "the CEO of Glacier Data", "Glacier's CEO": the company is the documents', not the label's
    who = re.sub(r"^\S+['’]s\s+|\s+of\s+[A-Z][^?]*$", "", m["who"].strip()).lower()
    topic = _topic(m["topic"] or "")
    ahead = bool(AHEAD.search(m["topic"] or ""))
    supports, seen = [], set()
    for doc in docs:
        # the speaker of each sentence: the last label before it in the document, across
        # passages (a turn runs on over several, and passages overlap)
        chunks = chunks_of(doc)
        labels = sorted(
            {(c.start + lab.end(), _is(who, lab)) for c in chunks for lab in LABEL.finditer(c.text)}
            # the operator's turns end the speaker's ("You may now disconnect.")
            | {(c.start + op.end(), False) for c in chunks for op in _OPERATOR.finditer(c.text)}
        )
        for c in chunks:
            for a, b in c.sentence_spans():
                before = [x for x in labels if x[0] <= c.start + a]
                said = c.text[a:b]
                # an analyst's turn: what they asked, with what leads into it
                asks = m["ask"] and said.endswith("?") and len(said.split()) >= 4
                of_it = (
                    not topic
                    or topic & {stem(w) for w in content_tokens(said)}
                    # guidance is said as what is expected ("For the fourth quarter, we expect")
                    or (ahead and AHEAD.search(said))
                )
                on = bool(before) and before[-1][1]
                if on and (asks or saying(said)) and of_it and c.start + a not in seen:
                    seen.add(c.start + a)
                    supports.append((said, passage_of(c), a, b, 1.0))
        if supports:
            break  # the first document that has them: one call
    if len(supports) > most:
        supports = most_said(supports, lambda x: x[0], most)
    return Outcome(supports, form="summary") if supports else None


# "How did management respond to the question about consumption?", "What did the CEO say when
# asked about margins?": the turn after the analyst's question on that topic.
_ANSWER_TO = re.compile(
    r"(?i)\b(?:respond(?:ed)?|answer(?:ed)?|repl(?:y|ied)|say|said)\b[^?]*?\bquestions?\s+"
    r"(?:about|on|regarding|concerning|around)\s+(?P<topic>[^?]+?)\s*\??\s*$|"
    r"\bwhen\s+asked\s+(?:about|on|regarding)\s+(?P<asked>[^?]+?)\s*\??\s*$"
)


def answer_to(question: str, docs, chunks_of, passage_of, most: int = 3) -> Outcome | None:
    """The reply to the question a call's analyst asked on the topic named: the first `most`
    sentences saying something of the turn after the question sharing most of the topic's
    words (at least half), each cited; None when not asked so or no such question is found."""
    from rag.answer.overview import saying

    m = _ANSWER_TO.search(question)
    if m is None:
        return None
    topic = _topic(m["topic"] or m["asked"])
    if not topic:
        return None
    found = _question_on(topic, docs, chunks_of)
    if found is None:
        return None
    doc, i, _, after = found
    chunks = chunks_of(doc)
    supports = []
    for c in chunks[i : i + 2]:
        start = after if c is chunks[i] else 0
        label = LABEL.search(c.text, start)
        if label is None:
            continue
        stop = LABEL.search(c.text, label.end())
        for a, b in c.sentence_spans():
            if label.end() <= a < (stop.start() if stop else len(c.text)) and saying(c.text[a:b]):
                supports.append((c.text[a:b], passage_of(c), a, b, 1.0))
        break
    return Outcome(supports[:most], form="summary") if supports else None


# "Who asked about margins?", "Which analyst asked the question on consumption?"
_ASKED_BY = re.compile(
    r"(?i)^\s*(?:who|which\s+(?:analyst|person|firm|bank))\s+(?:asked|raised|had)\s+(?:a\s+|the\s+)?"
    r"(?:questions?\s+)?(?:about|on|regarding|concerning)\s+(?P<topic>[^?]+?)\s*\??\s*$"
)


def asked_by(question: str, docs, chunks_of, passage_of) -> Outcome | None:
    """Who asked the question on the topic named: the label of the speaker whose turn holds the
    question sharing most of the topic's words (at least half), cited; None when not asked so,
    or no such question or label is found."""
    m = _ASKED_BY.match(question)
    if m is None:
        return None
    topic = _topic(m["topic"])
    if not topic:
        return None
    found = _question_on(topic, docs, chunks_of)
    if found is None:
        return None
    doc, i, a, _ = found
    at = chunks_of(doc)[i].start + a
    labels = [
        (c, lab)
        for c in chunks_of(doc)
        for lab in LABEL.finditer(c.text)
        if c.start + lab.end() <= at
        and not _NOT_NAMES & set(lab["name"].lower().split())
        and not _ROLE.search(lab["name"])
    ]
    if not labels:
        return None
    c, lab = max(labels, key=lambda x: x[0].start + x[1].end())
    a, b = lab.start("name"), lab.end("title")
    return Outcome([(c.text[a:b], passage_of(c), a, b, 1.0)])
