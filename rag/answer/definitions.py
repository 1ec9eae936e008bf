"""What a name is: "What is Streamline?" is answered where the documents say it, by an
apposition ("Turning to Streamline, our platform for building data applications."), a copula
("Streamline is a platform ...", "The AWS segment consists of ...") or, failing those, the
full name a defined term stands for ("MGM Holdings Inc. (“MGM”)"); the reader, asked instead,
took any span of a sentence naming it ("customer-facing applications", "Inc")."""

from __future__ import annotations

import re

from rag.answer.base import Outcome, ShortAnswer

# "What is Streamline?", "What are Snowpark Container Services?": a capitalised name alone
WHAT_IT_IS = re.compile(
    r"^\s*[Ww]hat (?:is|are) (?:the )?(?P<name>[A-Z][\w.&'’-]*(?: [A-Z][\w.&'’-]*){0,4})\s*\??\s*$"
)
_DETERMINER = r"(?:a|an|the|our|its|their|his|her)\s"
_MARK = r"[™®]?"


def _said(name: str) -> list[re.Pattern]:
    n = re.escape(name)
    return [
        # "Streamline, our platform for building data applications."
        re.compile(
            rf"\b{n}{_MARK}\s*,\s+(?P<what>{_DETERMINER}[^,;()\n]{{3,120}}?)\s*(?=[,;.]|$)", re.M
        ),
        # "Streamline is a platform for ...", "Vision Pro (the headset) is the Company's ..."
        re.compile(
            rf"\b{n}{_MARK}(?:\s*\([^()\n]{{1,60}}\))?\s+(?:is|are)\s+"
            rf"(?P<what>{_DETERMINER}[^,;()\n]{{3,120}}?)\s*(?=[,;.]|$)",
            re.M,
        ),
        # "The AWS segment consists of amounts earned from global sales of compute, ..."
        re.compile(
            rf"\b[Tt]he {n}{_MARK} (?:segment|business|unit|division|platform|program|service|"
            r"product|brand|subsidiary)s? (?:consists? of|comprises?|includes?|is|are)\s+"
            r"(?P<what>[^;()\n]{3,200}?)\s*(?=[;.](?:\s|$)|$)",
            re.M,
        ),
        # "MGM Holdings Inc. (“MGM”)", "1Life Healthcare, Inc. (One Medical)"
        re.compile(
            r"(?P<what>(?:[A-Z0-9][\w.&'’-]*,?\s+){0,6}[A-Z0-9][\w.&'’-]*)\s*\(\s*(?:the\s+)?"
            rf"[“\"]?{n}[”\"]?\s*\)"
        ),
    ]


def defined(question: str, passages, docs, chunks_of, passage_of) -> Outcome | None:
    """The sentence saying what the name asked is, its words saying it the short answer: the
    passages retrieved first, then the documents' own passages in order (a name is defined
    where it is first used); an apposition or a copula before a defined term's full name.
    None when the question asks no such thing or nothing says it."""
    m = WHAT_IT_IS.match(question)
    if m is None or re.search(r"['’]s\b", m["name"]):
        return None  # "What is Kenya's HDI?": a figure of Kenya's
    name = m["name"]
    retrieved = [p.chunk for p in passages]
    rest = [c for d in docs for c in chunks_of(d)]
    for rx in _said(name):
        for c in [*retrieved, *rest]:
            found = rx.search(c.text)
            if found is None:
                continue
            a, b = _sentence(c, found.start())
            s, e = found.span("what")
            short = ShortAnswer(found["what"], c.doc, c.start + s, c.start + e)
            return Outcome([(c.text[a:b], passage_of(c), a, b, 1.0)], short)
    return None


def _sentence(chunk, at: int) -> tuple[int, int]:
    for a, b in chunk.sentence_spans():
        if a <= at < b:
            return a, b
    return at, len(chunk.text)
