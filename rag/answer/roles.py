"""Who holds an office: "Who is Amazon's CEO?" is answered by the name a document prints beside
the title ("I, Andrew R. Jassy, President and Chief Executive Officer of the Company, certify
...", a filing's certifications and signatures; "Frank Slootman, Chairman and CEO", a call's
speakers). The reader had declined it: the question says "CEO", the filings "Chief Executive
Officer", and the certification's sentence is mostly about something else."""

from __future__ import annotations

import re
from collections import Counter

from rag.answer.base import Outcome, ShortAnswer
from rag.text import DATE

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


# "Who signed Apple's Q3 2023 10-Q?", "When was the report signed?": asked of the document
# itself (its kind named), not of an agreement or a law it speaks of.
_DOCUMENT = re.compile(r"(?i)\b(?:report|10-?[QK]s?|filing|form|document)\b")
# A filing's signature block: its heading, to the exhibits or certifications that follow.
_SIGNATURES = re.compile(r"(?m)^SIGNATURES?\s*$")
# the blank line before the block's day ("Date: August 3, 2023", "October 24, 2023")
_DAY_AFTER = re.compile(r"(?i)\n\s*\n\s*(?:Date|Dated|" + DATE.pattern.removeprefix("(?i)") + r")")
_BLOCK_END = re.compile(r"(?m)^(?:Exhibit\b|EXHIBIT\b|CERTIFICATIONS?\b)")
_SIGNED_BY = re.compile(r"/s/[ \t,]*")


def asks_signed(question: str) -> str | None:
    """ "who" or "when" for a question asking who signed the document or when, else None.

    >>> asks_signed("Who signed Apple's Q3 2023 10-Q?"), asks_signed("When was the report signed?")
    ('who', 'when')
    >>> asks_signed("Who signed the agreement with Epic?") is None
    True
    """
    m = re.match(r"(?i)^\s*(who|when)\b[^?]*\bsign(?:ed|s|ing)?\b", question)
    if m is None or not _DOCUMENT.search(question):
        return None
    return m[1].lower()


def signer(question: str, docs, chunks_of, passage_of) -> Outcome | None:
    """Who signed the document the question points to, or when: the "/s/" name of its
    signature block (under "SIGNATURE(S)", before the exhibits) with the title printed after
    it, or the block's day. None when the question asks neither or no block is printed."""
    ask = asks_signed(question)
    if ask is None:
        return None
    for doc in docs:
        for c in chunks_of(doc):
            head = _SIGNATURES.search(c.text)
            if head is None:
                continue
            end = _BLOCK_END.search(c.text, head.end())
            stop = end.start() if end else len(c.text)
            if ask == "when":
                day = DATE.search(c.text, head.end(), stop)
                if day is None:
                    continue
                a, b = day.span()
                line_a = c.text.rfind("\n", 0, a) + 1
                line_b = c.text.find("\n", b)
                line_b = stop if line_b < 0 else line_b
                short = ShortAnswer(day.group(), c.doc, c.start + a, c.start + b)
                return Outcome([(c.text[line_a:line_b], passage_of(c), line_a, line_b, 1.0)], short)
            found = _signature(c.text, _SIGNED_BY.search(c.text, head.end(), stop), stop)
            if found is None:
                continue
            (na, nb), b = found
            short = ShortAnswer(c.text[na:nb], c.doc, c.start + na, c.start + nb)
            return Outcome([(c.text[na:b], passage_of(c), na, b, 1.0)], short)
    return None


def signed(question: str, passages, snap) -> Outcome | None:
    """`signer` over the documents the question points to, for a caller holding only the
    retrieved passages ("When was Apple's Q3 2023 10-Q signed?" is read before the tables)."""
    from rag.answer.tables import choose_documents
    from rag.retrieve import Passage

    if snap is None or not passages or asks_signed(question) is None:
        return None
    docs, _ = choose_documents("fact", question, passages, snap)
    retrieved = {p.chunk.chunk_id: p for p in passages}
    return signer(
        question, docs, snap.doc_chunks, lambda c: retrieved.get(c.chunk_id) or Passage(0, 0.0, c)
    )


def _signature(text: str, at, stop: int):
    """((name start, name end), block end) of the signature after "/s/": the name as printed
    in its own case (a name signed in capitals is printed again below: "/s/ ALICE L. JOLLA" over
    "Alice L. Jolla"), then its title, to the blank line before a day or the block's end."""
    if at is None:
        return None
    a = at.end()
    rest = text[a:stop]
    tail = _DAY_AFTER.search(rest)
    b = a + (tail.start() if tail else len(rest.rstrip()))
    first = re.match(r"[^\n,]+?(?=\s*(?:,|\n|$))", text[a:b])
    if first is None:
        return None
    words = first.group().split()
    # "/s/ Luca Maestri Luca Maestri Senior Vice President": the name, then it again, then
    # the title
    for n in range(1, len(words) // 2 + 1):
        if words[:n] == words[n : 2 * n]:
            words = words[:n]
            break
    name = " ".join(words)
    # cite the name where the title follows it ("/s/ Luca Maestri Luca Maestri Senior ...",
    # "/s/ Shelley L. Reynolds, Shelley L. Reynolds, Vice President")
    again = re.match(r"[\s,]*" + re.escape(name) + r"\b", text[a + len(name) : b])
    if again:
        a += len(name) + again.end() - len(name)
    if name.isupper():
        again = re.search(re.escape(name), text[a + len(name) : b], re.I)
        if again:
            na = a + len(name) + again.start()
            return (na, na + len(name)), b
    if len(words) < 2 or _TITLE_WORDS & {w.lower().strip(",") for w in words}:
        return None
    return (a, a + len(name)), b
