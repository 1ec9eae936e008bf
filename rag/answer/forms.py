"""Answers in the form the question needs: a fact (the reader's short span, `reading.py`), a
list or a summary (the few retrieved sentences that support it, in document order), or a
comparison (one line per document or period, in period order).

The form is chosen by a transparent rule over the question's words (`classify`), written on the
validation questions of the 10-Q gold set (eval/sec10q/gold-validation.jsonl) and the seeds'
questions (all facts). Sentences are chosen by signals already at hand: the embedding similarity
of sentence and question, and the question's content words the sentence shares (weighted by how
rare each is among the retrieved sentences). A sentence that shares none is never said.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from rag.answer.base import Outcome
from rag.text import content_tokens, stem

FORMS = ("fact", "list", "summary", "comparison")

# First rule that fires wins; otherwise a fact. Only words that ASK for a list, an account or a
# comparison decide: a question that merely starts "Why", "How did" or "What types" usually has
# one span for its answer (on the SQuAD dev articles, 10% of questions were sent to a list or
# summary by such words, and the SQuAD test's citation precision fell from 0.847 to 0.720; with
# these rules 2.6%), while on the 10-Q validation half the accuracy against its labels stays
# 0.915 (0.930 before). A summary needs a verb or phrase asking for an account,
# not a noun alone: the seeds ask "What is the name of Russia's eastward-looking strategy?" and
# "Who translated ... the Jiang Zhenjun summary?", both facts.
RULES = (
    (
        "comparison",
        r"\b(compare\w*|comparison|trends?|over time|versus|vs|year-over-year|"
        r"quarter-over-quarter|how (has|have) [^?]{0,60}\bchang\w*|chang\w* (over|across|between)|"
        r"each (reported |reporting )?(period|quarter)|separately for each|"
        r"(prior|previous|preceding) (quarters|periods|years)|"
        r"differences? (in|of) [^?]{0,60}\bbetween|fluctuat\w*|stacks? up|"
        r"across (\w+ ){0,2}(quarters|periods|years|reports|filings|10-qs|offerings))\b",
    ),
    (
        "list",
        r"\b(list|enumerate|(what|which) (\w+ ){0,3}(factors|risks|segments|products|"
        r"initiatives|acquisitions|drivers|contributors|programs|proceedings|liabilities|"
        r"contingencies|verticals|steps))\b",
    ),
    (
        "summary",
        r"\b(summariz\w*|summarise\w*|sum up|describe|explain|^(please )?discuss|outlook|"
        r"overview|implications?|examine|assess|analy[sz]e|correlat\w*|relate[sd]?|combine|"
        r"align|reflect\w*|changes in|how did [^?]{0,60}\baffect)\b",
    ),
)


def classify(question: str) -> str:
    """The form a question wants: "fact", "list", "summary" or "comparison".

    >>> classify("How has Apple's total net sales changed over time?")
    'comparison'
    >>> classify("What verticals were discussed in the call?")
    'list'
    >>> classify("Summarize the conclusions on Snowpark")
    'summary'
    >>> classify("What is the name of Russia's eastward-looking strategy?")
    'fact'
    """
    q = question.lower()
    for form, rule in RULES:
        if re.search(rule, q):
            return form
    return "fact"


# ---- periods ---------------------------------------------------------------------------------

_QY = re.compile(r"\bq([1-4])\s*(?:fy|fiscal(?: year)?)?\s*'?((?:19|20)?\d\d)\b", re.I)
_YQ = re.compile(r"\b((?:19|20)\d\d)\s*[-_ ]?\s*q([1-4])\b", re.I)
_ORD = {"first": 1, "second": 2, "third": 3, "fourth": 4}
_WQ = re.compile(
    r"\b(first|second|third|fourth) (?:fiscal )?quarter(?: of)?(?: fiscal)? ((?:19|20)\d\d)\b", re.I
)
_YEAR = re.compile(r"\b((?:19|20)\d\d)\b")


def _year(y: str) -> int:
    n = int(y)
    return n + 2000 if n < 100 else n


def periods(text: str) -> list[tuple[int, int]]:
    """(year, quarter) pairs named in `text` (quarter 0: a year alone), in order of mention.

    >>> periods("2022 Q3 AAPL.pdf"), periods("Q1 2023 vs Q3 FY23"), periods("the first quarter of 2023")
    ([(2022, 3)], [(2023, 1), (2023, 3)], [(2023, 1)])
    >>> periods("annual report 2021")
    [(2021, 0)]
    """
    found: list[tuple[int, int, int]] = []  # (position, year, quarter)
    for m in _YQ.finditer(text):
        found.append((m.start(), _year(m.group(1)), int(m.group(2))))
    for m in _QY.finditer(text):
        found.append((m.start(), _year(m.group(2)), int(m.group(1))))
    for m in _WQ.finditer(text):
        found.append((m.start(), _year(m.group(2)), _ORD[m.group(1).lower()]))
    if not found:
        found = [(m.start(), int(m.group(1)), 0) for m in _YEAR.finditer(text)]
    out: list[tuple[int, int]] = []
    for _, y, q in sorted(found):
        if (y, q) not in out:
            out.append((y, q))
    return out


def period_label(p: tuple[int, int]) -> str:
    return f"Q{p[1]} {p[0]}" if p[1] else str(p[0])


def doc_period(doc: str) -> tuple[int, int] | None:
    """The period a document's name says it covers (its first), or None."""
    found = periods(doc)
    return found[0] if found else None


def doc_order(doc: str) -> tuple:
    """Sort key: documents with a period first, by period, then by name."""
    p = doc_period(doc)
    return (0, p, doc) if p else (1, (0, 0), doc)


def series_key(doc: str) -> str:
    """A document's name without its periods: filings of one series share it.

    >>> series_key("2022 Q3 AAPL.pdf") == series_key("2023 Q1 AAPL.pdf") != series_key("2023 Q1 AMZN.pdf")
    True
    """
    name = doc.rsplit(".", 1)[0]
    for rx in (_YQ, _QY, _WQ, _YEAR):
        name = rx.sub(" ", name)
    return " ".join(re.sub(r"[\W_]+", " ", name.lower()).split())


def series_documents(
    seen: list[str], names: list[str], asked: list[tuple[int, int]], most: int = 8
) -> list[str]:
    """The documents a comparison reads, in period order: those of the series (`series_key`)
    of the documents retrieved first (`seen`) that carry a period, only those of the periods
    the question names when it names some that exist; [] when the series has one document."""
    keys = {series_key(d) for d in seen if doc_period(d)}
    series = [n for n in names if doc_period(n) and series_key(n) in keys]
    named = [n for n in series if doc_period(n) in set(asked)]
    found = sorted(named or series, key=doc_order)
    return found[-most:] if len(found) > 1 else []


# ---- choosing sentences -----------------------------------------------------------------------

# Words that ask rather than say: they name no content a supporting sentence must share.
_ASKING = {
    stem(w)
    for w in """10-q 10-qs q report reports reported reporting quarter quarters period periods
    latest recent most significant notable any change changes changed discuss discussed
    disclose disclosed disclosure mention mentioned highlight highlighted analyze analyse
    summarize summarise describe explain list section compare comparison trend trends time
    relate correlate correlation align examine assess insight insights impact potential
    potentially specific specifically identified identify key major detail details implications
    overall these those there what which how does did company company's""".split()
}


@dataclass(frozen=True)
class Line:
    """One candidate sentence: `passage.chunk.text[start:end]`."""

    passage: object
    start: int
    end: int
    text: str
    score: float
    shared: int  # question content words it holds


def question_terms(question: str) -> set[str]:
    return {stem(w) for w in content_tokens(question)} - _ASKING


def score_lines(question: str, passages, embedder, lexical_weight: float) -> list[Line]:
    """Every sentence of the passages that holds a question word, scored: cosine with the
    question + `lexical_weight` x the share of the question's words it holds, each word weighted
    by its rarity among all the sentences."""
    items = []
    for p in passages:
        for a, b in p.chunk.sentence_spans():
            text = p.chunk.text[a:b]
            if len(text.split()) >= 3:  # a heading or a page number says nothing on its own
                items.append((p, a, b, text))
    if not items:
        return []
    terms = question_terms(question)
    words = [{stem(w) for w in content_tokens(t)} & terms for *_, t in items]
    n = len(items)
    idf = {t: math.log(1 + n / (1 + sum(t in w for w in words))) for t in terms}
    total = sum(idf.values()) or 1.0
    # Only a sentence sharing a question word is ever said (`extract`): embedding the others,
    # most of a table's rows, was most of a list's or comparison's time (issue 27).
    shared = [(item, w) for item, w in zip(items, words, strict=True) if w]
    if not shared:
        return []
    vecs = embedder.embed_cached([question] + [t for (*_, t), _ in shared])
    sims = vecs[1:] @ vecs[0]
    return [
        Line(p, a, b, t, float(s) + lexical_weight * sum(idf[x] for x in w) / total, len(w))
        for ((p, a, b, t), w), s in zip(shared, sims, strict=True)
    ]


def _key(text: str) -> str:
    return " ".join(re.sub(r"[^\w%]+", " ", text.lower()).split())


def _dedupe(lines: list[Line]) -> list[Line]:
    """Best first; a sentence said already (same words, or the same sentence of an
    overlapping passage) is dropped."""
    kept: list[Line] = []
    seen: set[str] = set()
    spans: set[tuple[str, int, int]] = set()
    for line in sorted(lines, key=lambda x: -x.score):
        c = line.passage.chunk
        where = (c.doc, c.start + line.start, c.start + line.end)
        k = _key(line.text)
        if k in seen or where in spans:
            continue
        seen.add(k)
        spans.add(where)
        kept.append(line)
    return kept


def _in_document_order(lines: list[Line]) -> list[Line]:
    return sorted(
        lines, key=lambda x: (doc_order(x.passage.chunk.doc), x.passage.chunk.start + x.start)
    )


def _support(line: Line) -> tuple:
    return (line.text, line.passage, line.start, line.end, round(line.score, 4))


@dataclass(frozen=True)
class FormSettings:
    lexical_weight: float = 0.5
    floor: float = 0.45  # score a sentence needs to be said
    max_items: int = 5
    max_per_period: int = 1


def extract(form: str, question: str, passages, embedder, fs: FormSettings) -> Outcome:
    """A list, summary or comparison answer from the passages, or an abstention with its
    reason. Supports are (sentence, passage, start, end, score) as `number_citations` takes
    them; for a comparison `labels` gives each line's period or document."""
    lines = [
        x
        for x in score_lines(question, passages, embedder, fs.lexical_weight)
        if x.shared and x.score >= fs.floor
    ]
    lines = _dedupe(lines)
    if not lines:
        return Outcome(form=form, reason="form_unsupported", detail=form)
    if form != "comparison":
        chosen = _in_document_order(lines[: fs.max_items])
        return Outcome([_support(x) for x in chosen], form=form)
    # One line per document (its best), documents in period order. When the question names
    # periods that some documents' names carry, only those documents are compared.
    asked = set(periods(question))
    by_doc: dict[str, list[Line]] = {}
    for x in lines:
        by_doc.setdefault(x.passage.chunk.doc, []).append(x)
    named = [d for d in by_doc if doc_period(d) in asked]
    docs = sorted(named if named else by_doc, key=doc_order)[: fs.max_items]
    chosen, labels = [], []
    for d in docs:
        for x in _in_document_order(by_doc[d][: fs.max_per_period]):
            chosen.append(x)
            p = doc_period(d)
            labels.append(period_label(p) if p else d)
    notice = ""
    if len(docs) == 1:
        p = doc_period(docs[0])
        found = period_label(p) if p else docs[0]
        missing = [period_label(x) for x in sorted(asked) if x != p]
        notice = f"Only one period was found in the passages: {found}." + (
            f" Nothing was found for {', '.join(missing)}." if missing else ""
        )
    return Outcome([_support(x) for x in chosen], form=form, labels=labels, notice=notice)


def lines_text(form: str, supports, citations, labels: list[str]) -> str:
    """The answer's text: a list or a comparison as one "- " line per support ("- Q3 2022:
    ... [1]"), a summary as its sentences in a row; each with its [n]."""
    from rag.text import display_text

    number = {(c.doc, c.start, c.end): c.n for c in citations}
    parts = []
    for i, (sentence, passage, start, end, _) in enumerate(supports):
        c = passage.chunk
        n = number[(c.doc, c.start + start, c.start + end)]
        label = f"{labels[i]}: " if i < len(labels) and labels[i] else ""
        parts.append(f"{label}{display_text(sentence)} [{n}]")
    if form == "summary":
        return " ".join(parts)
    return "\n".join(f"- {p}" for p in parts)
