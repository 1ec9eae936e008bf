"""Who holds an office: "Who is Amazon's CEO?" is answered by the name a document prints beside
the title ("I, Andrew R. Jassy, President and Chief Executive Officer of the Company, certify
...", a filing's certifications and signatures; "Frank Slootman, Chairman and CEO", a call's
speakers). The reader had declined it: the question says "CEO", the filings "Chief Executive
Officer", and the certification's sentence is mostly about something else."""

from __future__ import annotations

import re
from collections import Counter

from rag.answer.base import Outcome, ShortAnswer

# The offices asked by their initials, as documents print them. Only a chief officer's: "Who is
# the president of ...?" is as often a country's or a university's, which the reader reads.
OFFICES = {
    "ceo": "chief executive officer",
    "cfo": "chief financial officer",
    "coo": "chief operating officer",
    "cto": "chief technology officer",
    "cao": "chief accounting officer",
}
_ASKED = re.compile(
    r"(?i)^\s*who(?:'s| is| was| are| were)\s+(?:the\s+)?(?:(?P<owner>[\w.&' -]+?)['’]s?\s+)?"
    r"(?P<office>ceo|cfo|coo|cto|cao|chief \w+ officer)"
    r"(?:\s+(?:of|at)\s+(?P<of>[^?]+?))?\s*\??\s*$"
)
# Words of a title, never of a name.
_TITLE_WORDS = set(
    "president vice senior executive chief officer director chairman chair principal financial "
    "accounting operating general counsel treasurer secretary".split()
)
# A person's name as signed: "Andrew R. Jassy", "Luca Maestri", "Colette M. Kress".
_NAME = r"(?P<name>[A-Z][a-z'’-]+(?:\s+(?:[A-Z]\.|[A-Z][a-z'’-]+)){1,3})"


def asked_office(question: str) -> str | None:
    """The office a "Who is ...?" question asks about, in the words documents print, or None.

    >>> asked_office("Who is Amazon's CEO?"), asked_office("who was the chief financial officer of Apple?")
    ('chief executive officer', 'chief financial officer')
    >>> asked_office("Who founded Amazon?") is None
    True
    """
    m = _ASKED.match(question)
    if m is None:
        return None
    office = m["office"].lower()
    return OFFICES.get(office, office)


def office_holder(question: str, docs, chunks_of, passage_of) -> Outcome | None:
    """The name printed beside the office asked ("Name, [titles and] Office"), in the documents
    the question points to: the name most often so printed, cited where it first stands (its
    name to the office's last word), the name the short answer; None when none is printed."""
    office = asked_office(question)
    if office is None:
        return None
    said = r"\s+".join(re.escape(w) for w in office.split())
    # "Name, [the] [titles and] Office" (a certification's sentence) or "Name" over "[titles]
    # Office" on the next lines (a signature); the name as capitalised, the titles in any case
    pattern = re.compile(
        rf"{_NAME}(?:,\s+|[ \t]*\n\s*)(?:the\s+)?(?:(?i:[a-z&]+)(?:,?[ \t]+|,?\s*\n\s*)){{0,6}}?"
        rf"(?i:{said})\b"
    )
    seen: list[tuple[str, object, int, int, int]] = []
    for doc in docs:
        for c in chunks_of(doc):
            for m in pattern.finditer(c.text):
                words = [(w.start(), w.group()) for w in re.finditer(r"\S+", m["name"])]
                # a signature's name twice in a row ("/s/ Luca Maestri Luca Maestri"): the last
                while len(words) > 2 and len({w for _, w in words}) < len(words):
                    words = words[1:]
                name = " ".join(w for _, w in words)
                if _TITLE_WORDS & set(name.lower().split()) or len(words) < 2:
                    continue  # "Maestri Senior Vice President": a title, not a name
                a = m.start("name") + words[0][0]
                seen.append((name, c, a, m.end(), m.end("name")))
    if not seen:
        return None
    counts = Counter(name for name, *_ in seen)
    best = max(counts, key=lambda n: (counts[n], -next(i for i, x in enumerate(seen) if x[0] == n)))
    _, c, a, b, e = next(x for x in seen if x[0] == best)
    short = ShortAnswer(c.text[a:e], c.doc, c.start + a, c.start + e)
    return Outcome([(c.text[a:b], passage_of(c), a, b, 1.0)], short)
