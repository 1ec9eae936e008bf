"""A list the document itself makes: the paragraphs under the heading the question names.

"What legal proceedings are disclosed in Amazon's Q2 2023 10-Q?" is answered by the section
headed "Legal Proceedings": one case per paragraph ("In May 2023, Dialect, LLC filed a complaint
against Amazon.com, Inc. ..."). Ranking sentences by their likeness to the question picks the
generic ones instead ("The outcomes of legal proceedings ... are subject to significant
uncertainty"), which share the question's words and name no case. So when a heading's every
content word is the question's, the list is the first sentence of each paragraph under it, in
document order. On the 10-Q validation half lists went from 2 to 5 of 7 holding a gold key
(contains 0.577 -> 0.620). Lists only: summaries so answered lost 5 keys (0.620 -> 0.563), as an
account wants the sentences that explain, not each paragraph's opening.

A section divided into four headed parts or more lists its headings instead: a filing's risk
factors are forty paragraphs under titles that each name one risk ("We Face Intense
Competition"), and "What are the main risks?" had been answered with the item's preamble.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.answer.forms import ASKS_DIVISIONS, classify, question_terms
from rag.answer.noise import is_noise, says_nothing
from rag.answer.periods import periods
from rag.context import document_keys
from rag.ingest.formats import SECTION_SEP
from rag.steering import within_query
from rag.text import DATE, OVER_REPORTS, content_tokens, stem

# Words of a heading that name no subject: "Item 1A.", "Note 4 —", "PART II — OTHER INFORMATION".
_NAMELESS = {stem(w) for w in "item note part other information section chapter".split()}
# A heading's word the question need not say: "What are the main risks?" names "Risk Factors".
_LOOSE = {stem("factors")}
# "How do I replace the filter?" asks for the steps under "Replacing the Filter".
_PROCEDURE = re.compile(
    r"^\s*(?:how (?:do|can|should|would|must) (?:i|you|we|one|users?)\b|how to\b|"
    r"what (?:are|were) the (?:steps|instructions)\b|what is the (?:procedure|process) (?:for|to)\b)",
    re.I,
)
PROCEDURE_STEPS = 12
# A paragraph about the section rather than an item of it: "Other than the risk factors listed
# below, there have been no material changes from the risk factors previously described under
# Item 1A of our Annual Report on Form 10-K ..." opens NVIDIA's risk factors and Intel's
# whole item.
_ANOTHER_FILING = re.compile(r"\b(annual report|form 10-k|item 1a)\b", re.I)
# A section lists its sub-headings when it has at least this many.
MIN_SUB_HEADINGS = 4
_MARKER = re.compile(r"(?:\d{1,2}[.)]|\(?[a-z][.)]|[•▪◦●‣∙-])\s+\S")
# A bullet a PDF ran into the line before it ("... Risk Factors.” Third Quarter 2023 Guidance •
# Net sales are expected to be between ..."): the sentence holding it opens an item.
_INLINE_BULLET = re.compile(r"\s[•▪◦●‣]\s+\S")
_ROMAN = re.compile(r"[ivxlc]+")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*$")


def heading_terms(heading: str) -> set[str]:
    """A heading's content words, stemmed, without numbers and words that name no subject.

    >>> sorted(heading_terms("Note 4 — COMMITMENTS AND CONTINGENCIES"))
    ['commit', 'contin']
    >>> sorted(heading_terms("Item 1. Legal Proceedings")), heading_terms("PART II")
    (['legal', 'procee'], set())
    """
    words = (
        w
        for w in content_tokens(heading.lower())
        if not any(ch.isdigit() for ch in w) and not _ROMAN.fullmatch(w)
    )
    return {stem(w) for w in words} - _NAMELESS


def _singular(term: str) -> str:
    """A stem without a plural's "s": the stem keeps six letters, so "risks" and "Risk" differ.

    >>> _singular("risks"), _singular("risk"), _singular("loss")
    ('risk', 'risk', 'loss')
    """
    return term[:-1] if len(term) > 3 and term.endswith("s") and not term.endswith("ss") else term


_PAIRED = re.compile(r"(?i)\s+(?:and|&)\s+")


@dataclass(frozen=True)
class Section:
    doc: str
    start: int  # the heading's offset in the document's text
    end: int  # where the next heading that is not under it starts
    path: str
    words: int  # the heading's content words, all of them the question's


def named_sections(question: str, doc: str, layout) -> list[Section]:
    """The sections of `doc` (its `Extracted` layout) whose own heading's content words are all
    the question's, those naming the most words first, then in document order."""
    from rag.answer.vocabulary import expand  # "lawsuits": the "Legal Proceedings" section

    terms = {_singular(t) for t in question_terms(expand(question))}
    found = []
    heads = layout.sections
    for i, (start, path) in enumerate(heads):
        name = path.split(SECTION_SEP)[-1]
        words = {_singular(w) for w in heading_terms(name)}
        if words - _LOOSE:
            words -= _LOOSE - terms
        if words and not words <= terms:
            # a heading pairing two subjects is named by either ("Liquidity and Capital
            # Resources" by "liquidity", "Commitments and Contingencies" by "contingencies")
            parts = [{_singular(w) for w in heading_terms(x)} for x in _PAIRED.split(name)]
            words = next((x for x in parts if len(parts) == 2 and x and x <= terms), set())
        if not words or not words <= terms:
            continue
        end = next(
            (s for s, p in heads[i + 1 :] if not p.startswith(path + SECTION_SEP)),
            len(layout.text),
        )
        found.append(Section(doc, start, end, path, len(words)))
    return sorted(found, key=lambda s: (-s.words, s.start))


def sub_headings(section: Section, layout, chunks) -> list[tuple]:
    """The headings under `section` that head none of their own (a risk factors item's risks,
    a contingencies note's cases), in document order, each as (text, chunk, start, end) with
    the span in the chunk's text, as `paragraph_leads` gives them; one whose text is not where
    it was located (a wrapped heading reads with a paragraph break) is left out."""
    under = [
        (at, path)
        for at, path in layout.sections
        if section.start < at < section.end and path.startswith(section.path + SECTION_SEP)
    ]
    out = []
    for i, (at, path) in enumerate(under):
        if any(p.startswith(path + SECTION_SEP) for _, p in under[i + 1 :]):
            continue
        name = path.split(SECTION_SEP)[-1]
        if layout.text[at : at + len(name)] != name:
            continue
        c = next((c for c in chunks if c.start <= at and at + len(name) <= c.end), None)
        if c is not None:
            out.append((name, c, at - c.start, at - c.start + len(name)))
    return out


def about_the_section(text: str, section: Section) -> bool:
    """A sentence that names its section's own heading ("These risk factors do not identify
    all risks", "Legal proceedings are subject to uncertainty": the section in general, no
    item of it) or points to another filing's.

    >>> sec = Section("d", 0, 9, "PART II › ITEM 1A. RISK FACTORS", 2)
    >>> about_the_section("These risk factors do not identify all risks that we face.", sec)
    True
    >>> about_the_section("If we fail to estimate customer demand properly, we lose.", sec)
    False
    """
    name = re.sub(
        r"^(item|note|part)\s+[\w.]+\s*[.:—–-]?\s*",
        "",
        section.path.split(SECTION_SEP)[-1],
        flags=re.I,
    )
    said = " ".join(text.lower().split())
    return bool(_ANOTHER_FILING.search(text)) or (
        len(name.split()) >= 2 and " ".join(name.lower().split()) in said
    )


def paragraph_leads(
    section: Section, layout, chunks, every: bool = False, about: bool = False
) -> list[tuple]:
    """The first sentence (`every`: each sentence) of each paragraph under `section` that
    says something (not a heading, a page line, a sentence leading into a table or pointing
    elsewhere, nor the rest of a sentence a page break cut, nor, unless `about`, one about the
    section itself, `about_the_section`), in document order, each as (text, chunk, start, end)
    with the span in the chunk's text."""
    leads, seen = [], set()
    for c in chunks:
        if c.end <= section.start or c.start >= section.end:
            continue
        for a, b in c.sentence_spans():
            at = c.start + a
            if at in seen or not section.start <= at < section.end:
                continue
            seen.add(at)
            before = layout.text[max(section.start, at - 8) : at]
            text = c.text[a:b]
            # a numbered step or a bullet opens an item though the lines ran together
            opens = (
                at == section.start
                or _PARAGRAPH_BREAK.search(before)
                or _MARKER.match(text)
                or _INLINE_BULLET.search(text)
            )
            if not (opens or every):
                continue
            # a paragraph opening in lower case goes on from a page break: no new item; a few
            # words are a heading unless they end as a sentence ("Pregnancy or breastfeeding.")
            short = len(text.split()) < 5 and not (
                len(text.split()) >= 2 and text.rstrip().endswith((".", ";"))
            )
            if text[:1].islower() or short:
                continue
            if (
                not is_noise(text)
                and not says_nothing(text)
                and (about or not about_the_section(text, section))
            ):
                leads.append((text, c, a, b))
    return leads


def _one_row_a_group(leads: list[tuple]) -> list[tuple]:
    """Of leads that are table rows grouped by division ("Americas: Net sales", "Americas:
    Operating income"), the first of each group; other leads stay. Apple's segment note had
    listed two rows of each of its first three segments and never reached "Japan"."""
    from rag.answer.rows import parse_row

    seen, out = set(), []
    for lead in leads:
        row = parse_row(lead[0])
        group = row[0].split(": ", 1)[0] if row and ": " in row[0] else None
        if group is None or group not in seen:
            out.append(lead)
        if group is not None:
            seen.add(group)
    return out


# A bullet opening an item of a list the document makes in one run of text.
_BULLET = re.compile(r"\s*[•▪◦●‣]\s+")


def introduced_list(question: str, query: str, snap, layout_of, passages, most: int) -> list:
    """The items a sentence of the passages introduces when it says every word the question
    asks by: "During the third quarter of 2023, the Company announced the following new
    products:" then "• 15-inch MacBook Air ...; • Mac Studio™ ...", for "What new products did
    Apple announce in Q3 2023?" (its heading, "Products and Services Performance", had listed
    the product categories). Each item as (text, chunk, start, end); [] when no such sentence."""
    from rag.answer.tables import choose_documents
    from rag.answer.vocabulary import PERIOD_WORDS, expand

    asked = within_query(question, document_keys(snap), False)
    terms = {t for t in question_terms(expand(asked)) - PERIOD_WORDS if not t[:1].isdigit()}
    if len(terms) < 2:
        return []
    docs = set(choose_documents("list", query, passages, snap)[0])
    for p in passages:
        c = p.chunk
        if c.doc not in docs or (layout := layout_of(c.doc)) is None:
            continue
        for a, b in c.sentence_spans():
            text = c.text[a:b]
            if text.rstrip().endswith(":") and terms <= {stem(w) for w in content_tokens(text)}:
                items = _bullets(layout.text, c.start + b, snap.doc_chunks(c.doc))
                if len(items) >= 2:
                    return items[:most]
    return []


def _bullets(text: str, at: int, chunks) -> list[tuple]:
    """The bulleted items of document `text` straight after offset `at`, up to a paragraph
    that opens with no bullet, each cited in a passage holding it whole."""
    items = []
    while (m := _BULLET.match(text, at)) is not None:
        nxt = _BULLET.search(text, m.end())
        brk = text.find("\n\n", m.end())
        end = min(x for x in (nxt.start() if nxt else len(text), brk) if x >= 0)
        item = re.sub(r"[\s;,]*(?:\band)?[\s;,.]*$", "", text[m.end() : end])
        holder = next(
            (c for c in chunks if c.start <= m.end() and m.end() + len(item) <= c.end), None
        )
        if holder is None or not item:
            break
        a = m.end() - holder.start
        items.append((item, holder, a, a + len(item)))
        at = end
    return items


def section_list(
    question: str, query: str, snap, layout_of, passages, most: int, loose: bool = False
):
    """The list under the heading a list question (or one asking how to do something) names,
    as an `Outcome` citing each paragraph's
    first sentence (at most `most`), or None when no heading of the documents the question
    points to (`tables.choose_documents`) is named or its section holds fewer than two
    paragraphs. Among named sections: the heading naming most of the question's words, then
    the one holding the best retrieved passage, then the first document chosen.
    `layout_of(doc)` gives a document's `Extracted`. `loose`: a heading of two words or more
    named among other words answers too (a fact the reader declined: "What was the probable
    cause of the accident in Page?" reads "Probable Cause and Findings")."""
    from rag.answer.abstain import missing_numbers
    from rag.answer.base import Outcome
    from rag.answer.tables import choose_documents
    from rag.retrieve import Passage

    if snap is None:
        return None
    from rag.answer.asked import asked_list  # a transcript's questions: the list it makes

    asked = asked_list(question, query, snap, passages, most)
    if asked is not None:
        return asked
    form = classify(question)
    if form == "summary":  # "What did the CEO say about competition?": the CEO's sentences of it
        from rag.answer.speakers import said_by

        docs, _ = choose_documents("fact", query, passages, snap)
        retrieved = {p.chunk.chunk_id: p for p in passages}
        spoken = said_by(
            query, docs, snap.doc_chunks, lambda c: retrieved.get(c.chunk_id) or Passage(0, 0.0, c)
        )
        if spoken is not None:
            return spoken
    if form == "list" and (
        items := introduced_list(question, query, snap, layout_of, passages, most)
    ):
        retrieved = {p.chunk.chunk_id: p for p in passages}
        return Outcome(
            [
                (t, retrieved.get(c.chunk_id) or Passage(0, 0.0, c), a, b, 1.0)
                for t, c, a, b in items
            ],
            form="list",
        )
    if form == "summary":  # "Summarize Apple's Q1 2023 results": the report's own
        from rag.answer.overview import report_summary

        whole = report_summary(question, query, question, snap, layout_of, passages, most)
        if whole is not None:
            return whole
    # a list, the steps of a procedure, or a section asked for by its heading alone ("What are
    # the safety warnings?" over "Safety Warnings")
    whole = not (form == "list" or _PROCEDURE.search(question) or loose)
    from rag.answer.vocabulary import expand  # as `named_sections` reads the question

    # (in the words the headings use: "FTC lawsuit" is "FTC legal proceedings", one more word
    # than the "Legal Proceedings" section names)
    asked_terms = question_terms(expand(question))
    terms = len(asked_terms)
    if form == "summary":
        # what is summarized, not whose or when: "Summarize Apple's liquidity in Q3 2023", "...
        # as of July 1, 2023"
        what = within_query(DATE.sub(" ", question), document_keys(snap), False)
        terms = len(question_terms(expand(what)))
    docs, _ = choose_documents("list", query, passages, snap)

    best = None
    for order, doc in enumerate(docs):
        layout = layout_of(doc)
        if layout is None or not layout.sections:
            continue
        # the words of the document's title and file name ("the ketarin study") say which
        # document, not which section
        keys = document_keys(snap)
        own = {stem(w) for w in keys[doc].words} if doc in keys else set()
        own |= {t for t in asked_terms if t in doc.lower()}  # a code: "NRV-07"
        needed = min(terms, len(asked_terms - own))
        for sec in named_sections(question, doc, layout):
            if (whole and sec.words < needed) or (loose and sec.words < 2):
                continue
            # a heading of the title's words alone is the document named, not a section asked
            # for ("Who organised the Autumn Lantern Festival?" over a festival's leaflet)
            if (whole or loose) and heading_terms(sec.path.split(SECTION_SEP)[-1]) <= own:
                continue
            ranks = [
                p.rank
                for p in passages
                if p.chunk.doc == doc and p.chunk.start < sec.end and p.chunk.end > sec.start
            ]
            # asked of no period, nor over the reports: the latest's ("List Apple's segments")
            latest = 0 if periods(query) or re.search(rf"(?i)\b{OVER_REPORTS}\b", query) else order
            key = (-sec.words, latest, min(ranks, default=len(passages) + 1), order, sec.start)
            if best is not None and key >= best[0]:
                continue
            # the section's own list: its sub-headings when it has many ("We Face Intense
            # Competition", ...), else its paragraphs' first sentences: two or three headed
            # parts ("Epic Games", "Other Legal Proceedings") are topics whose sentences say more
            leads = sub_headings(sec, layout, snap.doc_chunks(doc))
            if len(leads) < MIN_SUB_HEADINGS:
                leads = paragraph_leads(sec, layout, snap.doc_chunks(doc))
            if len(leads) < 2:
                # one paragraph (a PDF's warnings run together): each of its sentences
                leads = paragraph_leads(sec, layout, snap.doc_chunks(doc), every=True)
            if len(leads) < 2:
                # all it says is about itself (Apple's risk factors: "... described in Part
                # I, Item 1A of the 2022 Form 10-K ..."): that is what it says
                leads = paragraph_leads(sec, layout, snap.doc_chunks(doc), True, about=True)
            # (a fact read loosely: the section's one paragraph says it)
            if len(leads) >= (1 if loose else 2):
                best = (key, leads, layout.text[sec.start : sec.end])
    if best is None:
        return None
    # a procedure's every step: its questions are not among the 10-Q set's (where lists of
    # ten items cited worse than five: citation precision 0.206 -> 0.196)
    most = max(most, PROCEDURE_STEPS) if _PROCEDURE.search(question) else most
    leads = best[1]
    if ASKS_DIVISIONS.search(question):  # "What segments does Apple report?": each one once
        leads = _one_row_a_group(leads)
    found, leads = len(leads), leads[:most]
    # the section does not speak of the year, day or figure asked (its leads may not: "as of
    # July 1, 2023" is said in the sentence after Apple's first on its liquidity)
    if missing_numbers(question, f"{best[2]} {leads[0][1].doc}"):
        return None
    retrieved = {p.chunk.chunk_id: p for p in passages}
    supports = [
        (text, retrieved.get(c.chunk_id) or Passage(0, 0.0, c), a, b, 1.0)
        for text, c, a, b in leads
    ]
    more = f"The section holds {found} items; the first {most} are listed." if found > most else ""
    return Outcome(supports, form="summary" if loose else "list", notice=more)
