"""What a question searches: the live snapshot narrowed to the documents asked about, whether
those are look-alike dated reports, and the question's names none of them mentions."""

from __future__ import annotations

from rag.answer.abstain import absent_names, unmentioned_in
from rag.answer.phrases import name_runs, unheld_runs
from rag.context import document_keys, document_names
from rag.steering import dated, period_documents, steer, within_query
from rag.store.base import Store


class Scope:
    """The store's live snapshot seen from one question (the store swaps snapshots as
    documents arrive, so each call reads the current one)."""

    def __init__(self, store: Store):
        self.store = store

    def without_steering(self, query: str) -> str:
        """The question without the words that chose its documents (`steering.within_query`:
        periods, the names the documents are known by, "10-Q", "report"): every sentence of
        those documents shares them, so a sentence sharing only them ("I, Timothy D. Cook,
        certify ...", "... include the accounts of Apple Inc.") must not count as support."""
        snap = self.store.current()
        # Only among look-alike dated documents (the named ones, or all when the name is every
        # document's: one company's filings); among articles a name is often what is asked.
        if snap is None or not self.among_dated(query):
            return query
        return within_query(query, document_keys(snap))

    def among_dated(self, query: str, passages=()) -> bool:
        """Whether the documents `query` is steered to (else those of the first `passages`, or
        all) are look-alike reports known by a period (`steering.dated`)."""
        snap = self.store.current()
        if snap is None:
            return False
        snap, docs = steer(snap, query, "prefer")
        docs = docs or period_documents(query, document_keys(snap))  # a comparison's
        return dated(snap, docs or [p.chunk.doc for p in passages[:3]] or list(snap.documents))

    def unmentioned(self, question: str, documents=None, query: str = "") -> list[str]:
        """The names of `question` no searched document mentions (`abstain.unmentioned_in`)."""
        snap = self.snap(documents)
        return [] if snap is None else unmentioned_in(snap, question, query)

    def absent(self, question: str, passages, documents) -> list[str]:
        """The names of `question` that no searched document holds, nor anything like them in
        the passages (`absent_names`): "NVIDIA" over Microsoft's filing, whose rows and
        sentences are another company's. (An all-caps word is often a role or a measure, "CEO":
        never one of them.) Not applied to the reader's own answers: on the SQuAD test
        articles it refused 4 answerable questions there ("What Columbia President went to
        Harvard?") for 2 unanswerable ones."""
        missing = [w for w in self.unmentioned(question, documents) if not w.isupper()]
        return absent_names(missing, [p.chunk.text for p in passages]) if missing else []

    def snap(self, documents):
        """The live snapshot, searching only `documents` when given."""
        snap = self.store.current()
        return snap.restricted(documents) if snap is not None and documents else snap

    def unheld(self, question: str, documents=None) -> tuple[str, str]:
        """(reason code, detail) when a name of several words the question asks about
        (`phrases.name_runs`) is in none of the documents it is about (those its names and
        periods steer to, else all searched): "What did Apple say about the Digital Markets
        Act?" had summarized a Services sentence of Apple's, when only Microsoft's filings
        name the Act. Else ("", "")."""
        snap = self.snap(documents)
        if snap is None or not snap.documents:
            return "", ""
        # the names that choose documents ("Apple") are not what is asked about
        runs = name_runs(question, document_names(snap))
        if not runs:
            return "", ""
        _, steered = steer(snap, question, "prefer")
        docs = sorted(steered or snap.documents)
        text = " ".join(_lowered(snap, d) for d in docs)
        unheld = unheld_runs(runs, text)
        if not unheld:
            return "", ""
        if not steered:
            return "missing_names", " or ".join(unheld)
        more = f" and {len(docs) - 2} more" if len(docs) > 3 else ""
        shown = ", ".join(docs[:2] if more else docs) + more
        return "missing_names_in", f"{' or '.join(unheld)} ({shown})"


def _lowered(snap, doc: str) -> str:
    """A document's passages lower-cased, their spaces collapsed; kept with the snapshot
    (a new one comes with every change of the documents)."""
    cache = snap.__dict__.setdefault("_lowered", {})
    if doc not in cache:
        cache[doc] = " ".join(" ".join(c.text.lower().split()) for c in snap.doc_chunks(doc))
    return cache[doc]
