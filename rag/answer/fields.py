"""A form's field the question names, read from the documents it points to: a cover page's
"State or other jurisdiction of incorporation or organization: Delaware" answers "In which
state is Amazon incorporated?" with "Delaware" (`rag.ingest.pdf_fields` writes such lines). The
reader reads a field's line poorly: its caption is not a sentence, and the covers' passages
are seldom among the few it reads. When the report's quarter ended is its cover's day too
(`period_end`)."""

from __future__ import annotations

import re

from rag.answer.base import Outcome, ShortAnswer
from rag.text import THING_KINDS, content_tokens, kinds_pattern, stem

# A field's line: a caption of three letters or more ("Age"; words, no figure row's " — "), ": ",
# a short value.
_FIELD = re.compile(r"(?m)^(?P<caption>[A-Z][^\n:—]{2,120}): (?P<value>[^\n]{1,160})$")
# A headed row's line (`pdf_fields.find_headed_rows`): "Common Stock ... — Trading symbol(s):
# AMZN; Name of each exchange on which registered: Nasdaq ...", each column a field of the row.
_ROW = re.compile(r"(?m)^(?P<label>[^\n—]{3,200}) — (?P<cells>[^\n]+)$")
_CELL = re.compile(r"(?P<caption>[A-Z][^;:\n]{2,120}): (?P<value>[^;\n]{1,160})")
MAX_VALUE_WORDS = 15
# A table's units after its title ("Inventories: (In millions)"): no value.
_UNITS = re.compile(r"(?i)\((?:in|amounts in|dollars in|unaudited)\b[^)]*\)")
SHORT_VALUE_WORDS = 5
# Words a question says of any field: what it asks, not which field.
_ANY = {stem(w, 8) for w in "what which is are the of its their company registrant".split()}


def _words(text: str) -> set[str]:
    """Content words to their first eight letters ("incorporated" and "incorporation" meet,
    "employees" and "employer" do not), possessives and abbreviations' full stops dropped."""
    text = re.sub(r"['’]s\b", "", text.replace(".", ""))
    return {stem(w, 8) for w in content_tokens(text) if not w[0].isdigit()}


def field_value(question: str, docs, chunks_of, passage_of, names: set[str]) -> Outcome | None:
    """The value of the first field, in the documents `docs` (best first), whose caption holds
    every word the question types in lower case (else every word but the documents' names,
    `names`), but one when it asks three or more: "What is Amazon's I.R.S. employer
    identification number?" reads "I.R.S. Employer Identification No.". None when no caption
    is named so."""
    # the words typed in lower case: a capitalised one names the company ("Bell Instruments'")
    # unless the question has no other ("I.R.S. Employer Identification Number")
    lower = " ".join(w for w in question.split() if not w[:1].isupper())
    asked = _words(lower) or _words(question) - {stem(n) for n in names}
    asked -= _ANY
    if not asked:
        return None
    slack = 1 if len(asked) >= 3 else 0
    for doc in docs:
        for c in chunks_of(doc):
            for line, value, named, column in _fields(c.text):
                # the field asked is its caption's: a row's label names which row, never which
                # column ("the par value of the common stock" is no trading symbol)
                if len(asked - named) > slack or not asked & column:
                    continue
                a, b = line.span()
                short = ShortAnswer(
                    value["value"],
                    c.doc,
                    c.start + value.start("value"),
                    c.start + value.end("value"),
                )
                return Outcome([(c.text[a:b], passage_of(c), a, b, 1.0)], short)
    return head_field(question, names, docs[:1], chunks_of, passage_of)


# What a question's "when", "where" or "how old" asks of a document's head.
_IMPLIED = {
    "when": _words("date"),
    "where": _words("location place address site sites point"),
    "how old": _words("age"),
}
_ASKS_IMPLIED = re.compile(r"(?i)\b(?:when|where|how old)\b")


def _named(caption: set[str], asked: set[str]) -> bool:
    """Whether every word of a caption is asked, a word asked as the start of a longer one
    ("depart" of "Departure Point")."""
    return all(
        any(c == a or (min(len(a), len(c)) >= 5 and c.startswith(a)) for a in asked)
        for c in caption
    )


def head_field(
    question: str,
    names: set[str],
    docs,
    chunks_of,
    passage_of,
    implied: bool = False,
    every: bool = False,
) -> Outcome | None:
    """A field of a document's head ("Sponsor: Northwind Therapeutics", "Aircraft: Cessna 172S",
    "Location: Bozeman, Montana") whose caption the question names whole, its other words saying
    what of it: "Who is the sponsor of the study?", "What type of aircraft was involved?",
    "Where did the accident happen?" (`implied`: a "when" names "Date", a "where" "Location", asked
    only once the reader declined, whose sentence says when the dredging starts better than a
    memo's "Date:"). The longest such caption of the first passage (`every`: of any passage, a
    report's form on its later pages, the first of the longest); None when none is named."""
    # a head's caption may be typed as the document prints it ("the Sponsor"), but the
    # documents' own names (`names`) are no caption's
    asked = _words(question) - {stem(n) for n in names} - _ANY
    wh = {" ".join(w.lower().split()) for w in _ASKS_IMPLIED.findall(question)} if implied else ()
    loose = asked | {x for w in wh for x in _IMPLIED[w]}
    best = None
    for doc in docs:
        for c in chunks_of(doc) if every else chunks_of(doc)[:1]:
            for line, value, named, _ in _fields(c.text):
                longer = best is None or len(named) > len(best[1])
                if line is value and named and _named(named, loose) and longer:
                    best = (c, named, line)
    if best is None:
        return None
    c, _, line = best
    a, b = line.span()
    short = ShortAnswer(
        line["value"], c.doc, c.start + line.start("value"), c.start + line.end("value")
    )
    return Outcome([(c.text[a:b], passage_of(c), a, b, 1.0)], short)


def _fields(text: str):
    """(the line, the value's match, the words naming it, its caption's words) for each field of `text`: a
    field's line, and each cell of a headed row of words, named by its column and its row
    ("What is the trading symbol of Amazon's common stock?"). A figure's cell ("Three Months
    Ended June 30, 2023: 7,709") is no field: the table lookup reads figures."""
    for m in _FIELD.finditer(text):
        value = m["value"]
        if (
            len(value.split()) > MAX_VALUE_WORDS
            or (value.rstrip().endswith(".") and len(value.split()) > SHORT_VALUE_WORDS)
            or _UNITS.fullmatch(value.strip())
        ):
            continue  # a sentence after a colon, not a field's value ("Approximately 24
            # months." is one)
        yield m, m, _words(m["caption"]), _words(m["caption"])
    for row in _ROW.finditer(text):
        label = _words(row["label"])
        for m in _CELL.finditer(text, row.start("cells"), row.end()):
            value = m["value"]
            if not re.search(r"[A-Za-z]", value) or len(value.split()) > MAX_VALUE_WORDS:
                continue
            column = _words(m["caption"])
            yield row, m, column | label, column


def head_value(question: str, passages, snap) -> Outcome | None:
    """`head_field` of the document the question points to, "when" naming "Date" and "where"
    "Location", as the pipeline calls it once the reader declined ("When did the accident
    occur?": "Date: March 3, 2022"); any field of a report known by no period, only its head's
    in a periodic one (a filing's "Inventories: (In millions)" is a table's title, no field)."""
    from rag.answer.tables import choose_documents
    from rag.retrieve import Passage
    from rag.steering import dated

    if snap is None or not passages:
        return None
    docs, names = choose_documents("fact", question, passages, snap)
    retrieved = {p.chunk.chunk_id: p for p in passages}
    return head_field(
        question,
        names,
        docs[:1],
        snap.doc_chunks,
        lambda c: retrieved.get(c.chunk_id) or Passage(0, 0.0, c),
        implied=True,
        every=not dated(snap, docs[:1]),
    )


# "When did Apple's Q3 2023 fiscal quarter end?": the day the report's own period ended, which
# its cover says ("For the quarterly period ended July 1, 2023")
ASKS_PERIOD_END = re.compile(
    r"(?i)\bwhen (?:did|does|do|was|is|will) [^?]{0,80}\b(?:quarter|period)s? (?:end|close)|"
    r"\b(?:what|which) (?:date|day) (?:did|does|do|was|is) [^?]{0,80}\b(?:quarter|period)s? "
    r"(?:end|close)|\b(?:end(?:ing)? date|last day|close) of [^?]{0,80}\b(?:quarter|period)\b"
)
_PERIOD_ENDED = re.compile(
    # a filing's cover "for the quarterly period ended", a call's "for the period ending"
    r"(?i)\bfor the (?:quarterly |fiscal )?(?:period|quarter) end(?:ed|ing)\s+(?P<day>(?:January|"
    r"February|March|April|May|June|July|August|September|October|November|December)"
    r"\s+\d{1,2},\s+\d{4})"
)


def period_end(question: str, passages, snap) -> Outcome | None:
    """The day the period of the report the question points to ended, quoted from the first
    place the report says it, or None (not asked, or not said)."""
    from rag.answer.tables import choose_documents
    from rag.retrieve import Passage

    if snap is None or not passages or not ASKS_PERIOD_END.search(question):
        return None
    docs, _ = choose_documents("fact", question, passages, snap)
    retrieved = {p.chunk.chunk_id: p for p in passages}
    for c in snap.doc_chunks(docs[0]) if docs else []:
        m = _PERIOD_ENDED.search(c.text)
        if m:
            short = ShortAnswer(m["day"], c.doc, c.start + m.start("day"), c.start + m.end("day"))
            a, b = m.span()
            return Outcome(
                [(c.text[a:b], retrieved.get(c.chunk_id) or Passage(0, 0.0, c), a, b, 1.0)], short
            )
    return None


# "What was the pilot's age in each accident?", "Compare the sponsors of both studies": one
# field a document, over documents that are things of a kind (not a quarter's or a call's,
# whose figures the table lookup and the sentences compare)
_EACH_DOCUMENT = re.compile(
    rf"(?i)\b(?:each|every|both|the two|all(?: the)?) (?:of the )?(?:{kinds_pattern(THING_KINDS)})\b"
)


def fields_compared(question: str, snap, passage_of) -> Outcome | None:
    """The field of each document the question names (`field_value`, else `head_field` over
    any passage of the document), one line a document in their order, when two or more print
    it and the question asks it of each document; else None."""
    from rag.answer.periods import doc_order

    if snap is None or not _EACH_DOCUMENT.search(question):
        return None
    # the kind names the documents, no caption's word ("Protocol Number" of "the two protocols")
    asked = _EACH_DOCUMENT.sub(" ", question)
    found = [
        (d, out)
        for d in sorted(snap.documents, key=doc_order)
        if (out := field_value(asked, [d], snap.doc_chunks, passage_of, set()))
        or (out := head_field(asked, set(), [d], snap.doc_chunks, passage_of, every=True))
    ]
    if len(found) < 2:
        return None
    return Outcome(
        [s for _, out in found for s in out.supports],
        form="comparison",
        labels=[d for d, _ in found],
    )
