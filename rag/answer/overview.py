"""A summary of a whole report: "Summarize Apple's Q1 2023 results", "Give me an overview of
Amazon's Q3 2023 report".

Such a question names the report and nothing in it, so no sentence shares its words and the
summary form refused all three phrasings over the 10-Q filings. A report says its own summary:
the headline rows of its first statement (total revenue, net income) and the section it heads
"Quarterly Highlights", "A Quarter in Review", "Third Quarter of Fiscal Year 2023 Summary" or
"Overview". The answer is those rows and the first sentence of each paragraph of that section,
in document order, each cited; a report with neither gets no such summary (the form's own
rules answer or refuse).
"""

from __future__ import annotations

import re

from rag.answer.base import Outcome
from rag.answer.forms import question_terms
from rag.answer.noise import signpost
from rag.answer.sections import Section, paragraph_leads
from rag.answer.speakers import LABEL
from rag.ingest.formats import SECTION_SEP
from rag.text import content_tokens, stem

# Words a question asking for the whole report says besides the report's name and period.
_WHOLE = {
    stem(w)
    for w in """result results overview highlights highlight summary performance quarter
    quarters year report reports document documents filing business update give walk
    tell main key latest recent how did do doing takeaway takeaways earnings call calls
    transcript conference point points theme themes topic topics discuss discussed cover
    covered recap synopsis rundown tldr gist what memo memorandum letter email article paper
    manual protocol presentation""".split()
}
# Kinds of document a question may name its document by ("Summarize the memo.").
_KINDS = {"memo", "memorandum", "letter", "email", "manual", "protocol", "transcript", "minutes"}
# Headings of a report's own summary, best first.
_SUMMARY_HEADINGS = (
    re.compile(r"(?i)\bhighlights\b|\bquarter\b.*\bsummary\b|\bin review\b"),
    re.compile(r"(?i)^(?:executive )?overview$|^executive summary$"),
    re.compile(r"(?i)^summary (?:of )?results\b"),
)
# A report's headline rows, by label: its revenue and its net income.
_HEADLINES = (
    re.compile(
        r"(?i)^(?:total net sales|total (?:net )?revenues?|net revenues?|revenues?|net sales)$"
    ),
    re.compile(r"(?i)^net (?:income|loss|income \(loss\)|earnings)$"),
)


def asks_whole(question: str, names: set[str]) -> bool:
    """Whether a summary question names nothing but the report (its company, its period).

    >>> asks_whole("Summarize Apple's Q1 2023 results.", {"apple"})
    True
    >>> asks_whole("Summarize Apple's liquidity.", {"apple"})
    False
    """
    bare = {re.sub(r"['’]s?$", "", t) for t in question_terms(question)}
    rest = {t for t in bare if not any(ch.isdigit() for ch in t)} - _WHOLE
    return not rest - {stem(n) for n in names}


def summary_section(doc: str, layout) -> Section | None:
    """The section a report heads as its own summary (`_SUMMARY_HEADINGS`, the first kind
    found, the first of that kind), or None."""
    heads = layout.sections
    for rx in _SUMMARY_HEADINGS:
        for i, (start, path) in enumerate(heads):
            name = path.split(SECTION_SEP)[-1]
            if "accounting" in name.lower() or not rx.search(name):
                continue
            end = next(
                (s for s, p in heads[i + 1 :] if not p.startswith(path + SECTION_SEP)),
                len(layout.text),
            )
            return Section(doc, start, end, path, 0)
    return None


def report_summary(question: str, query: str, asked: str, snap, layout_of, passages, most: int):
    """A whole report's summary (`asks_whole`): an `Outcome` citing its headline rows and the
    leads of its summary section, or None."""
    from rag.answer.cells import read_value
    from rag.answer.rows import document_rows
    from rag.answer.tables import asked_names, choose_documents
    from rag.context import document_keys
    from rag.retrieve import Passage

    if snap is None or not passages:
        return None
    # the names the documents are known by (their file names and opening passages), even of one
    names = asked_names(query, document_keys(snap))
    if not asks_whole(question, names):
        return None
    docs, _ = choose_documents("fact", query, passages, snap)
    # "Summarize the memo.": the document its name or title calls so, if one is
    kinds = set(re.findall(r"[a-z]+", question.lower())) & _KINDS
    named = [d for d, k in document_keys(snap).items() if kinds & k.words]
    if named:
        docs = sorted(named, key=lambda d: docs.index(d) if d in docs else len(docs))
    layout = layout_of(docs[0]) if docs else None
    if layout is None:
        return None
    chunks = snap.doc_chunks(docs[0])
    items = []
    rows = document_rows(chunks)
    for rx in _HEADLINES:
        row = next((r for r in rows if rx.match(r.label) and read_value(r, asked or query)), None)
        if row is not None:
            items.append(
                (
                    row.chunk.start + row.start,
                    row.chunk.text[row.start : row.end],
                    row.chunk,
                    row.start,
                    row.end,
                )
            )
    sec = summary_section(docs[0], layout)
    if sec is not None:
        for text, c, a, b in paragraph_leads(sec, layout, chunks)[: max(0, most - len(items))]:
            items.append((c.start + a, text, c, a, b))
    if len(items) < 2 and not rows and sec is None:
        # a call or a memo prints neither: its sentences saying most of what it says
        items = [(c.start + a, c.text[a:b], c, a, b) for c, a, b in key_sentences(chunks, most)]
    if len(items) < 2:
        return None
    retrieved = {p.chunk.chunk_id: p for p in passages}
    supports = [
        (text, retrieved.get(c.chunk_id) or Passage(0, 0.0, c), a, b, 1.0)
        for _, text, c, a, b in sorted(items, key=lambda x: x[0])
    ]
    return Outcome(supports, form="summary")


# What is said around a call or a meeting, not in it: the welcome, thanks, the recording, the
# safe harbour.
_CEREMONY = re.compile(
    r"(?i)\b(?:welcome|thank(?:s| you)|good (?:morning|afternoon|evening)|recorded|"
    r"forward-looking|safe harbor|ladies and gentlemen|conference call|webcast|operator|"
    r"questions? (?:comes?|is) from|next question|(?:turn|hand|pass)(?:ing)? (?:the call |it |things )?"
    r"(?:back )?over|open (?:up )?the (?:line|call|floor)|(?:please )?go ahead|let's turn to|"
    r"let me (?:now )?turn to|with that)\b"
)


def saying(text: str) -> bool:
    """Whether a sentence says something: not a heading, a title or a speaker's label (no full
    stop), a question, ceremony, a speaker's signpost or a table's row, and of 4 to 60 words."""
    if not text[:1].isupper() or not re.search(r"[.!][\"”’)]?$", text):
        return False
    if not 4 <= len(text.split()) <= 60 or _CEREMONY.search(text) or signpost(text):
        return False
    return sum(ch.isdigit() for ch in text) <= len(text) // 4


def key_sentences(chunks, most: int) -> list[tuple]:
    """The `most` sentences of a document that say most of what it says, in document order, as
    (chunk, start, end): SumBasic (Nenkova and Vanderwende, 2005), each pick the sentence whose
    content words the document uses most, those words then counting less, so the next pick says
    something else. Questions, ceremony and table lines are never picked."""
    found, seen = [], set()
    for c in chunks:
        for a, b in c.sentence_spans():
            label = LABEL.match(c.text, a)  # a speaker's name and role run into the sentence
            if label is not None and label.end() < b and "\n" in c.text[label.end() : b][:3]:
                a = label.end() + 1
                while a < b and c.text[a].isspace():
                    a += 1
            text = c.text[a:b].strip()
            b = a + len(text)
            if c.start + a in seen or not saying(text):
                continue
            seen.add(c.start + a)
            found.append((c.start + a, c, a, b))
    return [(c, a, b) for _, c, a, b in most_said(found, lambda x: x[1].text[x[2] : x[3]], most)]


# Words a speaker says in every other sentence ("I think we're going to see, you know, ..."):
# frequent in a call, they say nothing of it.
_SPOKEN = frozenset(
    stem(w)
    for w in """think know going really just like yeah okay right kind sort lot things thing mean
    actually obviously certainly guess maybe well here there get got see say look want let great
    good question questions thanks thank talk talked little bit""".split()
)


def most_said(items: list, text_of, most: int) -> list:
    """SumBasic's pick of `most` of `items` (each's sentence `text_of(item)`), in their order."""
    words = [
        [w for w in (stem(t) for t in content_tokens(text_of(x))) if w not in _SPOKEN]
        for x in items
    ]
    counts: dict[str, float] = {}
    for ws in words:
        for w in set(ws):
            counts[w] = counts.get(w, 0) + 1
    total = sum(counts.values()) or 1
    weight = {w: n / total for w, n in counts.items()}
    chosen: list[int] = []
    # a sentence of fewer content words says too little to stand for the rest
    left = [i for i, ws in enumerate(words) if len(ws) >= 3]
    while left and len(chosen) < most:
        best = max(left, key=lambda i: sum(weight[w] for w in words[i]) / len(words[i]))
        chosen.append(best)
        left.remove(best)
        for w in set(words[best]):
            weight[w] **= 2
    return [items[i] for i in sorted(chosen)]
