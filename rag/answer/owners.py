"""Questions about two or more of the parties the documents are told apart by ("Compare Apple's
and Amazon's net income in Q3 2023", "Which company had higher revenue, Apple or Amazon?"):
each party's own question, answered on its own and set side by side (`RAG._between_owners`).
Asked as one, retrieval is steered to neither party's documents and the answer came from a
third company's ("Less: Net income attributable to non-controlling interests" from Intel's).
"""

from __future__ import annotations

import re

from rag.text import ASKING, STOPWORDS, period_spans, stem

_WORD = re.compile(r"[\w&.-]*\w(?:['’]s)?")
# words that set the parties against each other, not what is asked of them
_SETTING = {
    *"compare compares compared comparison comparing versus vs vs. against between both each".split(),
    *"which company companies firm firms higher lower larger smaller bigger more less better".split(),
    *"worse highest lowest largest smallest biggest most least had has have report reported".split(),
}


def owners_asked(question: str, holders) -> list[str]:
    """The names of the question, as written and in order, that each point to documents no
    other name of it points to, when there are two or more; else []. `holders(word)`: the
    documents a lower-cased name tells apart (`steering.name_holders`), empty when none.

    >>> docs = {"apple": {"a1", "a2"}, "amazon": {"z1"}, "aapl": {"a1", "a2"}}
    >>> holders = lambda w: docs.get(w, set())
    >>> owners_asked("Compare Apple's and Amazon's net income in Q3 2023.", holders)
    ['Apple', 'Amazon']
    >>> owners_asked("Compare Apple's and AAPL's net income.", holders)
    []
    """
    found: dict[frozenset[str], str] = {}
    for m in _WORD.finditer(question):
        word = re.sub(r"['’]s$", "", m.group())
        if not word[:1].isupper():
            continue
        docs = frozenset(holders(word.lower()))
        if docs and docs not in found:
            found[docs] = word
    groups = list(found)
    if len(groups) < 2 or any(a & b for i, a in enumerate(groups) for b in groups[i + 1 :]):
        return []
    return list(found.values())


def owners_questions(question: str, owners: list[str]) -> list[str] | None:
    """Each party's own question: what the question asks (its words but the parties' names, the
    words setting them against each other and those that ask), of the period it names; None
    when it asks of several periods or nothing is left.

    >>> owners_questions("Compare Apple's and Amazon's net income in Q3 2023.", ["Apple", "Amazon"])
    ["What was Apple's net income in Q3 2023?", "What was Amazon's net income in Q3 2023?"]
    >>> owners_questions("Which company had higher revenue in Q2 2023, Apple or Amazon?",
    ...     ["Apple", "Amazon"])[1]
    "What was Amazon's revenue in Q2 2023?"
    >>> owners_questions("Apple vs Amazon operating income Q1 2023", ["Apple", "Amazon"])[0]
    "What was Apple's operating income in Q1 2023?"
    >>> owners_questions("Apple or Amazon in Q1 2023 or Q2 2023?", ["Apple", "Amazon"]) is None
    True
    """
    spans = period_spans(question)
    if len(spans) > 1:
        return None
    when = question[spans[0][0] : spans[0][1]] if spans else ""
    rest = question[: spans[0][0]] + " " + question[spans[0][1] :] if spans else question
    names = {o.lower() for o in owners}
    kept = []
    for m in _WORD.finditer(rest):
        w = m.group()
        low = re.sub(r"['’]s$", "", w).lower()
        if low in names or low in STOPWORDS or low in _SETTING or stem(low) in ASKING:
            continue
        kept.append(w)
    if not kept or len(kept) > 6:
        return None
    what = " ".join(kept)
    period = f" in {when}" if when else ""
    return [f"What was {o}'s {what}{period}?" for o in owners]


def owners_of(text: str, snap) -> tuple[list[str], list[str]] | None:
    """(the parties, each one's question) for a question about two or more parties of dated
    documents (`owners_asked`, `owners_questions`); else None."""
    from rag.context import document_keys
    from rag.steering import dated, name_holders, name_spread

    if snap is None or len(snap.documents) < 2:
        return None
    keys = document_keys(snap)

    def holders(word: str) -> set[str]:
        return name_holders(word, keys, lambda w: name_spread(snap, w))

    owners = owners_asked(text, holders)
    if not owners or not dated(snap, set().union(*(holders(o.lower()) for o in owners))):
        return None
    asks = owners_questions(text, owners)
    return None if asks is None else (owners, asks)


def side_by_side(owners: list[str], answers) -> tuple[list, list, list[str]]:
    """Each party's answer (an `Answer`) as one support at the cell its own question read (as
    a period's comparison says it, `measures.cell_of`), the passages they read ranked in
    turn, and "party: why" for each party not answered."""
    from dataclasses import replace

    from rag.answer.base import Outcome
    from rag.answer.measures import cell_of

    supports, passages, refused = [], [], []
    for owner, a in zip(owners, answers, strict=True):
        cited = a.citations[0] if a.citations and not a.abstained else None
        p = next((p for p in a.passages if cited and p.chunk.chunk_id == cited.chunk_id), None)
        if p is None:
            refused.append(f"{owner}: {a.why.rstrip('.')}")
            continue
        c = p.chunk
        row = (cited.quote, p, cited.start - c.start, cited.end - c.start, cited.score)
        supports.append(cell_of(Outcome([row], short_answer=a.short_answer)))
        passages += [p, *(x for x in a.passages if x is not p)]
    return supports, [replace(p, rank=r) for r, p in enumerate(passages, 1)], refused
