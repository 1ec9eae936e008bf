"""What was asked on a call: the questions a transcript's analysts put, as the list answering
"What did analysts ask about in the Q3 call?".

Every other answer leaves out a sentence ending in "?" (`noise.says_nothing`: a question asked
in the document answers nothing), and such a question shares no word with the sentences it
asks for ("Can you talk about consumption patterns in your largest customers?"), so ranking
sentences by their likeness to the question never finds them. A question about what was asked
is answered by the document's own questions, in document order; with a topic ("What did
analysts ask about Snowpark?") only those naming it.
"""

from __future__ import annotations

import re

from rag.answer.tables import question_terms
from rag.context import document_keys
from rag.text import content_tokens, stem

# "What did analysts ask (about ...)?", "Which questions were raised on the call?", "What
# questions did investors have?"
_ABOUT_QUESTIONS = re.compile(
    r"\b(?:what|which)\s+(?:questions?\b|(?:did|do|have|had|were)\s+(?:the\s+)?(?:\w+\s+)?"
    r"(?:analysts?|investors?|participants?|callers?)\s+(?:ask|raise|want)\w*)",
    re.I,
)
# Words of such a question that name the asking or the call, not a topic.
_NO_TOPIC = {
    stem(w)
    for w in """analyst analysts investor investors participant participants caller callers ask
    asked asking raise raised question questions call calls conference earnings transcript
    session q&a did have had want wanted""".split()
}
# An operator's or host's line: "Are there any further questions?", "Shall we take the next one?"
_HOUSEKEEPING = re.compile(r"\b(any (further|more|other) questions|next question|go ahead)\b", re.I)


def about_questions(question: str) -> bool:
    """Whether the question asks what was asked.

    >>> [about_questions(q) for q in ("What did analysts ask about in the Q3 call?",
    ...     "Which questions were raised on the call?", "What did the CFO say about margin?",
    ...     "What question does the paper answer?")]
    [True, True, False, True]
    """
    return bool(_ABOUT_QUESTIONS.search(question))


def asked_list(question: str, query: str, snap, passages, most: int):
    """The questions asked in the document the question points to (`tables.choose_documents`),
    in document order, each cited (at most `most`), those naming the question's topic when it
    has one; None when the question is not about what was asked or the document holds none
    such (the other answers decide)."""
    from rag.answer.base import Outcome
    from rag.answer.tables import choose_documents
    from rag.retrieve import Passage

    if snap is None or not about_questions(question):
        return None
    docs, _ = choose_documents("list", query, passages, snap)
    keys = document_keys(snap)
    # the first document chosen that holds questions: "the Q3 FY2023 call" also names a
    # filing of that quarter, which asks none
    for doc in docs:
        found = _questions(question, snap, doc, keys[doc].words)
        if found:
            break
    else:
        return None
    retrieved = {p.chunk.chunk_id: p for p in passages}
    supports = [
        (text, retrieved.get(c.chunk_id) or Passage(0, 0.0, c), a, b, 1.0)
        for text, c, a, b in found[:most]
    ]
    more = (
        f"The document holds {len(found)} such questions; the first {most} are listed."
        if len(found) > most
        else ""
    )
    return Outcome(supports, form="list", notice=more)


def _questions(question: str, snap, doc: str, titled_words) -> list[tuple]:
    """The questions `doc` asks, in order, as (text, chunk, start, end), those naming the
    question's topic when it has one. The words naming the call (its title's and file
    name's: "Q3", "FY2023", the company) choose the document, not the questions."""
    titled = {stem(w) for w in titled_words}
    topic = question_terms(question, set()) - _NO_TOPIC - titled
    found, seen = [], set()
    for c in snap.doc_chunks(doc):
        for a, b in c.sentence_spans():
            text = c.text[a:b].strip()
            at = c.start + a
            if at in seen or not text.endswith("?") or len(text.split()) < 4:
                continue
            seen.add(at)
            if _HOUSEKEEPING.search(text):
                continue
            if topic and not topic & {stem(w) for w in content_tokens(text)}:
                continue
            found.append((text, c, a, a + len(text)))
    return found
