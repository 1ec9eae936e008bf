"""What to do, or what happens, in a case the question names: "What should I do if water leaks
from the base?", "What happens if a payment is late?". A manual, a policy or an FAQ says it in
one sentence opening with the case ("If water leaks from the base, check that the O-ring is in
place ..."); the reader had read a word of another sentence ("flush"). The answer is that
sentence, its short answer what follows the case."""

from __future__ import annotations

import re

from rag.answer.base import Outcome, ShortAnswer
from rag.text import content_tokens, stem

# "What should I do if ...?", "What happens when ...?", "How do I fix it if ...?"
_ASKS = re.compile(
    r"(?i)^\s*(?:what|how)\b[^?]{0,60}?\b(?:do|does|happens?|should|must|can|to fix|to handle)\b"
    r"[^?]{0,30}?\b(?:if|when|whenever|in case)\s+(?P<case>[^?]{3,160}?)\s*\??\s*$"
)
# A sentence opening with a case, then what to do or what follows: "If X, Y", "When X, Y".
_CASE = re.compile(
    r"(?i)(?:if|when|whenever|in case)\s+(?P<case>[^,;:]{3,200}?)[,;:]\s*(?P<then>\S)"
)


def _words(text: str) -> set[str]:
    return {stem(w) for w in content_tokens(text)}


def in_case(question: str, passages) -> Outcome | None:
    """The first sentence of `passages` (best first) that opens with the case the question
    names, its words all there but one of four; None when the question names no case or no
    sentence opens with it."""
    m = _ASKS.match(question)
    if m is None:
        return None
    asked = _words(m["case"])
    if len(asked) < 2:
        return None
    for p in passages:
        c = p.chunk
        for a, b in c.sentence_spans():
            said = _CASE.match(c.text, a, b)
            if said is None:
                continue
            missing = asked - _words(said["case"])
            if len(missing) > len(asked) // 4:
                continue
            s = said.start("then")
            short = ShortAnswer(c.text[s:b].rstrip("."), c.doc, c.start + s, c.start + b)
            return Outcome([(c.text[a:b], p, a, b, 1.0)], short)
    return None
